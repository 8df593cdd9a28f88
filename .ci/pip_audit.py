"""CI: known vulnerabilities in the pinned requirements (pip-audit), with recorded exceptions.

Runs ``pip-audit -r requirements.txt --no-deps --disable-pip`` (nothing is installed: every pin
is looked up in the vulnerability service) and fails on any vulnerability that is not listed in
``.ci/pip-audit-ignore.txt`` with a reason. When the service cannot be reached (a machine that
reaches only a package mirror), it says so in one line and passes: CI must not fail on the
network, and must not pretend it audited anything either.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IGNORE = ROOT / ".ci" / "pip-audit-ignore.txt"


def read_ignored(text: str) -> dict[str, str]:
    """``ID  # reason`` per line; a line without a reason is an error (ValueError)."""
    out: dict[str, str] = {}
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        vuln, _, reason = line.partition("#")
        if not reason.strip():
            raise ValueError(f"pip-audit-ignore.txt line {n}: give the reason after '#'")
        out[vuln.strip()] = reason.strip()
    return out


def verdict(report: dict, ignored: dict[str, str]) -> tuple[int, str]:
    """(exit code, one-line summary) for pip-audit's JSON report."""
    deps = report.get("dependencies", [])
    audited = [d for d in deps if not d.get("skip_reason")]
    if not audited:
        return 0, (
            f"pip-audit: the vulnerability service is not reachable from here "
            f"({len(deps)} pins, none could be looked up): audit skipped"
        )
    found = [
        f"{d['name']} {d['version']}: {v['id']}"
        for d in audited
        for v in d.get("vulns", [])
        if v["id"] not in ignored and not set(v.get("aliases", [])) & set(ignored)
    ]
    if found:
        return 1, "pip-audit: known vulnerabilities without a recorded exception: " + "; ".join(
            found
        )
    skipped = len(deps) - len(audited)
    note = f", {skipped} not found in the service" if skipped else ""
    return 0, f"pip-audit: {len(audited)} pins audited, no unrecorded vulnerability{note}"


def main() -> int:
    try:
        ignored = read_ignored(IGNORE.read_text(encoding="utf-8") if IGNORE.exists() else "")
    except ValueError as exc:
        print(exc)
        return 1
    cmd = [
        sys.executable, "-m", "pip_audit", "-r", str(ROOT / "requirements.txt"),
        "--no-deps", "--disable-pip", "--progress-spinner", "off", "--format", "json",
        "--timeout", "20",
    ]  # fmt: skip
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        print(f"pip-audit: the vulnerability service is not reachable from here ({last[:160]})")
        return 0
    code, message = verdict(report, ignored)
    print(message)
    return code


if __name__ == "__main__":
    sys.exit(main())

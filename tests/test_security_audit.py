"""CI's pip-audit step: fails on a known vulnerability without a recorded exception, passes with
one, and says plainly when the vulnerability service could not be reached."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("ci_pip_audit", ROOT / ".ci" / "pip_audit.py")
audit = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(audit)

VULNERABLE = {
    "dependencies": [
        {"name": "django", "version": "5.2.19", "vulns": []},
        {
            "name": "pyyaml",
            "version": "6.0.4",
            "vulns": [{"id": "PYSEC-2099-1", "aliases": ["CVE-2099-0001"], "fix_versions": []}],
        },
    ]
}


def test_a_vulnerability_without_an_exception_fails():
    code, message = audit.verdict(VULNERABLE, {})
    assert code == 1 and "pyyaml 6.0.4: PYSEC-2099-1" in message


def test_a_recorded_exception_passes_by_id_or_alias():
    assert audit.verdict(VULNERABLE, {"PYSEC-2099-1": "not reachable"})[0] == 0
    assert audit.verdict(VULNERABLE, {"CVE-2099-0001": "not reachable"})[0] == 0


def test_an_unreachable_service_is_said_in_one_line_and_passes():
    report = {
        "dependencies": [
            {"name": "django", "version": "5.2.19", "skip_reason": "Dependency not found on PyPI"}
        ]
    }
    code, message = audit.verdict(report, {})
    assert code == 0 and "not reachable" in message and "\n" not in message


def test_every_exception_needs_a_reason():
    assert audit.read_ignored("# comment\nPYSEC-1  # fixed upstream, not used\n") == {
        "PYSEC-1": "fixed upstream, not used"
    }
    with pytest.raises(ValueError):
        audit.read_ignored("PYSEC-1\n")
    audit.read_ignored((ROOT / ".ci" / "pip-audit-ignore.txt").read_text(encoding="utf-8"))

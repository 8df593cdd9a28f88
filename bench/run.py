"""`make bench`: run every bench/bench_*.py in its own process (each sets up its own scratch
database) and pass their `BENCH {json}` lines through. Figures are printed next to a baseline
measured in the same run; nothing here passes or fails on speed."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    only = set(sys.argv[1:])
    failed = []
    for script in sorted(HERE.glob("bench_*.py")):
        if only and script.stem.removeprefix("bench_") not in only:
            continue
        print(f"# {script.name}", flush=True)
        started = time.monotonic()
        result = subprocess.run([sys.executable, str(script)], cwd=HERE.parent)
        print(f"# {script.name} took {time.monotonic() - started:.0f} s", flush=True)
        if result.returncode:
            failed.append(script.name)
    if failed:
        print(f"# failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

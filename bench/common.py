"""Plumbing shared by the benchmarks: scratch databases, Django set-up, the BENCH line.

Each figure is printed as one line ``BENCH {json}`` with the baseline measured in the same run
on the same machine. A benchmark that needs Django runs its measurement in a child process
(``run_isolated``), because Django can be set up only once per process and each database
needs its own settings.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_HOST = os.environ.get("KONGTUN_BENCH_PG_HOST", "127.0.0.1")
POSTGRES_PORT = int(os.environ.get("KONGTUN_BENCH_PG_PORT", "5432"))
POSTGRES_USER = "postgres"
SCRATCH_DB = "kongtun_bench"


#: Units of a duration: smaller is faster.
TIME_UNITS = frozenset({"s", "ms", "seconds"})


def bench_line(
    name: str,
    value: float,
    unit: str,
    baseline: str,
    baseline_value: float,
    *,
    digits: int = 1,
    **extra: object,
) -> str:
    """Print (and return) one figure next to its same-run baseline; ``extra`` adds fields
    (e.g. ``errors``) to the same line; ``digits`` rounds value and baseline (seconds under
    one need more than one). ``ratio`` > 1 always means faster than the baseline: for a
    duration (s, ms) it is baseline ÷ value, for a rate (…/s) value ÷ baseline."""
    if unit in TIME_UNITS:
        ratio = round(baseline_value / value, 3) if value else None
    else:
        ratio = round(value / baseline_value, 3) if baseline_value else None
    line = "BENCH " + json.dumps(
        {
            "name": name,
            "value": round(value, digits),
            "unit": unit,
            "baseline": baseline,
            "baseline_value": round(baseline_value, digits),
            "ratio": ratio,
            **extra,
        },
        ensure_ascii=False,
    )
    print(line, flush=True)
    return line


def note(text: str) -> None:
    """A line of context (not a figure)."""
    print(f"# {text}", flush=True)


def postgres_reachable(timeout: float = 2.0) -> bool:
    try:
        with socket.create_connection((POSTGRES_HOST, POSTGRES_PORT), timeout=timeout):
            pass
    except OSError:
        return False
    try:
        import psycopg

        with psycopg.connect(_pg_url("postgres"), connect_timeout=int(timeout) or 1):
            return True
    except Exception:
        return False


def _pg_url(dbname: str) -> str:
    return f"postgres://{POSTGRES_USER}@{POSTGRES_HOST}:{POSTGRES_PORT}/{dbname}"


@contextlib.contextmanager
def scratch_postgres(name: str = SCRATCH_DB) -> Iterator[str]:
    """Create an empty database (dropped first if a failed run left it), yield its URL, drop
    it afterwards."""
    import psycopg

    def drop(conn: psycopg.Connection) -> None:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        )
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')

    with psycopg.connect(_pg_url("postgres"), autocommit=True) as conn:
        drop(conn)
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _pg_url(name)
    finally:
        with psycopg.connect(_pg_url("postgres"), autocommit=True) as conn:
            drop(conn)


@contextlib.contextmanager
def scratch_sqlite() -> Iterator[str]:
    """A SQLite file in a temporary directory, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="kongtun-bench-") as tmp:
        yield f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"


def django_setup(database_url: str) -> None:
    """Set Django up against the scratch database and migrate it (quietly)."""
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "kongtun.settings"
    os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
    os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def run_isolated(script: Path, *args: str) -> int:
    """Run a benchmark worker in its own Python process; its output goes straight through."""
    env = dict(os.environ)
    env.setdefault("PYTHAINLP_OFFLINE", "1")
    env.setdefault("PYTHAINLP_READ_ONLY", "1")
    return subprocess.call([sys.executable, str(script), *args], cwd=ROOT, env=env)

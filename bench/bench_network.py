"""Benchmark ``network_rollup`` (issue 17): the network dashboard over a synthetic network at
scale S (default 0.01: 57 funds, ~40,000 members, five years of payments and books, built by
``manage.py network_dataset`` through the import paths; kept in ``var/network-<S>.sqlite3``
and reused, or ``--database URL``).

Value: seconds for the dashboard a coordinator following every fund opens
(``GET /network/?by=province``, the whole request through the test client: roll-up tables,
template). Baseline, same run: the same figures — twelve months of money, members at the
month's end by sex, age and occupation, reserves and months covered — computed for every fund
from journal lines and the register at request time (``network.rollup.fund_months_compute``,
the code that fills the roll-ups at a close). Medians of 5 runs. ``ratio`` = baseline ÷
value (target: value < 1 s, ratio ≥ 20).

    python bench/bench_network.py [--scale 0.01] [--database URL]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, bench_line, django_setup, note

RUNS = 5


def median_seconds(fn, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=0.01)
    parser.add_argument("--database", default="")
    parser.add_argument(
        "--baseline-runs", type=int, default=3, help="runs of the slow baseline (median)"
    )
    args = parser.parse_args()
    url = args.database or f"sqlite:///{ROOT / 'var' / f'network-{args.scale}.sqlite3'}"
    django_setup(url)
    from django.contrib.auth import get_user_model
    from django.test import Client

    from kongtun.funds.models import Fund, FundRole, Role
    from kongtun.network.rollup import fund_months_compute, month_index, month_of
    from kongtun.network.selectors import fund_rows

    if not Fund.objects.filter(short_code__startswith="SYN").exists():
        note(f"building the network at scale {args.scale} (once; kept in {url})")
        started = time.perf_counter()
        subprocess.check_call(
            [sys.executable, "manage.py", "network_dataset", "--scale", str(args.scale)],
            cwd=ROOT,
        )
        note(f"built in {time.perf_counter() - started:.0f} s")
    funds = list(Fund.objects.filter(short_code__startswith="SYN"))
    user, _ = get_user_model().objects.get_or_create(username="bench-coordinator")
    for f in funds:
        FundRole.objects.get_or_create(user=user, fund=f, role=Role.COORDINATOR)
    client = Client()
    client.force_login(user)
    from kongtun.members.models import Member

    note(f"{len(funds)} funds, {Member.objects.filter(fund__in=funds).count():,} members")
    _rows, since, until = fund_rows(Fund.objects.filter(pk__in=[f.pk for f in funds]))
    months = [month_of(i) for i in range(month_index(since), month_index(until) + 1)]

    def dashboard() -> None:
        response = client.get("/network/", {"by": "province"})
        assert response.status_code == 200

    def from_lines() -> None:
        for fund in funds:
            fund_months_compute(fund=fund, months=months)

    dashboard()  # warm the templates and the connection
    value = median_seconds(dashboard)
    baseline = median_seconds(from_lines, runs=args.baseline_runs)
    bench_line(
        "network_rollup",
        value * 1000,
        "ms",
        "the same figures from journal lines and the register at request time",
        baseline * 1000,
        funds=len(funds),
        scale=args.scale,
        baseline_runs=args.baseline_runs,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

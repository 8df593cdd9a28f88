"""Payments from several treasurers at once on PostgreSQL, next to the same work in one process.

Run alone: .venv/bin/python bench/bench_concurrency.py [--per-process N] [--processes P]
Prints: BENCH {"name": "concurrent_payments", "value": <payments/s with P processes>, "unit":
"payments/s", "baseline": "the same payments from 1 process", "baseline_value": …, "ratio":
ours / baseline, "errors": N}

Each payment is one `contributions_record` call (a receipt, a balanced entry, its seal), made
by a real process with its own connection (tests/concurrency/worker.py), as two laptops at a
meeting would. Writers of one fund queue on the fund's row (decision 0016), so on two cores
the ratio says what that queue costs or saves; `errors` must be 0.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import bench_line, django_setup, note, postgres_reachable, scratch_postgres

DB = "kongtun_bench_concurrency"
TODAY = dt.date(2026, 11, 25)


def _fund(code: str, members: int):
    from kongtun.contributions.services import plan_assign
    from kongtun.funds.services import AreaInput, FundInput, fund_create
    from kongtun.members.services import MemberInput, member_create

    fund = fund_create(
        data=FundInput(
            name_th=f"กองทุนทดสอบ {code}",
            short_code=code,
            province_code="51",
            district=AreaInput("5107", "บ้านธิ"),
            subdistrict=AreaInput("5107" + code[-2:], "ทดสอบ"),
            founded_on=dt.date(2009, 6, 1),
            conceptual_bases=["economics"],
            village_count=2,
        ),
        actor=None,
        today=TODAY,
    )
    village = fund.villages.order_by("number").first()
    occupation = fund.occupation_groups.get(code="farmer")
    monthly = fund.contribution_plans.get(months=1)
    numbers = []
    for i in range(members):
        body = f"3{code[-2:]}{i:09d}"
        check = (11 - sum(int(d) * (13 - k) for k, d in enumerate(body)) % 11) % 10
        member = member_create(
            fund=fund,
            data=MemberInput(
                title="นาง",
                first_name=f"สมาชิก{i}",
                last_name="ทดสอบ",
                national_id=body + str(check),
                birth_date=dt.date(1970, 1, 1),
                sex="F",
                village_id=village.pk,
                occupation_id=occupation.pk,
                join_date=dt.date(2010, 1, 1),
            ),
            actor=None,
            today=TODAY,
        )
        plan_assign(member=member, plan=monthly, effective_date=member.join_date)
        numbers.append(member.number)
    return fund, numbers


def _run(fund_id: int, numbers: list[str], processes: int, per_process: int) -> tuple[float, int]:
    from tests.concurrency.worker import collect, spawn

    start = time.time() + 3.0
    procs = [
        spawn(
            DB,
            "pay",
            start,
            fund_id=fund_id,
            numbers=numbers[i::processes],
            count=per_process,
            amount="30.00",
            paid_on=TODAY.isoformat(),
        )
        for i in range(processes)
    ]
    results = collect(procs, timeout=3600)
    done = sum(len(r["receipts"]) for r in results)
    errors = sum(len(r["errors"]) for r in results)
    elapsed = max(r["finished_at"] for r in results) - start
    return done / elapsed, errors


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--per-process", type=int, default=2000)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--members", type=int, default=400)
    args = parser.parse_args()
    if not postgres_reachable():
        note("concurrent_payments: PostgreSQL is not reachable on 127.0.0.1:5432; skipped")
        return 0
    with scratch_postgres(DB) as url:
        django_setup(url)
        from django.db import connection

        many, many_numbers = _fund("CONC01", args.members)
        one, one_numbers = _fund("CONC02", args.members)
        connection.close()
        total = args.processes * args.per_process
        note(f"{total} payments into one fund of {args.members} members, each its own call")
        baseline, base_errors = _run(one.pk, one_numbers, 1, total)
        value, errors = _run(many.pk, many_numbers, args.processes, args.per_process)
        bench_line(
            "concurrent_payments",
            value,
            "payments/s",
            "the same payments from 1 process",
            baseline,
            errors=errors,
            baseline_errors=base_errors,
            processes=args.processes,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

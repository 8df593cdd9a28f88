"""Benefits engine throughput: decisions per second over 100,000 claims against the two demo
regulations (banthi.yaml, thaneun.yaml), thaneun's with every clause of issue 14 added: a filing
deadline (its own), an amount per counted year with half-year rounding and a cap, tiers on
unbroken payment with their own clauses, per-day units, a birth with the mother's nights as a
linked part, and conditions on the member's marital status and children.

The claims are synthetic and reproducible (seeded): 2,000 members with years of monthly or
yearly contributions, some suspended or deceased, past claims counting against caps; every
benefit of both regulations, including relatives, tiers, levels and shared caps. Each claim is
decided by ``decide(regulation, history, event)`` with the regulation parsed once.

Baseline, measured in the same run: the same ``decide`` preceded by ``load_regulation`` of the
YAML text for every decision — what an integration that stores the text and parses it per
claim would do. It is too slow to run over 100,000 claims, so it runs over the first
``--baseline-claims`` (300) and is reported per second. No database is involved.

    .venv/bin/python bench/bench_engine.py [--claims N] [--baseline-claims N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from kongtun.regulations.engine import (  # noqa: E402
    Event,
    MemberHistory,
    PastClaim,
    Payment,
    Regulation,
    StatusChange,
    decide,
    dump_regulation,
    load_regulation,
    regulation_from_dict,
    regulation_to_dict,
)
from kongtun.regulations.engine.prototypes import PROTOTYPE_DIR  # noqa: E402

AS_OF = dt.date(2026, 11, 25)
FOUNDED = dt.date(2009, 6, 1)


def _member(rng: random.Random) -> MemberHistory:
    joined = FOUNDED + dt.timedelta(days=rng.randrange(0, (AS_OF - FOUNDED).days - 200))
    born = dt.date(joined.year - rng.randrange(18, 66), rng.randrange(1, 13), rng.randrange(1, 29))
    yearly = rng.random() < 0.3
    step = 12 if yearly else 1
    payments = []
    day = joined
    period = dt.date(joined.year, joined.month, 1)
    while day <= AS_OF:
        if rng.random() < 0.93:  # some months skipped: arrears
            payments.append(Payment(day, step, Decimal(30 * step), period_start=period))
            month = period.month - 1 + step
            period = dt.date(period.year + month // 12, month % 12 + 1, 1)
        month = day.month - 1 + step
        day = dt.date(day.year + month // 12, month % 12 + 1, min(day.day, 28))
    changes = []
    death = None
    roll = rng.random()
    if roll < 0.04:
        death = joined + dt.timedelta(days=rng.randrange(200, max(201, (AS_OF - joined).days)))
        changes.append(StatusChange(death, "deceased"))
    elif roll < 0.1:
        changes.append(StatusChange(joined + dt.timedelta(days=400), "suspended"))
    claims = tuple(
        PastClaim(
            rng.choice(["hospital", "outpatient", "birth", "education"]),
            joined + dt.timedelta(days=rng.randrange(0, max(1, (AS_OF - joined).days))),
            Decimal(rng.choice([50, 100, 300, 500, 700])),
            rng.randrange(1, 4),
        )
        for _ in range(rng.randrange(0, 6))
    )
    return MemberHistory(
        birth_date=born,
        sex=rng.choice(["F", "M"]),
        join_date=joined,
        plan_months=step,
        death_date=death,
        payments=tuple(payments),
        status_changes=tuple(changes),
        claims=claims,
    )


def _event(rng: random.Random, reg: Regulation, h: MemberHistory) -> Event:
    b = rng.choice(reg.benefits)
    span = max(1, (AS_OF - h.join_date).days)
    day = h.death_date if b.kind == "death" and h.death_date and rng.random() < 0.5 else None
    day = day or h.join_date + dt.timedelta(days=rng.randrange(-30, span))
    relatives = [r.relative for r in b.relatives] or ["self"]
    relative = rng.choice(relatives)
    kids = tuple(
        dt.date(day.year - rng.randrange(1, 30), rng.randrange(1, 13), 1)
        for _ in range(rng.choice([0, 1, 2, 3]))
    )
    return Event(
        benefit=b.code,
        date=day,
        as_of=AS_OF,
        filed_on=min(AS_OF, day + dt.timedelta(days=rng.randrange(0, 120))),
        discharge_date=day + dt.timedelta(days=rng.randrange(0, 10)),
        days=rng.randrange(1, 15),
        marital_status=rng.choice(["single", "married", "widowed", "divorced"]),
        children_birth_dates=kids,
        relative=relative,  # type: ignore[arg-type]
        nights=rng.randrange(1, 12) if b.per == "night" or b.parts else None,
        children=rng.choice([1, 1, 1, 2]) if b.per == "child" else None,
        months=rng.choice([1, 6, 12]) if b.per == "month" else None,
        grade_average=Decimal(rng.randrange(200, 401)) / 100,
        school_level=rng.choice(["p6", "m3", "m6", "university_entry"]),
        subject_birth_date=dt.date(day.year - rng.randrange(5, 80), 6, 1),
        subject_sex=rng.choice(["female", "male"]),
    )


#: Issue 14's clauses, added to thaneun.yaml for the benchmark (wording as in the tests).
NEW_CLAUSES = [
    {"number": "21", "text_th": "ยื่นคำขอภายใน 30 วันนับแต่วันออกจากโรงพยาบาล"},
    {
        "number": "22",
        "text_th": "ได้รับปีละ 1,000 บาทตามจำนวนปีที่เป็นสมาชิก รวมไม่เกิน 50,000 บาท "
        "เศษของปีที่เกินกึ่งปีให้นับเป็นหนึ่งปี",
    },
    {"number": "23", "text_th": "สวัสดิการตามระยะเวลาการส่งเงินสัจจะต่อเนื่อง"},
    {"number": "23.1", "text_th": "ส่งเงินสัจจะต่อเนื่องครบ 1 ปี แต่ไม่เกิน 2 ปี ได้รับ 3,000 บาท"},
    {"number": "23.2", "text_th": "ส่งเงินสัจจะต่อเนื่อง 2 ปี 1 วันขึ้นไป ได้รับ 5,000 บาท"},
    {"number": "24", "text_th": "ค่าชดเชยการขาดรายได้ วันละ 100 บาท ไม่เกิน 10 วันต่อครั้ง"},
    {
        "number": "25",
        "text_th": "ค่าทำขวัญบุตร 500 บาท และค่าพักรักษาในการคลอดครั้งเดียวกันคืนละ 100 บาท "
        "ไม่เกิน 10 คืน รวมกันปีละไม่เกิน 1,500 บาท",
    },
    {
        "number": "26",
        "text_th": "สมาชิกที่เป็นหม้ายและมีบุตรที่ยังไม่บรรลุนิติภาวะ ได้รับ 1,000 บาท",
    },
]
NEW_BENEFITS = [
    {
        "code": "hospital_deadline",
        "kind": "hospital",
        "name_th": "นอนโรงพยาบาล (ยื่นภายใน 30 วัน)",
        "clause": "21",
        "per": "night",
        "amount": "100",
        "filing_deadline": {"days": "30", "counted_from": "discharge"},
        "caps": [{"period": "year", "amount": "2000"}],
    },
    {
        "code": "years_funeral",
        "kind": "death",
        "name_th": "ค่าจัดการศพตามจำนวนปี",
        "clause": "22",
        "per": "counted_year",
        "amount": "1000",
        "counted_years": {"remainder": "more_than_half"},
        "caps": [{"period": "event", "amount": "50000"}],
    },
    {
        "code": "steady",
        "kind": "other",
        "name_th": "สวัสดิการส่งต่อเนื่อง",
        "clause": "23",
        "tiers": {
            "basis": "continuous",
            "bands": [
                {
                    "lower": {"years": "1"},
                    "upper": {"years": "2"},
                    "amount": "3000",
                    "clause": "23.1",
                },
                {"lower": {"years": "2", "days": "1"}, "amount": "5000", "clause": "23.2"},
            ],
        },
        "caps": [{"period": "lifetime", "times": "1"}],
    },
    {
        "code": "sick_days",
        "kind": "other",
        "name_th": "ค่าชดเชยการขาดรายได้",
        "clause": "24",
        "per": "day",
        "amount": "100",
        "caps": [{"period": "event", "units": "10"}, {"period": "year", "amount": "3000"}],
    },
    {
        "code": "birth_linked",
        "kind": "birth",
        "name_th": "ค่าทำขวัญบุตรและค่าพักรักษาของมารดา",
        "clause": "25",
        "per": "delivery",
        "amount": "500",
        "conditions": {"sex": "female"},
        "parts": [
            {
                "code": "mother_stay",
                "name_th": "ค่าพักรักษาของมารดา",
                "per": "night",
                "amount": "100",
                "max_units": "10",
            },
        ],
        "caps": [{"period": "year", "amount": "1500"}],
    },
    {
        "code": "widowed_family",
        "kind": "other",
        "name_th": "เงินช่วยเหลือครอบครัว",
        "clause": "26",
        "amount": "1000",
        "conditions": {
            "applies_to": ["self"],
            "marital_status": ["widowed"],
            "has_minor_child": True,
        },
        "caps": [{"period": "year", "times": "1"}],
    },
]


def with_new_clauses(text: str) -> str:
    """The regulation with issue 14's clauses added (and validated by the loader)."""
    data = regulation_to_dict(load_regulation(text))
    data["clauses"] = [*data["clauses"], *NEW_CLAUSES]
    data["benefits"] = [*data["benefits"], *NEW_BENEFITS]
    data["membership"]["continuity"] = {"reset_after_gap": True, "grace_days": "15"}
    return dump_regulation(regulation_from_dict(data))


def make_claims(
    n: int, seed: int = 2552
) -> tuple[dict[str, str], list[tuple[str, MemberHistory, Event]]]:
    texts = {
        code: (PROTOTYPE_DIR / f"{code}.yaml").read_text(encoding="utf-8")
        for code in ("banthi", "thaneun")
    }
    texts["thaneun"] = with_new_clauses(texts["thaneun"])
    regs = {code: load_regulation(text) for code, text in texts.items()}
    rng = random.Random(seed)
    members = [_member(rng) for _ in range(2000)]
    claims = []
    for i in range(n):
        code = "banthi" if i % 2 == 0 else "thaneun"
        h = members[rng.randrange(len(members))]
        claims.append((code, h, _event(rng, regs[code], h)))
    return texts, claims


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--baseline-claims", type=int, default=300)
    args = parser.parse_args(argv)

    texts, claims = make_claims(args.claims)
    regs = {code: load_regulation(text) for code, text in texts.items()}
    for reg in regs.values():
        reg.index  # noqa: B018 — compiled once, as the Django side's cache does

    started = time.perf_counter()
    eligible = 0
    for code, history, event in claims:
        eligible += decide(regs[code], history, event).eligible
    ours = len(claims) / (time.perf_counter() - started)

    sample = claims[: args.baseline_claims]
    started = time.perf_counter()
    for code, history, event in sample:
        decide(load_regulation(texts[code]), history, event)
    baseline = len(sample) / (time.perf_counter() - started)

    try:
        from bench.common import bench_line, note
    except ImportError:  # run on its own, without the shared plumbing
        import json

        def note(text: str) -> None:
            print(f"# {text}", flush=True)

        def bench_line(name, value, unit, baseline, baseline_value):  # type: ignore[no-redef]
            print(
                "BENCH "
                + json.dumps(
                    {
                        "name": name,
                        "value": round(value, 1),
                        "unit": unit,
                        "baseline": baseline,
                        "baseline_value": round(baseline_value, 1),
                        "ratio": round(value / baseline_value, 3),
                    },
                    ensure_ascii=False,
                ),
                flush=True,
            )

    note(
        f"{len(claims):,} claims against banthi.yaml and thaneun.yaml with issue 14's clauses, "
        f"{eligible:,} eligible; baseline over {len(sample)} claims"
    )
    bench_line(
        "engine_decisions",
        ours,
        "decisions/s",
        "the same decide() re-loading the regulation YAML (load_regulation) for every decision",
        baseline,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

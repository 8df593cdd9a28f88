"""Benefits engine throughput: decisions per second over 100,000 claims against the two demo
regulations (banthi.yaml, thaneun.yaml).

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
    load_regulation,
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
    while day <= AS_OF:
        if rng.random() < 0.93:  # some months skipped: arrears
            payments.append(Payment(day, step, Decimal(30 * step)))
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
    return Event(
        benefit=b.code,
        date=day,
        as_of=AS_OF,
        relative=relative,  # type: ignore[arg-type]
        nights=rng.randrange(1, 12) if b.per == "night" else None,
        children=rng.choice([1, 1, 1, 2]) if b.per == "child" else None,
        months=rng.choice([1, 6, 12]) if b.per == "month" else None,
        grade_average=Decimal(rng.randrange(200, 401)) / 100,
        school_level=rng.choice(["p6", "m3", "m6", "university_entry"]),
        subject_birth_date=dt.date(day.year - rng.randrange(5, 80), 6, 1),
        subject_sex=rng.choice(["female", "male"]),
    )


def make_claims(
    n: int, seed: int = 2552
) -> tuple[dict[str, str], list[tuple[str, MemberHistory, Event]]]:
    texts = {
        code: (PROTOTYPE_DIR / f"{code}.yaml").read_text(encoding="utf-8")
        for code in ("banthi", "thaneun")
    }
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
        f"{len(claims):,} claims against banthi.yaml and thaneun.yaml, "
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

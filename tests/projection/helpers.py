"""Small synthetic funds and regulations for the projection tests."""

from __future__ import annotations

import datetime as dt
import random

import numpy as np

from kongtun.projection.engine import Population, default_assumptions

START = dt.date(2026, 1, 1)


def population(n: int, *, seed: int = 3, mean_age: float = 52, plans=((30, 1),)) -> Population:
    rng = random.Random(seed)
    members = []
    for _ in range(n):
        age = min(92, max(16, int(rng.gauss(mean_age, 16))))
        birth = dt.date(START.year - age - 1, rng.randint(1, 12), rng.randint(1, 28))
        join = dt.date(rng.randint(2008, 2025), rng.randint(1, 12), rng.randint(1, 28))
        join = max(join, birth)
        amount, months = rng.choice(plans)
        members.append((birth, rng.choice("FM"), join, amount, months))
    return Population.from_members(members, start=START)


def assumptions(**kw):
    base = dict(
        years=8,
        scenarios=20000,
        seed=7,
        opening_balance=150_000.0,
        new_members=3,
        exit_rate=0.03,
        matching_local=0.1,
        matching_central=0.25,
        interest_rate=0.01,
        admin_share=0.02,
        compliance=0.9,
    )
    base.update(kw)
    return default_assumptions(START, **base)


KITCHEN_SINK = """
format: 1
code: sink
title_th: ระเบียบทดสอบ
clauses: [{number: "1", text_th: x}]
membership:
  clause: "1"
  entrance_fee: {amount: 100}
  fees:
    - {code: levy, amount: 20, charged: per_member_death}
    - {code: annual, amount: 10, charged: yearly}
  plans:
    - {amount: 50, months: 1}
  waiting_periods: [{basis: contributions, months: 6}]
benefits:
  - code: lump
    kind: old_age
    name_th: บำเหน็จ
    clause: "1"
    conditions: {min_age: 60}
    tiers:
      basis: contributions
      bands:
        - {lower: {years: 2}, upper: {years: 8, inclusive: false}, amount: 3000}
        - {lower: {years: 8}, amount: 6000}
    caps: [{period: lifetime, times: 1}]
  - code: funeral
    kind: death
    name_th: ศพ
    clause: "1"
    tiers:
      basis: membership
      bands:
        - {lower: {months: 6}, upper: {years: 3, inclusive: false}, amount: 4000}
        - {lower: {years: 3}, amount: 9000}
    relatives:
      - relative: self
      - {relative: child, fraction: 0.25}
      - {relative: spouse, fraction: 0.5}
  - code: disability
    kind: disability
    name_th: พิการ
    clause: "1"
    levels:
      - {level: mild, amount: 500}
      - {level: severe, amount: 3000}
    caps: [{period: lifetime, times: 1}]
  - code: hospital
    kind: hospital
    name_th: นอนโรงพยาบาล
    clause: "1"
    per: night
    amount: 200
    conditions: {min_age: 18}
    caps:
      - {period: event, amount: 1000}
      - {period: year, amount: 1600}
"""


def agree(engine: np.ndarray, reference: np.ndarray, *, z: float = 4.0) -> list[str]:
    """Differences between two samples beyond ``z`` standard errors: the means, and the 5th,
    50th and 95th percentiles on the probability scale (the reference's percentile must fall
    within the engine's p ± z·√(p(1−p)/n) for both sample sizes). Empty = they agree."""
    problems = []
    ne, nr = len(engine), len(reference)
    se = np.sqrt(engine.var() / ne + reference.var() / nr)
    if abs(engine.mean() - reference.mean()) > z * se + 1e-9:
        problems.append(f"mean {engine.mean():.0f} vs {reference.mean():.0f} (se {se:.0f})")
    srt = np.sort(engine)
    for p in (0.05, 0.5, 0.95):
        q = np.quantile(reference, p)
        lo = np.searchsorted(srt, q, side="left") / ne
        hi = np.searchsorted(srt, q, side="right") / ne
        tol = z * np.sqrt(p * (1 - p) / nr) + z * np.sqrt(p * (1 - p) / ne)
        if not lo - tol <= p <= hi + tol:
            problems.append(
                f"p{int(p * 100)}: reference {q:.0f} is at {lo:.3f}..{hi:.3f} of the engine"
            )
    return problems

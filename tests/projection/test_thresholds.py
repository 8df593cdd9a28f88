"""Thresholds reached during the year (decision 0024): a pension from age 60 and a higher rate
from 10 years of membership are paid from the month the member qualifies. The engine's yearly
pensions agree within 1 % with a month-by-month reference over real birth and join dates,
each month decided by ``decide`` itself. (The mid-year convention paid every new pensioner and
every tier change half a year late: 3–5 % off.)"""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal

import numpy as np

from kongtun.projection.engine import Population, project
from kongtun.regulations.engine import (
    Event,
    MemberHistory,
    Payment,
    completed_months,
    decide,
    load_regulation,
)
from tests.projection.helpers import START, assumptions

PENSION = """
format: 1
code: pension
title_th: บำนาญ
clauses: [{number: "1", text_th: x}]
membership:
  plans: [{amount: 30, months: 1}]
benefits:
  - code: pension
    kind: old_age
    name_th: บำนาญ
    clause: "1"
    per: month
    conditions: {min_age: 60}
    tiers:
      basis: membership
      bands:
        - {lower: {years: 1}, upper: {years: 10, inclusive: false}, amount: 300}
        - {lower: {years: 10}, amount: 500}
"""


def members(n: int) -> list[tuple[dt.date, str, dt.date]]:
    """Birthdays and joining days spread evenly over the calendar (a lattice, so the test
    measures the timing, not the luck of a sample): ages 50–66, 3 months to 12 years a
    member."""
    out = []
    for i in range(n):
        birth = START - dt.timedelta(days=50 * 365 + i * 16 * 365 // n)
        join = START - dt.timedelta(days=100 + (i * 7919) % (12 * 365))
        out.append((birth, "FM"[i % 2], join))
    return out


def monthly_reference(reg, people, years: int) -> np.ndarray:
    """Pension paid in each projection year: every member, every month, decided on the
    month's last day for one month (nobody dies or leaves)."""
    paid = np.zeros(years)
    memo: dict[tuple, float] = {}
    for birth, sex, join in people:
        history = MemberHistory(
            birth_date=birth,
            sex=sex,
            join_date=join,
            payments=(Payment(join, 12 * 40, Decimal("0.00")),),
        )
        for t in range(years):
            for month in range(1, 13):
                year = START.year + t
                day = dt.date(year, month, calendar.monthrange(year, month)[1])
                # the decision depends on whole years of age and of membership only: decided
                # once per (completed months of age, of membership), with this member's dates
                key = (completed_months(birth, day), completed_months(join, day))
                if key not in memo:
                    d = decide(reg, history, Event("pension", day, day, months=1))
                    memo[key] = float(d.amount) if d.eligible else 0.0
                paid[t] += memo[key]
    return paid


def test_pensions_and_tier_changes_are_paid_from_the_month_the_member_qualifies():
    reg = load_regulation(PENSION)
    people = members(4000)
    pop = Population.from_members(((b, s, j, 30.0, 1) for b, s, j in people), start=START)
    a = assumptions(
        years=6,
        scenarios=8,
        new_members=0,
        exit_rate=0.0,
        mortality_multiplier=0.0,
        tfr=0.0,
    )
    res = project([("pension", reg)], pop, a)
    engine = res.benefits[0][res.benefit_codes[0].index("pension")]
    reference = monthly_reference(reg, people, a.years)
    assert reference[0] > 0 and reference[-1] > 2 * reference[0]  # many reach 60 meanwhile
    np.testing.assert_allclose(engine, reference, rtol=0.01)

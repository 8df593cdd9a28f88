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
import pytest

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


CAPPED_FROM_60 = """
format: 1
code: capped60
title_th: ตั้งแต่ 60 ปีละครั้ง
clauses: [{number: "1", text_th: x}]
benefits:
  - code: care
    kind: other
    name_th: ดูแลผู้สูงอายุ
    clause: "1"
    amount: 1000
    conditions: {min_age: 60}
    caps: [{period: year, times: 1}]
"""


def test_an_age_condition_inside_a_yearly_cap_counts_from_the_birthday():
    # Once a year from age 60. A member who turns 60 on day β of the year is paid if an event
    # falls after it: 1 − e^(−λ(1 − β)), worked out here for each member's own birthday. (The
    # capped groups were decided at the year's start age: nothing for the year a member turns
    # 60, about 7 % too little every year.)
    lam = 0.9
    reg = load_regulation(CAPPED_FROM_60)
    people = members(4000)
    pop = Population.from_members(((b, s, j, 30.0, 1) for b, s, j in people), start=START)
    a = assumptions(
        years=5,
        scenarios=400,
        new_members=0,
        exit_rate=0.0,
        mortality_multiplier=0.0,
        tfr=0.0,
        other_rate=lam,
    )
    res = project([("capped60", reg)], pop, a)
    engine = res.benefits[0][0]
    expected = np.zeros(a.years)
    for birth, _sex, _join in people:
        for t in range(a.years):
            year = START.year + t
            first = dt.date(year, 1, 1)
            days = (dt.date(year + 1, 1, 1) - first).days
            sixty = dt.date(
                birth.year + 60, birth.month, min(birth.day, 28 if birth.month == 2 else 31)
            )
            if sixty <= first:
                expected[t] += 1000 * (1 - np.exp(-lam))
            elif sixty.year == year:
                beta = (sixty - first).days / days
                expected[t] += 1000 * (1 - np.exp(-lam * (1 - beta)))
    assert expected[0] > 0 and expected[-1] > 1.5 * expected[0]
    np.testing.assert_allclose(engine, expected, rtol=0.01)


def test_eight_nodes_over_the_birthday_give_the_law_of_a_fine_grid(monkeypatch):
    # the year a member turns 60 in a yearly-capped group: the law from the eight
    # Gauss–Legendre days equals the one from 2,000 evenly spread days (midpoints, themselves
    # within 1e-8) and the closed form
    import kongtun.projection.engine.benefits as B

    reg = load_regulation(CAPPED_FROM_60)
    tables = B.benefit_tables(reg, mean_nights=4.25)
    codes, evs = tables.components[0]
    cells = ((59, 0, 5, 1), (60, 0, 5, 1), (59, 0, 5, 1), (60, 0, 5, 1))
    gauss = B.YearProcess(tables.decider, evs, codes).year((0.9,), cells, spread=True)[0]
    n = 2000
    monkeypatch.setattr(B, "_NODES", (np.arange(n) + 0.5) / n)
    monkeypatch.setattr(B, "_WEIGHTS", np.full(n, 1.0 / n))
    fine = B.YearProcess(tables.decider, evs, codes).year((0.9,), cells, spread=True)[0]
    assert gauss.values == fine.values == (1000.0,)
    assert gauss.p_zero == pytest.approx(fine.p_zero, abs=1e-7)
    # and the closed form: 1 − E[e^(−0.9(1 − β))] over β uniform
    assert gauss.p_positive == pytest.approx(1 - (1 - np.exp(-0.9)) / 0.9, abs=1e-12)

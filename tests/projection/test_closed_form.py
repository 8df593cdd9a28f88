"""Expected values computed in closed form, independently of the engine (only the rates module,
itself checked by hand in test_rates.py), against the engine's means over many scenarios."""

from __future__ import annotations

import numpy as np
import pytest

from kongtun.projection import rates as R
from kongtun.projection.engine import project
from kongtun.regulations.engine import load_regulation
from tests.projection.helpers import START, assumptions, population

SIMPLE = """
format: 1
code: simple
title_th: ระเบียบอย่างง่าย
clauses: [{number: "1", text_th: x}]
membership:
  plans: [{amount: 30, months: 1}]
benefits:
  - code: funeral
    kind: death
    name_th: ค่าจัดการศพ
    clause: "1"
    amount: 10000
  - code: birth
    kind: birth
    name_th: คลอดบุตร
    clause: "1"
    per: child
    amount: 1000
  - code: pension
    kind: old_age
    name_th: บำนาญ
    clause: "1"
    per: year
    conditions: {min_age: 60}
    tiers:
      basis: membership
      bands: [{lower: {years: 10}, amount: 1200}]
"""


def expected(pop, a):
    """(deaths, member-years, births, pension baht) expected in each year, cell by cell: each
    member dies with probability q, then leaves with probability x; who leaves counts for half
    of the year; women have ASFR births per year of membership; members of 60 or more with 10
    years of membership get 1,200 a year."""
    T = a.years
    deaths = np.zeros(T)
    exposure = np.zeros(T)
    births = np.zeros(T)
    pension = np.zeros(T)
    q = []
    for t in range(T):
        mx = R.mx_for_year(a.mx, START.year + t, improvement=a.mortality_improvement)
        q.append({s: R.annual_q(mx[sex], sex) for s, sex in enumerate(R.SEXES)})
    fert = R.asfr(a.tfr, a.pasfr)
    for age0, sex, dur0, n in zip(pop.age, pop.sex, pop.dur, pop.count, strict=True):
        alive = float(n)
        for t in range(T):
            age = min(int(age0) + t, 100)
            qq = q[t][int(sex)][age]
            r = 1 - (1 - qq) * (1 - a.exit_rate)
            e = alive * (1 - r / 2)
            deaths[t] += alive * qq
            exposure[t] += e
            if sex == 0:
                births[t] += e * fert[age]
            # paid on a day of the year: a member of 59 turns 60 at a uniform time τ of the
            # year, so qualifies with probability τ (mean 1/2); if the membership also
            # reaches 10 years during the year, independently (mean of τ² = 1/3)
            steps = (age == 59) + (int(dur0) + t == 9)
            if age >= 59 and int(dur0) + t >= 9:
                pension[t] += e * 1200 * (1.0, 1 / 2, 1 / 3)[steps]
            alive *= 1 - r
    return deaths, exposure, births, pension


def test_expected_payouts_equal_the_closed_form():
    pop = population(120, seed=21, mean_age=45)
    a = assumptions(
        years=6, scenarios=100_000, seed=2, new_members=0, exit_rate=0.04, compliance=1.0
    )
    res = project([("simple", load_regulation(SIMPLE))], pop, a)
    deaths, exposure, births, pension = expected(pop, a)
    S = a.scenarios
    codes = res.benefit_codes[0]
    funeral = res.benefits[0][codes.index("funeral")]
    # year 1 is the formula: Σ members q_x × amount
    year1 = (
        sum(
            int(n) * R.annual_q(a.mx[R.SEXES[int(s)]], R.SEXES[int(s)])[min(int(ag), 100)]
            for ag, s, n in zip(pop.age, pop.sex, pop.count, strict=True)
        )
        * 10000
    )
    assert abs(funeral[0] - year1) <= 4 * 10000 * np.sqrt(deaths[0] / S)
    # every year: deaths (binomial variance ≤ mean), births (Poisson), pensions, contributions
    assert np.all(np.abs(funeral - 10000 * deaths) <= 4 * 10000 * np.sqrt(deaths / S))
    assert np.all(np.abs(res.counts[1] - deaths) <= 4 * np.sqrt(deaths / S))
    birth = res.benefits[0][codes.index("birth")]
    assert np.all(np.abs(birth - 1000 * births) <= 4 * 1000 * np.sqrt((births + 0.1) / S) + 1)
    paid = res.benefits[0][codes.index("pension")]
    assert np.all(np.abs(paid - pension) <= 4 * 1200 * np.sqrt(pop.members / S) + 1)
    contributions = res.flows[0, res.flow_names.index("contributions")]
    assert np.all(np.abs(contributions - 360 * exposure) <= 4 * 360 * np.sqrt(pop.members / S) + 1)
    # the balance is what came in minus what went out (no interest, matching or costs here)
    b = res.balance[0].mean(axis=0)
    net = res.money_in(0) - res.money_out(0)
    assert np.allclose(np.diff(b), net, rtol=1e-9, atol=1e-3)


def test_without_anyone_dying_or_leaving_the_money_is_deterministic():
    pop = population(50, seed=2)
    a = assumptions(
        years=4,
        scenarios=50,
        seed=1,
        new_members=0,
        exit_rate=0.0,
        mortality_multiplier=0.0,
        matching_local=0.5,
        matching_central=0.0,
        interest_rate=0.0,
        admin_share=0.0,
        opening_balance=1000.0,
        compliance=1.0,
        tfr=0.0,
    )
    res = project([("simple", load_regulation(SIMPLE))], pop, a)
    assert np.ptp(res.balance[0], axis=0).max() < 1e-6  # every scenario the same
    contributions = 50 * 360
    # qualifying during the year (age 59 → 60, 9 → 10 years): on average half a year, a
    # third when both step
    pension = 1200 * sum(
        int(n) * (1.0, 1 / 2, 1 / 3)[int(ag == 59) + int(d == 9)]
        for ag, d, n in zip(pop.age, pop.dur, pop.count, strict=True)
        if ag >= 59 and d >= 9
    )
    assert res.balance[0, 0, 1] == pytest.approx(1000 + contributions * 1.5 - pension, abs=1e-6)

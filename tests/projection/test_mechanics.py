"""Mechanics put right in issue 16 (decision 0024): each test here fails on the engine before
the fix it names."""

from __future__ import annotations

import numpy as np

from kongtun.projection import rates as R
from kongtun.projection.engine import project
from kongtun.projection.engine.model import _q_by_year, event_rates, leaving_probabilities
from kongtun.regulations.engine import load_regulation
from tests.projection.helpers import assumptions, population


def test_leaving_probabilities_stay_between_zero_and_one_with_no_exits():
    q = _q_by_year(assumptions(years=3))
    r, share = leaving_probabilities(q, 0.0)
    assert np.all((r >= 0) & (r <= 1))
    assert np.all(share[q > 0] == 1.0)  # every leaver died: exactly 1, not 1 + 1 ulp
    r, share = leaving_probabilities(q, 0.37)
    assert np.all((share >= 0) & (share <= 1)) and np.all(r >= q)


def test_a_young_fund_with_no_exits_projects():
    # exit rate 0.0 (no member ever left): the binomial draw of deaths among several leavers
    # refused a death share a hair above 1
    pop = population(600, mean_age=70)
    result = project(
        [("a", load_regulation(FUNERAL_ONLY))],
        pop,
        assumptions(exit_rate=0.0, scenarios=300, years=30, new_members=0),
    )
    assert np.isfinite(result.balance).all()
    assert result.counts[result.count_names.index("exits")].sum() == 0


FUNERAL_ONLY = """
format: 1
code: f
title_th: ศพ
clauses: [{number: "1", text_th: x}]
benefits:
  - {code: funeral, kind: death, name_th: ศพ, clause: "1", amount: 5000}
"""

TWO_GROUPS = """
format: 1
code: two
title_th: สองกลุ่ม
clauses: [{number: "1", text_th: x}]
benefits:
  - code: hospital
    kind: hospital
    name_th: นอนโรงพยาบาล
    clause: "1"
    amount: 500
    caps: [{period: year, times: 2}]
%s
"""
OUTPATIENT = """
  - code: outpatient
    kind: outpatient
    name_th: ผู้ป่วยนอก
    clause: "1"
    amount: 100
    caps: [{period: year, times: 3}]
"""


def test_every_capped_group_keeps_its_leavers_half_years():
    # Two capped groups: the hospital's payouts must not depend on whether the regulation also
    # has a capped outpatient benefit (one shared map dropped the first group's leavers).
    pop = population(300)
    a = assumptions(exit_rate=0.4, scenarios=200, years=5)
    both = project([("both", load_regulation(TWO_GROUPS % OUTPATIENT))], pop, a)
    alone = project([("alone", load_regulation(TWO_GROUPS % ""))], pop, a)
    hosp_both = both.benefits[0][both.benefit_codes[0].index("hospital")]
    hosp_alone = alone.benefits[0][alone.benefit_codes[0].index("hospital")]
    np.testing.assert_allclose(hosp_both, hosp_alone, rtol=1e-9)


def test_parents_survive_by_the_mortality_tables_past_100():
    a = assumptions(years=1)
    q = _q_by_year(a)
    rates = event_rates(a, q)
    qf = q[0, 0]
    # the mother of a member of 95 would be 122: alive only if she survived 27 → 122, at the
    # open group's rate beyond 100
    l27_100 = np.prod(1 - qf[27:100])
    q100 = qf[100]
    expected = l27_100 * (1 - q100) ** 22 * q100
    assert rates["mother_death"][0, 1, 95] == np.float64(expected) or np.isclose(
        rates["mother_death"][0, 1, 95], expected, rtol=1e-9
    )
    # far below a mother of 100 (the old cap repeated that value for every older member)
    assert rates["mother_death"][0, 1, 95] < rates["mother_death"][0, 1, 73] / 50
    assert R.MAX_AGE == 100


ONCE = """
format: 1
code: once
title_th: ครั้งเดียว
clauses: [{number: "1", text_th: x}]
benefits:
  - code: disability
    kind: disability
    name_th: พิการ
    clause: "1"
    amount: 3000
    caps: [{period: lifetime, times: 1}]
"""


def test_a_once_in_a_lifetime_benefit_is_remembered_across_years():
    # nobody dies or leaves: a member is paid in year t if their first event falls in year t,
    # probability e^(−λ(t−1)) (1 − e^(−λ)) — worked out here, not by the engine
    lam, n, S, T = 0.05, 200, 4000, 20
    pop = population(n, mean_age=40)
    a = assumptions(
        years=T,
        scenarios=S,
        new_members=0,
        exit_rate=0.0,
        mortality_multiplier=0.0,
        disability_rate=lam,
        tfr=0.0,
    )
    res = project([("once", load_regulation(ONCE))], pop, a)
    paid = res.benefits[0][0]
    t = np.arange(1, T + 1)
    first = np.exp(-lam * (t - 1)) * (1 - np.exp(-lam))
    expected = n * 3000 * first
    se = 3000 * np.sqrt(n * first / S)
    assert np.all(np.abs(paid - expected) <= 4 * se)
    # without remembering, year 20 would pay n·λ·3000 = 30,000 instead of ≈ 11,500
    assert paid[-1] < 0.5 * n * lam * 3000


HOSPITAL = """
format: 1
code: h
title_th: นอนโรงพยาบาล
clauses: [{number: "1", text_th: x}]
benefits:
  - {code: hospital, kind: hospital, name_th: นอนโรงพยาบาล, clause: "1", amount: 500}
  - code: opd
    kind: outpatient
    name_th: ผู้ป่วยนอก
    clause: "1"
    amount: 50
    caps: [{period: year, times: 4}]
"""


def test_an_uncertain_rate_widens_the_fan_and_keeps_its_mean():
    # the rate itself drawn per scenario (gamma, CV 1/√4 = 50 %): the spread of the balance
    # grows well beyond the luck of the draw; the mean stays (the multiplier's mean is 1, and
    # a benefit paid on every event is linear in the rate)
    pop = population(300)
    reg = [("h", load_regulation(HOSPITAL.split("  - code: opd")[0]))]
    known = project(reg, pop, assumptions(years=10, scenarios=3000, seed=4))
    unsure = project(
        reg,
        pop,
        assumptions(
            years=10, scenarios=3000, seed=4, rate_uncertainty={"hospital": 4.0, "outpatient": 4.0}
        ),
    )
    b0, b1 = known.balance[0, :, -1], unsure.balance[0, :, -1]
    assert b1.std() > 3 * b0.std()
    se = np.sqrt(b0.var() / b0.size + b1.var() / b1.size)
    assert abs(b1.mean() - b0.mean()) < 4 * se

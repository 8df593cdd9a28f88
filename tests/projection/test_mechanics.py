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


DISABILITY = """
format: 1
code: d
title_th: พิการ
clauses: [{number: "1", text_th: x}]
benefits:
  - {code: disability, kind: disability, name_th: พิการ, clause: "1", amount: 3000}
"""


def test_a_rate_weighed_from_the_funds_own_claims_is_drawn_per_scenario_whatever_its_kind():
    # scholarships and disability are weighed from the fund's claims like hospital stays
    # (decision 0024): their rate is drawn per scenario too, and the fan widens the same way
    pop = population(300)
    reg = [("d", load_regulation(DISABILITY))]
    known = project(reg, pop, assumptions(years=10, scenarios=3000, seed=4, disability_rate=0.05))
    unsure = project(
        reg,
        pop,
        assumptions(
            years=10,
            scenarios=3000,
            seed=4,
            disability_rate=0.05,
            rate_uncertainty={"disability": 4.0},
        ),
    )
    b0, b1 = known.balance[0, :, -1], unsure.balance[0, :, -1]
    assert b1.std() > 2 * b0.std()
    se = np.sqrt(b0.var() / b0.size + b1.var() / b1.size)
    assert abs(b1.mean() - b0.mean()) < 4 * se


# ---- lifetime caps the closed form of one benefit's claims does not cover -----------------

SHARED_ONCE = """
format: 1
code: shared
title_th: ร่วมกันครั้งเดียว
clauses: [{number: "1", text_th: x}]
benefits:
  - {code: disability, kind: disability, name_th: พิการ, clause: "1", amount: 3000}
  - {code: disaster, kind: disaster, name_th: ภัยพิบัติ, clause: "1", amount: 1000}
group_caps:
  - {name: once, name_th: ครั้งเดียว, benefits: [disability, disaster], period: lifetime, times: 1, clause: "1"}
"""

BAHT_LIFETIME = """
format: 1
code: baht
title_th: วงเงินตลอดชีพ
clauses: [{number: "1", text_th: x}]
benefits:
  - code: disability
    kind: disability
    name_th: พิการ
    clause: "1"
    amount: 3000
    caps: [{period: lifetime, amount: 5000}]
"""

YEARLY_AND_LIFETIME = """
format: 1
code: both
title_th: ปีละครั้ง ตลอดชีพสามครั้ง
clauses: [{number: "1", text_th: x}]
benefits:
  - code: disability
    kind: disability
    name_th: พิการ
    clause: "1"
    amount: 1000
    caps: [{period: year, times: 1}, {period: lifetime, times: 3}]
"""


def _no_leaving(n: int, T: int, S: int, **rates):
    """A fund where nobody dies, leaves or joins, and the only events are ``rates``."""
    pop = population(n, mean_age=40)
    a = assumptions(
        years=T,
        scenarios=S,
        new_members=0,
        exit_rate=0.0,
        mortality_multiplier=0.0,
        tfr=0.0,
        **{"disability_rate": 0.0, "disaster_rate": 0.0, **rates},
    )
    return pop, a


def _within(paid: np.ndarray, expected: np.ndarray, sd_member: np.ndarray, n: int, S: int):
    """Every year's mean payout within 4 standard errors of the closed form."""
    se = np.sqrt(n * sd_member**2 / S)
    bad = np.flatnonzero(np.abs(paid - expected) > 4 * se + 1e-6)
    assert bad.size == 0, [(int(t) + 1, paid[t], expected[t], se[t]) for t in bad]


def test_a_lifetime_cap_shared_by_two_benefits_is_remembered_across_years():
    # one claim in a lifetime among disability and disaster: a member is paid in year t if
    # their first event of either falls in year t, e^(−λ(t−1))(1 − e^(−λ)), λ the sum of the
    # two rates; the event is a disability with probability λ_d / λ. (The group's lifetime cap
    # was not applied at all: year 30 paid every event, n·(3000 λ_d + 1000 λ_x).)
    ld, lx, n, S, T = 0.03, 0.02, 200, 3000, 30
    pop, a = _no_leaving(n, T, S, disability_rate=ld, disaster_rate=lx)
    res = project([("shared", load_regulation(SHARED_ONCE))], pop, a)
    lam = ld + lx
    t = np.arange(1, T + 1)
    first = np.exp(-lam * (t - 1)) * (1 - np.exp(-lam))
    for code, amount, share in (("disability", 3000, ld / lam), ("disaster", 1000, lx / lam)):
        paid = res.benefits[0][res.benefit_codes[0].index(code)]
        p = first * share
        _within(paid, n * amount * p, amount * np.sqrt(p * (1 - p)), n, S)
    total = sum(res.benefits[0][i][-1] for i in range(2))
    assert total < 0.4 * n * (3000 * ld + 1000 * lx)


def test_a_lifetime_cap_in_baht_is_remembered_across_years():
    # 3,000 a claim, at most 5,000 in a lifetime: the first claim pays 3,000, the second the
    # 2,000 left, later ones nothing. N(Λ) claims by the end of year t (Poisson, Λ = λt):
    # paid in year t = 3000 ΔP(N ≥ 1) + 2000 ΔP(N ≥ 2).
    lam, n, S, T = 0.06, 200, 3000, 30
    pop, a = _no_leaving(n, T, S, disability_rate=lam)
    res = project([("baht", load_regulation(BAHT_LIFETIME))], pop, a)
    paid = res.benefits[0][0]
    t = np.arange(0, T + 1)
    ge1 = 1 - np.exp(-lam * t)
    ge2 = ge1 - lam * t * np.exp(-lam * t)
    p1, p2 = np.diff(ge1), np.diff(ge2)
    expected = n * (3000 * p1 + 2000 * p2)
    var = 3000**2 * p1 + 2000**2 * p2 - (3000 * p1 + 2000 * p2) ** 2
    _within(paid, expected, np.sqrt(var), n, S)
    assert paid[-1] < 0.5 * n * lam * 3000  # forgotten, year 30 would pay n·λ·3000


def test_a_yearly_cap_and_a_lifetime_cap_together_are_remembered_across_years():
    # once a year, three times in a lifetime: a member is paid in year t if an event falls in
    # it (p = 1 − e^(−λ)) and fewer than three earlier years were paid (Binomial(t − 1, p))
    from math import comb

    lam, n, S, T = 0.3, 200, 3000, 25
    pop, a = _no_leaving(n, T, S, disability_rate=lam)
    res = project([("both", load_regulation(YEARLY_AND_LIFETIME))], pop, a)
    paid = res.benefits[0][0]
    p = 1 - np.exp(-lam)
    t = np.arange(1, T + 1)
    q = p * np.array([sum(comb(m, j) * p**j * (1 - p) ** (m - j) for j in range(3)) for m in t - 1])
    _within(paid, n * 1000 * q, 1000 * np.sqrt(q * (1 - q)), n, S)
    assert paid[-1] < 0.2 * n * 1000 * p  # forgotten, every year would pay n·p·1000


def test_a_lifetime_cap_too_varied_to_carry_is_applied_within_each_year_and_listed():
    # a lifetime limit in baht over hospital stays and outpatient visits: hundreds of different
    # sums to carry for every history. The projection does not run for minutes: it applies the
    # limit within each year only and says so on the page, by the benefits' names.
    import yaml

    from kongtun.regulations.engine import dump_regulation, load_prototype

    data = yaml.safe_load(dump_regulation(load_prototype("banthi")))
    data["group_caps"].append(
        {
            "name": "life",
            "name_th": "ตลอดชีพ",
            "benefits": ["hospital", "outpatient"],
            "period": "lifetime",
            "amount": 20000,
            "clause": "14",
        }
    )
    reg = load_regulation(yaml.safe_dump(data, allow_unicode=True))
    res = project([("life", reg)], population(300), assumptions(years=20, scenarios=200))
    assert sorted(res.info["lifetime_caps"][0]) == ["hospital", "outpatient"]
    assert np.isfinite(res.balance).all()

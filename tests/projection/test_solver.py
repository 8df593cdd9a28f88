"""The "what would make it so" solver (issue 16): on the recorded futures, the balance for a
changed contribution or benefit is the one a full projection of that draft gives; the answers
reach the target and a slightly smaller change does not; bad targets are refused."""

from __future__ import annotations

import numpy as np
import pytest

from kongtun.projection.engine import AssumptionError, project
from kongtun.projection.engine.solver import balances, record, ruin_by, solve
from kongtun.regulations.engine import load_regulation
from tests.projection.helpers import assumptions, population

REG = """
format: 1
code: s
title_th: ทดสอบ
clauses: [{{number: "1", text_th: x}}]
membership:
  plans: [{{amount: {plan}, months: 1}}]
benefits:
  - {{code: funeral, kind: death, name_th: ศพ, clause: "1", amount: {funeral}}}
  - code: pension
    kind: old_age
    name_th: บำนาญ
    clause: "1"
    per: month
    amount: {pension}
    conditions: {{min_age: 60}}
"""


def reg(plan=30, funeral=8000, pension=300):
    return load_regulation(REG.format(plan=plan, funeral=funeral, pension=pension))


def base(**kw):
    return assumptions(
        years=12,
        scenarios=600,
        seed=3,
        opening_balance=50_000.0,
        matching_central=1.0,
        matching_central_cap=365.0,
        **kw,
    )


def test_recorded_futures_give_the_kernels_balance_and_a_drafts_balance():
    pop = population(150)
    a = base()
    rec = record(reg(), pop, a)
    # (the weights are float32: a few satang apart over ten years)
    np.testing.assert_allclose(balances(rec), rec.balance, rtol=1e-6, atol=0.05)
    # doubling the plan in the regulation and projecting it again: the same as × 2 recorded
    doubled = project([("x2", reg(plan=60))], pop, a).balance[0]
    np.testing.assert_allclose(balances(rec, factor=2.0), doubled, rtol=1e-6, atol=0.05)
    halved = project([("half", reg(funeral=4000, pension=150))], pop, a).balance[0]
    np.testing.assert_allclose(
        balances(rec, scale=0.5, scaled=("funeral", "pension")), halved, rtol=1e-6, atol=0.05
    )


def test_the_answers_reach_the_target_and_a_little_less_does_not():
    pop = population(150)
    a = base()
    res = solve(
        reg(),
        pop,
        a,
        horizon=10,
        max_risk=0.05,
        scaled=("pension",),
        levers=("factor", "add", "scale"),
    )
    assert res.risk_now > 0.05
    rec = record(reg(), pop, a.__class__(**{**a.__dict__, "years": 10}))
    k = res.answers["factor"]
    assert k.reached and ruin_by(balances(rec, factor=k.value), 10) <= 0.05
    assert ruin_by(balances(rec, factor=k.value - 0.02), 10) > 0.05
    x = res.answers["add"]
    assert x.reached and ruin_by(balances(rec, add=x.value), 10) <= 0.05
    s = res.answers["scale"]
    if s.reached:
        assert ruin_by(balances(rec, scale=s.value, scaled=("pension",)), 10) <= 0.05
    else:
        assert s.risk > 0.05 and s.value is None


def test_an_unreachable_target_says_so_and_shows_the_best_reached():
    pop = population(150)
    a = base()
    # cutting only the funeral cannot make up for the pensions
    res = solve(reg(), pop, a, horizon=10, max_risk=0.05, scaled=("funeral",), levers=("scale",))
    ans = res.answers["scale"]
    assert not ans.reached and ans.value is None and 0 < ans.risk


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"horizon": 40}, "horizon"),
        ({"max_risk": 1.5}, "max_risk"),
        ({"scaled": ("nope",)}, "scaled"),
    ],
)
def test_bad_targets_are_refused(kw, field):
    with pytest.raises(AssumptionError) as exc:
        solve(reg(), population(20), base(), **kw)
    assert field in {f for f, _c, _p in exc.value.errors}


def test_a_drafts_words_say_the_amounts_its_rules_pay():
    """An answer made a draft changes the rules and the sums in the words of their clauses
    (Thai and English), so the committee does not approve a clause that contradicts its rule;
    lengths of time and clause numbers stay as they were."""
    import copy

    from kongtun.projection.solving import draft_data
    from kongtun.regulations.engine import load_prototype
    from kongtun.regulations.engine.loader import regulation_to_dict

    data = regulation_to_dict(load_prototype("thaneun"))
    clause = {c["number"]: c for c in data["clauses"]}
    added = draft_data(copy.deepcopy(data), lever="add", value=22.9, scaled=())
    words = {c["number"]: c for c in added["clauses"]}
    assert [p["amount"] for p in added["membership"]["plans"]] == ["53", "635"]
    assert "เดือนละ 53 บาท หรือปีละ 635 บาท" in words["6"]["text_th"]
    assert "53 baht a month or 635 baht a year" in words["6"]["text_en"]
    assert words["14"] == clause["14"]  # benefits untouched
    scaled = draft_data(
        copy.deepcopy(data), lever="scale", value=0.62, scaled=("funeral", "hospital")
    )
    words = {c["number"]: c for c in scaled["clauses"]}
    hospital = next(b for b in scaled["benefits"] if b["code"] == "hospital")
    assert hospital["amount"] == "93"  # 150 × 0.62, rounded down
    assert "คืนละ 93 บาท ไม่เกินครั้งละ 620 บาท และไม่เกินปีละ 1,860 บาท" in words["12"]["text_th"]
    assert "ครบ 10 ปีขึ้นไป 9,300 บาท" in words["15"]["text_th"]
    assert "6 months to under 1 year 1,240" in words["15"]["text_en"]
    assert "10 years or more 9,300." in words["15"]["text_en"]
    assert "ครบ 6 เดือน แต่ไม่ถึง 1 ปี" in words["15"]["text_th"]  # times stay

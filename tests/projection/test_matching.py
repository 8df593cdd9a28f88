"""Matching money as the agreements say (issue 16): per baht of contributions up to a cap per
member and year, or a fixed amount per member — a draft that doubles contributions does not
double a per-head match."""

from __future__ import annotations

import numpy as np

from kongtun.projection.engine import project
from kongtun.regulations.engine import load_regulation
from tests.projection.helpers import assumptions, population

PLAN = """
format: 1
code: p{amount}
title_th: แผน
clauses: [{{number: "1", text_th: x}}]
membership:
  plans: [{{amount: {amount}, months: 1}}]
benefits:
  - {{code: funeral, kind: death, name_th: ศพ, clause: "1", amount: 1000}}
"""


def matching(result, r: int, source: str) -> np.ndarray:
    return result.flows[r, result.flow_names.index(f"matching_{source}")]


def run(**kw):
    pop = population(200)
    a = assumptions(years=3, scenarios=50, new_members=0, compliance=1.0, matching_growth=0.0, **kw)
    regs = [(f"{x}", load_regulation(PLAN.format(amount=x))) for x in (30, 60)]
    return project(regs, pop, a), a


def test_a_per_head_match_does_not_double_when_contributions_double():
    # CODI: one baht per baht, at most 365 a member a year; members pay 360 or 720 a year
    res, _a = run(matching_central=1.0, matching_central_cap=365.0, matching_local=0.0)
    members = res.counts[res.count_names.index("members")]
    now, doubled = matching(res, 0, "central"), matching(res, 1, "central")
    assert np.all(doubled <= 365 * (members + 10))
    assert np.all(doubled / now < 1.02)  # 365 instead of 360, not 720
    assert np.all(doubled / now > 1.0)


def test_a_fixed_amount_per_member_is_the_same_whatever_they_pay():
    res, _a = run(matching_local=0.0, matching_central=0.0, matching_local_per_member=365.0)
    np.testing.assert_allclose(matching(res, 0, "local"), matching(res, 1, "local"))
    assert matching(res, 0, "central").sum() == 0


def test_a_match_per_baht_without_a_cap_follows_the_contributions():
    res, _a = run(matching_local=0.5, matching_central=0.0)
    np.testing.assert_allclose(matching(res, 1, "local"), 2 * matching(res, 0, "local"))

"""The vectorized engine against the per-member reference (tests/projection/reference.py).

Both simulate the same model; the engine groups members in columns, draws who leaves with the
exponential-clock method, pays capped benefits from per-member-year payout distributions (sums
of more than 64 payouts drawn from the normal law), forgets claims of earlier years for lifetime
caps and counts events of uncapped benefits as Poisson draws per amount. The reference does none
of that. On small funds, over many scenarios, the balances agree in distribution: means within
4 standard errors, and the reference's 5th, 50th and 95th percentiles within the engine's
p ± 4·√(p(1−p)/n) (the stated tolerance of decision 0008), every year checked.
"""

from __future__ import annotations

import numpy as np
import pytest

from kongtun.projection.engine import project
from kongtun.regulations.engine import load_prototype, load_regulation
from tests.projection.helpers import KITCHEN_SINK, agree, assumptions, population
from tests.projection.reference import simulate_reference

REF_SCENARIOS = 600


@pytest.mark.parametrize(
    ("name", "regs", "size", "years"),
    [
        ("banthi", [("banthi", "banthi")], 40, 6),
        ("thaneun + trat", [("thaneun", "thaneun"), ("trat", "trat_mettatham")], 40, 6),
        ("kitchen sink", [("sink", None)], 60, 10),
    ],
)
def test_engine_agrees_with_the_per_member_reference(name, regs, size, years):
    loaded = [
        (label, load_prototype(code) if code else load_regulation(KITCHEN_SINK))
        for label, code in regs
    ]
    pop = population(size, seed=len(name))
    a = assumptions(years=years, scenarios=20000, seed=11)
    res = project(loaded, pop, a)
    ref = simulate_reference(loaded, pop, a, scenarios=REF_SCENARIOS, seed=5)
    problems = []
    for r, (label, _reg) in enumerate(loaded):
        for t in range(1, years + 1):
            for p in agree(res.balance[r, :, t], ref["balance"][r, :, t]):
                problems.append(f"{label} year {t}: {p}")
        # what each benefit pays, year by year (a sharper test than the balance)
        for b, code in enumerate(ref["codes"][r]):
            paid = ref["benefits"][r][b]
            se = paid.std(axis=0) / np.sqrt(REF_SCENARIOS)
            diff = np.abs(res.benefits[r][b] - paid.mean(axis=0))
            bad = np.flatnonzero(diff > 4 * se + 1.0)
            for t in bad:
                problems.append(
                    f"{label} {code} year {t + 1}: {res.benefits[r][b][t]:.0f} vs "
                    f"{paid.mean(axis=0)[t]:.0f} (se {se[t]:.0f})"
                )
    deaths_se = ref["deaths"].std(axis=0) / np.sqrt(REF_SCENARIOS)
    assert np.all(np.abs(res.counts[1] - ref["deaths"].mean(axis=0)) <= 4 * deaths_se + 0.02)
    members_se = ref["members"].std(axis=0) / np.sqrt(REF_SCENARIOS)
    assert np.all(np.abs(res.counts[0] - ref["members"].mean(axis=0)) <= 4 * members_se + 0.02)
    assert problems == []


def test_sums_of_many_payouts_from_the_normal_law_change_nothing_measurable(monkeypatch):
    """Approximation A1: above 64 claimants of a capped class in a scenario-year, the sum of
    their payouts is drawn from the normal law. On a 1,500-member fund (every medical class
    above the threshold) the balances with and without it agree (4 standard errors)."""
    import kongtun.projection.engine.kernel as kernel

    pop = population(1500, seed=9)
    a = assumptions(years=5, scenarios=3000, seed=3, new_members=40)
    regs = [("banthi", load_prototype("banthi"))]
    clt = project(regs, pop, a)
    monkeypatch.setattr(kernel, "EXACT_SUM_MAX", 10**9)
    a.seed = 4
    exact = project(regs, pop, a)
    for t in (1, 3, 5):
        assert agree(clt.balance[0, :, t], exact.balance[0, :, t]) == []

"""Bad input refused with a reason, reproducible runs, common random numbers, cancelling."""

from __future__ import annotations

import numpy as np
import pytest

from kongtun.projection.engine import (
    MEMORY_LIMIT_MB,
    AssumptionError,
    Cancelled,
    ProjectionResult,
    check,
    estimate,
    project,
)
from kongtun.regulations.engine import load_prototype, load_regulation
from tests.projection.helpers import assumptions, population

FLAT = """
format: 1
code: flat{n}
title_th: ศพอย่างเดียว
clauses: [{{number: "1", text_th: x}}]
benefits:
  - {{code: funeral, kind: death, name_th: ศพ, clause: "1", amount: {amount}}}
"""


def codes(exc: AssumptionError) -> dict[str, str]:
    return {field: code for field, code, _params in exc.errors}


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"years": 101}, "years", "too_many_years"),
        ({"years": 0}, "years", "too_few"),
        ({"scenarios": 0}, "scenarios", "too_few"),
        ({"exit_rate": 1.5}, "exit_rate", "not_probability"),
        ({"exit_rate": -0.1}, "exit_rate", "not_probability"),
        ({"compliance": 2.0}, "compliance", "not_probability"),
        ({"interest_rate": -1.5}, "interest_rate", "below_minus_100"),
        ({"new_members_growth": -2.0}, "new_members_growth", "below_minus_100"),
        ({"matching_growth": -1.01}, "matching_growth", "below_minus_100"),
        ({"married_share": 1.2}, "married_share", "not_probability"),
        ({"disaster_rate": 3.0}, "disaster_rate", "not_probability"),
        ({"mean_nights": 0.5}, "mean_nights", "out_of_range"),
        ({"opening_balance": float("nan")}, "opening_balance", "not_number"),
    ],
)
def test_bad_values_are_refused_with_the_field_and_the_reason(change, field, code):
    a = assumptions(**change)
    with pytest.raises(AssumptionError) as exc:
        a.validate()
    assert codes(exc.value)[field] == code


def test_a_rate_table_value_outside_zero_one_is_refused():
    a = assumptions()
    a.mx["F"][10] = 1.4
    with pytest.raises(AssumptionError) as exc:
        a.validate()
    assert codes(exc.value) == {"mx.F.10": "not_probability"}
    a = assumptions(mortality_multiplier=3.0)  # 100+ rates × 3 > 1
    with pytest.raises(AssumptionError) as exc:
        a.validate()
    assert codes(exc.value) == {"mortality_multiplier": "not_probability"}


def test_new_members_need_an_age():
    a = assumptions(new_members=10)
    a.entrant_ages = dict.fromkeys(a.entrant_ages, 0.0)
    with pytest.raises(AssumptionError) as exc:
        a.validate()
    assert codes(exc.value) == {"entrant_ages": "sum_zero"}


def test_a_run_that_would_not_fit_in_memory_is_refused_before_it_starts():
    pop = population(300)
    a = assumptions(years=100, scenarios=900_000)
    est = estimate(pop, a, 3)
    assert est.total_mb > MEMORY_LIMIT_MB
    with pytest.raises(AssumptionError) as exc:
        check(pop, a, 3)
    [(field, code, params)] = exc.value.errors
    assert (field, code) == ("scenarios", "too_much_memory")
    assert params["needed_mb"] >= MEMORY_LIMIT_MB and params["limit_mb"] == MEMORY_LIMIT_MB
    # the suggested number of scenarios does fit
    a.scenarios = params["max_scenarios"]
    assert check(pop, a, 3).fits
    with pytest.raises(AssumptionError):
        project([("b", load_prototype("banthi"))], pop, assumptions(years=100, scenarios=900_000))


def test_the_same_seed_draws_the_same_futures_and_another_seed_others():
    pop = population(80)
    regs = [("banthi", load_prototype("banthi"))]
    one = project(regs, pop, assumptions(years=5, scenarios=1500, seed=42))
    two = project(regs, pop, assumptions(years=5, scenarios=1500, seed=42))
    three = project(regs, pop, assumptions(years=5, scenarios=1500, seed=43))
    assert np.array_equal(one.balance, two.balance)
    assert not np.array_equal(one.balance, three.balance)
    # the first chunk's scenarios do not depend on how many scenarios follow
    short = project(regs, pop, assumptions(years=5, scenarios=1024, seed=42))
    assert np.array_equal(short.balance[:, :1024], one.balance[:, :1024])


def test_two_worker_processes_give_the_same_answer_as_one():
    pop = population(60)
    regs = [("thaneun", load_prototype("thaneun"))]
    a = assumptions(years=4, scenarios=2100, seed=5)
    one = project(regs, pop, a, workers=1)
    two = project(regs, pop, a, workers=2, start_method="fork")
    assert np.array_equal(one.balance, two.balance)


def test_regulations_compared_see_the_same_deaths():
    """Common random numbers: the same members die in every regulation. With only a funeral
    benefit and no other money, a draft paying 12,000 instead of 10,000 is exactly 1.2 times
    as deep in every scenario."""
    pop = population(100)
    a = assumptions(
        years=6,
        scenarios=2000,
        seed=9,
        opening_balance=0.0,
        matching_local=0.0,
        matching_central=0.0,
        interest_rate=0.0,
        admin_share=0.0,
        compliance=0.0,
        new_members=5,
    )
    regs = [
        ("10,000", load_regulation(FLAT.format(n=1, amount=10000))),
        ("12,000", load_regulation(FLAT.format(n=2, amount=12000))),
        ("again", load_regulation(FLAT.format(n=3, amount=10000))),
    ]
    res = project(regs, pop, a)
    assert np.allclose(res.balance[1], 1.2 * res.balance[0])
    assert np.array_equal(res.balance[2], res.balance[0])
    assert res.balance[0, :, -1].std() > 0


def test_an_identical_benefit_is_drawn_alike_in_two_drafts():
    """Draft B raises only the funeral tiers of banthi: every other benefit's draws are the
    same, so the difference in balance comes from funerals alone and is never negative."""
    from kongtun.regulations.engine.prototypes import PROTOTYPE_DIR

    base = (PROTOTYPE_DIR / "banthi.yaml").read_text(encoding="utf-8")
    raised = base.replace("amount: 20000}", "amount: 25000}").replace(
        "code: banthi", "code: banthi2"
    )
    assert raised != base
    pop = population(120)
    a = assumptions(years=5, scenarios=1500, seed=3, interest_rate=0.0)
    res = project([("a", load_regulation(base)), ("b", load_regulation(raised))], pop, a)
    gap = res.balance[0] - res.balance[1]
    assert (gap >= -1e-6).all() and gap[:, -1].max() > 0
    other = [c for c in res.benefit_codes[0] if c != "funeral"]
    for c in other:
        i = res.benefit_codes[0].index(c)
        assert np.allclose(res.benefits[0][i], res.benefits[1][i])


def test_progress_is_reported_and_a_run_can_be_cancelled():
    pop = population(60)
    regs = [("banthi", load_prototype("banthi"))]
    seen = []
    project(regs, pop, assumptions(years=3, scenarios=3000), progress=seen.append)
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen)
    calls = []

    def cancelled():
        calls.append(1)
        return len(calls) > 1

    with pytest.raises(Cancelled):
        project(regs, pop, assumptions(years=3, scenarios=5000), cancelled=cancelled)


def test_results_survive_saving():
    pop = population(40)
    res = project([("banthi", load_prototype("banthi"))], pop, assumptions(years=3, scenarios=300))
    back = ProjectionResult.from_npz(res.to_npz())
    assert np.allclose(back.balance, res.balance.astype(np.float32))
    assert back.labels == res.labels and back.benefit_codes == res.benefit_codes
    assert np.allclose(back.quantiles(0), res.quantiles(0), rtol=1e-5)
    assert back.ruin_probability(0).shape == (4,)


def test_ruin_and_median_negative_year():
    res = project(
        [("banthi", load_prototype("banthi"))],
        population(80),
        assumptions(
            years=12, scenarios=500, opening_balance=0.0, matching_local=0.0, matching_central=0.0
        ),
    )
    ruin = res.ruin_probability(0)
    assert ruin[0] == 0 and (np.diff(ruin) >= 0).all()
    year = res.median_negative_year(0)
    assert year is not None and np.median(res.balance[0, :, year]) < 0

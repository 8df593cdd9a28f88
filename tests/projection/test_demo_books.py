"""Issue 16, "checked against the books, in the demo too": a fund the demo builds (its members,
contributions, regulation versions and years of claims, by the demo's own code), projected with
the defaults its books give, has every line of the first projected year within ±25 % of its
last twelve months of books — or a reason read from those books on the run page."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

import kongtun.projection.services as services
from kongtun.claims import demo as claims_demo
from kongtun.contributions import demo as contributions_demo
from kongtun.demo.people import BANTHI, THANEUN, create_demo_fund
from kongtun.projection.checks import BAND
from kongtun.projection.selectors import books_check
from kongtun.projection.sources import regulation_sources
from tests.conftest import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def inline_runs(monkeypatch, settings, tmp_path):
    monkeypatch.setattr(services, "RUN_IN_BACKGROUND", False)
    settings.MEDIA_ROOT = tmp_path


def demo_fund(spec, *, members: int, seed: int):
    """One pilot fund as ``load_demo`` builds it, smaller: the steps that write its members'
    money and claims into the books."""
    rng = random.Random(seed)
    fund = create_demo_fund(replace(spec, members=members), rng=rng, today=TODAY)
    contributions_demo.step(fund, rng=rng, today=TODAY)
    claims_demo.step(fund, rng=rng, today=TODAY)
    return fund


def first_year_beside_books(fund) -> list[dict]:
    d = services.projection_defaults(fund=fund, today=TODAY)
    a = d.assumptions
    a.scenarios, a.years, a.seed = 400, 2, 11
    source = next(s for s in regulation_sources(fund) if s.kind == "approved")
    run = services.run_create(
        fund=fund,
        actor=None,
        assumptions=a,
        regulations=[services.RegulationInput(source.label, source.key, source.content)],
        population=d.population,
    )
    services.run_start(run, background=False)
    return books_check(run=run)


def far_without_reason(rows: list[dict]) -> list[tuple]:
    return [
        (r["role"], r["actual"], r["projected"], r["ratio"])
        for r in rows
        if (r["ratio"] is None or not BAND[0] <= r["ratio"] <= BAND[1])
        and (r["actual"] or r["projected"])
        and not r["reason"]
    ]


@pytest.mark.parametrize("spec", [THANEUN, BANTHI], ids=["thaneun", "banthi"])
def test_every_line_of_a_demo_fund_is_near_its_books_or_says_why(spec):
    """110 members (a third of the pilot funds) keep the test under a minute; the demo's
    pensions, funerals, medical claims, scholarships, births, disasters, its members' money and
    matching all reach the books by then."""
    fund = demo_fund(spec, members=110, seed=2552)
    rows = first_year_beside_books(fund)
    roles = {r["role"] for r in rows}
    assert {"benefit:old_age", "benefit:death", "benefit:hospital", "benefit:education"} <= roles
    assert far_without_reason(rows) == []
    assert all(r["reason"] for r in rows if r["far"])
    money = [r for r in rows if r["role"] in ("contributions", "matching")]
    assert all(BAND[0] <= r["ratio"] <= BAND[1] for r in money), money

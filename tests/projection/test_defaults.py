"""The defaults a fund gets from its own books, for a young fund with nothing in them yet."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from kongtun.projection.engine import project
from kongtun.projection.services import projection_defaults
from kongtun.regulations.engine import load_prototype

pytestmark = pytest.mark.django_db


def test_a_fund_with_no_exits_no_deaths_and_no_claims_gets_defaults_that_run(world):
    d = projection_defaults(fund=world.fund_a, today=dt.date.today())
    a = d.assumptions
    assert a.exit_rate == 0.0  # nobody ever left
    a.validate()
    a.scenarios, a.years = 300, 30
    result = project([("banthi", load_prototype("banthi"))], d.population, a)
    assert np.isfinite(result.balance).all()


def test_matching_defaults_follow_the_funds_matching_request(world):
    from decimal import Decimal

    from django.utils import timezone

    from kongtun.ledger.models import Agency
    from kongtun.mobilization.models import MatchingRequest

    codi = Agency.objects.create(fund=world.fund_a, name="พอช.", kind=Agency.Kind.CENTRAL_GOV)
    today = dt.date.today()
    MatchingRequest.objects.create(
        fund=world.fund_a,
        number=1,
        agency=codi,
        period_start=today - dt.timedelta(days=365),
        period_end=today,
        ratio=Decimal("1.00"),
        cap_per_member_year=Decimal("365.00"),
        computed_at=timezone.now(),
    )
    d = projection_defaults(fund=world.fund_a, today=today)
    assert d.assumptions.matching_central == 1.0
    assert d.assumptions.matching_central_cap == 365.0
    assert "พอช." in d.notes["matching"] and "365" in d.notes["matching"]


def test_scholarships_weigh_in_the_funds_granted_claims_and_nights_their_own_law(world):
    """Under Banthi's rules (a scholarship for a child with a grade average of 3.00 or more),
    four scholarships granted and two refused for the grades in three years of three members:
    the default is the gamma–Poisson mean (1 + 4) / (1/0.02 + E) — the refused ones are no
    event the projection would pay (it takes every child's grades as good). Hospital stays of
    8 nights make the nights' law the fund's (with the national one as one stay more), and its
    mean the average shown. Disability, which the rules do not pay, keeps its assumption."""
    from decimal import Decimal

    from django.utils import translation

    from kongtun.claims.services import ClaimInput
    from kongtun.projection.engine.benefits import MAX_NIGHTS, nights_distribution
    from kongtun.regulations.engine import add_months
    from tests.claims.helpers import approved, file_claim, hospital, paid_up
    from tests.conftest import TODAY

    fund = world.fund_a
    approved(fund)
    for m in world.members_a:
        paid_up(m)
    grades = ["3.50", "3.20", "2.00", "3.80", "2.10", "3.00"]
    for i, grade in enumerate(grades):
        member = world.members_a[i % 3]
        file_claim(
            fund,
            ClaimInput(
                member.number,
                "education",
                TODAY - dt.timedelta(days=60 + 150 * i),
                relative="child",
                subject_name="ด.ญ. ทดสอบ",
                grade_average=Decimal(grade),
                school_level="p6",
            ),
        )
    for i in range(3):
        file_claim(fund, hospital(world.members_a[i], on=TODAY - dt.timedelta(days=40), nights=8))
    a = projection_defaults(fund=fund, today=TODAY).assumptions
    years = 3 * (TODAY - add_months(TODAY, -36)).days / 365.25
    assert a.education_rate == round(5 / (1 / 0.02 + years), 5)
    assert a.disability_rate == 0.002
    # the rate's law Gamma(1 + 4, …): each scenario draws it; no disability paid, none drawn
    assert a.rate_uncertainty["education"] == 5.0 and "disability" not in a.rate_uncertainty
    prior = nights_distribution(4.25)
    assert a.nights_shares[8] == pytest.approx((prior[7] + 3) / 4, abs=1e-6)
    mean = (sum(k * prior[k - 1] for k in range(1, MAX_NIGHTS + 1)) + 24) / 4
    assert a.mean_nights == round(mean, 2)
    assert a.nights_law() == a.nights_shares
    a.mean_nights = 5.0  # an average typed in the form: the geometric law with that mean
    assert a.nights_law() is None
    with translation.override("en"):
        note = projection_defaults(fund=fund, today=TODAY).notes["other_events"]
    assert "scholarships: 4 claims granted in 9.0 member-years" in note

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

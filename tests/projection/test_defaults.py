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

"""Buddhist-Era years in every message a Thai reader gets (issue 13), through core.thaidates."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from kongtun.assessment.evidence import factor_evidence
from kongtun.core.thaidates import format_month, format_period, format_years
from kongtun.ledger.book_services import months_close_through
from kongtun.ledger.services import closed_month_problem
from tests.conftest import TODAY

pytestmark = pytest.mark.django_db


def test_months_and_periods_in_both_calendars():
    dec = dt.date(2025, 12, 1)
    assert format_month(dec, "th") == "ธ.ค. 2568"
    assert format_month(dec, "th", "numeric") == "12/2568"
    assert format_month(dec, "en", "numeric") == "12/2025"
    assert format_period(dec, dt.date(2026, 11, 30), "th") == "12/2568 – 11/2569"
    assert format_years(2025, 2030, "th") == "2568–2573"


def test_paying_into_a_closed_month_names_it_in_the_buddhist_era(world):
    months_close_through(fund=world.fund_a, through=dt.date(2026, 10, 1), actor=None, today=TODAY)
    with translation.override("th"):
        text = closed_month_problem(world.fund_a, dt.date(2026, 10, 15))
    assert "2569" in text and "2026" not in text


def test_the_self_assessment_evidence_period_is_buddhist_era(world):
    with translation.override("th"):
        evidence = factor_evidence(fund=world.fund_a, as_of=dt.date(2026, 12, 2), use_books=False)
    texts = " ".join(
        f"{item.label} {item.value or ''} {item.note}"
        for items in evidence.values()
        for item in items
    )
    assert "11/2569" in texts and "2026" not in texts and "2025" not in texts

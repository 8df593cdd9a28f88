"""The fund's first page tells the committee how much money there is and how the fiscal year
is going; people who may not read the books do not see it."""

from __future__ import annotations

import datetime as dt

import pytest

from kongtun.ledger.book_services import months_close_through
from kongtun.ledger.selectors import money_summary
from tests.books.test_books_pages import post
from tests.conftest import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def year(world):
    """FY 2569 (calendar 2026) so far, plus one entry of the year before."""
    fund = world.fund_a
    post(fund, dt.date(2025, 12, 20), "cash", "contributions", "999.99", "ปีก่อน")
    post(fund, dt.date(2026, 1, 5), "cash", "capital", "1000", "ยอดยกมา")
    post(fund, dt.date(2026, 2, 10), "cash", "contributions", "300.25", "เงินสัจจะ")
    post(fund, dt.date(2026, 2, 15), "bank", "cash", "500", "ฝากธนาคาร")
    post(fund, dt.date(2026, 3, 1), "benefit:death", "cash", "200", "ค่าทำศพ")
    post(fund, dt.date(2026, 3, 2), "admin", "cash", "45.50", "ค่าเครื่องเขียน")
    post(fund, dt.date(2026, 3, 20), "bank", "matching_local", "150", "เงินสมทบ อบต.")
    return fund


def test_money_summary_counts_this_fiscal_year_and_the_money_on_hand(year):
    s = money_summary(fund=year, today=TODAY)
    # cash: 999.99 + 1000 + 300.25 − 500 − 200 − 45.50; bank: 500 + 150
    assert str(s.cash) == "1554.74" and str(s.bank) == "650.00"
    assert str(s.money) == "2204.74"
    assert s.year_be == 2569 and s.year_start == dt.date(2026, 1, 1)
    assert str(s.income) == "450.25"  # last year's 999.99 and the opening capital are not income
    assert (str(s.benefits), str(s.other_expenses)) == ("200.00", "45.50")
    assert s.last_closed is None


def test_the_dashboard_shows_it_to_the_committee_only(year, world, client):
    year.founded_on = dt.date(2025, 12, 1)
    year.save()
    months_close_through(fund=year, through=dt.date(2026, 2, 1), actor=None, today=TODAY)
    client.force_login(world.treasurer_a)
    html = client.get(f"/f/{year.pk}/").content.decode()
    assert "2,204.74" in html and "450.25" in html and "ปีบัญชี 2569" in html
    assert "ปิดงวดบัญชีแล้วถึง ก.พ. 2569" in html
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(f"/f/{year.pk}/").content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "th"
    assert "fiscal year 2026" in english and "2569" not in english  # Gregorian, as every date

    client.force_login(world.member_login_a)  # a member sees their own record, not the books
    html = client.get(f"/f/{year.pk}/", follow=True).content.decode()
    assert "2,204.74" not in html and "เงินของกองทุน" not in html

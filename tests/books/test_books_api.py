"""The books over the JSON API: a coordinator or researcher reads the journal, the trial
balance, the published month roots and the verification with their own tools — and only
for funds where they may read the books."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from kongtun.api.models import api_token_create
from kongtun.ledger.book_services import months_close_through
from kongtun.ledger.services import account_for
from kongtun.ledger.triggers import uninstall_on
from tests.books.test_books_pages import books  # noqa: F401 - the fixture
from tests.conftest import TODAY

pytestmark = pytest.mark.django_db


def bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, name='t')}"}


def test_journal_pages_with_lines_and_verification_codes(books, world, client):  # noqa: F811
    url = f"/api/v1/funds/{world.fund_a.pk}/books/entries"
    body = client.get(url, {"page_size": 2}, **bearer(world.chair_a)).json()
    assert body["count"] == 5 and body["pages"] == 3
    newest = body["results"][0]
    assert newest["seq"] == 5 and newest["date"] == "2024-03-20"
    bank, local = (account_for(world.fund_a, r).code for r in ("bank", "matching_local"))
    assert [(ln["account_code"], ln["debit"], ln["credit"]) for ln in newest["lines"]] == [
        (bank, "150.00", None),
        (local, None, "150.00"),
    ]
    assert len(newest["verification_code"]) >= 10

    march = client.get(
        url, {"start": "2024-03-01", "end": "2024-03-31"}, **bearer(world.chair_a)
    ).json()
    assert [e["seq"] for e in march["results"]] == [5, 4]


def test_trial_balance_balances_to_the_satang(books, world, client):  # noqa: F811
    url = f"/api/v1/funds/{world.fund_a.pk}/books/trial-balance"
    body = client.get(url, {"as_of": "2024-12-31"}, **bearer(world.treasurer_a)).json()
    assert body["balanced"] is True
    # cash 600 + bank 650 + death benefit 200 = capital 1,000 + contributions 300 + local 150
    assert body["total_debit"] == body["total_credit"] == "1450.00"
    feb = client.get(url, {"as_of": "2024-02-29"}, **bearer(world.treasurer_a)).json()
    assert feb["total_debit"] == "1300.00"


def test_month_roots_and_verification_catch_a_changed_line(books, world, client):  # noqa: F811
    fund = world.fund_a
    fund.founded_on = dt.date(2024, 1, 1)
    fund.save()
    months_close_through(fund=fund, through=dt.date(2024, 2, 1), actor=None, today=TODAY)
    auth = bearer(world.chair_a)
    months = client.get(f"/api/v1/funds/{fund.pk}/books/months", **auth).json()["results"]
    assert [m["month"] for m in months] == ["2024-01", "2024-02"]
    assert months[1]["entry_count"] == 2 and len(months[1]["merkle_root"]) == 64

    url = f"/api/v1/funds/{fund.pk}/books/verification"
    assert client.get(url, **auth).json() == {
        "ok": True,
        "entries": 5,
        "first_bad_seq": None,
        "findings": [],
    }
    uninstall_on(connection)  # behind the application's back (rolled back after the test)
    with connection.cursor() as c:
        c.execute(
            "UPDATE ledger_journalline SET amount_satang = amount_satang * 10 "
            "WHERE entry_id = (SELECT id FROM ledger_journalentry WHERE fund_id = %s AND seq = 2)",
            [fund.pk],
        )
    body = client.get(url, **auth).json()
    assert body["ok"] is False and body["first_bad_seq"] == 2


def test_only_those_who_may_read_the_books(books, world, client):  # noqa: F811
    fund_a = world.fund_a
    for path in ("entries", "trial-balance", "months", "verification"):
        url = f"/api/v1/funds/{fund_a.pk}/books/{path}"
        assert client.get(url, **bearer(world.chair_b)).status_code in (403, 404), path
        assert client.get(url, **bearer(world.member_login_a)).status_code == 403, path
        assert client.get(url).status_code == 401, path

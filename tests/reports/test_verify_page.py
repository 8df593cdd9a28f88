"""The "verify the books" page: OK on untouched books, then the first entry that differs after
someone edits the database directly (as tests/ledger/test_tamper.py tampers)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection

from kongtun.ledger.models import MonthClose
from kongtun.ledger.services import EntryDraft, LineDraft, account_for, entry_post, month_close
from kongtun.ledger.triggers import uninstall_on
from tests.conftest import TODAY

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def books(books_flushable, world):
    fund = world.fund_a
    fund.founded_on = dt.date(2024, 1, 1)
    fund.save()
    for i in range(6):
        entry_post(
            fund=fund,
            draft=EntryDraft(
                date=dt.date(2024, 1 + i // 3, 3 + i),
                description=f"เงินสัจจะ {i}",
                lines=[
                    LineDraft(account=account_for(fund, "cash"), debit=Decimal(30 + i)),
                    LineDraft(account=account_for(fund, "contributions"), credit=Decimal(30 + i)),
                ],
            ),
            actor=None,
            today=TODAY,
        )
    month_close(fund=fund, month=dt.date(2024, 1, 1), actor=None, today=TODAY)
    return fund


def test_verify_page_says_ok_then_names_the_first_entry_that_differs(books, world, client):
    client.force_login(world.chair_a)
    url = f"/f/{books.pk}/reports/verify/"
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["result"].ok
    assert "verdict ok" in response.content.decode()

    uninstall_on(connection)  # the attacker has the database
    entry = books.journal_entries.get(seq=4)
    with connection.cursor() as c:
        c.execute(
            "UPDATE ledger_journalline SET amount_satang = amount_satang * 10 WHERE entry_id = %s",
            [entry.pk],
        )
    response = client.get(url)
    page = response.content.decode()
    assert response.context["result"].first_bad_seq == 4
    assert "verdict bad" in page
    assert f"/f/{books.pk}/books/journal/{entry.pk}/" in page
    assert any(f["code"] == "content" for f in response.context["findings"])


def test_roots_kept_outside_are_compared_without_writing(books, world, client):
    client.force_login(world.chair_a)
    url = f"/f/{books.pk}/reports/verify/"
    root = MonthClose.objects.get(fund=books).merkle_root
    response = client.post(url, {"published": f"2567-01 {root}"})
    assert response.context["result"].ok and response.context["published_count"] == 1
    response = client.post(url, {"published": f"2024-01 {'0' * 64}\nnot a line"})
    assert not response.context["result"].ok
    assert [f["code"] for f in response.context["findings"]] == ["published"]
    assert response.context["bad_lines"] == [2]
    client.force_login(world.member_login_a)
    assert client.get(url).status_code == 403

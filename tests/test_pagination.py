"""Long lists come in pages (issue 13, core.pagination): a phone never loads a whole ledger."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.test import RequestFactory

from kongtun.contributions.services import PaymentInput, contributions_record, plan_assign
from kongtun.core.pagination import MAX_PER_PAGE, paginate, running_page
from kongtun.ledger.services import account_for
from tests.conftest import TODAY

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("query", "size"),
    [("", 50), ("per=20", 20), ("per=5", 10), ("per=100000", MAX_PER_PAGE), ("per=abc", 50)],
)
def test_the_page_size_is_bounded(query, size):
    request = RequestFactory().get(f"/x/?{query}&page=2&q=สม")
    page = paginate(request, list(range(1000)))
    assert page.paginator.per_page == size and page.number == 2
    assert "page=" not in page.query and "q=" in page.query  # the filters stay on the links


def test_a_running_balance_carries_from_page_to_page():
    rows = [{"balance": Decimal(n)} for n in range(1, 26)]
    request = RequestFactory().get("/x/?per=10&page=2")
    result = running_page(request, rows, Decimal(0), lambda r: r["balance"])
    assert (result.brought_forward, result.carried_forward, result.is_last) == (10, 20, False)
    last = running_page(
        RequestFactory().get("/x/?per=10&page=9"), rows, Decimal(0), lambda r: r["balance"]
    )
    assert (last.page.number, last.brought_forward, last.carried_forward, last.is_last) == (
        3,
        20,
        25,
        True,
    )


@pytest.fixture
def many_receipts(world):
    fund = world.fund_a
    member = world.members_a[0]
    plan_assign(
        member=member, plan=fund.contribution_plans.get(months=1), effective_date=member.join_date
    )
    for i in range(24):
        contributions_record(
            fund=fund,
            items=[PaymentInput(member.number, Decimal("30"))],
            paid_on=dt.date(2026, 1, 1) + dt.timedelta(days=10 * i),
            actor=None,
            today=TODAY,
        )
    return fund


def test_the_account_ledger_comes_in_pages_with_balances_brought_and_carried(
    world, many_receipts, client
):
    fund = many_receipts
    cash = account_for(fund, "cash")
    client.force_login(world.treasurer_a)
    url = f"/f/{fund.pk}/books/accounts/{cash.pk}/"
    period = {"start": "01/01/2569", "end": "31/12/2569", "per": "10"}
    opened = client.get(url, period).content.decode()
    assert "หน้า 3 จาก 3" in opened and "720.00" in opened  # it opens on the newest lines
    first = client.get(url, {**period, "page": "1"}).content.decode()
    assert len(re.findall(r'href="/f/\d+/books/journal/\d+/"', first)) == 10
    assert "ยอดยกไปหน้าถัดไป" in first and "300.00" in first  # 10 × 30 carried on
    assert "หน้า 1 จาก 3" in first
    # The pager keeps the period and the page size.
    nxt = re.search(r'href="\?([^"]*page=2)"', first)[1].replace("&amp;", "&")
    assert "per=10" in nxt and "start=" in nxt
    last = client.get(f"{url}?{nxt.replace('page=2', 'page=3')}").content.decode()
    assert len(re.findall(r'href="/f/\d+/books/journal/\d+/"', last)) == 4
    assert "รวมในช่วงนี้" in last and "720.00" in last  # the period's totals, on the last page
    assert "ยอดยกไปหน้าถัดไป" not in last


def test_the_cash_book_and_receipts_come_in_pages(world, many_receipts, client):
    fund = many_receipts
    client.force_login(world.treasurer_a)
    book = client.get(
        f"/f/{fund.pk}/books/cash-book/", {"start": "01/01/2569", "end": "31/12/2569", "per": "10"}
    ).content.decode()
    assert "หน้า 1 จาก 3" in book
    receipts = client.get(f"/f/{fund.pk}/contributions/receipts/", {"per": "10"}).content.decode()
    assert "หน้า 1 จาก 3" in receipts


def test_a_ledger_page_reads_its_own_lines_not_the_year(world, many_receipts, client):
    """Issue 17: the cash account of a busy fund has 60,000 lines a year; a page must load
    only its rows (and sum the ones before it in the database), yet show the same balances
    as the whole period read at once."""
    from django.db.models.signals import post_init

    from kongtun.ledger.models import JournalLine
    from kongtun.ledger.reports import account_ledger

    fund = many_receipts
    cash = account_for(fund, "cash")
    whole = list(
        account_ledger(account=cash, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))["rows"]
    )
    assert len(whole) == 24 and whole[-1].balance == Decimal("720.00")
    loaded = []

    def count(sender, instance, **kwargs):
        loaded.append(instance)

    post_init.connect(count, sender=JournalLine)
    try:
        client.force_login(world.treasurer_a)
        page = client.get(
            f"/f/{fund.pk}/books/accounts/{cash.pk}/",
            {"start": "01/01/2569", "end": "31/12/2569", "per": "10", "page": "2"},
        ).content.decode()
    finally:
        post_init.disconnect(count, sender=JournalLine)
    assert len(loaded) <= 12  # the page's 10 lines and the two balances either side
    # brought forward from line 10, carried forward after line 20, as the whole period says
    assert f"{whole[9].balance:,}" in page and f"{whole[19].balance:,}" in page
    assert "รวมในช่วงนี้" not in page  # totals only on the last page


def test_the_whole_period_is_a_streamed_file_with_the_pages_balances(world, many_receipts, client):
    """Issue 17: what the page shows a page at a time, the file gives whole — streamed, with
    the same balances, masked for a viewer who may not see persons."""
    import csv
    import io

    fund = many_receipts
    cash = account_for(fund, "cash")
    period = {"start": "01/01/2569", "end": "31/12/2569"}
    client.force_login(world.treasurer_a)
    response = client.get(f"/f/{fund.pk}/books/accounts/{cash.pk}/ledger.csv", period)
    assert response.streaming and response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "วันที่" and rows[1][3] == "ยอดยกมา"
    assert len(rows) == 2 + 24 and rows[-1][-1] == "720.00"
    assert rows[2][0].endswith(" 2569")  # dates in the Buddhist Era, as the page shows them
    name = world.members_a[0].first_name
    book = client.get(f"/f/{fund.pk}/books/cash-book.csv", period)
    assert name in b"".join(book.streaming_content).decode("utf-8-sig")
    client.force_login(world.coordinator)  # sees the books, not the persons
    masked = client.get(f"/f/{fund.pk}/books/cash-book.csv", period)
    masked_text = b"".join(masked.streaming_content).decode("utf-8-sig")
    assert name not in masked_text and masked_text.count("\n") == 2 + 24

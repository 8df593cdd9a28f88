"""The network roll-ups against the books: the figures a month close writes are the figures
the books and the register give for that month, and a rebuild writes the same rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Sum

from kongtun.ledger.book_services import months_close_through
from kongtun.ledger.models import Agency, JournalLine
from kongtun.ledger.services import EntryDraft, LineDraft, account_for, entry_post
from kongtun.network.models import FundMonth, FundStatus
from kongtun.reports.selectors import monthly_report, statuses_on
from tests.conftest import TODAY
from tests.reports.conftest import Books, books  # noqa: F401 (the hand-built books)

pytestmark = pytest.mark.django_db
D = Decimal
FIELDS = [f.name for f in FundMonth._meta.fields if f.name not in ("id", "fund")]


def _april_matching(fund):
    """A local government's matching money in April; the fund founded in February 2024."""
    agency = Agency.objects.create(fund=fund, name="อบต.ทดสอบ", kind=Agency.Kind.LOCAL_GOV)
    entry_post(
        fund=fund,
        draft=EntryDraft(
            date=dt.date(2024, 4, 10),
            description="เงินสมทบ อบต.",
            lines=[
                LineDraft(account=account_for(fund, "bank"), debit=D("800")),
                LineDraft(account=account_for(fund, "matching_local"), credit=D("800")),
            ],
            agency_id=agency.pk,
        ),
        actor=None,
        today=TODAY,
    )
    fund.founded_on = dt.date(2024, 2, 1)
    fund.save()


@pytest.fixture
def closed(books, world):  # noqa: F811
    fund = world.fund_a
    _april_matching(fund)
    months_close_through(fund=fund, through=dt.date(2024, 5, 1), actor=None, today=TODAY)
    return fund


def rows(fund) -> list[dict]:
    return list(FundMonth.objects.filter(fund=fund).order_by("month").values(*FIELDS))


def test_each_close_writes_its_month_as_the_books_give_it(closed):
    fund = closed
    march = FundMonth.objects.get(fund=fund, month=Books.month)
    assert march.money_in == Books.money_in
    assert march.benefits == Books.benefits
    assert march.other_out == Books.other_out
    assert march.reserves == Books.closing
    assert march.contributions == D("900.00")  # contributions and entrance fees
    assert march.matching == D("2000.00")  # the receivable of 1,000 moved no money
    assert march.benefits_by_stage == {
        "birth": "1000.00",
        "childhood": "700.00",
        "death": "3000.00",
        "illness": "400.00",
    }
    assert (march.joined, march.resigned, march.deceased) == (1, 1, 0)
    # twelve months of benefits (5,100 paid, all in March) against 12,561.84 on hand
    assert march.months_covered == D("29.6")
    april = FundMonth.objects.get(fund=fund, month=dt.date(2024, 4, 1))
    assert april.matching_by_agency == {"local_gov": "800.00"}
    assert april.deceased == 1
    assert FundMonth.objects.get(fund=fund, month=dt.date(2024, 2, 1)).matching_by_agency == {
        "unnamed": "5000.00"
    }


def test_every_month_agrees_with_the_monthly_report_the_lines_and_the_register(closed):
    fund = closed
    money = [account_for(fund, "cash").pk, account_for(fund, "bank").pk]
    for row in FundMonth.objects.filter(fund=fund).order_by("month"):
        report = monthly_report(fund=fund, month=row.month)
        assert row.money_in == report.total_in
        assert row.benefits == report.total_benefits
        assert row.other_out == report.total_other_out
        assert row.reserves == report.closing
        by_stage = {g.key: str(g.amount) for g in report.money_out_benefits}
        assert row.benefits_by_stage == by_stage
        end = (row.month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        on_hand = JournalLine.objects.filter(
            fund=fund, account_id__in=money, date__lte=end
        ).aggregate(s=Sum("amount_satang"))["s"]
        assert row.reserves == D(on_hand) / 100
        status = statuses_on(fund, end)
        assert row.members_active == sum(1 for s in status.values() if s == "active")
        assert sum(row.by_sex.values()) == row.members_active
        assert sum(row.by_age.values()) == row.members_active
        assert sum(row.by_occupation.values()) == row.members_active
        assert row.joined == report.members["joined_count"]
        assert (row.resigned, row.deceased) == (
            report.members["resigned"],
            report.members["deceased"],
        )


def test_closing_month_by_month_writes_the_rows_that_closing_many_at_once_writes(
    books,  # noqa: F811
    world,
):
    """Closing many months at once writes their roll-up rows in one reading of the books at
    the end; closing them one by one (and in two goes) writes the same rows and status."""
    from kongtun.ledger.services import month_close

    fund = world.fund_a
    _april_matching(fund)
    month_close(fund=fund, month=dt.date(2024, 2, 1), actor=None, today=TODAY)
    month_close(fund=fund, month=dt.date(2024, 3, 1), actor=None, today=TODAY)
    one_by_one = rows(fund)
    months_close_through(fund=fund, through=dt.date(2024, 5, 1), actor=None, today=TODAY)
    assert rows(fund)[:2] == one_by_one
    in_two_goes = rows(fund)
    assert [r["month"] for r in in_two_goes] == [dt.date(2024, m, 1) for m in (2, 3, 4, 5)]
    call_command("network_rollup_rebuild", fund=fund.short_code)
    assert rows(fund) == in_two_goes
    assert FundStatus.objects.get(fund=fund).latest.month == dt.date(2024, 5, 1)


def test_the_rebuild_command_writes_the_same_rows_and_the_fund_status(closed):
    fund = closed
    at_close = rows(fund)
    assert [r["month"] for r in at_close] == [dt.date(2024, m, 1) for m in (2, 3, 4, 5)]
    FundMonth.objects.filter(fund=fund, month=Books.month).update(reserves=D("1.00"))
    call_command("network_rollup_rebuild", fund=fund.short_code)
    assert rows(fund) == at_close
    status = FundStatus.objects.get(fund=fund)
    assert status.last_closed == dt.date(2024, 5, 1)
    assert status.latest.month == dt.date(2024, 5, 1)

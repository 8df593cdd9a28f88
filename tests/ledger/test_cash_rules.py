"""Money rules a treasurer expects: cash on hand and the bank balance never go below zero (the
payment is refused with what there is and the way out), on any later day either; and the
months page and the monthly report count a month's money the same way."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from kongtun.claims.services import claim_pay, claim_review
from kongtun.ledger.models import JournalEntry
from kongtun.ledger.reports import month_rows
from kongtun.ledger.services import EntryDraft, LineDraft, account_for, entries_post, entry_post
from kongtun.reports.selectors import monthly_report
from tests.claims.helpers import approved, committee, file_claim, hospital, paid_up, with_paper
from tests.conftest import TODAY

pytestmark = pytest.mark.django_db
D = Decimal


def draft(fund, day, debit_role, credit_role, amount, text="รายการ"):
    return EntryDraft(
        date=day,
        description=text,
        lines=[
            LineDraft(account=account_for(fund, debit_role), debit=D(amount)),
            LineDraft(account=account_for(fund, credit_role), credit=D(amount)),
        ],
    )


def post(fund, day, debit_role, credit_role, amount):
    return entry_post(
        fund=fund, draft=draft(fund, day, debit_role, credit_role, amount), actor=None, today=TODAY
    )


def refusal(exc: pytest.ExceptionInfo) -> str:
    return " ".join(m for ms in exc.value.message_dict.values() for m in ms)


def test_a_benefit_larger_than_the_cash_on_hand_is_refused_with_the_way_out(world):
    fund = world.fund_a
    post(fund, dt.date(2026, 11, 2), "cash", "contributions", "1300")
    post(fund, dt.date(2026, 11, 3), "bank", "matching_local", "50000")
    count = JournalEntry.objects.filter(fund=fund).count()
    with translation.override("th"), pytest.raises(ValidationError) as exc:
        post(fund, dt.date(2026, 11, 20), "benefit:death", "cash", "10000")
    assert "มีเงินสดในมือ 1,300.00 บาท — ถอนเงินจากธนาคารก่อน" in refusal(exc)
    assert JournalEntry.objects.filter(fund=fund).count() == count  # nothing written
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        post(fund, dt.date(2026, 11, 20), "benefit:death", "cash", "10000")
    assert "1,300.00 baht of cash on hand — draw from the bank first" in refusal(exc)

    # The way out: draw from the bank, then pay. Cash ends at 300.00, never below zero.
    post(fund, dt.date(2026, 11, 20), "cash", "bank", "9000")
    post(fund, dt.date(2026, 11, 20), "benefit:death", "cash", "10000")


def test_the_bank_cannot_go_below_zero_either(world):
    fund = world.fund_a
    post(fund, dt.date(2026, 11, 2), "bank", "matching_local", "2000")
    with translation.override("th"), pytest.raises(ValidationError) as exc:
        post(fund, dt.date(2026, 11, 5), "benefit:hospital", "bank", "2000.01")
    assert "มีเงินฝากธนาคาร 2,000.00 บาท — นำเงินสดฝากธนาคารก่อน" in refusal(exc)
    post(fund, dt.date(2026, 11, 5), "benefit:hospital", "bank", "2000")  # exactly all of it


def test_a_back_dated_payment_may_not_empty_a_later_day(world):
    """1,000 in on the 5th, 800 paid on the 20th: 500 back-dated to the 10th leaves 500 that
    day but −300 on the 20th — refused, naming the day it would go below zero."""
    fund = world.fund_a
    post(fund, dt.date(2026, 10, 5), "cash", "contributions", "1000")
    post(fund, dt.date(2026, 10, 20), "benefit:birth", "cash", "800")
    with translation.override("th"), pytest.raises(ValidationError) as exc:
        post(fund, dt.date(2026, 10, 10), "admin", "cash", "500")
    text = refusal(exc)
    assert "มีเงินสดในมือ 200.00 บาท" in text and "-300.00" in text and "20 ต.ค. 2569" in text
    post(fund, dt.date(2026, 10, 10), "admin", "cash", "200")  # what can be spent that day


def test_a_payment_and_the_withdrawal_covering_it_pass_together_in_one_batch(world):
    fund = world.fund_a
    post(fund, dt.date(2026, 11, 2), "bank", "matching_local", "20000")
    day = dt.date(2026, 11, 10)
    entries_post(
        fund=fund,
        drafts=[
            draft(fund, day, "benefit:death", "cash", "10000"),  # the payment first
            draft(fund, day, "cash", "bank", "10000"),  # the same day's withdrawal
        ],
        actor=None,
        today=TODAY,
    )
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        entries_post(
            fund=fund,
            drafts=[
                draft(fund, day, "contributions", "cash", "1"),  # nothing left in cash
                draft(fund, day, "cash", "contributions", "5"),
                draft(fund, day, "benefit:hospital", "bank", "10000.01"),
            ],
            actor=None,
            today=TODAY,
        )
    assert refusal(exc).startswith("Entry 3: There is 10,000.00 baht in the bank")


def test_a_claim_paid_from_cash_that_is_not_there_is_refused_on_the_source(world, make_user):
    fund = world.fund_a
    approved(fund)
    member = world.members_a[0]
    paid_up(member)
    post(fund, dt.date(2026, 11, 2), "cash", "contributions", "130")
    claim = file_claim(fund, hospital(member, nights=3))  # 300 baht
    with_paper(claim)
    for user in committee(world, make_user)[:2]:
        claim = claim_review(claim=claim, actor=user, action="approve", today=TODAY)
    assert claim.status == "approved" and claim.amount_approved == D("300.00")
    with translation.override("th"), pytest.raises(ValidationError) as exc:
        claim_pay(claim=claim, actor=None, paid_on=TODAY, source="cash", today=TODAY)
    assert "มีเงินสดในมือ 130.00 บาท — ถอนเงินจากธนาคารก่อน" in " ".join(
        exc.value.message_dict["source"]
    )
    claim.refresh_from_db()
    assert claim.status == "approved" and not claim.payouts.exists()


def test_months_page_and_monthly_report_agree_on_a_month_with_a_transfer(world, login):
    fund = world.fund_a
    post(fund, dt.date(2026, 9, 2), "cash", "contributions", "5000")
    post(fund, dt.date(2026, 10, 3), "cash", "contributions", "1200")
    post(fund, dt.date(2026, 10, 4), "bank", "cash", "4000")  # banking the cash: a transfer
    post(fund, dt.date(2026, 10, 5), "cash", "bank", "500")  # and a withdrawal
    post(fund, dt.date(2026, 10, 6), "benefit:birth", "cash", "700")
    post(fund, dt.date(2026, 10, 7), "receivable_agency", "matching_local", "900")  # no money
    report = monthly_report(fund=fund, month=dt.date(2026, 10, 1))
    [row] = [r for r in month_rows(fund=fund, today=TODAY) if r["month"] == dt.date(2026, 10, 1)]
    assert (report.total_in, report.total_out) == (D("1200.00"), D("700.00"))
    assert (row["money_in"], row["money_out"]) == (report.total_in, report.total_out)
    assert report.balanced

    page = login(world.chair_a).get(f"/f/{fund.pk}/books/months/").content.decode()
    assert "1,200.00" in page and "700.00" in page
    assert "5,700.00" not in page and "5,200.00" not in page  # the transfers counted as in/out

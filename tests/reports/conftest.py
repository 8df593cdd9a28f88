"""A small fund built by hand: February 2024 gives the opening balance, March 2024 has money
from every source, benefits of four life stages, an expense, a transfer, an accrual and a
reversed donation; members join and leave."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from kongtun.claims.models import ClaimApproval
from kongtun.claims.services import claim_review
from kongtun.contributions.services import PaymentInput, contributions_record, plan_assign
from kongtun.ledger.book_services import months_close_through
from kongtun.ledger.services import (
    EntryDraft,
    LineDraft,
    account_for,
    entry_post,
    entry_reverse,
)
from kongtun.members.services import member_create, member_set_status
from tests.claims.helpers import approved, committee, file_claim, hospital, with_paper
from tests.conftest import TODAY, make_nid, member_input

D = Decimal


def post(fund, day, description, debit_role, credit_role, amount, member=None):
    return entry_post(
        fund=fund,
        draft=EntryDraft(
            date=day,
            description=description,
            lines=[
                LineDraft(
                    account=account_for(fund, debit_role),
                    debit=D(amount),
                    member_id=member.pk if member else None,
                ),
                LineDraft(
                    account=account_for(fund, credit_role),
                    credit=D(amount),
                    member_id=member.pk if member else None,
                ),
            ],
        ),
        actor=None,
        today=TODAY,
    )


class Books:
    month = dt.date(2024, 3, 1)
    opening = D("15000.00")
    money_in = D("2912.34")
    benefits = D("5100.00")
    other_out = D("250.50")
    closing = D("12561.84")


@pytest.fixture
def books(world):
    fund = world.fund_a
    a0, a1, a2 = world.members_a
    # February: the opening balance.
    post(fund, dt.date(2024, 2, 5), "เงินสัจจะยกมา", "cash", "contributions", "10000")
    post(fund, dt.date(2024, 2, 10), "เงินสมทบ อบต.", "bank", "matching_local", "5000")
    # March.
    entry_post(
        fund=fund,
        draft=EntryDraft(
            date=dt.date(2024, 3, 5),
            description="เงินสัจจะและค่าสมัคร",
            lines=[
                LineDraft(account=account_for(fund, "cash"), debit=D("900")),
                LineDraft(account=account_for(fund, "contributions"), credit=D("600")),
                LineDraft(account=account_for(fund, "entrance_fees"), credit=D("300")),
            ],
        ),
        actor=None,
        today=TODAY,
    )
    post(fund, dt.date(2024, 3, 6), "เงินสมทบ พอช.", "bank", "matching_central", "2000")
    donation = post(fund, dt.date(2024, 3, 7), "เงินบริจาค", "cash", "donations", "500")
    entry_reverse(
        entry=donation, date=dt.date(2024, 3, 8), reason="บันทึกซ้ำ", actor=None, today=TODAY
    )
    post(fund, dt.date(2024, 3, 9), "ดอกเบี้ย", "bank", "interest", "12.34")
    post(fund, dt.date(2024, 3, 10), "นำเงินสดฝากธนาคาร", "bank", "cash", "3000")
    post(fund, dt.date(2024, 3, 11), "สวัสดิการคลอดบุตร", "benefit:birth", "cash", "1000", a0)
    post(fund, dt.date(2024, 3, 12), "ค่านอนโรงพยาบาล", "benefit:hospital", "cash", "400")
    post(fund, dt.date(2024, 3, 13), "ค่าจัดการศพ", "benefit:death", "bank", "3000", a1)
    post(fund, dt.date(2024, 3, 14), "ทุนการศึกษา", "benefit:education", "cash", "700")
    post(fund, dt.date(2024, 3, 15), "ค่าเครื่องเขียน", "admin", "cash", "250.50")
    post(fund, dt.date(2024, 3, 20), "ตั้งลูกหนี้เงินสมทบ", "receivable_agency", "matching_local", "1000")
    # April: not in March's report.
    post(fund, dt.date(2024, 4, 2), "เงินสัจจะ", "cash", "contributions", "77")
    # Members: one joins and one resigns in March, one dies in April.
    newcomer = member_create(
        fund=fund,
        data=member_input(
            fund,
            nid=make_nid("310170023079"),
            first="สมหมาย",
            last="มาใหม่",
            sex="M",
            title="นาย",
            birth_date=dt.date(1990, 1, 1),
            join_date=dt.date(2024, 3, 15),
        ),
        actor=None,
        today=TODAY,
    )
    member_set_status(
        member=a1,
        status="resigned",
        effective_date=dt.date(2024, 3, 20),
        reason="ย้ายภูมิลำเนาเพราะน้ำท่วม",
        actor=None,
        today=TODAY,
    )
    member_set_status(
        member=a2,
        status="deceased",
        effective_date=dt.date(2024, 4, 2),
        reason="ถึงแก่กรรม",
        actor=None,
        today=TODAY,
    )
    # a0's contributions (a receipt through the contributions app, in May).
    plan_assign(member=a0, plan=fund.contribution_plans.get(months=1), effective_date=a0.join_date)
    contributions_record(
        fund=fund,
        items=[PaymentInput(a0.number, D("60"), periods=2)],
        paid_on=dt.date(2024, 5, 5),
        actor=None,
        today=TODAY,
    )
    world.newcomer = newcomer
    return fund


@pytest.fixture
def published(books, world, make_user):
    """The hand-built books of March 2024 (members join and leave), a hospital claim rejected
    in March, and every month closed through March."""
    fund = world.fund_a
    approved(fund)
    claim = file_claim(fund, hospital(world.members_a[0], on=dt.date(2024, 3, 2)))
    with_paper(claim)
    reviewer = committee(world, make_user)[0]
    claim = claim_review(claim=claim, actor=reviewer, action="reject", reason="ยังไม่ครบสิทธิ")
    decided = timezone.make_aware(dt.datetime(2024, 3, 20, 10, 0))
    ClaimApproval.objects.filter(claim=claim).update(at=decided)
    fund.founded_on = dt.date(2024, 2, 1)
    fund.save()
    months_close_through(fund=fund, through=Books.month, actor=None, today=TODAY)
    return fund

"""Recurring benefits: a pension granted once is paid every month with a voucher each, never
twice for one month, and stops when the member dies, resigns or is suspended."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from kongtun.claims.models import ClaimStatus, Payout
from kongtun.claims.recurring import recurring_pay, recurring_schedule
from kongtun.claims.services import ClaimInput, claim_pay
from kongtun.ledger.models import JournalLine
from kongtun.members.models import MemberStatus
from kongtun.members.services import member_set_status
from kongtun.regulations.engine import RegulationFormatError, load_regulation
from tests.claims.helpers import (
    approve_by,
    approved,
    committee,
    file_claim,
    opening_money,
    paid_up,
    with_paper,
)
from tests.conftest import TODAY

pytestmark = pytest.mark.django_db
D = Decimal


def monthly_pension(data):
    """thaneun's old-age pension as "ได้รับเงินบำนาญเดือนละ 300 บาท ทุกเดือน" from age 50."""
    for b in data["benefits"]:
        if b["code"] == "old_age":
            b.pop("tiers", None)
            b.pop("caps", None)
            b["amount"] = "300"
            b["conditions"] = {"min_age": 50}
            b["recurring"] = {"every": "month", "clause": "14"}
    # The claim below is filed months after the 50th birthday: this test is about paying the
    # pension, not about thaneun's 90-day filing deadline (tests/regulations cover that).
    data["membership"].pop("filing_deadline", None)


@pytest.fixture
def pension(world, make_user):
    fund = world.fund_a
    approved(fund, prototype="thaneun", change=monthly_pension)
    opening_money(fund)
    m = world.members_a[0]
    paid_up(m)
    claim = file_claim(fund, ClaimInput(m.number, "old_age", dt.date(2026, 8, 15)))
    claim = approve_by(with_paper(claim), committee(world, make_user, n=2))
    assert claim.status == ClaimStatus.APPROVED and claim.recurring_every == "month"
    return claim


def month(m: int) -> dt.date:
    return dt.date(2026, m, 1)


def test_a_granted_pension_is_due_every_month_and_paid_with_a_voucher_each(world, pension):
    fund = world.fund_a
    rows = recurring_schedule(fund=fund, month=month(11))
    assert [(r.period, r.amount, r.due) for r in rows] == [
        (month(m), D("300.00"), True) for m in (8, 9, 10, 11)
    ]
    payouts = recurring_pay(
        fund=fund,
        items=[(pension.pk, month(m)) for m in (8, 9, 10, 11)],
        paid_on=TODAY,
        source="cash",
        actor=None,
        today=TODAY,
    )
    assert [p.period for p in payouts] == [month(m) for m in (8, 9, 10, 11)]
    assert len({p.number for p in payouts}) == 4  # four vouchers
    spent = sum(
        line.amount_satang
        for line in JournalLine.objects.filter(entry__payout__in=payouts, amount_satang__gt=0)
    )
    assert spent == 120000  # 4 × 300 baht, in satang
    assert all(r.payout is not None for r in recurring_schedule(fund=fund, month=month(11)))
    pension.refresh_from_db()
    assert pension.status == ClaimStatus.APPROVED  # a pension stays granted: next month is due


def test_a_month_is_never_paid_twice(world, pension):
    fund = world.fund_a
    [first] = recurring_pay(
        fund=fund,
        items=[(pension.pk, month(9))],
        paid_on=TODAY,
        source="cash",
        actor=None,
        today=TODAY,
    )
    with pytest.raises(ValidationError) as exc:
        recurring_pay(
            fund=fund,
            items=[(pension.pk, month(9))],
            paid_on=TODAY,
            source="cash",
            actor=None,
            today=TODAY,
        )
    assert "periods" in exc.value.message_dict
    assert Payout.objects.filter(claim=pension).count() == 1
    # The database refuses it too, whatever the code above checked.
    with pytest.raises(IntegrityError), transaction.atomic():
        Payout.objects.create(
            claim=pension,
            fund=fund,
            fiscal_year=first.fiscal_year,
            number=first.number + 100,
            paid_on=TODAY,
            source="cash",
            amount=D("300"),
            entry=first.entry,
            period=month(9),
        )


def test_one_payment_per_claim_is_still_the_rule_for_other_benefits(world, pension):
    with pytest.raises(ValidationError) as exc:
        claim_pay(claim=pension, actor=None, paid_on=TODAY, today=TODAY)
    assert "__all__" in exc.value.message_dict


@pytest.mark.parametrize(
    ("status", "day", "due", "stopped"),
    [
        (MemberStatus.DECEASED, dt.date(2026, 9, 20), [8, 9], [10, 11]),
        (MemberStatus.RESIGNED, dt.date(2026, 10, 1), [8, 9], [10, 11]),
        (MemberStatus.SUSPENDED, dt.date(2026, 8, 10), [8], [9, 10, 11]),
    ],
)
def test_payments_stop_on_death_resignation_or_suspension(
    world, pension, status, day, due, stopped
):
    fund = world.fund_a
    member_set_status(
        member=pension.member,
        status=status,
        effective_date=day,
        reason="ทดสอบ",
        actor=None,
        today=TODAY,
    )
    rows = recurring_schedule(fund=fund, month=month(11))
    assert [r.period.month for r in rows if r.due] == due
    assert [r.period.month for r in rows if r.stopped_by] == [m for m in stopped if m == 11]
    with pytest.raises(ValidationError) as exc:
        recurring_pay(
            fund=fund,
            items=[(pension.pk, month(stopped[0]))],
            paid_on=TODAY,
            source="cash",
            actor=None,
            today=TODAY,
        )
    assert "periods" in exc.value.message_dict
    assert not Payout.objects.filter(claim=pension).exists()


def test_a_period_not_yet_begun_or_not_of_the_pension_is_refused(world, pension):
    with pytest.raises(ValidationError) as exc:
        recurring_pay(
            fund=world.fund_a,
            items=[(pension.pk, month(7)), (pension.pk, dt.date(2026, 12, 1))],
            paid_on=TODAY,
            source="cash",
            actor=None,
            today=TODAY,
        )
    assert len(exc.value.message_dict["periods"]) == 2


def test_the_treasurer_pays_from_the_page_once_even_when_the_form_is_sent_twice(
    world, pension, client
):
    client.force_login(world.treasurer_a)
    url = f"/f/{world.fund_a.pk}/claims/recurring/?month=2026-11"
    page = client.get(url)
    assert page.status_code == 200
    assert pension.member.number in page.content.decode()
    post = {
        "periods": [f"{pension.pk}:2026-10-01", f"{pension.pk}:2026-11-01"],
        "paid_on": "25/11/2569",
        "source": "cash",
        "idempotency_key": "k-1",
    }
    assert client.post(url, post).status_code == 302
    assert client.post(url, post).status_code == 302  # the same form again: replayed
    assert Payout.objects.filter(claim=pension, voided_at__isnull=True).count() == 2
    detail = client.get(f"/f/{world.fund_a.pk}/claims/{pension.pk}/").content.decode()
    assert "การจ่ายบำนาญ" in detail and "ต.ค. 2569" in detail and "พ.ย. 2569" in detail
    assert f"/claims/{pension.pk}/pay/" not in detail  # no one-off payment form for a pension


def test_the_coordinator_does_not_see_who_gets_a_pension(world, pension, client):
    client.force_login(world.coordinator)
    assert client.get(f"/f/{world.fund_a.pk}/claims/recurring/").status_code == 403


def test_recurring_must_match_what_the_benefit_counts():
    text = """
format: 1
code: x
title_th: x
clauses: [{number: "1", text_th: x}]
benefits:
  - code: stay
    kind: hospital
    name_th: นอน
    per: night
    amount: 100
    recurring: {every: month}
"""
    with pytest.raises(RegulationFormatError) as exc:
        load_regulation(text)
    assert any(e.path == "benefits[0].recurring.every" for e in exc.value.errors)
    ok = load_regulation(text.replace("per: night", "per: month"))
    assert ok.benefits[0].recurring.every == "month"


def test_the_regulation_page_says_the_pension_is_paid_every_month():
    from django.utils import translation

    from kongtun.regulations.describe import describe_benefit

    reg = load_regulation(
        """
format: 1
code: x
title_th: x
clauses: [{number: "2", text_th: แก่ สัจจะครบ 15 ปี อายุครบ 60 ปี ได้บำนาญเดือนละ 300 บาท}]
benefits:
  - {code: pension, kind: old_age, name_th: บำนาญ, clause: "2", per: month, amount: 300,
     recurring: {every: month}}
"""
    )
    with translation.override("th"):
        rules = [r.text for r in describe_benefit(reg, reg.benefits[0]).amount]
    assert any("จ่ายทุกเดือน" in str(t) for t in rules)


def tiered_pension(data):
    """A monthly pension by years of membership: 20 years 200 baht, 21 years 300 (thaneun's
    tiers, moved so that the test member reaches the next one in October 2026)."""
    monthly_pension(data)
    for b in data["benefits"]:
        if b["code"] == "old_age":
            b.pop("amount")
            b["tiers"] = {
                "basis": "membership",
                "bands": [
                    {
                        "lower": {"years": 10},
                        "upper": {"years": 11, "inclusive": False},
                        "amount": "200",
                    },
                    {"lower": {"years": 11}, "amount": "300"},
                ],
            }


def test_a_pension_rises_to_the_next_tier_in_the_month_the_member_reaches_it(
    world, make_user, client
):
    """Joined 1 Oct 2015: 11 years of membership on 1 Oct 2026. A pension granted in August at
    200 baht is 300 baht from October, as the regulation says and the projection assumes."""
    fund = world.fund_a
    approved(fund, prototype="thaneun", change=tiered_pension)
    opening_money(fund)
    m = world.members_a[0]
    type(m).objects.filter(pk=m.pk).update(join_date=dt.date(2015, 10, 1))
    m.refresh_from_db()
    paid_up(m)
    claim = file_claim(fund, ClaimInput(m.number, "old_age", dt.date(2026, 8, 15)))
    claim = approve_by(with_paper(claim), committee(world, make_user, n=2))
    assert claim.amount_approved == D("200.00")
    rows = recurring_schedule(fund=fund, month=month(11))
    assert [(r.period.month, r.amount) for r in rows] == [
        (8, D("200.00")),
        (9, D("200.00")),
        (10, D("300.00")),
        (11, D("300.00")),
    ]
    assert [r.rate_version for r in rows][:2] == [None, None]
    assert all(r.rate_version == claim.regulation_version.number for r in rows[2:])
    client.force_login(world.treasurer_a)
    page = client.get(f"/f/{fund.pk}/claims/recurring/?month=2026-10").content.decode()
    assert "อนุมัติไว้ 200.00 บาท เดือนนี้ตามอัตราระเบียบฉบับที่" in page
    payouts = recurring_pay(
        fund=fund,
        items=[(claim.pk, month(k)) for k in (8, 9, 10, 11)],
        paid_on=TODAY,
        source="cash",
        actor=None,
        today=TODAY,
    )
    assert [p.amount for p in payouts] == [D("200.00"), D("200.00"), D("300.00"), D("300.00")]
    spent = sum(
        line.amount_satang
        for line in JournalLine.objects.filter(entry__payout__in=payouts, amount_satang__gt=0)
    )
    assert spent == 100000  # 200 + 200 + 300 + 300 baht, in satang


def test_a_new_versions_rate_applies_from_its_effective_date_and_paid_months_stay_paid(
    world, pension, make_user
):
    fund = world.fund_a
    recurring_pay(
        fund=fund,
        items=[(pension.pk, month(8)), (pension.pk, month(9))],
        paid_on=dt.date(2026, 9, 5),
        source="cash",
        actor=None,
        today=TODAY,
    )

    def raised(data):
        monthly_pension(data)
        for b in data["benefits"]:
            if b["code"] == "old_age":
                b["amount"] = "400"

    # approved in November, effective from 1 September: September was already paid at 300
    version = approved(fund, prototype="thaneun", effective=month(9), change=raised)
    rows = recurring_schedule(fund=fund, month=month(11))
    assert [(r.period.month, r.amount, r.due) for r in rows] == [
        (10, D("400.00"), True),
        (11, D("400.00"), True),
    ]
    assert {r.rate_version for r in rows} == {version.number}
    [sep] = [r for r in recurring_schedule(fund=fund, month=month(9)) if r.period == month(9)]
    assert sep.payout is not None and sep.amount == D("300.00")
    payouts = recurring_pay(
        fund=fund,
        items=[(pension.pk, month(10))],
        paid_on=TODAY,
        source="cash",
        actor=None,
        today=TODAY,
    )
    assert payouts[0].amount == D("400.00")


def test_a_version_without_the_pension_does_not_stop_a_granted_one(world, pension):
    def removed(data):
        monthly_pension(data)
        data["benefits"] = [b for b in data["benefits"] if b["code"] != "old_age"]

    approved(world.fund_a, prototype="thaneun", effective=month(10), change=removed)
    rows = recurring_schedule(fund=world.fund_a, month=month(11))
    assert [(r.period.month, r.amount, r.rate_version) for r in rows] == [
        (m, D("300.00"), None) for m in (8, 9, 10, 11)
    ]


def test_the_months_list_downloads_as_a_file_and_the_download_is_logged(world, pension, client):
    from kongtun.members.models import PersonalDataAccess

    client.force_login(world.treasurer_a)
    url = f"/f/{world.fund_a.pk}/claims/recurring/?month=2026-11"
    assert "format=csv" in client.get(url).content.decode()
    response = client.get(url + "&format=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0] == "เลขที่สมาชิก,ชื่อ,สวัสดิการ,คำขอ,งวด,จำนวนเงิน,สถานะ"
    assert len(lines) == 1 + 4  # August to November, all due
    assert all(pension.member.number in line and "300.00" in line for line in lines[1:])
    assert "พ.ย. 2569" in lines[-1] and "ถึงกำหนดจ่าย" in lines[-1]
    look = PersonalDataAccess.objects.filter(fund=world.fund_a).order_by("-at", "-id").first()
    assert look.kinds == "health,export" and "format=csv" in look.path


def test_a_pension_stopped_long_ago_is_no_longer_listed(world, pension):
    member_set_status(
        member=pension.member,
        status=MemberStatus.RESIGNED,
        effective_date=dt.date(2026, 9, 15),
        reason="ย้ายถิ่น",
        actor=None,
        today=TODAY,
    )
    shown = recurring_schedule(fund=world.fund_a, month=month(11))
    assert [(r.period.month, r.stop_reason) for r in shown if not r.due] == [(11, "resigned")]
    later = recurring_schedule(fund=world.fund_a, month=dt.date(2027, 3, 1))
    assert [r.period.month for r in later if not r.due] == []  # stopped six months before
    assert [r.period.month for r in later if r.due] == [8, 9]  # August and September are owed

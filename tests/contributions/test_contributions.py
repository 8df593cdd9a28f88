"""Taking contributions: plans, periods paid ahead, arrears, suspension, receipts and voiding."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from kongtun.contributions.models import ContributionPayment, Receipt
from kongtun.contributions.services import (
    PaymentInput,
    arrears_apply_rule,
    contributions_record,
    fiscal_year_be,
    member_arrears,
    plan_assign,
    receipt_void,
)
from kongtun.ledger.models import JournalEntry
from kongtun.ledger.selectors import trial_balance
from kongtun.members.models import MemberStatus
from tests.conftest import TODAY

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def fund(world):
    fund = world.fund_a
    monthly = fund.contribution_plans.get(months=1)
    yearly = fund.contribution_plans.get(months=12)
    # members_a[0] pays monthly (30), members_a[1] yearly (360); both joined 1 Mar 2015
    plan_assign(member=world.members_a[0], plan=monthly, effective_date=dt.date(2015, 3, 1))
    plan_assign(member=world.members_a[1], plan=yearly, effective_date=dt.date(2015, 3, 1))
    plan_assign(member=world.members_a[2], plan=monthly, effective_date=dt.date(2015, 3, 1))
    return fund


def pay(fund, number, amount, on=dt.date(2015, 3, 10), **kw):
    return contributions_record(
        fund=fund,
        items=[PaymentInput(number, D(amount), **kw)],
        paid_on=on,
        actor=None,
        today=TODAY,
    )


def test_new_funds_offer_the_common_plans(world):
    plans = sorted((p.amount, p.months) for p in world.fund_b.contribution_plans.all())
    assert plans == [(D("30"), 1), (D("90"), 3), (D("180"), 6), (D("360"), 12)]


def test_a_payment_covers_months_posts_the_books_and_issues_a_numbered_receipt(fund, world):
    m = world.members_a[0]
    [r1] = pay(fund, m.number, "90")  # three months ahead
    [r2] = pay(fund, m.number, "30", on=dt.date(2015, 4, 2))
    assert (r1.display_number, r2.display_number) == ("2558/00001", "2558/00002")
    payments = list(
        ContributionPayment.objects.filter(member=m).values_list("period_start", "months")
    )
    assert payments == [(dt.date(2015, 3, 1), 3), (dt.date(2015, 6, 1), 1)]
    tb = trial_balance(fund=fund)
    assert tb["total_debit"] == D("120.00")
    assert r1.entry.lines.count() == 2 and r1.entry.source_ref == "2558/00001"


def test_arrears_are_derived_from_plan_join_date_and_payments(fund, world):
    m = world.members_a[0]
    pay(fund, m.number, "60")  # March and April 2015
    arrears = member_arrears(m, as_of=dt.date(2015, 7, 15))  # March..July due
    assert (arrears.periods_due, arrears.periods_paid, arrears.periods_unpaid) == (5, 2, 3)
    assert arrears.amount_unpaid == D("90.00") and arrears.next_month == dt.date(2015, 5, 1)
    yearly = world.members_a[1]
    pay(fund, yearly.number, "360")
    assert member_arrears(yearly, as_of=dt.date(2016, 2, 28)).periods_unpaid == 0
    assert member_arrears(yearly, as_of=dt.date(2016, 3, 1)).periods_unpaid == 1


@pytest.mark.parametrize(
    ("number", "amount", "field"),
    [
        ("nope", "30", "member_number"),
        (None, "0", "amount"),
        (None, "-30", "amount"),
        (None, "45", "amount"),
    ],
)
def test_bad_payments_are_refused_and_nothing_is_written(fund, world, number, amount, field):
    with pytest.raises(ValidationError) as exc:
        pay(fund, number or world.members_a[0].number, amount)
    assert field in exc.value.message_dict
    assert not Receipt.objects.exists() and not JournalEntry.objects.exists()


def test_a_batch_with_one_bad_row_writes_nothing_and_names_the_row(fund, world):
    items = [
        PaymentInput(world.members_a[0].number, D("30"), row=1),
        PaymentInput(world.members_a[1].number, D("35"), row=2),
        PaymentInput("99-9999", D("30"), row=3),
    ]
    with pytest.raises(ValidationError) as exc:
        contributions_record(
            fund=fund, items=items, paid_on=dt.date(2015, 3, 10), actor=None, today=TODAY
        )
    assert set(exc.value.message_dict) == {"row2.amount", "row3.member_number"}
    assert not Receipt.objects.exists()


def test_resigned_members_cannot_pay(fund, world):
    from kongtun.members.services import member_set_status

    m = world.members_a[2]
    member_set_status(
        member=m,
        status=MemberStatus.RESIGNED,
        effective_date=dt.date(2016, 1, 1),
        reason="ย้าย",
        actor=None,
        today=TODAY,
    )
    with pytest.raises(ValidationError):
        pay(fund, m.number, "30", on=dt.date(2016, 2, 1))


def test_suspension_follows_the_regulation_and_is_dated_the_day_the_limit_was_crossed(fund, world):
    from tests.claims.helpers import approved

    approved(fund)  # banthi: benefits withheld with more than 3 unpaid months (clause 9)
    m, yearly, never_paid = world.members_a
    pay(fund, m.number, "30")  # March 2015 only
    pay(fund, yearly.number, "360")  # March 2015 - February 2016
    first = arrears_apply_rule(fund=fund, on=dt.date(2015, 6, 20), actor=None, today=TODAY)
    assert first == [never_paid]  # March..June due: 4 unpaid; m has 3 (April-June): not over
    change = never_paid.status_changes.get()
    assert change.effective_date == dt.date(2015, 6, 1)  # the day June fell due, not the 20th
    # Run a month late: m went over on 1 July, and that is the date recorded.
    assert arrears_apply_rule(fund=fund, on=dt.date(2015, 8, 20), actor=None, today=TODAY) == [m]
    assert m.status_changes.get().effective_date == dt.date(2015, 7, 1)
    m.refresh_from_db()
    assert m.status == MemberStatus.SUSPENDED
    pay(fund, m.number, "150", on=dt.date(2015, 8, 25))  # April..August
    m.refresh_from_db()
    assert m.status == MemberStatus.ACTIVE
    assert [c.status for c in m.status_changes.order_by("id")] == ["suspended", "active"]


def test_a_member_who_died_in_arrears_is_suspended_from_before_the_death(fund, world):
    from kongtun.claims.services import ClaimInput, claim_preview
    from kongtun.members.services import member_set_status
    from tests.claims.helpers import approved

    approved(fund)
    m = world.members_a[0]
    pay(fund, m.number, "30")  # March 2015 only: over the limit from 1 July
    member_set_status(
        member=m,
        status=MemberStatus.DECEASED,
        effective_date=dt.date(2015, 9, 10),
        reason="ถึงแก่กรรม",
        actor=None,
        today=TODAY,
    )
    # The rule runs after the death was recorded: the suspension still lands on 1 July.
    assert m in arrears_apply_rule(fund=fund, on=dt.date(2015, 10, 1), actor=None, today=TODAY)
    m.refresh_from_db()
    assert m.status == MemberStatus.DECEASED
    assert [(c.status, c.effective_date) for c in m.status_changes.order_by("effective_date")] == [
        (MemberStatus.SUSPENDED, dt.date(2015, 7, 1)),
        (MemberStatus.DECEASED, dt.date(2015, 9, 10)),
    ]
    preview = claim_preview(
        fund=fund,
        data=ClaimInput(m.number, "funeral", dt.date(2015, 9, 10)),
        today=dt.date(2015, 10, 1),
    )
    assert not preview.decision.eligible
    failed = {s.code for s in preview.decision.failed_steps}
    assert {"status", "arrears"} <= failed


@pytest.mark.parametrize("day", [dt.date(2015, 5, 31), dt.date(2015, 6, 1), dt.date(2016, 1, 15)])
def test_the_arrears_page_and_the_claim_check_give_the_same_count(fund, world, client, day):
    from kongtun.claims.services import ClaimInput, claim_preview
    from kongtun.contributions.selectors import arrears_list
    from tests.claims.helpers import approved

    approved(fund)
    m = world.members_a[0]
    pay(fund, m.number, "60")  # March and April 2015
    preview = claim_preview(
        fund=fund, data=ClaimInput(m.number, "hospital", day, nights=1), today=day
    )
    [step] = [s for s in preview.decision.steps if s.code == "arrears"]
    [row] = [r for r in arrears_list(fund=fund, as_of=day) if r["member"] == m]
    assert (
        row["months_unpaid"] == step.params["unpaid"] == member_arrears(m, as_of=day).months_unpaid
    )
    assert row["over_limit"] == (not step.ok) == member_arrears(m, as_of=day).over_limit


def test_the_arrears_page_names_the_regulations_limit(fund, world, client):
    from tests.claims.helpers import approved

    approved(fund)
    client.force_login(world.chair_a)
    pay(fund, world.members_a[0].number, "30")  # March 2015 only: far over the limit today
    page = client.get(f"/f/{fund.pk}/contributions/arrears/").content.decode()
    assert "ข้อ 9" in page and "เกิน 3 เดือน" in page  # the regulation's clause and limit
    assert "เกินกำหนด" in page  # the member over the limit is marked


def test_voiding_keeps_the_number_reverses_the_books_and_frees_the_months(fund, world):
    m = world.members_a[0]
    [receipt] = pay(fund, m.number, "30")
    void = receipt_void(receipt=receipt, reason="รับซ้ำ", actor=None, today=TODAY)
    assert void.voided_at and void.void_entry.reverses == receipt.entry
    assert trial_balance(fund=fund)["total_debit"] == D("0.00")
    [again] = pay(fund, m.number, "30")
    assert again.number == 2  # the voided number is never reused
    assert ContributionPayment.objects.get(receipt=again).period_start == dt.date(2015, 3, 1)
    with pytest.raises(ValidationError):
        receipt_void(receipt=void, reason="x", actor=None, today=TODAY)


def test_receipt_numbers_restart_each_fiscal_year():
    assert fiscal_year_be(dt.date(2024, 9, 30), 10) == 2567
    assert fiscal_year_be(dt.date(2024, 10, 1), 10) == 2568
    assert fiscal_year_be(dt.date(2024, 12, 31), 1) == 2567


@pytest.mark.django_db(transaction=True)
def test_two_treasurers_at_once_never_share_a_receipt_number(books_flushable, world):
    fund = world.fund_a
    monthly = fund.contribution_plans.get(months=1)
    for m in world.members_a:
        plan_assign(member=m, plan=monthly, effective_date=m.join_date)
    errors = []

    def worker(member) -> None:
        try:
            for i in range(6):
                pay(fund, member.number, "30", on=dt.date(2015, 3 + i, 5))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(m,)) for m in world.members_a[:2]]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    numbers = sorted(Receipt.objects.filter(fund=fund).values_list("number", flat=True))
    assert numbers == list(range(1, 13))


def test_the_books_are_written_in_thai_whatever_language_the_treasurer_reads(fund, world):
    from django.utils import translation

    with translation.override("en"):
        [receipt] = pay(fund, world.members_a[0].number, "30")
    assert receipt.entry.description.startswith("ใบเสร็จ")
    assert receipt.items[0]["description"].startswith("เงินสัจจะ")


def test_every_bad_row_is_reported_with_the_row_in_its_params(fund, world):
    """A future date does not hide the rows' problems; each error carries its row, member
    number and field, so a page can put it on its row."""
    items = [
        PaymentInput(world.members_a[0].number, D("-50"), row=1),
        PaymentInput("99-9999", D("30"), row=2),
        PaymentInput(world.members_a[2].number, D("30"), row=3),
    ]
    with pytest.raises(ValidationError) as exc:
        contributions_record(
            fund=fund, items=items, paid_on=TODAY + dt.timedelta(days=1), actor=None, today=TODAY
        )
    assert set(exc.value.message_dict) == {"paid_on", "row1.amount", "row2.member_number"}
    [error] = exc.value.error_dict["row2.member_number"]
    assert error.params["row"] == 2 and error.params["number"] == "99-9999"
    assert error.params["field"] == "member_number"
    assert exc.value.message_dict["row2.member_number"] == [
        "แถวที่ 2: ไม่พบสมาชิกเลขที่ 99-9999 ในกองทุนนี้"
    ]
    assert not Receipt.objects.exists()


def test_checking_a_batch_writes_nothing(fund, world):
    from kongtun.contributions.models import ContributionPolicy
    from kongtun.contributions.services import contributions_check

    ContributionPolicy.objects.filter(fund=fund).delete()
    good = [PaymentInput(world.members_a[0].number, D("30"), row=1)]
    contributions_check(fund=fund, items=good, paid_on=dt.date(2015, 3, 10), today=TODAY)
    with pytest.raises(ValidationError) as exc:
        contributions_check(
            fund=fund,
            items=[*good, PaymentInput("99-9999", None, row=2)],
            paid_on=dt.date(2015, 3, 10),
            today=TODAY,
        )
    assert set(exc.value.message_dict) == {"row2.member_number"}
    assert not Receipt.objects.exists() and not JournalEntry.objects.exists()
    assert not ContributionPolicy.objects.filter(fund=fund).exists()


def test_the_demo_bills_nobody_from_the_day_they_left(world):
    """A member who resigned on a meeting day (the 5th) pays nothing that day: the demo used
    to bill them, and the service refused the whole meeting (make run failed on some dates)."""
    import random

    from kongtun.contributions import demo as contributions_demo
    from kongtun.contributions.models import ContributionPayment
    from kongtun.members.services import member_set_status

    leaver = world.members_a[1]
    first_meeting = leaver.join_date.replace(day=5)  # joined 1 Mar 2015: the fee is due then
    member_set_status(
        member=leaver,
        status="resigned",
        effective_date=first_meeting,
        reason="ย้ายถิ่น",
        actor=None,
    )
    contributions_demo.step(world.fund_a, rng=random.Random(1), today=TODAY)
    assert not ContributionPayment.objects.filter(member=leaver).exists()
    assert ContributionPayment.objects.filter(member=world.members_a[0]).exists()


@pytest.mark.parametrize(
    "day", [dt.date(2015, 3, 31), dt.date(2015, 4, 1), dt.date(2016, 3, 1), dt.date(2016, 9, 1)]
)
def test_the_overview_counts_the_members_the_arrears_page_lists(
    fund, world, client, day, django_assert_max_num_queries
):
    from kongtun.contributions.selectors import arrears_count, arrears_list
    from tests.claims.helpers import approved

    approved(fund)
    m, yearly, _never = world.members_a
    pay(fund, m.number, "30")  # March 2015
    pay(fund, yearly.number, "360")  # March 2015 - February 2016
    listed = arrears_list(fund=fund, as_of=day)
    with django_assert_max_num_queries(5):  # rule, members, payments, changes, plans
        counted = arrears_count(fund=fund, as_of=day)
    assert counted == len(listed)
    if day == dt.date(2016, 3, 1):  # the yearly payer's unpaid year has just begun: 1 month
        [row] = [r for r in listed if r["member"] == yearly]
        assert (row["months_unpaid"], row["over_limit"]) == (1, False)


def test_the_overview_shows_the_count(fund, world, client):
    from kongtun.contributions.selectors import arrears_list

    client.force_login(world.chair_a)
    pay(fund, world.members_a[0].number, "30")
    page = client.get(f"/f/{fund.pk}/contributions/").content.decode()
    from django.utils import timezone

    n = len(arrears_list(fund=fund, as_of=timezone.localdate()))
    assert n > 0
    assert (
        f'<span class="num">{n}</span><span><a href="/f/{fund.pk}/contributions/arrears/"' in page
    )

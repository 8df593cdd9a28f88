"""Claims: the engine's decision at filing, bad input refused, approvals by several committee
members, payment through the books with a gap-free voucher, death benefits split by shares."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from kongtun.claims.models import Claim, ClaimApproval, ClaimStatus, Payout
from kongtun.claims.selectors import member_caps
from kongtun.claims.services import (
    ClaimInput,
    claim_pay,
    claim_preview,
    claim_redecide,
    claim_review,
    evidence_missing,
    policy_update,
    split_by_shares,
)
from kongtun.funds.models import Role
from kongtun.funds.services import role_grant
from kongtun.ledger.models import JournalEntry, SourceType
from kongtun.members.models import Beneficiary, MemberStatus
from kongtun.members.services import member_set_status
from tests.claims.helpers import (
    approve_by,
    approved,
    committee,
    file_claim,
    hospital,
    opening_money,
    paid_up,
    set_amount,
    with_paper,
)
from tests.conftest import TODAY

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture(autouse=True)
def english():
    """Service messages are asserted in English (pages are tested in Thai)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def fund(world):
    """Fund A under the Banthi demo regulation; its members joined 1 Mar 2015 and are paid up."""
    approved(world.fund_a)
    for m in world.members_a:
        paid_up(m)
    opening_money(world.fund_a)
    return world.fund_a


@pytest.fixture
def deciders(world, make_user):
    return committee(world, make_user)


def approved_claim(fund, world, deciders, data=None):
    claim = file_claim(fund, data or hospital(world.members_a[0]), actor=world.chair_a)
    with_paper(claim)
    return approve_by(claim, deciders[:2])


# --- the decision at filing ---------------------------------------------------------------------


def test_filing_stores_the_engines_decision_with_version_and_clauses(fund, world):
    # ข้อ 11 "ได้รับคืนละ 100 บาท": 3 nights → 300 baht.
    claim = file_claim(fund, hospital(world.members_a[0], nights=3), actor=world.chair_a)
    assert claim.eligible and claim.amount_computed == D("300.00")
    assert claim.status == ClaimStatus.SUBMITTED
    assert claim.regulation_version.number == 1
    assert "11" in claim.clauses and "12(1)" in claim.clauses
    assert [s["code"] for s in claim.trace][:2] == ["event_date", "after_join"]
    assert claim.display_number.startswith("2569/")


def test_claim_is_decided_under_the_version_in_force_on_the_event_date(world):
    fund = world.fund_a
    approved(fund, change=set_amount("hospital", "80"))  # founding version: 80 a night
    approved(fund, effective=dt.date(2018, 4, 1))  # amendment from 1 Apr 2018: 100 a night
    paid_up(world.members_a[0])
    m = world.members_a[0]
    before = claim_preview(fund=fund, data=hospital(m, on=dt.date(2018, 3, 31)), today=TODAY)
    on_day = claim_preview(fund=fund, data=hospital(m, on=dt.date(2018, 4, 1)), today=TODAY)
    assert (before.version.number, before.decision.amount) == (1, D("240.00"))
    assert (on_day.version.number, on_day.decision.amount) == (2, D("300.00"))


def test_no_regulation_in_force_refuses_the_claim(world):
    approved(world.fund_a, effective=dt.date(2020, 1, 1))
    with pytest.raises(ValidationError) as exc:
        claim_preview(
            fund=world.fund_a,
            data=hospital(world.members_a[0], on=dt.date(2019, 12, 31)),
            today=TODAY,
        )
    assert "event_date" in exc.value.message_dict


# --- bad input: refused, nothing written --------------------------------------------------------


@pytest.mark.parametrize(
    "change, field",
    [
        ({"event_date": TODAY + dt.timedelta(days=1)}, "event_date"),  # in the future
        ({"event_date": dt.date(2015, 2, 28)}, "event_date"),  # before joining on 1 Mar 2015
        ({"nights": None}, "nights"),  # a stay without its nights
        ({"nights": 0}, "nights"),
        ({"nights": D("2.5")}, "nights"),  # not a whole number
        ({"nights": 2.5}, "nights"),
        ({"relative": "spouse"}, "relative"),  # ข้อ 11 pays the member only
        ({"benefit": "no_such"}, "benefit"),
        ({"member_number": "99-9999"}, "member_number"),
    ],
)
def test_bad_input_is_refused_with_the_field_and_nothing_is_saved(fund, world, change, field):
    data = ClaimInput(**{**hospital(world.members_a[0]).__dict__, **change})
    with pytest.raises(ValidationError) as exc:
        file_claim(fund, data, actor=world.chair_a)
    assert field in exc.value.message_dict
    assert Claim.objects.count() == 0


def test_an_event_after_the_members_death_is_refused(fund, world):
    m = world.members_a[0]
    member_set_status(
        member=m,
        status=MemberStatus.DECEASED,
        effective_date=dt.date(2024, 3, 1),
        reason="ถึงแก่กรรม",
        actor=None,
        today=TODAY,
    )
    with pytest.raises(ValidationError) as exc:
        file_claim(fund, hospital(m, on=dt.date(2024, 3, 2)))
    assert "event_date" in exc.value.message_dict
    # the day of death itself is fine ("nothing after the member's death")
    assert file_claim(fund, hospital(m, on=dt.date(2024, 3, 1))).eligible


def test_a_funeral_for_a_living_member_is_refused(fund, world):
    with pytest.raises(ValidationError) as exc:
        file_claim(fund, ClaimInput(world.members_a[0].number, "funeral", dt.date(2024, 3, 1)))
    assert "event_date" in exc.value.message_dict


def test_a_claim_the_regulation_does_not_allow_is_filed_as_not_eligible_and_only_rejected(
    world, deciders
):
    fund = world.fund_a
    approved(fund)
    m = world.members_a[0]  # never paid: ข้อ 9 "ค้างส่งเงินสัจจะเกิน 3 เดือน ให้งดรับสวัสดิการ"
    claim = with_paper(file_claim(fund, hospital(m)))
    assert not claim.eligible and claim.amount_computed == 0
    assert any(s["code"] == "arrears" and not s["ok"] for s in claim.trace)
    with pytest.raises(ValidationError):
        claim_review(claim=claim, actor=deciders[0], action="approve")
    claim = claim_review(claim=claim, actor=deciders[0], action="reject", reason="ค้างส่งเงินสัจจะ")
    assert claim.status == ClaimStatus.REJECTED


# --- evidence the regulation asks for -----------------------------------------------------------


def test_missing_evidence_blocks_approval_with_its_name(fund, world, deciders):
    claim = file_claim(fund, hospital(world.members_a[0]))
    assert [e.code for e in evidence_missing(claim)] == ["hospital_certificate"]
    with pytest.raises(ValidationError) as exc:
        claim_review(claim=claim, actor=deciders[0], action="approve")
    assert "Hospital certificate or doctor's note" in str(exc.value)
    assert ClaimApproval.objects.count() == 0
    with_paper(claim)
    claim_review(claim=claim, actor=deciders[0], action="approve")
    assert ClaimApproval.objects.count() == 1


# --- approvals ----------------------------------------------------------------------------------


def test_two_distinct_committee_members_approve(fund, world, deciders):
    claim = with_paper(file_claim(fund, hospital(world.members_a[0]), actor=world.chair_a))
    claim = claim_review(claim=claim, actor=deciders[0], action="approve")
    assert claim.status == ClaimStatus.SUBMITTED
    with pytest.raises(ValidationError, match="already approved"):
        claim_review(claim=claim, actor=deciders[0], action="approve")
    claim = claim_review(claim=claim, actor=deciders[1], action="approve")
    assert claim.status == ClaimStatus.APPROVED and claim.amount_approved == D("300.00")
    with pytest.raises(ValidationError):  # approving an approved claim again
        claim_review(claim=claim, actor=deciders[2], action="approve")
    assert ClaimApproval.objects.filter(claim=claim).count() == 2


def test_the_filer_and_the_member_never_approve(fund, world, deciders, make_user):
    m = world.members_a[0]
    claim = with_paper(file_claim(fund, hospital(m), actor=deciders[0]))
    with pytest.raises(ValidationError, match="others must decide"):
        claim_review(claim=claim, actor=deciders[0], action="approve")
    # a committee member who is also this member (their own login)
    own = make_user("treasurer_and_member")
    role_grant(fund=fund, user=own, role=Role.TREASURER, actor=None)
    role_grant(fund=fund, user=own, role=Role.MEMBER, actor=None, member_id=m.pk)
    with pytest.raises(ValidationError, match="others must decide"):
        claim_review(claim=claim, actor=own, action="approve")
    # the member's plain login has no say at all; neither has the auditor
    with pytest.raises(ValidationError):
        claim_review(claim=claim, actor=world.member_login_a, action="approve")
    auditor = make_user("auditor")
    role_grant(fund=fund, user=auditor, role=Role.AUDITOR, actor=None)
    with pytest.raises(ValidationError):
        claim_review(claim=claim, actor=auditor, action="approve")
    assert not ClaimApproval.objects.exists()


def test_the_number_of_approvals_is_configurable(fund, world, deciders):
    policy_update(fund=fund, approvals_required=3)
    claim = with_paper(file_claim(fund, hospital(world.members_a[0]), actor=world.chair_a))
    claim = approve_by(claim, deciders[:2])
    assert claim.status == ClaimStatus.SUBMITTED
    claim = approve_by(claim, deciders[2:3])
    assert claim.status == ClaimStatus.APPROVED
    with pytest.raises(ValidationError):
        policy_update(fund=fund, approvals_required=0)


def test_reject_and_more_evidence_need_a_reason(fund, world, deciders):
    claim = file_claim(fund, hospital(world.members_a[0]))
    for action in ("reject", "more_evidence"):
        with pytest.raises(ValidationError) as exc:
            claim_review(claim=claim, actor=deciders[0], action=action, reason="  ")
        assert "reason" in exc.value.message_dict
    claim = claim_review(
        claim=claim, actor=deciders[0], action="more_evidence", reason="ขอใบรับรองแพทย์"
    )
    assert claim.status == ClaimStatus.MORE_EVIDENCE
    with pytest.raises(ValidationError):  # nothing to approve until it comes back
        claim_review(claim=claim, actor=deciders[1], action="approve")


def test_more_evidence_then_a_new_round_where_earlier_approvals_do_not_count(fund, world, deciders):
    claim = with_paper(file_claim(fund, hospital(world.members_a[0], nights=3)))
    claim = claim_review(claim=claim, actor=deciders[0], action="approve")
    claim = claim_review(claim=claim, actor=deciders[1], action="more_evidence", reason="จำนวนคืน?")
    # the filer corrects the nights and sends it back: decided again, round 2
    data = ClaimInput(**{**hospital(world.members_a[0], nights=5).__dict__})
    claim = claim_redecide(claim=claim, actor=None, data=data, today=TODAY)
    assert (claim.status, claim.round, claim.amount_computed) == (
        ClaimStatus.SUBMITTED,
        2,
        D("500.00"),
    )
    claim = claim_review(claim=claim, actor=deciders[1], action="approve")
    assert claim.status == ClaimStatus.SUBMITTED  # deciders[0]'s approval was in round 1
    claim = claim_review(claim=claim, actor=deciders[0], action="approve")
    assert claim.status == ClaimStatus.APPROVED and claim.amount_approved == D("500.00")


def test_pay_less_only_with_a_reason_never_more(fund, world, deciders):
    claim = with_paper(file_claim(fund, hospital(world.members_a[0], nights=3)))
    with pytest.raises(ValidationError) as exc:
        claim_review(claim=claim, actor=deciders[0], action="approve", amount=D("301"))
    assert "amount" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        claim_review(claim=claim, actor=deciders[0], action="approve", amount=D("200"))
    assert "reason" in exc.value.message_dict
    claim = claim_review(
        claim=claim, actor=deciders[0], action="approve", amount=D("200"), reason="มีใบรับรอง 2 คืน"
    )
    claim = claim_review(claim=claim, actor=deciders[1], action="approve")
    assert claim.status == ClaimStatus.APPROVED
    assert (claim.amount_approved, claim.reduction_reason) == (D("200.00"), "มีใบรับรอง 2 คืน")
    # the database refuses more than computed, or less without a reason, whatever the path
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(pk=claim.pk).update(amount_approved=D("300.01"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(pk=claim.pk).update(reduction_reason="")


def test_caps_are_checked_again_when_the_last_approval_comes(fund, world, deciders):
    # ข้อ 12(2) "จ่ายไม่เกินปีละ 1,500 บาท": two stays of 7 nights filed before either is approved
    m = world.members_a[0]
    first = with_paper(file_claim(fund, hospital(m, on=dt.date(2024, 2, 1), nights=7)))
    second = with_paper(file_claim(fund, hospital(m, on=dt.date(2024, 3, 1), nights=7)))
    third = with_paper(file_claim(fund, hospital(m, on=dt.date(2024, 4, 1), nights=7)))
    assert (first.amount_computed, second.amount_computed, third.amount_computed) == (D(700),) * 3
    approve_by(first, deciders[:2])
    approve_by(second, deciders[:2])
    claim_review(claim=third, actor=deciders[0], action="approve")
    with pytest.raises(ValidationError, match=r"100\.00"):
        claim_review(claim=third, actor=deciders[1], action="approve")
    third = claim_redecide(claim=third, actor=None, today=TODAY)
    assert third.amount_computed == D("100.00")  # 1,500 − 700 − 700


# --- payout -------------------------------------------------------------------------------------


def test_payout_posts_the_benefit_expense_and_a_gap_free_voucher(fund, world, deciders):
    payouts = []
    for i, m in enumerate(world.members_a):
        claim = approved_claim(fund, world, deciders, hospital(m, nights=i + 1))
        payouts.append(claim_pay(claim=claim, actor=world.treasurer_a, paid_on=TODAY, today=TODAY))
    assert [p.number for p in payouts] == [1, 2, 3]
    assert {p.fiscal_year for p in payouts} == {2569}
    p = payouts[1]
    entry = JournalEntry.objects.get(pk=p.entry_id)
    assert (entry.source_type, entry.source_ref) == (SourceType.CLAIM, "2569/00002")
    lines = {
        (line.account.role, line.amount_satang) for line in entry.lines.select_related("account")
    }
    assert lines == {("benefit:hospital", 20000), ("cash", -20000)}
    claim = Claim.objects.get(pk=p.claim_id)
    assert claim.status == ClaimStatus.PAID
    with pytest.raises(ValidationError, match="already been paid"):
        claim_pay(claim=claim, actor=world.treasurer_a, paid_on=TODAY, today=TODAY)
    assert Payout.objects.count() == 3


def test_paying_from_the_bank_less_than_approved_needs_a_reason(fund, world, deciders):
    claim = approved_claim(fund, world, deciders)
    kw = dict(claim=claim, actor=None, paid_on=TODAY, source="bank", today=TODAY)
    with pytest.raises(ValidationError) as exc:
        claim_pay(**kw, amount=D("300.01"))
    assert "amount" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        claim_pay(**kw, amount=D("250"))
    assert "note" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        claim_pay(**{**kw, "paid_on": TODAY + dt.timedelta(days=1)})
    assert "paid_on" in exc.value.message_dict
    payout = claim_pay(**kw, amount=D("250"), note="หักเงินยืม")
    lines = {
        (x.account.role, x.amount_satang) for x in payout.entry.lines.select_related("account")
    }
    assert lines == {("benefit:hospital", 25000), ("bank", -25000)}


def test_an_unapproved_claim_is_not_paid(fund, world):
    claim = file_claim(fund, hospital(world.members_a[0]))
    with pytest.raises(ValidationError, match="approved"):
        claim_pay(claim=claim, actor=None, paid_on=TODAY, today=TODAY)
    assert not JournalEntry.objects.filter(source_type=SourceType.CLAIM).exists()


@pytest.mark.parametrize(
    "total, shares, expected",
    [
        ("20000", ["50", "30", "20"], ["10000.00", "6000.00", "4000.00"]),
        ("10000", ["33.33", "33.33", "33.34"], ["3333.00", "3333.00", "3334.00"]),
        ("100", ["1", "1", "1"], ["33.34", "33.33", "33.33"]),
        ("0.05", ["1", "1", "1"], ["0.02", "0.02", "0.01"]),
        ("1000.01", ["70", "30"], ["700.01", "300.00"]),
    ],
)
def test_shares_split_to_the_satang_by_largest_remainder(total, shares, expected):
    parts = split_by_shares(D(total), [D(s) for s in shares])
    assert parts == [D(e) for e in expected]
    assert sum(parts) == D(total)


def test_death_benefit_pays_the_named_beneficiaries_by_their_shares(fund, world, deciders):
    m = world.members_a[0]  # joined 1 Mar 2015
    Beneficiary.objects.filter(member=m).update(replaced_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    for i, (name, share) in enumerate([("ก", "33.33"), ("ข", "33.33"), ("ค", "33.34")]):
        Beneficiary.objects.create(
            member=m, name=name, relationship="บุตร", share_percent=D(share), position=i
        )
    member_set_status(
        member=m,
        status=MemberStatus.DECEASED,
        effective_date=dt.date(2024, 6, 1),
        reason="ถึงแก่กรรม",
        actor=None,
        today=TODAY,
    )
    # ข้อ 16(4) "เป็นสมาชิก 5 ปี 1 วัน ขึ้นไป จำนวน 20,000 บาท": 1 Mar 2015 → 1 Jun 2024
    claim = approved_claim(
        fund, world, deciders, ClaimInput(m.number, "funeral", dt.date(2024, 6, 1))
    )
    assert claim.amount_approved == D("20000.00")
    payout = claim_pay(claim=claim, actor=None, paid_on=TODAY, source="bank", today=TODAY)
    assert [(p["name"], p["amount"]) for p in payout.paid_to] == [
        ("ก", "6666.00"),
        ("ข", "6666.00"),
        ("ค", "6668.00"),
    ]
    assert sum(D(p["amount"]) for p in payout.paid_to) == payout.amount
    lines = {
        (x.account.role, x.amount_satang) for x in payout.entry.lines.select_related("account")
    }
    assert lines == {("benefit:death", 2000000), ("bank", -2000000)}


def test_a_relatives_death_is_paid_to_the_member(fund, world, deciders):
    m = world.members_a[0]
    # ข้อ 17 "คู่สมรส ... เสียชีวิต สมาชิกได้รับกึ่งหนึ่งของอัตราตามข้อ 16" = 10,000
    data = ClaimInput(m.number, "funeral", dt.date(2024, 6, 1), relative="spouse")
    claim = approved_claim(fund, world, deciders, data)
    payout = claim_pay(claim=claim, actor=None, paid_on=TODAY, today=TODAY)
    assert [(p["name"], p["amount"]) for p in payout.paid_to] == [(m.full_name, "10000.00")]


def test_member_caps_show_what_remains_this_year(fund, world, deciders):
    m = world.members_a[0]
    claim = approved_claim(fund, world, deciders, hospital(m, on=dt.date(2026, 3, 1), nights=4))
    claim_pay(claim=claim, actor=None, paid_on=TODAY, today=TODAY)
    version, rows = member_caps(m, on=TODAY)
    assert version.number == 1
    by_clause = {r.clause: r for r in rows}
    assert (by_clause["12(2)"].used, by_clause["12(2)"].remaining) == (D("400.00"), D("1100.00"))
    assert by_clause["14"].remaining == D("1200.00")  # hospital + outpatient together 1,600
    assert by_clause["10"].remaining == 3  # births: at most 3 children in a lifetime


def test_with_a_committee_record_only_those_in_office_that_day_may_approve(fund, world, make_user):
    """Issue 5: the app knows who was on the committee on any date and uses it for approvals."""
    from kongtun.claims.services import can_decide
    from kongtun.governance.services import term_appoint
    from tests.governance.test_governance import assembly, resolve

    seated, retired, auditor = make_user("seated"), make_user("retired"), make_user("auditor_x")
    for user in (seated, retired, auditor):
        role_grant(fund=fund, user=user, role=Role.COMMITTEE, actor=None)
    assert can_decide(retired, fund)  # no committee record yet: roles decide
    appointed = resolve(assembly(fund, dt.date(2020, 1, 1), present=fund.members.count()))
    term_appoint(
        fund=fund,
        position="committee",
        start_date=dt.date(2020, 1, 1),
        resolution=appointed,
        person_name="ที่นั่งอยู่",
        user=seated,
        grant_role=False,
        actor=None,
    )
    term_appoint(
        fund=fund,
        position="auditor",
        start_date=dt.date(2020, 1, 1),
        resolution=appointed,
        person_name="ผู้ตรวจสอบ",
        user=auditor,
        grant_role=False,
        actor=None,
    )
    today = dt.date(2026, 11, 25)
    assert can_decide(seated, fund, today)
    assert not can_decide(retired, fund, today)  # holds a role, but no seat
    assert not can_decide(auditor, fund, today)  # auditors check, they do not decide
    assert not can_decide(seated, fund, dt.date(2019, 6, 1))  # before the term began

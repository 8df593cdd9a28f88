"""A payment made in error is cancelled, never deleted: the voucher keeps its number and says
it is cancelled, a reversing entry is posted, the claim can be paid again, and the books and
the member's caps agree with the claim."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from kongtun.claims.models import Claim, ClaimStatus, Payout
from kongtun.claims.services import claim_pay, payout_void
from kongtun.ledger.models import JournalEntry
from kongtun.ledger.seal import verify
from kongtun.ledger.selectors import account_sums
from kongtun.ledger.services import account_for
from kongtun.regulations.history import member_history
from tests.claims.helpers import (
    approve_by,
    approved,
    committee,
    file_claim,
    hospital,
    opening_money,
    paid_up,
    with_paper,
)
from tests.conftest import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid(world, make_user):
    """A 3-night hospital claim of a paid-up member, approved by two and paid: 300.00."""
    approved(world.fund_a)
    paid_up(world.members_a[0])
    opening_money(world.fund_a)
    claim = with_paper(file_claim(world.fund_a, hospital(world.members_a[0], nights=3)))
    claim = approve_by(claim, committee(world, make_user)[:2])
    return claim_pay(claim=claim, actor=world.treasurer_a, paid_on=TODAY, today=TODAY)


def benefit_satang(fund) -> int:
    return account_sums(fund=fund).get(account_for(fund, "benefit:hospital").pk, 0)


def test_cancelling_reverses_the_entry_and_the_claim_can_be_paid_again(paid, world):
    fund = world.fund_a
    assert benefit_satang(fund) == 30000
    voided = payout_void(payout=paid, reason="จ่ายผิดคน", actor=world.treasurer_a, today=TODAY)
    assert voided.is_void and voided.void_reason == "จ่ายผิดคน"
    reversal = JournalEntry.objects.get(pk=voided.void_entry_id)
    assert reversal.reverses_id == paid.entry_id
    assert "2569/00001" in reversal.description and "จ่ายผิดคน" in reversal.description
    assert benefit_satang(fund) == 0  # the books no longer show the benefit paid
    claim = Claim.objects.get(pk=paid.claim_id)
    assert claim.status == ClaimStatus.APPROVED and claim.payout is None

    again = claim_pay(claim=claim, actor=world.treasurer_a, paid_on=TODAY, today=TODAY)
    assert (again.number, paid.number) == (2, 1)  # a new voucher; the old number stays
    assert Claim.objects.get(pk=claim.pk).payout == again
    assert benefit_satang(fund) == 30000
    assert verify(fund).ok
    # The member's caps count the claim once, at the amount that stands.
    history = member_history(claim.member, on=TODAY)
    assert [c.amount for c in history.claims] == [Decimal("300.00")]


def test_a_reason_is_needed_and_a_cancelled_payment_stays_cancelled(paid, world):
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        payout_void(payout=paid, reason="  ", actor=world.treasurer_a, today=TODAY)
    assert exc.value.message_dict == {"reason": ["Please give the reason."]}
    paid.refresh_from_db()
    assert not paid.is_void and JournalEntry.objects.filter(reverses=paid.entry).count() == 0

    payout_void(payout=paid, reason="คืนเงิน", actor=world.treasurer_a, today=TODAY)
    with translation.override("en"), pytest.raises(ValidationError, match="already cancelled"):
        payout_void(payout=paid, reason="อีกครั้ง", actor=world.treasurer_a, today=TODAY)
    assert JournalEntry.objects.filter(reverses=paid.entry).count() == 1


def test_the_treasurer_cancels_from_the_claim_page(paid, world, client):
    fund = world.fund_a
    url = f"/f/{fund.pk}/claims/{paid.claim_id}/"
    client.force_login(world.chair_a)  # decides claims but does not record money
    assert client.post(url + "pay/cancel/", {"reason": "ผิด"}).status_code == 403

    client.force_login(world.treasurer_a)
    assert "ยกเลิกการจ่ายเงินนี้" in client.get(url).content.decode()
    empty = client.post(url + "pay/cancel/", {"reason": ""})
    assert empty.status_code == 400 and not Payout.objects.get(pk=paid.pk).is_void
    response = client.post(url + "pay/cancel/", {"reason": "จ่ายผิดจำนวน"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "การจ่ายเงินที่ยกเลิกแล้ว" in page and "จ่ายผิดจำนวน" in page
    voucher = client.get(url + "voucher/", {"payout": paid.pk}).content.decode()
    assert "ยกเลิก" in voucher and paid.display_number in voucher
    assert client.get(url + "voucher/").status_code == 404  # nothing stands now


def test_the_journal_refuses_to_reverse_a_payment_behind_the_claim(paid, world, client):
    client.force_login(world.treasurer_a)
    entries = JournalEntry.objects.count()
    url = f"/f/{world.fund_a.pk}/books/journal/{paid.entry_id}/"
    page = client.get(url).content.decode()
    assert "ยกเลิกการจ่ายเงินในหน้าคำขอ" in page
    response = client.post(url + "reverse/", {"date": "25/11/2569", "reason": "ผิด"})
    assert response.status_code == 302 and JournalEntry.objects.count() == entries
    assert Claim.objects.get(pk=paid.claim_id).status == ClaimStatus.PAID

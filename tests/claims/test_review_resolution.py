"""A committee member's review of a claim cites the resolution of the meeting that decided
it: the claim page shows it next to the review, linked to the meeting; only the fund's own
resolutions of a meeting already held can be cited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from kongtun.claims.models import ClaimApproval, ClaimStatus
from kongtun.claims.services import claim_review
from kongtun.governance.models import Meeting, Resolution
from tests.claims.helpers import approved, committee, file_claim, hospital, paid_up, with_paper
from tests.governance.helpers import meeting_url, recorded_resolution

pytestmark = pytest.mark.django_db
CLAIMS = Resolution.Topic.CLAIMS


@pytest.fixture
def claim(world):
    approved(world.fund_a)
    for m in world.members_a:
        paid_up(m)
    today = timezone.localdate()
    return with_paper(
        file_claim(
            world.fund_a,
            hospital(world.members_a[0], on=today - dt.timedelta(days=20), nights=3),
            actor=world.chair_a,
            today=today,
        )
    )


@pytest.fixture
def deciders(world, make_user):
    return committee(world, make_user)


def url(claim, *parts) -> str:
    return f"/f/{claim.fund_id}/claims/{claim.pk}/" + "".join(f"{p}/" for p in parts)


def test_a_review_citing_the_meetings_resolution_is_shown_on_the_claim_page(
    world, client, claim, deciders
):
    day = timezone.localdate() - dt.timedelta(days=5)
    general = recorded_resolution(world.fund_a, day, "รับรองรายงานการเงิน")
    approving = recorded_resolution(world.fund_a, day, "อนุมัติจ่ายสวัสดิการ", topic=CLAIMS)
    client.force_login(deciders[0])
    page = client.get(url(claim)).content.decode()
    # resolutions on claims first (in their own group), the others after
    assert page.index("อนุมัติจ่ายสวัสดิการ") < page.index("รับรองรายงานการเงิน")
    assert "มติเรื่องการขอรับสวัสดิการ" in page
    for user in deciders[:2]:
        client.force_login(user)
        response = client.post(
            url(claim, "review"), {"action": "approve", "resolution": approving.pk}
        )
        assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED
    assert {r.resolution for r in claim.reviews.all()} == {approving}
    assert general.claim_reviews.count() == 0

    page = client.get(url(claim)).content.decode()
    assert f'href="{meeting_url(approving)}"' in page
    assert f"มติที่ {approving.display_number}" in page and "อนุมัติจ่ายสวัสดิการ" in page
    # the member reads the citation on their own claim, without a link to committee pages
    client.force_login(world.member_login_a)
    page = client.get(url(claim)).content.decode()
    assert f"มติที่ {approving.display_number}" in page
    assert meeting_url(approving) not in page


def test_a_review_without_a_resolution_still_works(world, client, claim, deciders):
    recorded_resolution(world.fund_a, timezone.localdate() - dt.timedelta(days=5), "มติ")
    client.force_login(deciders[0])
    assert client.post(url(claim, "review"), {"action": "approve"}).status_code == 302
    assert ClaimApproval.objects.get().resolution is None


def test_another_funds_resolution_is_refused_by_the_service_and_the_page(
    world, client, claim, deciders
):
    day = timezone.localdate() - dt.timedelta(days=5)
    recorded_resolution(world.fund_a, day, "ของกองทุนเอ", topic=CLAIMS)
    theirs = recorded_resolution(world.fund_b, day, "ของกองทุนบี", topic=CLAIMS)
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        claim_review(claim=claim, actor=deciders[0], action="approve", resolution=theirs)
    assert exc.value.message_dict == {"resolution": ["Choose one of this fund's resolutions."]}
    assert not ClaimApproval.objects.exists()

    client.force_login(deciders[0])
    assert "ของกองทุนบี" not in client.get(url(claim)).content.decode()
    response = client.post(url(claim, "review"), {"action": "approve", "resolution": theirs.pk})
    assert response.status_code == 400
    assert "เลือกมติของกองทุนนี้" in response.content.decode()
    assert not ClaimApproval.objects.exists()


def test_a_resolution_of_a_meeting_after_today_is_refused(world, client, claim, deciders):
    day = timezone.localdate() - dt.timedelta(days=5)
    r = recorded_resolution(world.fund_a, day, "อนุมัติจ่ายสวัสดิการ", topic=CLAIMS)
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        claim_review(
            claim=claim,
            actor=deciders[0],
            action="reject",
            reason="x",
            resolution=r,
            today=day - dt.timedelta(days=1),
        )
    assert list(exc.value.message_dict) == ["resolution"]
    assert "after today" in exc.value.message_dict["resolution"][0]
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED and not ClaimApproval.objects.exists()

    Meeting.objects.filter(pk=r.meeting_id).update(date=timezone.localdate() + dt.timedelta(30))
    recorded_resolution(world.fund_a, day, "มติที่ประชุมที่ผ่านมาแล้ว")
    client.force_login(deciders[0])
    response = client.post(url(claim, "review"), {"action": "approve", "resolution": r.pk})
    assert response.status_code == 400 and not ClaimApproval.objects.exists()


def test_a_rejection_cites_the_resolution_too(world, claim, deciders):
    r = recorded_resolution(world.fund_a, timezone.localdate() - dt.timedelta(days=5), "ไม่อนุมัติ")
    claim = claim_review(
        claim=claim, actor=deciders[0], action="reject", reason="ไม่ตรงตามระเบียบ", resolution=r
    )
    assert claim.status == ClaimStatus.REJECTED
    assert ClaimApproval.objects.get().resolution == r


def test_a_resolution_of_a_meeting_before_the_event_is_not_offered_nor_taken(
    world, client, claim, deciders
):
    """A meeting held before the event claimed for cannot have decided the claim: the page
    does not offer its resolutions and the service refuses one sent anyway. One held after
    the event but before the claim was typed in can be cited (paper claims entered later)."""
    before = recorded_resolution(
        world.fund_a, claim.event_date - dt.timedelta(days=3), "มติเดือนก่อน", topic=CLAIMS
    )
    after = recorded_resolution(
        world.fund_a, claim.event_date + dt.timedelta(days=2), "อนุมัติจ่ายสวัสดิการ", topic=CLAIMS
    )
    assert after.meeting.date < claim.filed_on
    client.force_login(deciders[0])
    page = client.get(url(claim)).content.decode()
    assert f'value="{after.pk}"' in page and f'value="{before.pk}"' not in page
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        claim_review(claim=claim, actor=deciders[0], action="approve", resolution=before, reason="")
    assert "before the event claimed for" in exc.value.message_dict["resolution"][0]
    assert not ClaimApproval.objects.exists()
    claim_review(claim=claim, actor=deciders[0], action="approve", resolution=after, reason="")
    assert ClaimApproval.objects.count() == 1

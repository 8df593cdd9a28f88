"""A claim filed after the regulation's deadline ("ยื่นคำขอภายใน 90 วันนับแต่วันเกิดเหตุ",
issue 14) is refused; the committee may accept it by resolution, recorded on the claim page:
the claim is decided again, eligible, and its trace names the resolution."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from kongtun.claims.models import ClaimStatus
from kongtun.claims.services import claim_deadline_exception, claim_redecide, trace_lines
from kongtun.governance.models import Meeting, Resolution
from tests.claims.helpers import approved, committee, file_claim, hospital, paid_up
from tests.governance.helpers import recorded_resolution

pytestmark = pytest.mark.django_db
D = Decimal
EVENT = dt.date(2024, 5, 1)
FORM = "บันทึกการผ่อนผันกำหนดเวลายื่นคำขอตามมติคณะกรรมการ"


def _deadline_90(data):
    data["clauses"].append({"number": "90", "text_th": "ยื่นคำขอภายใน 90 วันนับแต่วันเกิดเหตุ"})
    data["membership"]["filing_deadline"] = {"days": "90", "clause": "90"}


@pytest.fixture
def fund(world):
    approved(world.fund_a, change=_deadline_90)
    for m in world.members_a:
        paid_up(m)
    return world.fund_a


@pytest.fixture
def late(fund, world):
    """In hospital 1 May 2567, filed 31 Jul 2567: one day after the 90th day."""
    return file_claim(fund, hospital(world.members_a[0], on=EVENT), today=dt.date(2024, 7, 31))


@pytest.fixture
def resolution(world):
    day = timezone.localdate() - dt.timedelta(days=5)
    return recorded_resolution(
        world.fund_a, day, "ผ่อนผันกำหนดเวลายื่นคำขอ", topic=Resolution.Topic.CLAIMS
    )


def url(claim, *parts) -> str:
    return f"/f/{claim.fund_id}/claims/{claim.pk}/" + "".join(f"{p}/" for p in parts)


def _deadline_step(claim):
    return next(s for s in claim.trace if s["code"] == "filing_deadline")


def test_the_committee_accepts_a_late_claim_by_resolution(world, client, late, resolution):
    assert not late.eligible and late.amount_computed == D("0.00")
    assert _deadline_step(late)["params"]["passed_on"] == "2024-07-31"
    client.force_login(world.chair_a)
    page = client.get(url(late)).content.decode()
    assert FORM in page
    assert "ผ่อนผันกำหนดเวลายื่นคำขอ" in page  # the resolution can be chosen

    response = client.post(url(late, "deadline-exception"), {"resolution": resolution.pk})
    assert response.status_code == 302
    late.refresh_from_db()
    assert late.eligible and late.amount_computed == D("300.00")
    assert late.status == ClaimStatus.SUBMITTED and late.round == 2
    step = _deadline_step(late)
    assert step["ok"] and step["params"]["exception"] is True
    assert resolution.display_number in step["params"]["resolution"]
    with translation.override("th"):
        text = " ".join(line for line, _ok in trace_lines(late))
    assert f"มติที่ {resolution.display_number}" in text
    # the page no longer offers the form, and deciding again keeps the exception
    assert FORM not in client.get(url(late)).content.decode()
    again = claim_redecide(claim=late, actor=None)
    assert again.eligible and _deadline_step(again)["params"]["exception"] is True


def test_a_rejected_late_claim_goes_back_to_the_committee(world, late, resolution, make_user):
    from kongtun.claims.services import claim_review

    decider = committee(world, make_user, n=1)[0]
    late = claim_review(claim=late, actor=decider, action="reject", reason="ยื่นเกินกำหนด")
    assert late.status == ClaimStatus.REJECTED
    late = claim_deadline_exception(claim=late, resolution=resolution, actor=decider)
    assert late.status == ClaimStatus.SUBMITTED and late.eligible


def test_another_funds_or_a_later_meetings_resolution_is_refused(world, client, late, resolution):
    theirs = recorded_resolution(world.fund_b, resolution.meeting.date, "ของกองทุนบี")
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        claim_deadline_exception(claim=late, resolution=theirs, actor=world.chair_a)
    assert exc.value.message_dict == {"resolution": ["Choose one of this fund's resolutions."]}
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        claim_deadline_exception(
            claim=late,
            resolution=resolution,
            actor=world.chair_a,
            today=resolution.meeting.date - dt.timedelta(days=1),
        )
    assert list(exc.value.message_dict) == ["resolution"]
    assert "after today" in exc.value.message_dict["resolution"][0]

    Meeting.objects.filter(pk=resolution.meeting_id).update(
        date=timezone.localdate() + dt.timedelta(days=30)
    )
    client.force_login(world.chair_a)
    for r in (theirs, resolution):
        response = client.post(url(late, "deadline-exception"), {"resolution": r.pk})
        assert response.status_code == 400
        assert "เลือกมติของกองทุนนี้" in response.content.decode()
    late.refresh_from_db()
    assert not late.eligible and late.round == 1


def test_a_claim_not_refused_at_the_deadline_cannot_get_an_exception(
    world, client, fund, resolution
):
    in_time = file_claim(fund, hospital(world.members_a[0], on=EVENT), today=dt.date(2024, 7, 30))
    assert in_time.eligible
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        claim_deadline_exception(claim=in_time, resolution=resolution, actor=world.chair_a)
    assert list(exc.value.message_dict) == ["resolution"]
    assert "filed late" in exc.value.message_dict["resolution"][0]
    client.force_login(world.chair_a)
    assert FORM not in client.get(url(in_time)).content.decode()
    response = client.post(url(in_time, "deadline-exception"), {"resolution": resolution.pk})
    assert response.status_code == 403
    in_time.refresh_from_db()
    assert in_time.round == 1


def test_a_member_or_coordinator_cannot_record_an_exception(world, client, late, resolution):
    for user in (world.member_login_a, world.coordinator):
        client.force_login(user)
        response = client.post(url(late, "deadline-exception"), {"resolution": resolution.pk})
        assert response.status_code in (403, 404)
    late.refresh_from_db()
    assert not late.eligible and late.round == 1


def test_without_any_resolution_the_page_asks_to_record_one_first(world, client, late):
    client.force_login(world.chair_a)
    page = client.get(url(late)).content.decode()
    assert FORM in page and "บันทึกการประชุมและมติก่อน" in page
    assert 'name="resolution"' not in page

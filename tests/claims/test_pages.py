"""The claims pages: filing with the decision shown at once, evidence files kept private,
review, payment and the printed voucher; a member's own login sees only their claims."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from kongtun.claims.models import Claim, ClaimEvidence, ClaimStatus, Payout
from kongtun.claims.services import EVIDENCE_MAX_BYTES
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

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def fund(world):
    approved(world.fund_a)
    for m in world.members_a:
        paid_up(m)
    opening_money(world.fund_a)
    return world.fund_a


@pytest.fixture
def deciders(world, make_user):
    return committee(world, make_user)


def recent(days=10) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


def png(name="photo.png", size=(40, 30)) -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buf, "PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


def url(fund, *parts) -> str:
    return f"/f/{fund.pk}/claims/" + "".join(f"{p}/" for p in parts)


# --- filing --------------------------------------------------------------------------------------


def test_checking_a_claim_shows_the_trace_with_clauses_and_saves_nothing(fund, world, client):
    client.force_login(world.chair_a)
    m = world.members_a[0]
    response = client.post(
        url(fund, "new"),
        {
            "member_number": m.number,
            "benefit": "hospital",
            "event_date": recent().strftime("%d/%m/") + str(recent().year + 543),
            "relative": "self",
            "nights": "9",
            "check": "1",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "ข้อ 12(1)" in page and "9 คืน" in page and "700" in page  # at most 7 nights a stay
    assert Claim.objects.count() == 0


def test_filing_a_claim_redirects_to_it(fund, world, client):
    client.force_login(world.chair_a)
    m = world.members_a[0]
    response = client.post(
        url(fund, "new"),
        {
            "member_number": m.number,
            "benefit": "hospital",
            "event_date": recent().isoformat(),
            "relative": "self",
            "nights": "2",
            "file": "1",
        },
    )
    claim = Claim.objects.get()
    assert response.status_code == 302 and response["Location"] == url(fund, claim.pk)
    assert (claim.filed_by, claim.amount_computed) == (world.chair_a, D("200.00"))
    page = client.get(url(fund, claim.pk)).content.decode()
    assert "ข้อ 11" in page and "หนังสือรับรองการนอนโรงพยาบาล" in page


@pytest.mark.parametrize("nights", ["2.5", "-1", "สาม"])
def test_nights_that_are_not_whole_numbers_are_refused(fund, world, client, nights):
    client.force_login(world.chair_a)
    response = client.post(
        url(fund, "new"),
        {
            "member_number": world.members_a[0].number,
            "benefit": "hospital",
            "event_date": recent().isoformat(),
            "relative": "self",
            "nights": nights,
            "file": "1",
        },
    )
    assert response.status_code == 400
    assert Claim.objects.count() == 0


def test_an_event_in_the_future_is_refused_on_the_page(fund, world, client):
    client.force_login(world.chair_a)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client.post(
        url(fund, "new"),
        {
            "member_number": world.members_a[0].number,
            "benefit": "hospital",
            "event_date": tomorrow.isoformat(),
            "relative": "self",
            "nights": "2",
            "file": "1",
        },
    )
    assert response.status_code == 400 and Claim.objects.count() == 0


def test_a_member_files_only_their_own_claim(fund, world, client):
    client.force_login(world.member_login_a)  # linked to members_a[0]
    other = world.members_a[1]
    response = client.post(
        url(fund, "new"),
        {
            "member_number": other.number,
            "benefit": "hospital",
            "event_date": recent().isoformat(),
            "relative": "self",
            "nights": "2",
            "file": "1",
        },
    )
    claim = Claim.objects.get()
    assert response.status_code == 302 and claim.member == world.members_a[0]
    assert client.get(url(fund)).status_code == 403  # the list is the committee's
    assert client.get(url(fund, claim.pk)).status_code == 200
    theirs = file_claim(fund, hospital(other, on=recent()), today=timezone.localdate())
    assert client.get(url(fund, theirs.pk)).status_code == 404


# --- evidence ------------------------------------------------------------------------------------


def test_evidence_files_are_checked_stored_with_the_claim_and_served_only_to_its_fund(
    fund, world, client, make_user, media
):
    claim = file_claim(fund, hospital(world.members_a[0], on=recent()), today=timezone.localdate())
    client.force_login(world.chair_a)
    response = client.post(
        url(fund, claim.pk, "evidence"),
        {"file": png(), "requirement": "hospital_certificate", "description": "ใบรับรองแพทย์"},
    )
    assert response.status_code == 302
    ev = ClaimEvidence.objects.get()
    assert (ev.content_type, ev.original_name, ev.requirement) == (
        "image/png",
        "photo.png",
        "hospital_certificate",
    )
    stored = media / ev.file.name
    assert stored.exists() and ev.file.name.startswith(f"claims/{fund.pk}/{claim.pk}/")
    got = client.get(url(fund, claim.pk, "evidence", ev.pk))
    assert got.status_code == 200 and got["Content-Type"] == "image/png"
    assert got["Cache-Control"] == "private, no-store"
    # another fund's chair, another member's login, nobody logged in: nothing
    client.force_login(world.chair_b)
    assert client.get(url(fund, claim.pk, "evidence", ev.pk)).status_code == 404
    other = make_user("other_member")
    from kongtun.funds.models import Role
    from kongtun.funds.services import role_grant

    role_grant(fund=fund, user=other, role=Role.MEMBER, actor=None, member_id=world.members_a[1].pk)
    client.force_login(other)
    assert client.get(url(fund, claim.pk, "evidence", ev.pk)).status_code == 404
    client.force_login(world.member_login_a)  # the claim is this member's own
    assert client.get(url(fund, claim.pk, "evidence", ev.pk)).status_code == 200
    client.logout()
    assert client.get(url(fund, claim.pk, "evidence", ev.pk)).status_code == 302


def test_a_pdf_is_accepted(fund, world, client):
    claim = file_claim(fund, hospital(world.members_a[0], on=recent()), today=timezone.localdate())
    client.force_login(world.chair_a)
    pdf = SimpleUploadedFile("cert.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    assert client.post(url(fund, claim.pk, "evidence"), {"file": pdf}).status_code == 302
    assert ClaimEvidence.objects.get().content_type == "application/pdf"


@pytest.mark.parametrize(
    "upload, message",
    [
        (SimpleUploadedFile("note.txt", b"hello", content_type="text/plain"), "PDF"),
        (SimpleUploadedFile("fake.png", b"<svg onload=alert(1)>", content_type="image/png"), "PDF"),
        (SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * EVIDENCE_MAX_BYTES), "5 MB"),
    ],
)
def test_evidence_of_another_type_or_too_large_is_refused(fund, world, client, upload, message):
    claim = file_claim(fund, hospital(world.members_a[0], on=recent()), today=timezone.localdate())
    client.force_login(world.chair_a)
    client.cookies["django_language"] = "en"
    response = client.post(url(fund, claim.pk, "evidence"), {"file": upload})
    # too large: refused as it streams (413, kongtun.core.uploads), never stored
    assert response.status_code in (400, 413) and message in response.content.decode()
    assert ClaimEvidence.objects.count() == 0


# --- review, payment, voucher -------------------------------------------------------------------


def test_review_pay_and_print_the_voucher_through_the_pages(fund, world, client, deciders):
    claim = with_paper(
        file_claim(
            fund,
            hospital(world.members_a[0], on=recent(), nights=3),
            actor=world.chair_a,
            today=timezone.localdate(),
        )
    )
    client.force_login(world.chair_a)  # the filer: no review form
    assert url(fund, claim.pk, "review") not in client.get(url(fund, claim.pk)).content.decode()
    assert client.post(url(fund, claim.pk, "review"), {"action": "approve"}).status_code == 400
    for user in deciders[:2]:
        client.force_login(user)
        assert (
            client.post(
                url(fund, claim.pk, "review"), {"action": "approve", "amount": "300"}
            ).status_code
            == 302
        )
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED
    client.force_login(deciders[2])  # a committee member without RECORD_MONEY cannot pay
    assert (
        client.post(
            url(fund, claim.pk, "pay"),
            {"paid_on": timezone.localdate().isoformat(), "source": "cash"},
        ).status_code
        == 403
    )
    client.force_login(world.treasurer_a)
    response = client.post(
        url(fund, claim.pk, "pay"), {"paid_on": timezone.localdate().isoformat(), "source": "cash"}
    )
    assert response.status_code == 302 and response["Location"] == url(fund, claim.pk, "voucher")
    page = client.get(url(fund, claim.pk, "voucher")).content.decode()
    assert "สามร้อยบาทถ้วน" in page and world.members_a[0].full_name in page
    assert Payout.objects.get().display_number in page
    # the voucher carries the code anyone can check on the fund's public page
    assert Payout.objects.get().entry.seal.verification_code in page and "<svg" in page
    entry = Payout.objects.get().entry  # its number beside the code (issue 11)
    assert f"{entry.seq} · {entry.seal.verification_code}" in page
    again = client.post(
        url(fund, claim.pk, "pay"), {"paid_on": timezone.localdate().isoformat(), "source": "cash"}
    )
    assert again.status_code == 400 and Payout.objects.count() == 1


def test_the_claims_list_filters_by_status_benefit_village_and_period(
    fund, world, client, deciders
):
    today = timezone.localdate()
    a = file_claim(fund, hospital(world.members_a[0], on=recent(40)), today=today)
    from kongtun.claims.services import ClaimInput

    b = file_claim(
        fund, ClaimInput(world.members_a[1].number, "outpatient", recent(5)), today=today
    )
    approve_by(with_paper(b), deciders[:2])
    client.force_login(world.chair_a)

    def numbers(query):
        page = client.get(url(fund) + "?" + query).content.decode()
        return {c.display_number for c in (a, b) if c.display_number in page}

    assert numbers("") == {a.display_number, b.display_number}
    assert numbers("status=approved") == {b.display_number}
    assert numbers("benefit=hospital") == {a.display_number}
    assert numbers(f"date_from={recent(10).isoformat()}") == {b.display_number}
    assert numbers(f"date_to={recent(10).isoformat()}") == {a.display_number}
    village = world.members_a[0].village
    assert numbers(f"village={village.pk}") == {a.display_number, b.display_number}
    other_village = fund.villages.exclude(pk=village.pk).first()
    assert numbers(f"village={other_village.pk}") == set()


def test_the_member_page_shows_claims_and_remaining_caps(fund, world, client):
    m = world.members_a[0]
    claim = file_claim(fund, hospital(m, on=recent()), today=timezone.localdate())
    client.force_login(world.member_login_a)
    page = client.get(f"/f/{fund.pk}/members/{m.pk}/").content.decode()
    assert claim.display_number in page and "1,500" in page and "1,600" in page


def test_the_approval_count_is_set_on_the_settings_page(fund, world, client):
    from kongtun.claims.services import policy_of

    client.force_login(world.chair_a)
    assert client.post(url(fund, "settings"), {"approvals_required": "3"}).status_code == 302
    assert policy_of(fund).approvals_required == 3
    client.force_login(world.treasurer_a)
    assert client.post(url(fund, "settings"), {"approvals_required": "1"}).status_code == 403


def test_a_member_sends_a_claim_back_only_after_more_evidence_was_asked(
    fund, world, client, deciders
):
    from kongtun.claims.services import claim_review

    claim = file_claim(fund, hospital(world.members_a[0], on=recent()), today=timezone.localdate())
    client.force_login(world.member_login_a)
    assert client.post(url(fund, claim.pk, "redecide")).status_code == 403
    claim_review(claim=claim, actor=deciders[0], action="more_evidence", reason="ขอใบรับรองแพทย์")
    assert client.post(url(fund, claim.pk, "redecide")).status_code == 302
    claim.refresh_from_db()
    assert (claim.status, claim.round) == (ClaimStatus.SUBMITTED, 2)

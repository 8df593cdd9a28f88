"""The committee, meeting and resolution pages: who may read and who may write."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kongtun.funds.models import FundRole
from kongtun.governance.models import Attendance, CommitteeTerm, Meeting, Resolution

pytestmark = pytest.mark.django_db


def test_the_secretary_records_a_meeting_attendance_and_resolutions_the_chair_appoints(
    world, client
):
    fund = world.fund_a
    base = f"/f/{fund.pk}/governance/"
    client.force_login(world.chair_a)
    assert client.get(base).status_code == 200
    response = client.post(
        base + "meetings/new/",
        {
            "kind": "assembly",
            "date": "01/03/2567",
            "title": "ประชุมใหญ่สามัญ",
            "agenda": "รับรองงบการเงิน\nเลือกตั้งคณะกรรมการ",
        },
    )
    meeting = Meeting.objects.get(fund=fund)
    assert response.status_code == 302 and meeting.date == dt.date(2024, 3, 1)
    page = client.get(f"{base}meetings/{meeting.pk}/").content.decode()
    assert "รับรองงบการเงิน" in page

    # No quorum yet: the resolution is refused and nothing is numbered.
    response = client.post(
        f"{base}meetings/{meeting.pk}/resolutions/new/", {"topic": "appointment", "title": "เลือกตั้ง"}
    )
    assert response.status_code == 400 and not Resolution.objects.exists()

    response = client.post(
        f"{base}meetings/{meeting.pk}/attendance/", {"members_present": "3", "guests": "ผู้แทน อบต."}
    )
    assert response.status_code == 302
    assert Attendance.objects.filter(meeting=meeting).count() == 1
    response = client.post(
        f"{base}meetings/{meeting.pk}/resolutions/new/",
        {"topic": "appointment", "title": "เลือกตั้งคณะกรรมการ", "agenda_item": "2", "votes_for": "3"},
    )
    assert response.status_code == 302
    resolution = Resolution.objects.get(fund=fund)
    assert resolution.display_number == "1/2567"

    response = client.post(
        base + "terms/new/",
        {
            "position": "treasurer",
            "member_number": world.members_a[2].number,
            "username": "treasurer_a",
            "grant_role": "on",
            "start_date": "02/03/2567",
            "resolution": str(resolution.pk),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    term = CommitteeTerm.objects.get(fund=fund)
    assert term.person_name == world.members_a[2].full_name and term.user == world.treasurer_a
    assert term.fund_role is None  # treasurer_a already held the role
    page = client.get(base).content.decode()
    assert world.members_a[2].full_name in page and "1/2567" in page

    response = client.post(
        f"{base}terms/{term.pk}/end/",
        {
            "end_date": timezone.localdate().strftime("%d/%m/")
            + str(timezone.localdate().year + 543),
            "reason": "ลาออก",
            "resolution": str(resolution.pk),
        },
    )
    assert response.status_code == 302
    term.refresh_from_db()
    assert term.end_date == timezone.localdate()
    assert FundRole.objects.get(user=world.treasurer_a, fund=fund).revoked_at is None
    for path in (
        "meetings/",
        "meetings/new/",
        "resolutions/",
        "rules/",
        "terms/new/",
        f"meetings/{meeting.pk}/edit/",
        f"meetings/{meeting.pk}/attendance/",
    ):
        assert client.get(base + path).status_code == 200, path


def test_the_appointment_form_names_the_field_it_refuses(world, client):
    client.force_login(world.chair_a)
    response = client.post(
        f"/f/{world.fund_a.pk}/governance/terms/new/",
        {"position": "chair", "username": "nobody", "start_date": "x"},
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert {"username", "start_date", "resolution"} <= set(form.errors)


def test_coordinator_reads_member_login_cannot(world, client):
    fund = world.fund_a
    client.force_login(world.coordinator)
    assert client.get(f"/f/{fund.pk}/governance/").status_code == 200
    assert client.get(f"/f/{fund.pk}/governance/meetings/new/").status_code == 403
    assert (
        client.post(
            f"/f/{fund.pk}/governance/rules/", {"committee_quorum_percent": "10"}
        ).status_code
        == 403
    )
    client.force_login(world.member_login_a)
    assert client.get(f"/f/{fund.pk}/governance/").status_code == 403


def test_the_treasurer_records_meetings_but_does_not_appoint(world, client):
    client.force_login(world.treasurer_a)
    fund = world.fund_a
    assert client.get(f"/f/{fund.pk}/governance/meetings/new/").status_code == 200
    assert client.get(f"/f/{fund.pk}/governance/terms/new/").status_code == 403

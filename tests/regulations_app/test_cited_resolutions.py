"""A regulation version cites the fund's recorded resolution that approved it: the text and
the meeting's date come from it, the pages link to it, and only the fund's own resolutions of
a meeting already held can be cited. Funds without meeting records keep naming it as text."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone, translation

from kongtun.governance.models import Meeting, Resolution
from kongtun.governance.selectors import resolution_label
from kongtun.regulations.models import RegulationVersion, VersionStatus
from kongtun.regulations.services import version_approve, version_start_from_prototype
from tests.conftest import TODAY
from tests.governance.helpers import meeting_url, recorded_resolution

pytestmark = pytest.mark.django_db
REGULATION = Resolution.Topic.REGULATION


@pytest.fixture
def draft(world):
    return version_start_from_prototype(fund=world.fund_a, prototype="banthi", actor=world.chair_a)


def approve_url(v) -> str:
    return f"/f/{v.fund_id}/regulations/{v.pk}/approve/"


def test_approving_with_a_recorded_resolution_takes_its_text_and_date_and_links_it(
    world, client, draft
):
    other = recorded_resolution(world.fund_a, dt.date(2024, 3, 20), "รับรองงบการเงิน")
    amending = recorded_resolution(
        world.fund_a, dt.date(2024, 3, 10), "แก้ไขระเบียบกองทุน", topic=REGULATION
    )
    client.force_login(world.chair_a)
    page = client.get(approve_url(draft)).content.decode()
    # resolutions on the regulation first (in their own group), the others after
    assert page.index("แก้ไขระเบียบกองทุน") < page.index("รับรองงบการเงิน")
    assert "มติเรื่องระเบียบกองทุน" in page and "มติอื่น" in page
    assert "ไม่ได้บันทึกไว้ในระบบ" in page  # the text is for meetings not on record
    response = client.post(
        approve_url(draft),
        {
            "resolution_record": amending.pk,
            "effective_date": "01/04/2567",
            "warnings_read": "on",
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    with translation.override("th"):
        label = resolution_label(amending)
    assert draft.status == VersionStatus.APPROVED
    assert draft.resolution_record == amending
    assert (draft.resolution, draft.resolution_date) == (label, dt.date(2024, 3, 10))
    assert other.regulation_versions.count() == 0

    link = f'href="{meeting_url(amending)}"'
    assert link in client.get(f"/f/{world.fund_a.pk}/regulations/{draft.pk}/").content.decode()
    assert link in client.get(f"/f/{world.fund_a.pk}/regulations/").content.decode()
    # a member reads which resolution it was, without a link to the committee's pages
    client.force_login(world.member_login_a)
    page = client.get(f"/f/{world.fund_a.pk}/regulations/{draft.pk}/").content.decode()
    assert "แก้ไขระเบียบกองทุน" in page and link not in page


def test_the_service_fills_the_text_and_date_from_the_resolution(world, draft):
    r = recorded_resolution(world.fund_a, dt.date(2024, 3, 10), "แก้ไขระเบียบ", topic=REGULATION)
    v = version_approve(
        version=draft,
        resolution="ignored",
        resolution_date=dt.date(2000, 1, 1),
        resolution_record=r,
        effective_date=dt.date(2024, 4, 1),
        actor=None,
        today=TODAY,
    )
    assert v.resolution == resolution_label(r) and v.resolution_date == dt.date(2024, 3, 10)
    assert RegulationVersion.objects.get(pk=v.pk).resolution_record_id == r.pk


def test_another_funds_resolution_is_refused_by_the_service_and_the_form(world, client, draft):
    recorded_resolution(world.fund_a, dt.date(2024, 3, 10), "ของกองทุนเอ", topic=REGULATION)
    theirs = recorded_resolution(world.fund_b, dt.date(2024, 3, 10), "ของกองทุนบี", topic=REGULATION)
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        version_approve(
            version=draft,
            resolution_record=theirs,
            effective_date=dt.date(2024, 4, 1),
            actor=None,
            today=TODAY,
        )
    assert exc.value.message_dict == {
        "resolution_record": ["Choose one of this fund's resolutions."]
    }

    client.force_login(world.chair_a)
    page = client.get(approve_url(draft)).content.decode()
    assert "ของกองทุนบี" not in page
    response = client.post(
        approve_url(draft),
        {"resolution_record": theirs.pk, "effective_date": "01/04/2567", "warnings_read": "on"},
    )
    assert response.status_code == 400
    assert "เลือกมติของกองทุนนี้" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT and draft.resolution_record is None


def test_a_resolution_of_a_meeting_after_today_is_refused(world, client, draft):
    r = recorded_resolution(world.fund_a, dt.date(2024, 3, 10), "แก้ไขระเบียบ", topic=REGULATION)
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        version_approve(
            version=draft,
            resolution_record=r,
            effective_date=dt.date(2024, 4, 1),
            actor=None,
            today=dt.date(2024, 3, 1),
        )
    assert list(exc.value.message_dict) == ["resolution_record"]
    assert "after today" in exc.value.message_dict["resolution_record"][0]

    # the meeting's date was later moved ahead: the form no longer offers it, nor takes it
    recorded_resolution(world.fund_a, dt.date(2024, 2, 1), "มติที่ประชุมที่ผ่านมาแล้ว")
    later = timezone.localdate() + dt.timedelta(days=30)
    Meeting.objects.filter(pk=r.meeting_id).update(date=later)
    client.force_login(world.chair_a)
    assert "แก้ไขระเบียบ" not in client.get(approve_url(draft)).content.decode()
    response = client.post(
        approve_url(draft),
        {"resolution_record": r.pk, "effective_date": "01/04/2567", "warnings_read": "on"},
    )
    assert response.status_code == 400
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT


def test_a_fund_without_meeting_records_names_the_resolution_as_text(world, client, draft):
    client.force_login(world.chair_a)
    page = client.get(approve_url(draft)).content.decode()
    assert 'name="resolution_record"' not in page
    assert "ยังไม่มีมติของกองทุนนี้บันทึกไว้" in page
    response = client.post(
        approve_url(draft), {"effective_date": "01/04/2567", "warnings_read": "on"}
    )
    assert response.status_code == 400  # neither a resolution on record nor a text
    response = client.post(
        approve_url(draft),
        {
            "resolution": "มติที่ประชุมใหญ่ผู้ก่อตั้ง 1/2552",
            "resolution_date": "22/05/2552",
            "effective_date": "01/06/2552",
            "warnings_read": "on",
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.resolution, draft.resolution_date, draft.resolution_record) == (
        "มติที่ประชุมใหญ่ผู้ก่อตั้ง 1/2552",
        dt.date(2009, 5, 22),
        None,
    )


def test_the_citation_is_frozen_with_the_approved_version(world, draft):
    r = recorded_resolution(world.fund_a, dt.date(2024, 3, 10), "แก้ไขระเบียบ", topic=REGULATION)
    other = recorded_resolution(world.fund_a, dt.date(2024, 3, 20), "อื่น ๆ")
    v = version_approve(
        version=draft,
        resolution_record=r,
        effective_date=dt.date(2024, 4, 1),
        actor=None,
        today=TODAY,
    )
    for change in ({"resolution_record": None}, {"resolution_record": other}):
        with pytest.raises(DatabaseError), transaction.atomic():
            RegulationVersion.objects.filter(pk=v.pk).update(**change)
    assert RegulationVersion.objects.get(pk=v.pk).resolution_record == r

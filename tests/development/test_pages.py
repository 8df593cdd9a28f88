"""The development pages: the timeline, recording an activity with its evidence, founding."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kongtun.development.models import Activity, EvidenceFile, ProcessStatus
from kongtun.development.services import ActivityInput, ParticipationInput, activity_create
from tests.conftest import TODAY
from tests.development.samples import make_process

pytestmark = pytest.mark.django_db


def _activity_post(stage, **kw) -> dict:
    data = {
        "stage": stage.pk,
        "kind": "meeting",
        "title": "ประชุมแกนนำชุมชน",
        "held_on": "19/08/2551",
        "ends_on": "",
        "place": "อบต.",
        "status": "done",
        "notes": "",
        "p-TOTAL_FORMS": "2",
        "p-INITIAL_FORMS": "0",
        "p-MIN_NUM_FORMS": "0",
        "p-MAX_NUM_FORMS": "30",
        "p-0-group": "community_leader",
        "p-0-count": "14",
        "p-1-group": "informal_worker",
        "p-1-occupation": stage.process.fund.occupation_groups.get(code="farmer").pk,
        "p-1-count": "22",
    }
    data.update(kw)
    return data


def test_without_a_process_the_chair_is_offered_to_start_one(world, client):
    client.force_login(world.chair_a)
    page = client.get(f"/f/{world.fund_a.pk}/development/").content.decode()
    assert f"/f/{world.fund_a.pk}/development/start/" in page
    response = client.post(f"/f/{world.fund_a.pk}/development/start/", {"started_on": "01/11/2551"})
    assert response.status_code == 302
    assert world.fund_a.development_process.started_on == dt.date(2008, 11, 1)


def test_record_an_activity_in_buddhist_era_and_see_it_on_the_timeline(world, client):
    stage = make_process(world.fund_a).stages.get(position=1)
    client.force_login(world.chair_a)
    url = f"/f/{world.fund_a.pk}/development/stages/{stage.pk}/activities/new/"
    response = client.post(url, _activity_post(stage))
    assert response.status_code == 302, response.content.decode()[:2000]
    activity = Activity.objects.get()
    assert activity.held_on == dt.date(2008, 8, 19)
    assert activity.participant_total == 36
    page = client.get(f"/f/{world.fund_a.pk}/development/").content.decode()
    assert '<svg class="timeline"' in page
    assert "ประชุมแกนนำชุมชน" in page and "19 ส.ค. 2551" in page
    assert "ฉันทามติ" in page  # the study's words for the first stage


def test_a_bad_activity_shows_the_field_and_saves_nothing(world, client):
    stage = make_process(world.fund_a).stages.get(position=1)
    client.force_login(world.chair_a)
    url = f"/f/{world.fund_a.pk}/development/stages/{stage.pk}/activities/new/"
    response = client.post(url, _activity_post(stage, ends_on="01/08/2551"))
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert "ends_on" in response.context["form"].errors
    assert Activity.objects.count() == 0


def test_evidence_upload_and_download(world, client):
    stage = make_process(world.fund_a).stages.get(position=1)
    activity = activity_create(
        stage=stage,
        data=ActivityInput(
            kind="meeting",
            title="ประชุม",
            held_on=dt.date(2008, 12, 1),
            participants=[ParticipationInput("working_team", 5)],
        ),
        actor=None,
        today=TODAY,
    )
    client.force_login(world.chair_a)
    base = f"/f/{world.fund_a.pk}/development/activities/{activity.pk}/"
    response = client.post(
        base + "evidence/",
        {"file": SimpleUploadedFile("attendance.jpg", b"\xff\xd8\xff jpeg", "image/jpeg")},
    )
    assert response.status_code == 302
    evidence = EvidenceFile.objects.get()
    download = client.get(f"/f/{world.fund_a.pk}/development/evidence/{evidence.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"\xff\xd8\xff jpeg"
    assert "attachment" in download["Content-Disposition"]
    refused = client.post(base + "evidence/", {"file": SimpleUploadedFile("x.exe", b"MZ")})
    assert refused.status_code == 400 and EvidenceFile.objects.count() == 1


def test_founding_from_the_page(world, client):
    make_process(world.fund_a)
    client.force_login(world.chair_a)
    response = client.post(
        f"/f/{world.fund_a.pk}/development/found/",
        {"founded_on": "01/06/2552", "founding_note": "ประชุมใหญ่"},
    )
    assert response.status_code == 302
    process = world.fund_a.development_process
    process.refresh_from_db()
    assert process.status == ProcessStatus.FOUNDED and process.founded_on == dt.date(2009, 6, 1)


def test_coordinator_reads_the_process_but_cannot_change_it(world, client):
    stage = make_process(world.fund_a).stages.get(position=1)
    client.force_login(world.coordinator)
    assert client.get(f"/f/{world.fund_a.pk}/development/").status_code == 200
    url = f"/f/{world.fund_a.pk}/development/stages/{stage.pk}/activities/new/"
    assert client.post(url, _activity_post(stage)).status_code == 403
    assert client.post(f"/f/{world.fund_a.pk}/development/found/", {}).status_code == 403
    assert Activity.objects.count() == 0


def test_a_member_login_does_not_see_the_process(world, client):
    make_process(world.fund_a)
    client.force_login(world.member_login_a)
    assert client.get(f"/f/{world.fund_a.pk}/development/").status_code == 403

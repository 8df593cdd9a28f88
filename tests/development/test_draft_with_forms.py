"""The SW-NT "draft the regulation" step uses the regulation forms, not a raw text box (issue 13):
the community starts from a prototype, changes the draft in plain forms, and at the founding
that same draft becomes version 1."""

from __future__ import annotations

import datetime as dt

import pytest

from kongtun.development.services import process_found_fund, regulation_draft_save
from kongtun.regulations.models import RegulationVersion
from tests.conftest import TODAY
from tests.development.samples import make_process

pytestmark = pytest.mark.django_db


def test_the_draft_step_starts_a_draft_edited_with_forms_and_founding_approves_it(world, client):
    fund = world.fund_a
    process = make_process(fund)
    client.force_login(world.chair_a)
    url = f"/f/{fund.pk}/development/regulation/"
    page = client.get(url).content.decode()
    assert "<textarea" not in page  # no raw text box
    response = client.post(url, {"prototype": "banthi", "start_from": "1"})
    draft = RegulationVersion.objects.get(fund=fund)
    assert draft.status == "draft"
    assert response["Location"] == f"/f/{fund.pk}/regulations/{draft.pk}/edit/"
    assert client.get(response["Location"]).status_code == 200  # the regulation forms
    page = client.get(url).content.decode()
    assert f"/f/{fund.pk}/regulations/{draft.pk}/edit/" in page and "<textarea" not in page
    process.refresh_from_db()
    assert process.regulation_draft == draft.content  # the process keeps its record

    result = process_found_fund(
        process=process,
        founded_on=dt.date(2009, 6, 1),
        founding_note="ประชุมใหญ่ 1/2552",
        actor=None,
        today=TODAY,
    )
    assert result.accepted, str(result.message)
    [version] = RegulationVersion.objects.filter(fund=fund)  # the same draft, not a copy
    assert version.pk == draft.pk and version.status == "approved"
    assert version.effective_date == dt.date(2009, 6, 1)


def test_an_older_text_draft_is_carried_over_to_the_forms(world, client):
    from kongtun.development import handoff

    fund = world.fund_a
    process = make_process(fund)
    text = handoff.prototype_text("banthi")
    regulation_draft_save(process=process, text=text, prototype="banthi")
    client.force_login(world.chair_a)
    url = f"/f/{fund.pk}/development/regulation/"
    page = client.get(url).content.decode()
    assert "to_forms" in page and "<textarea" not in page
    response = client.post(url, {"to_forms": "1"})
    draft = RegulationVersion.objects.get(fund=fund)
    assert response["Location"].endswith(f"/regulations/{draft.pk}/edit/")
    assert draft.content == text


def test_a_coordinator_reads_the_draft_but_cannot_start_one(world, client):
    fund = world.fund_a
    make_process(fund)
    client.force_login(world.coordinator)
    url = f"/f/{fund.pk}/development/regulation/"
    assert client.post(url, {"prototype": "banthi", "start_from": "1"}).status_code == 403
    assert not RegulationVersion.objects.filter(fund=fund).exists()

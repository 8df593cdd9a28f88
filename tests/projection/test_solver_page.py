"""The solver's page: answers in plain words, an answer made a regulation draft from the version
in force, and bad targets refused with nothing saved."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

import kongtun.projection.services as services
from kongtun.projection.models import ProjectionRun
from kongtun.regulations.engine import load_regulation
from kongtun.regulations.engine.prototypes import PROTOTYPE_DIR
from kongtun.regulations.models import RegulationVersion, VersionStatus
from tests.projection.test_views import form_data, home

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def inline_runs(monkeypatch, settings, tmp_path):
    monkeypatch.setattr(services, "RUN_IN_BACKGROUND", False)
    settings.MEDIA_ROOT = tmp_path


def in_force(world) -> RegulationVersion:
    return RegulationVersion.objects.create(
        fund=world.fund_a,
        number=900,  # clear of the numbers the fund's counter gives drafts
        title="ระเบียบ",
        content=(PROTOTYPE_DIR / "banthi.yaml").read_text(),
        status=VersionStatus.APPROVED,
        effective_date=dt.date(2020, 1, 1),
        resolution="มติที่ประชุม 1/2563",
        resolution_date=dt.date(2019, 12, 1),
        approved_at=timezone.now(),
    )


def a_run(world, client, *, opening_balance: str = "0") -> ProjectionRun:
    client.force_login(world.chair_a)
    first = client.get(home(world))
    data = form_data(
        first,
        sources=["prototype:banthi"],
        scenarios="300",
        years="10",
        opening_balance=opening_balance,
        matching_local="0",
        matching_central="0",
    )
    client.post(home(world), data)
    return ProjectionRun.objects.get(fund=world.fund_a)


def url(world, run) -> str:
    return f"/f/{world.fund_a.pk}/projection/runs/{run.pk}/solve/"


def test_the_answers_are_plain_thai_and_one_becomes_a_draft(world, client):
    version = in_force(world)
    run = a_run(world, client)
    page = client.get(url(world, run)).content.decode()
    assert "ค่าทำศพ" in page or "ศพ" in page  # benefits by name
    response = client.post(url(world, run), {"horizon": "10", "risk": "5", "scaled": ["funeral"]})
    assert response.status_code == 200
    answers = response.context["answers"]
    assert {a["lever"] for a in answers} == {"factor", "add", "scale", "members"}
    text = response.content.decode()
    assert "10 ปี" in text or "ภายใน 10" in text
    assert all(a["text"] for a in answers)
    factor = {"value": 1.5}  # the draft route takes the value an answer shows
    before = RegulationVersion.objects.filter(fund=world.fund_a).count()
    made = client.post(
        url(world, run),
        {
            "horizon": "10",
            "risk": "5",
            "scaled": ["funeral"],
            "action": "draft",
            "lever": "factor",
            "value": str(factor["value"]),
        },
    )
    assert made.status_code == 302
    draft = RegulationVersion.objects.filter(fund=world.fund_a).exclude(pk=version.pk).get()
    assert RegulationVersion.objects.filter(fund=world.fund_a).count() == before + 1
    assert draft.status == VersionStatus.DRAFT and draft.previous_id == version.pk
    old = load_regulation(version.content).membership.plans[0].amount
    new = load_regulation(draft.content).membership.plans[0].amount
    assert new >= old * type(old)(str(factor["value"])) - 1 and new > old


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"horizon": "40", "risk": "5"}, "horizon", "1 and 10"),
        ({"horizon": "10", "risk": "150"}, "risk", "between 0 and 100"),
        ({"horizon": "10", "risk": "-1"}, "risk", "between 0 and 100"),
        ({"horizon": "10", "risk": "5", "scaled": ["nope"]}, "scaled", "no such benefit"),
    ],
)
def test_bad_targets_are_refused_and_nothing_is_saved(world, client, data, field, words):
    in_force(world)
    run = a_run(world, client)
    client.cookies["django_language"] = "en"
    before = RegulationVersion.objects.count()
    response = client.post(
        url(world, run), {**data, "action": "draft", "lever": "factor", "value": "2"}
    )
    assert response.status_code == 200
    assert words in " ".join(response.context["errors"][field])
    assert RegulationVersion.objects.count() == before


def test_the_sensitivity_page_draws_a_bar_for_every_assumption(world, client):
    run = a_run(world, client, opening_balance="50000")  # a chance between 0 and 100 %
    response = client.get(f"/f/{world.fund_a.pk}/projection/runs/{run.pk}/sensitivity/")
    assert response.status_code == 200
    page = response.content.decode()
    # each chart drawn wide and for a phone; every assumption a bar down and a bar up in each
    assert not response.context["ruin_flat"]
    assert page.count('class="chart tornado wide"') == 2
    assert page.count('class="chart tornado narrow"') == 2
    assert page.count("<rect") >= 4 * 2 * 9
    assert "อัตราตาย" in page or "การตาย" in page


def test_a_chance_no_assumption_moves_is_said_in_words_not_drawn_as_an_empty_chart(world, client):
    run = a_run(world, client, opening_balance="1000000000")  # cannot run out in ten years
    response = client.get(f"/f/{world.fund_a.pk}/projection/runs/{run.pk}/sensitivity/")
    page = response.content.decode()
    assert response.context["ruin_flat"] and "ยังคงอยู่ราว 0%" in page
    assert page.count('class="chart tornado wide"') == 1  # the median balance's chart only


def test_every_chart_of_the_run_page_is_drawn_for_a_phone_too(world, client):
    run = a_run(world, client, opening_balance="50000")
    page = client.get(f"/f/{world.fund_a.pk}/projection/runs/{run.pk}/").content.decode()
    wide = re.findall(r'<svg class="chart wide[^"]*" viewBox="0 0 (\d+) \d+"', page)
    narrow = re.findall(r'<svg class="chart narrow[^"]*" viewBox="0 0 (\d+) \d+"', page)
    assert len(wide) == len(narrow) == 2  # the balance's fan and the chance of running out
    assert set(narrow) == {"360"} and all(int(w) > 600 for w in wide)

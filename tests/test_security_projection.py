"""Projection runs are limited: one at a time per fund, two on the whole server, refused with a
message saying why (a run takes a core and hundreds of MB for minutes)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

import kongtun.projection.services as services
from kongtun.projection.engine import default_assumptions
from kongtun.projection.models import ProjectionRun, RunStatus
from kongtun.projection.services import RegulationInput, run_create
from kongtun.regulations.engine.prototypes import PROTOTYPE_DIR

pytestmark = pytest.mark.django_db


def create(fund):
    a = default_assumptions(timezone.localdate(), scenarios=100, years=3, seed=1)
    text = (PROTOTYPE_DIR / "banthi.yaml").read_text(encoding="utf-8")
    return run_create(
        fund=fund,
        actor=None,
        assumptions=a,
        regulations=[RegulationInput("b", "prototype:banthi", text)],
    )


def going(fund, status=RunStatus.RUNNING):
    return ProjectionRun.objects.create(
        fund=fund, parameters={"regulations": []}, seed=1, scenarios=10, years=5, status=status
    )


def test_one_run_at_a_time_per_fund(world):
    going(world.fund_a)
    with translation.override("th"), pytest.raises(ValidationError) as exc:
        create(world.fund_a)
    assert "ยังทำงานอยู่" in str(exc.value)
    assert ProjectionRun.objects.filter(fund=world.fund_a).count() == 1
    # another fund may still run
    assert create(world.fund_b).status == RunStatus.QUEUED


def test_at_most_two_runs_on_the_server(world, make_user):
    from tests.conftest import _fund

    third = _fund("FUNDC", "กองทุนซี", "510703")
    going(world.fund_a)
    going(world.fund_b, RunStatus.QUEUED)
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        create(third)
    assert "already running 2 projections" in str(exc.value)
    assert services.MAX_RUNS_PER_SERVER == 2


def test_finished_and_stale_runs_do_not_count(world):
    going(world.fund_a, RunStatus.DONE)
    going(world.fund_a, RunStatus.FAILED)
    stale = going(world.fund_a)
    ProjectionRun.objects.filter(pk=stale.pk).update(
        created_at=timezone.now() - services.STALE_AFTER - dt.timedelta(minutes=1)
    )
    assert create(world.fund_a).status == RunStatus.QUEUED


def test_the_page_says_why_a_run_is_refused(world, client, monkeypatch, settings, tmp_path):
    from tests.projection.test_views import form_data

    monkeypatch.setattr(services, "RUN_IN_BACKGROUND", False)
    settings.MEDIA_ROOT = tmp_path
    going(world.fund_a)
    client.force_login(world.chair_a)
    url = f"/f/{world.fund_a.pk}/projection/"
    data = form_data(client.get(url), sources=["prototype:banthi"], scenarios="100", years="3")
    response = client.post(url, data)
    assert response.status_code == 200
    assert "ยังทำงานอยู่" in response.content.decode()
    assert ProjectionRun.objects.filter(fund=world.fund_a).count() == 1

"""Development-process rows of a fund, for the route walk in tests/test_scoping.py."""

from __future__ import annotations

import datetime as dt

from kongtun.development.models import EvidenceFile
from kongtun.development.services import (
    ActivityInput,
    ParticipationInput,
    activity_create,
    process_start,
)
from tests.conftest import TODAY


def make_process(fund, *, started_on: dt.date = dt.date(2008, 11, 1)):
    return process_start(fund=fund, started_on=started_on, actor=None, today=TODAY)


def development_samples(fund) -> dict[str, int]:
    process = make_process(fund)
    stage = process.stages.order_by("position").first()
    activity = activity_create(
        stage=stage,
        data=ActivityInput(
            kind="meeting",
            title="ประชุมแกนนำ",
            held_on=dt.date(2008, 12, 1),
            participants=[ParticipationInput("community_leader", 12)],
        ),
        actor=None,
        today=TODAY,
    )
    # The row only (no file written into MEDIA_ROOT): the walk must be refused before any file
    # is opened. tests/development/test_evidence.py stores real files, in a temporary folder.
    evidence = EvidenceFile.objects.create(
        activity=activity, file=f"development/{fund.pk}/sample.txt", original_name="minutes.txt"
    )
    return {"stage_id": stage.pk, "activity_id": activity.pk, "evidence_id": evidence.pk}

"""A recorded resolution of a fund, for the apps that cite one (regulation versions, claim
reviews)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from kongtun.governance.models import MeetingKind, Resolution
from kongtun.governance.services import (
    AttendanceInput,
    ResolutionInput,
    attendance_set,
    meeting_create,
    resolution_record,
)
from tests.conftest import TODAY


def recorded_resolution(
    fund, day: dt.date, title: str = "มติ", topic: str = Resolution.Topic.GENERAL
) -> Resolution:
    """A general assembly of ``fund`` on ``day`` (every member present) with one resolution."""
    today = max(TODAY, timezone.localdate())
    meeting = meeting_create(fund=fund, kind=MeetingKind.ASSEMBLY, date=day, actor=None)
    attendance_set(meeting=meeting, data=AttendanceInput(members_present=3), today=today)
    return resolution_record(
        meeting=meeting, data=ResolutionInput(title=title, topic=topic), actor=None, today=today
    )


def meeting_url(resolution: Resolution) -> str:
    """Where a citation links to: the resolution on its meeting's page."""
    return f"/f/{resolution.fund_id}/governance/meetings/{resolution.meeting_id}/#r{resolution.pk}"

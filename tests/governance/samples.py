"""Fund B's governance objects, for the route walk in tests/test_scoping.py."""

from __future__ import annotations

import datetime as dt

from kongtun.governance.models import MeetingKind
from kongtun.governance.services import (
    AttendanceInput,
    ResolutionInput,
    attendance_set,
    meeting_create,
    resolution_record,
    term_appoint,
)
from tests.conftest import TODAY


def governance_samples(world) -> dict[str, int]:
    """A general assembly of fund B with a resolution, and a committee term it appointed."""
    fund = world.fund_b
    meeting = meeting_create(
        fund=fund, kind=MeetingKind.ASSEMBLY, date=dt.date(2024, 3, 10), actor=None
    )
    attendance_set(meeting=meeting, data=AttendanceInput(members_present=3), today=TODAY)
    resolution = resolution_record(
        meeting=meeting, data=ResolutionInput(title="แต่งตั้งประธาน"), actor=None, today=TODAY
    )
    term = term_appoint(
        fund=fund,
        position="chair",
        start_date=dt.date(2024, 3, 10),
        resolution=resolution,
        user=world.chair_b,
        actor=None,
    )
    return {"meeting_id": meeting.pk, "term_id": term.pk}

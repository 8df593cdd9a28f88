"""Committee terms, meetings, quorum and numbered resolutions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from kongtun.core.models import Counter
from kongtun.funds.models import FundRole
from kongtun.governance.models import CommitteeTerm, MeetingKind, Resolution
from kongtun.governance.selectors import (
    committee_on,
    is_committee_member,
    meeting_quorum,
    quorum_needed,
    resolution_choices,
)
from kongtun.governance.services import (
    AttendanceInput,
    ResolutionInput,
    attendance_set,
    meeting_create,
    policy_update,
    resolution_record,
    term_appoint,
    term_end,
)
from tests.conftest import TODAY

pytestmark = pytest.mark.django_db


def assembly(fund, day: dt.date, present: int):
    meeting = meeting_create(fund=fund, kind=MeetingKind.ASSEMBLY, date=day, actor=None)
    attendance_set(meeting=meeting, data=AttendanceInput(members_present=present), today=TODAY)
    return meeting


def resolve(meeting, title: str = "มติ") -> Resolution:
    return resolution_record(
        meeting=meeting, data=ResolutionInput(title=title), actor=None, today=TODAY
    )


@pytest.fixture
def founded(world):
    """Fund A's general assembly of 1 March 2020 appointed a chair, a treasurer and two
    committee members (3 members active then; 2 present)."""
    fund = world.fund_a
    ga = assembly(fund, dt.date(2020, 3, 1), present=2)
    appointment = resolve(ga, "เลือกตั้งคณะกรรมการ")
    terms = {
        "chair": term_appoint(
            fund=fund,
            position="chair",
            start_date=dt.date(2020, 3, 1),
            resolution=appointment,
            person_name="นายประธาน ใจดี",
            actor=None,
        ),
        "treasurer": term_appoint(
            fund=fund,
            position="treasurer",
            start_date=dt.date(2020, 3, 1),
            resolution=appointment,
            member=world.members_a[1],
            actor=None,
        ),
        "c1": term_appoint(
            fund=fund,
            position="committee",
            start_date=dt.date(2020, 3, 1),
            resolution=appointment,
            person_name="นางกรรมการ หนึ่ง",
            actor=None,
        ),
        "c2": term_appoint(
            fund=fund,
            position="committee",
            start_date=dt.date(2020, 3, 1),
            resolution=appointment,
            person_name="นายกรรมการ สอง",
            actor=None,
        ),
    }
    return fund, appointment, terms


def test_committee_on_a_date_follows_the_terms(world, founded):
    fund, _appointment, terms = founded
    assert committee_on(fund, dt.date(2020, 2, 29)) == []
    on = committee_on(fund, dt.date(2021, 1, 1))
    assert [t.position for t in on] == ["chair", "treasurer", "committee", "committee"]
    assert terms["treasurer"].person_name == world.members_a[1].full_name

    later = assembly(fund, dt.date(2022, 3, 1), present=2)
    election = resolve(later, "เลือกตั้งประธานคนใหม่")
    term_end(
        term=terms["chair"],
        end_date=dt.date(2022, 2, 28),
        resolution=election,
        reason="ครบวาระ",
        today=TODAY,
    )
    new_chair = term_appoint(
        fund=fund,
        position="chair",
        start_date=dt.date(2022, 3, 1),
        resolution=election,
        person_name="นางประธานใหม่ ดีมาก",
        actor=None,
    )
    assert committee_on(fund, dt.date(2022, 2, 28))[0].pk == terms["chair"].pk
    assert committee_on(fund, dt.date(2022, 3, 1))[0].pk == new_chair.pk
    assert terms["chair"].pk not in {t.pk for t in committee_on(fund, TODAY)}


def test_one_person_per_single_seat(world, founded):
    fund, appointment, _terms = founded
    with pytest.raises(ValidationError) as exc:
        term_appoint(
            fund=fund,
            position="chair",
            start_date=dt.date(2021, 1, 1),
            resolution=appointment,
            person_name="คนอื่น",
            actor=None,
        )
    assert "position" in exc.value.message_dict
    # Committee members may be many, but not the same person twice at once.
    term_appoint(
        fund=fund,
        position="committee",
        start_date=dt.date(2021, 1, 1),
        resolution=appointment,
        person_name="คนที่สาม",
        actor=None,
    )
    with pytest.raises(ValidationError):
        term_appoint(
            fund=fund,
            position="committee",
            start_date=dt.date(2021, 1, 1),
            resolution=appointment,
            person_name="นายกรรมการ สอง",
            actor=None,
        )


def test_an_appointment_cites_a_resolution_of_the_fund(world, founded):
    fund, _appointment, _terms = founded
    with pytest.raises(ValidationError) as exc:
        term_appoint(
            fund=fund,
            position="auditor",
            start_date=dt.date(2021, 1, 1),
            resolution=None,
            person_name="ผู้ตรวจ",
            actor=None,
        )
    assert "resolution" in exc.value.message_dict
    other = resolve(assembly(world.fund_b, dt.date(2020, 3, 1), present=2))
    with pytest.raises(ValidationError) as exc:
        term_appoint(
            fund=fund,
            position="auditor",
            start_date=dt.date(2021, 1, 1),
            resolution=other,
            person_name="ผู้ตรวจ",
            actor=None,
        )
    assert "resolution" in exc.value.message_dict


def test_a_term_grants_the_login_role_and_ending_it_revokes_only_that(world, founded, make_user):
    fund, appointment, _terms = founded
    auditor = make_user("auditor_a")
    term = term_appoint(
        fund=fund,
        position="auditor",
        start_date=dt.date(2021, 1, 1),
        resolution=appointment,
        user=auditor,
        actor=world.chair_a,
    )
    role = FundRole.objects.get(user=auditor, fund=fund, role="auditor")
    assert term.fund_role_id == role.pk and role.revoked_at is None
    assert is_committee_member(fund, auditor, dt.date(2021, 6, 1))
    assert not is_committee_member(fund, auditor, dt.date(2020, 6, 1))

    term_end(
        term=term,
        end_date=dt.date(2023, 12, 31),
        resolution=appointment,
        reason="ลาออก",
        today=TODAY,
    )
    role.refresh_from_db()
    assert role.revoked_at is not None
    assert not is_committee_member(fund, auditor, TODAY)
    assert is_committee_member(fund, auditor, dt.date(2023, 12, 31))

    # A role granted by hand (the chair's) is never touched by governance.
    chair_term = term_appoint(
        fund=fund,
        position="vice_chair",
        start_date=dt.date(2021, 1, 1),
        resolution=appointment,
        user=world.chair_a,
        actor=None,
    )
    assert chair_term.fund_role is not None  # vice_chair was new for this login
    hand_role = FundRole.objects.get(user=world.chair_a, fund=fund, role="chair")
    term_end(term=chair_term, end_date=TODAY, resolution=appointment, reason="x", today=TODAY)
    hand_role.refresh_from_db()
    assert hand_role.revoked_at is None


def test_ending_a_term_is_recorded_after_it_happened(world, founded):
    _fund, appointment, terms = founded
    with pytest.raises(ValidationError) as exc:
        term_end(
            term=terms["c1"],
            end_date=TODAY + dt.timedelta(days=1),
            resolution=appointment,
            reason="x",
            today=TODAY,
        )
    assert "end_date" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        term_end(
            term=terms["c1"],
            end_date=dt.date(2019, 1, 1),
            resolution=appointment,
            reason="x",
            today=TODAY,
        )
    assert "end_date" in exc.value.message_dict


def test_quorum_refused_when_too_few_attend(world, founded):
    fund, _appointment, terms = founded
    meeting = meeting_create(
        fund=fund, kind=MeetingKind.COMMITTEE, date=dt.date(2021, 5, 5), actor=None
    )
    # 4 in office: more than half is 3.
    attendance_set(
        meeting=meeting,
        data=AttendanceInput(term_ids=[terms["chair"].pk, terms["c1"].pk], guests=["ผู้สังเกตการณ์"]),
        today=TODAY,
    )
    quorum = meeting_quorum(meeting)
    assert (quorum.base, quorum.present, quorum.needed, quorum.met) == (4, 2, 3, False)
    before = Counter.objects.filter(fund=fund, key="resolution:2564").values_list("value").first()
    with pytest.raises(ValidationError) as exc:
        resolve(meeting)
    assert "No quorum" in str(exc.value) or "องค์ประชุม" in str(exc.value)
    assert (
        Counter.objects.filter(fund=fund, key="resolution:2564").values_list("value").first()
        == before
    )
    attendance_set(
        meeting=meeting,
        data=AttendanceInput(term_ids=[terms["chair"].pk, terms["c1"].pk, terms["c2"].pk]),
        today=TODAY,
    )
    assert meeting_quorum(meeting).met
    assert resolve(meeting).number == 1
    # Once a resolution rests on it, the attendance stays.
    with pytest.raises(ValidationError):
        attendance_set(
            meeting=meeting, data=AttendanceInput(term_ids=[terms["chair"].pk]), today=TODAY
        )


def test_only_committee_in_office_count_and_may_be_listed(world, founded):
    fund, _appointment, terms = founded
    meeting = meeting_create(
        fund=fund, kind=MeetingKind.COMMITTEE, date=dt.date(2019, 5, 5), actor=None
    )
    with pytest.raises(ValidationError) as exc:
        attendance_set(
            meeting=meeting, data=AttendanceInput(term_ids=[terms["chair"].pk]), today=TODAY
        )
    assert "terms" in exc.value.message_dict
    # Nobody in office: a committee meeting has no quorum at all.
    assert not meeting_quorum(meeting).met


def test_assembly_quorum_counts_active_members_and_the_rule_is_configurable(world):
    fund = world.fund_a  # 3 active members (joined 2015)
    meeting = meeting_create(
        fund=fund, kind=MeetingKind.ASSEMBLY, date=dt.date(2020, 3, 1), actor=None
    )
    attendance_set(meeting=meeting, data=AttendanceInput(members_present=1), today=TODAY)
    assert (meeting_quorum(meeting).base, meeting_quorum(meeting).needed) == (3, 2)
    with pytest.raises(ValidationError):
        resolve(meeting)
    policy_update(
        fund=fund,
        committee_quorum_percent=50,
        committee_quorum_more_than=True,
        assembly_quorum_percent=30,
        assembly_quorum_more_than=False,
    )
    assert meeting_quorum(meeting).needed == 1
    assert resolve(meeting).number == 1
    with pytest.raises(ValidationError) as exc:
        policy_update(
            fund=fund,
            committee_quorum_percent=0,
            committee_quorum_more_than=True,
            assembly_quorum_percent=101,
            assembly_quorum_more_than=False,
        )
    assert set(exc.value.message_dict) == {"committee_quorum_percent", "assembly_quorum_percent"}


@pytest.mark.parametrize(
    ("base", "percent", "more_than", "needed"),
    [(7, 50, True, 4), (8, 50, True, 5), (8, 50, False, 4), (9, 66, False, 6), (0, 50, True, 1)],
)
def test_quorum_needed_in_whole_people(base, percent, more_than, needed):
    assert quorum_needed(base, percent, more_than) == needed


def test_resolution_numbers_run_per_fiscal_year_without_gaps(world):
    fund = world.fund_a
    first = assembly(fund, dt.date(2023, 3, 1), present=3)
    numbers = [resolve(first, f"มติ {i}").display_number for i in range(3)]
    assert numbers == ["1/2566", "2/2566", "3/2566"]
    # A refused resolution (no title) takes no number.
    with pytest.raises(ValidationError):
        resolve(first, "  ")
    # A transaction that rolls back gives its number back.
    with pytest.raises(RuntimeError), transaction.atomic():
        resolve(first, "ถอนไป")
        raise RuntimeError
    assert resolve(first, "มติ 4").number == 4
    next_year = assembly(fund, dt.date(2024, 1, 20), present=3)
    assert resolve(next_year).display_number == "1/2567"
    year_numbers = sorted(
        Resolution.objects.filter(fund=fund, fiscal_year=2566).values_list("number", flat=True)
    )
    assert year_numbers == [1, 2, 3, 4]
    # Meetings are numbered per kind and year too.
    assert (first.display_number, next_year.display_number) == ("1/2566", "1/2567")


def test_a_planned_meeting_takes_no_attendance_or_resolution(world):
    meeting = meeting_create(
        fund=world.fund_a, kind=MeetingKind.ASSEMBLY, date=TODAY + dt.timedelta(days=10), actor=None
    )
    with pytest.raises(ValidationError):
        attendance_set(meeting=meeting, data=AttendanceInput(members_present=3), today=TODAY)
    with pytest.raises(ValidationError):
        resolve(meeting)


def test_resolution_choices_for_other_apps(world, founded):
    fund, appointment, _terms = founded
    choices = resolution_choices(fund)
    assert [pk for pk, _label in choices] == [appointment.pk]
    label = choices[0][1]
    assert "1/2563" in label and "เลือกตั้งคณะกรรมการ" in label
    assert resolution_choices(world.fund_b) == []
    assert resolution_choices(fund, topic="regulation") == []


def test_terms_are_never_deleted_and_end_cites_a_resolution_in_the_database(world, founded):
    from django.db import IntegrityError

    _fund, _appointment, terms = founded
    with pytest.raises(IntegrityError), transaction.atomic():
        CommitteeTerm.objects.filter(pk=terms["c1"].pk).update(end_date=dt.date(2021, 1, 1))

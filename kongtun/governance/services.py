"""The governance record's write paths: meetings, attendance, numbered resolutions, committee
terms and the quorum rules. Each is one transaction; errors name the field.

Terms and logins (decision 0012): a ``CommitteeTerm`` is the record of office; a
``funds.FundRole`` is the permission to use the software. Appointing a term that names a login
grants the matching role when the login does not hold it yet (and remembers that it did);
ending the term revokes the role it granted, unless another term of the same login and
position is still in office. Roles granted by hand on the roles page are never touched.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kongtun.contributions.services import fiscal_year_be
from kongtun.core.models import counter_next
from kongtun.core.thaidates import format_date
from kongtun.funds.models import Fund, FundRole
from kongtun.funds.services import role_grant, role_revoke
from kongtun.governance.models import (
    SINGLE_SEAT,
    Attendance,
    CommitteeTerm,
    GovernancePolicy,
    Meeting,
    MeetingKind,
    Position,
    Resolution,
)
from kongtun.governance.selectors import (
    committee_on,
    is_committee_member,
    meeting_quorum,
    resolution_choices,
)
from kongtun.members.models import Member

__all__ = [
    "AttendanceInput",
    "ResolutionInput",
    "attendance_set",
    "committee_on",
    "is_committee_member",
    "meeting_create",
    "meeting_update",
    "policy_update",
    "resolution_choices",
    "resolution_record",
    "term_appoint",
    "term_end",
]


def _user(actor: AbstractBaseUser | None) -> AbstractBaseUser | None:
    return actor if actor is not None and actor.is_authenticated else None


# --- quorum rules --------------------------------------------------------------------------


@transaction.atomic
def policy_update(
    *,
    fund: Fund,
    committee_quorum_percent: int,
    committee_quorum_more_than: bool,
    assembly_quorum_percent: int,
    assembly_quorum_more_than: bool,
) -> GovernancePolicy:
    errors = {}
    for name, value in (
        ("committee_quorum_percent", committee_quorum_percent),
        ("assembly_quorum_percent", assembly_quorum_percent),
    ):
        if value is None or not 1 <= int(value) <= 100:
            errors[name] = [_("Give a percentage from 1 to 100.")]
    if errors:
        raise ValidationError(errors)
    policy, _created = GovernancePolicy.objects.select_for_update().get_or_create(fund=fund)
    policy.committee_quorum_percent = int(committee_quorum_percent)
    policy.committee_quorum_more_than = bool(committee_quorum_more_than)
    policy.assembly_quorum_percent = int(assembly_quorum_percent)
    policy.assembly_quorum_more_than = bool(assembly_quorum_more_than)
    policy.save()
    return policy


# --- meetings ------------------------------------------------------------------------------


def _meeting_year(fund: Fund, day: dt.date) -> int:
    return fiscal_year_be(day, fund.fiscal_year_start_month)


@transaction.atomic
def meeting_create(
    *,
    fund: Fund,
    kind: str,
    date: dt.date,
    title: str = "",
    place: str = "",
    agenda: str = "",
    actor: AbstractBaseUser | None,
) -> Meeting:
    """A meeting, numbered per kind and fiscal year (ครั้งที่ 3/2567). It may be planned
    ahead; attendance and resolutions wait until its day."""
    errors: dict[str, list] = {}
    if kind not in MeetingKind.values:
        errors["kind"] = [_("Choose the kind of meeting.")]
    if date is None:
        errors["date"] = [_("Please enter a date.")]
    elif date < fund.founded_on - dt.timedelta(days=366):
        errors["date"] = [_("The date is more than a year before the fund was founded.")]
    if errors:
        raise ValidationError(errors)
    year = _meeting_year(fund, date)
    number = counter_next(fund_id=fund.pk, key=f"meeting:{kind}:{year}")
    return Meeting.objects.create(
        fund=fund,
        kind=kind,
        fiscal_year=year,
        number=number,
        date=date,
        title=title.strip()[:200],
        place=place.strip()[:200],
        agenda=agenda.strip(),
        created_by=_user(actor),
    )


@transaction.atomic
def meeting_update(
    *,
    meeting: Meeting,
    title: str,
    place: str,
    agenda: str,
    minutes: str,
    date: dt.date | None = None,
) -> Meeting:
    """Edit the texts of a meeting. Its date can change only while it has no resolution and
    no attendance (the quorum and the numbers rest on it), and within its fiscal year."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if date is not None and date != meeting.date:
        if meeting.resolutions.exists() or meeting.attendance.exists():
            raise ValidationError(
                {"date": _("The meeting has attendance or resolutions: its date stays.")}
            )
        if _meeting_year(meeting.fund, date) != meeting.fiscal_year:
            raise ValidationError(
                {"date": _("The new date is in another fiscal year: record a new meeting.")}
            )
        meeting.date = date
    meeting.title = title.strip()[:200]
    meeting.place = place.strip()[:200]
    meeting.agenda = agenda.strip()
    meeting.minutes = minutes.strip()
    meeting.save()
    return meeting


@dataclass(frozen=True)
class AttendanceInput:
    term_ids: Sequence[int] = ()
    guests: Sequence[str] = ()
    members_present: int | None = None


@transaction.atomic
def attendance_set(
    *,
    meeting: Meeting,
    data: AttendanceInput,
    today: dt.date | None = None,
) -> list[Attendance]:
    """Record who attended, replacing what was recorded before — until the first resolution:
    the quorum it rested on then stays as it was."""
    today = today or timezone.localdate()
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.date > today:
        raise ValidationError({"__all__": [_("Attendance is recorded on or after the day.")]})
    if meeting.resolutions.exists():
        raise ValidationError(
            {"__all__": [_("Resolutions are recorded: the attendance they rest on stays.")]}
        )
    in_office = {t.pk: t for t in committee_on(meeting.fund, meeting.date)}
    unknown = [i for i in data.term_ids if i not in in_office]
    errors: dict[str, list] = {}
    if unknown:
        errors["terms"] = [_("Only committee members in office on the meeting day are listed.")]
    if meeting.kind == MeetingKind.ASSEMBLY:
        if data.members_present is None or data.members_present < 0:
            errors["members_present"] = [_("Give the number of members present.")]
    elif data.members_present not in (None, 0):
        errors["members_present"] = [_("Members are counted at general assemblies only.")]
    if errors:
        raise ValidationError(errors)
    Attendance.objects.filter(meeting=meeting).delete()
    rows = [
        Attendance(meeting=meeting, term=in_office[i], name=in_office[i].person_name)
        for i in dict.fromkeys(data.term_ids)
    ]
    rows += [
        Attendance(meeting=meeting, name=g.strip()[:200], note=str(_("guest")))
        for g in data.guests
        if g.strip()
    ]
    Attendance.objects.bulk_create(rows)
    meeting.members_present = data.members_present if meeting.kind == MeetingKind.ASSEMBLY else None
    meeting.save(update_fields=["members_present"])
    return rows


# --- resolutions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ResolutionInput:
    title: str
    text: str = ""
    topic: str = Resolution.Topic.GENERAL
    agenda_item: int | None = None
    votes_for: int | None = None
    votes_against: int | None = None
    abstentions: int | None = None


@transaction.atomic
def resolution_record(
    *,
    meeting: Meeting,
    data: ResolutionInput,
    actor: AbstractBaseUser | None,
    today: dt.date | None = None,
) -> Resolution:
    """Record a resolution of a meeting that has its quorum. Numbers run per fund and fiscal
    year from a locked counter: a refused resolution takes no number, two secretaries never
    share one."""
    today = today or timezone.localdate()
    meeting = Meeting.objects.select_for_update().select_related("fund").get(pk=meeting.pk)
    errors: dict[str, list] = {}
    if not data.title.strip():
        errors["title"] = [_("Give the resolution a title.")]
    if data.topic not in Resolution.Topic.values:
        errors["topic"] = [_("Choose a topic.")]
    if data.agenda_item is not None and not 1 <= data.agenda_item <= 99:
        errors["agenda_item"] = [_("An agenda item is a number from 1 to 99.")]
    if meeting.date > today:
        errors["__all__"] = [_("A meeting's resolutions are recorded on or after its day.")]
    else:
        quorum = meeting_quorum(meeting)
        if not quorum.met:
            errors["__all__"] = [
                _(
                    "No quorum: %(present)s present, %(needed)s needed (%(rule)s). "
                    "Record the attendance first."
                )
                % {"present": quorum.present, "needed": quorum.needed, "rule": quorum.rule}
            ]
    if errors:
        raise ValidationError(errors)
    number = counter_next(fund_id=meeting.fund_id, key=f"resolution:{meeting.fiscal_year}")
    return Resolution.objects.create(
        fund=meeting.fund,
        meeting=meeting,
        fiscal_year=meeting.fiscal_year,
        number=number,
        agenda_item=data.agenda_item,
        topic=data.topic,
        title=data.title.strip()[:200],
        text=data.text.strip(),
        votes_for=data.votes_for,
        votes_against=data.votes_against,
        abstentions=data.abstentions,
        created_by=_user(actor),
    )


# --- committee terms -----------------------------------------------------------------------


def _resolution_of(fund: Fund, resolution: Resolution | None, field: str) -> Resolution:
    if resolution is None:
        raise ValidationError({field: _("Cite the resolution that decided this.")})
    if resolution.fund_id != fund.pk:
        raise ValidationError({field: _("This resolution is not this fund's.")})
    return resolution


@transaction.atomic
def term_appoint(
    *,
    fund: Fund,
    position: str,
    start_date: dt.date,
    resolution: Resolution | None,
    person_name: str = "",
    member: Member | None = None,
    user: AbstractBaseUser | None = None,
    grant_role: bool = True,
    actor: AbstractBaseUser | None,
) -> CommitteeTerm:
    """Put a person in a position from ``start_date``, citing the resolution that appointed
    them. One person per single seat (chair, vice-chair, treasurer, secretary, manager) at a
    time: end the holder's term first. With a login and ``grant_role``, the login gets the
    matching role in the fund unless it holds it already."""
    errors: dict[str, list] = {}
    if position not in Position.values:
        errors["position"] = [_("Choose a position.")]
    if start_date is None:
        errors["start_date"] = [_("Please enter a date.")]
    if member is not None and member.fund_id != fund.pk:
        errors["member"] = [_("This member is not in this fund.")]
    name = " ".join((person_name or "").split())
    if not name and member is not None:
        name = member.full_name
    if not name and user is not None:
        name = (user.get_full_name() or user.get_username()).strip()
    if not name:
        errors["person_name"] = [_("Give the person's name, a member number or a login.")]
    try:
        resolution = _resolution_of(fund, resolution, "resolution")
    except ValidationError as exc:
        errors.update(exc.message_dict)
        resolution = None
    if resolution is not None and start_date is not None and resolution.meeting.date > start_date:
        errors["start_date"] = [_("A term starts on or after the meeting that appointed it.")]
    if errors:
        raise ValidationError(errors)
    # Overlapping terms: the new one is open-ended from start_date.
    overlapping = (
        CommitteeTerm.objects.select_for_update()
        .filter(fund=fund, position=position)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=start_date))
    )
    if position in SINGLE_SEAT:
        holder = overlapping.first()
        if holder is not None:
            raise ValidationError(
                {
                    "position": _("%(name)s holds this seat from %(start)s: end that term first.")
                    % {
                        "name": holder.person_name,
                        "start": format_date(holder.start_date, get_language() or "th"),
                    }
                }
            )
    same_person = Q(person_name=name)
    if user is not None:
        same_person |= Q(user=user)
    if member is not None:
        same_person |= Q(member=member)
    if overlapping.filter(same_person).exists():
        raise ValidationError({"position": _("This person already holds this position then.")})
    fund_role = None
    if user is not None and grant_role:
        if not FundRole.objects.filter(
            user=user, fund=fund, role=position, revoked_at__isnull=True
        ).exists():
            fund_role = role_grant(fund=fund, user=user, role=position, actor=_user(actor))
    return CommitteeTerm.objects.create(
        fund=fund,
        position=position,
        person_name=name[:200],
        member=member,
        user=user,
        start_date=start_date,
        appointed_by=resolution,
        fund_role=fund_role,
        created_by=_user(actor),
    )


@transaction.atomic
def term_end(
    *,
    term: CommitteeTerm,
    end_date: dt.date,
    resolution: Resolution | None,
    reason: str,
    today: dt.date | None = None,
) -> CommitteeTerm:
    """End a term on ``end_date`` (the last day in office), citing the resolution. Recorded
    once it has happened (the day is today or past), so the login role this term granted can
    be revoked now — unless another term of the same login and position is still in office."""
    today = today or timezone.localdate()
    term = CommitteeTerm.objects.select_for_update().get(pk=term.pk)
    errors: dict[str, list] = {}
    if term.end_date is not None:
        raise ValidationError({"__all__": [_("This term has already ended.")]})
    if end_date is None:
        errors["end_date"] = [_("Please enter a date.")]
    elif end_date < term.start_date:
        errors["end_date"] = [_("A term cannot end before it started.")]
    elif end_date > today:
        errors["end_date"] = [_("Record the end of a term when it has happened.")]
    if not (reason or "").strip():
        errors["reason"] = [_("Please give the reason.")]
    try:
        resolution = _resolution_of(term.fund, resolution, "resolution")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    term.end_date = end_date
    term.ended_by = resolution
    term.end_reason = reason.strip()[:300]
    term.save(update_fields=["end_date", "ended_by", "end_reason"])
    if term.user_id is not None:
        siblings = CommitteeTerm.objects.filter(
            fund=term.fund, user_id=term.user_id, position=term.position
        )
        still = (
            siblings.exclude(pk=term.pk)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
            .exists()
        )
        if not still:
            granted = siblings.filter(fund_role__isnull=False).values_list("fund_role_id")
            for role in FundRole.objects.filter(pk__in=granted, revoked_at__isnull=True):
                role_revoke(role=role)
    return term

"""Reads of the governance record, for this app's pages and for other apps.

Other apps call ``committee_on`` (who held which position on a date), ``is_committee_member``
(e.g. who may approve a claim on the day it is approved) and ``resolution_choices`` (a
resolution to cite for a regulation version, an appointment, a claim decision).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from kongtun.core.thaidates import current_lang, format_date
from kongtun.funds.models import Fund
from kongtun.governance.models import (
    POSITION_ORDER,
    CommitteeTerm,
    GovernancePolicy,
    Meeting,
    MeetingKind,
    Resolution,
)
from kongtun.members.models import Member, MemberStatus, MemberStatusChange


def policy_of(fund: Fund) -> GovernancePolicy:
    """The fund's quorum rules; the defaults (more than half) until someone changes them.
    Reading never writes."""
    return GovernancePolicy.objects.filter(fund=fund).first() or GovernancePolicy(fund=fund)


def terms_in_office(fund: Fund, on: dt.date) -> QuerySet[CommitteeTerm]:
    return CommitteeTerm.objects.filter(fund=fund, start_date__lte=on).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=on)
    )


def committee_on(fund: Fund, on: dt.date) -> list[CommitteeTerm]:
    """The committee in office on ``on``: one term per seat held that day, chair first."""
    terms = list(
        terms_in_office(fund, on).select_related("member", "user", "appointed_by__meeting")
    )
    terms.sort(key=lambda t: (POSITION_ORDER.get(t.position, 99), t.start_date, t.pk))
    return terms


def is_committee_member(
    fund: Fund, user: AbstractBaseUser | AnonymousUser | None, on: dt.date
) -> bool:
    """Whether the login held any committee position in the fund on that day."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return terms_in_office(fund, on).filter(user=user).exists()


def person_key(term: CommitteeTerm) -> str:
    """One person, however many seats: by login, else member record, else name."""
    if term.user_id:
        return f"u{term.user_id}"
    if term.member_id:
        return f"m{term.member_id}"
    return "n" + " ".join(term.person_name.split()).casefold()


def resolution_label(resolution: Resolution) -> str:
    meeting = resolution.meeting
    return _("Resolution %(number)s, %(meeting)s %(mnumber)s of %(date)s: %(title)s") % {
        "number": resolution.display_number,
        "meeting": meeting.get_kind_display(),
        "mnumber": meeting.display_number,
        "date": format_date(meeting.date, current_lang()),
        "title": resolution.title,
    }


def citable_resolution(
    *, fund_id: int, resolution: Resolution, on: dt.date, not_before: dt.date | None = None
) -> tuple[Resolution | None, str]:
    """The resolution as a record may cite it — the fund's own, of a meeting held on or
    before ``on`` (and, for a decision on a claim, not before ``not_before``, the day of the
    event claimed for) — or None and the reason, for the caller to put on its field (regulation
    approvals, claim reviews)."""
    found = (
        Resolution.objects.select_related("meeting").filter(pk=resolution.pk, fund_id=fund_id)
    ).first()
    if found is None:
        return None, _("Choose one of this fund's resolutions.")
    if found.meeting.date > on:
        return None, _("This resolution's meeting is after today: it cannot be cited yet.")
    if not_before is not None and found.meeting.date < not_before:
        return None, _(
            "This resolution's meeting was before the event claimed for: it cannot have decided "
            "the claim."
        )
    return found, ""


def resolution_choices(
    fund: Fund,
    *,
    topic: str | None = None,
    on_or_before: dt.date | None = None,
    on_or_after: dt.date | None = None,
) -> list[tuple[int, str]]:
    """(id, label) of the fund's resolutions, newest first: for a select box citing one."""
    qs = Resolution.objects.filter(fund=fund).select_related("meeting")
    if topic:
        qs = qs.filter(topic=topic)
    if on_or_before:
        qs = qs.filter(meeting__date__lte=on_or_before)
    if on_or_after:
        qs = qs.filter(meeting__date__gte=on_or_after)
    qs = qs.order_by("-meeting__date", "-fiscal_year", "-number")
    return [(r.pk, resolution_label(r)) for r in qs]


def meetings_of(fund: Fund, *, kind: str = "", year: int | None = None) -> QuerySet[Meeting]:
    qs = Meeting.objects.filter(fund=fund)
    if kind:
        qs = qs.filter(kind=kind)
    if year:
        qs = qs.filter(fiscal_year=year)
    return qs.order_by("-date", "-id")


def active_members_on(fund: Fund, on: dt.date) -> int:
    """Members who had joined by ``on`` and were active that day (from the dated status
    history; a suspended member is a member but holds no vote here)."""
    joined = dict(
        Member.objects.filter(fund=fund, join_date__lte=on).values_list("pk", "join_date")
    )
    status = dict.fromkeys(joined, MemberStatus.ACTIVE)
    for member_id, new_status in (
        MemberStatusChange.objects.filter(member__fund=fund, effective_date__lte=on)
        .order_by("effective_date", "id")
        .values_list("member_id", "status")
    ):
        if member_id in status:
            status[member_id] = new_status
    return sum(1 for s in status.values() if s == MemberStatus.ACTIVE)


@dataclass(frozen=True)
class Quorum:
    kind: str
    base: int  # committee in office, or active members
    present: int
    needed: int
    percent: int
    more_than: bool

    @property
    def met(self) -> bool:
        """With nobody to count (a founding assembly, before the first member joined) an
        assembly decides with those present; a committee meeting needs a committee."""
        if self.base == 0:
            return self.kind == MeetingKind.ASSEMBLY and self.present > 0
        return self.present >= self.needed

    @property
    def rule(self) -> str:
        if self.more_than:
            return _("more than %(p)s%% of %(n)s") % {"p": self.percent, "n": self.base}
        return _("at least %(p)s%% of %(n)s") % {"p": self.percent, "n": self.base}


def quorum_needed(base: int, percent: int, more_than: bool) -> int:
    """The smallest head count that makes the quorum, in whole people: more than 50% of 7 is
    4, of 8 is 5; at least 50% of 8 is 4."""
    if more_than:
        return base * percent // 100 + 1
    return max(1, -(-base * percent // 100))


def meeting_quorum(meeting: Meeting) -> Quorum:
    policy = policy_of(meeting.fund)
    if meeting.kind == MeetingKind.ASSEMBLY:
        base = active_members_on(meeting.fund, meeting.date)
        present = meeting.members_present or 0
        percent, more_than = policy.assembly_quorum_percent, policy.assembly_quorum_more_than
    else:
        in_office = committee_on(meeting.fund, meeting.date)
        people = {person_key(t) for t in in_office}
        base = len(people)
        attended = {
            person_key(a.term)
            for a in meeting.attendance.select_related("term")
            if a.term is not None and a.term.in_office(meeting.date)
        }
        present = len(attended & people)
        percent, more_than = policy.committee_quorum_percent, policy.committee_quorum_more_than
    return Quorum(
        kind=meeting.kind,
        base=base,
        present=present,
        needed=quorum_needed(base, percent, more_than),
        percent=percent,
        more_than=more_than,
    )

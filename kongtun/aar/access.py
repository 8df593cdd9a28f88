"""Who reads and writes a lessons-learned study (decision 0022).

Transcripts are personal data. A study is reached through one of its funds:
``f/<fund_id>/aar/<study_id>/…``. The study's team (``TeamMember``) reads the whole study, from
any of its funds' addresses, whether or not they hold a role in the fund (an academic centre's
researcher often does not). A fund's committee reads that fund's sessions only while the lead
allows it (``StudyFund.committee_may_read``), and never writes. Anyone else — including the
public and other funds' officers — gets 404: the study's existence is not revealed.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from kongtun.aar.models import Session, Study, StudyFund, TeamMember, TeamRole
from kongtun.funds.access import _COMMITTEE, FundAccess, active_roles
from kongtun.funds.models import Fund, Role


class StudyCap(enum.StrEnum):
    #: Read the sessions, transcripts, codes and lessons the user may see.
    READ = "aar_read"
    #: Sessions, participants, transcripts, memos, lessons: any team role.
    WRITE = "aar_write"
    #: Mark segments and apply codes (as oneself): coders and the lead.
    CODE = "aar_code"
    #: The team, the funds, the committee's permission, the phases, settling codings: the lead.
    LEAD = "aar_lead"


_CAPS: dict[StudyCap, frozenset[str]] = {
    StudyCap.READ: frozenset(TeamRole.values),
    StudyCap.WRITE: frozenset(TeamRole.values),
    StudyCap.CODE: frozenset({TeamRole.CODER, TeamRole.LEAD}),
    StudyCap.LEAD: frozenset({TeamRole.LEAD}),
}

#: Fund roles that may start a study in their fund and add it to studies they lead.
STUDY_STARTERS = frozenset({Role.CHAIR, Role.MANAGER, Role.COORDINATOR})


class StudyAccess:
    """One user's view of one study, reached through one of its funds."""

    def __init__(
        self,
        *,
        user: AbstractBaseUser,
        study: Study,
        fund: Fund,
        team_roles: set[str],
        committee_reader: bool,
    ) -> None:
        self.user = user
        self.study = study
        self.fund = fund
        self.team_roles = team_roles
        self.committee_reader = committee_reader
        self.is_superuser = bool(getattr(user, "is_superuser", False))

    @property
    def is_team(self) -> bool:
        return self.is_superuser or bool(self.team_roles)

    def can(self, cap: StudyCap) -> bool:
        if self.is_superuser:
            return True
        if cap == StudyCap.READ and self.committee_reader:
            return True
        return bool(self.team_roles & _CAPS[cap])

    def sessions(self) -> QuerySet[Session]:
        """The sessions this user may read: all of the study's for its team, the URL fund's
        for a committee reader."""
        qs = Session.objects.filter(study=self.study)
        if not self.is_team:
            qs = qs.filter(fund=self.fund)
        return qs

    def session_q(self, prefix: str = "") -> Q:
        """The same rule as a filter on a related model (``prefix`` ends in ``__``)."""
        q = Q(**{f"{prefix}study": self.study})
        if not self.is_team:
            q &= Q(**{f"{prefix}fund": self.fund})
        return q

    @property
    def sees_names(self) -> bool:
        """Participants' real names are for the team; everyone else sees pseudonyms unless the
        participant consented to be named."""
        return self.is_team


def studies_for_user(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Study]:
    """The studies whose team the user is on (every study for a superuser)."""
    if not user.is_authenticated:
        return Study.objects.none()
    if user.is_superuser:
        return Study.objects.all()
    return Study.objects.filter(team__user=user, team__revoked_at__isnull=True).distinct()


def studies_in_fund(user: AbstractBaseUser | AnonymousUser, fund: Fund) -> QuerySet[Study]:
    """The fund's studies the user may open: as team, or as the fund's committee when allowed."""
    if not user.is_authenticated:
        return Study.objects.none()
    in_fund = Study.objects.filter(study_funds__fund=fund)
    if user.is_superuser:
        return in_fund
    committee = active_roles(user).filter(fund=fund, role__in=_COMMITTEE).exists()
    q = Q(team__user=user, team__revoked_at__isnull=True)
    if committee:
        q |= Q(study_funds__fund=fund, study_funds__committee_may_read=True)
    return in_fund.filter(q).distinct()


def study_access(
    user: AbstractBaseUser | AnonymousUser, fund_id: int, study_id: int
) -> StudyAccess:
    """Resolve the user's access to a study through one of its funds, or raise Http404."""
    if not user.is_authenticated:
        raise Http404
    try:
        link = StudyFund.objects.select_related("study", "fund").get(
            study_id=study_id, fund_id=fund_id
        )
    except (StudyFund.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    roles = set(
        TeamMember.objects.filter(study=link.study, user=user, revoked_at__isnull=True).values_list(
            "role", flat=True
        )
    )
    committee = (
        link.committee_may_read
        and active_roles(user).filter(fund=link.fund, role__in=_COMMITTEE).exists()
    )
    if not roles and not committee and not user.is_superuser:
        raise Http404
    return StudyAccess(
        user=user, study=link.study, fund=link.fund, team_roles=roles, committee_reader=committee
    )


def fund_access_soft(user: AbstractBaseUser, fund: Fund) -> FundAccess:
    """The user's fund roles (possibly none) for the navigation: a researcher on the team may
    hold no role in the fund."""
    rows = list(active_roles(user).filter(fund=fund).values_list("role", "member_id"))
    member_id = next((m for r, m in rows if r == Role.MEMBER), None)
    return FundAccess(user, fund, {r for r, _ in rows}, member_id)


def study_view(cap: StudyCap) -> Callable[..., Callable[..., HttpResponse]]:
    """Decorate a view taking ``fund_id`` and ``study_id``: passes ``sa`` (StudyAccess)
    instead; 404 when the user may not see the study, 403 when the role lacks ``cap``."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapper(
            request: HttpRequest, fund_id: int, study_id: int, *args: Any, **kwargs: Any
        ) -> HttpResponse:
            if not request.user.is_authenticated:
                from django.contrib.auth.views import redirect_to_login

                return redirect_to_login(request.get_full_path())
            sa = study_access(request.user, fund_id, study_id)
            if not sa.can(cap):
                raise PermissionDenied
            request.fund_access = fund_access_soft(request.user, sa.fund)  # type: ignore[attr-defined]
            request.study_access = sa  # type: ignore[attr-defined]
            return view(request, sa, *args, **kwargs)

        wrapper.required_capability = cap  # type: ignore[attr-defined]
        return wrapper

    return decorator

"""Who may do what in which fund: the one place every view and endpoint asks.

Every query that returns fund data starts from ``funds_for_user`` or ``fund_for_user``, so a
user of one fund never reaches another's rows. A fund the user holds no role in answers 404
(its existence is not revealed); a fund where the role lacks the capability answers 403.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from kongtun.funds.models import Fund, FundRole, Role


class Cap(enum.StrEnum):
    VIEW_FUND = "view_fund"
    VIEW_MEMBERS = "view_members"
    EDIT_MEMBERS = "edit_members"
    VIEW_PERSONAL = "view_personal"
    #: Contact details, birth dates, beneficiaries and claims (health events) of members: the
    #: fund's committee, not the network's coordinators (who follow funds, not people).
    VIEW_PERSONS = "view_persons"
    MANAGE_FUND = "manage_fund"
    RECORD_MONEY = "record_money"
    VIEW_BOOKS = "view_books"
    DECIDE_CLAIMS = "decide_claims"
    #: Read and export the personal-data access log (PDPA): the chair and the fund's auditor.
    VIEW_ACCESS_LOG = "view_access_log"
    #: Follow the fund in the network: its figures beside others', its key and its reports
    #: received (decision 0025): the network coordinator.
    FOLLOW_NETWORK = "follow_network"


_COMMITTEE = {
    Role.CHAIR,
    Role.VICE_CHAIR,
    Role.TREASURER,
    Role.SECRETARY,
    Role.AUDITOR,
    Role.MANAGER,
    Role.COMMITTEE,
}

CAPABILITIES: dict[Cap, frozenset[str]] = {
    Cap.VIEW_FUND: frozenset(Role.values),
    Cap.VIEW_MEMBERS: frozenset(_COMMITTEE | {Role.COORDINATOR}),
    Cap.EDIT_MEMBERS: frozenset(
        {Role.CHAIR, Role.VICE_CHAIR, Role.SECRETARY, Role.MANAGER, Role.TREASURER, Role.COMMITTEE}
    ),
    Cap.VIEW_PERSONAL: frozenset({Role.CHAIR, Role.VICE_CHAIR, Role.SECRETARY, Role.MANAGER}),
    Cap.VIEW_PERSONS: frozenset(_COMMITTEE),
    Cap.MANAGE_FUND: frozenset({Role.CHAIR, Role.MANAGER}),
    Cap.RECORD_MONEY: frozenset({Role.TREASURER, Role.MANAGER}),
    Cap.VIEW_BOOKS: frozenset(_COMMITTEE | {Role.COORDINATOR}),
    Cap.DECIDE_CLAIMS: frozenset(_COMMITTEE - {Role.AUDITOR}),
    Cap.VIEW_ACCESS_LOG: frozenset({Role.CHAIR, Role.AUDITOR}),
    Cap.FOLLOW_NETWORK: frozenset({Role.COORDINATOR}),
}


def active_roles(user: AbstractBaseUser | AnonymousUser) -> QuerySet[FundRole]:
    if not user.is_authenticated:
        return FundRole.objects.none()
    return FundRole.objects.filter(user=user, revoked_at__isnull=True)


def funds_for_user(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Fund]:
    """The funds where the user holds a role (every fund for a superuser)."""
    if not user.is_authenticated:
        return Fund.objects.none()
    if user.is_superuser:
        return Fund.objects.all()
    return Fund.objects.filter(roles__user=user, roles__revoked_at__isnull=True).distinct()


class FundAccess:
    """The roles one user holds in one fund, and what they allow."""

    def __init__(self, user: AbstractBaseUser, fund: Fund, roles: set[str], member_id: int | None):
        self.user = user
        self.fund = fund
        self.roles = roles
        self.member_id = member_id
        self.is_superuser = bool(getattr(user, "is_superuser", False))

    def can(self, cap: Cap) -> bool:
        return self.is_superuser or bool(self.roles & CAPABILITIES[cap])

    @property
    def only_member(self) -> bool:
        """A plain member login: sees its own record and nothing of other members."""
        return not self.is_superuser and self.roles == {Role.MEMBER}


def fund_access(user: AbstractBaseUser | AnonymousUser, fund_id: int) -> FundAccess:
    """Resolve the user's access to a fund or raise Http404 when they hold no role in it."""
    if not user.is_authenticated:
        raise Http404
    try:
        fund = Fund.objects.select_related("subdistrict__parent__parent").get(pk=fund_id)
    except (Fund.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    rows = list(active_roles(user).filter(fund=fund).values_list("role", "member_id"))
    if not rows and not user.is_superuser:
        raise Http404
    member_id = next((m for r, m in rows if r == Role.MEMBER), None)
    return FundAccess(user, fund, {r for r, _ in rows}, member_id)


def fund_view(cap: Cap) -> Callable[..., Callable[..., HttpResponse]]:
    """Decorate a view taking ``fund_id``: passes ``access`` (FundAccess) instead, 404 when the
    user holds no role in the fund, 403 when the role lacks ``cap``."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, fund_id: int, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                from django.contrib.auth.views import redirect_to_login

                return redirect_to_login(request.get_full_path())
            access = fund_access(request.user, fund_id)
            if not access.can(cap):
                raise PermissionDenied
            request.fund_access = access  # type: ignore[attr-defined]
            return view(request, access, *args, **kwargs)

        wrapper.required_capability = cap  # type: ignore[attr-defined]
        return wrapper

    return decorator

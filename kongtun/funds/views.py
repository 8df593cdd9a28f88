from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kongtun.core.forms import apply_service_errors
from kongtun.funds.access import Cap, FundAccess, active_roles, fund_view, funds_for_user
from kongtun.funds.forms import FundForm, OccupationForm, RoleGrantForm, VillageForm
from kongtun.funds.models import FundRole, Role, RoleInvitation
from kongtun.funds.services import (
    fund_create,
    fund_update,
    occupation_save,
    role_invitation_cancel,
    role_offer,
    role_revoke,
    village_save,
)
from kongtun.members.selectors import member_counts

FUND_FIELD_MAP = {"district_name": "district_name", "subdistrict_name": "subdistrict_name"}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    funds = list(funds_for_user(request.user).select_related("subdistrict__parent__parent"))
    if len(funds) == 1 and not request.user.is_superuser:
        return redirect("fund_dashboard", fund_id=funds[0].pk)
    roles: dict[int, list[str]] = {}
    follows = False
    for r in active_roles(request.user):
        roles.setdefault(r.fund_id, []).append(r.get_role_display())
        follows = follows or r.role == Role.COORDINATOR
    for f in funds:  # each card reads its own roles: no loop over every fund's roles per card
        f.role_names = roles.get(f.pk, [])
    return render(request, "funds/home.html", {"funds": funds, "follows_network": follows})


def _can_create_funds(user: object) -> bool:
    return bool(getattr(user, "is_superuser", False)) or bool(
        getattr(user, "has_perm", lambda p: False)("funds.add_fund")
    )


@login_required
def fund_new(request: HttpRequest) -> HttpResponse:
    if not _can_create_funds(request.user):
        raise PermissionDenied
    form = FundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            fund = fund_create(data=form.to_input(), actor=request.user)
            messages.success(request, _("Fund created. Add villages and the committee next."))
            return redirect("fund_dashboard", fund_id=fund.pk)
        except ValidationError as exc:
            apply_service_errors(form, exc, FUND_FIELD_MAP)
    return render(request, "funds/form.html", {"form": form, "fund": None})


@fund_view(Cap.VIEW_FUND)
def fund_dashboard(request: HttpRequest, access: FundAccess) -> HttpResponse:
    if access.only_member and access.member_id:
        return redirect("member_detail", fund_id=access.fund.pk, member_id=access.member_id)
    counts = member_counts(fund=access.fund)
    recent = access.fund.members.select_related("village").order_by("-join_date", "-id")[:8]
    money = None
    if access.can(Cap.VIEW_BOOKS):
        from kongtun.ledger.selectors import money_summary

        money = money_summary(fund=access.fund, today=timezone.localdate())
    return render(
        request,
        "funds/dashboard.html",
        {"counts": counts, "recent": recent, "fund": access.fund, "money": money},
    )


@fund_view(Cap.MANAGE_FUND)
def fund_settings(request: HttpRequest, access: FundAccess) -> HttpResponse:
    fund = access.fund
    form = FundForm(request.POST or None, initial=FundForm.initial_for(fund))
    form.fields["village_count"].widget = form.fields["village_count"].hidden_widget()
    if request.method == "POST" and form.is_valid():
        try:
            fund_update(fund=fund, data=form.to_input())
            messages.success(request, _("Changes saved."))
            return redirect("fund_dashboard", fund_id=fund.pk)
        except ValidationError as exc:
            apply_service_errors(form, exc, FUND_FIELD_MAP)
    return render(request, "funds/form.html", {"form": form, "fund": fund})


@fund_view(Cap.MANAGE_FUND)
def fund_roles(request: HttpRequest, access: FundAccess) -> HttpResponse:
    fund = access.fund
    form = RoleGrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        member_id = None
        if form.cleaned_data["member_number"]:
            member = fund.members.filter(number=form.cleaned_data["member_number"]).first()
            member_id = member.pk if member else -1
        try:
            given = role_offer(
                fund=fund,
                username=form.cleaned_data["username"],
                role=form.cleaned_data["role"],
                actor=request.user,
                member_id=member_id,
            )
            if isinstance(given, RoleInvitation):
                # The same words whether or not a login of that name exists on the server.
                messages.success(
                    request,
                    _(
                        "The role is offered to the login name “%(username)s”: a login of "
                        "that name receives it at its next sign-in."
                    )
                    % {"username": given.username},
                )
            else:
                messages.success(request, _("Role granted."))
            return redirect("fund_roles", fund_id=fund.pk)
        except ValidationError as exc:
            apply_service_errors(form, exc, {"member": "member_number"})
    roles = (
        FundRole.objects.filter(fund=fund)
        .select_related("user", "member", "granted_by")
        .order_by("revoked_at", "role", "user__username")
    )
    invitations = RoleInvitation.objects.filter(
        fund=fund, accepted_at__isnull=True, cancelled_at__isnull=True
    ).select_related("member")
    return render(
        request,
        "funds/roles.html",
        {"form": form, "roles": roles, "invitations": invitations},
    )


@fund_view(Cap.MANAGE_FUND)
@require_POST
def fund_role_invitation_cancel(
    request: HttpRequest, access: FundAccess, invitation_id: int
) -> HttpResponse:
    invitation = RoleInvitation.objects.filter(pk=invitation_id, fund=access.fund).first()
    if invitation is None:
        raise Http404
    role_invitation_cancel(invitation=invitation)
    messages.success(request, _("The offer is withdrawn."))
    return redirect("fund_roles", fund_id=access.fund.pk)


@fund_view(Cap.MANAGE_FUND)
@require_POST
def fund_role_revoke(request: HttpRequest, access: FundAccess, role_id: int) -> HttpResponse:
    role = FundRole.objects.filter(pk=role_id, fund=access.fund).first()
    if role is None:
        raise Http404
    if role.user_id == request.user.pk and role.role in ("chair", "manager"):
        messages.error(request, _("You cannot revoke your own managing role."))
    else:
        role_revoke(role=role)
        messages.success(request, _("Role revoked."))
    return redirect("fund_roles", fund_id=access.fund.pk)


@fund_view(Cap.VIEW_MEMBERS)
def fund_villages(request: HttpRequest, access: FundAccess) -> HttpResponse:
    form = VillageForm(request.POST or None)
    if request.method == "POST":
        if not access.can(Cap.MANAGE_FUND):
            raise PermissionDenied
        if form.is_valid():
            try:
                village_save(fund=access.fund, **form.cleaned_data)
                messages.success(request, _("Village saved."))
                return redirect("fund_villages", fund_id=access.fund.pk)
            except ValidationError as exc:
                apply_service_errors(form, exc)
    return render(
        request, "funds/villages.html", {"form": form, "villages": access.fund.villages.all()}
    )


@fund_view(Cap.VIEW_MEMBERS)
def fund_occupations(request: HttpRequest, access: FundAccess) -> HttpResponse:
    chosen = access.fund.occupation_groups.filter(code=request.GET.get("code") or "").first()
    fields = ("code", "name_th", "name_en", "active")
    initial = {f: getattr(chosen, f) for f in fields} if chosen else None
    form = OccupationForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not access.can(Cap.MANAGE_FUND):
            raise PermissionDenied
        if form.is_valid():
            try:
                occupation_save(fund=access.fund, **form.cleaned_data)
                messages.success(request, _("Occupation group saved."))
                return redirect("fund_occupations", fund_id=access.fund.pk)
            except ValidationError as exc:
                apply_service_errors(form, exc)
    return render(
        request,
        "funds/occupations.html",
        {"form": form, "groups": access.fund.occupation_groups.all()},
    )

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kongtun.core.forms import apply_service_errors
from kongtun.core.http import file_response
from kongtun.core.pagination import paginate
from kongtun.funds.access import Cap, FundAccess, fund_view
from kongtun.members.exports import (
    CSV,
    XLSX,
    access_log_csv,
    access_log_export_rows,
    access_log_xlsx,
)
from kongtun.members.forms import (
    AccessLogFilterForm,
    BeneficiaryFormSet,
    MemberForm,
    MemberSearchForm,
    RevealForm,
    StatusChangeForm,
    beneficiaries_from,
)
from kongtun.members.models import AccessKind, Member
from kongtun.members.selectors import (
    access_log_rows,
    access_log_search,
    access_log_with_members,
    looks_at_member,
    member_search,
)
from kongtun.members.services import (
    member_create,
    member_set_status,
    member_update,
    personal_data_access_log,
)

PAGE_SIZE = 50


def _member_or_404(access: FundAccess, member_id: int) -> Member:
    """A member of this fund; a plain member login reaches only its own record."""
    if access.only_member and access.member_id != member_id:
        raise Http404
    try:
        return Member.objects.select_related("village", "occupation", "fund").get(
            pk=member_id, fund=access.fund
        )
    except Member.DoesNotExist:
        raise Http404 from None


@fund_view(Cap.VIEW_MEMBERS)
def member_list(request: HttpRequest, access: FundAccess) -> HttpResponse:
    form = MemberSearchForm(request.GET or None, fund=access.fund)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = member_search(
        fund=access.fund,
        q=filters.get("q", ""),
        village_id=filters["village"].pk if filters.get("village") else None,
        status=filters.get("status", ""),
    )
    page = paginate(request, qs, PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "members/list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


def _member_form_page(
    request: HttpRequest, access: FundAccess, member: Member | None
) -> HttpResponse:
    fund = access.fund
    if request.method == "POST":
        form = MemberForm(request.POST, fund=fund)
        formset = BeneficiaryFormSet(request.POST, prefix="ben")
        if form.is_valid() and formset.is_valid():
            try:
                data = form.to_input(beneficiaries_from(formset))
                if member is None:
                    member = member_create(fund=fund, data=data, actor=request.user)
                    messages.success(
                        request, _("Member %(number)s registered.") % {"number": member.number}
                    )
                else:
                    member = member_update(member=member, data=data, actor=request.user)
                    messages.success(request, _("Changes saved."))
                return redirect("member_detail", fund_id=fund.pk, member_id=member.pk)
            except ValidationError as exc:
                apply_service_errors(
                    form, exc, {"village_id": "village", "occupation_id": "occupation"}
                )
                if "beneficiaries" in exc.message_dict:
                    formset._non_form_errors = formset.error_class(
                        exc.message_dict["beneficiaries"]
                    )
    else:
        if member is None:
            form = MemberForm(fund=fund)
            formset = BeneficiaryFormSet(prefix="ben")
        else:
            form = MemberForm(
                fund=fund,
                initial={
                    "number": member.number,
                    "title": member.title,
                    "first_name": member.first_name,
                    "last_name": member.last_name,
                    "national_id": member.national_id,
                    "birth_date": member.birth_date,
                    "sex": member.sex,
                    "village": member.village_id,
                    "address": member.address,
                    "phone": member.phone,
                    "occupation": member.occupation_id,
                    "join_date": member.join_date,
                },
            )
            formset = BeneficiaryFormSet(
                prefix="ben",
                initial=[
                    {
                        "name": b.name,
                        "relationship": b.relationship,
                        "share_percent": b.share_percent,
                    }
                    for b in member.beneficiaries.filter(replaced_at__isnull=True)
                ],
            )
    if member is not None:
        # The edit page shows the full national ID, the contacts and the beneficiaries.
        personal_data_access_log(
            access=access,
            members=[member],
            kinds=[AccessKind.NATIONAL_ID, AccessKind.CONTACTS, AccessKind.BENEFICIARIES],
            path=request.get_full_path(),
        )
    return render(
        request, "members/form.html", {"form": form, "formset": formset, "member": member}
    )


@fund_view(Cap.EDIT_MEMBERS)
def member_new(request: HttpRequest, access: FundAccess) -> HttpResponse:
    return _member_form_page(request, access, None)


@fund_view(Cap.EDIT_MEMBERS)
def member_edit(request: HttpRequest, access: FundAccess, member_id: int) -> HttpResponse:
    member = _member_or_404(access, member_id)
    if not access.can(Cap.VIEW_PERSONAL):
        # Editing shows the national ID; only roles that may see it may edit the record.
        raise PermissionDenied
    return _member_form_page(request, access, member)


@fund_view(Cap.VIEW_FUND)
def member_detail(request: HttpRequest, access: FundAccess, member_id: int) -> HttpResponse:
    if not (access.can(Cap.VIEW_MEMBERS) or access.member_id == member_id):
        raise Http404
    member = _member_or_404(access, member_id)
    return _detail_page(request, access, member)


def _detail_page(
    request: HttpRequest,
    access: FundAccess,
    member: Member,
    *,
    status_form: StatusChangeForm | None = None,
    reveal_form: RevealForm | None = None,
    status: int = 200,
) -> HttpResponse:
    own_record = access.member_id == member.pk
    show_person = access.can(Cap.VIEW_PERSONS) or own_record
    if status_form is None and access.can(Cap.EDIT_MEMBERS):
        status_form = StatusChangeForm()
    if show_person:
        # Birth date, address, phone, beneficiaries and the member's claims (health events).
        personal_data_access_log(
            access=access,
            members=[member],
            kinds=[AccessKind.CONTACTS, AccessKind.BENEFICIARIES, AccessKind.HEALTH],
            path=request.get_full_path(),
        )
    return render(
        request,
        "members/detail.html",
        {
            "member": member,
            "own_record": own_record,
            "beneficiaries": member.beneficiaries.filter(replaced_at__isnull=True),
            "history": member.status_changes.select_related("changed_by").order_by(
                "effective_date", "id"
            ),
            "status_form": status_form,
            "can_reveal": access.can(Cap.VIEW_PERSONAL) or own_record,
            "reveal_form": reveal_form or RevealForm(),
            "show_person": show_person,
            # "Who saw my data": only on the member's own page, looks by others.
            "looks_at_me": looks_at_member(member=member, exclude_user=request.user)
            if own_record
            else None,
        },
        status=status,
    )


@fund_view(Cap.EDIT_MEMBERS)
@require_POST
def member_status(request: HttpRequest, access: FundAccess, member_id: int) -> HttpResponse:
    member = _member_or_404(access, member_id)
    form = StatusChangeForm(request.POST)
    if form.is_valid():
        try:
            member_set_status(
                member=member,
                status=form.cleaned_data["status"],
                effective_date=form.cleaned_data["effective_date"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
            messages.success(request, _("Status changed."))
            return redirect("member_detail", fund_id=access.fund.pk, member_id=member.pk)
        except ValidationError as exc:
            apply_service_errors(form, exc)
    return _detail_page(request, access, member, status_form=form, status=400)


@fund_view(Cap.VIEW_FUND)
@require_POST
def member_reveal(request: HttpRequest, access: FundAccess, member_id: int) -> HttpResponse:
    """Show the full national ID once, with the reason asked, and log who looked (PDPA)."""
    member = _member_or_404(access, member_id)
    if not (access.can(Cap.VIEW_PERSONAL) or access.member_id == member.pk):
        raise PermissionDenied
    form = RevealForm(request.POST, reason_required=access.member_id != member.pk)
    if not form.is_valid():
        return _detail_page(request, access, member, reveal_form=form, status=400)
    personal_data_access_log(
        access=access,
        members=[member],
        kinds=[AccessKind.NATIONAL_ID],
        reason=form.cleaned_data["reason"],
        path=request.get_full_path(),
    )
    return render(request, "members/_reveal.html", {"member": member})


@fund_view(Cap.VIEW_FUND)
def my_record(request: HttpRequest, access: FundAccess) -> HttpResponse:
    if access.member_id is None:
        raise Http404
    return redirect("member_detail", fund_id=access.fund.pk, member_id=access.member_id)


# --- the personal-data access log (PDPA) -----------------------------------------------------


def _log_filters(form: AccessLogFilterForm, fund: object) -> dict:
    f = form.cleaned_data if form.is_valid() else {}
    member_ids = None
    if f.get("member"):
        member_ids = member_search(fund=fund, q=f["member"]).values("pk")
    return {
        "member_ids": member_ids,
        "user_id": f["person"].pk if f.get("person") else None,
        "kind": f.get("kind", ""),
        "date_from": f.get("date_from"),
        "date_to": f.get("date_to"),
    }


@fund_view(Cap.VIEW_ACCESS_LOG)
def access_log(request: HttpRequest, access: FundAccess) -> HttpResponse:
    """Who saw which members' personal data, when and why: for the chair and the auditor, with
    filters, and as a spreadsheet or CSV (``?format=xlsx`` / ``csv``)."""
    form = AccessLogFilterForm(request.GET or None, fund=access.fund)
    looks = access_log_search(fund=access.fund, **_log_filters(form, access.fund))
    fmt = request.GET.get("format", "")
    if fmt in ("xlsx", "csv"):
        rows = access_log_export_rows(access_log_rows(looks))
        name = f"pdpa-log-{access.fund.short_code}-{timezone.localdate():%Y%m%d}"
        if fmt == "xlsx":
            return file_response(access_log_xlsx(rows), XLSX, f"{name}.xlsx", inline=False)
        return file_response(access_log_csv(rows), CSV, f"{name}.csv", inline=False)
    page = paginate(request, looks, PAGE_SIZE)
    page.object_list = access_log_with_members(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    return render(
        request,
        "members/access_log.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )

"""Capital mobilization pages. Reading needs ``view_books``; recording money needs
``record_money``; agencies and matching requests (documents, not money) need ``record_money``
or ``manage_fund``."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kongtun.core.concurrency import as_pk, submit_once
from kongtun.core.forms import apply_service_errors
from kongtun.core.thaidates import BE_OFFSET
from kongtun.funds.access import Cap, FundAccess, fund_view
from kongtun.ledger.masking import hides_persons, mask_entries
from kongtun.ledger.models import Agency, JournalEntry
from kongtun.ledger.reports import fiscal_year_be, fiscal_year_bounds
from kongtun.mobilization.forms import AgencyForm, MoneyForm, RequestForm, SubmitForm
from kongtun.mobilization.models import MatchingRequest, MembersRule, RequestStatus
from kongtun.mobilization.selectors import (
    agencies_with_totals,
    agency_entries,
    money_by_kind,
    request_receipts,
    request_totals,
    requests_list,
)
from kongtun.mobilization.services import (
    DEFAULT_KIND,
    MoneyKind,
    agency_create,
    agency_money_record,
    agency_update,
    matching_request_create,
    matching_request_recompute,
    matching_request_submit,
    matching_request_update,
)
from kongtun.mobilization.xlsx import request_title, request_xlsx


def _may_edit_documents(access: FundAccess) -> bool:
    return access.can(Cap.RECORD_MONEY) or access.can(Cap.MANAGE_FUND)


def _require_documents(access: FundAccess) -> None:
    if not _may_edit_documents(access):
        raise PermissionDenied


def _agency_or_404(access: FundAccess, agency_id: int) -> Agency:
    agency = Agency.objects.filter(pk=agency_id, fund=access.fund).first()
    if agency is None:
        raise Http404
    return agency


def _request_or_404(access: FundAccess, request_id: int) -> MatchingRequest:
    obj = (
        MatchingRequest.objects.select_related("agency", "fund", "created_by")
        .filter(pk=request_id, fund=access.fund)
        .first()
    )
    if obj is None:
        raise Http404
    return obj


# --- overview and agencies -----------------------------------------------------------------


@fund_view(Cap.VIEW_BOOKS)
def overview(request: HttpRequest, access: FundAccess) -> HttpResponse:
    fund = access.fund
    today = timezone.localdate()
    start, end = fiscal_year_bounds(fund, today)
    kinds = money_by_kind(fund=fund, start=start, end=end)
    return render(
        request,
        "mobilization/overview.html",
        {
            "kinds": kinds,
            "kinds_total": sum(r["amount"] for r in kinds),
            "fy_be": fiscal_year_be(fund, today),
            "fy_start": start,
            "fy_end": end,
            "agencies": agencies_with_totals(fund),
            "requests": requests_list(fund, limit=50),
            "may_edit": _may_edit_documents(access),
        },
    )


@fund_view(Cap.VIEW_BOOKS)
def agencies(request: HttpRequest, access: FundAccess) -> HttpResponse:
    form = AgencyForm(request.POST or None)
    if request.method == "POST":
        _require_documents(access)
        if form.is_valid():
            try:
                agency = agency_create(fund=access.fund, **form.cleaned_data)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("Agency %(name)s added.") % {"name": agency.name})
                return redirect("mobilization_agencies", fund_id=access.fund.pk)
    return render(
        request,
        "mobilization/agencies.html",
        {
            "form": form,
            "rows": agencies_with_totals(access.fund),
            "may_edit": _may_edit_documents(access),
        },
        status=400 if form.errors else 200,
    )


@fund_view(Cap.VIEW_BOOKS)
def agency_detail(request: HttpRequest, access: FundAccess, agency_id: int) -> HttpResponse:
    agency = _agency_or_404(access, agency_id)
    form = None
    if _may_edit_documents(access):
        form = AgencyForm(
            request.POST if request.method == "POST" else None,
            initial={"name": agency.name, "kind": agency.kind},
        )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                agency_update(agency=agency, **form.cleaned_data)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("Changes saved."))
                return redirect("mobilization_agency", fund_id=access.fund.pk, agency_id=agency.pk)
    return render(
        request,
        "mobilization/agency.html",
        {
            "agency": agency,
            "form": form,
            "entries": (mask_entries if hides_persons(access) else list)(
                agency_entries(agency)[:100]
            ),
            "requests": requests_list(access.fund, agency=agency),
        },
        status=400 if form is not None and form.errors else 200,
    )


# --- money in ------------------------------------------------------------------------------


def _money_page(
    request: HttpRequest, access: FundAccess, mreq: MatchingRequest | None
) -> HttpResponse:
    fund = access.fund
    initial = {"date": timezone.localdate(), "into": "bank"}
    agency_id = request.GET.get("agency")
    if mreq is not None:
        initial.update(agency=mreq.agency_id, kind=DEFAULT_KIND.get(mreq.agency.kind))
        totals = request_totals(mreq)
        if totals.outstanding:
            initial["amount"] = f"{totals.outstanding:.2f}"
        if initial["kind"] not in (MoneyKind.MATCHING_LOCAL, MoneyKind.MATCHING_CENTRAL):
            initial["kind"] = MoneyKind.MATCHING_CENTRAL
    elif agency_id and agency_id.isdigit():
        agency = Agency.objects.filter(pk=int(agency_id), fund=fund).first()
        if agency is not None:
            initial.update(agency=agency.pk, kind=DEFAULT_KIND.get(agency.kind))
    form = MoneyForm(request.POST or None, fund=fund, initial=initial)
    if mreq is not None:
        form.fields["agency"].queryset = form.fields["agency"].queryset.filter(pk=mreq.agency_id)
        form.fields["kind"].choices = [
            c
            for c in MoneyKind.choices
            if c[0] in (MoneyKind.MATCHING_LOCAL, MoneyKind.MATCHING_CENTRAL)
        ]
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            entry, _replayed = submit_once(
                request,
                fund_id=fund.pk,
                scope="mobilization.money",
                action=lambda: agency_money_record(
                    fund=fund,
                    agency_id=d["agency"].pk,
                    date=d["date"],
                    kind=d["kind"],
                    amount=d["amount"],
                    into=d["into"],
                    reference=d["reference"],
                    note=d["note"],
                    request_id=mreq.pk if mreq is not None else None,
                    actor=request.user,
                ),
                **as_pk(JournalEntry),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc, {"lines": "date", "account": "__all__"})
        else:
            messages.success(
                request,
                _("%(amount)s baht from %(agency)s posted as entry %(seq)s.")
                % {"amount": f"{d['amount']:,.2f}", "agency": d["agency"].name, "seq": entry.seq},
            )
            if mreq is not None:
                return redirect("mobilization_request", fund_id=fund.pk, request_id=mreq.pk)
            return redirect("ledger_entry", fund_id=fund.pk, entry_id=entry.pk)
    return render(
        request,
        "mobilization/money.html",
        {"form": form, "mreq": mreq, "has_agencies": Agency.objects.filter(fund=fund).exists()},
        status=400 if form.errors else 200,
    )


@fund_view(Cap.RECORD_MONEY)
def money_new(request: HttpRequest, access: FundAccess) -> HttpResponse:
    return _money_page(request, access, None)


@fund_view(Cap.RECORD_MONEY)
def request_receive(request: HttpRequest, access: FundAccess, request_id: int) -> HttpResponse:
    mreq = _request_or_404(access, request_id)
    if mreq.status != RequestStatus.SUBMITTED:
        messages.error(request, _("Submit the request before recording money against it."))
        return redirect("mobilization_request", fund_id=access.fund.pk, request_id=mreq.pk)
    return _money_page(request, access, mreq)


# --- matching requests ---------------------------------------------------------------------


@fund_view(Cap.VIEW_BOOKS)
def request_new(request: HttpRequest, access: FundAccess) -> HttpResponse:
    _require_documents(access)
    fund = access.fund
    # Default: the last fiscal year that has ended.
    start, _end = fiscal_year_bounds(fund, timezone.localdate())
    prev_start, prev_end = fiscal_year_bounds(fund, start - dt.timedelta(days=1))
    form = RequestForm(
        request.POST or None,
        fund=fund,
        initial={"period_start": prev_start, "period_end": prev_end, "ratio": "1.00"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            mreq = matching_request_create(fund=fund, data=form.to_input(), actor=request.user)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Matching request %(n)s computed: check the list, then submit it.")
                % {"n": mreq.number},
            )
            return redirect("mobilization_request", fund_id=fund.pk, request_id=mreq.pk)
    return render(
        request,
        "mobilization/request_form.html",
        {
            "form": form,
            "mreq": None,
            "has_agencies": Agency.objects.filter(fund=fund).exists(),
        },
        status=400 if form.errors else 200,
    )


@fund_view(Cap.VIEW_BOOKS)
def request_edit(request: HttpRequest, access: FundAccess, request_id: int) -> HttpResponse:
    _require_documents(access)
    mreq = _request_or_404(access, request_id)
    if mreq.status != RequestStatus.DRAFT:
        messages.error(request, _("This request was submitted; its list no longer changes."))
        return redirect("mobilization_request", fund_id=access.fund.pk, request_id=mreq.pk)
    form = RequestForm(
        request.POST or None,
        fund=access.fund,
        initial={
            "agency": mreq.agency_id,
            "period_start": mreq.period_start,
            "period_end": mreq.period_end,
            "ratio": f"{mreq.ratio:.2f}",
            "cap_per_member_year": mreq.cap_per_member_year,
            "members_rule": mreq.members_rule,
            "reference": mreq.reference,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            matching_request_update(request=mreq, data=form.to_input())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Changes saved and the list computed again."))
            return redirect("mobilization_request", fund_id=access.fund.pk, request_id=mreq.pk)
    return render(
        request,
        "mobilization/request_form.html",
        {"form": form, "mreq": mreq, "has_agencies": True},
        status=400 if form.errors else 200,
    )


def _request_context(access: FundAccess, mreq: MatchingRequest) -> dict:
    # The list names every member who paid: the committee's (view_persons); others read the
    # totals only (ledger.masking).
    hidden = hides_persons(access)
    lines = (
        []
        if hidden
        else list(mreq.lines.select_related("member", "member__village").order_by("member__number"))
    )
    return {
        "mreq": mreq,
        "lines": lines,
        "members_hidden": hidden,
        "totals": request_totals(mreq),
        "title": request_title(mreq),
        "rule_label": MembersRule(mreq.members_rule).label,
    }


@fund_view(Cap.VIEW_BOOKS)
def request_detail(request: HttpRequest, access: FundAccess, request_id: int) -> HttpResponse:
    mreq = _request_or_404(access, request_id)
    context = _request_context(access, mreq)
    receipts = request_receipts(mreq)
    if hides_persons(access):
        mask_entries(r.entry for r in receipts)
    context.update(
        receipts=receipts,
        may_edit=_may_edit_documents(access),
        submit_form=SubmitForm(initial={"submitted_on": timezone.localdate()}),
        period_open=mreq.period_end >= timezone.localdate(),
    )
    return render(request, "mobilization/request.html", context)


@fund_view(Cap.VIEW_BOOKS)
@require_POST
def request_recompute(request: HttpRequest, access: FundAccess, request_id: int) -> HttpResponse:
    _require_documents(access)
    mreq = _request_or_404(access, request_id)
    try:
        matching_request_recompute(request=mreq)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The list was computed again from the payments."))
    return redirect("mobilization_request", fund_id=access.fund.pk, request_id=mreq.pk)


@fund_view(Cap.VIEW_BOOKS)
@require_POST
def request_submit(request: HttpRequest, access: FundAccess, request_id: int) -> HttpResponse:
    _require_documents(access)
    mreq = _request_or_404(access, request_id)
    form = SubmitForm(request.POST)
    if form.is_valid():
        try:
            matching_request_submit(request=mreq, submitted_on=form.cleaned_data["submitted_on"])
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Marked as submitted; the list is now fixed."))
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect("mobilization_request", fund_id=access.fund.pk, request_id=mreq.pk)


@fund_view(Cap.VIEW_BOOKS)
def request_print(request: HttpRequest, access: FundAccess, request_id: int) -> HttpResponse:
    mreq = _request_or_404(access, request_id)
    return render(request, "mobilization/request_print.html", _request_context(access, mreq))


@fund_view(Cap.VIEW_BOOKS)
def request_download(request: HttpRequest, access: FundAccess, request_id: int) -> HttpResponse:
    if hides_persons(access):
        raise PermissionDenied  # the workbook is the list of members itself
    mreq = _request_or_404(access, request_id)
    context = _request_context(access, mreq)
    content = request_xlsx(mreq, context["lines"], context["totals"])
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    year = mreq.period_end.year + BE_OFFSET
    name = f"matching-{access.fund.short_code}-{mreq.number}-{year}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response

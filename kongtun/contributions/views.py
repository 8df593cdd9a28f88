from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kongtun.contributions.forms import (
    BatchHeaderForm,
    PaymentForm,
    PlanAssignForm,
    PlanForm,
    PolicyForm,
    VoidForm,
)
from kongtun.contributions.models import ContributionPlan, Receipt
from kongtun.contributions.selectors import arrears_list
from kongtun.contributions.services import (
    PaymentInput,
    arrears_apply_rule,
    contributions_record,
    member_arrears,
    plan_assign,
    policy_of,
    receipt_void,
)
from kongtun.core.forms import AMOUNT_ERRORS, apply_service_errors
from kongtun.core.money import AmountError, parse_amount
from kongtun.funds.access import Cap, FundAccess, fund_view
from kongtun.members.models import Member


def _receipt_or_404(access: FundAccess, receipt_id: int) -> Receipt:
    receipt = (
        Receipt.objects.select_related("member", "entry", "void_entry", "fund")
        .filter(pk=receipt_id, fund=access.fund)
        .first()
    )
    if receipt is None or (access.only_member and receipt.member_id != access.member_id):
        raise Http404
    return receipt


@fund_view(Cap.VIEW_BOOKS)
def overview(request: HttpRequest, access: FundAccess) -> HttpResponse:
    today = timezone.localdate()
    return render(
        request,
        "contributions/overview.html",
        {
            "plans": access.fund.contribution_plans.all(),
            "policy": policy_of(access.fund),
            "arrears_count": len(arrears_list(fund=access.fund, as_of=today)),
            "recent": Receipt.objects.filter(fund=access.fund)
            .select_related("member")
            .order_by("-issued_on", "-number")[:10],
        },
    )


@fund_view(Cap.RECORD_MONEY)
def pay(request: HttpRequest, access: FundAccess) -> HttpResponse:
    initial = {"paid_on": timezone.localdate(), "member_number": request.GET.get("member", "")}
    form = PaymentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            [receipt] = contributions_record(
                fund=access.fund,
                items=[
                    PaymentInput(d["member_number"], d["amount"], d["periods"], d["entrance_fee"])
                ],
                paid_on=d["paid_on"],
                into=d["into"],
                actor=request.user,
            )
            messages.success(request, _("Receipt %(n)s issued.") % {"n": receipt.display_number})
            return redirect("receipt_detail", fund_id=access.fund.pk, receipt_id=receipt.pk)
        except ValidationError as exc:
            apply_service_errors(form, exc)
    return render(request, "contributions/pay.html", {"form": form})


@fund_view(Cap.RECORD_MONEY)
def member_lookup(request: HttpRequest, access: FundAccess) -> JsonResponse:
    """For the batch page: the member behind a number, the plan amount and the arrears."""
    number = (request.GET.get("number") or "").strip()
    member = Member.objects.filter(fund=access.fund, number=number).first()
    if member is None:
        return JsonResponse({"found": False, "error": _("No member with this number.")})
    arrears = member_arrears(member, as_of=timezone.localdate())
    plan = arrears.plan
    return JsonResponse(
        {
            "found": True,
            "name": member.full_name,
            "status": member.get_status_display(),
            "payable": member.status in ("active", "suspended"),
            "plan": str(plan) if plan else "",
            "amount": f"{plan.amount:.2f}" if plan else "",
            "periods_unpaid": arrears.periods_unpaid,
            "next_month": f"{arrears.next_month.month:02d}/{arrears.next_month.year + 543}",
        }
    )


def _batch_rows(post: dict) -> list[dict]:
    numbers = post.getlist("number")
    amounts = post.getlist("amount")
    rows = []
    for i, (number, amount) in enumerate(zip(numbers, amounts, strict=False), 1):
        if number.strip() or amount.strip():
            rows.append({"row": i, "number": number.strip(), "amount": amount.strip()})
    return rows


@fund_view(Cap.RECORD_MONEY)
def batch(request: HttpRequest, access: FundAccess) -> HttpResponse:
    """The monthly meeting: many payments typed in a row, posted in one transaction."""
    header = BatchHeaderForm(request.POST or None, initial={"paid_on": timezone.localdate()})
    rows: list[dict] = []
    row_errors: dict[int, list[str]] = {}
    if request.method == "POST":
        rows = _batch_rows(request.POST)
        items = []
        for r in rows:
            try:
                amount = parse_amount(r["amount"])
            except AmountError as exc:
                row_errors.setdefault(r["row"], []).append(str(AMOUNT_ERRORS[exc.code]))
                continue
            items.append(PaymentInput(r["number"], amount, row=r["row"]))
        if not rows:
            header.add_error(None, _("Type at least one member number."))
        if header.is_valid() and rows and not row_errors:
            try:
                receipts = contributions_record(
                    fund=access.fund,
                    items=items,
                    paid_on=header.cleaned_data["paid_on"],
                    into=header.cleaned_data["into"],
                    actor=request.user,
                )
                total = sum((r.total for r in receipts), Decimal("0"))
                messages.success(
                    request,
                    _("%(n)s payments recorded, %(total)s baht; receipts %(first)s–%(last)s.")
                    % {
                        "n": len(receipts),
                        "total": f"{total:,.2f}",
                        "first": receipts[0].display_number,
                        "last": receipts[-1].display_number,
                    },
                )
                return redirect("contributions_receipts", fund_id=access.fund.pk)
            except ValidationError as exc:
                for key, msgs in exc.message_dict.items():
                    if key.startswith("row"):
                        row_errors.setdefault(int(key[3:].split(".")[0]), []).extend(msgs)
                    else:
                        for m in msgs:
                            header.add_error(None, m)
        for r in rows:
            r["errors"] = row_errors.get(r["row"], [])
    return render(
        request,
        "contributions/batch.html",
        {"header": header, "rows": rows, "has_errors": bool(row_errors)},
        status=400 if row_errors else 200,
    )


@fund_view(Cap.VIEW_BOOKS)
def receipts(request: HttpRequest, access: FundAccess) -> HttpResponse:
    qs = (
        Receipt.objects.filter(fund=access.fund)
        .select_related("member")
        .order_by("-fiscal_year", "-number")
    )
    year = request.GET.get("year", "")
    if year.isdigit():
        qs = qs.filter(fiscal_year=int(year))
    years = (
        Receipt.objects.filter(fund=access.fund)
        .values_list("fiscal_year", flat=True)
        .distinct()
        .order_by("-fiscal_year")
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "contributions/receipts.html",
        {"page": page, "years": years, "year": year, "query": f"year={year}" if year else ""},
    )


@fund_view(Cap.VIEW_FUND)
def receipt_detail(request: HttpRequest, access: FundAccess, receipt_id: int) -> HttpResponse:
    if not (access.can(Cap.VIEW_BOOKS) or access.member_id):
        raise Http404
    receipt = _receipt_or_404(access, receipt_id)
    return render(
        request,
        "contributions/receipt.html",
        {
            "receipt": receipt,
            "void_form": VoidForm() if access.can(Cap.RECORD_MONEY) else None,
        },
    )


@fund_view(Cap.RECORD_MONEY)
@require_POST
def receipt_void_view(request: HttpRequest, access: FundAccess, receipt_id: int) -> HttpResponse:
    receipt = _receipt_or_404(access, receipt_id)
    form = VoidForm(request.POST)
    if form.is_valid():
        try:
            receipt_void(receipt=receipt, reason=form.cleaned_data["reason"], actor=request.user)
            messages.success(request, _("The receipt is void; a reversing entry was posted."))
        except ValidationError as exc:
            for msgs in exc.message_dict.values():
                for m in msgs:
                    messages.error(request, m)
    else:
        messages.error(request, _("Please give the reason."))
    return redirect("receipt_detail", fund_id=access.fund.pk, receipt_id=receipt.pk)


@fund_view(Cap.VIEW_BOOKS)
def arrears(request: HttpRequest, access: FundAccess) -> HttpResponse:
    today = timezone.localdate()
    if request.method == "POST":
        if not access.can(Cap.RECORD_MONEY):
            raise PermissionDenied
        suspended = arrears_apply_rule(fund=access.fund, on=today, actor=request.user)
        messages.success(
            request, _("%(n)s member(s) suspended for arrears.") % {"n": len(suspended)}
        )
        return redirect("contributions_arrears", fund_id=access.fund.pk)
    rows = arrears_list(fund=access.fund, as_of=today)
    return render(
        request,
        "contributions/arrears.html",
        {
            "page": Paginator(rows, 100).get_page(request.GET.get("page")),
            "policy": policy_of(access.fund),
            "total": sum((r["amount_unpaid"] for r in rows), Decimal("0")),
            "count": len(rows),
        },
    )


@fund_view(Cap.MANAGE_FUND)
def settings_page(request: HttpRequest, access: FundAccess) -> HttpResponse:
    policy = policy_of(access.fund)
    policy_form = PolicyForm(
        request.POST if "policy" in request.POST else None, instance=policy, prefix="policy"
    )
    plan_form = PlanForm(request.POST if "plan" in request.POST else None, prefix="plan")
    if request.method == "POST":
        if "policy" in request.POST and policy_form.is_valid():
            policy_form.save()
            messages.success(request, _("Changes saved."))
            return redirect("contributions_settings", fund_id=access.fund.pk)
        if "plan" in request.POST and plan_form.is_valid():
            plan = plan_form.save(commit=False)
            plan.fund = access.fund
            plan.save()
            messages.success(request, _("Plan added."))
            return redirect("contributions_settings", fund_id=access.fund.pk)
    return render(
        request,
        "contributions/settings.html",
        {
            "policy_form": policy_form,
            "plan_form": plan_form,
            "plans": ContributionPlan.objects.filter(fund=access.fund),
        },
    )


@fund_view(Cap.EDIT_MEMBERS)
@require_POST
def member_plan(request: HttpRequest, access: FundAccess, member_id: int) -> HttpResponse:
    member = Member.objects.filter(pk=member_id, fund=access.fund).first()
    if member is None:
        raise Http404
    form = PlanAssignForm(request.POST, fund=access.fund)
    if form.is_valid():
        plan_assign(
            member=member,
            plan=form.cleaned_data["plan"],
            effective_date=form.cleaned_data["effective_date"] or dt.date.today(),
        )
        messages.success(request, _("Plan changed."))
    else:
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
    return redirect("member_detail", fund_id=access.fund.pk, member_id=member.pk)

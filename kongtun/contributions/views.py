from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from kongtun.contributions.forms import (
    BatchHeaderForm,
    BatchRowForm,
    PaymentForm,
    PlanAssignForm,
    PlanForm,
    PolicyForm,
    VoidForm,
)
from kongtun.contributions.models import ContributionPlan, Receipt
from kongtun.contributions.selectors import arrears_count, arrears_list
from kongtun.contributions.services import (
    PaymentInput,
    arrears_apply_rule,
    arrears_rule,
    contributions_check,
    contributions_record,
    member_arrears,
    plan_assign,
    policy_of,
    receipt_void,
    repeated_rows,
)
from kongtun.core.concurrency import (
    KeyReused,
    as_pk,
    as_pks,
    fingerprint,
    new_key,
    run_once,
    submit_once,
)
from kongtun.core.forms import apply_service_errors
from kongtun.core.models import IdempotencyKey
from kongtun.core.pagination import paginate
from kongtun.funds.access import Cap, FundAccess, fund_view
from kongtun.ledger.masking import hides_persons, mask_receipts
from kongtun.members.models import Member
from kongtun.members.selectors import member_lookup as member_lookup_select


def _receipts_for(access: FundAccess, receipts: Iterable[Receipt]) -> list[Receipt]:
    receipts = list(receipts)
    return mask_receipts(receipts) if hides_persons(access) else receipts


def _receipt_or_404(access: FundAccess, receipt_id: int) -> Receipt:
    receipt = (
        Receipt.objects.select_related("member", "entry", "void_entry", "fund")
        .filter(pk=receipt_id, fund=access.fund)
        .first()
    )
    if receipt is None or (access.only_member and receipt.member_id != access.member_id):
        raise Http404
    if hides_persons(access) and receipt.member_id != access.member_id:
        raise Http404  # a receipt names its payer: the committee's (ledger.masking)
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
            "rule": arrears_rule(access.fund, today),
            "arrears_count": arrears_count(fund=access.fund, as_of=today),
            "recent": _receipts_for(
                access,
                Receipt.objects.filter(fund=access.fund)
                .select_related("member")
                .order_by("-issued_on", "-number")[:10],
            ),
        },
    )


@fund_view(Cap.RECORD_MONEY)
def pay(request: HttpRequest, access: FundAccess) -> HttpResponse:
    initial = {"paid_on": timezone.localdate(), "member_number": request.GET.get("member", "")}
    form = PaymentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            [receipt], replayed = submit_once(
                request,
                fund_id=access.fund.pk,
                scope="contributions.pay",
                action=lambda: contributions_record(
                    fund=access.fund,
                    items=[
                        PaymentInput(
                            d["member_number"], d["amount"], d["periods"], d["entrance_fee"]
                        )
                    ],
                    paid_on=d["paid_on"],
                    into=d["into"],
                    actor=request.user,
                ),
                **as_pks(Receipt),
            )
            if replayed:
                messages.info(request, _("This was already saved; nothing was recorded twice."))
            messages.success(request, _("Receipt %(n)s issued.") % {"n": receipt.display_number})
            return redirect("receipt_detail", fund_id=access.fund.pk, receipt_id=receipt.pk)
        except ValidationError as exc:
            apply_service_errors(form, exc)
    return render(request, "contributions/pay.html", {"form": form})


def _lookup_answer(member: Member, today: dt.date) -> dict:
    """What the batch page shows of a member: the name and number the treasurer reads on the
    receipts anyway, the standing and the plan amount — nothing else personal."""
    arrears = member_arrears(member, as_of=today)
    plan = arrears.plan
    return {
        "number": member.number,
        "name": member.full_name,
        "status": member.get_status_display(),
        "payable": member.status in ("active", "suspended"),
        "plan": str(plan) if plan else "",
        "amount": f"{plan.amount:.2f}" if plan else "",
        "periods_unpaid": arrears.periods_unpaid,
    }


@fund_view(Cap.RECORD_MONEY)
def member_lookup(request: HttpRequest, access: FundAccess) -> JsonResponse:
    """For the batch page: the members meant by what was typed (``q``; ``number`` is the old
    name) — a number however it was typed, or part of a name. One match fills the row; several
    are a choice; the answer echoes ``q`` so a late one lands on the row it was asked for."""
    text = (request.GET.get("q") or request.GET.get("number") or "").strip()[:60]
    today = timezone.localdate()
    matches = [_lookup_answer(m, today) for m in member_lookup_select(fund=access.fund, text=text)]
    answer: dict = {"q": text, "found": bool(matches), "matches": matches}
    if len(matches) == 1:
        answer.update(matches[0])
    elif not matches:
        answer["error"] = _("No member matches “%(text)s” in this fund.") % {"text": text}
    return JsonResponse(answer)


BLANK_ROWS = 10  # empty rows to type into without the script (it keeps only one of them)


@dataclass(frozen=True)
class _RowError:
    text: str
    field: str  # the input it is about ("number", "amount") or ""

    def __str__(self) -> str:
        return self.text


@dataclass
class _BatchRow:
    """One typed row of the meeting batch, as the page shows it again after a refusal."""

    row: int
    number: str
    amount_text: str
    amount: Decimal | None = None
    name: str = ""
    errors: list[_RowError] = field(default_factory=list)
    invalid: set[str] = field(default_factory=set)  # the inputs to mark: "number", "amount"

    def refuse(self, target: str | None, label: str, message: str) -> None:
        """Add an error naming the row, its member number and the field."""
        values = {"row": self.row, "number": self.number, "field": label, "message": message}
        if self.number:
            text = _("Row %(row)s (member %(number)s), %(field)s: %(message)s") % values
        else:
            text = _("Row %(row)s, %(field)s: %(message)s") % values
        self.errors.append(_RowError(text, target or ""))
        if target:
            self.invalid.add(target)


def _batch_rows(post: QueryDict) -> list[_BatchRow]:
    """The typed rows, empty ones left out and the rest numbered as they are shown again."""
    pairs = zip(post.getlist("number"), post.getlist("amount"), strict=False)
    typed = [(n.strip(), a.strip()) for n, a in pairs if n.strip() or a.strip()]
    return [_BatchRow(i, number, amount) for i, (number, amount) in enumerate(typed, 1)]


def _check_rows(rows: list[_BatchRow]) -> None:
    """The format of each row (BatchRowForm): number typed, amount a baht amount above zero."""
    for r in rows:
        form = BatchRowForm({"number": r.number, "amount": r.amount_text})
        if form.is_valid():
            r.amount = form.cleaned_data["amount"]
            continue
        for name, messages_ in form.errors.items():
            for message in messages_:
                r.refuse(name, str(form.fields[name].label), message)
        if "amount" not in form.errors:
            r.amount = form.cleaned_data["amount"]


# The service's field names in a row, and the input of the page each one marks.
_SERVICE_FIELDS = {
    "member_number": ("number", gettext_lazy("member number")),
    "amount": ("amount", gettext_lazy("amount")),
    "periods": ("amount", gettext_lazy("periods")),
    "paid_on": (None, gettext_lazy("date of the meeting")),
}


def _put_service_errors(exc: ValidationError, rows: list[_BatchRow], header: forms.Form) -> None:
    """The one place where the service's refusal goes back onto the page: each row error
    (keyed ``row<n>.<field>``, or ``<field>`` for a batch of one; its params name the row)
    onto its row, unless the row's form already refused that input; the rest on the header."""
    by_row = {r.row: r for r in rows}
    error_dict = getattr(exc, "error_dict", {"__all__": getattr(exc, "error_list", [exc])})
    for key, errors in error_dict.items():
        for error in errors:
            params = error.params or {}
            row = by_row.get(params.get("row"))
            if row is None and key.startswith("row"):
                number, _dot, name = key[3:].partition(".")
                row = by_row.get(int(number)) if number.isdigit() else None
                params = {"field": name, **params}
            if row is None:
                for text in error.messages:
                    header.add_error(key if key in header.fields else None, text)
                continue
            name = params.get("field", key.rpartition(".")[2])
            target, label = _SERVICE_FIELDS.get(name, (None, name))
            if target and target in row.invalid:
                continue  # the form already said what is wrong with this input
            row.refuse(target, str(label), str(params.get("message") or error.messages[0]))


def _show_names(access: FundAccess, rows: list[_BatchRow]) -> None:
    """The name behind each known member number, so it stays on screen after a refusal."""
    numbers = {r.number for r in rows if r.number}
    names = {
        m.number: m.full_name
        for m in Member.objects.filter(fund=access.fund, number__in=numbers).only(
            "number", "title", "first_name", "last_name"
        )
    }
    for r in rows:
        r.name = names.get(r.number, "")


_FIELD_ORDER = {"number": 0, "amount": 2}


def _batch_page(
    request: HttpRequest,
    header: forms.Form,
    rows: list[_BatchRow],
    *,
    status: int = 200,
    repeats: dict[str, list[int]] | None = None,
) -> HttpResponse:
    for r in rows:  # the member number's problems first, then the date's, then the amount's
        r.errors.sort(key=lambda e: _FIELD_ORDER.get(e.field, 1))
    bad_rows = [r for r in rows if r.errors]
    counted = [r for r in rows if r.number and r.amount is not None]
    skipped = sum(1 for r in rows if r.amount_text and r.amount is None)
    first_blank = len(rows) + 1
    focus = bad_rows[0] if bad_rows else None
    msg_skipped = _("not counted: %(n)s row(s) with an invalid amount")
    return render(
        request,
        "contributions/batch.html",
        {
            "header": header,
            "rows": rows,
            "blank_rows": range(first_blank, first_blank + BLANK_ROWS),
            "refused": status != 200,
            "bad_rows": bad_rows,
            "summary": ngettext(
                "%(n)s row needs correcting. Nothing was saved.",
                "%(n)s rows need correcting. Nothing was saved.",
                len(bad_rows),
            )
            % {"n": len(bad_rows)},
            "total": sum((r.amount for r in counted), Decimal("0")),
            "counted": len(counted),
            "skipped": skipped,
            "skipped_text": msg_skipped % {"n": skipped} if skipped else "",
            "focus_row": focus.row if focus else None,
            "focus_field": "number" if focus and "number" in focus.invalid else "amount",
            "repeats": repeats or {},
            "msg_unknown": _("No member matches “%(number)s” in this fund."),
            "msg_repeat": _("The same member is also in row %(rows)s."),
            "msg_restored": _(
                "%(n)s row(s) typed on this device at %(time)s are back. They are not saved yet."
            ),
            "msg_skipped": msg_skipped,
        },
        status=status,
    )


def _resolve_numbers(access: FundAccess, rows: list[_BatchRow]) -> None:
    """Each typed number as the member number it means (``members.selectors.member_lookup``:
    "5102", "5-102", Thai digits, a name), so a row saves right even when the page's own
    look-up had not answered; several matches refuse the row, naming them."""
    typed = {r.number for r in rows if r.number}
    exact = set(
        Member.objects.filter(fund=access.fund, number__in=typed).values_list("number", flat=True)
    )
    for r in rows:
        if not r.number or r.number in exact:
            continue
        matches = member_lookup_select(fund=access.fund, text=r.number)
        if len(matches) == 1:
            r.number = matches[0].number
        elif matches:
            r.refuse(
                "number",
                str(_SERVICE_FIELDS["member_number"][1]),
                _("several members match: %(list)s; choose one")
                % {"list": ", ".join(f"{m.number} {m.full_name}" for m in matches)},
            )


def _batch_content(header: forms.Form, rows: list[_BatchRow]) -> str:
    """What the batch says, as ``run_once`` compares it: the same rows saved again after a lost
    answer (or restored from the phone after a reload) are the same batch, however the numbers
    were typed or how many empty rows the page had."""
    d = header.cleaned_data
    return fingerprint(
        d["paid_on"].isoformat(),
        d["into"],
        bool(d.get("repeats_confirmed")),
        [(r.number, str(r.amount)) for r in rows],
    )


def _saved_before_changes(access: FundAccess, header: forms.Form) -> None:
    """The batch's key was already used for other rows: the first save went through (its
    answer was lost) and the rows were changed since. Say which receipts were issued, keep
    the changed rows on screen unsaved, and give the form a new key: what is saved next is a
    new batch, never the first one again."""
    key = header.cleaned_data["idempotency_key"]
    prior = IdempotencyKey.objects.filter(
        fund=access.fund, scope="contributions.batch", key=key
    ).first()
    receipts = list(
        Receipt.objects.filter(
            fund=access.fund, pk__in=(prior.result or {}).get("pks", [])
        ).order_by("number")
        if prior
        else []
    )
    header.data = header.data.copy()
    header.data["idempotency_key"] = new_key()
    if receipts:
        header.add_error(
            None,
            _(
                "This batch was already saved before these changes (receipts %(first)s–%(last)s). "
                "The rows below are not saved: compare them with those receipts and record only "
                "what is missing."
            )
            % {"first": receipts[0].display_number, "last": receipts[-1].display_number},
        )
    else:
        header.add_error(None, _("This batch was already saved; the rows below are not saved."))


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@fund_view(Cap.RECORD_MONEY)
def batch(request: HttpRequest, access: FundAccess) -> HttpResponse:
    """The monthly meeting: many payments typed in a row, posted in one transaction.

    A refused batch comes back with every bad row marked at once: the row form's format
    checks and the service's checks (run on the same rows, writing nothing) together. The
    page's script posts with ``Accept: application/json`` and gets the saved batch as JSON;
    the batch's idempotency key makes a save repeated after a lost answer record nothing
    twice (decision 0018)."""
    if request.method != "POST":
        header = BatchHeaderForm(initial={"paid_on": timezone.localdate()})
        return _batch_page(request, header, [])
    header = BatchHeaderForm(request.POST)
    rows = _batch_rows(request.POST)
    _check_rows(rows)
    _resolve_numbers(access, rows)
    header_ok = header.is_valid()
    if not rows:
        header.add_error(None, _("Type at least one member number."))
    items = [PaymentInput(r.number, r.amount, row=r.row) for r in rows if r.number]
    repeats_confirmed = header_ok and header.cleaned_data["repeats_confirmed"]
    try:
        if header_ok and rows and not any(r.errors for r in rows):
            receipts, replayed = run_once(
                fund_id=access.fund.pk,
                scope="contributions.batch",
                key=header.cleaned_data["idempotency_key"],
                actor=request.user,
                content=_batch_content(header, rows),
                action=lambda: contributions_record(
                    fund=access.fund,
                    items=items,
                    paid_on=header.cleaned_data["paid_on"],
                    into=header.cleaned_data["into"],
                    actor=request.user,
                    repeats_confirmed=repeats_confirmed,
                ),
                **as_pks(Receipt),
            )
            if replayed:
                messages.info(request, _("This was already saved; nothing was recorded twice."))
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
            after = (
                reverse("contributions_receipts", args=[access.fund.pk])
                + "?"
                + urlencode(
                    {
                        "year": receipts[0].fiscal_year,
                        "from": receipts[0].number,
                        "to": receipts[-1].number,
                    }
                )
            )
            if _wants_json(request):
                return JsonResponse({"saved": len(receipts), "replayed": replayed, "next": after})
            return redirect(after)
        if items:
            paid_on = header.cleaned_data.get("paid_on") or timezone.localdate()
            contributions_check(
                fund=access.fund,
                items=items,
                paid_on=paid_on,
                repeats_confirmed=repeats_confirmed,
            )
    except KeyReused:
        _saved_before_changes(access, header)
    except ValidationError as exc:
        _put_service_errors(exc, rows, header)
    _show_names(access, rows)
    repeats = {} if repeats_confirmed else repeated_rows(items)
    return _batch_page(request, header, rows, status=400, repeats=repeats)


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
    meeting = _receipt_range(request)
    if meeting:
        qs = qs.filter(fiscal_year=meeting[0], number__range=meeting[1:]).order_by("number")
    years = (
        Receipt.objects.filter(fund=access.fund)
        .values_list("fiscal_year", flat=True)
        .distinct()
        .order_by("-fiscal_year")
    )
    page = paginate(request, qs, RECEIPTS_PER_PDF if meeting else 50)
    page.object_list = _receipts_for(access, page.object_list)
    return render(
        request,
        "contributions/receipts.html",
        {
            "page": page,
            "years": years,
            "year": year,
            "query": urlencode({k: v for k, v in request.GET.items() if k != "page"}),
            "meeting": meeting,
            "print_query": request.GET.urlencode() if meeting else "",
        },
    )


def _receipt_range(request: HttpRequest) -> tuple[int, int, int] | None:
    """``?year=&from=&to=``: the receipts one meeting's batch issued (numbers are gap-free per
    fiscal year, and a batch draws consecutive ones)."""
    values = [request.GET.get(k, "") for k in ("year", "from", "to")]
    if not all(v.isdigit() and len(v) <= 9 for v in values):
        return None
    year, first, last = (int(v) for v in values)
    return (year, first, last) if first <= last else None


RECEIPTS_PER_PDF = 500  # one print run: a big meeting, not the whole year


@fund_view(Cap.RECORD_MONEY)
def receipts_print(request: HttpRequest, access: FundAccess) -> HttpResponse:
    """All receipts of a meeting in one PDF, three to an A4 page with cut marks."""
    from kongtun.core.http import file_response
    from kongtun.reports.pdf import render_pdf

    meeting = _receipt_range(request)
    if meeting is None:
        raise Http404
    found = list(
        Receipt.objects.filter(fund=access.fund, fiscal_year=meeting[0], number__range=meeting[1:])
        .select_related("member", "entry__seal", "entry__fund", "fund__subdistrict__parent__parent")
        .order_by("number")[:RECEIPTS_PER_PDF]
    )
    if not found:
        raise Http404
    pdf = render_pdf(
        "contributions/pdf/receipts.html",
        {"receipts": found, "fund": access.fund, "request": request},
    )
    name = f"receipts-{meeting[0]}-{meeting[1]:05d}-{meeting[2]:05d}.pdf"
    return file_response(pdf, "application/pdf", name, inline=True)


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
            submit_once(
                request,
                fund_id=access.fund.pk,
                scope="contributions.void",
                action=lambda: receipt_void(
                    receipt=receipt, reason=form.cleaned_data["reason"], actor=request.user
                ),
                **as_pk(Receipt),
            )
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
            # Who owes is the committee's to know; others read the count and the total.
            "page": paginate(request, [] if hides_persons(access) else rows, 100),
            "rule": arrears_rule(access.fund, today),
            "today": today,
            "total": sum((r["amount_unpaid"] or Decimal("0") for r in rows), Decimal("0")),
            "over": sum(1 for r in rows if r["over_limit"]),
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

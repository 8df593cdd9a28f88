"""Claims pages. Every view is fund-scoped (``fund_view``); a member's own login reaches only
the member's own claims (404 otherwise), and evidence files are served only through here."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kongtun.claims.forms import (
    ClaimFilterForm,
    ClaimForm,
    DeadlineExceptionForm,
    EvidenceForm,
    MonthForm,
    PaperEvidenceForm,
    PayForm,
    PayoutVoidForm,
    PolicyForm,
    RecurringPayForm,
    ReviewForm,
)
from kongtun.claims.models import Claim, ClaimEvidence, ClaimStatus, Payout, ReviewAction
from kongtun.claims.recurring import parse_keys, recurring_pay, recurring_schedule
from kongtun.claims.selectors import benefit_choices, benefit_needs, claim_search
from kongtun.claims.services import (
    EVIDENCE_MAX_BYTES,
    approvals_in_round,
    claim_deadline_exception,
    claim_file,
    claim_pay,
    claim_preview,
    claim_redecide,
    claim_review,
    evidence_add,
    evidence_label,
    evidence_missing,
    evidence_seen_on_paper,
    failed_deadline,
    is_claimant,
    payout_void,
    policy_of,
    policy_update,
    required_evidence,
    trace_lines,
)
from kongtun.core.concurrency import as_pk, as_pks, submit_once
from kongtun.core.forms import apply_service_errors
from kongtun.core.pagination import paginate
from kongtun.core.spreadsheet import csv_download
from kongtun.core.thaidates import current_lang, format_date
from kongtun.core.uploads import upload_limit
from kongtun.funds.access import CAPABILITIES, Cap, FundAccess, fund_view
from kongtun.funds.models import FundRole
from kongtun.ledger.services import month_name
from kongtun.members.models import AccessKind, Member
from kongtun.members.services import personal_data_access_log
from kongtun.regulations.selectors import regulation_of, version_in_force

PAGE_SIZE = 50


def _claim_or_404(access: FundAccess, claim_id: int) -> Claim:
    claim = (
        Claim.objects.select_related(
            "member", "member__village", "fund", "regulation_version", "filed_by"
        )
        .filter(pk=claim_id, fund=access.fund)
        .first()
    )
    if claim is None:
        raise Http404
    if not (access.can(Cap.VIEW_PERSONS) or claim.member_id == access.member_id):
        raise Http404  # health events: the committee's and the member's own
    return claim


def _own_or_decider(access: FundAccess, claim: Claim) -> bool:
    return access.can(Cap.DECIDE_CLAIMS) or claim.member_id == access.member_id


def _can_redecide(access: FundAccess, claim: Claim) -> bool:
    """The committee decides an open claim again; the member only sends it back after the
    committee asked for more evidence (so a member cannot undo approvals being given)."""
    if not claim.is_open:
        return False
    if access.can(Cap.DECIDE_CLAIMS):
        return True
    return claim.member_id == access.member_id and claim.status == ClaimStatus.MORE_EVIDENCE


def _errors_to_messages(request: HttpRequest, exc: ValidationError) -> None:
    for msgs in exc.message_dict.values():
        for m in msgs:
            messages.error(request, m)


@fund_view(Cap.VIEW_PERSONS)
def claim_list(request: HttpRequest, access: FundAccess) -> HttpResponse:
    benefits = benefit_choices(fund=access.fund)
    form = ClaimFilterForm(request.GET or None, fund=access.fund, benefits=benefits)
    f = form.cleaned_data if form.is_valid() else {}
    qs = claim_search(
        fund=access.fund,
        status=f.get("status", ""),
        benefit=f.get("benefit", ""),
        village_id=f["village"].pk if f.get("village") else None,
        date_from=f.get("date_from"),
        date_to=f.get("date_to"),
    )
    page = paginate(request, qs, PAGE_SIZE)
    page.object_list = list(page.object_list)
    personal_data_access_log(  # who claimed what: one look for the page's members
        access=access,
        members=[c.member_id for c in page.object_list],
        kinds=[AccessKind.HEALTH],
        path=request.get_full_path(),
    )
    query = request.GET.copy()
    query.pop("page", None)
    counts = dict(
        Claim.objects.filter(fund=access.fund)
        .values_list("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    return render(
        request,
        "claims/list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "counts": [(s, label, counts.get(s, 0)) for s, label in ClaimStatus.choices],
        },
    )


def _benefit_details(access: FundAccess, needs: dict[str, frozenset[str]]) -> dict[str, dict]:
    """For the form's script: which details each benefit asks for, and whose event it may be
    (the same ``detail_fields`` the server keeps the form to)."""
    out: dict[str, dict] = {code: {"fields": sorted(f)} for code, f in needs.items()}
    version = version_in_force(fund=access.fund, on=timezone.localdate())
    if version is not None:
        for b in regulation_of(version).benefits:
            if b.code in out:
                out[b.code]["relatives"] = [r.relative for r in b.relatives] or ["self"]
    return out


def _service_errors_too(form: ClaimForm, fund) -> None:
    """The form refused some fields: run the service's checks on the rest too, so every
    mistake is named at once rather than in a second round after the first is fixed."""
    base = ("member_number", "benefit", "event_date", "relative")
    if not all(k in form.cleaned_data for k in base):
        return
    try:
        claim_preview(fund=fund, data=form.to_input())
    except ValidationError as exc:
        apply_service_errors(form, exc, keep_existing=True)


@fund_view(Cap.VIEW_FUND)
def claim_new(request: HttpRequest, access: FundAccess) -> HttpResponse:
    decider = access.can(Cap.DECIDE_CLAIMS)
    own_member = None
    if not decider:
        if access.member_id is None:
            raise PermissionDenied
        own_member = Member.objects.get(pk=access.member_id, fund=access.fund)
    initial = {"member_number": request.GET.get("member", ""), "relative": "self"}
    data = request.POST.copy() if request.method == "POST" else None
    if own_member is not None:
        initial["member_number"] = own_member.number
        if data is not None:
            data["member_number"] = own_member.number
    needs = benefit_needs(fund=access.fund)
    initial["benefit"] = request.GET.get("benefit", "")
    form = ClaimForm(data, initial=initial, benefits=benefit_choices(fund=access.fund), needs=needs)
    if own_member is not None:
        form.fields["member_number"].disabled = True
    preview = None
    status = 200
    if request.method == "POST" and "choose" in request.POST:
        # Without the page's script: the benefit was chosen, show what it asks for.
        form = ClaimForm(
            initial={k: v for k, v in request.POST.items() if k in ClaimForm.base_fields},
            benefits=benefit_choices(fund=access.fund),
            needs=needs,
        )
        if own_member is not None:
            form.initial["member_number"] = own_member.number
            form.fields["member_number"].disabled = True
    elif request.method == "POST":
        if form.is_valid():
            claim_input = form.to_input()
            try:
                if "file" in request.POST:
                    claim = claim_file(fund=access.fund, data=claim_input, actor=request.user)
                    messages.success(
                        request,
                        _("Claim %(n)s filed. Add the evidence below.")
                        % {"n": claim.display_number},
                    )
                    return redirect("claim_detail", fund_id=access.fund.pk, claim_id=claim.pk)
                preview = claim_preview(fund=access.fund, data=claim_input)
            except ValidationError as exc:
                apply_service_errors(form, exc)
                status = 400
        else:
            _service_errors_too(form, access.fund)
            status = 400
    return render(
        request,
        "claims/new.html",
        {
            "form": form,
            "preview": preview,
            "lines": preview.lines() if preview else [],
            "evidence": [evidence_label(e) for e in preview.evidence] if preview else [],
            "benefit_details": _benefit_details(access, needs),
        },
        status=status,
    )


@fund_view(Cap.VIEW_FUND)
def claim_detail(request: HttpRequest, access: FundAccess, claim_id: int) -> HttpResponse:
    claim = _claim_or_404(access, claim_id)
    return _detail_page(request, access, claim)


def _detail_page(
    request: HttpRequest,
    access: FundAccess,
    claim: Claim,
    *,
    review_form: ReviewForm | None = None,
    evidence_form: EvidenceForm | None = None,
    pay_form: PayForm | None = None,
    void_form: PayoutVoidForm | None = None,
    exception_form: DeadlineExceptionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    required = required_evidence(claim)
    requirements = [(e.code, evidence_label(e)) for e in required]
    evidence = list(claim.evidence.select_related("uploaded_by"))
    have = {e.requirement for e in evidence}
    first_missing = next((e.code for e in required if e.code not in have), "")
    user = request.user
    decider = access.can(Cap.DECIDE_CLAIMS)
    claimant = is_claimant(user, claim) if user.is_authenticated else False
    approvals = approvals_in_round(claim)
    policy = policy_of(claim.fund)
    payout = claim.payout if claim.status == ClaimStatus.PAID else None
    cancelled = list(claim.payouts.filter(voided_at__isnull=False).order_by("voided_at"))
    can_review = (
        decider
        and not claimant
        and claim.status in (ClaimStatus.SUBMITTED, ClaimStatus.MORE_EVIDENCE)
    )
    can_upload = claim.is_open and _own_or_decider(access, claim)
    can_pay = (
        access.can(Cap.RECORD_MONEY)
        and claim.status == ClaimStatus.APPROVED
        and not claim.recurring_every  # a pension is paid month by month from its list
    )
    personal_data_access_log(
        access=access,
        members=[claim.member_id],
        kinds=[AccessKind.HEALTH],
        path=request.get_full_path(),
    )
    return render(
        request,
        "claims/detail.html",
        {
            "claim": claim,
            "lines": trace_lines(claim),
            "checklist": [(evidence_label(e), e.clause, e.code in have) for e in required],
            "missing": evidence_missing(claim),
            "evidence": evidence,
            "reviews": claim.reviews.select_related("user", "resolution").order_by("at", "id"),
            "approvals": approvals,
            "approvals_required": policy.approvals_required,
            "already_approved": any(a.user_id == user.pk for a in approvals),
            "claimant": claimant,
            "can_review": can_review,
            "review_form": review_form
            or ReviewForm(
                initial={"amount": claim.amount_proposed, "action": "approve"},
                fund=claim.fund,
                today=timezone.localdate(),
                not_before=claim.event_date,
            ),
            "can_upload": can_upload,
            # the first document still missing is the one an upload most likely is
            "evidence_form": evidence_form
            or EvidenceForm(requirements=requirements, initial={"requirement": first_missing}),
            "paper_form": PaperEvidenceForm(
                requirements=requirements, initial={"requirement": first_missing}
            )
            if decider
            else None,
            "can_redecide": _can_redecide(access, claim),
            "exception_form": exception_form
            or (
                DeadlineExceptionForm(
                    fund=access.fund, today=timezone.localdate(), not_before=claim.event_date
                )
                if _can_except(access, claim)
                else None
            ),
            "can_pay": can_pay,
            "pay_form": pay_form
            or PayForm(initial={"paid_on": timezone.localdate(), "amount": claim.amount_approved}),
            "payout": payout,
            "cancelled_payouts": cancelled,
            "period_payouts": list(
                claim.payouts.filter(voided_at__isnull=True, period__isnull=False).order_by(
                    "period"
                )
            )
            if claim.recurring_every
            else [],
            "void_form": void_form
            or (PayoutVoidForm() if payout and access.can(Cap.RECORD_MONEY) else None),
        },
        status=status,
    )


@fund_view(Cap.DECIDE_CLAIMS)
@require_POST
def claim_review_view(request: HttpRequest, access: FundAccess, claim_id: int) -> HttpResponse:
    claim = _claim_or_404(access, claim_id)
    today = timezone.localdate()
    form = ReviewForm(request.POST, fund=access.fund, today=today, not_before=claim.event_date)
    if form.is_valid():
        d = form.cleaned_data
        try:
            claim = claim_review(
                claim=claim,
                actor=request.user,
                action=d["action"],
                reason=d["reason"],
                amount=d["amount"],
                resolution=d.get("resolution"),
                today=today,
            )
            text = {
                ReviewAction.APPROVE: _("Your approval is recorded."),
                ReviewAction.REJECT: _("The claim is rejected."),
                ReviewAction.MORE_EVIDENCE: _("More evidence was asked for."),
            }[d["action"]]
            if claim.status == ClaimStatus.APPROVED:
                text = _("The claim is approved: %(amount)s baht.") % {
                    "amount": f"{claim.amount_approved:,.2f}"
                }
            messages.success(request, text)
            return redirect("claim_detail", fund_id=access.fund.pk, claim_id=claim.pk)
        except ValidationError as exc:
            apply_service_errors(form, exc)
    claim.refresh_from_db()
    return _detail_page(request, access, claim, review_form=form, status=400)


@upload_limit(EVIDENCE_MAX_BYTES)
@fund_view(Cap.VIEW_FUND)
@require_POST
def claim_evidence_upload(request: HttpRequest, access: FundAccess, claim_id: int) -> HttpResponse:
    claim = _claim_or_404(access, claim_id)
    if not _own_or_decider(access, claim):
        raise PermissionDenied
    requirements = [(e.code, evidence_label(e)) for e in required_evidence(claim)]
    form = EvidenceForm(request.POST, request.FILES, requirements=requirements)
    if form.is_valid():
        try:
            evidence_add(
                claim=claim,
                upload=form.cleaned_data["file"],
                requirement=form.cleaned_data["requirement"],
                description=form.cleaned_data["description"],
                actor=request.user,
            )
            messages.success(request, _("The file is stored with the claim."))
            return redirect("claim_detail", fund_id=access.fund.pk, claim_id=claim.pk)
        except ValidationError as exc:
            apply_service_errors(form, exc)
    return _detail_page(request, access, claim, evidence_form=form, status=400)


@fund_view(Cap.DECIDE_CLAIMS)
@require_POST
def claim_evidence_paper(request: HttpRequest, access: FundAccess, claim_id: int) -> HttpResponse:
    claim = _claim_or_404(access, claim_id)
    requirements = [(e.code, evidence_label(e)) for e in required_evidence(claim)]
    form = PaperEvidenceForm(request.POST, requirements=requirements)
    if form.is_valid():
        try:
            evidence_seen_on_paper(
                claim=claim,
                requirement=form.cleaned_data["requirement"],
                description=form.cleaned_data["description"],
                actor=request.user,
            )
            messages.success(request, _("Recorded: the paper document was seen."))
        except ValidationError as exc:
            _errors_to_messages(request, exc)
    return redirect("claim_detail", fund_id=access.fund.pk, claim_id=claim.pk)


@fund_view(Cap.VIEW_FUND)
def claim_evidence_file(
    request: HttpRequest, access: FundAccess, claim_id: int, evidence_id: int
) -> FileResponse:
    """The only way to a stored file: fund-scoped, and a member sees only their own claims."""
    claim = _claim_or_404(access, claim_id)
    evidence = ClaimEvidence.objects.filter(pk=evidence_id, claim=claim, on_paper=False).first()
    if evidence is None or not evidence.file:
        raise Http404
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    personal_data_access_log(
        access=access,
        members=[claim.member_id],
        kinds=[AccessKind.EVIDENCE],
        path=request.get_full_path(),
    )
    response = FileResponse(
        handle,
        content_type=evidence.content_type,
        as_attachment=evidence.content_type == "application/pdf" and "download" in request.GET,
        filename=evidence.original_name or None,
    )
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@fund_view(Cap.VIEW_FUND)
@require_POST
def claim_redecide_view(request: HttpRequest, access: FundAccess, claim_id: int) -> HttpResponse:
    claim = _claim_or_404(access, claim_id)
    if not _can_redecide(access, claim):
        raise PermissionDenied
    try:
        claim = claim_redecide(claim=claim, actor=request.user)
        messages.success(request, _("The claim was decided again and goes back to the committee."))
    except ValidationError as exc:
        _errors_to_messages(request, exc)
    return redirect("claim_detail", fund_id=access.fund.pk, claim_id=claim.pk)


def _can_except(access: FundAccess, claim: Claim) -> bool:
    """The committee may accept a claim refused only for being filed late (issue 14)."""
    return (
        access.can(Cap.DECIDE_CLAIMS)
        and claim.status not in (ClaimStatus.APPROVED, ClaimStatus.PAID)
        and failed_deadline(claim)
    )


@fund_view(Cap.DECIDE_CLAIMS)
@require_POST
def claim_deadline_exception_view(
    request: HttpRequest, access: FundAccess, claim_id: int
) -> HttpResponse:
    claim = _claim_or_404(access, claim_id)
    if not _can_except(access, claim):
        raise PermissionDenied
    today = timezone.localdate()
    form = DeadlineExceptionForm(
        request.POST, fund=access.fund, today=today, not_before=claim.event_date
    )
    if form.is_valid():
        try:
            claim, replayed = submit_once(
                request,
                fund_id=access.fund.pk,
                scope="claims.deadline_exception",
                action=lambda: claim_deadline_exception(
                    claim=claim,
                    resolution=form.cleaned_data["resolution"],
                    actor=request.user,
                    today=today,
                ),
                **as_pk(Claim),
            )
            if replayed:
                messages.info(request, _("This was already saved; nothing was recorded twice."))
            messages.success(
                request,
                _("The late filing is accepted by the resolution; the claim was decided again."),
            )
            return redirect("claim_detail", fund_id=access.fund.pk, claim_id=claim.pk)
        except ValidationError as exc:
            apply_service_errors(form, exc)
    return _detail_page(request, access, claim, exception_form=form, status=400)


@fund_view(Cap.RECORD_MONEY)
@require_POST
def claim_pay_view(request: HttpRequest, access: FundAccess, claim_id: int) -> HttpResponse:
    claim = _claim_or_404(access, claim_id)
    form = PayForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            payout, replayed = submit_once(
                request,
                fund_id=access.fund.pk,
                scope="claims.pay",
                action=lambda: claim_pay(
                    claim=claim,
                    actor=request.user,
                    paid_on=d["paid_on"],
                    source=d["source"],
                    amount=d["amount"],
                    note=d["note"],
                ),
                **as_pk(Payout),
            )
            if replayed:
                messages.info(request, _("This was already saved; nothing was recorded twice."))
            messages.success(
                request,
                _("Paid; payment voucher %(n)s issued.") % {"n": payout.display_number},
            )
            return redirect("claim_voucher", fund_id=access.fund.pk, claim_id=claim.pk)
        except ValidationError as exc:
            apply_service_errors(form, exc)
    claim.refresh_from_db()
    return _detail_page(request, access, claim, pay_form=form, status=400)


@fund_view(Cap.RECORD_MONEY)
@require_POST
def payout_void_view(request: HttpRequest, access: FundAccess, claim_id: int) -> HttpResponse:
    claim = _claim_or_404(access, claim_id)
    payout = claim.payout
    if payout is None:
        raise Http404
    form = PayoutVoidForm(request.POST)
    if form.is_valid():
        try:
            submit_once(
                request,
                fund_id=access.fund.pk,
                scope="claims.payout_void",
                action=lambda: payout_void(
                    payout=payout, reason=form.cleaned_data["reason"], actor=request.user
                ),
                **as_pk(Payout),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                _(
                    "Payment voucher %(n)s is cancelled and its entry reversed; the claim can "
                    "be paid again."
                )
                % {"n": payout.display_number},
            )
            return redirect("claim_detail", fund_id=access.fund.pk, claim_id=claim.pk)
    claim.refresh_from_db()
    return _detail_page(request, access, claim, void_form=form, status=400)


@fund_view(Cap.VIEW_FUND)
def claim_voucher(request: HttpRequest, access: FundAccess, claim_id: int) -> HttpResponse:
    """The standing payment's voucher, or with ``?payout=<id>`` a cancelled one of the claim
    (shown as cancelled)."""
    claim = _claim_or_404(access, claim_id)
    wanted = request.GET.get("payout", "")
    if wanted.isdigit():
        payout = claim.payouts.filter(pk=int(wanted)).first()
    else:
        payout = claim.payout if claim.status == ClaimStatus.PAID else None
    if payout is None:
        raise Http404
    personal_data_access_log(
        access=access,
        members=[claim.member_id],
        kinds=[AccessKind.HEALTH],
        path=request.get_full_path(),
    )
    return render(
        request,
        "claims/voucher.html",
        {
            "claim": claim,
            "payout": payout,
            "approvals": [
                r
                for r in claim.reviews.select_related("user", "resolution").order_by("at")
                if r.action == ReviewAction.APPROVE and r.round == claim.round
            ],
        },
    )


@fund_view(Cap.MANAGE_FUND)
def claims_settings(request: HttpRequest, access: FundAccess) -> HttpResponse:
    policy = policy_of(access.fund)
    form = PolicyForm(
        request.POST or None, initial={"approvals_required": policy.approvals_required}
    )
    if request.method == "POST" and form.is_valid():
        try:
            policy_update(
                fund=access.fund, approvals_required=form.cleaned_data["approvals_required"]
            )
            messages.success(request, _("Changes saved."))
            return redirect("claims_settings", fund_id=access.fund.pk)
        except ValidationError as exc:
            apply_service_errors(form, exc)
    deciders = (
        FundRole.objects.filter(
            fund=access.fund, revoked_at__isnull=True, role__in=CAPABILITIES[Cap.DECIDE_CLAIMS]
        )
        .values("user")
        .distinct()
        .count()
    )
    return render(
        request, "claims/settings.html", {"form": form, "policy": policy, "deciders": deciders}
    )


def _recurring_state(r: Any) -> str:
    if r.payout is not None:
        return _("paid, voucher %(n)s") % {"n": r.payout.display_number}
    if r.stopped_by is not None:
        return _("stopped: %(status)s since %(date)s") % {
            "status": r.stopped_by.get_status_display(),
            "date": format_date(r.stopped_by.effective_date, current_lang()),
        }
    return _("not begun") if r.period > timezone.localdate() else _("due")


def _recurring_csv(access: FundAccess, month: dt.date, rows: list[Any]) -> HttpResponse:
    """The month's list as a file for the meeting: one line per period, with its state."""
    header = [_("member number"), _("name"), _("benefit"), _("claim"), _("pension period")]
    header += [_("amount"), _("state")]
    lines = (
        [
            r.claim.member.number,
            r.claim.member.full_name,
            r.claim.benefit_label,
            r.claim.display_number,
            month_name(r.period),
            r.amount,
            _recurring_state(r),
        ]
        for r in rows
    )
    name = f"pensions-{access.fund.short_code}-{month:%Y-%m}.csv"
    return csv_download(name, header, lines)


@fund_view(Cap.VIEW_PERSONS)
def recurring_list(request: HttpRequest, access: FundAccess) -> HttpResponse:
    """The pensions due this month (and any earlier period still owed), for the treasurer to
    pay with one voucher each; periods stopped by death, resignation or suspension are shown
    with the change that stopped them."""
    today = timezone.localdate()
    month = MonthForm(request.GET or None).month_value(today)
    status = 200
    form = RecurringPayForm(initial={"paid_on": today})
    chosen: set[str] = set()
    if request.method == "POST":
        if not access.can(Cap.RECORD_MONEY):
            raise PermissionDenied
        form = RecurringPayForm(request.POST)
        chosen = set(request.POST.getlist("periods"))
        if form.is_valid():
            d = form.cleaned_data
            try:
                payouts, replayed = submit_once(
                    request,
                    fund_id=access.fund.pk,
                    scope="claims.recurring_pay",
                    action=lambda: recurring_pay(
                        fund=access.fund,
                        items=parse_keys(sorted(chosen)),
                        paid_on=d["paid_on"],
                        source=d["source"],
                        actor=request.user,
                    ),
                    **as_pks(Payout),
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
                status = 400
            else:
                if replayed:
                    messages.info(request, _("This was already saved; nothing was recorded twice."))
                messages.success(
                    request,
                    _("%(n)s pension payment(s) made, one voucher each.") % {"n": len(payouts)},
                )
                return redirect(f"{request.path}?month={month.year:04d}-{month.month:02d}")
        else:
            status = 400
    rows = recurring_schedule(fund=access.fund, month=month)
    as_file = request.method == "GET" and request.GET.get("format") == "csv"
    personal_data_access_log(
        access=access,
        members=sorted({r.claim.member_id for r in rows}),
        kinds=[AccessKind.HEALTH, *([AccessKind.EXPORT] if as_file else [])],
        path=request.get_full_path(),
    )
    if as_file:
        return _recurring_csv(access, month, rows)
    due = [r for r in rows if r.due and r.period <= today]  # a month not begun is not owed
    return render(
        request,
        "claims/recurring.html",
        {
            "month": month,
            "previous": (month - dt.timedelta(days=1)).replace(day=1),
            "next": (month + dt.timedelta(days=32)).replace(day=1),
            "rows": rows,
            "due_total": sum((r.amount for r in due), Decimal("0.00")),
            "due_count": len(due),
            "form": form,
            "chosen": chosen or {r.key for r in due if r.period <= today},
            "can_pay": access.can(Cap.RECORD_MONEY),
            "today": today,
        },
        status=status,
    )

"""Claims over the JSON API (decision 0021), under the pages' rules: claims are people's health
events, so the committee (``Cap.VIEW_PERSONS``) reads every claim of its fund, a member's own
login only the member's own, and a network coordinator none; every look is written to the
personal-data access log. Filing is the committee's (``Cap.DECIDE_CLAIMS``) or the member's
own; it is idempotent with an ``Idempotency-Key`` header. ``decide`` asks the engine what a
member would get for an event, with the trace, without filing anything. Approvals are read
here, never written (a committee member approves on the claim's page). Amounts are decimal
strings in baht."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from kongtun.api.access import IDEMPOTENCY_KEY, api_access
from kongtun.claims.models import Claim, ClaimApproval, ClaimStatus
from kongtun.claims.selectors import claim_search
from kongtun.claims.services import (
    ClaimInput,
    Preview,
    claim_file_with_evidence,
    claim_preview,
    evidence_label,
    evidence_missing,
    trace_lines,
)
from kongtun.core.concurrency import api_once, as_pk
from kongtun.core.thaidates import current_lang
from kongtun.funds.access import Cap, FundAccess
from kongtun.members.models import AccessKind, Member
from kongtun.members.services import personal_data_access_log
from kongtun.regulations.engine.render import render_step

router = Router(tags=["claims"])


class EvidenceIn(Schema):
    """A document that comes with the claim, seen on paper by the committee (files are
    uploaded on the claim's page)."""

    requirement: str = ""
    description: str = ""


class ClaimIn(Schema):
    member_id: int
    benefit: str
    event_date: dt.date
    relative: str = "self"
    nights: int | None = None
    children: int | None = None
    months: int | None = None
    grade_average: Decimal | None = None
    school_level: str = ""
    disability_level: str = ""
    subject_name: str = ""
    subject_birth_date: dt.date | None = None
    subject_sex: str = ""
    cause: str = ""
    note: str = ""
    #: Asked for only by the benefits that read them (``claims.services.detail_fields``).
    days: int | None = None
    discharge_date: dt.date | None = None
    marital_status: str = ""
    children_birth_dates: list[dt.date] | None = None


class ClaimFileIn(ClaimIn):
    evidence: list[EvidenceIn] = []


class StepOut(Schema):
    code: str
    clause: str | None
    text: str
    ok: bool


class EvidenceOut(Schema):
    id: int
    requirement: str
    description: str
    on_paper: bool
    original_name: str
    content_type: str
    size: int
    uploaded_at: dt.datetime


class RequiredEvidenceOut(Schema):
    code: str
    name: str
    clause: str | None


class ReviewOut(Schema):
    round: int
    action: str
    amount: Decimal | None
    reason: str
    resolution: str | None
    by: str
    at: dt.datetime


class PayoutOut(Schema):
    voucher: str
    paid_on: dt.date
    amount: Decimal
    source: str
    period: dt.date | None
    cancelled: bool


class ClaimOut(Schema):
    id: int
    number: str
    member_id: int
    member_number: str
    member_name: str
    benefit: str
    benefit_name: str
    benefit_kind: str
    event_date: dt.date
    relative: str
    status: str
    eligible: bool
    amount_computed: Decimal
    amount_proposed: Decimal
    amount_approved: Decimal | None
    recurring_every: str
    regulation_version: int
    filed_on: dt.date


class ClaimDetailOut(ClaimOut):
    details: dict[str, Any]
    clauses: list[str]
    trace: list[StepOut]
    evidence: list[EvidenceOut]
    evidence_missing: list[str]
    approvals: list[ReviewOut]
    payouts: list[PayoutOut]


class ClaimPage(Schema):
    count: int
    page: int
    pages: int
    results: list[ClaimOut]


class DecisionOut(Schema):
    member_id: int
    benefit: str
    benefit_name: str
    event_date: dt.date
    as_of: dt.date
    regulation_version: int
    eligible: bool
    amount: Decimal
    units: int
    recurring_every: str
    clauses: list[str]
    trace: list[StepOut]
    evidence_required: list[RequiredEvidenceOut]


class FieldErrors(Schema):
    detail: str
    errors: dict[str, list[str]]


def _claim_out(c: Claim) -> dict:
    return {
        "id": c.pk,
        "number": c.display_number,
        "member_id": c.member_id,
        "member_number": c.member.number,
        "member_name": c.member.full_name,
        "benefit": c.benefit,
        "benefit_name": c.benefit_label,
        "benefit_kind": c.benefit_kind,
        "event_date": c.event_date,
        "relative": c.relative,
        "status": c.status,
        "eligible": c.eligible,
        "amount_computed": c.amount_computed,
        "amount_proposed": c.amount_proposed,
        "amount_approved": c.amount_approved,
        "recurring_every": c.recurring_every,
        "regulation_version": c.regulation_version.number,
        "filed_on": c.filed_on,
    }


def _review_out(r: ClaimApproval) -> dict:
    return {
        "round": r.round,
        "action": r.action,
        "amount": r.amount,
        "reason": r.reason,
        "resolution": str(r.resolution) if r.resolution_id else None,
        "by": r.user.get_full_name() or r.user.get_username(),
        "at": r.at,
    }


def _detail_out(c: Claim) -> dict:
    steps = c.trace
    out = _claim_out(c)
    out.update(
        details=c.details,
        clauses=list(c.clauses),
        trace=[
            {"code": s["code"], "clause": s.get("clause"), "text": text, "ok": ok}
            for s, (text, ok) in zip(steps, trace_lines(c), strict=True)
        ],
        evidence=[
            {
                "id": e.pk,
                "requirement": e.requirement,
                "description": e.description,
                "on_paper": e.on_paper,
                "original_name": e.original_name,
                "content_type": e.content_type,
                "size": e.size,
                "uploaded_at": e.uploaded_at,
            }
            for e in c.evidence.all()
        ],
        evidence_missing=[e.code for e in evidence_missing(c)],
        approvals=[
            _review_out(r) for r in c.reviews.select_related("user", "resolution").order_by("at")
        ],
        payouts=[
            {
                "voucher": p.display_number,
                "paid_on": p.paid_on,
                "amount": p.amount,
                "source": p.source,
                "period": p.period,
                "cancelled": p.voided_at is not None,
            }
            for p in c.payouts.order_by("paid_on", "id")
        ],
    )
    return out


def _reader(request: HttpRequest, fund_id: int) -> FundAccess:
    """The committee, or a member's own login (who then sees only the member's claims)."""
    access = api_access(request, fund_id, Cap.VIEW_FUND)
    if not (access.can(Cap.VIEW_PERSONS) or access.member_id is not None):
        raise HttpError(403, "forbidden")
    return access


def _claim(access: FundAccess, claim_id: int) -> Claim:
    claim = (
        Claim.objects.select_related("member", "regulation_version")
        .filter(pk=claim_id, fund=access.fund)
        .first()
    )
    if claim is None or not (access.can(Cap.VIEW_PERSONS) or claim.member_id == access.member_id):
        raise Http404
    return claim


def _log(request: HttpRequest, access: FundAccess, members: list[int]) -> None:
    if members:
        personal_data_access_log(
            access=access, members=members, kinds=[AccessKind.HEALTH], path=request.get_full_path()
        )


@router.get("/funds/{fund_id}/claims", response=ClaimPage)
def list_claims(
    request: HttpRequest,
    fund_id: int,
    status: str = "",
    benefit: str = "",
    member_id: int | None = None,
    page: int = 1,
    page_size: int = 50,
) -> dict:
    """Claims of the fund, newest first (a member's own login: the member's own claims)."""
    access = _reader(request, fund_id)
    if not access.can(Cap.VIEW_PERSONS):
        member_id = access.member_id
    qs = claim_search(
        fund=access.fund,
        status=status if status in ClaimStatus.values else "",
        benefit=benefit,
        member_id=member_id,
    ).select_related("regulation_version")
    paginator = Paginator(qs, max(1, min(page_size, 500)))
    p = paginator.get_page(page)
    rows = list(p.object_list)
    _log(request, access, [c.member_id for c in rows])
    return {
        "count": paginator.count,
        "page": p.number,
        "pages": paginator.num_pages,
        "results": [_claim_out(c) for c in rows],
    }


# Declared before ``claims/{claim_id}`` so that ``decide`` is not read as a claim id.
@router.post("/funds/{fund_id}/claims/decide", response={200: DecisionOut, 400: FieldErrors})
def decide_claim(request: HttpRequest, fund_id: int, payload: ClaimIn) -> dict:
    """What would this member get for this event on this day? The engine's decision under the
    regulation in force on the event date, with every check and its clause — nothing is
    filed or written (other than the access log: it reads the member's history)."""
    access = _filer(request, fund_id, payload.member_id)
    data = _input(access, payload)
    try:
        preview = claim_preview(fund=access.fund, data=data)
    except ValidationError as exc:
        raise _api_fields(exc) from None
    _log(request, access, [preview.member.pk])
    return _decision_out(preview)


@router.get("/funds/{fund_id}/claims/{claim_id}", response=ClaimDetailOut)
def get_claim(request: HttpRequest, fund_id: int, claim_id: int) -> dict:
    """One claim: the decision with its trace, the evidence (metadata), approvals, payments."""
    access = _reader(request, fund_id)
    claim = _claim(access, claim_id)
    _log(request, access, [claim.member_id])
    return _detail_out(claim)


@router.get("/funds/{fund_id}/claims/{claim_id}/approvals", response=list[ReviewOut])
def list_approvals(request: HttpRequest, fund_id: int, claim_id: int) -> list[dict]:
    """The committee's reviews of a claim, every round (read-only)."""
    access = _reader(request, fund_id)
    claim = _claim(access, claim_id)
    _log(request, access, [claim.member_id])
    return [
        _review_out(r) for r in claim.reviews.select_related("user", "resolution").order_by("at")
    ]


def _filer(request: HttpRequest, fund_id: int, member_id: int) -> FundAccess:
    """Who may file or ask for a decision: the committee, or the member for themself."""
    access = api_access(request, fund_id, Cap.VIEW_FUND)
    if access.can(Cap.DECIDE_CLAIMS):
        return access
    if access.member_id is not None and access.member_id == member_id:
        return access
    raise HttpError(403, "forbidden")


def _input(access: FundAccess, payload: ClaimIn) -> ClaimInput:
    member = Member.objects.filter(fund=access.fund, pk=payload.member_id).first()
    if member is None:
        raise ValidationError({"member_id": [_no_member(payload.member_id)]})
    return ClaimInput(
        member_number=member.number,
        benefit=payload.benefit,
        event_date=payload.event_date,
        relative=payload.relative or "self",
        nights=payload.nights,
        children=payload.children,
        months=payload.months,
        grade_average=payload.grade_average,
        school_level=payload.school_level,
        disability_level=payload.disability_level,
        subject_name=payload.subject_name,
        subject_birth_date=payload.subject_birth_date,
        subject_sex=payload.subject_sex,
        cause=payload.cause,
        note=payload.note,
        days=payload.days,
        discharge_date=payload.discharge_date,
        marital_status=payload.marital_status,
        children_birth_dates=(
            tuple(payload.children_birth_dates)
            if payload.children_birth_dates is not None
            else None
        ),
    )


def _no_member(member_id: int) -> str:
    from django.utils.translation import gettext as _

    return _("No member %(number)s in this fund.") % {"number": member_id}


def _api_fields(exc: ValidationError) -> ValidationError:
    """The service names the member by number (as the page's field); the API by id."""
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError(
        {("member_id" if k == "member_number" else k): v for k, v in exc.error_dict.items()}
    )


@router.post(
    "/funds/{fund_id}/claims",
    response={201: ClaimDetailOut, 400: FieldErrors},
)
def file_claim(
    request: HttpRequest,
    fund_id: int,
    payload: ClaimFileIn,
    idempotency_key: str | None = IDEMPOTENCY_KEY,
) -> Status:
    """File a claim: the engine decides it at once (the decision and its trace are stored
    with it); ``evidence`` lists documents the committee saw on paper. Send an
    ``Idempotency-Key`` header to make a retry safe: the same key returns the first claim."""
    access = _filer(request, fund_id, payload.member_id)
    if payload.evidence and not access.can(Cap.DECIDE_CLAIMS):
        raise ValidationError(
            {"evidence": [_only_committee()]},
        )
    data = _input(access, payload)
    try:
        claim, _replayed = api_once(
            request,
            fund_id=access.fund.pk,
            scope="api.claims.file",
            action=lambda: claim_file_with_evidence(
                fund=access.fund,
                data=data,
                evidence=[(e.requirement, e.description) for e in payload.evidence],
                actor=request.auth,
            ),
            **as_pk(Claim),
        )
    except ValidationError as exc:
        raise _api_fields(exc) from None
    claim = Claim.objects.select_related("member", "regulation_version").get(pk=claim.pk)
    return Status(201, _detail_out(claim))


def _only_committee() -> str:
    from django.utils.translation import gettext as _

    return _("Only the committee records the documents it saw.")


def _decision_out(preview: Preview) -> dict:
    d = preview.decision
    return {
        "member_id": preview.member.pk,
        "benefit": d.benefit,
        "benefit_name": preview.benefit_label,
        "event_date": preview.data.event_date,
        "as_of": preview.as_of,
        "regulation_version": preview.version.number,
        "eligible": d.eligible,
        "amount": d.amount,
        "units": d.units,
        "recurring_every": preview.recurring_every,
        "clauses": list(d.clauses),
        "trace": [
            {"code": s.code, "clause": s.clause, "text": render_step(s, current_lang()), "ok": s.ok}
            for s in d.steps
        ],
        "evidence_required": [
            {"code": e.code, "name": evidence_label(e), "clause": e.clause}
            for e in preview.evidence
        ],
    }

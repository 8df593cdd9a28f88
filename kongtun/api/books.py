"""The books over the JSON API, read-only: journal, trial balance, closed months with their
published roots, and the verification of the chain — for coordinators and researchers who
reconcile or re-check a fund's books with their own tools. Same rule as the pages: the
caller must be allowed to read the fund's books (``Cap.VIEW_BOOKS``). Amounts are decimal
strings in baht (never floats)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.paginator import Paginator
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from ninja.pagination import paginate

from kongtun.api.access import api_access
from kongtun.api.paging import Pages, Rows
from kongtun.funds.access import Cap, FundAccess
from kongtun.ledger.masking import hides_persons, mask_lines
from kongtun.ledger.models import JournalLine, MonthClose
from kongtun.ledger.reports import journal_search
from kongtun.ledger.seal import verify
from kongtun.ledger.selectors import trial_balance

router = Router(tags=["books"])


class LineOut(Schema):
    account_code: str
    account_name_th: str
    debit: Decimal | None
    credit: Decimal | None
    member_id: int | None
    memo: str


class EntryOut(Schema):
    seq: int
    date: dt.date
    description: str
    source_type: str
    source_ref: str
    reverses_seq: int | None
    verification_code: str | None
    lines: list[LineOut]


class EntryPage(Schema):
    count: int
    page: int
    pages: int
    results: list[EntryOut]


class BalanceOut(Schema):
    account_code: str
    account_name_th: str
    account_name_en: str
    type: str
    debit: Decimal
    credit: Decimal


class TrialBalanceOut(Schema):
    as_of: dt.date
    rows: list[BalanceOut]
    total_debit: Decimal
    total_credit: Decimal
    balanced: bool


class MonthCloseOut(Schema):
    month: str
    entry_count: int | None
    merkle_root: str | None
    head_seq: int | None
    chain_head: str | None
    closed_at: dt.datetime


class FindingOut(Schema):
    seq: int | None
    code: str
    detail: str


class VerificationOut(Schema):
    ok: bool
    entries: int
    first_bad_seq: int | None
    findings: list[FindingOut]


def _books(request: HttpRequest, fund_id: int) -> FundAccess:
    return api_access(request, fund_id, Cap.VIEW_BOOKS)


@router.get("/funds/{fund_id}/books/entries", response=EntryPage)
def list_entries(
    request: HttpRequest,
    fund_id: int,
    start: dt.date | None = None,
    end: dt.date | None = None,
    q: str = "",
    page: int = 1,
    page_size: int = 100,
) -> dict:
    """Journal entries, newest first, each with its lines and its verification code. A caller
    who may not see members' persons (a network coordinator) reads every entry masked: what it
    is, never who — no member, memo or hand-typed text, and ``q`` finds entry and document
    numbers only."""
    access = _books(request, fund_id)
    hide = hides_persons(access)
    qs = journal_search(
        fund=access.fund, start=start, end=end, q=q, hide_persons=hide
    ).select_related("seal", "reverses")
    paginator = Paginator(qs, max(1, min(page_size, 1000)))
    p = paginator.get_page(page)
    entries = list(p.object_list)
    lines: dict[int, list[dict]] = {}
    rows = JournalLine.objects.filter(entry__in=entries).select_related("account").order_by("id")
    for line in mask_lines(rows) if hide else rows:
        lines.setdefault(line.entry_id, []).append(
            {
                "account_code": line.account.code,
                "account_name_th": line.account.name_th,
                "debit": line.debit,
                "credit": line.credit,
                "member_id": line.member_id,
                "memo": line.memo,
            }
        )
    results = []
    for e in entries:
        seal = getattr(e, "seal", None)
        results.append(
            {
                "seq": e.seq,
                "date": e.date,
                "description": e.description,
                "source_type": e.source_type,
                "source_ref": e.source_ref,
                "reverses_seq": e.reverses.seq if e.reverses_id else None,
                "verification_code": seal.verification_code if seal else None,
                "lines": lines.get(e.pk, []),
            }
        )
    return {
        "count": paginator.count,
        "page": p.number,
        "pages": paginator.num_pages,
        "results": results,
    }


@router.get("/funds/{fund_id}/books/trial-balance", response=TrialBalanceOut)
def get_trial_balance(request: HttpRequest, fund_id: int, as_of: dt.date | None = None) -> dict:
    access = _books(request, fund_id)
    as_of = as_of or timezone.localdate()
    tb = trial_balance(fund=access.fund, as_of=as_of)
    return {
        "as_of": as_of,
        "rows": [
            {
                "account_code": r.account.code,
                "account_name_th": r.account.name_th,
                "account_name_en": r.account.name_en,
                "type": r.account.type,
                "debit": r.debit,
                "credit": r.credit,
            }
            for r in tb["rows"]
        ],
        "total_debit": tb["total_debit"],
        "total_credit": tb["total_credit"],
        "balanced": tb["balanced"],
    }


@router.get("/funds/{fund_id}/books/months", response=list[MonthCloseOut])
@paginate(Pages)
def list_month_closes(request: HttpRequest, fund_id: int) -> Rows:
    """Closed months, oldest first, with the Merkle root and chain head published at close;
    a page at a time (``page``, ``page_size``)."""
    access = _books(request, fund_id)
    return Rows(
        MonthClose.objects.filter(fund=access.fund).order_by("month"),
        lambda c: {
            "month": f"{c.month:%Y-%m}",
            "entry_count": c.entry_count,
            "merkle_root": c.merkle_root,
            "head_seq": c.head_seq,
            "chain_head": c.chain_head,
            "closed_at": c.closed_at,
        },
    )


@router.get("/funds/{fund_id}/books/verification", response=VerificationOut)
def get_verification(request: HttpRequest, fund_id: int) -> dict:
    """Recompute the whole chain and every closed month's root now (``ledger.seal.verify``)."""
    access = _books(request, fund_id)
    result = verify(access.fund)
    return {
        "ok": result.ok,
        "entries": result.entries,
        "first_bad_seq": result.first_bad_seq,
        "findings": [{"seq": f.seq, "code": f.code, "detail": f.detail} for f in result.findings],
    }

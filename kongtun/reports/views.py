"""Report pages under ``f/<fund_id>/reports/``. Each report is a page; ``?format=pdf`` gives
the PDF and ``?format=xlsx`` the spreadsheet; ``?lang=en`` or ``?lang=th`` picks the language
of one document (the user's language otherwise).

The monthly and annual reports, the matching request and the verification of the books need
``view_books``; a member's statement needs ``view_members`` or the member's own login.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
import time

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kongtun.core.http import file_response
from kongtun.core.thaidates import BE_OFFSET, parse_month
from kongtun.funds.access import Cap, FundAccess, fund_view
from kongtun.ledger.masking import hides_persons, mask_entries
from kongtun.ledger.models import JournalEntry, MonthClose
from kongtun.ledger.reports import month_label
from kongtun.members.models import AccessKind, Member
from kongtun.members.services import personal_data_access_log
from kongtun.reports import charts
from kongtun.reports.pdf import render_pdf
from kongtun.reports.selectors import (
    annual_report,
    member_statement,
    monthly_report,
    months_with_books,
    years_with_books,
)
from kongtun.reports.xlsx import annual_xlsx, monthly_xlsx, statement_xlsx

# The link to a member's statement on the member page (kongtun/templates/members/detail.html).
gettext_noop("Statement")

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _language(request: HttpRequest) -> contextlib.AbstractContextManager:
    lang = request.GET.get("lang", "")
    return translation.override(lang) if lang in ("th", "en") else contextlib.nullcontext()


def _last_full_month(today: dt.date) -> dt.date:
    return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


# --- index ---------------------------------------------------------------------------------


@fund_view(Cap.VIEW_FUND)
def reports_home(request: HttpRequest, access: FundAccess) -> HttpResponse:
    fund = access.fund
    today = timezone.localdate()
    years = years_with_books(fund, today)
    requests = []
    if access.can(Cap.VIEW_BOOKS):
        with contextlib.suppress(ImportError):
            from kongtun.mobilization.models import MatchingRequest

            requests = list(
                MatchingRequest.objects.filter(fund=fund)
                .select_related("agency")
                .order_by("-number")[:20]
            )
    return render(
        request,
        "reports/home.html",
        {
            "months": [(m, month_label(m)) for m in months_with_books(fund, today)],
            "default_month": _last_full_month(today),
            "years": years,
            "default_year": years[1] if len(years) > 1 else years[0],  # the last ended
            "requests": requests,
            "can_books": access.can(Cap.VIEW_BOOKS),
            "can_members": access.can(Cap.VIEW_MEMBERS),
        },
    )


# --- monthly report --------------------------------------------------------------------------


@fund_view(Cap.VIEW_BOOKS)
def monthly(request: HttpRequest, access: FundAccess) -> HttpResponse:
    fund = access.fund
    today = timezone.localdate()
    month = parse_month(request.GET.get("month", "")) or _last_full_month(today)
    if month < fund.founded_on.replace(day=1) or month > today.replace(day=1):
        raise Http404
    with _language(request):
        report = monthly_report(fund=fund, month=month, hide_persons=hides_persons(access))
        label = month_label(month)
        context = {
            "r": report,
            "fund": fund,
            "month_label": label,
            "month_value": f"{month:%Y-%m}",
            "query": f"month={month:%Y-%m}",
            "months": [(m, month_label(m)) for m in months_with_books(fund, today)],
        }
        fmt = request.GET.get("format", "")
        if report.claims and access.can(Cap.VIEW_PERSONS):
            # The "claims decided" table names members and their benefits (health events).
            personal_data_access_log(
                access=access,
                members=[row["claim"].member_id for row in report.claims],
                kinds=[AccessKind.HEALTH] + ([AccessKind.EXPORT] if fmt in ("pdf", "xlsx") else []),
                path=request.get_full_path(),
            )
        name = f"monthly-{fund.short_code}-{month.year + BE_OFFSET}-{month.month:02d}"
        if fmt == "pdf":
            return file_response(
                render_pdf("reports/pdf/monthly.html", context), PDF, f"{name}.pdf", inline=True
            )
        if fmt == "xlsx":
            content = monthly_xlsx(report, lang=get_language() or "th", month_label=label)
            return file_response(content, XLSX, f"{name}.xlsx", inline=False)
        return render(request, "reports/monthly.html", context)


# --- annual report ---------------------------------------------------------------------------


def _annual_charts(report: object) -> dict:
    return {
        "chart_types": charts.bar_chart(
            [(r.label, r.amount) for r in report.benefits_by_type],
            title=_("Benefits paid by type (baht)"),
        ),
        "chart_villages": charts.bar_chart(
            [(r.label, r.amount) for r in report.benefits_by_village],
            title=_("Benefits paid by village (baht)"),
            colour="#7a5c1d",
        ),
        "chart_pyramid": charts.pyramid(
            report.by_age,
            title=_("Members by age band and sex"),
            female_label=_("female"),
            male_label=_("male"),
        ),
        "chart_members_village": charts.bar_chart(
            [(r.label, r.count) for r in report.by_village],
            title=_("Members by village"),
            fmt=lambda v: f"{v:,}",
            colour="#2f6ea5",
        ),
    }


@fund_view(Cap.VIEW_BOOKS)
def annual(request: HttpRequest, access: FundAccess) -> HttpResponse:
    fund = access.fund
    today = timezone.localdate()
    years = years_with_books(fund, today)
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = years[1] if len(years) > 1 else years[0]  # the last year that has ended
    if year not in years:
        raise Http404
    with _language(request):
        report = annual_report(fund=fund, year_be=year, hide_persons=hides_persons(access))
        context = {
            "r": report,
            "fund": fund,
            "years": years,
            "query": f"year={year}",
            **_annual_charts(report),
        }
        fmt = request.GET.get("format", "")
        name = f"annual-{fund.short_code}-{year}"
        if fmt == "pdf":
            return file_response(
                render_pdf("reports/pdf/annual.html", context), PDF, f"{name}.pdf", inline=True
            )
        if fmt == "xlsx":
            return file_response(
                annual_xlsx(report, lang=get_language() or "th"), XLSX, f"{name}.xlsx", inline=False
            )
        return render(request, "reports/annual.html", context)


# --- member statement ------------------------------------------------------------------------


@fund_view(Cap.VIEW_FUND)
def statement(request: HttpRequest, access: FundAccess, member_id: int) -> HttpResponse:
    if not (access.can(Cap.VIEW_PERSONS) or access.member_id == member_id):
        raise Http404
    try:
        member = Member.objects.select_related("fund", "village", "occupation").get(
            pk=member_id, fund=access.fund
        )
    except Member.DoesNotExist:
        raise Http404 from None
    today = timezone.localdate()
    with _language(request):
        st = member_statement(member=member, as_of=today)
        context = {"st": st, "fund": access.fund, "member": member}
        fmt = request.GET.get("format", "")
        personal_data_access_log(
            access=access,
            members=[member],
            kinds=[AccessKind.STATEMENT] + ([AccessKind.EXPORT] if fmt in ("pdf", "xlsx") else []),
            path=request.get_full_path(),
        )
        name = f"statement-{access.fund.short_code}-{member.number}"
        if fmt == "pdf":
            return file_response(
                render_pdf("reports/pdf/statement.html", context), PDF, f"{name}.pdf", inline=True
            )
        if fmt == "xlsx":
            return file_response(
                statement_xlsx(st, lang=get_language() or "th"), XLSX, f"{name}.xlsx", inline=False
            )
        return render(request, "reports/statement.html", context)


# --- matching request and its reconciliation -------------------------------------------------


@fund_view(Cap.VIEW_BOOKS)
def matching(request: HttpRequest, access: FundAccess, request_id: int) -> HttpResponse:
    try:
        from kongtun.mobilization.models import MatchingRequest
        from kongtun.mobilization.selectors import request_receipts, request_totals
    except ImportError:  # pragma: no cover
        raise Http404 from None
    try:
        mreq = MatchingRequest.objects.select_related("agency", "fund").get(
            pk=request_id, fund=access.fund
        )
    except MatchingRequest.DoesNotExist:
        raise Http404 from None
    with _language(request):
        hidden = hides_persons(access)  # the list names members: the committee's
        lines = (
            []
            if hidden
            else list(
                mreq.lines.select_related("member", "member__village").order_by("member__number")
            )
        )
        receipts = request_receipts(mreq)
        if hidden:
            mask_entries(r.entry for r in receipts)
        context = {
            "mreq": mreq,
            "fund": access.fund,
            "lines": lines,
            "members_hidden": hidden,
            "totals": request_totals(mreq),
            "receipts": receipts,
        }
        if request.GET.get("format", "") == "pdf":
            name = f"matching-{access.fund.short_code}-{mreq.number}"
            return file_response(
                render_pdf("reports/pdf/matching.html", context), PDF, f"{name}.pdf", inline=True
            )
        return render(request, "reports/matching.html", context)


# --- verify the books ------------------------------------------------------------------------


def _finding_text(code: str) -> str:
    texts = {
        "sequence": _("An entry number is missing or out of order."),
        "unsealed": _("An entry has no seal: it was added behind the application."),
        "chain": _("The seal does not follow the previous entry: the chain is broken here."),
        "content": _("The entry or its lines differ from when it was posted."),
        "forged": _("The seal was not made by this application (a forged seal)."),
        "deleted": _("There are more seals than entries: entries were removed."),
        "head": _("The chain head published at the last month close is gone or changed."),
        "month_root": _("A closed month's entries differ from when it was closed."),
        "published": _("A stored month root differs from the one published outside."),
        "published_month": _(
            "A month published as closed has no close in the database: the close was removed "
            "or an older copy of the books was put back."
        ),
        "published_head": _("An entry differs from the head published outside."),
        "behind": _(
            "The books end before a head published outside: the newest entries were removed "
            "or an older copy of the books was put back."
        ),
        "truncated": _("Entries were numbered but are gone: the newest entries were removed."),
        "close_missing": _(
            "Entries were posted after a month closed, but that month's close is gone or changed."
        ),
        "close_gap": _("A month has no close although later months do."),
        "closed_month": _(
            "An entry is dated in a month that was already closed when it was posted."
        ),
        "anchor": _("An entry cites an earlier month close than the entries before it."),
        "line": _("A line's date or fund differs from its entry's."),
        "receipt": _("A receipt's code is not found at its entry number."),
        "checkpoint": _("An entry verified earlier has changed since."),
        "checkpoint_closes": _("A month close verified earlier has changed since."),
    }
    return texts.get(code, code)


_ROOT_LINE = re.compile(r"^\s*(\d{4})[-/](\d{1,2})\s*[:=\s]\s*([0-9a-fA-F]{64})\s*$")


def parse_published(text: str) -> tuple[dict[str, str], list[int]]:
    """Lines 'YYYY-MM root' (Buddhist Era or Gregorian year) → {'YYYY-MM': root} in the
    Gregorian calendar, and the numbers of lines that could not be read."""
    heads: dict[str, str] = {}
    bad = []
    for n, line in enumerate((text or "").splitlines(), 1):
        if not line.strip():
            continue
        m = _ROOT_LINE.match(line)
        if not m or not 1 <= int(m[2]) <= 12:
            bad.append(n)
            continue
        year = int(m[1]) - BE_OFFSET if int(m[1]) > 2400 else int(m[1])
        heads[f"{year:04d}-{int(m[2]):02d}"] = m[3].lower()
    return heads, bad


@fund_view(Cap.VIEW_BOOKS)
@require_http_methods(["GET", "POST"])
def verify_books(request: HttpRequest, access: FundAccess) -> HttpResponse:
    """Recompute the chain, every seal and every closed month's root, and name the first entry
    that differs. Reads only (a POST carries roots kept outside to compare with)."""
    from kongtun.ledger.heads import normalize
    from kongtun.ledger.seal import verify

    fund = access.fund
    published_text = request.POST.get("published", "") if request.method == "POST" else ""
    published, bad_lines = parse_published(published_text)
    if bad_lines and published_text.lstrip().startswith(("{", "[")):
        # a heads.json saved from the public page, pasted whole
        try:
            published, bad_lines = json.loads(published_text), []
        except ValueError:
            pass
    started = time.perf_counter()
    result = verify(fund, published_heads=published or None)
    elapsed = time.perf_counter() - started
    first_entry = None
    if result.first_bad_seq is not None:
        first_entry = JournalEntry.objects.filter(fund=fund, seq=result.first_bad_seq).first()
    last_close = MonthClose.objects.filter(fund=fund).order_by("-month").first()
    findings = [
        {"seq": f.seq, "code": f.code, "text": _finding_text(f.code), "detail": f.detail}
        for f in result.findings
    ]
    return render(
        request,
        "reports/verify.html",
        {
            "result": result,
            "findings": findings,
            "first_entry": first_entry,
            "elapsed": elapsed,
            "rate": result.entries / elapsed if elapsed > 0 else None,
            "last_close": last_close,
            "closed_months": MonthClose.objects.filter(fund=fund).count(),
            "published_text": published_text,
            "published_count": sum(len(d.get("months") or []) for d in normalize(published)),
            "bad_lines": bad_lines,
        },
    )

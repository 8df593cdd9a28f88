"""Public pages (no login): the fund's figures and receipt verification. Only aggregates."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import get_conditional_response, set_response_etag
from django.views.decorators.cache import cache_control
from django.views.decorators.http import condition

from kongtun.core.http import file_response
from kongtun.core.thaidates import BE_OFFSET, parse_month
from kongtun.funds.models import Fund
from kongtun.ledger.heads import fund_heads, heads_etag
from kongtun.ledger.reports import month_label
from kongtun.public.selectors import public_summary_cached, receipt_verification
from kongtun.reports.pdf import render_pdf
from kongtun.reports.published import published_report


def _fund(short_code: str) -> Fund:
    fund = (
        Fund.objects.select_related("subdistrict__parent__parent")
        .filter(short_code=short_code.upper())
        .first()
    )
    if fund is None:
        raise Http404
    return fund


def _current(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Cache-friendly but always current: every request revalidates (no-cache) and an
    unchanged page answers 304 by its ETag."""
    set_response_etag(response)
    return get_conditional_response(request, etag=response["ETag"], response=response)


@cache_control(public=True, no_cache=True)
def fund_page(request: HttpRequest, short_code: str) -> HttpResponse:
    fund = _fund(short_code)
    today = timezone.localdate()
    year = request.GET.get("year", "")
    if year.isdigit():
        # A year as people write it: Buddhist Era (2567) or Gregorian (2024).
        y = int(year) - 543 if int(year) > 2400 else int(year)
        if 1900 < y <= today.year:
            today = min(today, dt.date(y, 12, 31))
    summary = public_summary_cached(fund=fund, today=today)
    years = list(range(timezone.localdate().year, fund.founded_on.year - 1, -1))
    heads = fund_heads(fund)
    response = render(
        request,
        "public/fund.html",
        {
            "fund": fund,
            "s": summary,
            "years": years,
            "head": heads["head"],
            "head_at": (
                timezone.localtime(dt.datetime.fromisoformat(heads["head"]["at"]))
                if heads["head"]["at"]
                else None
            ),
        },
    )
    return _current(request, response)


def _heads_etag(request: HttpRequest, short_code: str) -> str | None:
    fund = Fund.objects.filter(short_code=short_code.upper()).first()
    return heads_etag(fund) if fund else None


@cache_control(public=True, no_cache=True)
@condition(etag_func=_heads_etag)
def heads_json(request: HttpRequest, short_code: str) -> HttpResponse:
    """The heads of the books as JSON (decision 0009): the current chain head (entries, last
    number and hash, when it was made) and every closed month's root and count, with the time
    this copy was generated — for anyone to keep and hand to ``ledger_verify --heads``. A
    new entry or a close changes the ETag, so a cache never serves an older head."""
    fund = _fund(short_code)
    response = JsonResponse(fund_heads(fund), json_dumps_params={"indent": 1})
    response["Access-Control-Allow-Origin"] = "*"
    response["Content-Disposition"] = f'inline; filename="heads-{fund.short_code}.json"'
    return response


def verify_page(request: HttpRequest, short_code: str) -> HttpResponse:
    fund = _fund(short_code)
    code = (request.GET.get("code") or "").strip()
    number = (request.GET.get("n") or "").strip()
    result = receipt_verification(fund=fund, code=code) if code else None
    # The QR code carries the entry's number too: the code must be found at that number.
    misplaced = bool(result and number.isdigit() and int(number) != result["seq"])
    return render(
        request,
        "public/verify.html",
        {
            "fund": fund,
            "code": code,
            "number": number,
            "result": None if misplaced else result,
            "misplaced": misplaced,
            "asked": bool(code),
        },
    )


@cache_control(max_age=300, public=True)
def month_report(request: HttpRequest, short_code: str, month: str) -> HttpResponse:
    """The monthly report published when the month was closed (HTML or PDF): money figures,
    members counted, claims counted per benefit — never a name. Rendered from the snapshot
    frozen at close, never recomputed; a snapshot that no longer matches its fingerprint is
    not shown. 404 while the month is open."""
    fund = _fund(short_code)
    start = parse_month(month)
    published = published_report(fund=fund, month=start) if start else None
    if published is None:
        raise Http404
    label = month_label(start)
    context = {
        "r": published.report,
        "published": published,
        "fund": fund,
        "month_label": label,
        "public": True,
    }
    if published.tampered:
        return render(request, "public/month.html", context, status=409)
    if request.GET.get("format") == "pdf":
        name = f"monthly-{fund.short_code}-{start.year + BE_OFFSET}-{start.month:02d}"
        return file_response(
            render_pdf("reports/pdf/monthly.html", context),
            "application/pdf",
            f"{name}.pdf",
            inline=True,
        )
    return render(request, "public/month.html", context)

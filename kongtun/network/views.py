"""Network pages (decision 0025). Across funds: only the funds the user follows as network
coordinator (``selectors.followed_funds``), figures from the roll-ups, no person. Per fund:
``funds.access.fund_view`` as everywhere."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kongtun.core.forms import apply_service_errors
from kongtun.core.http import file_response
from kongtun.core.uploads import upload_limit
from kongtun.funds.access import Cap, FundAccess, fund_view
from kongtun.network import exports
from kongtun.network.forms import KeyRegisterForm, NetworkFilterForm, PackageUploadForm
from kongtun.network.models import PackageRefusal, ReceivedPackage, ReportPackage, SigningKey
from kongtun.network.packages import (
    MAX_PACKAGE_BYTES,
    PackageRefused,
    key_register,
    package_file,
    package_make,
    package_receive,
    signing_key_ensure,
)
from kongtun.network.selectors import (
    Filters,
    followed_funds,
    fund_rows,
    network_view,
    yearly_trends,
)


def _filters(request: HttpRequest) -> tuple[NetworkFilterForm, Filters]:
    form = NetworkFilterForm(request.GET or None)
    filters = Filters()
    if form.is_valid():
        d = form.cleaned_data
        filters = Filters(
            grouping=d["by"],
            sort=d["sort"],
            descending=bool(d["desc"]),
            q=d["q"].strip(),
            province=d["province"] or "",
            stage=d["stage"],
            cover_below=d["cover_below"],
        )
    return form, filters


@login_required
def network_home(request: HttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    network = network_view(user=request.user, filters=filters)
    return render(
        request,
        "network/home.html",
        {
            "form": form,
            "network": network,
            "query": request.GET.urlencode(),
            "follows": followed_funds(request.user).exists(),
        },
    )


@login_required
def network_export(request: HttpRequest, fmt: str) -> HttpResponse:
    _form, filters = _filters(request)
    network = network_view(user=request.user, filters=filters)
    stamp = f"{dt.date.today():%Y%m%d}"
    if fmt == "xlsx":
        return file_response(
            exports.network_xlsx(network),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            f"network-{stamp}.xlsx",
            inline=False,
        )
    if fmt == "pdf":
        return file_response(
            exports.network_pdf(network), "application/pdf", f"network-{stamp}.pdf", inline=True
        )
    raise Http404


def _followed_fund(request: HttpRequest, name: str) -> object:
    value = request.GET.get(name, "")
    fund = followed_funds(request.user).filter(pk=int(value)).first() if value.isdigit() else None
    return fund


@login_required
def network_compare(request: HttpRequest) -> HttpResponse:
    funds = followed_funds(request.user).order_by("name_th", "pk")
    a, b = _followed_fund(request, "a"), _followed_fund(request, "b")
    pair, trends = [], []
    if a is not None and b is not None:
        rows, _since, _until = fund_rows(funds.filter(pk__in=[a.pk, b.pk]))
        by_id = {r.fund_id: r for r in rows}
        pair = [by_id[a.pk], by_id[b.pk]]
        trends = [yearly_trends(funds.filter(pk=a.pk)), yearly_trends(funds.filter(pk=b.pk))]
    elif request.GET.get("a") or request.GET.get("b"):
        raise Http404  # a fund the user does not follow: not revealed
    return render(
        request,
        "network/compare.html",
        {"funds": funds, "pair": pair, "trends": trends, "a": a, "b": b},
    )


@login_required
def network_trends(request: HttpRequest) -> HttpResponse:
    funds = followed_funds(request.user)
    one = _followed_fund(request, "fund")
    if request.GET.get("fund") and one is None:
        raise Http404
    province = request.GET.get("province", "")
    selected = funds.filter(pk=one.pk) if one else funds
    if province.isdigit() and len(province) == 2:
        selected = selected.filter(subdistrict__code__startswith=province)
    return render(
        request,
        "network/trends.html",
        {
            "years": yearly_trends(selected),
            "fund": one,
            "funds": funds.order_by("name_th", "pk"),
            "province": province,
        },
    )


@login_required
@upload_limit(MAX_PACKAGE_BYTES)
def network_packages(request: HttpRequest) -> HttpResponse:
    """Upload a package saved as a file (funds without internet at the office); what was
    received and refused for the funds the user follows."""
    funds = followed_funds(request.user)
    form = PackageUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        raw = form.cleaned_data["file"].read(MAX_PACKAGE_BYTES + 1)
        try:
            kept = package_receive(raw=raw, via="upload", actor=request.user)
        except PackageRefused as exc:
            messages.error(
                request,
                _("The package was refused: %(reason)s. %(detail)s")
                % {
                    "reason": exc.refusal.get_reason_display(),
                    "detail": exc.refusal.detail,
                },
            )
        else:
            messages.success(
                request,
                _("The report of %(month)s from %(fund)s was checked and kept.")
                % {"month": f"{kept.month:%Y-%m}", "fund": kept.fund.display_name},
            )
        return redirect("network_packages")
    received = (
        ReceivedPackage.objects.filter(fund__in=funds)
        .select_related("fund")
        .order_by("-received_at", "-id")[:50]
    )
    refusals = (
        PackageRefusal.objects.filter(fund__in=funds)
        | PackageRefusal.objects.filter(fund__isnull=True, by=request.user)
    ).order_by("-received_at", "-id")[:50]
    return render(
        request,
        "network/packages.html",
        {"form": form, "received": received, "refusals": refusals},
    )


@fund_view(Cap.FOLLOW_NETWORK)
def fund_witness(request: HttpRequest, access: FundAccess) -> HttpResponse:
    """The coordinator's page of one fund: its registered key, the reports received (pushed
    or uploaded) and those refused."""
    fund = access.fund
    form = KeyRegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            key_register(fund=fund, public_key=form.cleaned_data["public_key"], actor=request.user)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The fund's key is registered."))
            return redirect("network_fund_witness", fund_id=fund.pk)
    return render(
        request,
        "network/witness.html",
        {
            "fund": fund,
            "form": form,
            "key": getattr(fund, "registered_key", None),
            "received": ReceivedPackage.objects.filter(fund=fund).order_by("-month"),
            "refusals": PackageRefusal.objects.filter(fund=fund)[:50],
            "rows": fund_rows(followed_funds(request.user).filter(pk=fund.pk))[0],
        },
    )


@fund_view(Cap.MANAGE_FUND)
def fund_reporting(request: HttpRequest, access: FundAccess) -> HttpResponse:
    """The fund's own side: its signing key's public half (for the coordinator to register)
    and the packages its closes signed, to download and carry to the network."""
    fund = access.fund
    if request.method == "POST":
        signing_key_ensure(fund=fund)
        from kongtun.ledger.models import MonthClose

        made = 0
        for close in MonthClose.objects.filter(fund=fund).exclude(
            month__in=ReportPackage.objects.filter(fund=fund).values("month")
        ):
            package_make(close=close)
            made += 1
        messages.success(
            request, _("Signing key ready; %(n)s report packages signed.") % {"n": made}
        )
        return redirect("network_fund_reporting", fund_id=fund.pk)
    return render(
        request,
        "network/reporting.html",
        {
            "fund": fund,
            "key": SigningKey.objects.filter(fund=fund).only("public_key").first(),
            "packages": ReportPackage.objects.filter(fund=fund).order_by("-month")[:120],
        },
    )


@fund_view(Cap.MANAGE_FUND)
def fund_package_download(request: HttpRequest, access: FundAccess, month: str) -> HttpResponse:
    try:
        day = dt.date.fromisoformat(f"{month}-01")
    except ValueError:
        raise Http404 from None
    package = ReportPackage.objects.filter(fund=access.fund, month=day).first()
    if package is None:
        raise Http404
    return file_response(
        package_file(package),
        "application/json",
        f"kongtun-{access.fund.short_code}-{month}.json",
        inline=False,
    )

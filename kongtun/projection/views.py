"""Pages of the sustainability projection. Committee members and coordinators (``view_books``)
run projections of their fund and read them; nothing here changes the fund's data."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kongtun.core.forms import apply_service_errors
from kongtun.core.templatetags.kongtun import number, percent
from kongtun.core.thaidates import current_lang, format_years
from kongtun.core.uploads import upload_limit
from kongtun.funds.access import Cap, FundAccess, fund_view
from kongtun.projection import charts, rates
from kongtun.projection.engine import Assumptions, estimate
from kongtun.projection.exports import report_pdf, report_xlsx
from kongtun.projection.forms import MAX_UPLOAD_BYTES, ProjectionForm
from kongtun.projection.models import ProjectionRun, RunStatus
from kongtun.projection.selectors import books_check, run_in_fund, runs_of
from kongtun.projection.services import (
    RegulationInput,
    projection_defaults,
    run_cancel,
    run_create,
    run_mark_stale,
    run_start,
)
from kongtun.projection.sources import regulation_sources


def _run_or_404(access: FundAccess, run_id: int) -> ProjectionRun:
    run = run_in_fund(fund=access.fund, run_id=run_id)
    if run is None:
        raise Http404
    run_mark_stale(run)
    return run


@upload_limit(MAX_UPLOAD_BYTES)
@fund_view(Cap.VIEW_BOOKS)
def projection_home(request: HttpRequest, access: FundAccess) -> HttpResponse:
    fund = access.fund
    today = timezone.localdate()
    defaults = projection_defaults(fund=fund, today=today)
    sources = regulation_sources(fund)
    choices = [(s.key, s.label) for s in sources]
    base = defaults.assumptions
    initial: dict = {}
    previous = None
    if request.method == "GET" and request.GET.get("from", "").isdigit():
        previous = run_in_fund(fund=fund, run_id=int(request.GET["from"]))
        if previous is not None:
            base = Assumptions.from_dict(previous.parameters["assumptions"])
            base.start = today
            keys = {s.key for s in sources}
            initial["sources"] = [
                r["source"] for r in previous.parameters["regulations"] if r["source"] in keys
            ]
            initial["title"] = previous.title
    if not initial.get("sources"):
        default = next((s.key for s in sources if s.kind == "approved"), None)
        default = default or next(
            (s.key for s in sources if s.key == f"prototype:{fund.short_code.lower()}"), None
        )
        initial.setdefault("sources", [default] if default else [])
    form = ProjectionForm(
        request.POST or None,
        request.FILES or None,
        sources=choices,
        initial_assumptions=base,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        regs = []
        by_key = {s.key: s for s in sources}
        for key in form.cleaned_data["sources"]:
            s = by_key[key]
            regs.append(RegulationInput(s.label, s.key, s.content))
        upload = form.upload_text()
        if upload:
            name = form.cleaned_data["upload"].name
            regs.append(RegulationInput(_("Draft: %(file)s") % {"file": name}, "upload", upload))
        if form.cleaned_data.get("paste", "").strip():
            regs.append(RegulationInput(_("Pasted draft"), "upload", form.cleaned_data["paste"]))
        if not form.errors:
            try:
                run = run_create(
                    fund=fund,
                    actor=request.user,
                    assumptions=form.to_assumptions(today),
                    regulations=regs,
                    title=form.cleaned_data.get("title") or "",
                    population=defaults.population,
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                run_start(run)
                return redirect("projection_run", fund_id=fund.pk, run_id=run.pk)
    est = estimate(defaults.population, base, max(1, len(initial.get("sources") or [1])))
    return render(
        request,
        "projection/home.html",
        {
            "form": form,
            "runs": runs_of(fund=fund)[:30],
            "notes": defaults.notes,
            "population": defaults.population,
            "sources_text": rates.sources(current_lang()),
            "estimate": est,
            "previous": previous,
            "mx_period": format_years(
                *(int(y) for y in rates.BASE_PERIOD.split("-")), get_language() or "th"
            ),
            "today": today,
        },
    )


def _fmt(v: float) -> str:
    return number(v)


def _year_label(year: int, lang: str) -> str:
    return str(year + 543 if lang == "th" else year)


def run_context(run: ProjectionRun, *, lang: str, reg: int = 0) -> dict:
    """Everything the result page, the PDF and the spreadsheet show."""
    s = run.summary
    ctx: dict = {"run": run, "summary": s, "lang": lang}
    if run.status != RunStatus.DONE or not s:
        return ctx
    T = s["years"]
    years = [_year_label(s["start_year"] + t, lang) for t in range(T + 1)]
    regs = s["regulations"]
    reg = max(0, min(reg, len(regs) - 1))
    chosen = regs[reg]
    labels = {"band90": _("scenarios 5–95%"), "band50": _("25–75%"), "median": _("median")}
    checkpoints = sorted({t for t in (5, 10, 20, T) if t <= T})
    keys = []
    for i, r in enumerate(regs):
        neg = r["median_negative_year"]
        keys.append(
            {
                "index": i,
                "label": r["label"],
                "ruin": [(years[t], round(r["ruin"][t] * 100, 1)) for t in checkpoints],
                "median": [(years[t], _fmt(r["quantiles"][2][t])) for t in checkpoints],
                "negative_year": years[neg] if neg else None,
                "final_p5": _fmt(r["quantiles"][0][T]),
                "final_p95": _fmt(r["quantiles"][4][T]),
            }
        )
    name_key = "name_th" if lang == "th" else "name_en"
    benefits = [b for b in chosen["benefits"] if any(abs(v) > 0.005 for v in b["values"])]
    rows = []
    counts = s["counts"]
    for t in range(1, T + 1):
        f = chosen["flows"]
        i = t - 1
        rows.append(
            {
                "year": years[t],
                "members": round(counts["members"][i]),
                "deaths": counts["deaths"][i],
                "members_in": _fmt(f["contributions"][i] + f["fees"][i] + f["entrance_fees"][i]),
                "matching": _fmt(f["matching_local"][i] + f["matching_central"][i]),
                "interest": _fmt(f["interest"][i]),
                "benefits": [_fmt(b["values"][i]) for b in benefits],
                "admin": _fmt(f["admin"][i]),
                "money_in": _fmt(chosen["money_in"][i]),
                "money_out": _fmt(chosen["money_out"][i]),
                "quantiles": [_fmt(q[t]) for q in chosen["quantiles"]],
                "ruin": round(chosen["ruin"][t] * 100, 1),
            }
        )
    series = [{"label": r["label"], "quantiles": r["quantiles"], "ruin": r["ruin"]} for r in regs]
    fan_args = dict(
        series=[series[reg]],
        years=years,
        title=_("Fund balance: %(label)s") % {"label": chosen["label"]},
        lang=lang,
        labels=labels,
    )
    ruin_args = dict(
        series=series if len(series) > 1 else [series[reg]],
        years=years,
        title=_("Probability of having run out of money"),
        lang=lang,
    )
    compare_args = dict(
        series=series, years=years, title=_("Fund balance by regulation"), lang=lang, labels=labels
    )
    fan, ruin = charts.fan_chart(**fan_args), charts.ruin_chart(**ruin_args)
    check = books_check(run=run, reg=reg)
    a = Assumptions.from_dict(run.parameters["assumptions"])
    ctx.update(
        {
            "years": years,
            "reg": reg,
            "chosen": chosen,
            "keys": keys,
            "benefit_names": [b[name_key] for b in benefits],
            "rows": rows,
            "fan_svg": charts.to_svg_pair(charts.fan_chart, fan_args, wide=fan),
            "ruin_svg": charts.to_svg_pair(charts.ruin_chart, ruin_args, wide=ruin, css="ruin"),
            "compare_svg": charts.to_svg_pair(charts.fan_chart, compare_args)
            if len(series) > 1
            else None,
            "drawings": {"fan": fan, "ruin": ruin},
            "assumptions": a,
            "shown": _assumptions_shown(a),
            "uncertainties": uncertainties_included(a),
            "regulations": run.parameters["regulations"],
            "members": run.parameters.get("members"),
            "sources_text": rates.sources(current_lang()),
            "not_modelled": _not_modelled(chosen),
            "mx_labels": rates.MX_LABELS,
            "books_check": check,
            "books_far": sum(1 for row in check if row["far"] and not row["reason"]),
            "books_explained": sum(1 for row in check if row["far"] and row["reason"]),
        }
    )
    return ctx


def _pct(v: float) -> str:
    return percent(v)


def _num(v: float) -> str:
    return number(v, "2g")


def _assumptions_shown(a: Assumptions) -> dict[str, str]:
    """The assumptions as people read them (percentages, baht), never a raw float."""
    return {
        "opening_balance": number(a.opening_balance, 2),
        "compliance": _pct(a.compliance),
        "matching": " · ".join(
            _("%(ratio)s of contributions, at most %(cap)s, plus %(head)s a member")
            % {
                "ratio": _pct(getattr(a, f"matching_{src}")),
                "cap": _num(getattr(a, f"matching_{src}_cap"))
                if getattr(a, f"matching_{src}_cap")
                else "—",
                "head": _num(getattr(a, f"matching_{src}_per_member")),
            }
            for src in ("local", "central")
        ),
        "interest_rate": _pct(a.interest_rate),
        "new_members": _num(a.new_members),
        "exit_rate": _pct(a.exit_rate),
        "tfr": _num(a.tfr),
        "admissions": f"{_num(a.admissions_under60)} · {_num(a.admissions_60plus)}",
        "outpatient": f"{_num(a.outpatient_under60)} · {_num(a.outpatient_60plus)}",
    }


def uncertainties_included(a: Assumptions) -> list[str]:
    """What the spread of the scenarios includes, in words (decision 0024)."""
    out = [
        str(
            _(
                "Chance: who dies, leaves or joins, and which events happen and when, drawn "
                "anew in every scenario."
            )
        )
    ]
    names = {
        "hospital": _("hospital stays"),
        "outpatient": _("outpatient visits"),
        "education": _("scholarships"),
        "disability": _("disability"),
    }
    for source, shape in sorted(a.rate_uncertainty.items()):
        out.append(
            str(
                _(
                    "The rate of %(what)s itself: weighed from the fund's own few claims, so "
                    "each scenario draws it from its uncertainty (about ±%(cv)s%%)."
                )
                % {"what": names.get(source, source), "cv": round(100 / shape**0.5)}
            )
        )
    out.append(
        str(
            _(
                "Not included: uncertainty in the other rates (mortality, births, exits, "
                "matching, interest) — the sensitivity chart shows what ±20 percent of each does."
            )
        )
    )
    return out


NOT_MODELLED = {
    "relatives": gettext_lazy(
        "Events of relatives for this benefit are not projected (there are no figures on "
        "members' relatives except their deaths and births)."
    ),
    "relatives_partly": gettext_lazy(
        "Only the member's own events are projected for this benefit, not those of relatives."
    ),
    "kind": gettext_lazy("This kind of benefit is not projected."),
}


def _not_modelled(chosen: dict) -> list[str]:
    """What is not projected, by the benefits' names (not their codes)."""
    key = "name_th" if current_lang() == "th" else "name_en"
    names = {b["code"]: b.get(key) or b["code"] for b in chosen.get("benefits", [])}
    out = []
    for code, reason in chosen.get("not_modelled", []):
        out.append(f"{names.get(code, code)}: {NOT_MODELLED.get(reason, reason)}")
    for code in chosen.get("lifetime_caps", []):
        out.append(
            f"{names.get(code, code)}: "
            + _(
                "Its lifetime limit is applied within each year only (the claims it counts "
                "are too varied to follow from year to year), so the projection pays it "
                "somewhat more often than the fund would."
            )
        )
    return out


@fund_view(Cap.VIEW_BOOKS)
def projection_run(request: HttpRequest, access: FundAccess, run_id: int) -> HttpResponse:
    run = _run_or_404(access, run_id)
    try:
        reg = int(request.GET.get("reg", "0"))
    except ValueError:
        reg = 0
    ctx = run_context(run, lang=current_lang(), reg=reg)
    return render(request, "projection/run.html", ctx)


@fund_view(Cap.VIEW_BOOKS)
def projection_solve(request: HttpRequest, access: FundAccess, run_id: int) -> HttpResponse:
    """What would make it so: the target (horizon, accepted risk, benefits to scale), the
    answers in plain words, and an answer turned into a regulation draft (the chair and the
    committee who manage the fund)."""
    from kongtun.projection import solving

    run = _run_or_404(access, run_id)
    if run.status != RunStatus.DONE:
        raise Http404
    regs = run.parameters["regulations"]
    try:
        reg = max(0, min(int(request.POST.get("reg", request.GET.get("reg", "0"))), len(regs) - 1))
    except ValueError:
        reg = 0
    name_key = "name_th" if current_lang() == "th" else "name_en"
    benefits = [(b["code"], b.get(name_key) or b["code"]) for b in regs[reg].get("benefits", [])]
    names = dict(benefits)
    a = Assumptions.from_dict(run.parameters["assumptions"])
    values = {
        "horizon": request.POST.get("horizon", str(min(20, a.years))),
        "risk": request.POST.get("risk", "5"),
        "scaled": request.POST.getlist("scaled"),
    }
    errors: dict[str, list[str]] = {}
    answers = None
    result = None
    if request.method == "POST":
        try:
            target = solving.target_check(
                run=run,
                reg=reg,
                horizon=values["horizon"],
                risk_percent=values["risk"],
                scaled=values["scaled"],
            )
            if request.POST.get("action") == "draft":
                if not access.can(Cap.MANAGE_FUND):
                    raise PermissionDenied
                try:
                    value = float(request.POST.get("value", ""))
                except ValueError:
                    value = float("nan")
                draft = solving.solver_draft_create(
                    fund=access.fund,
                    run=run,
                    reg=reg,
                    lever=request.POST.get("lever", ""),
                    value=value,
                    scaled=target.scaled,
                    actor=request.user,
                )
                messages.success(request, _("The draft was made; check and compare it here."))
                return redirect("regulation_detail", fund_id=access.fund.pk, version_id=draft.pk)
            result = solving.run_solve(run=run, reg=reg, target=target)
            answers = solving.answer_sentences(result, names)
        except ValidationError as exc:
            errors = exc.message_dict
    return render(
        request,
        "projection/solve.html",
        {
            "run": run,
            "reg": reg,
            "regs": regs,
            "benefits": benefits,
            "values": values,
            "errors": errors,
            "general_errors": errors.get("__all__", []),
            "answers": answers,
            "result": result,
            "risk_now": round(result.risk_now * 100, 1) if result else None,
            "can_draft": access.can(Cap.MANAGE_FUND),
            "scenarios": min(run.scenarios, 2000),
        },
    )


SENSITIVITY_LABELS = {
    "mortality": gettext_lazy("Mortality"),
    "hospital": gettext_lazy("Hospital stays"),
    "outpatient": gettext_lazy("Outpatient visits"),
    "births": gettext_lazy("Births"),
    "new_members": gettext_lazy("New members"),
    "exits": gettext_lazy("Members who resign"),
    "compliance": gettext_lazy("Contributions paid"),
    "matching": gettext_lazy("Matching money"),
    "interest": gettext_lazy("Interest"),
}
#: Scenarios per point of the sensitivity chart (19 projections on the same seed).
SENSITIVITY_SCENARIOS = 1000


@fund_view(Cap.VIEW_BOOKS)
def projection_sensitivity(request: HttpRequest, access: FundAccess, run_id: int) -> HttpResponse:
    """The tornado charts: each assumption −20 % and +20 % on the same seed, the chance of
    running out of money by the horizon and the median balance then."""
    from kongtun.projection.engine import Population
    from kongtun.projection.engine.solver import sensitivity
    from kongtun.projection.tornado import tornado_svg
    from kongtun.regulations.engine import load_regulation

    run = _run_or_404(access, run_id)
    if run.status != RunStatus.DONE:
        raise Http404
    regs = run.parameters["regulations"]
    try:
        reg = max(0, min(int(request.GET.get("reg", "0")), len(regs) - 1))
    except ValueError:
        reg = 0
    a = Assumptions.from_dict(run.parameters["assumptions"])
    a.scenarios = min(a.scenarios, SENSITIVITY_SCENARIOS)
    horizon = min(20, a.years)
    base, rows = sensitivity(
        load_regulation(regs[reg]["content"]),
        Population.from_dict(run.parameters["population"]),
        a,
        horizon=horizon,
    )
    lang = current_lang()
    low, high = _("assumption −20%"), _("assumption +20%")
    ruin_title = _("Chance of running out of money within %(h)s years (%%)") % {"h": horizon}
    median_title = _("Median balance after %(h)s years (baht)") % {"h": horizon}
    ruin_rows = [(str(SENSITIVITY_LABELS[r.name]), r.low[0] * 100, r.high[0] * 100) for r in rows]
    median_rows = [(str(SENSITIVITY_LABELS[r.name]), r.low[1], r.high[1]) for r in rows]

    ruin_svg = tornado_svg(
        ruin_rows,
        base[0] * 100,
        title=ruin_title,
        fmt=lambda v: number(v, 1) + "%",
        low_label=low,
        high_label=high,
    )
    median_svg = tornado_svg(
        median_rows, base[1], title=median_title, fmt=_fmt, low_label=low, high_label=high
    )
    # The chance hardly moves (all of it at 0 % or at 100 %, say): the bars are too short to
    # see, so the page says what that means instead of showing an empty chart unexplained.
    ruin_moves = max(
        (abs(v - base[0] * 100) for _name, down, up in ruin_rows for v in (down, up)), default=0
    )
    return render(
        request,
        "projection/sensitivity.html",
        {
            "run": run,
            "reg": reg,
            "label": regs[reg]["label"],
            "horizon": horizon,
            "scenarios": a.scenarios,
            "ruin_svg": mark_safe(ruin_svg),
            "median_svg": mark_safe(median_svg),
            "ruin_title": ruin_title,
            "median_title": median_title,
            "ruin_base": base[0] * 100,
            "ruin_flat": ruin_moves < 0.5,
            "lang": lang,
        },
    )


@fund_view(Cap.VIEW_BOOKS)
def projection_compare(request: HttpRequest, access: FundAccess, run_id: int) -> HttpResponse:
    run = _run_or_404(access, run_id)
    ctx = run_context(run, lang=current_lang())
    if run.status == RunStatus.DONE:
        s = run.summary
        T = s["years"]
        table = []
        for t in range(1, T + 1):
            table.append(
                {
                    "year": ctx["years"][t],
                    "cells": [
                        {
                            "median": _fmt(r["quantiles"][2][t]),
                            "ruin": round(r["ruin"][t] * 100, 1),
                            "money_in": _fmt(r["money_in"][t - 1]),
                            "money_out": _fmt(r["money_out"][t - 1]),
                        }
                        for r in s["regulations"]
                    ],
                }
            )
        ctx["compare_table"] = table
    return render(request, "projection/compare.html", ctx)


@fund_view(Cap.VIEW_BOOKS)
def projection_status(request: HttpRequest, access: FundAccess, run_id: int) -> JsonResponse:
    run = _run_or_404(access, run_id)
    return JsonResponse(
        {"status": run.status, "progress": round(run.progress, 3), "error": run.error}
    )


@fund_view(Cap.VIEW_BOOKS)
@require_POST
def projection_cancel(request: HttpRequest, access: FundAccess, run_id: int) -> HttpResponse:
    run = _run_or_404(access, run_id)
    run_cancel(run)
    messages.success(request, _("The projection will stop in a moment."))
    return redirect("projection_run", fund_id=access.fund.pk, run_id=run.pk)


def _done_or_404(access: FundAccess, run_id: int) -> ProjectionRun:
    run = _run_or_404(access, run_id)
    if run.status != RunStatus.DONE:
        raise Http404
    return run


def _file_name(run: ProjectionRun, ext: str) -> str:
    return f"projection-{slugify(run.fund.short_code)}-{run.pk}.{ext}"


def _chart(request: HttpRequest, run: ProjectionRun) -> charts.Drawing:
    try:
        reg = int(request.GET.get("reg", "0"))
    except ValueError:
        reg = 0
    ctx = run_context(run, lang=current_lang(), reg=reg)
    kind = request.GET.get("kind", "fan")
    if kind == "ruin":
        return ctx["drawings"]["ruin"]
    if kind == "compare" and len(ctx["summary"]["regulations"]) > 1:
        labels = {"band90": "", "band50": "", "median": ""}
        series = [
            {"label": r["label"], "quantiles": r["quantiles"]}
            for r in ctx["summary"]["regulations"]
        ]
        return charts.fan_chart(
            series,
            ctx["years"],
            title=_("Fund balance by regulation"),
            lang=current_lang(),
            labels=labels,
        )
    return ctx["drawings"]["fan"]


@fund_view(Cap.VIEW_BOOKS)
def projection_svg(request: HttpRequest, access: FundAccess, run_id: int) -> HttpResponse:
    run = _done_or_404(access, run_id)
    svg = '<?xml version="1.0" encoding="UTF-8"?>\n' + str(charts.to_svg(_chart(request, run)))
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_file_name(run, "svg")}"'
    return response


@fund_view(Cap.VIEW_BOOKS)
def projection_png(request: HttpRequest, access: FundAccess, run_id: int) -> HttpResponse:
    run = _done_or_404(access, run_id)
    response = HttpResponse(charts.to_png(_chart(request, run)), content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="{_file_name(run, "png")}"'
    return response


@fund_view(Cap.VIEW_BOOKS)
def projection_pdf(request: HttpRequest, access: FundAccess, run_id: int) -> HttpResponse:
    run = _done_or_404(access, run_id)
    ctx = run_context(run, lang=current_lang())
    ctx["fund"] = access.fund
    ctx["LANGUAGE_CODE"] = current_lang()
    response = HttpResponse(report_pdf(ctx), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_file_name(run, "pdf")}"'
    return response


@fund_view(Cap.VIEW_BOOKS)
def projection_xlsx(request: HttpRequest, access: FundAccess, run_id: int) -> HttpResponse:
    run = _done_or_404(access, run_id)
    ctx = run_context(run, lang=current_lang())
    ctx["fund"] = access.fund
    response = HttpResponse(
        report_xlsx(ctx),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_file_name(run, "xlsx")}"'
    return response

"""A projection as a PDF (WeasyPrint, Sarabun font from its package, the SVG charts inside)
and as a spreadsheet (openpyxl): the same numbers as the page."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from kongtun.core.spreadsheet import safe_workbook
from kongtun.core.templatetags.kongtun import percent
from kongtun.projection import rates

HEADER = PatternFill("solid", fgColor="E8F1EC")


#: What each cited source gives, for the spreadsheet's sources sheet.
SOURCE_LABELS = {
    "mortality": gettext_lazy("Mortality"),
    "fertility": gettext_lazy("Births"),
    "hospital": gettext_lazy("Hospital stays and outpatient visits"),
    "national_matching": gettext_lazy("Matching money"),
    "conversion": gettext_lazy("From death rates to yearly probabilities"),
}


def assumption_rows(context: dict) -> list[tuple[str, str]]:
    """(label, value as shown on the page) for the assumptions sheet."""
    shown = context["shown"]
    labels = [
        ("opening_balance", _("Money in the fund at the start")),
        ("compliance", _("Contributions actually paid")),
        ("matching", _("Matching (local, central)")),
        ("interest_rate", _("Interest")),
        ("new_members", _("New members in the first year")),
        ("exit_rate", _("Members who resign each year")),
        ("tfr", _("Total fertility rate")),
        ("admissions", _("Hospital admissions (under 60, 60+)")),
        ("outpatient", _("Outpatient visits (under 60, 60+)")),
    ]
    return [(str(label), shown[key]) for key, label in labels if key in shown]


def report_pdf(context: dict) -> bytes:
    """The projection's PDF through the reports' one font set-up (SARA AM copies out of the
    PDF as typed)."""
    from kongtun.reports.pdf import render_pdf

    return render_pdf("projection/report_pdf.html", context)


def _header(ws, values: list) -> None:
    ws.append([str(v) for v in values])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
        cell.fill = HEADER
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _widths(ws, widths: list[int]) -> None:
    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = w


def report_xlsx(context: dict) -> bytes:
    run = context["run"]
    s = context["summary"]
    T = s["years"]
    years = context["years"]
    lang = context["lang"]
    wb = Workbook()
    ws = wb.active
    ws.title = _("Summary")[:31]
    ws.append([context["fund"].display_name])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([_("Projection"), run.title or f"#{run.pk}"])
    ws.append([_("Scenarios"), s["scenarios"], _("Years"), T, _("Seed"), run.seed])
    ws.append([_("Members on the start date"), context.get("members")])
    ws.append([])
    _header(
        ws,
        [
            _("Regulation"),
            *[
                _("P(out of money) by %(year)s, %%") % {"year": y}
                for y, _p in context["keys"][0]["ruin"]
            ],
            *[_("Median balance %(year)s") % {"year": y} for y, _m in context["keys"][0]["median"]],
            _("Median turns negative in"),
        ],
    )
    for k in context["keys"]:
        ws.append(
            [
                k["label"],
                *[p for _y, p in k["ruin"]],
                *[float(m.replace(",", "").replace("−", "-")) for _y, m in k["median"]],
                k["negative_year"] or _("stays positive"),
            ]
        )
    _widths(ws, [48, 16, 16, 16, 16, 18, 18, 18, 18, 20])

    for r, reg in enumerate(s["regulations"]):
        wy = wb.create_sheet(f"{r + 1}. {reg['label']}"[:31].replace("/", "-").replace(":", " "))
        name_key = "name_th" if lang == "th" else "name_en"
        benefits = [b for b in reg["benefits"] if any(abs(v) > 0.005 for v in b["values"])]
        _header(
            wy,
            [
                _("Year"),
                _("Members (mean)"),
                _("Deaths (mean)"),
                _("Contributions and fees"),
                _("Local matching"),
                _("Central matching"),
                _("Interest"),
                *[b[name_key] for b in benefits],
                _("Administration"),
                _("Money in"),
                _("Money out"),
                "P5",
                "P25",
                _("Median"),
                "P75",
                "P95",
                _("Mean balance"),
                _("P(out of money) %"),
            ],
        )
        f = reg["flows"]
        wy.append(
            [
                years[0],
                None,
                None,
                None,
                None,
                None,
                None,
                *[None] * len(benefits),
                None,
                None,
                None,
                *[q[0] for q in reg["quantiles"]],
                reg["mean"][0],
                0.0,
            ]
        )
        for t in range(1, T + 1):
            i = t - 1
            wy.append(
                [
                    years[t],
                    s["counts"]["members"][i],
                    s["counts"]["deaths"][i],
                    f["contributions"][i] + f["fees"][i] + f["entrance_fees"][i],
                    f["matching_local"][i],
                    f["matching_central"][i],
                    f["interest"][i],
                    *[b["values"][i] for b in benefits],
                    f["admin"][i],
                    reg["money_in"][i],
                    reg["money_out"][i],
                    *[q[t] for q in reg["quantiles"]],
                    reg["mean"][t],
                    round(reg["ruin"][t] * 100, 2),
                ]
            )
        for row in wy.iter_rows(min_row=2, min_col=2):
            for cell in row:
                cell.number_format = "#,##0.0" if cell.column == 3 else "#,##0"
        for cell in wy[get_column_letter(wy.max_column)][1:]:
            cell.number_format = "0.0"  # the chance of running out, in percent
        wy.freeze_panes = "B2"
        _widths(wy, [8] + [14] * (18 + len(benefits)))

    wa = wb.create_sheet(_("Assumptions")[:31])
    _header(wa, [_("assumption"), _("value")])
    a = context["assumptions"]
    # the assumptions as the page shows them (labels, percentages, baht), never internal keys
    # or raw floats
    for label, value in assumption_rows(context):
        wa.append([label, value])
    wa.append([])
    _header(wa, [_("age"), _("mx women"), _("mx men"), f"({rates.BASE_PERIOD})"])
    for i, label in enumerate(rates.MX_LABELS):
        wa.append([label, a.mx["F"][i], a.mx["M"][i]])
        for cell in wa[wa.max_row][1:3]:
            cell.number_format = "0.000000"
    wa.append([])
    _header(wa, [_("mother's age"), _("share of the TFR (%)")])
    for g, v in sorted(a.pasfr.items()):
        wa.append([f"{g}-{g + 4}", round(v, 2)])
    wa.append([])
    _header(wa, [_("age on joining"), _("share")])
    for g, v in sorted(a.entrant_ages.items()):
        wa.append([f"{g}-{g + 4}", percent(v)])
    wa.append([])
    _header(wa, [_("regulations projected")])
    for reg in context["regulations"]:
        wa.append([reg["label"], reg["source"]])
    _widths(wa, [34, 40, 16, 16])

    wsrc = wb.create_sheet(_("Sources")[:31])
    _header(wsrc, [_("figure"), _("source")])
    for key, text in rates.sources(lang).items():
        wsrc.append([str(SOURCE_LABELS.get(key, "")), text])
        wsrc.cell(wsrc.max_row, 2).alignment = Alignment(wrap_text=True, vertical="top")
    _widths(wsrc, [20, 120])
    buf = io.BytesIO()
    safe_workbook(wb)
    wb.save(buf)
    return buf.getvalue()

"""The network view as a spreadsheet (``core.spreadsheet.safe_workbook``) and a PDF
(``reports.pdf``): the same figures as the page, one row per fund and per group; no person."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from kongtun.core.spreadsheet import safe_workbook
from kongtun.network.selectors import Network
from kongtun.reports.pdf import render_pdf


def columns() -> list[tuple[str, str]]:
    return [
        ("members_active", _("active members")),
        ("joined", _("joined")),
        ("left", _("left")),
        ("contributions", _("contributions")),
        ("matching", _("matching money")),
        ("benefits", _("benefits paid")),
        ("reserves", _("reserves")),
        ("months_covered", _("months covered")),
    ]


def network_xlsx(network: Network) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Funds")[:31]
    period = (
        f"{network.since:%Y-%m} – {network.until:%Y-%m}" if network.until else _("no month closed")
    )
    ws.append([_("Network: the funds you follow"), period])
    ws.append([])
    head = [_("fund"), _("code"), _("district"), _("province"), _("region")]
    head += [label for _k, label in columns()]
    head += [
        _("last closed month"),
        _("last verified month"),
        _("chance of running out"),
        _("self-assessment mean"),
        _("SW-NT stage"),
    ]
    ws.append(head)
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for r in network.rows:
        ws.append(
            [r.name, r.short_code, r.district, r.province, r.region]
            + [
                float(v) if v is not None and not isinstance(v, int) else v
                for v in (getattr(r, k) for k, _l in columns())
            ]
            + [
                f"{r.last_closed:%Y-%m}" if r.last_closed else "",
                f"{r.last_verified:%Y-%m}" if r.last_verified else "",
                float(r.ruin) if r.ruin is not None else None,
                r.assessment_mean,
                r.stage,
            ]
        )
    groups = wb.create_sheet(_("Groups")[:31])
    groups.append([_("group"), _("funds")] + [label for _k, label in columns()])
    for cell in groups[1]:
        cell.font = Font(bold=True)
    for g in network.groups:
        values = []
        for key, _label in columns():
            value = g.months_covered if key == "months_covered" else g.totals.get(key, 0)
            values.append(
                float(value) if value is not None and not isinstance(value, int) else value
            )
        groups.append([g.label, len(g.funds), *values])
    out = io.BytesIO()
    safe_workbook(wb).save(out)
    return out.getvalue()


def network_pdf(network: Network) -> bytes:
    return render_pdf("network/network_pdf.html", {"network": network, "columns": columns()})

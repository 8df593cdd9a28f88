"""A matching request as an Excel workbook for the agency (openpyxl): a title with the fund and
the period in the Buddhist Era, headers in the user's language (Thai by default), amounts as
numbers with 2 decimals, a totals row that is the sum of the lines."""

from __future__ import annotations

import io
from decimal import Decimal

from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from kongtun.core.spreadsheet import safe_workbook
from kongtun.core.thaidates import format_date
from kongtun.mobilization.models import MatchingRequest, RequestStatus
from kongtun.mobilization.selectors import RequestTotals

MONEY_FORMAT = "#,##0.00"
WIDTHS = (8, 14, 34, 10, 18, 18)


def request_title(request: MatchingRequest) -> str:
    lang = get_language() or "th"
    return _("Matching request %(n)s to %(agency)s: %(start)s – %(end)s") % {
        "n": request.number,
        "agency": request.agency.name,
        "start": format_date(request.period_start, lang, "long"),
        "end": format_date(request.period_end, lang, "long"),
    }


def request_xlsx(request: MatchingRequest, lines: list, totals: RequestTotals) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Matching request")[:31]
    bold = Font(bold=True)
    thin = Side(style="thin", color="999999")
    fund = request.fund
    ws.append([fund.name_th])
    ws.append([request_title(request)])
    rule = _("Rule: %(ratio)s baht per baht of contributions paid") % {
        "ratio": f"{request.ratio:.2f}"
    }
    if request.cap_per_member_year is not None:
        rule += "; " + _("at most %(cap)s baht per member per year") % {
            "cap": f"{request.cap_per_member_year:,.2f}"
        }
    if request.status == RequestStatus.DRAFT:
        rule += " — " + _("DRAFT")
    ws.append([rule])
    for row in (1, 2):
        ws.cell(row=row, column=1).font = Font(bold=True, size=13 if row == 1 else 12)
    for row in (1, 2, 3):
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(WIDTHS))
    ws.append([])
    headers = [
        pgettext("row number", "no."),
        _("member number"),
        _("full name"),
        _("village no."),
        _("contributions paid (baht)"),
        _("matching requested (baht)"),
    ]
    ws.append(headers)
    header_row = ws.max_row
    for col in range(1, len(headers) + 1):
        cell = ws.cell(row=header_row, column=col)
        cell.font = bold
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = Border(bottom=thin, top=thin)
    for i, line in enumerate(lines, 1):
        ws.append(
            [
                i,
                line.member.number,
                line.member.full_name,
                line.member.village.number,
                Decimal(line.paid),
                Decimal(line.requested),
            ]
        )
        r = ws.max_row
        for col in (5, 6):
            ws.cell(row=r, column=col).number_format = MONEY_FORMAT
        ws.cell(row=r, column=4).alignment = Alignment(horizontal="center")
    ws.append(
        [
            None,
            None,
            _("Total: %(n)s members") % {"n": totals.members},
            None,
            totals.paid,
            totals.requested,
        ]
    )
    total_row = ws.max_row
    for col in range(1, len(headers) + 1):
        cell = ws.cell(row=total_row, column=col)
        cell.font = bold
        cell.border = Border(top=thin, bottom=Side(style="double"))
        if col in (5, 6):
            cell.number_format = MONEY_FORMAT
    for i, width in enumerate(WIDTHS, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "portrait"
    ws.page_setup.fitToWidth = 1
    buffer = io.BytesIO()
    safe_workbook(wb)
    wb.save(buffer)
    return buffer.getvalue()

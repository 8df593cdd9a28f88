"""The personal-data access log as a spreadsheet (openpyxl) and as CSV: one row per member and
kind of data shown by a look, dates in the reader's calendar (Buddhist Era in Thai)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from kongtun.core.spreadsheet import safe_row, safe_workbook
from kongtun.core.thaidates import format_date
from kongtun.members.models import AccessKind, PersonalDataAccessItem, role_labels

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"


def access_log_headers() -> list[str]:
    return [
        _("date"),
        _("time"),
        _("seen by"),
        _("login"),
        _("roles"),
        _("what"),
        _("member number"),
        _("member"),
        _("reason"),
        _("page"),
    ]


def access_log_export_rows(items: Iterable[PersonalDataAccessItem]) -> list[list[str]]:
    lang = get_language() or "th"
    rows = []
    for it in items:
        look = it.access
        at = timezone.localtime(look.at)
        rows.append(
            [
                format_date(at.date(), lang),
                at.strftime("%H:%M:%S"),
                look.user.get_full_name() or look.user.get_username(),
                look.user.get_username(),
                ", ".join(role_labels(look.roles)),
                str(AccessKind(it.kind).label) if it.kind in AccessKind.values else it.kind,
                it.member.number,
                it.member.full_name,
                look.reason,
                look.path,
            ]
        )
    return rows


def access_log_xlsx(rows: Sequence[Sequence[str]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("access log")[:31]
    ws.append([str(h) for h in access_log_headers()])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([str(v) for v in row])
    for col, width in zip("ABCDEFGHIJ", (14, 10, 24, 14, 20, 24, 12, 28, 40, 40), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    safe_workbook(wb)  # a typed reason or a name starting like a formula stays text
    wb.save(out)
    return out.getvalue()


def access_log_csv(rows: Sequence[Sequence[str]]) -> bytes:
    """UTF-8 with a byte-order mark so spreadsheet programs read the Thai."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(safe_row(str(h) for h in access_log_headers()))
    for row in rows:
        writer.writerow(safe_row(str(v) for v in row))
    return ("\ufeff" + out.getvalue()).encode("utf-8")

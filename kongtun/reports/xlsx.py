"""Reports as XLSX (openpyxl): a title naming the fund and the period, headers in the user's
language, amounts as numbers formatted ``#,##0.00``, totals as values (not formulas), so the
file reads the same in any spreadsheet program."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from kongtun.core.spreadsheet import safe_workbook
from kongtun.core.thaidates import format_date

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=13)
HEAD_FILL = PatternFill("solid", fgColor="E8F1EC")
MONEY = "#,##0.00"


def _sheet_title(text: str) -> str:
    for ch in "[]:*?/\\":
        text = text.replace(ch, " ")
    return text[:31]


class Book:
    def __init__(self) -> None:
        self.wb = Workbook()
        self._first = True

    def sheet(self, name: str, titles: Sequence[str], widths: Sequence[int] = ()) -> object:
        if self._first:
            ws = self.wb.active
            ws.title = _sheet_title(name)
            self._first = False
        else:
            ws = self.wb.create_sheet(_sheet_title(name))
        for i, t in enumerate(titles):
            ws.append([t])
            ws.cell(row=ws.max_row, column=1).font = TITLE if i == 0 else Font(bold=False)
        ws.append([])
        for col, width in enumerate(widths, 1):
            ws.column_dimensions[get_column_letter(col)].width = width
        return ws

    @staticmethod
    def header(ws: object, cells: Sequence[str]) -> None:
        ws.append(list(cells))
        for cell in ws[ws.max_row]:
            cell.font = BOLD
            cell.fill = HEAD_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="top")

    @staticmethod
    def rows(ws: object, rows: Iterable[Sequence[object]], *, bold: bool = False) -> None:
        for row in rows:
            ws.append(list(row))
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, Decimal):
                    cell.number_format = MONEY
                if bold:
                    cell.font = BOLD

    def bytes(self) -> bytes:
        buf = io.BytesIO()
        safe_workbook(self.wb)
        self.wb.save(buf)
        return buf.getvalue()


def date_text(value: object, lang: str) -> str:
    return format_date(value, lang) if value else ""


def month_text(value: object, lang: str) -> str:
    """'มีนาคม 2567' in Thai, 'March 2024' in English."""
    return format_date(value, lang, "long").split(" ", 1)[1]


def monthly_xlsx(report: object, *, lang: str, month_label: str) -> bytes:
    r = report
    book = Book()
    fund = r.fund.display_name
    ws = book.sheet(
        _("Money"),
        [
            f"{fund} · {_('Monthly report')} {month_label}",
            f"{date_text(r.month, lang)} – {date_text(r.end, lang)}",
        ],
        (48, 16),
    )
    book.header(ws, [_("item"), _("baht")])
    book.rows(ws, [[_("Opening balance (cash and bank)"), r.opening]], bold=True)
    book.rows(ws, [[_("Money in"), None]], bold=True)
    for g in r.money_in:
        book.rows(ws, [[g.label, g.amount]])
        book.rows(ws, [[f"    {row.code} {row.label}", row.amount] for row in g.rows])
    book.rows(ws, [[_("Total money in"), r.total_in]], bold=True)
    book.rows(ws, [[_("Benefits paid, by life stage"), None]], bold=True)
    for g in r.money_out_benefits:
        book.rows(ws, [[g.label, g.amount]])
        book.rows(ws, [[f"    {row.code} {row.label}", row.amount] for row in g.rows])
    book.rows(ws, [[_("Total benefits paid"), r.total_benefits]], bold=True)
    book.rows(ws, [[_("Other expenses and payments"), None]], bold=True)
    book.rows(ws, [[f"    {row.code} {row.label}", row.amount] for row in r.money_out_other])
    book.rows(ws, [[_("Total money out"), r.total_out]], bold=True)
    book.rows(ws, [[_("Closing balance (cash and bank)"), r.closing]], bold=True)

    wm = book.sheet(_("Members"), [f"{fund} · {_('Members')} {month_label}"], (14, 34, 20, 14, 30))
    m = r.members
    book.rows(
        wm,
        [
            [pgettext("member change", "joined"), m["joined_count"]],
            [_("resigned"), m["resigned"]],
            [_("died"), m["deceased"]],
            [_("active at the end of the month"), m["active_at_end"]],
            [_("suspended at the end of the month"), m["suspended_at_end"]],
        ],
    )
    wm.append([])
    book.header(wm, [_("member number"), _("name"), _("change"), _("date"), _("reason")])
    book.rows(
        wm,
        [
            [
                mb.number,
                mb.full_name,
                pgettext("member change", "joined"),
                date_text(mb.join_date, lang),
                "",
            ]
            for mb in m["joined"]
        ],
    )
    book.rows(
        wm,
        [
            [
                c.member.number,
                c.member.full_name,
                c.get_status_display(),
                date_text(c.effective_date, lang),
                c.reason,
            ]
            for c in m["left"]
        ],
    )
    if r.claims is not None:
        wc = book.sheet(
            _("Claims decided"),
            [f"{fund} · {_('Claims decided')} {month_label}"],
            (14, 14, 34, 30, 14, 14, 16),
        )
        book.header(
            wc,
            [
                pgettext("claim number", "claim"),
                _("member number"),
                _("name"),
                _("benefit"),
                _("decision"),
                _("decided on"),
                _("amount approved"),
            ],
        )
        book.rows(
            wc,
            [
                [
                    c["claim"].display_number,
                    c["claim"].member.number,
                    c["claim"].member.full_name,
                    c["claim"].benefit_name,
                    _("approved") if c["decided"] == "approved" else _("rejected"),
                    date_text(c["on"], lang),
                    c["amount"],
                ]
                for c in r.claims
            ],
        )
    elif r.claims_summary is not None:  # counted per benefit, no member (ledger.masking)
        wc = book.sheet(
            _("Claims decided"),
            [f"{fund} · {_('Claims decided')} {month_label}"],
            (34, 14, 14, 16),
        )
        book.header(wc, [_("benefit"), _("approved"), _("rejected"), _("baht")])
        book.rows(
            wc,
            [[b["benefit"], b["approved"], b["rejected"], b["amount"]] for b in r.claims_summary],
        )
    return book.bytes()


def annual_xlsx(report: object, *, lang: str) -> bytes:
    r = report
    book = Book()
    fund = r.fund.display_name
    period = f"{date_text(r.start, lang)} – {date_text(r.end, lang)}"
    title = f"{fund} · {_('Annual report')} {r.year_label}"
    ws = book.sheet(_("Income and expenditure"), [title, period], (10, 44, 16))
    book.header(ws, [_("code"), _("account"), _("baht")])
    book.rows(ws, [["", _("Income"), None]], bold=True)
    book.rows(
        ws, [[row.account.code, row.account.display_name, row.natural] for row in r.ie["income"]]
    )
    book.rows(ws, [["", _("Total income"), r.ie["total_income"]]], bold=True)
    book.rows(ws, [["", _("Expenditure"), None]], bold=True)
    book.rows(
        ws, [[row.account.code, row.account.display_name, row.natural] for row in r.ie["expense"]]
    )
    book.rows(ws, [["", _("Total expenditure"), r.ie["total_expense"]]], bold=True)
    book.rows(ws, [["", _("Surplus (income over expenditure)"), r.ie["surplus"]]], bold=True)

    wb = book.sheet(
        _("Balance sheet"), [title, f"{_('as of')} {date_text(r.end, lang)}"], (10, 44, 16)
    )
    book.header(wb, [_("code"), _("account"), _("baht")])
    for label, key in (
        (_("Assets"), "assets"),
        (_("Liabilities"), "liabilities"),
        (_("Fund capital"), "equity"),
    ):
        book.rows(wb, [["", label, None]], bold=True)
        book.rows(
            wb, [[row.account.code, row.account.display_name, row.natural] for row in r.bs[key]]
        )
    book.rows(wb, [["", _("Accumulated surplus"), r.bs["accumulated_surplus"]]])
    book.rows(
        wb,
        [
            ["", _("Total assets"), r.bs["total_assets"]],
            ["", _("Total liabilities and fund capital"), r.bs["total_liabilities_and_equity"]],
        ],
        bold=True,
    )

    wben = book.sheet(_("Benefits"), [title, period], (44, 16))
    book.header(wben, [_("benefit"), _("baht")])
    book.rows(wben, [[row.label, row.amount] for row in r.benefits_by_type])
    book.rows(wben, [[_("Total benefits paid"), r.total_benefits]], bold=True)
    wben.append([])
    book.header(wben, [_("life stage"), _("baht")])
    book.rows(wben, [[row.label, row.amount] for row in r.benefits_by_stage])
    wben.append([])
    book.header(wben, [_("village"), _("baht")])
    book.rows(wben, [[row.label, row.amount] for row in r.benefits_by_village])

    wm = book.sheet(
        _("Membership"), [title, f"{_('members on')} {date_text(r.end, lang)}"], (34, 12, 12, 12)
    )
    book.header(wm, [_("age"), _("male"), _("female"), _("total")])
    book.rows(wm, [[row.label, row.male, row.female, row.count] for row in r.by_age])
    book.rows(
        wm,
        [
            [
                _("total"),
                sum(x.male for x in r.by_age),
                sum(x.female for x in r.by_age),
                r.members_total,
            ]
        ],
        bold=True,
    )
    for head, rows in (
        (_("sex"), r.by_sex),
        (_("occupation group"), r.by_occupation),
        (_("village"), r.by_village),
    ):
        wm.append([])
        book.header(wm, [head, _("members")])
        book.rows(wm, [[row.label, row.count] for row in rows])

    wc = book.sheet(_("Closed months"), [title], (14, 10, 70))
    book.header(wc, [_("month"), _("entries"), _("month root (SHA-256)")])
    book.rows(wc, [[month_text(c.month, lang), c.entry_count, c.merkle_root] for c in r.closes])
    return book.bytes()


def statement_xlsx(st: object, *, lang: str) -> bytes:
    book = Book()
    m = st.member
    title = f"{m.fund.display_name} · {_('Member statement')}"
    who = f"{m.number} {m.full_name} · {_('as of')} {date_text(st.as_of, lang)}"
    ws = book.sheet(_("Contributions"), [title, who], (14, 14, 14, 10, 16, 14))
    book.header(
        ws, [_("paid on"), _("from month"), _("to month"), _("months"), _("document"), _("baht")]
    )
    book.rows(
        ws,
        [
            [
                date_text(p["paid_on"], lang),
                date_text(p["period_start"], lang),
                date_text(p["period_end"], lang),
                p["months"],
                p["document"] + (f" ({_('void')})" if p["void"] else ""),
                p["amount"] if not p["void"] else None,
            ]
            for p in st.payments
        ],
    )
    book.rows(ws, [[_("Total paid"), "", "", "", "", st.total_paid]], bold=True)
    a = st.arrears
    ws.append([])
    book.rows(
        ws,
        [
            [_("periods due"), a.periods_due],
            [_("periods paid"), a.periods_paid],
            [_("periods unpaid"), a.periods_unpaid],
            [_("amount unpaid"), a.amount_unpaid],
        ],
    )
    wb = book.sheet(_("Benefits received"), [title, who], (14, 30, 14, 50, 14))
    book.header(wb, [_("date"), _("benefit"), _("document"), _("description"), _("baht")])
    book.rows(
        wb,
        [
            [date_text(b["date"], lang), b["benefit"], b["document"], b["description"], b["amount"]]
            for b in st.benefits
        ],
    )
    book.rows(wb, [[_("Total benefits received"), "", "", "", st.total_benefits]], bold=True)
    if st.claims is not None:
        wc = book.sheet(_("Claims"), [title, who], (14, 30, 14, 16, 16))
        book.header(
            wc,
            [
                pgettext("claim number", "claim"),
                _("benefit"),
                _("event date"),
                _("status"),
                _("amount approved"),
            ],
        )
        book.rows(
            wc,
            [
                [
                    c.display_number,
                    c.benefit_name,
                    date_text(c.event_date, lang),
                    c.get_status_display(),
                    c.amount_approved,
                ]
                for c in st.claims
            ],
        )
    if st.caps:
        wk = book.sheet(_("Caps"), [title, who], (30, 40, 14, 14, 14))
        book.header(wk, [_("benefit"), _("cap"), _("limit"), _("used"), _("remaining")])
        book.rows(wk, [[c.benefit, c.rule, c.limit, c.used, c.remaining] for c in st.caps])
    return book.bytes()

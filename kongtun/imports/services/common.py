"""What both importers share: the report and the refusal they return, finding the header and
the columns, the shape of rows that are not data (blank, title, repeated header), and parsing
dates, amounts and counts with every refusal reason in the user's language (decision 0005)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kongtun.core.forms import AMOUNT_ERRORS, DATE_ERRORS
from kongtun.core.money import AmountError, parse_amount
from kongtun.core.thaidates import BE_OFFSET, DateParseError, parse_date
from kongtun.imports.mapping import (
    Field,
    column_letter,
    find_header,
    guess_mapping,
    normalize_header,
)
from kongtun.imports.readers import ReadError, ReadLimits, Table, cell_text, head_rows, open_table

THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_TOTAL_WORDS = tuple(
    normalize_header(w)
    for w in (
        "รวม",
        "ยอดรวม",
        "รวมทั้งสิ้น",
        "ยอดยกมา",
        "ยกมา",
        "ยกไป",
        "total",
        "subtotal",
        "grand total",
        "sum",
        "brought forward",
        "carried forward",
    )
)
_BROUGHT_FORWARD = tuple(
    normalize_header(w) for w in ("ยอดยกมา", "ยกมา", "brought forward", "b/f", "bf")
)
_COUNT_RE = re.compile(r"^(\d{1,4})(?:\.0+)?\s*(?:เดือน|งวด|months?|periods?)?$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
MAX_MONTHS = 120
CHUNK = 50_000
PREVIEW_ROWS = 10


# --- what the caller gets back -------------------------------------------------------------


class RowProblem(NamedTuple):
    """One bad cell: row 0 means the file as a whole."""

    row: int
    column: str
    value: str
    reason: str


class ImportRejected(ValidationError):
    """The file was refused; nothing was written. ``problems`` lists every bad row."""

    def __init__(self, problems: Iterable[RowProblem]) -> None:
        # by row; within a row in the order the cells were checked
        self.problems: list[RowProblem] = sorted(problems, key=lambda p: p.row)
        rows = len({p.row for p in self.problems})
        super().__init__(
            ngettext(
                "%(n)s row cannot be imported; nothing was imported.",
                "%(n)s rows cannot be imported; nothing was imported.",
                rows,
            )
            % {"n": rows}
        )


@dataclass(frozen=True)
class ImportMapping:
    """The user's choice: which row is the header and which column holds each field (column
    indexes from 0). None means "guess"."""

    header_row: int | None = None
    columns: dict[str, int] | None = None
    sheet: str = ""


@dataclass
class MonthTotal:
    month: dt.date
    rows: int
    amount: Decimal
    entry_seq: int | None = None


@dataclass
class ImportReport:
    kind: str
    filename: str
    sha256: str
    header_row: int
    columns: dict[str, str]  # field name → the column's header as the user sees it
    data_rows: int = 0
    imported: int = 0
    already_imported: int = 0
    skipped: dict[str, int] = field(default_factory=dict)  # blank / title / total / header
    total_amount: Decimal = Decimal("0.00")
    months: list[MonthTotal] = field(default_factory=list)
    plans_assigned: int = 0
    totals_checked: int = 0  # the book's own subtotal and total rows, each agreeing
    batch_id: int | None = None
    file_already_imported: bool = False
    dry_run: bool = False
    preview: list[dict] = field(default_factory=list)

    @property
    def nothing_to_do(self) -> bool:
        return self.file_already_imported or (self.imported == 0 and self.already_imported > 0)

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())


# --- shared plumbing -----------------------------------------------------------------------


def file_problem(reason: str, value: str = "") -> ImportRejected:
    return ImportRejected([RowProblem(0, "", value, reason)])


def open_or_reject(
    path: str | Path, filename: str, mapping: ImportMapping, limits: ReadLimits | None = None
) -> Table:
    try:
        return open_table(path, filename=filename, sheet=mapping.sheet, limits=limits)
    except ReadError as exc:
        raise file_problem(str(exc), filename or Path(path).name) from None


@dataclass
class Layout:
    header_row: int
    header: list
    columns: dict[str, int]

    def label(self, name: str) -> str:
        col = self.columns[name]
        text = cell_text(self.header[col]) if col < len(self.header) else ""
        return text or column_letter(col)


def resolve_layout(
    table: Table, fields: tuple[Field, ...], mapping: ImportMapping | None = None
) -> Layout:
    """Find the header row and the columns (the user's choice, or the guess); refuse a file
    without a header or without a column for a required field."""
    mapping = mapping or ImportMapping()
    try:
        head = head_rows(table, 60)
    except ReadError as exc:
        raise file_problem(str(exc), table.filename) from None
    if mapping.header_row is not None:
        found = [i for i, (n, _c) in enumerate(head) if n == mapping.header_row]
        index = found[0] if found else None
    else:
        index = find_header(head, fields)
    if index is None:
        raise file_problem(
            _(
                "No header row was found in the first rows of the file; choose the row that "
                "names the columns."
            ),
            table.filename,
        )
    number, header = head[index]
    header = list(header)
    columns = (
        dict(mapping.columns) if mapping.columns is not None else guess_mapping(header, fields)
    )
    kept = [(k, v) for k, v in columns.items() if v is not None and v >= 0]
    columns = dict(sorted(kept, key=lambda kv: kv[1]))
    problems = [
        RowProblem(
            number,
            str(f.label),
            "",
            _("Choose the column that holds “%(field)s”.") % {"field": f.label},
        )
        for f in fields
        if f.required and f.name not in columns
    ]
    if problems:
        raise ImportRejected(problems)
    return Layout(number, header, columns)


def data_rows_after_header(table: Table, layout: Layout) -> Iterator[tuple[int, list]]:
    """Rows after the header, numbered as the user sees them."""
    if table.kind == "csv":
        rows = enumerate(table.raw_csv_rows(), 1)
    else:
        rows = table.rows()
    for n, _cells in rows:
        if n >= layout.header_row:
            break
    return rows


def is_blank(cells: list) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def total_label(cells: list) -> str:
    """The label of a subtotal or total row (รวม, ยอดรวม, ยกมา, total…) when a cell starts with
    one, else "". A label alone never makes a row a total: a member named รวมชัย starts the same
    way. The importers judge by the row's shape first (no member number, no national ID, an
    amount) and use the label only to tell a total from a heading."""
    for c in cells:
        if isinstance(c, str) and c.strip():
            key = normalize_header(c)
            if key.startswith(_TOTAL_WORDS):
                return key
    return ""


def is_total_label(text: str) -> bool:
    """A cell that is a total's label and nothing else (``รวม``, ``ยอดรวม 3 คน``): no digits
    of a member number."""
    key = normalize_header(text)
    return bool(key) and key.startswith(_TOTAL_WORDS)


_COUNT_TAIL = re.compile(
    r"^(?:ทั้งสิ้น|ทั้งหมด|สมาชิก|ยอด)*\d*(?:คน|ราย|บาท|คนรวม|people|persons|members|rows)?$"
)


def register_total_label(cells: list) -> str:
    """A member register's count row (``รวม``, ``รวม 368 คน``, ``รวมทั้งสิ้น 368 ราย``): a
    cell that is a total word followed only by a count, never a name that starts like one
    (``รวมชัย``, ``รวมใจ``); "" when there is none."""
    for c in cells:
        if isinstance(c, str) and c.strip():
            key = normalize_header(c)
            for word in sorted(_TOTAL_WORDS, key=len, reverse=True):
                if key.startswith(word) and _COUNT_TAIL.match(key[len(word) :]):
                    return key
    return ""


def brought_forward(label: str) -> bool:
    """A balance brought forward from the previous page or year (ยกมา): an opening figure, not a
    sum of the rows above it."""
    return label.startswith(_BROUGHT_FORWARD)


class BookTotals:
    """The book's own subtotal and total rows, checked against the rows above them.

    A total must equal either the rows since the previous total (a subtotal: a month, a page)
    or every row above (a grand total, including any balance brought forward). Amounts are in
    satang; a section holding an unreadable amount is not judged (that row is refused anyway).
    """

    def __init__(self) -> None:
        self.section = 0
        self.all = 0
        self.section_from = 0
        self.section_known = True
        self.all_known = True
        self.earlier_total = False
        self.checked = 0

    def add(self, row: int, satang: int | None) -> None:
        if not self.section_from:
            self.section_from = row
        if satang is None:
            self.section_known = self.all_known = False
        else:
            self.section += satang
            self.all += satang

    def total(self, row: int, satang: int, *, opening: bool = False) -> str | None:
        """The reason this total row disagrees with the rows above it, or None."""
        reason = None
        if opening:
            self.all += satang
        elif self.section_known or self.all_known:
            agrees = (self.section_known and satang == self.section) or (
                self.all_known and satang == self.all
            )
            self.checked += 1
            if not agrees:
                reason = self._mismatch(satang)
        self.section, self.section_from, self.section_known = 0, 0, True
        self.earlier_total = True
        return reason

    def _mismatch(self, satang: int) -> str:
        def baht(value: int) -> str:
            return f"{Decimal(value) / 100:,.2f}"

        if not self.earlier_total or self.section == self.all or not self.section_from:
            return _("The book's total says %(book)s, the rows above add to %(sum)s.") % {
                "book": baht(satang),
                "sum": baht(self.all),
            }
        return _(
            "The book's total says %(book)s; the rows from row %(row)s add to %(section)s and "
            "all rows above to %(all)s."
        ) % {
            "book": baht(satang),
            "row": self.section_from,
            "section": baht(self.section),
            "all": baht(self.all),
        }


def same_as_header(cells: list, header_keys: list[str]) -> bool:
    keys = [normalize_header(c) for c in cells[: len(header_keys)]]
    return keys == header_keys[: len(keys)] and any(header_keys)


def date_info(value: object, *, today: dt.date, founded: dt.date, closed: set[int]) -> list | str:
    """[ordinal, iso text, month index, date, rows, satang] or an error code."""
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        if not 1 <= value < 2958466:
            return "date_format"
        day = _EXCEL_EPOCH + dt.timedelta(days=int(value))  # a date cell that lost its format
    else:
        text = str(value or "").strip()
        try:
            day = parse_date(text)
        except DateParseError as exc:
            return f"date_{exc.code}"
    if day.year > 2400:  # a Buddhist-Era year typed into a spreadsheet date cell
        try:
            day = day.replace(year=day.year - BE_OFFSET)
        except ValueError:
            return "date_not_a_date"
    if day > today:
        return "date_future"
    if day < founded:
        return "date_before_fund"
    index = day.year * 12 + day.month - 1
    if index in closed:
        return "date_closed"
    return [day.toordinal(), day.isoformat(), index, day, 0, 0]


def amount_info(value: object, limit: Decimal | None = None) -> tuple[int, str] | str:
    """(satang, database text) or an error code; ``limit``: the fund's maximum per line."""
    try:
        amount = parse_amount(value if value is not None else "", limit=limit)
    except AmountError as exc:
        return f"amount_{exc.code}"
    if amount <= 0:
        return "amount_not_positive"
    return int(amount * 100), f"{amount:.2f}"


def total_satang(value: object) -> int | None:
    """A total row's amount in satang (zero allowed), or None when the cell is no amount."""
    try:
        amount = parse_amount(value if value is not None else "")
    except AmountError:
        return None
    return int(amount * 100) if amount >= 0 else None


def count_info(value: object) -> int | str | None:
    text = cell_text(value).translate(THAI_DIGITS).strip()
    if not text:
        return None
    m = _COUNT_RE.match(text.lower())
    if not m or not 1 <= int(m[1]) <= MAX_MONTHS:
        return "count"
    return int(m[1])


def refusal_reasons() -> dict[str, str]:
    """Every refusal reason, translated once per import into the user's language."""
    reasons = {f"date_{k}": str(v) for k, v in DATE_ERRORS.items()}
    reasons |= {f"amount_{k}": str(v) for k, v in AMOUNT_ERRORS.items()}
    reasons |= {
        "date_future": _("The date is in the future."),
        "date_before_fund": _("The date is before the fund was founded."),
        "date_closed": _("This month is closed in the books; nothing more can be dated in it."),
        "amount_not_positive": _("The amount must be more than zero."),
        "count": _("Write a whole number from 1 to %(max)s.") % {"max": MAX_MONTHS},
        "member_missing": _("The member number is missing."),
    }
    return reasons


TITLES = [
    ("เด็กหญิง", "เด็กหญิง", "F"),
    ("เด็กชาย", "เด็กชาย", "M"),
    ("นางสาว", "นางสาว", "F"),
    ("ด.ญ.", "เด็กหญิง", "F"),
    ("ด.ช.", "เด็กชาย", "M"),
    ("น.ส.", "นางสาว", "F"),
    ("นาง", "นาง", "F"),
    ("นาย", "นาย", "M"),
    ("mrs.", "นาง", "F"),
    ("mrs", "นาง", "F"),
    ("miss", "นางสาว", "F"),
    ("ms.", "นางสาว", "F"),
    ("mr.", "นาย", "M"),
    ("mr", "นาย", "M"),
]


def split_title(text: str) -> tuple[str, str, str]:
    """'นางสมศรี ใจดี' → ('นาง', 'สมศรี ใจดี', 'F')."""
    low = text.strip().lower()
    for prefix, title, sex in TITLES:
        if low.startswith(prefix):
            return title, text.strip()[len(prefix) :].strip(), sex
    return "", text.strip(), ""

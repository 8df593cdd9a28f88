"""Importing the books a fund already keeps: members, and the contributions they paid.

Both imports are all or nothing: every row is checked before anything is written, and a file
with any bad row raises ``ImportRejected`` listing every bad row (the row number as the user
sees it in the file, the column's header, the value, and the reason in the user's language).
Importing the same file again changes nothing (decision 0005).

Contributions are imported fast enough for a million rows: rows are streamed, parsed values
are cached by their text (a book repeats the same few dates and amounts), members come from one
dictionary, and the payments are written with the database driver directly (``executemany``
on SQLite, ``COPY`` on PostgreSQL) inside the transaction. The books get one balanced entry per
month of payment through ``ledger.services.entries_post``; the member detail stays in
``ContributionPayment``.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from operator import itemgetter
from pathlib import Path
from typing import NamedTuple

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kongtun.contributions.models import (
    ContributionPayment,
    ContributionPlan,
    ImportBatch,
    PlanAssignment,
)
from kongtun.core.forms import AMOUNT_ERRORS, DATE_ERRORS
from kongtun.core.models import Counter as NumberCounter
from kongtun.core.money import MAX_AMOUNT, AmountError, parse_amount
from kongtun.core.thaidates import BE_OFFSET, DateParseError, parse_date
from kongtun.funds.models import Fund, OccupationGroup, Village
from kongtun.imports.mapping import (
    CONTRIBUTION_FIELDS,
    MEMBER_FIELDS,
    Field,
    column_letter,
    find_header,
    guess_mapping,
    normalize_header,
)
from kongtun.imports.readers import ReadError, Table, cell_text, file_sha256, head_rows, open_table
from kongtun.ledger.models import SourceType
from kongtun.ledger.services import EntryDraft, LineDraft, account_for, closed_months, entries_post
from kongtun.members.models import Beneficiary, Member, MemberStatus, MemberStatusChange
from kongtun.members.services import name_search_key, national_id_clean, normalize_name

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
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
    )
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


def _file_problem(reason: str, value: str = "") -> ImportRejected:
    return ImportRejected([RowProblem(0, "", value, reason)])


def _open(path: str | Path, filename: str, mapping: ImportMapping) -> Table:
    try:
        return open_table(path, filename=filename, sheet=mapping.sheet)
    except ReadError as exc:
        raise _file_problem(str(exc), filename or Path(path).name) from None


@dataclass
class _Layout:
    header_row: int
    header: list
    columns: dict[str, int]

    def label(self, name: str) -> str:
        col = self.columns[name]
        text = cell_text(self.header[col]) if col < len(self.header) else ""
        return text or column_letter(col)


def resolve_layout(
    table: Table, fields: tuple[Field, ...], mapping: ImportMapping | None = None
) -> _Layout:
    """Find the header row and the columns (the user's choice, or the guess); refuse a file
    without a header or without a column for a required field."""
    mapping = mapping or ImportMapping()
    try:
        head = head_rows(table, 60)
    except ReadError as exc:
        raise _file_problem(str(exc), table.filename) from None
    if mapping.header_row is not None:
        found = [i for i, (n, _c) in enumerate(head) if n == mapping.header_row]
        index = found[0] if found else None
    else:
        index = find_header(head, fields)
    if index is None:
        raise _file_problem(
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
    return _Layout(number, header, columns)


def _data_rows(table: Table, layout: _Layout) -> Iterator[tuple[int, list]]:
    """Rows after the header, numbered as the user sees them."""
    if table.kind == "csv":
        rows = enumerate(table.raw_csv_rows(), 1)
    else:
        rows = table.rows()
    for n, _cells in rows:
        if n >= layout.header_row:
            break
    return rows


def _is_blank(cells: list) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _is_total(cells: list) -> bool:
    for c in cells:
        if isinstance(c, str) and c.strip() and normalize_header(c).startswith(_TOTAL_WORDS):
            return True
    return False


def _same_as_header(cells: list, header_keys: list[str]) -> bool:
    keys = [normalize_header(c) for c in cells[: len(header_keys)]]
    return keys == header_keys[: len(keys)] and any(header_keys)


def _date_info(value: object, *, today: dt.date, founded: dt.date, closed: set[int]) -> list | str:
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


def _amount_info(value: object, limit: Decimal | None = None) -> tuple[int, str] | str:
    """(satang, database text) or an error code."""
    try:
        amount = parse_amount(value if value is not None else "", limit=limit)
    except AmountError as exc:
        return f"amount_{exc.code}"
    if amount <= 0:
        return "amount_not_positive"
    return int(amount * 100), f"{amount:.2f}"


def _count_info(value: object) -> int | str | None:
    text = cell_text(value).translate(_THAI_DIGITS).strip()
    if not text:
        return None
    m = _COUNT_RE.match(text.lower())
    if not m or not 1 <= int(m[1]) <= MAX_MONTHS:
        return "count"
    return int(m[1])


def _reasons() -> dict[str, str]:
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


# --- contributions -------------------------------------------------------------------------


@dataclass
class _Plan:
    pk: int
    satang: int
    months: int
    amount: Decimal


def _infer_plan(plans: list[_Plan], satang: int, months: int | None, periods: int | None):
    """The plan a member without one is on, judged from their first payment: the plan of
    exactly that amount (and months), else the largest plan the payment is a whole number of
    periods of. None when no plan fits."""
    if periods is not None:
        fits = [p for p in plans if p.satang * periods == satang]
        return min(fits, key=lambda p: p.months) if fits else None
    if months is not None:
        exact = [p for p in plans if p.satang == satang and p.months == months]
        if exact:
            return exact[0]
        fits = [
            p for p in plans if months % p.months == 0 and p.satang * months == satang * p.months
        ]
        return max(fits, key=lambda p: p.months) if fits else None
    exact = [p for p in plans if p.satang == satang]
    if exact:
        return min(exact, key=lambda p: p.months)
    fits = [p for p in plans if satang % p.satang == 0]
    return max(fits, key=lambda p: p.satang) if fits else None


def _month_iso(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}-01"


_INSERT_COLUMNS = (
    "fund_id, member_id, paid_on, period_start, months, amount, source, import_batch_id, "
    "receipt_ref, receipt_id, voided_at"
)
PAYMENT_TABLE = ContributionPayment._meta.db_table
SQLITE_INSERT = (
    f"INSERT INTO {PAYMENT_TABLE} ({_INSERT_COLUMNS}) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)"
)
POSTGRES_COPY = (
    f"COPY {PAYMENT_TABLE} (fund_id, member_id, paid_on, period_start, months, amount, source, "
    "import_batch_id, receipt_ref) FROM STDIN"
)


def _copy_escape(text: str) -> str:
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = (
            text.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return text


def _write_payments(rows: list[tuple]) -> None:
    """Insert the prepared rows with the driver, inside the current transaction."""
    connection.ensure_connection()
    raw = connection.connection
    if connection.vendor == "sqlite":
        cursor = raw.cursor()
        try:
            for start in range(0, len(rows), CHUNK):
                cursor.executemany(SQLITE_INSERT, rows[start : start + CHUNK])
        finally:
            cursor.close()
    elif connection.vendor == "postgresql":
        with raw.cursor() as cursor, cursor.copy(POSTGRES_COPY) as copy:
            for start in range(0, len(rows), CHUNK):
                copy.write(
                    "".join(
                        f"{r[0]}\t{r[1]}\t{r[2]}\t{r[3]}\t{r[4]}\t{r[5]}\t{r[6]}\t{r[7]}\t"
                        f"{_copy_escape(r[8])}\n"
                        for r in rows[start : start + CHUNK]
                    )
                )
    else:  # any other database Django supports: slower, still one statement per chunk
        ContributionPayment.objects.bulk_create(
            (
                ContributionPayment(
                    fund_id=r[0],
                    member_id=r[1],
                    paid_on=r[2],
                    period_start=r[3],
                    months=r[4],
                    amount=Decimal(r[5]),
                    source=r[6],
                    import_batch_id=r[7],
                    receipt_ref=r[8],
                )
                for r in rows
            ),
            batch_size=2000,
        )


def _status_history(fund: Fund) -> dict[int, tuple[list[int], list[str]]]:
    history: dict[int, tuple[list[int], list[str]]] = {}
    for member_id, status, day in (
        MemberStatusChange.objects.filter(member__fund=fund)
        .order_by("member_id", "effective_date", "id")
        .values_list("member_id", "status", "effective_date")
    ):
        dates, statuses = history.setdefault(member_id, ([], []))
        dates.append(day.toordinal())
        statuses.append(status)
    return history


_INACTIVE = {MemberStatus.RESIGNED.value, MemberStatus.DECEASED.value}


@transaction.atomic
def contributions_import(
    *,
    fund: Fund,
    path: str | Path,
    actor: AbstractBaseUser | None,
    filename: str = "",
    mapping: ImportMapping | None = None,
    dry_run: bool = False,
    into: str = "cash",
    today: dt.date | None = None,
    progress: Callable[[int], None] | None = None,
    preview: int = 0,
) -> ImportReport:
    """Import a contributions book (CSV or spreadsheet): each row a ContributionPayment of the
    months after those the member has already covered, and one balanced entry per month of
    payment in the books. All or nothing; a second import of the same rows changes nothing.

    Raises ImportRejected naming every bad row. ``dry_run`` checks everything, writes nothing.
    """
    today = today or timezone.localdate()
    mapping = mapping or ImportMapping()
    path = Path(path)
    filename = filename or path.name
    table = _open(path, filename, mapping)
    layout = resolve_layout(table, CONTRIBUTION_FIELDS, mapping)
    sha = file_sha256(path)
    report = ImportReport(
        kind="contributions",
        filename=filename,
        sha256=sha,
        header_row=layout.header_row,
        columns={name: layout.label(name) for name in layout.columns},
        dry_run=dry_run,
    )
    if not dry_run:
        # One import at a time per fund (PostgreSQL; SQLite's write lock already queues them),
        # so two imports cannot both take the same months or receipt numbers.
        list(Fund.objects.select_for_update().filter(pk=fund.pk).values_list("pk", flat=True))
    if ImportBatch.objects.filter(fund=fund, sha256=sha).exists():
        report.file_already_imported = True
        return report

    reasons = _reasons()
    row_limit = min(fund.max_amount_per_line, MAX_AMOUNT)
    reasons["amount_too_large"] = str(AMOUNT_ERRORS["too_large"]) % {"max": f"{row_limit:,.2f}"}
    problems: list[RowProblem] = []
    cols = layout.columns
    mi, di, ai = cols["member_number"], cols["paid_on"], cols["amount"]
    mo_i, pe_i, ri = cols.get("months", -1), cols.get("periods", -1), cols.get("receipt_ref", -1)
    width = max(cols.values()) + 1
    label = {name: layout.label(name) for name in cols}
    header_keys = [normalize_header(c) for c in layout.header]

    # Members: one query, one dictionary (slot = position in the lists below).
    member_rows = list(
        Member.objects.filter(fund=fund)
        .order_by("pk")
        .values_list("pk", "number", "join_date", "status")
    )
    member_ids = [m[0] for m in member_rows]
    member_numbers = [m[1] for m in member_rows]
    join_ord = [m[2].toordinal() for m in member_rows]
    by_number: dict[object, int] = {}
    loose: dict[str, int | None] = {}  # numbers without spaces / leading zeros, if unambiguous
    for slot, (_pk, number, _j, _s) in enumerate(member_rows):
        by_number[number] = slot
        for key in {number.strip(), number.strip().lstrip("0") or "0"}:
            loose[key] = None if key in loose and loose[key] != slot else slot
    history_by_pk = _status_history(fund)
    history: list = [None] * len(member_rows)
    for slot, (pk, _n, _j, status) in enumerate(member_rows):
        if pk in history_by_pk:
            history[slot] = history_by_pk[pk]
        elif status in _INACTIVE:
            history[slot] = ([0], [status])

    # What the fund already holds: receipt numbers, payments (for re-imports), months covered.
    existing = ContributionPayment.objects.filter(fund=fund, voided_at__isnull=True)
    used_refs: dict[str, int] = {
        ref: 0 for ref in existing.exclude(receipt_ref="").values_list("receipt_ref", flat=True)
    }
    already: Counter = Counter()
    slot_of_pk = {pk: slot for slot, pk in enumerate(member_ids)}
    covered = [0] * len(member_rows)
    if existing.exists():
        for member_id, paid_on, amount, ref in existing.values_list(
            "member_id", "paid_on", "amount", "receipt_ref"
        ).iterator(chunk_size=20_000):
            already[(member_id, paid_on.toordinal(), int(amount * 100), ref)] += 1
        for row in existing.values("member_id").annotate(m=Sum("months")).order_by():
            if row["member_id"] in slot_of_pk:
                covered[slot_of_pk[row["member_id"]]] = row["m"] or 0

    closed = {d.year * 12 + d.month - 1 for d in closed_months(fund)}
    dates: dict[object, list | str] = {}
    amounts: dict[object, tuple | str] = {}
    counts: dict[object, int | str | None] = {"": None, None: None}
    per_member: list[list] = [[] for _ in member_rows]
    # rows above the header are the book's title
    skipped = {"blank": 0, "total": 0, "title": layout.header_row - 1, "header": 0}
    data_rows = 0
    already_count = 0
    preview_rows: set[int] = set()

    def slow_member(mcell: object, cells: list, n: int) -> int | None:
        """A member cell not in the dictionary: another spelling of a number (its slot), a
        row that is not a payment (blank, title, total, repeated header: None), or a payment
        of no member of the fund (-1, the problem recorded)."""
        if _is_blank(cells):
            skipped["blank"] += 1
            return None
        if _is_total(cells):
            skipped["total"] += 1
            return None
        if _same_as_header(cells, header_keys):
            skipped["header"] += 1
            return None
        text = cell_text(mcell).translate(_THAI_DIGITS)
        amount_blank = not cell_text(cells[ai])
        if not text:
            if amount_blank:
                skipped["title"] += 1
            else:
                problems.append(
                    RowProblem(n, label["member_number"], "", reasons["member_missing"])
                )
                return -1  # a payment row without its member: check its other cells too
            return None
        slot = by_number.get(text)
        if slot is None:
            slot = loose.get(text.replace(" ", "").lstrip("0") or "0")
        if slot is not None:
            by_number[mcell] = slot
            return slot
        if amount_blank and not cell_text(cells[di]):
            skipped["title"] += 1  # a heading such as "เดือนมีนาคม 2567"
            return None
        problems.append(
            RowProblem(
                n,
                label["member_number"],
                text,
                _("No member %(number)s in this fund.") % {"number": text},
            )
        )
        return -1

    rows = _data_rows(table, layout)
    members_get, dates_get, amounts_get = by_number.get, dates.get, amounts.get
    founded = fund.founded_on
    check_already = bool(already)
    n = layout.header_row
    try:
        for n, cells in rows:
            if len(cells) < width:
                cells = list(cells) + [""] * (width - len(cells))
            if progress is not None and not n & 0x3FFF:
                progress(n)
            mcell = cells[mi]
            slot = members_get(mcell)
            if slot is None:
                slot = slow_member(mcell, cells, n)
                if slot is None:
                    continue
            data_rows += 1
            dcell = cells[di]
            d = dates_get(dcell)
            if d is None:
                d = dates[dcell] = _date_info(dcell, today=today, founded=founded, closed=closed)
            acell = cells[ai]
            a = amounts_get(acell)
            if a is None:
                a = amounts[acell] = _amount_info(acell, row_limit)
            bad = slot < 0
            if d.__class__ is str:
                problems.append(RowProblem(n, label["paid_on"], cell_text(dcell), reasons[d]))
                bad = True
            elif bad:
                pass
            elif d[0] < join_ord[slot]:
                problems.append(
                    RowProblem(
                        n,
                        label["paid_on"],
                        cell_text(dcell),
                        _("The date is before member %(number)s joined.")
                        % {"number": member_numbers[slot]},
                    )
                )
                bad = True
            elif history[slot] is not None:
                days, statuses = history[slot]
                at = bisect.bisect_right(days, d[0]) - 1
                if at >= 0 and statuses[at] in _INACTIVE:
                    problems.append(
                        RowProblem(
                            n,
                            label["member_number"],
                            member_numbers[slot],
                            _("Member %(number)s was %(status)s on this date and cannot pay.")
                            % {
                                "number": member_numbers[slot],
                                "status": MemberStatus(statuses[at]).label,
                            },
                        )
                    )
                    bad = True
            if a.__class__ is str:
                problems.append(RowProblem(n, label["amount"], cell_text(acell), reasons[a]))
                bad = True
            months = periods = None
            if mo_i >= 0:
                months = counts.get(cells[mo_i], 0)
                if months == 0:
                    months = counts[cells[mo_i]] = _count_info(cells[mo_i])
                if months.__class__ is str:
                    problems.append(
                        RowProblem(n, label["months"], cell_text(cells[mo_i]), reasons["count"])
                    )
                    bad = True
            if pe_i >= 0:
                periods = counts.get(cells[pe_i], 0)
                if periods == 0:
                    periods = counts[cells[pe_i]] = _count_info(cells[pe_i])
                if periods.__class__ is str:
                    problems.append(
                        RowProblem(n, label["periods"], cell_text(cells[pe_i]), reasons["count"])
                    )
                    bad = True
            ref = ""
            if ri >= 0:
                ref = cells[ri]
                if ref.__class__ is not str:
                    ref = cell_text(ref)
                if ref:
                    if not ref.isascii():
                        ref = ref.translate(_THAI_DIGITS)
                    ref = ref.strip()
            if bad:
                continue
            if check_already:
                key = (member_ids[slot], d[0], a[0], ref)
                if already[key] > 0:
                    already[key] -= 1
                    already_count += 1
                    continue
            if ref:
                other = used_refs.get(ref)
                if other is not None:
                    problems.append(
                        RowProblem(
                            n,
                            label["receipt_ref"],
                            ref,
                            _("Receipt number %(ref)s is also on row %(row)s.")
                            % {"ref": ref, "row": other}
                            if other
                            else _("Receipt number %(ref)s is already recorded in this fund.")
                            % {"ref": ref},
                        )
                    )
                    continue
                used_refs[ref] = n
            per_member[slot].append((d[0], n, d, a, months, periods, ref, acell))
            if preview and len(preview_rows) < preview:
                preview_rows.add(n)
    except ReadError as exc:
        problems.append(RowProblem(n + 1, "", "", str(exc)))
    report.data_rows = data_rows
    report.already_imported = already_count
    report.skipped = {k: v for k, v in skipped.items() if v}

    # Plans: assigned ones from one query; members without one get the plan their first
    # (oldest) payment fits.
    plans = {
        p.pk: _Plan(p.pk, int(p.amount * 100), p.months, p.amount)
        for p in ContributionPlan.objects.filter(fund=fund)
    }
    offered = [
        plans[pk]
        for pk in ContributionPlan.objects.filter(fund=fund, active=True)
        .order_by("months")
        .values_list("pk", flat=True)
    ]
    assigned: dict[int, tuple[list[int], list[_Plan]]] = {}
    for member_id, plan_id, day in (
        PlanAssignment.objects.filter(member__fund=fund)
        .order_by("member_id", "effective_date", "id")
        .values_list("member_id", "plan_id", "effective_date")
    ):
        days, plan_list = assigned.setdefault(member_id, ([], []))
        days.append(day.toordinal())
        plan_list.append(plans[plan_id])
    new_plans: list[tuple[int, _Plan]] = []

    batch = None
    if not problems and not dry_run and data_rows > already_count:
        batch = ImportBatch.objects.create(
            fund=fund,
            filename=filename[:255],
            sha256=sha,
            rows=0,
            created_by=actor if actor is not None and actor.is_authenticated else None,
        )
    batch_id = batch.pk if batch else None
    fund_id = fund.pk
    out: list[tuple] = []
    append = out.append
    starts: dict[int, str] = {}
    previews: list[dict] = []
    by_ordinal = itemgetter(0)
    for slot, items in enumerate(per_member):
        if not items:
            continue
        items.sort(key=by_ordinal)
        member_id = member_ids[slot]
        number = member_numbers[slot]
        plan_rows = assigned.get(member_id)
        single = None
        if plan_rows is None:
            _o, n0, _d, a0, months0, periods0, _r, acell0 = items[0]
            single = _infer_plan(offered, a0[0], months0, periods0)
            if single is None:
                problems.append(
                    RowProblem(
                        n0,
                        label["amount"],
                        cell_text(acell0),
                        _(
                            "Member %(number)s has no contribution plan, and no plan of this "
                            "fund fits %(amount)s baht; assign the member a plan first."
                        )
                        % {"number": number, "amount": a0[1]},
                    )
                )
                continue
            new_plans.append((slot, single))
        elif len(plan_rows[0]) == 1:
            single = plan_rows[1][0]
        joined = member_rows[slot][2]
        next_month = joined.year * 12 + joined.month - 1 + covered[slot]
        for ordinal, n, d, a, months, periods, ref, acell in items:
            plan = single
            if plan is None:
                days, plan_list = plan_rows
                at = bisect.bisect_right(days, ordinal) - 1
                plan = plan_list[at if at >= 0 else 0]
            if months is None:
                if periods is not None:
                    months = periods * plan.months
                else:
                    # whole periods of the plan; else whole months at the plan's monthly rate
                    # (an old book may show 30 a month for a member now on 360 a year)
                    whole, rest = divmod(a[0], plan.satang)
                    if not rest:
                        months = whole * plan.months
                    else:
                        months, rest = divmod(a[0] * plan.months, plan.satang)
                    if rest or not months:
                        problems.append(
                            RowProblem(
                                n,
                                label["amount"],
                                cell_text(acell),
                                _(
                                    "The amount does not pay whole months of member "
                                    "%(number)s's plan (%(amount)s baht for %(months)s "
                                    "month(s)); give the months in a column."
                                )
                                % {
                                    "number": number,
                                    "amount": f"{plan.amount:,.2f}",
                                    "months": plan.months,
                                },
                            )
                        )
                        continue
            if months > MAX_MONTHS:  # ten years at most, as when taking one payment
                problems.append(
                    RowProblem(
                        n,
                        label["amount"],
                        cell_text(acell),
                        _("One payment covers at most %(most)s period(s) of this plan (10 years).")
                        % {"most": max(1, MAX_MONTHS // plan.months)},
                    )
                )
                continue
            start = starts.get(next_month)
            if start is None:
                start = starts[next_month] = _month_iso(next_month)
            if n in preview_rows:
                previews.append(
                    {
                        "row": n,
                        "member_number": number,
                        "member_id": member_id,
                        "paid_on": d[3],
                        "amount": Decimal(a[1]),
                        "months": months,
                        "period_start": dt.date.fromisoformat(start),
                        "receipt_ref": ref,
                    }
                )
            next_month += months
            d[4] += 1
            d[5] += a[0]
            append((fund_id, member_id, d[1], start, months, a[1], "import", batch_id, ref))
    if problems:
        raise ImportRejected(problems)

    # Months of payment, for the books and the report.
    per_month: dict[int, list] = {}
    for d in dates.values():
        if d.__class__ is list and d[4]:
            row = per_month.setdefault(d[2], [0, 0, d[3]])
            row[0] += d[4]
            row[1] += d[5]
            row[2] = max(row[2], d[3])
    report.months = [
        MonthTotal(
            dt.date(index // 12, index % 12 + 1, 1),
            rows,
            (Decimal(satang) / 100).quantize(Decimal("0.01")),
        )
        for index, (rows, satang, _last) in sorted(per_month.items())
    ]
    report.total_amount = sum((m.amount for m in report.months), Decimal("0.00"))
    report.imported = len(out)
    report.plans_assigned = len(new_plans)
    report.preview = sorted(previews, key=itemgetter("row"))
    if dry_run or not out:
        return report

    if new_plans:
        # plan_assign's rule for a member with no plan yet: the plan, from the join date.
        PlanAssignment.objects.bulk_create(
            (
                PlanAssignment(
                    member_id=member_ids[slot], plan_id=plan.pk, effective_date=member_rows[slot][2]
                )
                for slot, plan in new_plans
            ),
            batch_size=2000,
        )
    out.sort(key=itemgetter(1, 3))  # member, then month: the unique index is filled in order
    _write_payments(out)
    del out

    money = account_for(fund, "bank" if into == "bank" else "cash")
    income = account_for(fund, "contributions")
    drafts = []
    line_limit = int(min(fund.max_amount_per_line, MAX_AMOUNT) * 100)
    memo = f"import #{batch_id}"
    short_name = filename if len(filename) <= 120 else filename[:117] + "…"
    for index, (rows_in_month, satang, last_day) in sorted(per_month.items()):
        # Each row is within the fund's maximum per line; a month's total above it is
        # posted as several lines of at most that maximum.
        parts = [line_limit] * (satang // line_limit) + [satang % line_limit] * bool(
            satang % line_limit
        )
        month_text = f"{index % 12 + 1:02d}/{index // 12 + BE_OFFSET}"
        drafts.append(
            EntryDraft(
                date=last_day,
                description=(
                    f"นำเข้าสมุดเงินสัจจะ {short_name} เดือน {month_text} ({rows_in_month:,} รายการ)"
                ),
                lines=[
                    *(LineDraft(account=money, debit=Decimal(p) / 100, memo=memo) for p in parts),
                    *(LineDraft(account=income, credit=Decimal(p) / 100, memo=memo) for p in parts),
                ],
                source_type=SourceType.IMPORT,
                source_ref=f"import:{batch_id}",
            )
        )
    entries = entries_post(fund=fund, drafts=drafts, actor=actor, today=today)
    for month, entry in zip(report.months, entries, strict=True):
        month.entry_seq = entry.seq
    ImportBatch.objects.filter(pk=batch_id).update(rows=report.imported)
    report.batch_id = batch_id
    if progress is not None:
        progress(n)
    return report


# --- members -------------------------------------------------------------------------------

_TITLES = [
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
_SEX = {
    "m": "M",
    "male": "M",
    "ช": "M",
    "ชาย": "M",
    "เพศชาย": "M",
    "f": "F",
    "female": "F",
    "ญ": "F",
    "หญิง": "F",
    "เพศหญิง": "F",
}
# Words treasurers write for an occupation, to the default groups' codes.
_OCCUPATION_WORDS = {
    "ทำนา": "farmer",
    "ทำสวน": "farmer",
    "ทำไร่": "farmer",
    "เกษตร": "farmer",
    "เลี้ยงสัตว์": "farmer",
    "รับจ้าง": "general_labour",
    "รับจ้างทั่วไป": "general_labour",
    "ค้าขาย": "small_trader",
    "แม่ค้า": "small_trader",
    "ประมง": "fisher",
    "ก่อสร้าง": "construction",
    "แม่บ้าน": "domestic",
    "หัตถกรรม": "handicraft",
    "จักสาน": "handicraft",
    "ทอผ้า": "handicraft",
    "วินมอเตอร์ไซค์": "motorcycle_taxi",
}


def _split_title(text: str) -> tuple[str, str, str]:
    """'นางสมศรี ใจดี' → ('นาง', 'สมศรี ใจดี', 'F')."""
    low = text.strip().lower()
    for prefix, title, sex in _TITLES:
        if low.startswith(prefix):
            return title, text.strip()[len(prefix) :].strip(), sex
    return "", text.strip(), ""


def _village_number(value: object) -> int | None:
    text = cell_text(value).translate(_THAI_DIGITS)
    digits = re.findall(r"\d+", text)
    return int(digits[0]) if len(digits) == 1 else None


@transaction.atomic
def members_import(
    *,
    fund: Fund,
    path: str | Path,
    actor: AbstractBaseUser | None,
    filename: str = "",
    mapping: ImportMapping | None = None,
    dry_run: bool = False,
    today: dt.date | None = None,
    progress: Callable[[int], None] | None = None,
    preview: int = 0,
) -> ImportReport:
    """Register the members of a member register (CSV or spreadsheet), with the checks of
    ``members.services.member_create`` (national ID check digit, one ID per fund, names,
    dates, village, occupation, number), done for the whole file at once. A row identical to
    a member already registered (same national ID and name) is counted as already imported.
    """
    today = today or timezone.localdate()
    mapping = mapping or ImportMapping()
    path = Path(path)
    filename = filename or path.name
    table = _open(path, filename, mapping)
    layout = resolve_layout(table, MEMBER_FIELDS, mapping)
    report = ImportReport(
        kind="members",
        filename=filename,
        sha256=file_sha256(path),
        header_row=layout.header_row,
        columns={name: layout.label(name) for name in layout.columns},
        dry_run=dry_run,
    )
    cols = layout.columns
    label = {f.name: str(f.label) for f in MEMBER_FIELDS} | {
        name: layout.label(name) for name in cols
    }
    width = max(cols.values()) + 1
    header_keys = [normalize_header(c) for c in layout.header]
    reasons = _reasons()
    problems: list[RowProblem] = []

    existing = {
        nid: (number, key)
        for nid, number, key in Member.objects.filter(fund=fund).values_list(
            "national_id", "number", "name_search"
        )
    }
    numbers_taken = {number for number, _key in existing.values()}
    villages = dict(Village.objects.filter(fund=fund).values_list("number", "pk"))
    groups = list(OccupationGroup.objects.filter(fund=fund, active=True))
    group_by_key: dict[str, int] = {}
    for g in groups:
        for key in (g.code, g.name_th, g.name_en):
            if key:
                group_by_key[normalize_header(key)] = g.pk
    for word, code in _OCCUPATION_WORDS.items():
        match = next((g.pk for g in groups if g.code == code), None)
        if match:
            group_by_key.setdefault(normalize_header(word), match)
    other_group = next((g.pk for g in groups if g.code == "other"), None)

    def get(cells: list, name: str) -> object:
        return cells[cols[name]] if name in cols else ""

    seen_nid: dict[str, int] = {}
    seen_number: dict[str, int] = {}
    dates: dict[object, object] = {}
    accepted: list[dict] = []
    # rows above the header are the book's title
    skipped = {"blank": 0, "total": 0, "title": layout.header_row - 1, "header": 0}
    data_rows = already_count = 0
    n = layout.header_row

    def parse_day(value: object, column: str, n: int) -> dt.date | None:
        info = dates.get(value)
        if info is None:
            info = dates[value] = _date_info(
                value, today=dt.date.max, founded=dt.date.min, closed=set()
            )
        if info.__class__ is str:
            problems.append(RowProblem(n, label[column], cell_text(value), reasons[info]))
            return None
        return info[3]

    try:
        for n, cells in _data_rows(table, layout):
            if len(cells) < width:
                cells = list(cells) + [""] * (width - len(cells))
            if progress is not None and not n % 500:
                progress(n)
            if _is_blank(cells):
                skipped["blank"] += 1
                continue
            if _is_total(cells):
                skipped["total"] += 1
                continue
            if _same_as_header(cells, header_keys):
                skipped["header"] += 1
                continue
            if sum(1 for col in cols.values() if cell_text(cells[col])) <= 1:
                skipped["title"] += 1  # a heading such as "ทะเบียนสมาชิก หมู่ 3"
                continue
            data_rows += 1
            before = len(problems)

            def bad(name: str, value: object, reason: str, n: int = n) -> None:
                problems.append(RowProblem(n, label[name], cell_text(value), reason))

            # Names: a full-name column, or first and last name columns.
            title = cell_text(get(cells, "title"))
            sex_from_title = ""
            if "first_name" in cols or "last_name" in cols:
                first = cell_text(get(cells, "first_name"))
                last = cell_text(get(cells, "last_name"))
                if not title:
                    title, first, sex_from_title = _split_title(first)
            else:
                full = cell_text(get(cells, "full_name"))
                t, rest, sex_from_title = _split_title(full)
                title = title or t
                first, _sp, last = rest.partition(" ")
                last = last.strip()
            if title:
                t, rest, s = _split_title(title)
                title, sex_from_title = (t or title), (s or sex_from_title)
            if not normalize_name(first):
                bad(
                    "first_name" if "first_name" in cols else "full_name",
                    first,
                    _("Please enter the first name."),
                )
            if not normalize_name(last):
                bad(
                    "last_name" if "last_name" in cols else "full_name",
                    last,
                    _("Please enter the last name."),
                )
            # National ID: the same check digit rule and message as a registration.
            nid_value = get(cells, "national_id")
            nid = ""
            try:
                nid = national_id_clean(cell_text(nid_value).replace("-", "").replace(" ", ""))
            except ValidationError as exc:
                for message in exc.message_dict.get("national_id", []):
                    bad("national_id", nid_value, message)
            birth = parse_day(get(cells, "birth_date"), "birth_date", n)
            join = parse_day(get(cells, "join_date"), "join_date", n)
            if birth and birth > today:
                bad("birth_date", birth, _("The birth date cannot be in the future."))
            if join:
                if join > today:
                    bad("join_date", join, _("The join date cannot be in the future."))
                if join < fund.founded_on:
                    bad("join_date", join, _("The join date is before the fund was founded."))
                if birth and join < birth:
                    bad("join_date", join, _("The join date is before the birth date."))
            sex_text = normalize_header(get(cells, "sex"))
            sex = _SEX.get(sex_text, "") if sex_text else sex_from_title
            if not sex:
                bad(
                    "sex" if "sex" in cols else "title",
                    get(cells, "sex") or title,
                    _("Please choose the sex.")
                    if not sex_text
                    else _("Write the sex as ชาย/หญิง or M/F."),
                )
            village_value = get(cells, "village")
            village_number = _village_number(village_value)
            village_id = villages.get(village_number) if village_number else None
            if village_id is None:
                bad(
                    "village",
                    village_value,
                    _("This fund has no village number %(number)s.")
                    % {"number": cell_text(village_value) or "—"},
                )
            occupation_value = cell_text(get(cells, "occupation"))
            if occupation_value:
                occupation_id = group_by_key.get(normalize_header(occupation_value))
            else:
                occupation_id = other_group
            if occupation_id is None:
                bad(
                    "occupation",
                    occupation_value,
                    _("Unknown occupation group; use one of: %(groups)s.")
                    % {"groups": ", ".join(g.name_th for g in groups)},
                )
            number = cell_text(get(cells, "number")).translate(_THAI_DIGITS)
            # Already registered? The same person again is not an error: nothing to do.
            if nid and nid in existing:
                old_number, old_key = existing[nid]
                if old_key == name_search_key(first, last) and number in ("", old_number):
                    del problems[before:]
                    already_count += 1
                    continue
                bad(
                    "national_id",
                    nid_value,
                    _("A member with this national ID is already registered in this fund."),
                )
            elif nid in seen_nid:
                bad(
                    "national_id",
                    nid_value,
                    _("The same national ID is also on row %(row)s.") % {"row": seen_nid[nid]},
                )
            if number:
                if number in numbers_taken:
                    bad("number", number, _("This member number is already used in this fund."))
                elif number in seen_number:
                    bad(
                        "number",
                        number,
                        _("The same member number is also on row %(row)s.")
                        % {"row": seen_number[number]},
                    )
                seen_number.setdefault(number, n)
            if nid:
                seen_nid.setdefault(nid, n)
            if len(problems) > before:
                continue
            beneficiary = normalize_name(cell_text(get(cells, "beneficiary")))
            accepted.append(
                {
                    "row": n,
                    "number": number,
                    "title": title,
                    "first_name": normalize_name(first),
                    "last_name": normalize_name(last),
                    "national_id": nid,
                    "birth_date": birth,
                    "sex": sex,
                    "village_id": village_id,
                    "village_number": village_number,
                    "occupation_id": occupation_id,
                    "join_date": join,
                    "address": cell_text(get(cells, "address")),
                    "phone": cell_text(get(cells, "phone")),
                    "beneficiary": beneficiary,
                    "relationship": cell_text(get(cells, "relationship")),
                }
            )
    except ReadError as exc:
        problems.append(RowProblem(n + 1, "", "", str(exc)))
    report.data_rows = data_rows
    report.already_imported = already_count
    report.skipped = {k: v for k, v in skipped.items() if v}
    if problems:
        raise ImportRejected(problems)
    report.imported = len(accepted)
    report.preview = [
        {
            "row": a["row"],
            "member_number": a["number"],
            "name": f"{a['title']}{a['first_name']} {a['last_name']}",
            "national_id": f"x-xxxx-xxxxx-{a['national_id'][10:12]}-{a['national_id'][12]}",
            "village": a["village_number"],
            "join_date": a["join_date"],
            "birth_date": a["birth_date"],
        }
        for a in accepted[:preview]
    ]
    if dry_run or not accepted:
        return report

    # Numbers for rows without one: drawn from the fund's counter as member_create does, as
    # one block, stepping over numbers the file or the fund already uses.
    needing = [a for a in accepted if not a["number"]]
    if needing:
        NumberCounter.objects.get_or_create(fund=fund, key="member_number")
        counter = NumberCounter.objects.select_for_update().get(fund=fund, key="member_number")
        taken = numbers_taken | {a["number"] for a in accepted if a["number"]}
        seq = counter.value
        for a in needing:
            while True:
                seq += 1
                try:
                    number = fund.member_number_pattern.format(
                        seq=seq, year=a["join_date"].year + BE_OFFSET, village=a["village_number"]
                    )
                except (KeyError, IndexError, ValueError):
                    number = f"{seq:05d}"
                if number not in taken:
                    break
            a["number"] = number
            taken.add(number)
        counter.value = seq
        counter.save(update_fields=["value"])
    user = actor if actor is not None and actor.is_authenticated else None
    members = Member.objects.bulk_create(
        [
            Member(
                fund=fund,
                number=a["number"],
                title=a["title"],
                first_name=a["first_name"],
                last_name=a["last_name"],
                name_search=name_search_key(a["first_name"], a["last_name"]),
                national_id=a["national_id"],
                birth_date=a["birth_date"],
                sex=a["sex"],
                village_id=a["village_id"],
                address=a["address"][:300],
                phone=a["phone"][:20],
                occupation_id=a["occupation_id"],
                join_date=a["join_date"],
                status=MemberStatus.ACTIVE,
                created_by=user,
            )
            for a in accepted
        ],
        batch_size=1000,
    )
    Beneficiary.objects.bulk_create(
        (
            Beneficiary(
                member=m,
                name=a["beneficiary"],
                relationship=a["relationship"][:60],
                share_percent=Decimal("100"),
                position=0,
            )
            for m, a in zip(members, accepted, strict=True)
            if a["beneficiary"]
        ),
        batch_size=1000,
    )
    for p, a in zip(report.preview, accepted, strict=False):
        p["member_number"] = a["number"]
    if progress is not None:
        progress(n)
    return report

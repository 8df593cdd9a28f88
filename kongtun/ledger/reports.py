"""Reads for the books pages that ``selectors.py`` does not have: fiscal years, the journal
search, one account's ledger, balances per account, and the months to close.

Like the selectors, everything here comes from the journal lines (integer satang).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import get_language

from kongtun.core import thaidates
from kongtun.core.thaidates import format_date
from kongtun.funds.models import Fund
from kongtun.ledger import masking
from kongtun.ledger.models import (
    Account,
    JournalEntry,
    JournalLine,
    MonthClose,
    satang_to_baht,
)

ZERO = Decimal("0.00")


# --- periods -------------------------------------------------------------------------------


def month_first(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_after(month: dt.date) -> dt.date:
    return (month.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def month_last(day: dt.date) -> dt.date:
    return month_after(day) - dt.timedelta(days=1)


def month_label(month: dt.date) -> str:
    """'มีนาคม 2567' in Thai, 'March 2024' in English."""
    return format_date(month, get_language() or "th", "long").split(" ", 1)[1]


def fiscal_year_bounds(fund: Fund, on: dt.date) -> tuple[dt.date, dt.date]:
    """The fund's fiscal year containing ``on``: first and last day."""
    start_month = fund.fiscal_year_start_month or 1
    year = on.year if on.month >= start_month else on.year - 1
    start = dt.date(year, start_month, 1)
    end = dt.date(year + 1, start_month, 1) - dt.timedelta(days=1)
    return start, end


def fiscal_year_be(fund: Fund, on: dt.date) -> int:
    """A fiscal year is named by the Buddhist-Era year it ends in (as receipts number it)."""
    return thaidates.fiscal_year_be(on, fund.fiscal_year_start_month)


# --- the journal ---------------------------------------------------------------------------


def journal_search(
    *,
    fund: Fund,
    start: dt.date | None = None,
    end: dt.date | None = None,
    source: str = "",
    account: Account | None = None,
    q: str = "",
    hide_persons: bool = False,
) -> QuerySet[JournalEntry]:
    """Entries newest first, each with ``total_satang`` (the sum of its debits).

    With ``hide_persons`` (a viewer without ``view_persons``) every entry is read masked
    (``ledger.masking``) and the search looks only at what that viewer sees: the entry number
    and the document numbers Kongtun drew — a member's name or number finds nothing."""
    qs = JournalEntry.objects.filter(fund=fund)
    if start:
        qs = qs.filter(date__gte=start)
    if end:
        qs = qs.filter(date__lte=end)
    if source:
        qs = qs.filter(source_type=source)
    if account is not None:
        qs = qs.filter(pk__in=JournalLine.objects.filter(account=account).values("entry_id"))
    q = (q or "").strip()
    if q and hide_persons:
        text = Q(source_ref__icontains=q, source_ref__regex=masking.DRAWN_REF_SQL)
        if q.lstrip("#").isdigit():
            text |= Q(seq=int(q.lstrip("#")))
        qs = qs.filter(text)
    elif q:
        text = Q(description__icontains=q) | Q(source_ref__icontains=q)
        if q.lstrip("#").isdigit():
            text |= Q(seq=int(q.lstrip("#")))
        qs = qs.filter(text)
    debits = (
        JournalLine.objects.filter(entry=OuterRef("pk"), amount_satang__gt=0)
        .order_by()
        .values("entry")
        .annotate(s=Sum("amount_satang"))
        .values("s")
    )
    reversal = JournalEntry.objects.filter(reverses=OuterRef("pk")).values("seq")[:1]
    qs = (
        qs.select_related("agency", "reverses")
        .annotate(total_satang=Subquery(debits), reversed_by_seq=Subquery(reversal))
        .order_by("-date", "-seq")
    )
    return masking.masked_queryset(qs) if hide_persons else qs


def entry_total(entry: JournalEntry) -> Decimal:
    """The entry's amount: the sum of its debits."""
    total = entry.lines.filter(amount_satang__gt=0).aggregate(s=Sum("amount_satang"))["s"]
    return satang_to_baht(total or 0)


# --- accounts ------------------------------------------------------------------------------


def account_balances(*, fund: Fund, as_of: dt.date | None = None) -> list[dict]:
    """Every account of the fund (in use or not) with its balance on its own side and how
    many lines it has; an account with lines cannot change its code or type."""
    sums = {}
    qs = JournalLine.objects.filter(fund=fund)
    if as_of is not None:
        qs = qs.filter(date__lte=as_of)
    for row in qs.values("account_id").annotate(s=Sum("amount_satang"), n=Count("id")).order_by():
        sums[row["account_id"]] = (int(row["s"]), row["n"])
    rows = []
    for account in Account.objects.filter(fund=fund).order_by("code"):
        satang, n = sums.get(account.pk, (0, 0))
        natural = satang if account.debit_normal else -satang
        rows.append({"account": account, "balance": satang_to_baht(natural), "lines": n})
    return rows


def account_has_lines(account: Account) -> bool:
    return JournalLine.objects.filter(account=account).exists()


@dataclass(frozen=True)
class LedgerRow:
    line: JournalLine
    debit: Decimal | None
    credit: Decimal | None
    balance: Decimal  # on the account's own side


class RunningLines(Sequence):
    """A period's lines in book order (date, entry number, line) with a running balance,
    read from the database a slice at a time (issue 17): a page of an account with 60,000
    lines a year reads its 50 lines and one sum of the lines before them, never the year.
    ``row(line, running_satang)`` makes a page's row; ``hide_persons`` masks what is read."""

    def __init__(
        self,
        lines: QuerySet[JournalLine],
        opening_satang: int,
        row: Callable[[JournalLine, int], Any],
        *,
        hide_persons: bool = False,
    ) -> None:
        self._lines = lines.order_by("date", "entry__seq", "id")
        self._opening = opening_satang
        self._row = row
        self._hide = hide_persons
        self._count: int | None = None

    def __len__(self) -> int:
        if self._count is None:
            self._count = self._lines.count()
        return self._count

    def _rows(self, start: int, stop: int) -> list[Any]:
        if stop <= start:
            return []
        before = self._lines.values("amount_satang")[:start] if start else None
        running = self._opening + (
            (before.aggregate(s=Sum("amount_satang"))["s"] or 0) if before is not None else 0
        )
        lines = list(self._lines[start:stop])
        if self._hide:
            lines = masking.mask_lines(lines)
        rows = []
        for line in lines:
            running += line.amount_satang
            rows.append(self._row(line, running))
        return rows

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            if step != 1:
                raise ValueError("RunningLines slices go forward one row at a time")
            return self._rows(start, stop)
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return self._rows(index, index + 1)[0]

    def __iter__(self) -> Iterator[Any]:
        """Every row, in one pass over a database cursor (a download of the whole period:
        memory stays one batch, however long the period)."""
        running = self._opening
        batch: list[JournalLine] = []

        def emit() -> Iterator[Any]:
            nonlocal running
            for line in masking.mask_lines(batch) if self._hide else batch:
                running += line.amount_satang
                yield self._row(line, running)
            batch.clear()

        for line in self._lines.iterator(chunk_size=2_000):
            batch.append(line)
            if len(batch) == 2_000:
                yield from emit()
        yield from emit()

    def totals(self) -> tuple[int, int]:
        """Satang debited (positive) and credited (negative, as a positive number)."""
        sums = self._lines.order_by().aggregate(
            d=Sum("amount_satang", filter=Q(amount_satang__gt=0)),
            c=Sum("amount_satang", filter=Q(amount_satang__lt=0)),
        )
        return sums["d"] or 0, -(sums["c"] or 0)


def account_ledger(
    *, account: Account, start: dt.date, end: dt.date, hide_persons: bool = False
) -> dict:
    """One account's lines over a period with the opening, a running balance and the closing,
    read on the account's own side (income and liabilities as positive numbers); masked
    (``ledger.masking``) with ``hide_persons``. ``rows`` are read a page at a time."""
    sign = 1 if account.debit_normal else -1
    before = (
        JournalLine.objects.filter(account=account, date__lt=start).aggregate(
            s=Sum("amount_satang")
        )["s"]
        or 0
    )
    lines = JournalLine.objects.filter(
        fund_id=account.fund_id, account=account, date__gte=start, date__lte=end
    ).select_related("entry", "member")
    if hide_persons:
        lines = lines.select_related("entry__agency")

    def row(line: JournalLine, running: int) -> LedgerRow:
        return LedgerRow(line, line.debit, line.credit, satang_to_baht(sign * running))

    rows = RunningLines(lines, before, row, hide_persons=hide_persons)
    debit, credit = rows.totals()
    return {
        "opening": satang_to_baht(sign * before),
        "rows": rows,
        "total_debit": satang_to_baht(debit),
        "total_credit": satang_to_baht(credit),
        "closing": satang_to_baht(sign * (before + debit - credit)),
    }


# --- month close ---------------------------------------------------------------------------


def next_open_month(fund: Fund) -> dt.date:
    """The first month not yet closed (months close in order from the founding month)."""
    last = MonthClose.objects.filter(fund=fund).order_by("-month").values_list("month", flat=True)
    last = last.first()
    return month_after(last) if last else month_first(fund.founded_on)


def closable_months(fund: Fund, today: dt.date) -> list[dt.date]:
    """Open months that have ended, oldest first: the ones that may be closed now."""
    month = next_open_month(fund)
    current = month_first(today)
    months = []
    while month < current:
        months.append(month)
        month = month_after(month)
    return months


#: The accounts that hold the fund's money: money in and out is what crosses them, and
#: their balance can never go below zero (``services.entries_post``).
MONEY_ROLES = ("cash", "bank")


def money_account_ids(fund: Fund) -> set[int]:
    return set(Account.objects.filter(fund=fund, role__in=MONEY_ROLES).values_list("pk", flat=True))


def cash_movements(fund: Fund, start: dt.date, end: dt.date) -> dict[dt.date, dict[int, int]]:
    """The one definition of a period's money in and out (the months page and the monthly
    report both read it): per month, satang per non-money account over the entries of the
    month that moved cash or bank. A transfer between cash and bank has no other line and
    moves nothing here. Summed with the money lines they are zero, entry by entry, so
    opening + in − out = closing."""
    money = money_account_ids(fund)
    moved_money = JournalLine.objects.filter(entry_id=OuterRef("entry_id"), account_id__in=money)
    sums: dict[dt.date, dict[int, int]] = {}
    # summed by the database: a page never loads a fund's lines to add them up (issue 17)
    for month, account_id, satang in (
        JournalLine.objects.filter(fund=fund, date__gte=start, date__lte=end)
        .exclude(account_id__in=money)
        .filter(Exists(moved_money))
        .annotate(month=TruncMonth("date"))
        .values_list("month", "account_id")
        .annotate(s=Sum("amount_satang"))
        .order_by()
    ):
        month = month_first(month)
        sums.setdefault(month, {})[account_id] = sums.get(month, {}).get(account_id, 0) + satang
    return sums


def money_flow(account_type: str, satang: int) -> tuple[str, int]:
    """Which side a counter-account's net movement over a period is on: ("in", satang) or
    ("out", satang). Income is money in (a net debit shows as negative income), expenses
    are money out; any other account (capital, liabilities, receivables) is money in when
    credited and money out when debited."""
    if account_type == "income":
        return "in", -satang
    if account_type == "expense":
        return "out", satang
    return ("in", -satang) if satang < 0 else ("out", satang)


def money_in_out(sums: dict[int, int], types: dict[int, str]) -> tuple[int, int]:
    """(money in, money out) in satang from ``cash_movements`` of one month."""
    flows = {"in": 0, "out": 0}
    for account_id, satang in sums.items():
        side, amount = money_flow(types[account_id], satang)
        flows[side] += amount
    return flows["in"], flows["out"]


def month_rows(*, fund: Fund, today: dt.date, count: int = 24) -> list[dict]:
    """The latest months (newest first) with their number of entries, money in and out of
    cash and bank (as the monthly report counts it: ``cash_movements``), and whether and
    when they were closed."""
    current = month_first(today)
    first = current
    for _ in range(count - 1):
        if first <= month_first(fund.founded_on):
            break
        first = month_first(first - dt.timedelta(days=1))
    closes = {
        c.month: c
        for c in MonthClose.objects.filter(fund=fund, month__gte=first).select_related("closed_by")
    }
    entries: dict[dt.date, int] = {}
    for month, n in (
        JournalEntry.objects.filter(fund=fund, date__gte=first)
        .annotate(month=TruncMonth("date"))
        .values_list("month")
        .annotate(n=Count("id"))
        .order_by()
    ):
        entries[month_first(month)] = entries.get(month_first(month), 0) + n
    types = dict(Account.objects.filter(fund=fund).values_list("pk", "type"))
    money = {
        month: money_in_out(sums, types)
        for month, sums in cash_movements(fund, first, month_last(current)).items()
    }
    rows = []
    month = current
    while month >= first:
        m_in, m_out = money.get(month, [0, 0])
        rows.append(
            {
                "month": month,
                "entries": entries.get(month, 0),
                "money_in": satang_to_baht(m_in),
                "money_out": satang_to_baht(m_out),
                "closed": closes.get(month),
            }
        )
        month = month_first(month - dt.timedelta(days=1))
    return rows

"""Whole-ledger checks, as a list of functions whose findings are data (beancount's habit)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db.models import Count, F, Min, Q, Sum

from kongtun.core.money import MAX_SATANG
from kongtun.funds.models import Fund
from kongtun.ledger.models import JournalEntry, JournalLine


@dataclass(frozen=True)
class Problem:
    fund_id: int
    code: str
    message: str
    entry_seq: int | None = None


def check_balanced(fund: Fund) -> Iterator[Problem]:
    rows = (
        JournalLine.objects.filter(fund=fund)
        .values("entry_id", "entry__seq")
        .annotate(total=Sum("amount_satang"), n=Count("id"))
        .order_by()
    )
    for row in rows:
        if row["total"] != 0 or row["n"] < 2:
            yield Problem(
                fund.pk,
                "unbalanced",
                f"entry {row['entry__seq']}: residual {row['total']} satang over {row['n']} lines",
                row["entry__seq"],
            )
    lineless = JournalEntry.objects.filter(fund=fund, lines__isnull=True)
    for entry in lineless:
        yield Problem(fund.pk, "no_lines", f"entry {entry.seq} has no lines", entry.seq)


def check_sequence(fund: Fund) -> Iterator[Problem]:
    expected = 1
    for seq in (
        JournalEntry.objects.filter(fund=fund)
        .order_by("seq")
        .values_list("seq", flat=True)
        .iterator()
    ):
        if seq != expected:
            yield Problem(fund.pk, "sequence_gap", f"expected entry {expected}, found {seq}", seq)
            expected = seq
        expected += 1


def check_lines_match_entries(fund: Fund) -> Iterator[Problem]:
    bad = (
        JournalLine.objects.filter(fund=fund)
        .exclude(date=F("entry__date"))
        .values_list("entry__seq", flat=True)
        .distinct()
    )
    for seq in bad:
        yield Problem(
            fund.pk, "line_date", f"entry {seq}: a line's date differs from the entry's", seq
        )
    foreign = (
        JournalLine.objects.filter(entry__fund=fund)
        .exclude(fund=fund)
        .values_list("entry__seq", flat=True)
    )
    for seq in foreign:
        yield Problem(fund.pk, "line_fund", f"entry {seq}: a line is filed under another fund", seq)
    other_accounts = (
        JournalLine.objects.filter(fund=fund)
        .exclude(account__fund=fund)
        .values_list("entry__seq", flat=True)
    )
    for seq in other_accounts:
        yield Problem(
            fund.pk, "account_fund", f"entry {seq}: a line uses another fund's account", seq
        )


def check_reversals(fund: Fund) -> Iterator[Problem]:
    reversals = JournalEntry.objects.filter(fund=fund, reverses__isnull=False).select_related(
        "reverses"
    )
    for rev in reversals:
        original = rev.reverses
        if original.fund_id != fund.pk:
            yield Problem(
                fund.pk, "reversal_fund", f"entry {rev.seq} reverses another fund's entry", rev.seq
            )
            continue
        mine = sorted(
            JournalLine.objects.filter(entry=rev).values_list("account_id", "amount_satang")
        )
        theirs = sorted(
            (a, -s)
            for a, s in JournalLine.objects.filter(entry=original).values_list(
                "account_id", "amount_satang"
            )
        )
        if mine != theirs:
            yield Problem(
                fund.pk,
                "reversal_mirror",
                f"entry {rev.seq} is not the mirror of entry {original.seq}",
                rev.seq,
            )
        if rev.seq < original.seq:
            yield Problem(
                fund.pk,
                "reversal_order",
                f"entry {rev.seq} reverses a later entry {original.seq}",
                rev.seq,
            )


def check_closed_months(fund: Fund) -> Iterator[Problem]:
    from kongtun.ledger.models import MonthClose

    for close in MonthClose.objects.filter(fund=fund):
        late = JournalEntry.objects.filter(
            fund=fund,
            date__year=close.month.year,
            date__month=close.month.month,
            created_at__gt=close.closed_at,
        ).aggregate(first=Min("seq"))["first"]
        if late is not None:
            yield Problem(
                fund.pk,
                "posted_after_close",
                f"entry {late} was posted into {close.month:%Y-%m} after it closed",
                late,
            )


def check_published_reports(fund: Fund) -> Iterator[Problem]:
    """Each closed month's published report (frozen at close) still hashes to its fingerprint."""
    import hashlib

    from kongtun.ledger.models import MonthClose

    for close in MonthClose.objects.filter(fund=fund, report_sha256__isnull=False):
        text = (close.report_json or "").encode("utf-8")
        if hashlib.sha256(text).hexdigest() != close.report_sha256:
            yield Problem(
                fund.pk,
                "published_report_changed",
                f"the published report of {close.month:%Y-%m} does not match its SHA-256",
            )


def check_ceiling(fund: Fund) -> Iterator[Problem]:
    """Lines beyond the hard ceiling (posted before the CHECK existed): they can overflow
    balances; restore the books from a backup taken before the entry."""
    beyond = (
        JournalLine.objects.filter(fund=fund)
        .filter(Q(amount_satang__gt=MAX_SATANG) | Q(amount_satang__lt=-MAX_SATANG))
        .values_list("entry__seq", flat=True)
        .distinct()
        .order_by("entry__seq")
    )
    for seq in beyond:
        yield Problem(
            fund.pk,
            "beyond_ceiling",
            f"entry {seq}: a line exceeds the ceiling of {MAX_SATANG} satang",
            seq,
        )


CHECKS: list[Callable[[Fund], Iterator[Problem]]] = [
    check_ceiling,
    check_balanced,
    check_sequence,
    check_lines_match_entries,
    check_reversals,
    check_closed_months,
    check_published_reports,
]


def ledger_problems(fund: Fund) -> list[Problem]:
    return [problem for check in CHECKS for problem in check(fund)]


# --- the database itself --------------------------------------------------------------------


def database_problem(exc: BaseException, using: str = "default") -> str:
    """One line saying why the books cannot be read: a damaged file, or a database that is not
    Kongtun's (no books tables)."""
    from django.conf import settings
    from django.db import connections

    name = settings.DATABASES[using].get("NAME")
    reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    try:
        tables = set(connections[using].introspection.table_names())
    except Exception:  # the file cannot even be listed: it is damaged
        tables = None
    if tables is not None and "ledger_journalentry" not in tables:
        return (
            f"{name} is not a Kongtun database (it has no books tables: {reason}); "
            "check DATABASE_URL, or run manage.py migrate for a new one"
        )
    return (
        f"the database {name} is damaged and cannot be read ({reason}); keep the file as it "
        "is and restore the latest backup"
    )


@contextlib.contextmanager
def readable_database(*, traceback: bool = False) -> Iterator[None]:
    """For the ledger commands: a damaged or foreign database gives one clear line (a
    CommandError, exit 1), not a traceback — unless ``--traceback`` asked for it."""
    from django.core.management.base import CommandError
    from django.db import DatabaseError

    try:
        yield
    except CommandError:
        raise
    except (DatabaseError, ValueError, TypeError, UnicodeError) as exc:
        if traceback:
            raise
        raise CommandError(database_problem(exc)) from None

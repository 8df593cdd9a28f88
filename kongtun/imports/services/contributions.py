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
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from operator import itemgetter
from pathlib import Path

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from kongtun.contributions.models import (
    ContributionPayment,
    ContributionPlan,
    ImportBatch,
    PlanAssignment,
)
from kongtun.core.concurrency import fund_lock, retry_transient
from kongtun.core.forms import AMOUNT_ERRORS
from kongtun.core.money import MAX_AMOUNT
from kongtun.core.statistics import tables_analyze_on_commit
from kongtun.core.thaidates import BE_OFFSET
from kongtun.funds.models import Fund
from kongtun.imports.mapping import (
    CONTRIBUTION_FIELDS,
    normalize_header,
)
from kongtun.imports.readers import ReadError, ReadLimits, cell_text, file_sha256
from kongtun.imports.services.common import (
    CHUNK,
    MAX_MONTHS,
    THAI_DIGITS,
    BookTotals,
    ImportMapping,
    ImportRejected,
    ImportReport,
    MonthTotal,
    RowProblem,
    amount_info,
    brought_forward,
    count_info,
    data_rows_after_header,
    date_info,
    is_blank,
    is_total_label,
    open_or_reject,
    refusal_reasons,
    resolve_layout,
    same_as_header,
    total_label,
    total_satang,
)
from kongtun.imports.services.identity import MemberIdentities, id_shown
from kongtun.ledger.models import EntrySeal, JournalEntry, JournalLine, SourceType
from kongtun.ledger.services import EntryDraft, LineDraft, account_for, closed_months, entries_post
from kongtun.members.models import Member, MemberStatus, MemberStatusChange

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


@retry_transient
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
    limits: ReadLimits | None = None,
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
    table = open_or_reject(path, filename, mapping, limits)
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
        # The fund's row first, as every writer takes it (decision 0016): an import queues
        # behind a meeting batch or another import instead of deadlocking with it.
        fund_lock(fund.pk)
    if ImportBatch.objects.filter(fund=fund, sha256=sha).exists():
        report.file_already_imported = True
        return report

    reasons = refusal_reasons()
    row_limit = min(fund.max_amount_per_line, MAX_AMOUNT)
    reasons["amount_too_large"] = str(AMOUNT_ERRORS["too_large"]) % {"max": f"{row_limit:,.2f}"}
    problems: list[RowProblem] = []
    cols = layout.columns
    mi, di, ai = cols["member_number"], cols["paid_on"], cols["amount"]
    mo_i, pe_i, ri = cols.get("months", -1), cols.get("periods", -1), cols.get("receipt_ref", -1)
    ni, na_i = cols.get("national_id", -1), cols.get("name", -1)
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

    # Who is who: the ID and name columns, when the file has them, must be the member's.
    identities = None
    if ni >= 0 or na_i >= 0:
        identities = MemberIdentities(fund, member_ids, ids=ni >= 0, names=na_i >= 0)
    id_ok: list[object] = [None] * len(member_ids)
    name_ok: list[object] = [None] * len(member_ids)
    totals = BookTotals()

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
        of no member of the fund (-1, the problem recorded).

        A total is judged by its shape — an amount, no member number, no national ID — never
        by a word alone: a member named รวมชัย is a member. The book's totals are checked
        against the rows above them."""
        if is_blank(cells):
            skipped["blank"] += 1
            return None
        if same_as_header(cells, header_keys):
            skipped["header"] += 1
            return None
        text = cell_text(mcell).translate(THAI_DIGITS)
        if text:
            slot = by_number.get(text)
            if slot is None:
                slot = loose.get(text.replace(" ", "").lstrip("0") or "0")
            if slot is not None:
                by_number[mcell] = slot
                return slot
        amount_text = cell_text(cells[ai])
        date_blank = not cell_text(cells[di])
        has_id = ni >= 0 and bool(cell_text(cells[ni]))
        if amount_text and not has_id and (not text or is_total_label(text)):
            words = total_label(cells)
            book_total = total_satang(cells[ai])
            if book_total is not None and (words or date_blank):
                skipped["total"] += 1
                reason = totals.total(n, book_total, opening=brought_forward(words))
                if reason:
                    problems.append(RowProblem(n, label["amount"], amount_text, reason))
                return None
        if not text:
            if not amount_text and not has_id:
                skipped["title"] += 1
                return None
            problems.append(RowProblem(n, label["member_number"], "", reasons["member_missing"]))
            return -1  # a payment row without its member: check its other cells too
        if not amount_text and date_blank:
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

    rows = data_rows_after_header(table, layout)
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
                d = dates[dcell] = date_info(dcell, today=today, founded=founded, closed=closed)
            acell = cells[ai]
            a = amounts_get(acell)
            if a is None:
                a = amounts[acell] = amount_info(acell, row_limit)
            totals.add(n, a[0] if a.__class__ is tuple else None)
            bad = slot < 0
            if identities is not None and not bad:
                # the member's last accepted cell first: a book repeats each member's ID and name
                if ni >= 0 and cells[ni] != id_ok[slot]:
                    why = identities.national_id_problem(slot, cells[ni])
                    if why is None:
                        id_ok[slot] = cells[ni]
                    else:
                        shown = id_shown(cells[ni])
                        problems.append(RowProblem(n, label["national_id"], shown, why))
                        bad = True
                if na_i >= 0 and cells[na_i] != name_ok[slot]:
                    why = identities.name_problem(slot, cells[na_i])
                    if why is None:
                        name_ok[slot] = cells[na_i]
                    else:
                        problems.append(RowProblem(n, label["name"], cell_text(cells[na_i]), why))
                        bad = True
            if d.__class__ is str:
                problems.append(RowProblem(n, label["paid_on"], cell_text(dcell), reasons[d]))
                bad = True
            elif slot < 0:
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
                    months = counts[cells[mo_i]] = count_info(cells[mo_i])
                if months.__class__ is str:
                    problems.append(
                        RowProblem(n, label["months"], cell_text(cells[mo_i]), reasons["count"])
                    )
                    bad = True
            if pe_i >= 0:
                periods = counts.get(cells[pe_i], 0)
                if periods == 0:
                    periods = counts[cells[pe_i]] = count_info(cells[pe_i])
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
                        ref = ref.translate(THAI_DIGITS)
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
    report.totals_checked = totals.checked

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
    tables_analyze_on_commit(
        tables=[ContributionPayment, PlanAssignment, JournalEntry, JournalLine, EntrySeal]
    )
    if progress is not None:
        progress(n)
    return report

"""The one write path of the books: post balanced entries, reverse them, close months.

Every financial event of every app is posted through ``entries_post`` (many at once, for
imports and the monthly meeting) or ``entry_post`` (one). Both validate every entry before
writing any, then write entries and lines in bulk inside one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from kongtun.core.concurrency import fund_lock, retry_transient
from kongtun.core.models import counter_reserve
from kongtun.core.money import MAX_AMOUNT, amount_within
from kongtun.core.thaidates import format_date, format_month
from kongtun.funds.models import Fund
from kongtun.ledger.chart import DEFAULT_CHART
from kongtun.ledger.models import (
    Account,
    EntrySeal,
    JournalEntry,
    JournalLine,
    MonthClose,
    SourceType,
)
from kongtun.ledger.reports import MONEY_ROLES
from kongtun.ledger.seal import closed_through, merkle_root, month_leaves, seal_entries

CENT = Decimal("0.01")


@dataclass(frozen=True)
class LineDraft:
    """One leg: exactly one of debit or credit, in baht with at most 2 decimals."""

    account: Account
    debit: Decimal = Decimal(0)
    credit: Decimal = Decimal(0)
    member_id: int | None = None
    memo: str = ""


@dataclass(frozen=True)
class EntryDraft:
    date: dt.date
    description: str
    lines: Sequence[LineDraft]
    source_type: str = SourceType.MANUAL
    source_ref: str = ""
    agency_id: int | None = None
    reverses_id: int | None = None
    extra: dict = field(default_factory=dict, compare=False)


def _satang(value: Decimal) -> int:
    quantized = value.quantize(CENT)
    if quantized != value:
        raise ValueError("more than 2 decimals")
    return int(quantized * 100)


def _line_satang(line: LineDraft) -> int:
    debit, credit = Decimal(line.debit or 0), Decimal(line.credit or 0)
    if debit < 0 or credit < 0:
        raise ValueError("negative")
    if (debit > 0) == (credit > 0):
        raise ValueError("one side")
    return _satang(debit) if debit > 0 else -_satang(credit)


def draft_residual(draft: EntryDraft) -> int:
    """Sum of the legs in satang; a balanced entry has residual 0 (beancount's word)."""
    return sum(_line_satang(line) for line in draft.lines)


def _validate(fund: Fund, draft: EntryDraft, *, today: dt.date, closed: set[dt.date]) -> list[str]:
    problems: list[str] = []
    if len(draft.lines) < 2:
        problems.append(str(_("An entry needs at least two lines.")))
    if not draft.description.strip():
        problems.append(str(_("An entry needs a description.")))
    if draft.date > today:
        problems.append(str(_("The date is in the future.")))
    if draft.date < fund.founded_on:
        problems.append(str(_("The date is before the fund was founded.")))
    if draft.date.replace(day=1) in closed:
        problems.append(
            str(_("%(month)s is closed; post the correction into an open month."))
            % {"month": month_name(draft.date)}
        )
    total = 0
    # A reversal mirrors lines already in the books: only the hard ceiling applies to it.
    ceiling = MAX_AMOUNT if draft.source_type == SourceType.REVERSAL else fund.max_amount_per_line
    for i, line in enumerate(draft.lines, 1):
        if line.account.fund_id != fund.pk:
            problems.append(str(_("Line %(n)s: the account is not this fund's.")) % {"n": i})
            continue
        if not line.account.active:
            problems.append(str(_("Line %(n)s: the account is not in use.")) % {"n": i})
        try:
            satang = _line_satang(line)
        except (ValueError, ArithmeticError):
            problems.append(
                str(_("Line %(n)s: give a positive amount on one side, with at most 2 decimals."))
                % {"n": i}
            )
            continue
        if not amount_within(Decimal(satang) / 100, ceiling):
            problems.append(
                str(_("Line %(n)s: the amount is above the largest per line, %(max)s baht."))
                % {"n": i, "max": f"{min(ceiling, MAX_AMOUNT):,.2f}"}
            )
            continue
        total += satang
    if not problems and total != 0:
        problems.append(
            str(_("Debits and credits differ by %(diff)s baht."))
            % {"diff": f"{abs(total) / 100:,.2f}"}
        )
    return problems


def _next_seq_block(fund: Fund, n: int) -> int:
    """Reserve n consecutive entry numbers; returns the first. Locked like any counter."""
    return counter_reserve(fund_id=fund.pk, key="journal", n=n)


def closed_months(fund: Fund) -> set[dt.date]:
    """Every closed month: the close rows and, since months close in order, every month up to
    the last one the books show as closed — by a later close, or by the close the newest
    seal cites even if its row is gone (decision 0009)."""
    months = set(MonthClose.objects.filter(fund=fund).values_list("month", flat=True))
    through = closed_through(fund)
    if through is not None:
        month = min([fund.founded_on.replace(day=1), *months])
        while month <= through:
            months.add(month)
            month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


def month_name(day: dt.date) -> str:
    """'ธ.ค. 2568' in Thai (Buddhist Era), 'Dec 2025' in English: the month a message names."""
    return format_month(day, translation.get_language() or "th")


def first_open_day(fund: Fund) -> dt.date:
    """The first day of the first month not yet closed (months close in order)."""
    last = MonthClose.objects.filter(fund=fund).order_by("-month").values_list("month", flat=True)
    last = last.first()
    if last is None:
        return fund.founded_on
    return (last + dt.timedelta(days=32)).replace(day=1)


def closed_month_problem(fund: Fund, day: dt.date) -> str | None:
    """The one rule for anything dated that a published monthly report counts (member joins
    and status changes, claim payments — decision 0012): a day in a closed month is refused,
    with a message naming the month in the reader's calendar and the first day still open.
    None when the day's month is open."""
    if not MonthClose.objects.filter(fund=fund, month=day.replace(day=1)).exists():
        return None
    return str(
        _(
            "%(month)s is closed: its published report stays as it is. Date this in an "
            "open month (from %(first_open)s) and write the real date in the reason or note."
        )
    ) % {
        "month": month_name(day),
        "first_open": format_date(first_open_day(fund), translation.get_language() or "th"),
    }


def _money_shortfalls(fund: Fund, drafts: Sequence[EntryDraft]) -> list[str]:
    """Cash on hand and the bank balance (the accounts tagged ``MONEY_ROLES``) never go below
    zero, on any day from the batch's earliest payment onwards (a back-dated payment must not
    empty a later day either).

    Balances are read at the end of each day (the books have dates, not hours): a payment and
    the bank withdrawal that covers it may be posted in either order on the same day. A
    batch is judged as a whole. A day that was already negative (books from before this
    rule) may stay so, but no posting may make it worse."""
    money = {a.pk: a for a in Account.objects.filter(fund=fund, role__in=MONEY_ROLES)}
    deltas: dict[int, dict[dt.date, int]] = {}
    first_credit: dict[int, tuple[int, dt.date]] = {}
    for i, draft in enumerate(drafts, 1):
        for line in draft.lines:
            if line.account.pk not in money:
                continue
            satang = _line_satang(line)
            by_day = deltas.setdefault(line.account.pk, {})
            by_day[draft.date] = by_day.get(draft.date, 0) + satang
            if satang < 0:
                seen = first_credit.get(line.account.pk)
                if seen is None or draft.date < seen[1]:
                    first_credit[line.account.pk] = (i, draft.date)
    problems: list[str] = []
    for account_id, (n, start) in sorted(first_credit.items()):
        account = money[account_id]
        by_day = deltas[account_id]
        before = (
            JournalLine.objects.filter(fund=fund, account_id=account_id, date__lt=start).aggregate(
                s=Sum("amount_satang")
            )["s"]
            or 0
        )
        existing = dict(
            JournalLine.objects.filter(fund=fund, account_id=account_id, date__gte=start)
            .values_list("date")
            .annotate(s=Sum("amount_satang"))
            .order_by("date")
        )
        old = new = before
        available = None
        for day in sorted(set(existing) | set(by_day)):
            old += existing.get(day, 0)
            new += existing.get(day, 0) + by_day.get(day, 0)
            available = old if available is None else min(available, old)
            if new < 0 and new < old:
                problems.append(_shortfall_message(account, available, new, day, n, len(drafts)))
                break
    return problems


def _shortfall_message(
    account: Account, available: int, balance: int, day: dt.date, n: int, count: int
) -> str:
    values = {
        "available": f"{Decimal(available) / 100:,.2f}",
        "balance": f"{Decimal(balance) / 100:,.2f}",
        "day": format_date(day, translation.get_language() or "th"),
    }
    if account.role == "cash":
        text = str(
            _(
                "There is %(available)s baht of cash on hand — draw from the bank first "
                "(cash would be %(balance)s baht on %(day)s)."
            )
        )
    else:
        text = str(
            _(
                "There is %(available)s baht in the bank — deposit cash in the bank first "
                "(the bank balance would be %(balance)s baht on %(day)s)."
            )
        )
    text = text % values
    if count > 1:
        text = str(_("Entry %(n)s: %(problem)s")) % {"n": n, "problem": text}
    return text


@retry_transient
@transaction.atomic
def entries_post(
    *,
    fund: Fund,
    drafts: Sequence[EntryDraft],
    actor: AbstractBaseUser | None,
    today: dt.date | None = None,
) -> list[JournalEntry]:
    """Post many balanced entries at once, all or nothing.

    Refuses the whole batch, naming each bad entry, if any entry is unbalanced, dated in the
    future, before the fund, in a closed month, or uses another fund's account.
    """
    fund_lock(fund.pk)
    today = today or timezone.localdate()
    closed = closed_months(fund)
    errors: list[str] = []
    for i, draft in enumerate(drafts, 1):
        for problem in _validate(fund, draft, today=today, closed=closed):
            errors.append(
                problem
                if len(drafts) == 1
                else str(_("Entry %(n)s: %(problem)s")) % {"n": i, "problem": problem}
            )
    if errors:
        raise ValidationError({"lines": errors})
    if not drafts:
        return []
    shortfalls = _money_shortfalls(fund, drafts)
    if shortfalls:
        raise ValidationError({"lines": shortfalls})
    first = _next_seq_block(fund, len(drafts))
    user = actor if actor is not None and actor.is_authenticated else None
    entries = JournalEntry.objects.bulk_create(
        JournalEntry(
            fund=fund,
            seq=first + i,
            date=d.date,
            description=d.description.strip()[:300],
            source_type=d.source_type,
            source_ref=d.source_ref,
            agency_id=d.agency_id,
            reverses_id=d.reverses_id,
            created_by=user,
        )
        for i, d in enumerate(drafts)
    )
    JournalLine.objects.bulk_create(
        (
            JournalLine(
                entry=entry,
                fund=fund,
                date=d.date,
                account=line.account,
                amount_satang=_line_satang(line),
                member_id=line.member_id,
                memo=line.memo[:200],
            )
            for entry, d in zip(entries, drafts, strict=True)
            for line in d.lines
        ),
        batch_size=2000,
    )
    seal_entries(fund=fund, first_seq=first, last_seq=first + len(drafts) - 1)
    return entries


def entry_post(
    *, fund: Fund, draft: EntryDraft, actor: AbstractBaseUser | None, today: dt.date | None = None
) -> JournalEntry:
    return entries_post(fund=fund, drafts=[draft], actor=actor, today=today)[0]


@retry_transient
@transaction.atomic
def entry_reverse(
    *,
    entry: JournalEntry,
    date: dt.date,
    reason: str,
    actor: AbstractBaseUser | None,
    today: dt.date | None = None,
) -> JournalEntry:
    """Post the mirror image of an entry, pointing at it. An entry is reversed at most once
    (a unique constraint), and a reversal is never itself reversed."""
    fund_lock(entry.fund_id)
    entry = JournalEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.reverses_id is not None:
        raise ValidationError({"entry": _("A reversal cannot be reversed; post a new entry.")})
    if JournalEntry.objects.filter(reverses=entry).exists():
        raise ValidationError({"entry": _("This entry has already been reversed.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Please give the reason.")})
    if date < entry.date:
        raise ValidationError(
            {"date": _("A reversal cannot be dated before the entry it reverses.")}
        )
    lines = [
        LineDraft(
            account=line.account,
            debit=Decimal(-line.amount_satang) / 100 if line.amount_satang < 0 else Decimal(0),
            credit=Decimal(line.amount_satang) / 100 if line.amount_satang > 0 else Decimal(0),
            member_id=line.member_id,
            memo=line.memo,
        )
        for line in entry.lines.select_related("account")
    ]
    with translation.override(settings.LANGUAGE_CODE):  # the books are kept in Thai
        description = str(_("Reversal of entry %(seq)s: %(reason)s")) % {
            "seq": entry.seq,
            "reason": reason.strip(),
        }
    return entry_post(
        fund=entry.fund,
        draft=EntryDraft(
            date=date,
            description=description,
            lines=lines,
            source_type=SourceType.REVERSAL,
            source_ref=entry.source_ref,
            agency_id=entry.agency_id,
            reverses_id=entry.pk,
        ),
        actor=actor,
        today=today,
    )


@transaction.atomic
def chart_install_default(*, fund: Fund) -> list[Account]:
    """Give a fund the default chart of accounts (accounts it already has are kept)."""
    have = set(Account.objects.filter(fund=fund).values_list("code", flat=True))
    return Account.objects.bulk_create(
        Account(fund=fund, code=code, name_th=th, name_en=en, type=kind, role=role)
        for code, th, en, kind, role in DEFAULT_CHART
        if code not in have
    )


def account_for(fund: Fund, role: str) -> Account:
    """The fund's account used for a purpose (e.g. 'cash', 'contributions', 'benefit:death')."""
    try:
        return Account.objects.get(fund=fund, role=role)
    except Account.DoesNotExist:
        raise ValidationError(
            {
                "account": _(
                    "This fund has no account for “%(role)s”; add it to the chart of accounts."
                )
                % {"role": role}
            }
        ) from None


@retry_transient
@transaction.atomic
def month_close(
    *, fund: Fund, month: dt.date, actor: AbstractBaseUser | None, today: dt.date | None = None
) -> MonthClose:
    """Close a month: nothing more may be dated in it. Months close in order, and only after
    they have ended. The close stores the month's published report (JSON) and its SHA-256.

    The fund's lock (taken first, as by every poster) means no entry is sealed between reading
    the head here and writing the close, so entries sealed later cite this close."""
    fund_lock(fund.pk)
    today = today or timezone.localdate()
    month = month.replace(day=1)
    next_month = (month + dt.timedelta(days=32)).replace(day=1)
    if next_month > today:
        raise ValidationError({"month": _("A month can be closed only after it has ended.")})
    if MonthClose.objects.filter(fund=fund, month=month).exists():
        raise ValidationError({"month": _("This month is already closed.")})
    earlier_open = (
        month > fund.founded_on.replace(day=1)
        and not MonthClose.objects.filter(
            fund=fund, month=(month - dt.timedelta(days=1)).replace(day=1)
        ).exists()
    )
    if earlier_open:
        raise ValidationError({"month": _("Close the previous month first.")})
    leaves = month_leaves(fund, month, next_month)
    head = EntrySeal.objects.filter(fund=fund).order_by("-seq").values_list("seq", "hash").first()
    # The month's published report, frozen with the close: the public page renders this JSON
    # and nothing later dated into the month can change it (decision 0012).
    from kongtun.reports.published import month_snapshot_frozen

    with translation.override(settings.LANGUAGE_CODE):
        report_json, report_sha256 = month_snapshot_frozen(fund=fund, month=month)
    return MonthClose.objects.create(
        fund=fund,
        month=month,
        closed_by=actor if actor and actor.is_authenticated else None,
        entry_count=len(leaves),
        merkle_root=merkle_root(leaves),
        head_seq=head[0] if head else None,
        chain_head=head[1] if head else None,
        report_json=report_json,
        report_sha256=report_sha256,
    )

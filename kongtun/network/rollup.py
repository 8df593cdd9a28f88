"""Roll-ups: one fund's closed months as figures (decision 0025).

``fund_months_compute`` reads a fund's books and register in a handful of grouped queries
for any range of months (one month at a close, every closed month in a rebuild), with the
same definitions as the monthly report: money in and out from ``ledger.reports.cash_movements``
classified by ``reports.selectors`` (source of income, life stage of a benefit), reserves as
cash and bank at the month's end, members' status from their dated history."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Exists, OuterRef, Sum
from django.db.models.functions import TruncMonth

from kongtun.funds.models import Fund
from kongtun.ledger.models import Account, AccountType, JournalLine, MonthClose
from kongtun.ledger.reports import cash_movements, money_account_ids, money_flow
from kongtun.members.models import Member, MemberStatus, MemberStatusChange
from kongtun.reports.selectors import (
    AGE_BANDS,
    band_label,
    band_of,
    source_of_role,
    stage_of_role,
)

MATCHING_ROLES = ("matching_local", "matching_central")
CENT = Decimal("0.01")


def month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def month_of(index: int) -> dt.date:
    return dt.date(index // 12, index % 12 + 1, 1)


def month_end(month: dt.date) -> dt.date:
    return month_of(month_index(month) + 1) - dt.timedelta(days=1)


def baht(satang: int) -> Decimal:
    return (Decimal(satang) / 100).quantize(CENT)


def _age(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _members_by_month(fund: Fund, months: list[dt.date]) -> dict[dt.date, dict]:
    """Members at each month's end (status from the dated history, as ``statuses_on``),
    joins and leaves in the month: one query for the register, one for the history."""
    members = list(
        Member.objects.filter(fund=fund).values_list(
            "pk", "sex", "birth_date", "occupation__code", "join_date"
        )
    )
    history: dict[int, list[tuple[dt.date, str]]] = defaultdict(list)
    for member_id, status, day in (
        MemberStatusChange.objects.filter(member__fund=fund)
        .order_by("effective_date", "id")
        .values_list("member_id", "status", "effective_date")
    ):
        history[member_id].append((day, status))
    out = {}
    for month in months:
        end = month_end(month)
        active = suspended = joined = resigned = deceased = 0
        by_sex: dict[str, int] = defaultdict(int)
        by_age: dict[str, int] = {band_label(b): 0 for b in AGE_BANDS}
        by_occupation: dict[str, int] = defaultdict(int)
        for pk, sex, birth, occupation, join in members:
            if join > end:
                continue
            if join >= month:
                joined += 1
            status = MemberStatus.ACTIVE
            for day, new in history.get(pk, ()):
                if day > end:
                    break
                status = new
                if day >= month and new == MemberStatus.RESIGNED:
                    resigned += 1
                elif day >= month and new == MemberStatus.DECEASED:
                    deceased += 1
            if status == MemberStatus.ACTIVE:
                active += 1
                by_sex[sex] += 1
                by_age[band_label(band_of(_age(birth, end)))] += 1
                by_occupation[occupation or "other"] += 1
            elif status == MemberStatus.SUSPENDED:
                suspended += 1
        out[month] = {
            "members_active": active,
            "members_suspended": suspended,
            "joined": joined,
            "resigned": resigned,
            "deceased": deceased,
            "by_sex": dict(by_sex),
            "by_age": by_age,
            "by_occupation": dict(by_occupation),
        }
    return out


def _matching_by_agency(
    fund: Fund, start: dt.date, end: dt.date, money: set[int]
) -> dict[dt.date, dict[str, int]]:
    """Matching money received, by the kind of agency the entry names (satang)."""
    moved_money = JournalLine.objects.filter(entry_id=OuterRef("entry_id"), account_id__in=money)
    out: dict[dt.date, dict[str, int]] = defaultdict(dict)
    for month, kind, satang in (
        JournalLine.objects.filter(
            fund=fund,
            date__gte=start,
            date__lte=end,
            account__type=AccountType.INCOME,
            account__role__in=MATCHING_ROLES,
        )
        .filter(Exists(moved_money))
        .annotate(month=TruncMonth("date"))
        .values_list("month", "entry__agency__kind")
        .annotate(s=Sum("amount_satang"))
        .order_by()
    ):
        key = kind or "unnamed"
        month = month.replace(day=1)
        out[month][key] = out[month].get(key, 0) - satang
    return out


def _balances(fund: Fund, months: list[dt.date], money: set[int]) -> dict[dt.date, int]:
    """Cash and bank at each month's end (satang)."""
    first = months[0]
    opening = (
        JournalLine.objects.filter(fund=fund, account_id__in=money, date__lt=first).aggregate(
            s=Sum("amount_satang")
        )["s"]
        or 0
    )
    moves = {
        m.replace(day=1): s
        for m, s in JournalLine.objects.filter(
            fund=fund, account_id__in=money, date__gte=first, date__lte=month_end(months[-1])
        )
        .annotate(month=TruncMonth("date"))
        .values_list("month")
        .annotate(s=Sum("amount_satang"))
        .order_by()
    }
    out = {}
    running = opening
    for index in range(month_index(first), month_index(months[-1]) + 1):
        month = month_of(index)
        running += moves.get(month, 0)
        out[month] = running
    return out


def _benefits_before(fund: Fund, first: dt.date, types: dict[int, tuple[str, str]]) -> list[int]:
    """Benefits paid in the eleven months before ``first`` (for months of cover), oldest first."""
    start = month_of(month_index(first) - 11)
    sums = cash_movements(fund, start, first - dt.timedelta(days=1))
    out = []
    for index in range(month_index(start), month_index(first)):
        month_sums = sums.get(month_of(index), {})
        out.append(
            sum(
                money_flow(types[a][0], s)[1]
                for a, s in month_sums.items()
                if types[a][0] == AccountType.EXPENSE and types[a][1].startswith("benefit:")
            )
        )
    return out


def fund_months_compute(
    *, fund: Fund, months: list[dt.date], benefits_before: list[int] | None = None
) -> list[dict]:
    """The roll-up figures of ``months`` (first days, ascending), as field → value.
    ``benefits_before``: the benefits (satang) of the eleven months before the first, oldest
    first, when the caller has them (the rows already rolled up); else read from the lines."""
    if not months:
        return []
    months = sorted(m.replace(day=1) for m in months)
    first, last = months[0], months[-1]
    money = money_account_ids(fund)
    types = {
        pk: (t, role)
        for pk, t, role in Account.objects.filter(fund=fund).values_list("pk", "type", "role")
    }
    sums = cash_movements(fund, first, month_end(last))
    matching = _matching_by_agency(fund, first, month_end(last), money)
    balances = _balances(fund, months, money)
    people = _members_by_month(fund, months)
    window = (
        list(benefits_before)
        if benefits_before is not None
        else _benefits_before(fund, first, types)
    )
    rows = []
    wanted = set(months)
    for index in range(month_index(first), month_index(last) + 1):
        month = month_of(index)
        money_in = contributions = matching_total = benefits = other_out = 0
        stages: dict[str, int] = defaultdict(int)
        for account_id, satang in sums.get(month, {}).items():
            kind, role = types[account_id]
            side, flow = money_flow(kind, satang)
            if kind == AccountType.INCOME:
                money_in += flow
                source = source_of_role(role)
                if source == "members":
                    contributions += flow
                elif source in ("local", "central"):
                    matching_total += flow
            elif kind == AccountType.EXPENSE and role.startswith("benefit:"):
                benefits += flow
                stages[stage_of_role(role)] += flow
            elif side == "in":
                money_in += flow
            else:
                other_out += flow
        window = [*window[-11:], benefits]
        if month not in wanted:
            continue
        paid = sum(window)
        reserves = balances[month]
        rows.append(
            {
                "month": month,
                **people[month],
                "money_in": baht(money_in),
                "contributions": baht(contributions),
                "matching": baht(matching_total),
                "matching_by_agency": {
                    k: str(baht(v)) for k, v in sorted(matching.get(month, {}).items()) if v
                },
                "benefits": baht(benefits),
                "benefits_by_stage": {k: str(baht(v)) for k, v in sorted(stages.items()) if v},
                "other_out": baht(other_out),
                "reserves": baht(reserves),
                "months_covered": (
                    (Decimal(reserves) * len(window) / paid).quantize(Decimal("0.1"))
                    if paid > 0
                    else None
                ),
            }
        )
    return rows


def closed_months(fund: Fund) -> list[dt.date]:
    return list(
        MonthClose.objects.filter(fund=fund).order_by("month").values_list("month", flat=True)
    )

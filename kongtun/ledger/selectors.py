"""Reports come from the journal lines only: balances, trial balance, cash book, income and
expenditure. Sums are exact (integer satang) and done by the database in one indexed scan."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from kongtun.funds.models import Fund
from kongtun.ledger.models import Account, AccountType, JournalLine, satang_to_baht
from kongtun.ledger.reports import RunningLines


@dataclass(frozen=True)
class BalanceRow:
    account: Account
    satang: int  # debit positive

    @property
    def debit(self) -> Decimal:
        return satang_to_baht(self.satang) if self.satang > 0 else Decimal("0.00")

    @property
    def credit(self) -> Decimal:
        return satang_to_baht(-self.satang) if self.satang < 0 else Decimal("0.00")

    @property
    def natural(self) -> Decimal:
        """The balance as the account's own side reads it (income as a positive number)."""
        return satang_to_baht(self.satang if self.account.debit_normal else -self.satang)


def account_sums(
    *, fund: Fund, start: dt.date | None = None, end: dt.date | None = None
) -> dict[int, int]:
    """Satang per account id over [start, end] (inclusive; open ends mean from the start of
    the books / to the end)."""
    qs = JournalLine.objects.filter(fund=fund)
    if start is not None:
        qs = qs.filter(date__gte=start)
    if end is not None:
        qs = qs.filter(date__lte=end)
    return {
        row["account_id"]: int(row["total"])
        for row in qs.values("account_id").annotate(total=Sum("amount_satang")).order_by()
    }


def trial_balance(*, fund: Fund, as_of: dt.date | None = None) -> dict:
    sums = account_sums(fund=fund, end=as_of)
    accounts = {a.pk: a for a in Account.objects.filter(fund=fund)}
    rows = [BalanceRow(accounts[pk], s) for pk, s in sums.items() if s != 0]
    rows.sort(key=lambda r: r.account.code)
    total_debit = sum((r.debit for r in rows), Decimal("0.00"))
    total_credit = sum((r.credit for r in rows), Decimal("0.00"))
    return {
        "rows": rows,
        "total_debit": total_debit,
        "total_credit": total_credit,
        "balanced": total_debit == total_credit,
    }


def income_expenditure(*, fund: Fund, start: dt.date, end: dt.date) -> dict:
    sums = account_sums(fund=fund, start=start, end=end)
    accounts = Account.objects.filter(
        fund=fund, type__in=[AccountType.INCOME, AccountType.EXPENSE]
    ).order_by("code")
    income = [BalanceRow(a, sums.get(a.pk, 0)) for a in accounts if a.type == AccountType.INCOME]
    expense = [BalanceRow(a, sums.get(a.pk, 0)) for a in accounts if a.type == AccountType.EXPENSE]
    total_income = sum((r.natural for r in income), Decimal("0.00"))
    total_expense = sum((r.natural for r in expense), Decimal("0.00"))
    return {
        "income": [r for r in income if r.satang],
        "expense": [r for r in expense if r.satang],
        "total_income": total_income,
        "total_expense": total_expense,
        "surplus": total_income - total_expense,
    }


def balance_sheet(*, fund: Fund, as_of: dt.date) -> dict:
    sums = account_sums(fund=fund, end=as_of)
    rows = {t: [] for t in AccountType.values}
    for account in Account.objects.filter(fund=fund).order_by("code"):
        if sums.get(account.pk):
            rows[account.type].append(BalanceRow(account, sums[account.pk]))
    result = sum((r.natural for r in rows[AccountType.INCOME]), Decimal("0.00")) - sum(
        (r.natural for r in rows[AccountType.EXPENSE]), Decimal("0.00")
    )
    total = lambda t: sum((r.natural for r in rows[t]), Decimal("0.00"))  # noqa: E731
    return {
        "assets": rows[AccountType.ASSET],
        "liabilities": rows[AccountType.LIABILITY],
        "equity": rows[AccountType.EQUITY],
        "accumulated_surplus": result,
        "total_assets": total(AccountType.ASSET),
        "total_liabilities_and_equity": total(AccountType.LIABILITY)
        + total(AccountType.EQUITY)
        + result,
    }


def cash_book(
    *,
    fund: Fund,
    start: dt.date,
    end: dt.date,
    roles: tuple[str, ...] = ("cash", "bank"),
    hide_persons: bool = False,
) -> dict:
    """The treasurer's day book: every movement of cash and bank in the period, with the
    opening balance and a running balance; masked (``ledger.masking``) with ``hide_persons``."""
    accounts = list(Account.objects.filter(fund=fund, role__in=roles))
    ids = [a.pk for a in accounts]
    opening = (
        JournalLine.objects.filter(fund=fund, account_id__in=ids, date__lt=start).aggregate(
            s=Sum("amount_satang")
        )["s"]
        or 0
    )
    lines = JournalLine.objects.filter(
        fund=fund, account_id__in=ids, date__gte=start, date__lte=end
    ).select_related("entry", "entry__agency", "account")

    def row(line: JournalLine, running: int) -> dict:
        return {
            "date": line.date,
            "seq": line.entry.seq,
            "entry_id": line.entry_id,
            "description": line.entry.description,
            "document": line.entry.source_ref,
            "account": line.account,
            "money_in": satang_to_baht(line.amount_satang) if line.amount_satang > 0 else None,
            "money_out": satang_to_baht(-line.amount_satang) if line.amount_satang < 0 else None,
            "balance": satang_to_baht(running),
        }

    # read a page at a time: a busy month's cash book is thousands of lines (issue 17)
    rows = RunningLines(lines, opening, row, hide_persons=hide_persons)
    money_in, money_out = rows.totals()
    return {
        "opening": satang_to_baht(opening),
        "rows": rows,
        "total_in": satang_to_baht(money_in),
        "total_out": satang_to_baht(money_out),
        "closing": satang_to_baht(opening + money_in - money_out),
    }


@dataclass(frozen=True)
class MoneySummary:
    """What the committee asks first: how much money is there, and how did this fiscal year
    go so far."""

    cash: Decimal
    bank: Decimal
    year_start: dt.date
    year_be: int
    income: Decimal
    benefits: Decimal
    other_expenses: Decimal
    last_closed: dt.date | None

    @property
    def money(self) -> Decimal:
        return self.cash + self.bank

    @property
    def surplus(self) -> Decimal:
        return self.income - self.benefits - self.other_expenses


def money_summary(*, fund: Fund, today: dt.date) -> MoneySummary:
    """Cash and bank now, and this fiscal year's income and expenses (benefits apart), from
    the journal lines in two aggregate queries."""
    from kongtun.ledger.models import MonthClose
    from kongtun.ledger.reports import fiscal_year_be, fiscal_year_bounds

    start, _end = fiscal_year_bounds(fund, today)
    accounts = {a.pk: a for a in Account.objects.filter(fund=fund)}
    balances = account_sums(fund=fund, end=today)
    year = account_sums(fund=fund, start=start, end=today)

    def balance(role: str) -> Decimal:
        return satang_to_baht(sum(s for pk, s in balances.items() if accounts[pk].role == role))

    income = benefits = other = 0
    for pk, satang in year.items():
        account = accounts[pk]
        if account.type == AccountType.INCOME:
            income -= satang
        elif account.type == AccountType.EXPENSE:
            if account.role.startswith("benefit:"):
                benefits += satang
            else:
                other += satang
    last = MonthClose.objects.filter(fund=fund).order_by("-month").values_list("month", flat=True)
    return MoneySummary(
        cash=balance("cash"),
        bank=balance("bank"),
        year_start=start,
        year_be=fiscal_year_be(fund, today),
        income=satang_to_baht(income),
        benefits=satang_to_baht(benefits),
        other_expenses=satang_to_baht(other),
        last_closed=last.first(),
    )

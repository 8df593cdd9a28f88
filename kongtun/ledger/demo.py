"""Demo step: the treasurer's cash box, as in a real fund. Cash taken at meetings is banked
at the end of each month down to a small float, and cash is drawn from the bank on the day a
payment would otherwise need more than the box holds — so the demo's cash on hand never goes
below zero. Runs after every step that posts money and before the months are closed.

The books refuse any payment that would take cash or the bank below zero on any day
(``ledger.services.entries_post``), and the demo's steps post years of money one step at a
time: each step that pays hands its batch to ``with_cover``, which adds the withdrawals (or
deposits) a treasurer would have made on the day."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db.models import Sum

from kongtun.funds.models import Fund
from kongtun.ledger.models import JournalLine
from kongtun.ledger.reports import month_after
from kongtun.ledger.services import EntryDraft, LineDraft, account_for, entries_post

FLOAT = 10_000_00  # satang kept in the cash box after banking
KEEP_AT_MOST = 20_000_00  # more than this at a month's end is banked


def _draft(day: dt.date, text: str, debit: object, credit: object, satang: int) -> EntryDraft:
    amount = Decimal(satang) / 100
    return EntryDraft(
        date=day,
        description=text,
        lines=[LineDraft(account=debit, debit=amount), LineDraft(account=credit, credit=amount)],
    )


def with_cover(fund: Fund, drafts: list[EntryDraft]) -> list[EntryDraft]:
    """``drafts`` followed by the transfers between cash and bank that keep both at or above
    zero at the end of every day, given what the books already hold: cash drawn from the
    bank the day it runs short (with a float), or the bank topped up from cash; a young fund
    that owes more than it holds on a day gets a donation (a small demo fund can)."""
    cash, bank = account_for(fund, "cash"), account_for(fund, "bank")
    moves: dict[dt.date, list[int]] = {}
    for account_id, day, satang in (
        JournalLine.objects.filter(fund=fund, account__in=(cash, bank))
        .values_list("account_id", "date")
        .annotate(s=Sum("amount_satang"))
        .order_by()
    ):
        moves.setdefault(day, [0, 0])[0 if account_id == cash.pk else 1] += satang
    for d in drafts:
        for line in d.lines:
            if line.account.pk in (cash.pk, bank.pk):
                satang = int((line.debit or 0) * 100) - int((line.credit or 0) * 100)
                moves.setdefault(d.date, [0, 0])[0 if line.account.pk == cash.pk else 1] += satang
    covers: list[EntryDraft] = []
    in_cash = in_bank = 0
    donations = None
    for day in sorted(moves):
        in_cash += moves[day][0]
        in_bank += moves[day][1]
        if in_cash + in_bank < 0:  # a young fund paying more than it holds: a gift covers it
            donations = donations or account_for(fund, "donations")
            gift = -(in_cash + in_bank) + FLOAT
            text = "เงินบริจาคช่วยกองทุนจ่ายสวัสดิการ (เงินกองทุนไม่พอ)"
            covers.append(_draft(day, text, cash, donations, gift))
            in_cash += gift
        if in_cash < 0:
            need = -in_cash + (FLOAT if in_bank + in_cash >= FLOAT else 0)
            covers.append(_draft(day, "ถอนเงินจากธนาคารเป็นเงินสดย่อย", cash, bank, need))
            in_cash, in_bank = in_cash + need, in_bank - need
        elif in_bank < 0:
            need = -in_bank
            covers.append(_draft(day, "นำเงินสดฝากธนาคาร", bank, cash, need))
            in_cash, in_bank = in_cash - need, in_bank + need
    return list(drafts) + covers


def step(fund: Fund, *, rng: random.Random, today: dt.date) -> None:
    cash, bank = account_for(fund, "cash"), account_for(fund, "bank")
    by_day = dict(
        JournalLine.objects.filter(fund=fund, account=cash)
        .values_list("date")
        .annotate(s=Sum("amount_satang"))
        .order_by("date")
    )
    drafts: list[EntryDraft] = []
    balance = 0
    days = sorted(by_day)
    month_ends = set()
    if days:
        month = days[0].replace(day=1)
        while month_after(month) <= today:
            month_ends.add(month_after(month) - dt.timedelta(days=1))
            month = month_after(month)
    for day in sorted(set(days) | month_ends):
        moved = by_day.get(day, 0)
        if balance + moved < 0:  # draw from the bank that morning
            need = FLOAT - (balance + moved)
            drafts.append(_draft(day, "ถอนเงินจากธนาคารเป็นเงินสดย่อย", cash, bank, need))
            balance += need
        balance += moved
        if day in month_ends and balance > KEEP_AT_MOST:
            surplus = balance - FLOAT
            drafts.append(_draft(day, "นำเงินสดฝากธนาคาร", bank, cash, surplus))
            balance -= surplus
    if drafts:
        entries_post(fund=fund, drafts=drafts, actor=None, today=today)

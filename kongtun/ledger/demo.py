"""Demo step: the treasurer's cash box, as in a real fund. Cash taken at meetings is banked
at the end of each month down to a small float, and cash is drawn from the bank on the day a
payment would otherwise need more than the box holds — so the demo's cash on hand never goes
below zero. Runs after every step that posts money and before the months are closed."""

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

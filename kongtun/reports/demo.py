"""Demo step (the last one): close every month of the demo funds' books from the founding
month through the last full month before today, in order, through the ledger's
``month_close`` — so the public page shows the published roots and the receipts' codes are
proved under them. Runs after every step that posts entries: nothing may be dated into a
closed month afterwards."""

from __future__ import annotations

import datetime as dt
import random

from kongtun.funds.models import Fund
from kongtun.ledger.models import MonthClose
from kongtun.ledger.services import month_close


def months_to_close(fund: Fund, today: dt.date) -> list[dt.date]:
    closed = set(MonthClose.objects.filter(fund=fund).values_list("month", flat=True))
    months = []
    month = fund.founded_on.replace(day=1)
    current = today.replace(day=1)
    while month < current:
        if month not in closed:
            months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


def step(fund: Fund, *, rng: random.Random, today: dt.date) -> None:
    for month in months_to_close(fund, today):
        month_close(fund=fund, month=month, actor=None, today=today)

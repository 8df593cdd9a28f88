"""Arrears (ค้างส่งเงินสัจจะ): the one count of unpaid contributions (decision 0021).

The claim check (``decide``'s ``arrears`` step), the contributions pages (a member's panel, the
arrears list, the statement) and the suspension rule all call :func:`arrears_on`, so the same
member on the same day has the same count everywhere. Pure: no database, no clock.

The rule, in the contribution book's own calendar months: a month is due once it has begun,
counted from the anchor's month (the join date, or the first payment when the regulation says
so); the anchor's month is begun on the anchor day itself. The plan (``plan_months``) says how
a member pays, not what is owed: a yearly payer on the first day of an unpaid year owes one
month, not twelve, because funds mean "ค้างส่งเกิน N เดือน" as months that have passed unpaid
(decision 0021). Paid = months covered by payments made on or before the day (a payment ahead
covers later months, so it lowers arrears; it never counts as membership time). Nothing more
falls due after the member died or resigned.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from .facts import MemberHistory

__all__ = ["ArrearsCount", "arrears_crossed_on", "arrears_ended_on", "arrears_on"]

CountedFrom = Literal["join", "first_payment"]


def _month(d: date) -> int:
    return d.year * 12 + d.month - 1


@dataclass(frozen=True, slots=True)
class ArrearsCount:
    """Months due (begun) and paid on ``on``; periods are the plan's, for the amount owed."""

    on: date
    plan_months: int
    due: int
    paid: int

    @property
    def unpaid(self) -> int:
        """Months due and not covered."""
        return max(0, self.due - self.paid)

    @property
    def periods_due(self) -> int:
        """Plan periods begun (a period with any begun month counts)."""
        return -(-self.due // self.plan_months)

    @property
    def periods_paid(self) -> int:
        """Begun periods not owed, so that due = paid + unpaid on every page."""
        return self.periods_due - self.periods_unpaid

    @property
    def periods_unpaid(self) -> int:
        return -(-self.unpaid // self.plan_months)

    def over(self, max_months: int | None) -> bool:
        """More months unpaid than the regulation allows (``None``: no arrears clause)."""
        return max_months is not None and self.unpaid > max_months


def arrears_ended_on(history: MemberHistory) -> date | None:
    """The day from which nothing more falls due: death, or the resignation in force."""
    end = history.death_date
    last = None
    for ch in history.status_changes:
        if last is None or ch.on >= last.on:
            last = ch
    if last is not None and last.status in ("deceased", "resigned"):
        end = last.on if end is None else min(end, last.on)
    return end


def _anchor(history: MemberHistory, counted_from: CountedFrom, on: date) -> date | None:
    if counted_from == "first_payment":
        first = None
        for p in history.payments:
            if p.paid_on <= on and (first is None or p.paid_on < first):
                first = p.paid_on
        return first
    return history.join_date


def _due(anchor: date | None, day: date) -> int:
    """Calendar months begun from the anchor's month through ``day``'s."""
    if anchor is None or day < anchor:
        return 0
    return _month(day) - _month(anchor) + 1


def _paid(history: MemberHistory, day: date) -> int:
    return sum(p.months_covered for p in history.payments if p.paid_on <= day)


def arrears_on(
    history: MemberHistory, on: date, *, counted_from: CountedFrom = "join"
) -> ArrearsCount:
    """The arrears of a member on ``on`` (see the module's rule)."""
    plan = max(1, history.plan_months)
    end = arrears_ended_on(history)
    until = on if end is None else min(on, end)
    return ArrearsCount(
        on=on,
        plan_months=plan,
        due=_due(_anchor(history, counted_from, on), until),
        paid=_paid(history, on),
    )


def arrears_crossed_on(
    history: MemberHistory,
    on: date,
    *,
    max_months: int,
    counted_from: CountedFrom = "join",
) -> date | None:
    """The day the member last went over ``max_months`` unpaid months and stayed over through
    ``on`` (None when not over on ``on``). Months fall due only on the anchor day and on the
    first of each later month, and payments only lower the count, so the answer is one of those
    days: the latest one before which the member was within the limit."""
    if not arrears_on(history, on, counted_from=counted_from).over(max_months):
        return None
    anchor = _anchor(history, counted_from, on)
    assert anchor is not None  # over the limit means something fell due
    end = arrears_ended_on(history)
    last = on if end is None else min(on, end)
    starts = [anchor]
    k = 1
    while True:
        m = _month(anchor) + k
        start = date(m // 12, m % 12 + 1, 1)
        if start > last:
            break
        starts.append(start)
        k += 1
    for start in reversed(starts):
        if start == anchor:
            return anchor
        before = start - timedelta(days=1)
        if not arrears_on(history, before, counted_from=counted_from).over(max_months):
            return start
    return anchor  # pragma: no cover - the loop always returns

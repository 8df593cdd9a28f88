"""Calendar arithmetic for periods in years, months and days.

One rule everywhere (waiting periods, tier boundaries, ages, membership years): adding months
keeps the day of the month and, when the target month is shorter, falls back to its last day.
So the first anniversary of 29 Feb 2024 is 28 Feb 2025, and one month after 31 Jan is 28/29 Feb.
This is the Thai Civil and Commercial Code's rule for periods in months or years whose last
month has no matching day (section 193/5: the period ends on that month's last day), and it
never pushes an anniversary into the following month.

"Elapsed" counts do not count the start day (section 193/3): joined on 1 Jan, on 2 Jan the
member has been a member for 1 day; a period of N days is complete on start + N days.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

__all__ = [
    "add_months",
    "add_period",
    "age_on",
    "completed_months",
    "elapsed",
    "year_window",
]


_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def add_months(d: date, months: int) -> date:
    """``d`` moved by whole months, clamped to the end of a shorter month."""
    y, m0 = divmod(d.year * 12 + d.month - 1 + months, 12)
    day = d.day
    if day > 28:  # only then can the target month be too short
        last = 29 if m0 == 1 and calendar.isleap(y) else _DAYS_IN_MONTH[m0]
        day = min(day, last)
    return date(y, m0 + 1, day)


def add_period(d: date, years: int = 0, months: int = 0, days: int = 0) -> date:
    """``d`` + years and months (clamped as in :func:`add_months`) + days, in that order."""
    if years or months:
        d = add_months(d, years * 12 + months)
    if days:
        d = d + timedelta(days=days)
    return d


def completed_months(start: date, end: date) -> int:
    """Largest k with ``add_months(start, k) <= end`` (negative when end is before start)."""
    k = (end.year - start.year) * 12 + end.month - start.month
    if add_months(start, k) > end:
        k -= 1
    return k


def elapsed(start: date, end: date) -> tuple[int, int, int]:
    """Completed (years, months, days) from ``start`` to ``end`` (end >= start)."""
    k = completed_months(start, end)
    days = (end - add_months(start, k)).days
    return k // 12, k % 12, days


def age_on(birth: date, d: date) -> int:
    """Age in completed years (อายุครบ) on ``d``; born 29 Feb turns a year older on 28 Feb."""
    return completed_months(birth, d) // 12


def year_window(
    kind: str, d: date, *, join_date: date, start_month: int = 1, start_day: int = 1
) -> tuple[date, date]:
    """The cap year that contains ``d``, as (first day, last day), both inclusive.

    ``kind`` is ``calendar`` (1 Jan), ``fiscal`` (a fixed start day, e.g. 1 Oct for the Thai
    government year) or ``membership`` (from each anniversary of the join date).
    """
    if kind == "calendar":
        return date(d.year, 1, 1), date(d.year, 12, 31)
    if kind == "fiscal":
        start = date(d.year, start_month, start_day)
        if start > d:
            start = date(d.year - 1, start_month, start_day)
        end = date(start.year + 1, start_month, start_day) - timedelta(days=1)
        return start, end
    if kind == "membership":
        k = completed_months(join_date, d) // 12
        return add_months(join_date, 12 * k), add_months(join_date, 12 * (k + 1)) - timedelta(
            days=1
        )
    raise ValueError(f"unknown year kind {kind!r}")

"""Date arithmetic: the one rule for months, years, anniversaries and cap years."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from kongtun.regulations.engine import (
    add_months,
    add_period,
    age_on,
    completed_months,
    elapsed,
    year_window,
)

dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31))


def test_month_end_clamps() -> None:
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2023, 1, 31), 1) == date(2023, 2, 28)
    assert add_months(date(2024, 3, 31), -1) == date(2024, 2, 29)
    assert add_months(date(2024, 12, 15), 1) == date(2025, 1, 15)


def test_anniversary_of_29_february_is_28_february() -> None:
    """Chosen rule (Thai CCC s.193/5): a period ending in a month without the matching day ends
    on that month's last day. So joined 29 Feb 2024: 1 year complete on 28 Feb 2025."""
    join = date(2024, 2, 29)
    assert add_period(join, years=1) == date(2025, 2, 28)
    assert completed_months(join, date(2025, 2, 27)) == 11
    assert completed_months(join, date(2025, 2, 28)) == 12
    assert add_period(join, years=4) == date(2028, 2, 29)
    assert elapsed(join, date(2025, 3, 1)) == (1, 0, 1)
    assert age_on(join, date(2085, 2, 28)) == 61


def test_age_in_completed_years() -> None:
    assert age_on(date(1964, 1, 16), date(2024, 1, 15)) == 59
    assert age_on(date(1964, 1, 16), date(2024, 1, 16)) == 60


def test_cap_years() -> None:
    join = date(2024, 2, 29)
    assert year_window("calendar", date(2024, 7, 1), join_date=join) == (
        date(2024, 1, 1),
        date(2024, 12, 31),
    )
    assert year_window("fiscal", date(2024, 9, 30), join_date=join, start_month=10) == (
        date(2023, 10, 1),
        date(2024, 9, 30),
    )
    assert year_window("fiscal", date(2024, 10, 1), join_date=join, start_month=10)[0] == date(
        2024, 10, 1
    )
    assert year_window("membership", date(2025, 2, 27), join_date=join) == (
        date(2024, 2, 29),
        date(2025, 2, 27),
    )
    assert year_window("membership", date(2025, 2, 28), join_date=join) == (
        date(2025, 2, 28),
        date(2026, 2, 27),
    )


@given(dates, dates)
def test_completed_months_brackets_the_end(start: date, end: date) -> None:
    k = completed_months(start, end)
    assert add_months(start, k) <= end < add_months(start, k + 1)


@given(dates, st.integers(0, 1200), st.integers(0, 1200))
def test_add_months_is_monotone(d: date, a: int, b: int) -> None:
    lo, hi = sorted((a, b))
    assert add_months(d, lo) <= add_months(d, hi)


@given(dates, st.sampled_from(["calendar", "fiscal", "membership"]), dates)
def test_cap_years_contain_the_day_and_tile(d: date, kind: str, join: date) -> None:
    start, end = year_window(kind, d, join_date=join, start_month=4, start_day=13)
    assert start <= d <= end
    assert 365 <= (end - start).days + 1 <= 366
    nxt = year_window(kind, end + timedelta(days=1), join_date=join, start_month=4, start_day=13)
    assert nxt[0] == end + timedelta(days=1)

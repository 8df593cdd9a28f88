"""The one arrears count (engine/arrears.py): hand-worked cases and properties of the day the
limit was crossed."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from kongtun.regulations.engine import MemberHistory, Payment, StatusChange
from kongtun.regulations.engine.arrears import arrears_crossed_on, arrears_on

JOIN = date(2020, 1, 15)


def history(payments=(), plan=1, changes=()) -> MemberHistory:
    return MemberHistory(
        birth_date=date(1970, 1, 1),
        sex="F",
        join_date=JOIN,
        plan_months=plan,
        payments=tuple(Payment(d, m, Decimal(30 * m)) for d, m in payments),
        status_changes=tuple(StatusChange(d, s) for d, s in changes),
    )


def test_calendar_months_from_the_join_month():
    h = history([(JOIN, 1)])
    assert arrears_on(h, JOIN).unpaid == 0  # January is due on the join day, paid
    assert arrears_on(h, date(2020, 1, 31)).unpaid == 0
    assert arrears_on(h, date(2020, 2, 1)).unpaid == 1  # February, as the receipts count
    assert arrears_on(h, JOIN - timedelta(days=1)).due == 0


def test_quarterly_payers_owe_the_months_begun_and_nothing_after_resigning():
    h = history([(JOIN, 3)], plan=3, changes=[(date(2020, 6, 10), "resigned")])
    assert arrears_on(h, date(2020, 3, 31)).unpaid == 0
    a = arrears_on(h, date(2020, 4, 1))  # April begun: one month, not the whole quarter
    assert (a.due, a.paid, a.unpaid, a.periods_due, a.periods_paid, a.periods_unpaid) == (
        4,
        3,
        1,
        2,
        1,
        1,
    )
    assert arrears_on(h, date(2020, 6, 1)).unpaid == 3
    assert arrears_on(h, date(2024, 1, 1)).due == 6  # resigned in June: nothing more falls due


def test_a_yearly_payer_on_the_first_day_of_an_unpaid_year_owes_one_month():
    h = history([(JOIN, 12)], plan=12)  # January-December 2020 paid
    first = arrears_on(h, date(2021, 1, 1))
    assert (first.unpaid, first.periods_unpaid) == (1, 1)
    assert not first.over(6)  # THANEUN: "more than 6 months" is not reached on day one
    assert not arrears_on(h, date(2021, 6, 30)).over(6)  # six months begun: not more than 6
    assert arrears_on(h, date(2021, 7, 1)).unpaid == 7 and arrears_on(h, date(2021, 7, 1)).over(6)
    assert arrears_crossed_on(h, date(2021, 12, 31), max_months=6) == date(2021, 7, 1)


def test_the_limit_is_crossed_on_the_first_day_of_the_month_that_makes_it_more():
    h = history([(JOIN, 1)])  # January paid; Feb, Mar, Apr unpaid = 3; May makes 4
    assert arrears_crossed_on(h, date(2020, 4, 30), max_months=3) is None
    assert arrears_crossed_on(h, date(2020, 5, 1), max_months=3) == date(2020, 5, 1)
    assert arrears_crossed_on(h, date(2021, 9, 9), max_months=3) == date(2020, 5, 1)


def test_a_payment_ends_the_run_and_a_later_one_starts_again():
    h = history([(JOIN, 1), (date(2020, 6, 3), 5)])  # caught up in June (Feb..Jun)
    assert arrears_crossed_on(h, date(2020, 6, 2), max_months=3) == date(2020, 5, 1)
    assert arrears_crossed_on(h, date(2020, 6, 3), max_months=3) is None
    assert arrears_crossed_on(h, date(2020, 10, 1), max_months=3) == date(2020, 10, 1)


days = st.integers(min_value=0, max_value=4 * 365).map(lambda n: JOIN + timedelta(days=n))


@settings(max_examples=200, deadline=None)
@given(
    payments=st.lists(st.tuples(days, st.integers(1, 12)), max_size=6),
    plan=st.sampled_from([1, 3, 6, 12]),
    limit=st.integers(0, 12),
    on=days,
)
def test_the_crossing_day_starts_an_unbroken_run_over_the_limit(payments, plan, limit, on):
    h = history(payments, plan=plan)
    crossed = arrears_crossed_on(h, on, max_months=limit)
    over = arrears_on(h, on).over(limit)
    assert (crossed is not None) == over
    if crossed is None:
        return
    assert crossed <= on
    day = crossed
    while day <= on:  # over every day of the run …
        assert arrears_on(h, day).over(limit)
        day += timedelta(days=1)
    if crossed > JOIN:  # … and not the day before it began
        assert not arrears_on(h, crossed - timedelta(days=1)).over(limit)


@settings(max_examples=200, deadline=None)
@given(
    payments=st.lists(st.tuples(days, st.integers(1, 12)), max_size=6),
    plan=st.sampled_from([1, 3, 6, 12]),
    extra=st.integers(1, 60),
    on=days,
)
def test_paying_more_never_raises_the_arrears(payments, plan, extra, on):
    before = arrears_on(history(payments, plan=plan), on).unpaid
    after = arrears_on(history([*payments, (JOIN, extra)], plan=plan), on).unpaid
    assert after <= before


@settings(max_examples=200, deadline=None)
@given(
    payments=st.lists(st.tuples(days, st.integers(1, 12)), max_size=6),
    plan=st.sampled_from([1, 3, 6, 12]),
    on=days,
)
def test_the_plan_says_how_one_pays_not_how_much_is_owed(payments, plan, on):
    """Months begun do not depend on the plan; nothing unpaid is more than the months begun;
    the periods add up (due = paid + unpaid) on every page that shows them."""
    a = arrears_on(history(payments, plan=plan), on)
    assert a.due == arrears_on(history(payments), on).due
    assert a.due == (on.year - JOIN.year) * 12 + on.month - JOIN.month + 1
    assert 0 <= a.unpaid <= a.due
    assert a.periods_due == a.periods_paid + a.periods_unpaid
    assert a.periods_unpaid == -(-a.unpaid // plan)

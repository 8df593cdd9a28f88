"""The reports' figures for a fund built by hand (tests/reports/conftest.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kongtun.reports.selectors import annual_report, member_statement, monthly_report
from tests.conftest import TODAY
from tests.reports.conftest import Books

pytestmark = pytest.mark.django_db
D = Decimal


def test_monthly_opening_plus_in_minus_out_is_closing(books):
    r = monthly_report(fund=books, month=Books.month)
    assert r.opening == Books.opening
    assert r.total_in == Books.money_in
    assert r.total_benefits == Books.benefits
    assert r.total_other_out == Books.other_out
    assert r.closing == Books.closing
    assert r.balanced and r.opening + r.total_in - r.total_out == r.closing


def test_monthly_money_in_by_source(books):
    r = monthly_report(fund=books, month=Books.month)
    by_source = {g.key: g.amount for g in r.money_in}
    # The donation and its reversal cancel; the accrual moved no money; the transfer neither.
    assert by_source == {"members": D("900.00"), "central": D("2000.00"), "interest": D("12.34")}
    members = next(g for g in r.money_in if g.key == "members")
    assert [(row.code, row.amount) for row in members.rows] == [
        ("4101", D("600.00")),
        ("4102", D("300.00")),
    ]


def test_monthly_benefits_by_life_stage(books):
    r = monthly_report(fund=books, month=Books.month)
    assert [(g.key, g.amount) for g in r.money_out_benefits] == [
        ("birth", D("1000.00")),
        ("childhood", D("700.00")),
        ("illness", D("400.00")),
        ("death", D("3000.00")),
    ]
    assert [(row.code, row.amount) for row in r.money_out_other] == [("5201", D("250.50"))]


def test_monthly_members_joined_and_left(books, world):
    r = monthly_report(fund=books, month=Books.month)
    m = r.members
    assert [x.pk for x in m["joined"]] == [world.newcomer.pk]
    assert [(c.member_id, c.status) for c in m["left"]] == [(world.members_a[1].pk, "resigned")]
    assert (m["resigned"], m["deceased"]) == (1, 0)
    # End of March: a0, a2 (dies in April) and the newcomer are active.
    assert m["active_at_end"] == 3
    april = monthly_report(fund=books, month=dt.date(2024, 4, 1))
    assert (april.members["deceased"], april.members["active_at_end"]) == (1, 2)
    assert april.opening == Books.closing
    assert april.claims == []  # the claims app is there; nothing was decided


def test_annual_statements_benefits_and_membership(books, world):
    r = annual_report(fund=books, year_be=2567)
    assert (r.start, r.end) == (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert r.ie["total_income"] == D("19049.34")
    assert r.ie["total_expense"] == D("5350.50")
    assert r.ie["surplus"] == D("13698.84")
    assert r.bs["total_assets"] == r.bs["total_liabilities_and_equity"]
    assert r.total_benefits == D("5100.00")
    assert [(row.code, row.amount) for row in r.benefits_by_type] == [
        ("5101", D("1000.00")),
        ("5102", D("400.00")),
        ("5105", D("3000.00")),
        ("5106", D("700.00")),
    ]
    assert [row.amount for row in r.benefits_by_village] == [D("4000.00"), D("1100.00")]
    assert r.members_total == 2
    bands = {row.label: (row.male, row.female) for row in r.by_age if row.count}
    assert bands == {"30–39": (1, 0), "50–59": (0, 1)}
    assert {row.label: row.count for row in r.by_sex} in (
        {"female": 1, "male": 1},
        {"หญิง": 1, "ชาย": 1},
    )
    assert sum(row.count for row in r.by_village) == 2
    assert sum(row.count for row in r.by_occupation) == 2
    assert (len(r.members["joined"]), r.members["resigned"], r.members["deceased"]) == (1, 1, 1)


def test_member_statement(books, world):
    st = member_statement(member=world.members_a[0], as_of=TODAY)
    assert st.total_paid == D("60.00")
    assert [(p["months"], p["period_start"], p["period_end"]) for p in st.payments] == [
        (2, dt.date(2015, 3, 1), dt.date(2015, 4, 30))
    ]
    assert [(b["benefit"], b["amount"]) for b in st.benefits] in (
        [("สวัสดิการกรณีคลอดบุตร", D("1000.00"))],
        [("Benefit: birth", D("1000.00"))],
    )
    assert st.total_benefits == D("1000.00")
    assert st.arrears.periods_unpaid > 0
    assert st.claims == []  # the claims app is installed; none filed

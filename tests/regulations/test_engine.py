"""Engine behaviour that does not depend on one fund: status, death, dates, waiting, caps."""

from __future__ import annotations

import json
import textwrap
from datetime import date
from decimal import Decimal

import pytest

from kongtun.regulations.engine import (
    Payment,
    Regulation,
    StatusChange,
    check_admission,
    decide,
    load_prototype,
    load_regulation,
)

from .helpers import claim, event, failed, member, step

D = Decimal

BASE = """
format: 1
code: test
title_th: ทดสอบ
clauses:
  - {number: "1", text_th: สมาชิก}
  - {number: "2", text_th: รอคอย}
  - {number: "3", text_th: สวัสดิการ}
  - {number: "4", text_th: เพดาน}
"""


def reg(body: str) -> Regulation:
    return load_regulation(BASE + textwrap.dedent(body))


HOSPITAL = reg(
    """
    membership:
      clause: "1"
    benefits:
      - code: hospital
        kind: hospital
        name_th: นอนโรงพยาบาล
        clause: "3"
        per: night
        amount: 100
      - code: death
        kind: death
        name_th: ศพ
        clause: "3"
        amount: 5000
        relatives: [{relative: self}, {relative: spouse, fraction: "0.5"}]
    """
)


def test_event_after_as_of_is_refused() -> None:
    d = decide(
        HOSPITAL, member(), event("hospital", date(2024, 5, 2), nights=1, as_of=date(2024, 5, 1))
    )
    assert not d.eligible and failed(d) == ["event_date"]


def test_event_before_joining_is_refused() -> None:
    d = decide(HOSPITAL, member(date(2024, 5, 2)), event("hospital", date(2024, 5, 1), nights=1))
    assert failed(d) == ["after_join"] and step(d, "after_join").clause == "1"


@pytest.mark.parametrize(
    ("status", "eligible"),
    [("suspended", False), ("resigned", False), ("active", True)],
)
def test_status_on_the_event_date(status: str, eligible: bool) -> None:
    m = member(statuses=(StatusChange(date(2024, 1, 1), status),))  # type: ignore[arg-type]
    before = decide(HOSPITAL, m, event("hospital", date(2023, 12, 31), nights=1))
    on = decide(HOSPITAL, m, event("hospital", date(2024, 1, 1), nights=1))
    assert before.eligible
    assert on.eligible is eligible
    assert step(on, "status").params["status"] == status


def test_reactivated_member_is_covered_again() -> None:
    m = member(
        statuses=(
            StatusChange(date(2024, 1, 1), "suspended"),
            StatusChange(date(2024, 3, 1), "active"),
        )
    )
    assert not decide(HOSPITAL, m, event("hospital", date(2024, 2, 29), nights=1)).eligible
    assert decide(HOSPITAL, m, event("hospital", date(2024, 3, 1), nights=1)).eligible


def test_no_event_after_death_except_the_death() -> None:
    m = member(death=date(2024, 6, 1))
    assert decide(HOSPITAL, m, event("hospital", date(2024, 6, 1), nights=2)).eligible
    after = decide(HOSPITAL, m, event("hospital", date(2024, 6, 2), nights=2))
    assert failed(after) == ["before_death"]
    death = decide(HOSPITAL, m, event("death", date(2024, 6, 1)))
    assert death.eligible and death.amount == D("5000.00")


def test_death_benefit_only_for_the_recorded_death() -> None:
    alive = decide(HOSPITAL, member(), event("death", date(2024, 6, 1)))
    assert (
        failed(alive) == ["death_event"] and step(alive, "death_event").params["death_date"] is None
    )
    other_day = decide(HOSPITAL, member(death=date(2024, 6, 1)), event("death", date(2024, 5, 1)))
    assert failed(other_day) == ["death_event"]
    # The death of a spouse is an event of a living member.
    spouse = decide(HOSPITAL, member(), event("death", date(2024, 6, 1), relative="spouse"))
    assert spouse.amount == D("2500.00")


def test_deceased_status_does_not_block_the_death_claim() -> None:
    m = member(death=date(2024, 6, 1), statuses=(StatusChange(date(2024, 6, 1), "deceased"),))
    assert decide(HOSPITAL, m, event("death", date(2024, 6, 1))).eligible


def test_missing_nights_is_a_refusal_not_a_guess() -> None:
    d = decide(HOSPITAL, member(), event("hospital", date(2024, 6, 1)))
    assert (
        failed(d) == ["detail_missing"] and step(d, "detail_missing").params["detail"] == "nights"
    )


def test_unknown_benefit() -> None:
    d = decide(HOSPITAL, member(), event("dental", date(2024, 6, 1)))
    assert not d.eligible and [s.code for s in d.steps] == ["benefit_unknown"]


def test_every_refusal_reason_is_listed() -> None:
    m = member(date(2024, 5, 2), statuses=(StatusChange(date(2024, 5, 2), "suspended"),))
    d = decide(HOSPITAL, m, event("hospital", date(2024, 5, 1), as_of=date(2024, 4, 1)))
    assert failed(d) == ["event_date", "after_join", "detail_missing"]
    assert d.amount == D("0.00") and d.units == 0


WAITING = reg(
    """
    membership:
      waiting_periods:
        - {basis: membership, days: 180, clause: "2"}
    benefits:
      - code: a
        kind: other
        name_th: ก
        clause: "3"
        amount: 100
      - code: b
        kind: other
        name_th: ข
        clause: "3"
        amount: 100
        general_waiting: false
        waiting_periods:
          - {basis: since_first_payment, months: 6, clause: "2"}
      - code: c
        kind: other
        name_th: ค
        clause: "3"
        amount: 100
        waiting_periods:
          - {basis: membership, years: 1, months: 1, days: 1}
    """
)


def test_waiting_from_first_payment() -> None:
    m = member(date(2024, 1, 1), payments=(Payment(date(2024, 2, 15), 12, D(360)),))
    assert failed(decide(WAITING, m, event("b", date(2024, 8, 14)))) == ["waiting_period"]
    d = decide(WAITING, m, event("b", date(2024, 8, 15)))
    assert d.eligible and step(d, "waiting_period").params["months"] == 6
    never_paid = decide(WAITING, member(payments=()), event("b", date(2030, 1, 1)))
    assert failed(never_paid) == ["waiting_period"]
    assert step(never_paid, "waiting_period").params["start"] is None


def test_general_waiting_applies_unless_exempted_and_mixed_periods_are_exact() -> None:
    m = member(date(2024, 1, 31))
    c_early = decide(WAITING, m, event("c", date(2025, 3, 1)))
    # 31 Jan 2024 + 1 year 1 month = 28 Feb 2025 (clamped), + 1 day = 1 Mar 2025.
    assert c_early.eligible
    steps = [s for s in c_early.steps if s.code == "waiting_period"]
    assert [s.params["unit"] for s in steps] == ["days", "period"]
    assert steps[1].params["satisfied_on"] == "2025-03-01"
    assert steps[1].clause == "3"  # inherited from the benefit
    late = decide(WAITING, m, event("c", date(2025, 2, 28)))
    assert failed(late) == ["waiting_period"]


ARREARS = reg(
    """
    membership:
      clause: "1"
      arrears: {max_months: 3, clause: "1"}
    benefits:
      - {code: a, kind: other, name_th: ก, clause: "3", amount: 100}
    """
)


@pytest.mark.parametrize(
    ("plan", "months_paid", "on", "due", "ok"),
    [
        (1, 1, date(2024, 1, 1), 1, True),  # the first month is due on the join date
        (1, 1, date(2024, 4, 30), 4, True),  # 3 unpaid: not "more than 3"
        (1, 1, date(2024, 5, 1), 5, False),  # 4 unpaid
        (3, 3, date(2024, 4, 1), 4, True),  # quarterly: April begun, 1 unpaid
        (3, 3, date(2024, 7, 1), 7, False),  # April..July: 4 unpaid
        (12, 12, date(2024, 12, 31), 12, True),
        (12, 12, date(2025, 1, 1), 13, True),  # a yearly payer's unpaid year: 1 month, not 12
        (12, 12, date(2025, 4, 1), 16, False),  # January..April begun unpaid: more than 3
    ],
)
def test_arrears_counts_months_begun(
    plan: int, months_paid: int, on: date, due: int, ok: bool
) -> None:
    join = date(2024, 1, 1)
    m = member(join, plan_months=plan, payments=(Payment(join, months_paid, D(30) * months_paid),))
    d = decide(ARREARS, m, event("a", on))
    assert step(d, "arrears").params["due"] == due
    assert d.eligible is ok


CAPS = reg(
    """
    year: {kind: membership}
    benefits:
      - code: opd
        kind: outpatient
        name_th: ผู้ป่วยนอก
        clause: "3"
        per: visit
        amount: 200
        caps:
          - {period: year, times: 2, clause: "4"}
          - {period: lifetime, amount: 1000, clause: "4"}
      - code: stay
        kind: hospital
        name_th: นอน
        clause: "3"
        per: night
        amount: 300
        caps:
          - {period: year, units: 10, clause: "4"}
    group_caps:
      - {name: medical, benefits: [opd, stay], period: year, amount: 3000, clause: "4"}
    """
)


def test_membership_year_times_and_lifetime_caps() -> None:
    join = date(2023, 7, 1)
    two = (claim("opd", date(2024, 7, 1), 200), claim("opd", date(2025, 6, 30), 200))
    m = member(join, claims=two)
    # 1 Jul 2024 - 30 Jun 2025 is one membership year: two visits used.
    d = decide(CAPS, m, event("opd", date(2025, 6, 30)))
    assert failed(d) == ["per_year_times_cap"]
    assert step(d, "per_year_times_cap").params["year_start"] == "2024-07-01"
    assert decide(CAPS, m, event("opd", date(2025, 7, 1))).eligible
    many = (
        *(claim("opd", date(2020 + i, 8, 1), 200) for i in range(4)),
        claim("opd", date(2019, 8, 1), 100),
    )
    last = decide(CAPS, member(date(2019, 1, 1), claims=many), event("opd", date(2025, 8, 1)))
    assert last.amount == D("100.00") and step(last, "lifetime_cap").params["used"] == "900.00"


def test_units_cap_and_group_cap_together() -> None:
    claims = (claim("stay", date(2024, 3, 1), 2400, 8), claim("opd", date(2024, 3, 2), 200))
    d = decide(
        CAPS, member(date(2023, 7, 1), claims=claims), event("stay", date(2024, 4, 1), nights=5)
    )
    units = step(d, "per_year_units_cap")
    assert (units.params["used"], units.params["remaining"], units.params["result"]) == (8, 2, 2)
    assert d.units == 2
    group = step(d, "per_year_cap")
    assert group.params["group"] == "medical" and group.params["used"] == "2600.00"
    assert d.amount == D("400.00")


def test_decision_is_json_ready_and_cites_clauses() -> None:
    d = decide(load_prototype("banthi"), member(), event("hospital", date(2024, 6, 1), nights=3))
    data = json.loads(json.dumps(d.to_dict()))
    assert data["amount"] == "300.00" and data["regulation"] == "banthi"
    assert data["clauses"] == ["5", "8", "9", "12(1)", "11", "12(2)", "14"]
    assert all(set(s) == {"code", "clause", "params", "ok"} for s in data["steps"])


def test_check_admission_plan() -> None:
    reg = load_prototype("banthi")
    (age, plan) = check_admission(
        reg,
        birth_date=date(1960, 1, 1),
        join_date=date(2024, 1, 1),
        plan_amount=D(90),
        plan_months=3,
    )
    assert age.ok and plan.ok
    (_, bad) = check_admission(
        reg,
        birth_date=date(1960, 1, 1),
        join_date=date(2024, 1, 1),
        plan_amount=D(100),
        plan_months=3,
    )
    assert not bad.ok and "90.00/3" in bad.params["allowed"]


def test_engine_imports_without_django() -> None:
    """The engine is pure: importing it (and deciding) must not pull in Django."""
    import subprocess
    import sys

    code = (
        "import sys, datetime as d\n"
        "from kongtun.regulations.engine import decide, load_prototype, MemberHistory, Event\n"
        "h = MemberHistory(birth_date=d.date(1970, 1, 1), sex='female', join_date=d.date(2020, 1, 1))\n"
        "decide(load_prototype('banthi'), h, Event('hospital', d.date(2024, 1, 1), d.date(2024, 1, 2), nights=1))\n"
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules), 'django'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_sex_as_stored_by_the_members_app() -> None:
    samyaek = load_prototype("samyaek")
    f = decide(samyaek, member(sex="F"), event("birth", date(2024, 6, 1)))
    m = decide(samyaek, member(sex="M"), event("birth", date(2024, 6, 1)))
    assert f.eligible and failed(m) == ["sex"]
    assert step(m, "sex").params["sex"] == "male"

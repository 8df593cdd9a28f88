"""The clauses of issue 14, each from the wording a real regulation uses, with amounts worked
out by hand in the docstrings.

Sources of the wording (copied here; nothing is read from outside the repository):

* issue 14 ("Regulation and claims v2"), which quotes two real Thai fund regulations encoded by a
  session: "ยื่นคำขอภายใน 90 วันนับแต่วันเกิดเหตุ" (or from the discharge from hospital),
  "ได้รับปีละ 1,000 บาทตามจำนวนปีที่เป็นสมาชิก รวมไม่เกิน 50,000 บาท" with a remainder of more
  than half a year counted as a year, "ส่งเงินสัจจะต่อเนื่องครบ N ปี", "ในการคลอดครั้งเดียวกัน",
  "บุตรที่ยังไม่บรรลุนิติภาวะ";
* กองทุนสวัสดิการชุมชนตำบลท้ายตลาด, https://www.thaytalad.org/9 (the birth allowance "เงินค่าทำขวัญ
  บุตร เป็นจำนวน ๕๐๐ บาท ต่อการคลอดบุตร ๑ ครั้ง และได้รับเงินการพักรักษาในสถานพยาบาล…");
* กองทุนเมตตาธรรม… จังหวัดตราด, https://www.gotoknow.org/posts/13056 ("ทำบุญครบ 180 วัน", the
  shipped ``trat_mettatham`` prototype).

Where a sentence joins these fragments into one clause, it says so.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kongtun.regulations.engine import (
    Payment,
    RegulationFormatError,
    decide,
    load_prototype,
    load_regulation,
)
from kongtun.regulations.engine.render import render_error, render_step

from .helpers import claim, event, failed, member, step

D = Decimal

HEAD = """
format: 1
code: v2
title_th: ระเบียบทดสอบ
"""


def reg(body: str):  # type: ignore[no-untyped-def]
    return load_regulation(HEAD + body)


def monthly(join: date, until: date, *, skip: dict[date, date] | None = None) -> tuple:
    """One payment on the first of each month for that month, from the join month to
    ``until``; ``skip`` moves a month's payment to a later day (paid late)."""
    out = []
    day = join.replace(day=1)
    while day <= until:
        paid = (skip or {}).get(day, day)
        out.append(Payment(paid, 1, D(30), period_start=day))
        day = (day + timedelta(days=32)).replace(day=1)
    return tuple(out)


# ---- the hole: money paid ahead is not membership time ---------------------------------------


def test_trat_birth_four_days_after_joining_with_180_baht_prepaid_is_refused() -> None:
    """ "ทำบุญครบ 180 วัน ได้สวัสดิการ 9 เรื่อง" (Trat): 180 baht paid on the day of joining
    covers the next six months; four days later none of them has passed, so the waiting period
    is not met (it was met before this fix: the six months counted on the day they were paid)."""
    join = date(2024, 1, 1)
    m = member(join, payments=(Payment(join, 6, D(180), period_start=join),))
    d = decide(load_prototype("trat_mettatham"), m, event("birth", date(2024, 1, 5), children=1))
    assert not d.eligible and failed(d) == ["waiting_period"]
    wait = step(d, "waiting_period")
    assert (wait.params["months"], wait.params["ahead"]) == (0, 6)
    assert "ส่งล่วงหน้า 6 เดือน ยังไม่นับ" in render_step(wait, "th")
    # Once the six months have passed (1 Jul 2024) the same payment counts in full.
    later = decide(
        load_prototype("trat_mettatham"), m, event("birth", date(2024, 7, 1), children=1)
    )
    assert later.eligible and later.amount == D("500.00")
    assert "ahead" not in step(later, "waiting_period").params


def test_prepaying_100_months_does_not_buy_the_eight_year_funeral_tier() -> None:
    """The issue's case: joins 1 Jan, prepays 100 months at once, dies 1 Feb. "ส่งเงินสัจจะครบ
    8 ปี" pays 20,000; with one month passed the member is in the first tier (2,000)."""
    r = reg(
        """
clauses:
  - {number: "20", text_th: "ส่งเงินสัจจะไม่ถึง 1 ปี ได้รับ 2,000 บาท ส่งเงินสัจจะครบ 8 ปี ได้รับ 20,000 บาท"}
benefits:
  - code: funeral
    kind: death
    name_th: ค่าจัดการศพ
    clause: "20"
    tiers:
      basis: contributions
      bands:
        - {upper: {years: 8, inclusive: false}, amount: 2000}
        - {lower: {years: 8}, amount: 20000}
"""
    )
    join = date(2024, 1, 1)
    died = date(2024, 2, 1)
    m = member(join, death=died, payments=(Payment(join, 100, D(3000)),))
    d = decide(r, m, event("funeral", died))
    tier = step(d, "tier")
    assert (tier.params["tier"], tier.params["months"], tier.params["ahead"]) == (1, 1, 99)
    assert d.amount == D("2000.00")


TIME_RULES = """
clauses:
  - {number: "1", text_th: "ส่งเงินสัจจะครบ 6 เดือน จึงมีสิทธิได้รับสวัสดิการ"}
  - {number: "2", text_th: "ส่งเงินสัจจะครบ 3 ปี ได้รับ 1,000 บาท ครบ 5 ปี ได้รับ 3,000 บาท"}
  - {number: "3", text_th: "ส่งเงินสัจจะต่อเนื่องครบ 2 ปี ได้รับ 500 บาท เกิน 2 ปี ได้รับ 800 บาท"}
  - {number: "4", text_th: "ได้รับปีละ 100 บาทตามจำนวนปีที่ส่งเงินสัจจะ รวมไม่เกิน 5,000 บาท"}
membership:
  waiting_periods: [{basis: contributions, months: 6, clause: "1"}]
benefits:
  - code: tiered
    kind: other
    name_th: ตามขั้นสัจจะ
    clause: "2"
    tiers:
      basis: contributions
      bands:
        - {lower: {years: 3}, upper: {years: 5, inclusive: false}, amount: 1000}
        - {lower: {years: 5}, amount: 3000}
  - code: steady
    kind: other
    name_th: ตามความต่อเนื่อง
    clause: "3"
    tiers:
      basis: continuous
      bands:
        - {lower: {years: 2}, upper: {years: 2}, amount: 500}
        - {lower: {years: 2, days: 1}, amount: 800}
  - code: yearly
    kind: other
    name_th: ตามจำนวนปี
    clause: "4"
    per: counted_year
    amount: 100
    counted_years: {basis: contributions, remainder: more_than_half}
    caps: [{period: event, amount: 5000}]
"""


@settings(max_examples=150, deadline=None)
@given(
    join=st.dates(date(2000, 1, 1), date(2020, 12, 31)),
    paid_months=st.integers(0, 240),
    ahead=st.integers(1, 240),
    days_after=st.integers(0, 9000),
    explicit=st.booleans(),
    benefit=st.sampled_from(["tiered", "steady", "yearly"]),
)
def test_prepaying_never_advances_a_tier_a_waiting_period_or_a_count_of_years(
    join: date, paid_months: int, ahead: int, days_after: int, explicit: bool, benefit: str
) -> None:
    """Property: add to any member's history a payment made on or before the event for months
    that have not yet passed: no waiting period, tier, continuous time or counted year moves."""
    r = reg(TIME_RULES)
    on = join + timedelta(days=days_after)
    start = join.replace(day=1)
    base = tuple(
        Payment(
            min(
                on,
                date(start.year + (start.month - 1 + k) // 12, (start.month - 1 + k) % 12 + 1, 1),
            ),
            1,
            D(30),
            period_start=date(
                start.year + (start.month - 1 + k) // 12, (start.month - 1 + k) % 12 + 1, 1
            ),
        )
        for k in range(paid_months)
    )
    # The prepayment covers months after the event's month (with its months named), or the
    # months after everything paid so far when the member is paid up to the event's month.
    first_future = (on.replace(day=1) + timedelta(days=32)).replace(day=1)
    last_paid = base[-1].period_start if base else None
    if explicit or last_paid is None or last_paid < on.replace(day=1):
        extra = Payment(on, ahead, D(30) * ahead, period_start=first_future)
    else:
        extra = Payment(
            on, ahead, D(30) * ahead, period_start=(last_paid + timedelta(days=32)).replace(day=1)
        )
    before = member(join, payments=base)
    after = replace(before, payments=(*base, extra))
    ev = event(benefit, on)
    a, b = decide(r, before, ev), decide(r, after, ev)
    assert (a.eligible, a.amount) == (b.eligible, b.amount)
    for code in ("waiting_period", "tier", "counted_years"):
        pa = [dict(s.params, ahead=None) for s in a.steps if s.code == code]
        pb = [dict(s.params, ahead=None) for s in b.steps if s.code == code]
        assert pa == pb


@settings(max_examples=60, deadline=None)
@given(
    months_paid=st.integers(180, 600),
    ahead=st.integers(1, 120),
    age_days=st.integers(0, 4000),
)
def test_prepaying_never_advances_the_trat_pension(
    months_paid: int, ahead: int, age_days: int
) -> None:
    """Property on the shipped pension (ข้อ 2 "สัจจะครบ 15 ปี … 20 ปี …"): paying ahead on the
    day of the claim for months still to come never gives a higher monthly pension."""
    join = date(1970, 1, 1)
    on = date(2024, 1, 15) + timedelta(days=age_days)
    pays = (Payment(join, months_paid, D(30) * months_paid),)
    m = member(join, birth=date(1950, 1, 1), payments=pays)
    next_month = (on.replace(day=1) + timedelta(days=32)).replace(day=1)
    more = replace(m, payments=(*pays, Payment(on, ahead, D(30) * ahead, period_start=next_month)))
    ev = event("old_age", on)
    a, b = (decide(load_prototype("trat_mettatham"), h, ev) for h in (m, more))
    assert (a.eligible, a.amount) == (b.eligible, b.amount)
    assert step(a, "tier").params.get("tier") == step(b, "tier").params.get("tier")


# ---- filing deadlines ------------------------------------------------------------------------

DEADLINES = """
clauses:
  - {number: "10", text_th: "ยื่นคำขอภายใน 90 วันนับแต่วันเกิดเหตุ"}
  - {number: "11", text_th: "ยื่นคำขอภายใน 90 วันนับแต่วันออกจากโรงพยาบาล"}
  - {number: "12", text_th: "กรณีเสียชีวิต ได้รับ 3,000 บาท"}
  - {number: "13", text_th: "กรณีนอนโรงพยาบาล ได้รับคืนละ 200 บาท"}
benefits:
  - code: funeral
    kind: death
    name_th: ค่าจัดการศพ
    clause: "12"
    amount: 3000
    filing_deadline: {days: 90, clause: "10"}
  - code: hospital
    kind: hospital
    name_th: นอนโรงพยาบาล
    clause: "13"
    per: night
    amount: 200
    filing_deadline: {days: 90, counted_from: discharge, clause: "11"}
"""


def test_deadline_from_the_event_90_days_not_counting_the_day_itself() -> None:
    """ "ยื่นคำขอภายใน 90 วันนับแต่วันเกิดเหตุ": died 1 Mar 2567 → the 90th day is 30 May 2567
    (30 days of March after the 1st, 30 of April, 30 of May); filed that day: paid 3,000;
    filed on 31 May: not eligible, the deadline passed on 31 May, one day late."""
    r = reg(DEADLINES)
    died = date(2024, 3, 1)
    m = member(death=died)
    on_time = decide(
        r, m, event("funeral", died, as_of=date(2024, 6, 10), filed_on=date(2024, 5, 30))
    )
    assert on_time.eligible and on_time.amount == D("3000.00")
    assert step(on_time, "filing_deadline").params["last_day"] == "2024-05-30"
    late = decide(r, m, event("funeral", died, as_of=date(2024, 6, 10), filed_on=date(2024, 5, 31)))
    assert not late.eligible and failed(late) == ["filing_deadline"]
    s = step(late, "filing_deadline")
    assert (s.clause, s.params["passed_on"], s.params["late_days"]) == ("10", "2024-05-31", 1)
    assert render_step(s, "th") == (
        "ข้อ 10: ยื่นคำขอภายใน 90 วันนับแต่วันเกิดเหตุ 01/03/2567 คือภายในวันที่ 30/05/2567; "
        "ยื่นวันที่ 31/05/2567; พ้นกำหนดตั้งแต่วันที่ 31/05/2567 ยื่นช้า 1 วัน ✗"
    )


def test_committee_accepts_a_late_claim_by_resolution() -> None:
    """The committee may accept a late claim by resolution: the trace says so and names it."""
    r = reg(DEADLINES)
    died = date(2024, 3, 1)
    d = decide(
        r,
        member(death=died),
        event(
            "funeral",
            died,
            as_of=date(2024, 7, 1),
            filed_on=date(2024, 6, 20),
            deadline_exception=True,
            deadline_resolution="มติคณะกรรมการ ครั้งที่ 5/2567",
        ),
    )
    assert d.eligible and d.amount == D("3000.00")
    s = step(d, "filing_deadline")
    assert s.ok and s.params["late_days"] == 21 and s.params["exception"] is True
    assert render_step(s, "th").endswith("ยื่นช้า 21 วัน; รับคำขอที่ยื่นช้าตามมติคณะกรรมการ ครั้งที่ 5/2567 ✓")


def test_deadline_from_discharge_from_hospital() -> None:
    """ "ภายใน 90 วันนับแต่วันออกจากโรงพยาบาล": admitted 1 Mar 2567, 5 nights, discharged
    6 Mar → last day 4 Jun 2567 (25 + 30 + 31 + 4 days); 5 nights × 200 = 1,000 baht."""
    r = reg(DEADLINES)
    ev = dict(nights=5, discharge_date=date(2024, 3, 6), as_of=date(2024, 6, 30))
    ok = decide(r, member(), event("hospital", date(2024, 3, 1), filed_on=date(2024, 6, 4), **ev))
    assert ok.eligible and ok.amount == D("1000.00")
    late = decide(r, member(), event("hospital", date(2024, 3, 1), filed_on=date(2024, 6, 5), **ev))
    assert failed(late) == ["filing_deadline"]
    assert step(late, "filing_deadline").params["passed_on"] == "2024-06-05"
    no_discharge = decide(
        r, member(), event("hospital", date(2024, 3, 1), nights=5, filed_on=date(2024, 3, 10))
    )
    assert failed(no_discharge) == ["detail_missing"]
    assert "วันที่ออกจากโรงพยาบาล" in render_step(step(no_discharge, "detail_missing"), "th")


@pytest.mark.parametrize("days", ["0", "-5"])
def test_deadline_of_zero_or_negative_days_is_refused_in_thai(days: str) -> None:
    text = DEADLINES.replace('{days: 90, clause: "10"}', f'{{days: {days}, clause: "10"}}')
    with pytest.raises(RegulationFormatError) as exc:
        reg(text)
    (err,) = exc.value.errors
    assert (err.path, err.code) == ("benefits[0].filing_deadline.days", "deadline_not_positive")
    message = render_error(err, "th")
    assert f"ข้อ 10: ค่าจัดการศพ: ระยะเวลายื่นคำขอ (วัน) ต้องอย่างน้อย 1 วัน แต่กำหนดไว้ {days}" in message


# ---- amount per counted year -----------------------------------------------------------------

PER_YEAR = """
clauses:
  - number: "15"
    text_th: >-
      ได้รับปีละ 1,000 บาทตามจำนวนปีที่เป็นสมาชิก รวมไม่เกิน 50,000 บาท
      เศษของปีที่เกินกึ่งปีให้นับเป็นหนึ่งปี
benefits:
  - code: funeral
    kind: death
    name_th: ค่าจัดการศพ
    clause: "15"
    per: counted_year
    amount: 1000
    counted_years: {basis: membership, remainder: more_than_half}
    caps: [{period: event, amount: 50000}]
"""


@pytest.mark.parametrize(
    ("join", "died", "years", "amount"),
    [
        # 10 years 6 months 0 days: exactly half a year over → 10 years, 10,000 baht
        (date(2010, 1, 1), date(2020, 7, 1), 10, "10000.00"),
        # 10 years 6 months 1 day: more than half → 11 years, 11,000 baht
        (date(2010, 1, 1), date(2020, 7, 2), 11, "11000.00"),
        # 10 years 5 months 30 days → 10
        (date(2010, 1, 1), date(2020, 6, 30), 10, "10000.00"),
        # 5 months: nothing counted yet → not eligible
        (date(2020, 1, 1), date(2020, 6, 1), 0, None),
        # 7 months: more than half a year → 1 year, 1,000 baht
        (date(2020, 1, 1), date(2020, 8, 1), 1, "1000.00"),
        # 59 years → 59,000, "รวมไม่เกิน 50,000 บาท" → 50,000
        (date(1965, 1, 1), date(2024, 1, 10), 59, "50000.00"),
    ],
)
def test_amount_per_counted_year_with_half_year_rounding(
    join: date, died: date, years: int, amount: str | None
) -> None:
    d = decide(reg(PER_YEAR), member(join, death=died), event("funeral", died))
    assert step(d, "counted_years").params["years"] == years
    if amount is None:
        assert failed(d) == ["counted_years"]
    else:
        assert d.eligible and d.amount == D(amount)


def test_counted_years_trace_in_thai() -> None:
    d = decide(
        reg(PER_YEAR),
        member(date(2010, 1, 1), death=date(2020, 7, 2)),
        event("funeral", date(2020, 7, 2)),
    )
    assert render_step(step(d, "counted_years"), "th") == (
        "ข้อ 15: เป็นสมาชิก 10 ปี 6 เดือน 1 วัน → นับได้ 11 ปี (เศษเกินครึ่งปีนับเป็นหนึ่งปี ครึ่งปีพอดีไม่นับ) ✓"
    )
    assert render_step(step(d, "amount"), "th") == "ข้อ 15: 11 ปี × 1,000 บาท = 11,000 บาท ✓"


def test_per_year_amount_without_the_cap_its_text_sets_is_refused() -> None:
    """The text says "รวมไม่เกิน 50,000 บาท": encoding it without a cap is an error."""
    with pytest.raises(RegulationFormatError) as exc:
        reg(PER_YEAR.replace("    caps: [{period: event, amount: 50000}]\n", ""))
    (err,) = exc.value.errors
    assert (err.path, err.code) == ("benefits[0].caps", "counted_year_cap_missing")
    assert render_error(err, "th").endswith(
        "ข้อ 15: ค่าจัดการศพ: ข้อความในข้อนี้กำหนดยอดสูงสุด (ไม่เกิน) แต่การจ่ายตามจำนวนปียังไม่มี"
        "เพดานเป็นบาทต่อครั้งหรือตลอดการเป็นสมาชิก"
    )


# ---- continuous payment, per-band clauses ----------------------------------------------------

CONTINUOUS = """
clauses:
  - {number: "9", text_th: "สมาชิกที่ขาดส่งเงินสัจจะ ให้เริ่มนับระยะเวลาการส่งต่อเนื่องใหม่"}
  - {number: "16", text_th: "สวัสดิการตามระยะเวลาการส่งเงินสัจจะต่อเนื่อง"}
  - {number: "16.1", text_th: "ส่งเงินสัจจะต่อเนื่องครบ 1 ปี แต่ไม่เกิน 2 ปี ได้รับ 3,000 บาท"}
  - {number: "16.2", text_th: "ส่งเงินสัจจะต่อเนื่อง 2 ปี 1 วันขึ้นไป ได้รับ 5,000 บาท"}
membership:
  continuity: {reset_after_gap: true, clause: "9"}
benefits:
  - code: steady
    kind: other
    name_th: สวัสดิการส่งต่อเนื่อง
    clause: "16"
    tiers:
      basis: continuous
      bands:
        - {lower: {years: 1}, upper: {years: 2}, amount: 3000, clause: "16.1"}
        - {lower: {years: 2, days: 1}, amount: 5000, clause: "16.2"}
"""


def test_continuous_two_years_and_two_years_one_day_are_different_tiers() -> None:
    """Joined 1 Mar 2565, paid each month on its first day. On 1 Mar 2567: 2 years exactly →
    ข้อ 16.1, 3,000; on 2 Mar 2567: 2 years 1 day → ข้อ 16.2, 5,000. Each cites its band."""
    join = date(2022, 3, 1)
    m = member(join, payments=monthly(join, date(2024, 4, 1)))
    two = decide(reg(CONTINUOUS), m, event("steady", date(2024, 3, 1)))
    more = decide(reg(CONTINUOUS), m, event("steady", date(2024, 3, 2)))
    assert (two.amount, step(two, "tier").clause) == (D("3000.00"), "16.1")
    assert (more.amount, step(more, "tier").clause) == (D("5000.00"), "16.2")
    assert step(more, "tier").params["elapsed"] == {"years": 2, "months": 0, "days": 1}
    assert "16.2" in more.clauses and "16.1" not in more.clauses
    assert render_step(step(more, "amount"), "th") == "ข้อ 16.2: 5,000 บาทต่อครั้ง ✓"


def test_a_gap_restarts_continuous_time_when_the_regulation_says_so() -> None:
    """January 2566 paid only on 1 Mar 2566: a gap. "ให้เริ่มนับใหม่": the time runs from
    1 Feb 2566, so on 2 Mar 2567 it is 1 year 1 month 1 day → ข้อ 16.1, 3,000 (not 5,000)."""
    join = date(2022, 3, 1)
    pays = monthly(join, date(2024, 4, 1), skip={date(2023, 1, 1): date(2023, 3, 1)})
    d = decide(reg(CONTINUOUS), member(join, payments=pays), event("steady", date(2024, 3, 2)))
    tier = step(d, "tier")
    assert (tier.params["start"], tier.params["gaps"], d.amount) == ("2023-02-01", 1, D("3000.00"))
    assert "ขาดส่ง 1 เดือน" in render_step(tier, "th")


def test_a_gap_only_leaves_its_days_out_when_the_time_does_not_restart() -> None:
    """Same gap, "reset_after_gap: false": January's 31 days are left out, the time runs as
    from 1 Apr 2565: on 2 Mar 2567 1 year 11 months 1 day → 3,000; on 2 Apr 2567 2 years
    1 day → 5,000."""
    join = date(2022, 3, 1)
    pays = monthly(join, date(2024, 5, 1), skip={date(2023, 1, 1): date(2023, 3, 1)})
    r = reg(CONTINUOUS.replace("reset_after_gap: true", "reset_after_gap: false"))
    m = member(join, payments=pays)
    first = decide(r, m, event("steady", date(2024, 3, 2)))
    assert (step(first, "tier").params["start"], first.amount) == ("2022-04-01", D("3000.00"))
    assert decide(r, m, event("steady", date(2024, 4, 2))).amount == D("5000.00")


def test_overlapping_bands_at_decision_time_say_so() -> None:
    """Two bands both reach 2 years ("ไม่เกิน 2 ปี" and "ครบ 2 ปี"): on the anniversary the
    first applies and the trace says the second matched too."""
    text = CONTINUOUS.replace(
        "{lower: {years: 2, days: 1}, amount: 5000", "{lower: {years: 2}, amount: 5000"
    )
    d = decide(
        reg(text),
        member(date(2022, 3, 1), payments=monthly(date(2022, 3, 1), date(2024, 4, 1))),
        event("steady", date(2024, 3, 1)),
    )
    tier = step(d, "tier")
    assert (tier.params["tier"], tier.params["also_matched"]) == (1, [2])
    assert "ขั้นที่ 2 ก็ตรงด้วย (ขั้นทับซ้อนกัน) จึงใช้ขั้นแรกที่ตรง" in render_step(tier, "th")


# ---- per day, linked parts -------------------------------------------------------------------

BIRTH = """
clauses:
  - number: "7"
    text_th: >-
      สมาชิกหญิงคลอดบุตรได้รับเงินค่าทำขวัญบุตร 500 บาทต่อการคลอดบุตร 1 ครั้ง และได้รับเงินการพัก
      รักษาในโรงพยาบาลในการคลอดครั้งเดียวกันคืนละ 100 บาท ไม่เกิน 10 คืน รวมกันปีละไม่เกิน 1,500 บาท
  - {number: "8", text_th: "ค่าชดเชยการขาดรายได้ขณะป่วย วันละ 100 บาท ไม่เกิน 10 วันต่อครั้ง"}
benefits:
  - code: birth
    kind: birth
    name_th: ค่าทำขวัญบุตร
    clause: "7"
    per: delivery
    amount: 500
    conditions: {sex: female}
    parts:
      - {code: mother_stay, name_th: ค่าพักรักษาของมารดา, per: night, amount: 100, max_units: 10}
    caps: [{period: year, amount: 1500}]
  - code: sick_days
    kind: other
    name_th: ค่าชดเชยการขาดรายได้
    clause: "8"
    per: day
    amount: 100
    caps: [{period: event, units: 10}]
"""


def test_birth_and_the_mothers_nights_are_one_event_with_one_yearly_cap() -> None:
    """ข้อ 7 (ท้ายตลาด's wording with "ในการคลอดครั้งเดียวกัน"): 500 + 7 nights × 100 = 1,200.
    A second birth the same year, 12 nights: 500 + 10 × 100 = 1,500, but 1,200 of the
    1,500 a year is used → 300. A birth without a stay in hospital: 500."""
    first = decide(reg(BIRTH), member(), event("birth", date(2024, 2, 1), nights=7))
    assert first.eligible and first.amount == D("1200.00")
    part = step(first, "part")
    assert (part.params["units"], part.params["result"]) == (7, "700.00")
    assert render_step(part, "th") == (
        "ข้อ 7: พร้อมกันในเหตุการณ์เดียวกัน: ค่าพักรักษาของมารดา: 7 คืน × 100 บาท = 700 บาท; "
        "ไม่เกิน 10 คืน → 700 บาท ✓"
    )
    m = member(claims=(claim("birth", date(2024, 2, 1), 1200),))
    second = decide(reg(BIRTH), m, event("birth", date(2024, 12, 20), nights=12))
    assert step(second, "event_total").params["total"] == "1500.00"
    assert second.amount == D("300.00")
    alone = decide(reg(BIRTH), member(), event("birth", date(2024, 2, 1)))
    assert alone.amount == D("500.00")


def test_per_day_units() -> None:
    """ "วันละ 100 บาท ไม่เกิน 10 วันต่อครั้ง": 12 days → 10 × 100 = 1,000."""
    d = decide(reg(BIRTH), member(), event("sick_days", date(2024, 2, 1), days=12))
    assert (d.amount, d.units) == (D("1000.00"), 10)
    assert render_step(step(d, "amount"), "th") == "ข้อ 8: 10 วัน × 100 บาท = 1,000 บาท ✓"
    missing = decide(reg(BIRTH), member(), event("sick_days", date(2024, 2, 1)))
    assert failed(missing) == ["detail_missing"]


def test_a_part_counting_the_same_nights_as_its_benefit_is_refused() -> None:
    text = BIRTH.replace("per: delivery", "per: night")
    with pytest.raises(RegulationFormatError) as exc:
        reg(text)
    assert [e.code for e in exc.value.errors] == ["part_unit_conflict"]
    assert render_error(exc.value.errors[0], "th").endswith(
        "ข้อ 7: ค่าทำขวัญบุตร: ส่วนที่จ่ายต่อคืน ใช้จำนวนเดียวกับตัวสวัสดิการเองไม่ได้"
    )


# ---- conditions on the covered person --------------------------------------------------------

PERSON = """
clauses:
  - number: "21"
    text_th: >-
      สมาชิกที่เป็นหม้ายและมีบุตรที่ยังไม่บรรลุนิติภาวะ ได้รับเงินช่วยเหลือครั้งละ 1,000 บาท
      กรณีบุตรของสมาชิกเจ็บป่วย ได้รับครั้งละ 300 บาท
benefits:
  - code: family
    kind: other
    name_th: เงินช่วยเหลือครอบครัว
    clause: "21"
    amount: 1000
    relatives: [{relative: self}, {relative: child, fraction: 0.3}]
    conditions:
      applies_to: [self]
      marital_status: [widowed]
      has_minor_child: true
"""


def test_a_widowed_member_with_a_child_under_the_legal_age() -> None:
    """Child born 15 Jun 2547: on 14 Jun 2567 the child is 19 (not yet of age, under 20) →
    1,000 baht; on 15 Jun 2567 the child is 20 → not eligible. A married member → not
    eligible. The conditions bind the member only: a claim for the child pays 300 without them."""
    kid = (date(2004, 6, 15),)
    widowed = dict(marital_status="widowed", children_birth_dates=kid)
    ok = decide(reg(PERSON), member(), event("family", date(2024, 6, 14), **widowed))
    assert ok.eligible and ok.amount == D("1000.00")
    assert render_step(step(ok, "minor_child"), "th") == (
        "ข้อ 21: บุตรอายุต่ำกว่า 20 ปี (ยังไม่บรรลุนิติภาวะ): 1 คน; ที่กำหนด: อย่างน้อย 1 คน ✓"
    )
    of_age = decide(reg(PERSON), member(), event("family", date(2024, 6, 15), **widowed))
    assert failed(of_age) == ["minor_child"]
    married = decide(
        reg(PERSON),
        member(),
        event("family", date(2024, 6, 14), marital_status="married", children_birth_dates=kid),
    )
    assert failed(married) == ["marital_status"]
    assert render_step(step(married, "marital_status"), "th") == (
        "ข้อ 21: สถานภาพสมรส: สมรส; ที่กำหนด: หม้าย (คู่สมรสเสียชีวิต) ✗"
    )
    child = decide(
        reg(PERSON),
        member(),
        event("family", date(2024, 6, 14), relative="child", subject_birth_date=date(2010, 1, 1)),
    )
    assert child.eligible and child.amount == D("300.00")
    unknown = decide(reg(PERSON), member(), event("family", date(2024, 6, 14)))
    assert failed(unknown) == ["detail_missing", "detail_missing"]


def test_a_condition_on_a_person_the_benefit_does_not_cover_is_refused() -> None:
    with pytest.raises(RegulationFormatError) as exc:
        reg(PERSON.replace("applies_to: [self]", "applies_to: [spouse]"))
    (err,) = exc.value.errors
    assert (err.path, err.code) == (
        "benefits[0].conditions.applies_to[0]",
        "condition_person_not_covered",
    )
    assert render_error(err, "th").endswith(
        "ข้อ 21: เงินช่วยเหลือครอบครัว: มีเงื่อนไขเกี่ยวกับคู่สมรส แต่สวัสดิการนี้ไม่ได้คุ้มครองบุคคลนี้"
    )


def test_every_new_clause_survives_dump_and_load() -> None:
    from kongtun.regulations.engine import dump_regulation

    for text in (TIME_RULES, DEADLINES, PER_YEAR, CONTINUOUS, BIRTH, PERSON):
        r = reg(text)
        assert load_regulation(dump_regulation(r)) == r


def test_the_thaneun_demo_regulation_has_a_filing_deadline_for_every_benefit() -> None:
    """ข้อ 20 of the demo regulation: "ยื่นคำขอภายใน 90 วันนับแต่วันเกิดเหตุ เว้นแต่คณะกรรมการมีมติ
    ผ่อนผันเป็นกรณีไป". A birth on 1 Mar 2567 filed on 31 May 2567 (91 days) is late."""
    r = load_prototype("thaneun")
    m = member(date(2020, 1, 1))
    late = decide(r, m, event("birth", date(2024, 3, 1), as_of=date(2024, 5, 31)))
    assert failed(late) == ["filing_deadline"]
    assert step(late, "filing_deadline").clause == "20"
    on_time = decide(r, m, event("birth", date(2024, 3, 1), as_of=date(2024, 5, 30)))
    assert on_time.eligible and on_time.amount == D("1000.00")


def test_thai_draft_warnings_name_benefits_never_their_codes() -> None:
    """A regulation full of things to look at: every Thai warning names the benefit (or the
    shared cap) as the regulation does, never by its code."""
    from kongtun.regulations.engine import check_draft
    from kongtun.regulations.engine.render import render_warning

    r = reg(
        """
clauses:
  - {number: "1", text_th: "ข้อ 1"}
benefits:
  - code: funeral_tiers
    kind: death
    name_th: ค่าจัดการศพ
    clause: "1"
    tiers:
      basis: membership
      bands:
        - {upper: {years: 2}, amount: 3000}
        - {lower: {years: 2}, amount: 5000}
        - {lower: {years: 9}, upper: {years: 3}, amount: 1}
  - code: hospital_stay
    kind: hospital
    name_th: นอนโรงพยาบาล
    clause: "1"
    per: night
    amount: 200
    caps: [{period: event, amount: 9000}, {period: event, units: 3}, {period: year, amount: 500}]
  - code: pension_month
    kind: old_age
    name_th: บำนาญ
    per: month
    amount: 300
group_caps:
  - {name: medical_group, name_th: ค่ารักษาพยาบาลรวม, benefits: [hospital_stay], period: year, amount: 99999}
"""
    )
    warnings = check_draft(r)
    assert len(warnings) >= 5
    for w in warnings:
        text = render_warning(w, "th")
        for code in ("funeral_tiers", "hospital_stay", "pension_month", "medical_group"):
            assert code not in text, text
    shown = " ".join(render_warning(w, "th") for w in warnings)
    assert "เพดานต่อครั้ง (9,000 บาท) สูงกว่าเพดานต่อปี (500 บาท)" in shown  # amounts as people write

"""Hand-worked cases for each shipped regulation, from the regulation's own wording.

Each test quotes the clause it works from; the expected numbers are computed by hand.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from kongtun.regulations.engine import (
    PROTOTYPES,
    Payment,
    check_admission,
    check_draft,
    load_prototype,
)

from .helpers import claim, decide_proto, event, failed, member, step

D = Decimal


def test_every_prototype_loads_and_cites_its_source() -> None:
    for code in PROTOTYPES:
        reg = load_prototype(code)
        assert reg.code == code
        assert reg.source is not None
        if not reg.synthetic:
            assert reg.source.url.startswith("http"), code


@pytest.mark.parametrize("code", ["banthi", "thaneun"])
def test_demo_regulations_are_clean_drafts(code: str) -> None:
    reg = load_prototype(code)
    assert reg.synthetic
    assert check_draft(reg) == []


# ---- Chamung ---------------------------------------------------------------------------------


def test_chamung_hospital_per_stay_then_per_year_cap() -> None:
    """ข้อ 2: "รับคืนละ 200 บาท (ไม่เกิน 600 บาท ต่อครั้ง แต่ไม่เกิน 1,000 บาท ต่อปี"

    5 nights × 200 = 1,000 → 600 per admission; a second admission in the same year is capped
    at 1,000 − 600 = 400; a third gets nothing; the next calendar year starts again at 600.
    """
    first = decide_proto("chamung", member(), event("hospital", date(2024, 3, 1), nights=5))
    assert (first.eligible, first.amount, first.units) == (True, D("600.00"), 3)
    cap = step(first, "per_event_cap")
    assert cap.clause == "2"
    assert cap.params == {
        "units": 5,
        "unit": "night",
        "rate": "200.00",
        "computed": "1000.00",
        "cap": "600.00",
        "result": "600.00",
    }

    paid = (claim("hospital", date(2024, 3, 1), 600, 3),)
    second = decide_proto(
        "chamung", member(claims=paid), event("hospital", date(2024, 7, 9), nights=5)
    )
    assert (second.amount, second.units) == (D("400.00"), 2)
    year = step(second, "per_year_cap")
    assert (year.params["used"], year.params["remaining"]) == ("600.00", "400.00")

    paid += (claim("hospital", date(2024, 7, 9), 400, 2),)
    third = decide_proto(
        "chamung", member(claims=paid), event("hospital", date(2024, 11, 2), nights=1)
    )
    assert not third.eligible and third.amount == D("0.00")
    assert failed(third) == ["per_year_cap"]

    next_year = decide_proto(
        "chamung", member(claims=paid), event("hospital", date(2025, 1, 2), nights=4)
    )
    assert next_year.amount == D("600.00")


def test_chamung_short_stay_is_paid_per_night() -> None:
    """ข้อ 2: "รับคืนละ 200 บาท" — 2 nights = 400, below every cap."""
    d = decide_proto("chamung", member(), event("hospital", date(2024, 3, 1), nights=2))
    assert (d.amount, d.units) == (D("400.00"), 2)


def test_chamung_birth_is_per_delivery_to_the_mother() -> None:
    """ข้อ 1: "กรณีคลอดบุตร รับ 1,000 บาท" — read as per delivery, to the member who gives birth."""
    twins = decide_proto("chamung", member(), event("birth", date(2024, 5, 5), children=2))
    assert twins.amount == D("1000.00")
    father = decide_proto("chamung", member(sex="male"), event("birth", date(2024, 5, 5)))
    assert not father.eligible and failed(father) == ["sex"]


def test_chamung_scholarship_grade_and_level() -> None:
    """ข้อ 3: "สมาชิกหรือบุตรเรียนดี ผลการเรียน 3.5 ขึ้นไป รับทุนการศึกษา 500 บาท(ปีที่จบ ป.6 ม.ต้น
    ม.ปลาย หรือสอบเข้ามหาวิทยาลัยของรัฐได้)"."""
    ok = decide_proto(
        "chamung",
        member(),
        event(
            "education",
            date(2024, 3, 31),
            relative="child",
            grade_average=D("3.50"),
            school_level="m6",
        ),
    )
    assert ok.eligible and ok.amount == D("500.00")
    low = decide_proto(
        "chamung",
        member(),
        event("education", date(2024, 3, 31), grade_average=D("3.49"), school_level="p6"),
    )
    assert failed(low) == ["grade_average"]
    not_final_year = decide_proto(
        "chamung",
        member(),
        event("education", date(2024, 3, 31), grade_average=D("4"), school_level="m2"),
    )
    assert failed(not_final_year) == ["school_level"]
    spouse = decide_proto(
        "chamung",
        member(),
        event(
            "education", date(2024, 3, 31), relative="spouse", grade_average=D(4), school_level="m6"
        ),
    )
    assert failed(spouse) == ["relative"]


def test_chamung_old_age_needs_three_full_years_and_age_60() -> None:
    """ข้อ 4: "กรณีผู้สูงอายุเป็นสมาชิกครบ 3 ปี รับปีละ 200 บาท" (age 60 is our reading)."""
    old = member(date(2021, 4, 1), birth=date(1960, 1, 1))
    on_anniversary = decide_proto("chamung", old, event("old_age", date(2024, 4, 1)))
    assert on_anniversary.amount == D("200.00")
    day_before = decide_proto("chamung", old, event("old_age", date(2024, 3, 31)))
    assert failed(day_before) == ["waiting_period"]
    assert step(day_before, "waiting_period").params["satisfied_on"] == "2024-04-01"
    young = member(date(2021, 4, 1), birth=date(1965, 1, 1))
    assert failed(decide_proto("chamung", young, event("old_age", date(2024, 6, 1)))) == ["age"]
    again = member(
        date(2021, 4, 1), birth=date(1960, 1, 1), claims=(claim("old_age", date(2024, 4, 1), 200),)
    )
    assert failed(decide_proto("chamung", again, event("old_age", date(2024, 12, 31)))) == [
        "per_year_times_cap"
    ]
    assert decide_proto("chamung", again, event("old_age", date(2025, 1, 1))).eligible


def test_chamung_death_benefit_is_not_invented() -> None:
    """ข้อ 5: "รับ 3,000 - 30,000 บาทขึ้นไป (ขึ้นอยู่กับระยะเวลาการเป็นสมาชิก)" — no tier table,
    so the template has no death benefit and a claim is refused as unknown, not guessed."""
    d = decide_proto("chamung", member(death=date(2024, 1, 1)), event("death", date(2024, 1, 1)))
    assert not d.eligible and failed(d) == ["benefit_unknown"]
    reg = load_prototype("chamung")
    assert reg.clause("5") is not None
    assert reg.clause("5").interpretations[0].code == "death_tiers_not_given"


# ---- Sam Yaek --------------------------------------------------------------------------------


def test_samyaek_waiting_180_days_from_application() -> None:
    """ข้อ 4: "ผู้สมัครจะได้รับสวัสดิการก็ต่อเมื่อเป็นสมาชิกครบ ๑๘๐ วัน ( ๖ เดือน) นับตั้งแต่วันที่สมัคร"

    Applied 21 Dec 2011 (first day of enrolment): day 180 is 18 Jun 2012.
    """
    m = member(date(2011, 12, 21))
    day179 = decide_proto("samyaek", m, event("birth", date(2012, 6, 17)))
    day180 = decide_proto("samyaek", m, event("birth", date(2012, 6, 18)))
    assert failed(day179) == ["waiting_period"]
    assert step(day179, "waiting_period").params["days"] == 179
    assert day180.eligible and day180.amount == D("500.00")
    assert step(day180, "waiting_period").clause == "4"


def test_samyaek_birth_is_per_delivery_for_female_members() -> None:
    """ข้อ 4(1): "เมื่อสตรี ซึ่งเป็นสมาชิกคลอดบุตรจะได้รับเงินค่าทำขวัญบุตรเป็นจำนวน ๕๐๐ บาท
    ต่อการคลอดบุตร ๑ ครั้ง" — twins are one delivery; a male member is not covered."""
    m = member(date(2012, 1, 1))
    twins = decide_proto("samyaek", m, event("birth", date(2013, 1, 1), children=2))
    assert twins.amount == D("500.00") and set(twins.clauses) == {"4", "4(1)"}
    male = member(date(2012, 1, 1), sex="male")
    assert failed(decide_proto("samyaek", male, event("birth", date(2013, 1, 1)))) == ["sex"]


# ---- Thai Talat ------------------------------------------------------------------------------


def test_thaytalad_birth_per_delivery_and_nothing_invented() -> None:
    """(๑) "สตรีซึ่งเป็นสมาชิกคลอดบุตรจะได้รับเงินค่าทำขวัญบุตร เป็นจำนวน ๕๐๐ บาท ต่อการคลอดบุตร
    ๑ ครั้ง" — no waiting period was read, so none is applied; the cut-off hospital money is
    not encoded."""
    m = member(date(2024, 1, 1))
    d = decide_proto("thaytalad", m, event("birth", date(2024, 1, 1), children=3))
    assert d.eligible and d.amount == D("500.00")
    assert not any(s.code == "waiting_period" for s in d.steps)
    assert failed(decide_proto("thaytalad", m, event("hospital", date(2024, 2, 1), nights=2))) == [
        "benefit_unknown"
    ]


# ---- Trat Metta-tham -------------------------------------------------------------------------


def _trat_member(months_paid: int, *, birth: date = date(1980, 1, 1)) -> object:
    join = date(2020, 1, 1)
    return member(join, birth=birth, payments=(Payment(join, months_paid, D(30) * months_paid),))


def test_trat_waiting_is_180_days_of_contributions() -> None:
    """ "ทำบุญครบ 180 วัน ได้สวัสดิการ 9 เรื่อง" — read as 6 months of contributions paid."""
    birth = event("birth", date(2024, 1, 1), children=1)
    five = decide_proto("trat_mettatham", _trat_member(5), birth)
    six = decide_proto("trat_mettatham", _trat_member(6), birth)
    assert failed(five) == ["waiting_period"]
    assert step(five, "waiting_period").params == {
        "basis": "contributions",
        "months": 5,
        "required": 6,
        "unit": "months",
    }
    assert six.eligible
    # A payment made after the event does not count for it.
    late = member(date(2020, 1, 1), payments=(Payment(date(2024, 1, 2), 12, D(360)),))
    assert failed(decide_proto("trat_mettatham", late, birth)) == ["waiting_period"]


def test_trat_birth_per_child() -> None:
    """ข้อ 1: "เกิด ให้ลูก 500 บาท" — per child: twins 1,000."""
    d = decide_proto(
        "trat_mettatham", _trat_member(12), event("birth", date(2024, 1, 1), children=2)
    )
    assert (d.amount, d.units) == (D("1000.00"), 2)


def test_trat_mother_hospital_20_nights_2000_a_year() -> None:
    """ข้อ 1: "แม่นอนโรงพยาบาลได้คืนละ 100 บาท ไม่เกิน 20 คืน ปีละไม่เกิด 2,000 บาท"."""
    m = _trat_member(12)
    long_stay = decide_proto(
        "trat_mettatham", m, event("birth_hospital", date(2024, 2, 1), nights=25)
    )
    assert (long_stay.amount, long_stay.units) == (D("2000.00"), 20)
    units_cap = step(long_stay, "per_event_units_cap")
    assert (units_cap.params["units"], units_cap.params["result"]) == (25, 20)
    again = member(
        date(2020, 1, 1),
        payments=(Payment(date(2020, 1, 1), 12, D(360)),),
        claims=(claim("birth_hospital", date(2024, 2, 1), 2000, 20),),
    )
    second = decide_proto(
        "trat_mettatham", again, event("birth_hospital", date(2024, 9, 1), nights=3)
    )
    assert not second.eligible and failed(second) == ["per_year_cap"]


@pytest.mark.parametrize(
    ("months_paid", "monthly"),
    [
        (179, None),
        (180, "300.00"),
        (239, "300.00"),
        (240, "400.00"),
        (540, "900.00"),
        (600, "900.00"),
    ],
)
def test_trat_pension_tiers_by_contribution_years(months_paid: int, monthly: str | None) -> None:
    """ข้อ 2: "สัจจะครบ 15 ปี อายุครบ 60 ปี ได้บำนาญเดือนละ 300 บาท … สัจจะครบ 20 ปี … 400 บาท …
    สัจจะครบ 45 ปี … 900 บาท" (the 50-year tier is cut off: 45 years and more stay at 900)."""
    join = date(1970, 1, 1)
    m = member(
        join, birth=date(1950, 1, 1), payments=(Payment(join, months_paid, D(30) * months_paid),)
    )
    d = decide_proto("trat_mettatham", m, event("old_age", date(2024, 1, 15)))
    if monthly is None:
        assert failed(d) == ["tier"]
    else:
        assert d.amount == D(monthly)
        assert step(d, "tier").params["months"] == months_paid


def test_trat_pension_needs_age_60_and_at_most_12_months_a_year() -> None:
    """ข้อ 2: "อายุครบ 60 ปี" and "เดือนละ" (12 monthly payments a year at most)."""
    join = date(1990, 1, 1)
    pays = (Payment(join, 240, D(7200)),)
    young = member(join, birth=date(1964, 1, 16), payments=pays)
    d = decide_proto("trat_mettatham", young, event("old_age", date(2024, 1, 15)))
    assert failed(d) == ["age"] and step(d, "age").params["age"] == 59
    turned_60 = decide_proto("trat_mettatham", young, event("old_age", date(2024, 1, 16)))
    assert turned_60.amount == D("400.00")
    three = decide_proto("trat_mettatham", young, event("old_age", date(2024, 4, 16), months=3))
    assert (three.amount, three.units) == (D("1200.00"), 3)
    eleven_paid = tuple(claim("old_age", date(2024, m, 16), 400) for m in range(1, 12))
    m12 = member(join, birth=date(1964, 1, 16), payments=pays, claims=eleven_paid)
    d = decide_proto("trat_mettatham", m12, event("old_age", date(2024, 12, 16), months=2))
    assert (d.amount, d.units) == (D("400.00"), 1)


# ---- CUKP funeral association ----------------------------------------------------------------


def test_cukp_entry_age_35_full_years() -> None:
    """คุณสมบัติ ข้อ 3: "ต้องมีอายุไม่เกิน 35 ปี บริบูรณ์" — allowed up to the day before turning 36."""
    reg = load_prototype("cukp_funeral")
    birth = date(1989, 5, 10)
    (last_day,) = check_admission(reg, birth_date=birth, join_date=date(2025, 5, 9))
    (too_old,) = check_admission(reg, birth_date=birth, join_date=date(2025, 5, 10))
    assert last_day.ok and last_day.params["age"] == 35 and last_day.clause == "1(3)"
    assert not too_old.ok and too_old.params["age"] == 36


def test_cukp_has_fees_but_no_benefit_to_decide() -> None:
    """หน้าที่ ข้อ 4-5: "ชำระค่าสมัคร 100 บาท" and "ชำระค่าสงเคราะห์ศพ … รายละ 30 บาท"; the benefit
    amount is not in the text, so a death claim is refused as unknown rather than guessed."""
    reg = load_prototype("cukp_funeral")
    assert reg.membership.entrance_fee is not None
    assert reg.membership.entrance_fee.amount == D("100.00")
    assert {f.code: f.amount for f in reg.membership.fees} == {
        "advance_levy": D("200.00"),
        "annual_fee": D("20.00"),
        "death_levy": D("30.00"),
    }
    d = decide_proto(
        "cukp_funeral", member(death=date(2024, 1, 1)), event("funeral", date(2024, 1, 1))
    )
    assert failed(d) == ["benefit_unknown"]
    assert [w.code for w in check_draft(reg)] == ["no_benefits"]


# ---- Banthi (synthetic demo) -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("death", "amount", "tier"),
    [
        (date(2020, 6, 28), None, None),  # day 179: not yet "ครบ 180 วัน"
        (date(2020, 6, 29), "3000.00", 1),  # day 180 (2020 is a leap year)
        (date(2021, 1, 1), "3000.00", 1),  # exactly 1 year: "ไม่เกิน 1 ปี"
        (date(2021, 1, 2), "5000.00", 2),  # "1 ปี 1 วัน"
        (date(2022, 1, 1), "5000.00", 2),  # exactly 2 years: "ถึง 2 ปี"
        (date(2022, 1, 2), "10000.00", 3),  # "2 ปี 1 วัน"
        (date(2025, 1, 2), "20000.00", 4),  # "5 ปี 1 วัน ขึ้นไป"
    ],
)
def test_banthi_funeral_tier_boundaries(death: date, amount: str | None, tier: int | None) -> None:
    """ข้อ 16: "(1) เป็นสมาชิกครบ 180 วัน แต่ไม่เกิน 1 ปี 3,000 บาท (2) 1 ปี 1 วัน ถึง 2 ปี 5,000 บาท
    (3) 2 ปี 1 วัน ถึง 5 ปี 10,000 บาท (4) 5 ปี 1 วัน ขึ้นไป 20,000 บาท"."""
    d = decide_proto("banthi", member(date(2020, 1, 1), death=death), event("funeral", death))
    if amount is None:
        assert not d.eligible
        assert "waiting_period" in failed(d) and "tier" in failed(d)
    else:
        assert d.amount == D(amount)
        assert step(d, "tier").params["tier"] == tier


def test_banthi_funeral_for_a_join_on_29_february() -> None:
    """Joined 29 Feb 2024: the first anniversary is 28 Feb 2025 (still "ไม่เกิน 1 ปี"), and
    "1 ปี 1 วัน" starts on 1 Mar 2025."""
    join = date(2024, 2, 29)
    on_28 = decide_proto(
        "banthi", member(join, death=date(2025, 2, 28)), event("funeral", date(2025, 2, 28))
    )
    on_1 = decide_proto(
        "banthi", member(join, death=date(2025, 3, 1)), event("funeral", date(2025, 3, 1))
    )
    assert on_28.amount == D("3000.00") and on_1.amount == D("5000.00")


def test_banthi_spouse_death_is_half_the_member_rate() -> None:
    """ข้อ 17: "คู่สมรสหรือบิดามารดาของสมาชิกเสียชีวิต สมาชิกได้รับกึ่งหนึ่งของอัตราตามข้อ 16"."""
    d = decide_proto(
        "banthi", member(date(2018, 1, 1)), event("funeral", date(2024, 3, 1), relative="spouse")
    )
    assert d.amount == D("10000.00")
    assert "17" in d.clauses and "16" in d.clauses
    child = decide_proto(
        "banthi", member(date(2018, 1, 1)), event("funeral", date(2024, 3, 1), relative="child")
    )
    assert failed(child) == ["relative"]


def test_banthi_hospital_and_outpatient_share_a_yearly_cap() -> None:
    """ข้อ 12(1) "ไม่เกินครั้งละ 7 คืน", 12(2) "ไม่เกินปีละ 1,500 บาท", ข้อ 14 "สวัสดิการตามข้อ 11
    และข้อ 13 รวมกันไม่เกินปีละ 1,600 บาท": 1,400 paid for stays and 150 for visits leave 50."""
    claims = (
        claim("hospital", date(2024, 2, 1), 700, 7),
        claim("hospital", date(2024, 5, 1), 700, 7),
        claim("outpatient", date(2024, 6, 1), 50),
        claim("outpatient", date(2024, 7, 1), 50),
        claim("outpatient", date(2024, 8, 1), 50),
    )
    d = decide_proto("banthi", member(claims=claims), event("hospital", date(2024, 9, 1), nights=3))
    assert d.amount == D("50.00") and d.units == 1
    group = [s for s in d.steps if s.params.get("group") == "medical"]
    assert len(group) == 1 and group[0].clause == "14"
    assert group[0].params["used"] == "1550.00"


def test_banthi_arrears_more_than_three_months() -> None:
    """ข้อ 9: "สมาชิกที่ค้างส่งเงินสัจจะเกิน 3 เดือน ให้งดรับสวัสดิการ" — monthly plan, paid
    Jan-Mar 2024 only: on 15 Jul, 7 months are due (Jan-Jul), 3 paid, 4 unpaid > 3."""
    join = date(2024, 1, 1)
    pays = tuple(Payment(date(2024, m, 1), 1, D(30)) for m in (1, 2, 3))
    m = member(join, payments=pays)
    d = decide_proto("banthi", m, event("outpatient", date(2024, 7, 15)))
    assert failed(d) == ["arrears"]
    assert step(d, "arrears").params == {
        "due": 7,
        "paid": 3,
        "unpaid": 4,
        "max": 3,
        "plan_months": 1,
    }
    three_behind = decide_proto("banthi", m, event("outpatient", date(2024, 6, 30)))
    assert three_behind.eligible


# ---- Thaneun (synthetic demo) ----------------------------------------------------------------


def test_thaneun_fiscal_year_starts_1_october() -> None:
    """ข้อ 3: ""ปี" … หมายถึงปีบัญชีของกองทุน เริ่ม 1 ตุลาคม" and ข้อ 12 "ไม่เกินปีละ 3,000 บาท"."""
    claims = tuple(claim("hospital", date(2024, m, 1), 1000, 7) for m in (1, 4, 8))
    m = member(date(2020, 1, 1), claims=claims)
    sept = decide_proto("thaneun", m, event("hospital", date(2024, 9, 30), nights=2))
    octo = decide_proto("thaneun", m, event("hospital", date(2024, 10, 1), nights=2))
    assert not sept.eligible and failed(sept) == ["per_year_cap"]
    assert step(sept, "per_year_cap").params["year_start"] == "2023-10-01"
    assert octo.amount == D("300.00")


def test_thaneun_child_hospital_is_half_the_member_amount() -> None:
    """ข้อ 12: "บุตรของสมาชิกนอนโรงพยาบาล สมาชิกได้รับกึ่งหนึ่ง" — half of the member's amount
    after the per-stay cap: 10 nights × 150 = 1,500 → 1,000 → 500."""
    d = decide_proto(
        "thaneun", member(), event("hospital", date(2024, 3, 1), nights=10, relative="child")
    )
    assert d.amount == D("500.00")
    share = step(d, "relative_share")
    assert (share.params["computed"], share.params["result"]) == ("1000.00", "500.00")


def test_thaneun_arrears_counted_from_first_payment() -> None:
    """ข้อ 7: "ค้างส่งเงินสัจจะเกิน 6 เดือน นับจากการส่งครั้งแรก" — joined 2020 but first paid in
    Jan 2024 for 12 months: in Nov 2024 11 months are due, 12 paid."""
    m = member(date(2020, 1, 1), payments=(Payment(date(2024, 1, 10), 12, D(360)),))
    d = decide_proto("thaneun", m, event("disaster", date(2024, 11, 20)))
    assert d.eligible
    assert step(d, "arrears").params["due"] == 11

"""Importing a member register: the checks of a registration, for a whole file at once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from kongtun.imports.services import ImportRejected, members_import
from kongtun.members.models import Beneficiary, Member
from kongtun.members.services import member_create
from tests.conftest import TODAY, make_nid, member_input
from tests.imports.conftest import TITLE, write_csv, write_xlsx

pytestmark = pytest.mark.django_db

HEADER = [
    "ลำดับ",
    "เลขที่สมาชิก",
    "ชื่อ-สกุล",
    "เลขบัตรประชาชน",
    "วันเกิด",
    "หมู่ที่",
    "อาชีพ",
    "วันที่สมัคร",
    "ผู้รับผลประโยชน์",
    "ความสัมพันธ์",
]
THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


def wrong_check_digit(nid: str) -> str:
    return nid[:-1] + str((int(nid[-1]) + 1) % 10)


def register(lines: list[list]) -> list[list]:
    return [[TITLE], ["ทะเบียนสมาชิก"], [], HEADER, *lines]


def run(fund, path, **kw):
    return members_import(fund=fund, path=path, actor=None, today=TODAY, **kw)


def good_lines() -> list[list]:
    return [
        [
            "1",
            "",
            "นางบัวเขียว ปัญญาวงค์",
            make_nid("350110012345"),
            "12/5/2505",
            "หมู่ 1",
            "ทำนา",
            "1/7/2552",
            "นายคำ ปัญญาวงค์",
            "สามี",
        ],
        [
            "2",
            "",
            "นายคำปัน อินต๊ะ",
            make_nid("350110012346").translate(THAI),
            "๓ ม.ค. ๒๕๑๐",
            "๒",
            "รับจ้าง",
            "15/08/52",
            "",
            "",
        ],
        ["", "", "", "", "", "", "", "", "", ""],
        [
            "3",
            "",
            "น.ส.ศรีนวล คำมา",
            make_nid("350110012347"),
            "1990-02-28",
            "ม.3",
            "เกษตรกร",
            "2015-01-10",
            "",
            "",
        ],
        ["", "", "รวม 3 คน", "", "", "", "", "", "", ""],
    ]


def test_a_member_register_is_imported(world, tmp_path):
    fund = world.fund_a
    before = Member.objects.filter(fund=fund).count()
    report = run(fund, write_csv(tmp_path / "ทะเบียน.csv", register(good_lines()), encoding="cp874"))
    assert (report.imported, report.skipped) == (3, {"title": 3, "blank": 1, "total": 1})
    members = list(Member.objects.filter(fund=fund).order_by("pk"))[before:]
    got = [
        (
            m.title,
            m.first_name,
            m.last_name,
            m.sex,
            m.village.number,
            m.occupation.code,
            m.birth_date,
            m.join_date,
        )
        for m in members
    ]
    assert got == [
        ("นาง", "บัวเขียว", "ปัญญาวงค์", "F", 1, "farmer", dt.date(1962, 5, 12), dt.date(2009, 7, 1)),
        (
            "นาย",
            "คำปัน",
            "อินต๊ะ",
            "M",
            2,
            "general_labour",
            dt.date(1967, 1, 3),
            dt.date(2009, 8, 15),
        ),
        ("นางสาว", "ศรีนวล", "คำมา", "F", 3, "farmer", dt.date(1990, 2, 28), dt.date(2015, 1, 10)),
    ]
    # numbered by the fund's pattern, after the three members the fund already had
    assert [m.number for m in members] == ["00004", "00005", "00006"]
    assert members[1].national_id == make_nid("350110012346")
    assert list(
        Beneficiary.objects.filter(member=members[0]).values_list(
            "name", "relationship", "share_percent"
        )
    ) == [("นายคำ ปัญญาวงค์", "สามี", 100)]


def test_an_xlsx_register_with_separate_name_columns_and_date_cells(world, tmp_path):
    rows = [
        ["ทะเบียนสมาชิก กองทุนสวัสดิการชุมชน"],
        ["เลขที่สมาชิก", "คำนำหน้า", "ชื่อ", "นามสกุล", "เลขบัตรประชาชน", "วันเกิด", "หมู่", "วันที่สมัคร", "เพศ"],
        [
            "A-1",
            "นาง",
            "จันทร์แก้ว",
            "ศรีวิชัย",
            int(make_nid("350110099991")),
            dt.date(1970, 1, 2),
            1,
            dt.date(2012, 3, 4),
            "หญิง",
        ],
    ]
    report = run(world.fund_a, write_xlsx(tmp_path / "members.xlsx", rows))
    assert report.imported == 1
    m = Member.objects.get(number="A-1")
    assert (m.first_name, m.last_name, m.sex, m.national_id) == (
        "จันทร์แก้ว",
        "ศรีวิชัย",
        "F",
        make_nid("350110099991"),
    )


def test_importing_the_same_register_twice_adds_nobody(world, tmp_path):
    path = write_csv(tmp_path / "members.csv", register(good_lines()))
    run(world.fund_a, path)
    count = Member.objects.count()
    again = run(world.fund_a, path)
    assert (again.imported, again.already_imported) == (0, 3) and again.nothing_to_do
    assert Member.objects.count() == count


def test_bad_rows_are_all_reported_and_nobody_is_registered(world, tmp_path):
    existing = world.members_a[0]
    bad_checksum = wrong_check_digit(make_nid("350110012345"))
    lines = [
        ["1", "", "นางบัวเขียว ปัญญาวงค์", bad_checksum, "12/5/2505", "1", "ทำนา", "1/7/2552", "", ""],
        ["2", "", "นายคำปัน อินต๊ะ", existing.national_id, "3/1/2510", "2", "", "15/08/52", "", ""],
        [
            "3",
            "",
            "นายสมชาย ใจดี",
            make_nid("350110012349"),
            "31/02/2510",
            "2",
            "",
            "15/08/52",
            "",
            "",
        ],
        [
            "4",
            "",
            "นายสมหมาย ใจดี",
            make_nid("350110012350"),
            "3/1/2560",
            "2",
            "",
            "15/08/2555",
            "",
            "",
        ],
        [
            "5",
            "",
            "นายสมหวัง ใจดี",
            make_nid("350110012351"),
            "3/1/2510",
            "9",
            "",
            "15/08/2555",
            "",
            "",
        ],
        [
            "6",
            "",
            "นายสมหวัง ใจดี",
            make_nid("350110012351"),
            "3/1/2510",
            "1",
            "",
            "1/1/2570",
            "",
            "",
        ],
        [
            "7",
            existing.number,
            "นางสมใจ",
            make_nid("350110012352"),
            "3/1/2510",
            "1",
            "ขายของ",
            "1/1/2560",
            "",
            "",
        ],
    ]
    before = Member.objects.count()
    with pytest.raises(ImportRejected) as exc:
        run(world.fund_a, write_csv(tmp_path / "bad.csv", register(lines)))
    got = [(p.row, p.column) for p in exc.value.problems]
    assert got == [
        (5, "เลขบัตรประชาชน"),
        (6, "เลขบัตรประชาชน"),
        (7, "วันเกิด"),
        (8, "วันที่สมัคร"),
        (9, "หมู่ที่"),
        (10, "วันที่สมัคร"),
        (10, "เลขบัตรประชาชน"),
        (11, "ชื่อ-สกุล"),
        (11, "อาชีพ"),
        (11, "เลขที่สมาชิก"),
    ], exc.value.problems
    assert Member.objects.count() == before


def test_refusals_say_what_a_registration_says(world, tmp_path):
    """The same national-ID, duplicate and date checks, with the same words, as member_create."""
    fund = world.fund_a
    cases = [
        dict(nid=wrong_check_digit(make_nid("350110012345"))),
        dict(nid="12345"),
        dict(nid=world.members_a[0].national_id),
        dict(nid=make_nid("350110012355"), join_date=dt.date(2009, 1, 1)),
        dict(nid=make_nid("350110012356"), birth_date=dt.date(2016, 1, 1)),
    ]
    with translation.override("th"):
        for i, case in enumerate(cases):
            data = member_input(fund, **case)
            with pytest.raises(ValidationError) as registered:
                member_create(fund=fund, data=data, actor=None, today=TODAY)
            expected = {m for ms in registered.value.message_dict.values() for m in ms}
            path = write_csv(
                tmp_path / f"case{i}.csv",
                register(
                    [
                        [
                            "1",
                            "",
                            f"นาง{data.first_name} {data.last_name}",
                            data.national_id,
                            data.birth_date.isoformat(),
                            "1",
                            "",
                            data.join_date.isoformat(),
                            "",
                            "",
                        ]
                    ]
                ),
            )
            with pytest.raises(ImportRejected) as imported:
                run(fund, path)
            assert {p.reason for p in imported.value.problems} == expected

"""Imports that check who is who (issue 11 §6): a row's national ID and name must be the
member's on that row, the book's own totals must agree with the rows above them, and a total
is recognised by the row's shape, never by a name (a member may be called รวมชัย)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from kongtun.contributions.models import ContributionPayment
from kongtun.imports.services import ImportRejected, contributions_import, members_import
from kongtun.members.models import Member
from kongtun.members.services import member_create
from tests.conftest import TODAY, make_nid, member_input
from tests.imports.conftest import TITLE, write_csv, write_xlsx

pytestmark = pytest.mark.django_db

HEADER = ["ลำดับ", "เลขที่สมาชิก", "ชื่อ-สกุล", "เลขบัตรประชาชน", "วันที่ชำระ", "จำนวนเงิน"]


def book(lines: list[list]) -> list[list]:
    return [[TITLE], [], HEADER, *lines]  # the header is row 3, data from row 4


def run(fund, path, **kw):
    return contributions_import(fund=fund, path=path, actor=None, today=TODAY, **kw)


def refused(fund, path, **kw) -> list[tuple]:
    with pytest.raises(ImportRejected) as exc:
        run(fund, path, **kw)
    return [(p.row, p.column, p.value, p.reason) for p in exc.value.problems]


def wrong_check_digit(nid: str) -> str:
    return nid[:-1] + str((int(nid[-1]) + 1) % 10)


def rows_of(world) -> list[list]:
    a, b, c = world.members_a
    return [
        ["1", a.number, "นางสมศรี0 ใจดี", a.national_id, "15/3/2567", "30"],
        ["2", b.number, "นาง สมศรี1  ใจดี", b.national_id, "15/3/2567", "30"],
        ["3", c.number, "สมศรี2 ใจดี", c.national_id, "16/3/2567", "30"],
    ]


def test_a_book_whose_ids_names_and_totals_agree_is_imported(world, tmp_path):
    a = world.members_a[0]
    lines = rows_of(world)
    # the register's spelling with the title, without it, or with extra spaces; IDs with dashes
    lines[0][3] = f"{a.national_id[0]}-{a.national_id[1:5]}-{a.national_id[5:10]}-"
    lines[0][3] += f"{a.national_id[10:12]}-{a.national_id[12]}"
    path = write_csv(tmp_path / "book.csv", book([*lines, ["", "", "รวม", "", "", "90.-"]]))
    report = run(world.fund_a, path)
    assert report.imported == 3 and report.totals_checked == 1
    assert ContributionPayment.objects.filter(fund=world.fund_a).count() == 3


def test_a_national_id_with_a_wrong_check_digit_is_refused_naming_row_and_column(world, tmp_path):
    lines = rows_of(world)
    lines[1][3] = wrong_check_digit(lines[1][3])
    path = write_csv(tmp_path / "book.csv", book(lines))
    with translation.override("th"):
        got = refused(world.fund_a, path)
    nid = lines[1][3]
    assert got == [
        (
            5,
            "เลขบัตรประชาชน",
            f"x-xxxx-xxxxx-{nid[10:12]}-{nid[12]}",
            "หลักตรวจสอบ (หลักสุดท้าย) ของเลขประจำตัวประชาชนไม่ถูกต้อง กรุณาตรวจสอบทั้ง 13 หลัก",
        )
    ]
    assert ContributionPayment.objects.count() == 0
    # the dry run says the same
    assert refused(world.fund_a, path, dry_run=True)[0][:2] == (5, "เลขบัตรประชาชน")


def test_an_id_belonging_to_another_member_is_refused_saying_whose(world, tmp_path):
    a, b, _c = world.members_a
    lines = rows_of(world)
    lines[0][2] = ""  # no name to give it away: the ID alone must catch it
    lines[0][3] = b.national_id  # the treasurer typed member b's ID on member a's row
    path = write_csv(tmp_path / "book.csv", book(lines))
    with translation.override("en"):
        got = refused(world.fund_a, path)
    assert [(r, col) for r, col, _v, _why in got] == [(4, "เลขบัตรประชาชน")]
    assert f"member {b.number}'s, not member {a.number}'s" in got[0][3]
    assert ContributionPayment.objects.count() == 0


def test_a_valid_id_of_nobody_in_the_fund_is_refused(world, tmp_path):
    lines = rows_of(world)
    lines[2][3] = make_nid("199999999999")
    with translation.override("en"):
        got = refused(world.fund_a, write_csv(tmp_path / "book.csv", book(lines)))
    assert got[0][0] == 6 and "not the one registered for member" in got[0][3]


def test_a_payment_row_without_its_id_is_refused_when_the_book_has_the_column(world, tmp_path):
    lines = rows_of(world)
    lines[0][3] = ""
    got = refused(world.fund_a, write_csv(tmp_path / "book.csv", book(lines)))
    assert [(r, col) for r, col, _v, _why in got] == [(4, "เลขบัตรประชาชน")]


def test_a_name_that_is_not_the_members_is_refused(world, tmp_path):
    a = world.members_a[0]
    lines = rows_of(world)
    lines[0][2] = "นายสมชาย ใจดี"
    with translation.override("en"):
        got = refused(world.fund_a, write_csv(tmp_path / "book.csv", book(lines)))
    assert got == [
        (
            4,
            "ชื่อ-สกุล",
            "นายสมชาย ใจดี",
            f"The name does not match member {a.number} in the register (นางสมศรี0 ใจดี): "
            "check the member number or the name.",
        )
    ]


def test_names_are_compared_after_thai_normalization(world, tmp_path):
    lines = rows_of(world)
    lines[0][2] = "น.ส. สมศรี0\u200b  ใจดี"  # another title, a zero-width space, two spaces
    lines[1][2] = "นางสมศรี1 ใจดีี"  # a vowel typed twice (PyThaiNLP's normalize)
    lines[2][2] = "นาง  สมศรี2 ใจดี "
    report = run(world.fund_a, write_csv(tmp_path / "book.csv", book(lines)))
    assert report.imported == 3


def test_a_first_name_that_starts_like_a_title_still_matches(world, tmp_path):
    fund = world.fund_a
    member = member_create(
        fund=fund,
        data=member_input(fund, nid=make_nid("310170023099"), first="นางนวล", last="คำดี"),
        actor=None,
        today=TODAY,
    )
    lines = [["1", member.number, "นางนวล คำดี", member.national_id, "15/3/2567", "30"]]
    assert run(fund, write_csv(tmp_path / "book.csv", book(lines))).imported == 1


def test_a_subtotal_that_disagrees_with_the_rows_above_is_refused_by_row(world, tmp_path):
    a, _b, _c = world.members_a
    lines = [
        *rows_of(world),
        ["", "", "รวมเดือน มี.ค. 2567", "", "", "60.00"],  # row 7: the rows above add to 90
        ["4", a.number, "นางสมศรี0 ใจดี", a.national_id, "15/4/2567", "30"],
        ["", "", "รวม", "", "", "30"],  # row 9: agrees with its month
        ["", "", "รวมทั้งสิ้น", "", "", "3,600.00"],  # row 10: all rows add to 120
        ["5", a.number, "นางสมศรี0 ใจดี", a.national_id, "15/5/2567", "30"],
        ["", "", "รวม", "", "", "40"],  # row 12: neither its month (30) nor all (150)
    ]
    path = write_csv(tmp_path / "book.csv", book(lines))
    with translation.override("en"):
        got = refused(world.fund_a, path)
        assert refused(world.fund_a, path, dry_run=True) == got
    assert got == [
        (7, "จำนวนเงิน", "60.00", "The book's total says 60.00, the rows above add to 90.00."),
        (
            10,
            "จำนวนเงิน",
            "3,600.00",
            "The book's total says 3,600.00, the rows above add to 120.00.",
        ),
        (
            12,
            "จำนวนเงิน",
            "40",
            "The book's total says 40.00; the rows from row 11 add to 30.00 and all rows "
            "above to 150.00.",
        ),
    ]
    assert ContributionPayment.objects.count() == 0


def test_the_issue_book_121_rows_against_a_total_of_3600(world, tmp_path):
    """The held-out book: 121 rows of 30 baht, its total row says 3,600."""
    a, b, c = world.members_a
    members = [a, b, c]
    lines = []
    for i in range(121):
        m = members[i % 3]
        day = dt.date(2015, 4, 1) + dt.timedelta(days=30 * (i // 3))
        lines.append([str(i + 1), m.number, "", m.national_id, day.isoformat(), "30"])
    lines.append(["", "", "ยอดรวม", "", "", "3,600.00"])
    path = write_csv(tmp_path / "book.csv", book(lines))
    with translation.override("th"):
        got = refused(world.fund_a, path, dry_run=True)
    assert got == [
        (125, "จำนวนเงิน", "3,600.00", "ยอดรวมในสมุดเป็น 3,600.00 แต่รายการข้างบนรวมได้ 3,630.00")
    ]


def test_a_total_in_an_xlsx_without_a_label_is_recognised_by_its_shape(world, tmp_path):
    a, b, _c = world.members_a
    path = write_xlsx(
        tmp_path / "book.xlsx",
        book(
            [
                [1, a.number, None, a.national_id, dt.date(2024, 3, 15), 30],
                [2, b.number, None, b.national_id, dt.date(2024, 3, 15), 30],
                [None, None, None, None, None, 70],  # no label, no member, no ID: a total
            ]
        ),
    )
    got = refused(world.fund_a, path)
    assert [(r, col, v) for r, col, v, _why in got] == [(6, "จำนวนเงิน", "70")]


def test_a_brought_forward_balance_counts_in_the_grand_total_only(world, tmp_path):
    lines = [
        ["", "", "ยอดยกมา", "", "", "1,000.00"],
        *rows_of(world),
        ["", "", "รวมหน้านี้", "", "", "90"],
        ["", "", "รวมทั้งสิ้น", "", "", "1,090"],
    ]
    report = run(world.fund_a, write_csv(tmp_path / "book.csv", book(lines)))
    assert report.imported == 3 and report.totals_checked == 2
    assert report.total_amount == Decimal("90.00")


def test_a_member_called_ruamchai_pays_and_is_not_taken_for_a_total(world, tmp_path):
    fund = world.fund_a
    member = member_create(
        fund=fund,
        data=member_input(fund, nid=make_nid("310170023098"), first="รวมชัย", last="ทองดี"),
        actor=None,
        today=TODAY,
    )
    loose_number = member.number.lstrip("0")  # as a spreadsheet shows "00004": 4
    lines = [["1", loose_number, "รวมชัย ทองดี", member.national_id, "15/3/2567", "30"]]
    report = run(fund, write_csv(tmp_path / "book.csv", book(lines)))
    assert report.imported == 1 and report.skipped.get("total", 0) == 0
    assert ContributionPayment.objects.get().member == member


def test_a_member_register_with_a_member_called_ruamchai_imports_them(world, tmp_path):
    # no title before the name (the sex has its own column): the old importer took the row
    # for a total because a cell started with รวม, and dropped the member without a word
    header = ["ลำดับ", "ชื่อ", "นามสกุล", "เพศ", "เลขบัตรประชาชน", "วันเกิด", "หมู่ที่", "วันที่สมัคร"]
    lines = [
        [TITLE],
        header,
        ["1", "รวมชัย", "ทองดี", "ชาย", make_nid("350110012399"), "12/5/2505", "1", "1/7/2552"],
        ["2", "รวมใจ", "ทองดี", "หญิง", make_nid("350110012398"), "12/5/2507", "1", "1/7/2552"],
        ["", "รวม 2 คน", "", "", "", "", "", ""],
    ]
    report = members_import(
        fund=world.fund_a,
        path=write_csv(tmp_path / "register.csv", lines),
        actor=None,
        today=TODAY,
    )
    assert report.imported == 2 and report.skipped.get("total") == 1
    assert set(
        Member.objects.filter(fund=world.fund_a, last_name="ทองดี").values_list(
            "first_name", flat=True
        )
    ) == {"รวมชัย", "รวมใจ"}


def test_the_review_page_says_the_books_totals_agree(world, client, tmp_path):
    lines = [*rows_of(world), ["", "", "รวม", "", "", "90.-"]]
    data = write_csv(tmp_path / "book.csv", book(lines)).read_bytes()
    client.force_login(world.treasurer_a)
    response = client.post(
        f"/f/{world.fund_a.pk}/imports/",
        {"kind": "contributions", "file": SimpleUploadedFile("book.csv", data)},
    )
    page = client.get(response["Location"]).content.decode()
    assert "ยอดรวมในสมุดเอง ตรงกับรายการทุกยอด" in page

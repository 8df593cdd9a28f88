"""Reading files as they come from village computers, and guessing which column is which."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from kongtun.imports.mapping import (
    CONTRIBUTION_FIELDS,
    MEMBER_FIELDS,
    column_letter,
    find_header,
    guess_mapping,
    normalize_header,
)
from kongtun.imports.readers import ReadError, head_rows, open_table
from tests.imports.conftest import HEADER, book, write_csv, write_xlsx


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            ["ลำดับ", "เลขที่สมาชิก", "ชื่อ-สกุล", "วันที่ชำระ", "จำนวนเงิน (บาท)", "เลขที่ใบเสร็จ"],
            {"member_number": 1, "name": 2, "paid_on": 3, "amount": 4, "receipt_ref": 5},
        ),
        (
            ["ที่", "รหัสสมาชิก", "ชื่อ", "วันที่", "ยอดเงิน", "งวด"],
            {"member_number": 1, "name": 2, "paid_on": 3, "amount": 4, "periods": 5},
        ),
        (
            ["No.", "Member No.", "Name", "Date paid", "Amount", "Months", "Receipt no."],
            {
                "member_number": 1,
                "name": 2,
                "paid_on": 3,
                "amount": 4,
                "months": 5,
                "receipt_ref": 6,
            },
        ),
        (
            ["เลขสมาชิก", "ว/ด/ป", "เงินสัจจะ", "จำนวนเดือน", "ใบเสร็จเลขที่"],
            {"member_number": 0, "paid_on": 1, "amount": 2, "months": 3, "receipt_ref": 4},
        ),
    ],
)
def test_contribution_headers_are_guessed_in_thai_and_english(header, expected):
    assert guess_mapping(header, CONTRIBUTION_FIELDS) == expected


def test_member_headers_are_guessed_and_a_name_column_is_first_name_only_beside_a_last_name():
    thai = [
        "ลำดับ",
        "เลขที่สมาชิก",
        "ชื่อ-สกุล",
        "เลขบัตรประชาชน",
        "วันเกิด",
        "หมู่ที่",
        "อาชีพ",
        "วันที่สมัคร",
        "ผู้รับผลประโยชน์",
    ]
    assert guess_mapping(thai, MEMBER_FIELDS) == {
        "number": 1,
        "full_name": 2,
        "national_id": 3,
        "birth_date": 4,
        "village": 5,
        "occupation": 6,
        "join_date": 7,
        "beneficiary": 8,
    }
    split = ["คำนำหน้า", "ชื่อ", "นามสกุล", "ID card", "Date of birth", "Moo", "Joined", "Sex"]
    assert guess_mapping(split, MEMBER_FIELDS) == {
        "title": 0,
        "first_name": 1,
        "last_name": 2,
        "national_id": 3,
        "birth_date": 4,
        "village": 5,
        "join_date": 6,
        "sex": 7,
    }


def test_header_row_is_found_below_the_title_rows():
    rows = list(enumerate(book([["1", "00001", "x", "1/1/2567", "30", ""]]), 1))
    index = find_header(rows, CONTRIBUTION_FIELDS)
    assert rows[index][0] == 4 and rows[index][1] == HEADER


def test_header_normalization_and_column_letters():
    assert normalize_header(" จำนวนเงิน (บาท) ") == "จำนวนเงิน"
    assert normalize_header("Member No.") == "memberno"
    assert [column_letter(i) for i in (0, 25, 26, 27)] == ["A", "Z", "AA", "AB"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp874", "utf-16"])
def test_csv_encodings_of_thai_computers_are_recognized(tmp_path, encoding):
    path = write_csv(
        tmp_path / "book.csv",
        book([["1", "00001", "นางสมศรี ใจดี", "15/3/2567", "30.-", ""]]),
        encoding=encoding,
    )
    table = open_table(path)
    assert table.encoding == encoding
    rows = head_rows(table)
    assert rows[0] == (1, ["บัญชีเงินสัจจะ กองทุนสวัสดิการชุมชนตำบลทดสอบเอ อำเภอบ้านธิ จังหวัดลำพูน"])
    assert rows[4][1][2] == "นางสมศรี ใจดี"


def test_thai_text_after_a_long_ascii_start_still_decides_the_encoding(tmp_path):
    lines = [[str(i), "00001", "x", "1/1/2567", "30", ""] for i in range(30_000)]
    path = write_csv(
        tmp_path / "late.csv", [HEADER[:1] + ["a"] * 5, *lines, ["สมศรี"]], encoding="cp874"
    )
    assert open_table(path).encoding == "cp874"


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_csv_delimiters_are_sniffed(tmp_path, delimiter):
    path = write_csv(
        tmp_path / "book.csv",
        book([["1", "00001", "สมศรี, ใจดี", "15/3/2567", "1,234.50", ""]]),
        delimiter=delimiter,
    )
    table = open_table(path)
    assert table.delimiter == delimiter
    assert head_rows(table)[4][1][4] == "1,234.50"


def test_xlsx_rows_keep_their_spreadsheet_numbers_and_cell_types(tmp_path):
    path = write_xlsx(
        tmp_path / "book.xlsx",
        book([[1, "00001", "นางสมศรี ใจดี", dt.date(2024, 3, 15), 30, "1/001"]]),
    )
    table = open_table(path)
    assert table.sheets == ["เงินสัจจะ 2567"]
    rows = head_rows(table)
    assert rows[3] == (4, HEADER)
    assert rows[4][0] == 5 and rows[4][1][3] == dt.date(2024, 3, 15) and rows[4][1][4] == 30


def test_other_files_are_refused_with_a_reason(tmp_path):
    path = tmp_path / "book.pdf"
    path.write_bytes(b"%PDF-1.4")
    with pytest.raises(ReadError, match="CSV, XLSX"):
        open_table(path)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip")
    with pytest.raises(ReadError):
        open_table(broken)


def test_a_sheet_that_starts_lower_and_further_right_keeps_its_row_and_column_numbers(tmp_path):
    book_ = openpyxl.Workbook()
    sheet = book_.active
    sheet.cell(row=3, column=2, value="เลขที่สมาชิก")
    sheet.cell(row=3, column=3, value="จำนวนเงิน")
    sheet.cell(row=4, column=2, value="00001")
    sheet.cell(row=4, column=3, value=30)
    book_.save(tmp_path / "offset.xlsx")
    rows = head_rows(open_table(tmp_path / "offset.xlsx"))
    assert rows[2] == (3, ["", "เลขที่สมาชิก", "จำนวนเงิน"])
    assert rows[3] == (4, ["", "00001", 30.0])

"""Books as Thai treasurers keep them, written into tmp_path by the tests themselves."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest

TITLE = "บัญชีเงินสัจจะ กองทุนสวัสดิการชุมชนตำบลทดสอบเอ อำเภอบ้านธิ จังหวัดลำพูน"
HEADER = ["ลำดับ", "เลขที่สมาชิก", "ชื่อ-สกุล", "วันที่ชำระ", "จำนวนเงิน", "เลขที่ใบเสร็จ"]


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path):
    settings.KONGTUN_IMPORT_DIR = str(tmp_path / "uploads")


def write_csv(
    path: Path, rows: list[list], *, encoding: str = "utf-8", delimiter: str = ","
) -> Path:
    with open(path, "w", encoding=encoding, newline="") as f:
        csv.writer(f, delimiter=delimiter).writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "เงินสัจจะ 2567"
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def book(lines: list[list], *, title: bool = True) -> list[list]:
    """Title rows, a blank row, the header, then the lines."""
    head = [[TITLE], ["ประจำปีบัญชี 2567"], []] if title else []
    return [*head, HEADER, *lines]

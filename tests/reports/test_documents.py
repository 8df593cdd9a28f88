"""The reports as pages, PDFs (Thai text copied out intact, no word broken across lines) and
spreadsheets (read back), and who may see them."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import shutil
import subprocess
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from pythainlp.corpus import thai_words
from pythainlp.tokenize import word_tokenize

from kongtun.core.money import amount_in_thai_words
from tests.reports.conftest import Books

pytestmark = pytest.mark.django_db
THAI = range(0x0E00, 0x0E80)


def pdf_text(content: bytes, tmp_path) -> str:
    """The text a reader copies out of the PDF, in drawing order."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def is_thai(ch: str) -> bool:
    return ord(ch) in THAI


def broken_words(text: str) -> list[str]:
    """Line ends inside a Thai word. Where a line ends and the next begins with Thai letters,
    the break must fall between words: the dictionary (PyThaiNLP) sees a word boundary there
    in the joined text, or the line ends with a whole word and the next starts with one (a
    break inside a compound such as ผลการ|พิจารณา; words of three letters or more, so that
    สวัสดิ|การ does not pass as …ดิ + การ)."""
    words = thai_words()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    broken = []
    for upper, lower in itertools.pairwise(lines):
        if not (is_thai(upper[-1]) and is_thai(lower[0])):
            continue
        tail = upper.split(" ")[-1][-15:]
        head = lower.split(" ")[0][:15]
        cuts, pos = set(), 0
        for token in word_tokenize(tail + head, engine="newmm", keep_whitespace=False):
            pos += len(token)
            cuts.add(pos)
        if len(tail) in cuts:
            continue
        last = word_tokenize(tail, engine="newmm", keep_whitespace=False)[-1]
        first = word_tokenize(head, engine="newmm", keep_whitespace=False)[0]
        if len(last) > 2 and len(first) > 2 and last in words and first in words:
            continue
        broken.append(f"{tail}|{head}")
    return broken


def test_the_line_break_check_catches_a_broken_word():
    assert broken_words("รหัสที่ค\nำนวณ\nกรุ\nณาเก็บไว้") == ["รหัสที่ค|ำนวณ", "กรุ|ณาเก็บไว้"]
    assert broken_words("ทุกคนตรวจสอบ\nสวัสดิการ\nผลการ\nพิจารณา") == []


def get(client, world, path: str, **params):
    client.force_login(world.chair_a)
    return client.get(f"/f/{world.fund_a.pk}/reports/{path}", params)


def test_monthly_report_page_and_pdf(books, world, client, tmp_path):
    page = get(client, world, "monthly/", month="2024-03")
    assert page.status_code == 200
    html = page.content.decode()
    assert "12,561.84" in html and "15,000.00" in html

    response = get(client, world, "monthly/", month="2024-03", format="pdf")
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    one_line = " ".join(text.split())
    # Thai words copied out as typed: SARA AM, tone marks, the fund, the month.
    for words in (
        "รายงานประจำเดือน มีนาคม 2567",
        "กองทุนเอ",
        "ยอดยกมา",
        "เงินสัจจะสมาชิก",
        "ค่าสมัครสมาชิก",
        "วัยเด็กและการศึกษา",
        "เสียชีวิตและจัดการศพ",
        "ย้ายภูมิลำเนาเพราะน้ำท่วม",
        "สมหมาย มาใหม่",
        "12,561.84",
    ):
        assert words in one_line, words
    # The closing balance in Thai words, intact.
    words = amount_in_thai_words(Books.closing)
    assert words == "หนึ่งหมื่นสองพันห้าร้อยหกสิบเอ็ดบาทแปดสิบสี่สตางค์"
    assert words in text.replace("\n", "")
    assert broken_words(text) == []


def test_monthly_report_in_english_and_as_a_spreadsheet(books, world, client, tmp_path):
    response = get(client, world, "monthly/", month="2024-03", format="pdf", lang="en")
    text = pdf_text(response.content, tmp_path)
    assert "Monthly report March 2024" in " ".join(text.split())

    response = get(client, world, "monthly/", month="2024-03", format="xlsx")
    assert response["Content-Disposition"].endswith('.xlsx"')
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb.worksheets[0]
    values = [row[1] for row in ws.iter_rows(min_row=1, values_only=True) if len(row) > 1]
    amounts = [Decimal(str(v)) for v in values if isinstance(v, int | float)]
    for figure in (Books.opening, Books.money_in, Books.benefits, Books.closing):
        assert figure in amounts
    assert ws.cell(row=1, column=1).value.startswith("กองทุนเอ")
    assert "ประชุม" not in ws.title  # a sheet per part, titled in Thai
    assert [s.title for s in wb.worksheets][:2] == ["การเงิน", "สมาชิก"]


def test_annual_report_pdf_words_charts_and_spreadsheet(books, world, client, tmp_path):
    page = get(client, world, "annual/", year="2567")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("<svg") == 4 and "19,049.34" in html

    text = pdf_text(get(client, world, "annual/", year="2567", format="pdf").content, tmp_path)
    one_line = " ".join(text.split())
    for words in (
        "รายงานประจำปีต่อที่ประชุมใหญ่ ปีบัญชี 2567",
        "งบรายรับ-รายจ่าย",
        "งบดุล",
        "19,049.34",
        "สวัสดิการกรณีคลอดบุตร",
        "หมู่ 1",
        "50–59",
        "เดือนที่ปิดงวดแล้ว",
    ):
        assert words in one_line, words
    assert amount_in_thai_words(Decimal("13698.84")) in text.replace("\n", "")
    assert broken_words(text) == []

    wb = load_workbook(
        io.BytesIO(get(client, world, "annual/", year="2567", format="xlsx").content)
    )
    ie = wb.worksheets[0]
    totals = {row[1]: row[2] for row in ie.iter_rows(values_only=True) if len(row) > 2}
    assert Decimal(str(totals["รวมรายรับ"])) == Decimal("19049.34")
    members = wb["การเป็นสมาชิก"] if "การเป็นสมาชิก" in wb.sheetnames else wb.worksheets[3]
    assert ["รวม", 1, 1, 2] in [list(r[:4]) for r in members.iter_rows(values_only=True)]


def test_member_statement_for_the_committee_and_the_member_only(books, world, client, tmp_path):
    a0, a1 = world.members_a[0], world.members_a[1]
    fund = world.fund_a
    client.force_login(world.chair_a)
    detail = client.get(f"/f/{fund.pk}/members/{a0.pk}/").content.decode()
    assert f"/f/{fund.pk}/reports/members/{a0.pk}/" in detail
    response = client.get(f"/f/{fund.pk}/reports/members/{a0.pk}/", {"format": "pdf"})
    text = pdf_text(response.content, tmp_path)
    one_line = " ".join(text.split())
    assert a0.full_name in one_line and "รายงานสมาชิกรายบุคคล" in one_line
    assert "หกสิบบาทถ้วน" in text.replace("\n", "")
    xlsx = client.get(f"/f/{fund.pk}/reports/members/{a0.pk}/", {"format": "xlsx"})
    wb = load_workbook(io.BytesIO(xlsx.content))
    assert wb.worksheets[0].cell(row=2, column=1).value.startswith(a0.number)

    client.force_login(world.member_login_a)  # the login of a0
    assert client.get(f"/f/{fund.pk}/reports/members/{a0.pk}/").status_code == 200
    assert client.get(f"/f/{fund.pk}/reports/members/{a1.pk}/").status_code == 404
    assert client.get(f"/f/{fund.pk}/reports/monthly/").status_code == 403
    assert client.get(f"/f/{fund.pk}/reports/").status_code == 200


def test_coordinator_reads_reports_and_bad_periods_are_not_found(books, world, client):
    client.force_login(world.coordinator)
    fund = world.fund_a
    for path in ("", "monthly/?month=2024-03", "annual/?year=2567", "verify/"):
        assert client.get(f"/f/{fund.pk}/reports/{path}").status_code == 200, path
    assert client.get(f"/f/{fund.pk}/reports/monthly/?month=1990-01").status_code == 404
    assert client.get(f"/f/{fund.pk}/reports/annual/?year=2400").status_code == 404


def test_matching_request_and_its_reconciliation_as_pdf(books, world, client, tmp_path):
    from kongtun.mobilization.models import MembersRule
    from kongtun.mobilization.services import (
        RequestInput,
        agency_create,
        matching_request_create,
    )

    fund = world.fund_a
    agency = agency_create(fund=fund, name="องค์การบริหารส่วนตำบลเอ", kind="local_gov")
    mreq = matching_request_create(
        fund=fund,
        data=RequestInput(
            agency_id=agency.pk,
            period_start=dt.date(2024, 1, 1),
            period_end=dt.date(2024, 12, 31),
            ratio=Decimal("1"),
            cap_per_member_year=None,
            members_rule=MembersRule.ALL_WHO_PAID,
        ),
        actor=None,
    )
    client.force_login(world.chair_a)
    assert client.get(f"/f/{fund.pk}/reports/matching/{mreq.pk}/").status_code == 200
    response = client.get(f"/f/{fund.pk}/reports/matching/{mreq.pk}/", {"format": "pdf"})
    text = pdf_text(response.content, tmp_path)
    one_line = " ".join(text.split())
    assert "บัญชีรายชื่อสมาชิกและจำนวนเงินสมทบที่ขอรับ" in one_line
    assert "องค์การบริหารส่วนตำบลเอ" in one_line and "การกระทบยอด" in one_line
    assert "หกสิบบาทถ้วน" in text.replace("\n", "")  # a0 paid 60 in 2024

"""Exports carry the Thai factor names; the evidence panel says what the books know."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from kongtun.assessment.evidence import MonthInfo, factor_evidence
from kongtun.assessment.models import Factor
from kongtun.assessment.services import RespondentInput, respondent_submit
from kongtun.assessment.social_security import comparison_on
from tests.assessment.samples import make_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(world):
    rnd = make_round(world.fund_a)
    qids = list(rnd.round_questions.order_by("position").values_list("question_id", flat=True))
    for group, base in (("committee", 4), ("member", 3), ("volunteer", 2)):
        respondent_submit(
            round=rnd,
            data=RespondentInput(
                group=group, answers={q: base + (i % 2) for i, q in enumerate(qids)}
            ),
            actor=None,
        )
    return rnd


def test_xlsx_has_the_thai_factor_names_and_no_names_of_people(answered, world, client):
    respondent_submit(
        round=answered,
        data=RespondentInput(
            group="leader",
            name="บุญมี ศรีสุข",
            answers={answered.round_questions.first().question_id: 4},
        ),
        actor=None,
    )
    client.force_login(world.chair_a)
    response = client.get(f"/f/{world.fund_a.pk}/assessment/rounds/{answered.pk}/export.xlsx")
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    cells = {str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value}
    for factor in Factor.objects.all():
        assert factor.name_th in cells
    assert not any("บุญมี" in c for c in cells)
    first = wb.worksheets[0]
    header = [c.value for c in first[5]]
    assert header[:3] == ["#", "อักษร", "ปัจจัย (ไทย)"]


def _pdf_text(content: bytes, tmp_path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "r.pdf"
    path.write_bytes(content)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
    return out.stdout.decode()


def _thai_key(text: str) -> str:
    """pdftotext maps Sarabun's SARA AM and SARA AA glyphs loosely; compare without them."""
    return "".join(ch for ch in text if ch not in "\u0e32\u0e33\u0e4d").replace(" ", "")


def test_pdf_has_the_thai_factor_names(answered, world, client, tmp_path):
    client.force_login(world.chair_a)
    response = client.get(f"/f/{world.fund_a.pk}/assessment/rounds/{answered.pk}/export.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    text = _thai_key(_pdf_text(response.content, tmp_path))
    assert _thai_key("แรงจูงใจ") in text
    assert _thai_key(Factor.objects.get(code="transparency_teamwork").name_th) in text
    assert _thai_key("ประกันสังคม") in text or "Section 40" in text


class FakeBooks:
    """The interface the ledger answers, with known figures."""

    def months_closed(self, fund, start, end):
        months = []
        m = start
        while m <= end:
            nxt = (m + dt.timedelta(days=32)).replace(day=1)
            closed = nxt.replace(day=10) if m.month % 2 else nxt.replace(day=25)
            months.append(MonthInfo(m, closed, None))
            m = nxt
        return months

    def income_by_source(self, fund, start, end):
        return {
            "members": Decimal("7500.00"),
            "agencies": Decimal("2500.00"),
            "other": Decimal("0"),
        }

    def benefits_paid(self, fund, start, end):
        return Decimal("3000.00")


def test_evidence_without_the_books_says_not_available_yet(world):
    items = factor_evidence(fund=world.fund_a, as_of=dt.date(2026, 11, 25), use_books=False)
    assert all(not item.available for group in items.values() for item in group)
    assert str(items["transparency_teamwork"][0].label)


def test_evidence_from_the_books(world):
    items = factor_evidence(fund=world.fund_a, as_of=dt.date(2026, 11, 25), books=FakeBooks())
    on_time = items["transparency_teamwork"][0]
    assert on_time.value == "6 จาก 12"  # odd months closed on the 10th, even on the 25th
    assert not items["transparency_teamwork"][1].available  # publishing is not known
    assert items["mobilized_resources"][0].value == "25%"
    assert items["social_security"][0].value == "1,000.00"  # 3,000 baht, 3 active members


def test_social_security_comparison_is_dated_and_marks_unconfirmed_figures():
    before = {r.code: r for r in comparison_on(dt.date(2024, 1, 1))}
    after = {r.code: r for r in comparison_on(dt.date(2026, 1, 1))}
    assert before["contribution"].cells[0].amount == Decimal(70)
    assert before["contribution"].cells[2].amount == Decimal(300)
    assert before["death"].cells[2].amount == Decimal(50000)
    assert "50 " in before["outpatient"].cells[0].th
    assert "200 บาท/ครั้ง" in after["outpatient"].cells[0].th  # the 2025 decree
    assert not after["disability"].cells[0].confirmed
    assert not before["maternity"].cells[3].confirmed


def test_results_page_shows_the_evidence_panel_and_the_unconfirmed_label(answered, world, client):
    client.force_login(world.chair_a)
    page = client.get(f"/f/{world.fund_a.pk}/assessment/rounds/{answered.pk}/").content.decode()
    assert "มาตรา 40" in page and "มาตรา 33" in page
    assert "ยังไม่ยืนยัน" in page  # "unconfirmed"


def test_pdf_text_copies_out_exactly_with_sara_am(answered, world, client):
    """Through the reports' one font set-up, every factor name comes back exactly as given,
    SARA AM included (issue 16: "ตาบล" for "ตำบล")."""
    from pypdf import PdfReader

    client.force_login(world.chair_a)
    response = client.get(f"/f/{world.fund_a.pk}/assessment/rounds/{answered.pk}/export.pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    text = "".join(text.split())
    names = [f.name_th for f in Factor.objects.all() if "ำ" in f.name_th]
    assert names
    for name in names:
        assert "".join(name.split()) in text

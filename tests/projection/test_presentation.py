"""What a committee reads: every projection page, the PDF and the spreadsheet of a run on two
regulations show figures as people write them (no raw floats such as 0.9109999999999999),
benefits by their names (not their codes), and no notes addressed to developers."""

from __future__ import annotations

import html
import io
import re

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from kongtun.projection.models import ProjectionRun
from tests.projection.test_views import home, inline_runs, run_one  # noqa: F401

pytestmark = pytest.mark.django_db

#: a number with five or more decimals: nobody writes 0.45899999999999996 or 3.14159
RAW_FLOAT = re.compile(r"\d\.\d{5,}")
#: what only a developer would write: approximation codes, module or function names, notes
DEVELOPER = re.compile(
    r"\bA\d\b|\bTODO\b|\bFIXME\b|\w+\.py\b|\b[a-z]+_[a-z_]+\b|\bdecide\(|\bthe tests\b|การทดสอบ"
)


def visible_text(page: str) -> str:
    """The text a reader sees: no tags, styles, scripts or attribute values."""
    page = re.sub(r"<(style|script)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r"<[^>]*>", " ", page)
    return html.unescape(page)


def benefit_codes(run: ProjectionRun) -> set[str]:
    return {b["code"] for reg in run.parameters["regulations"] for b in reg.get("benefits", [])}


def check(text: str, where: str, codes: set[str]) -> list[str]:
    problems = [f"{where}: raw number {m.group()!r}" for m in RAW_FLOAT.finditer(text)]
    problems += [f"{where}: developer note {m.group()!r}" for m in DEVELOPER.finditer(text)]
    problems += [
        f"{where}: benefit code {code!r}"
        for code in codes
        if re.search(rf"(?<![\w/.-]){re.escape(code)}(?![\w/.-])", text)
    ]
    return problems


def test_every_projection_page_the_pdf_and_the_spreadsheet_read_as_a_committee_writes(
    world, client
):
    response = run_one(world, client, title="ทดลอง")
    run = ProjectionRun.objects.get(fund=world.fund_a)
    base = response["Location"]
    codes = benefit_codes(run)
    assert {"hospital", "outpatient", "funeral"} <= codes
    problems: list[str] = []
    pages = {
        "assumptions form": home(world) + f"?from={run.pk}",
        "result": base,
        "second regulation": base + "?reg=1",
        "compare": base + "compare/",
        "sensitivity": base + "sensitivity/",
        "solver": base + "solve/",
    }
    for where, url in pages.items():
        reply = client.get(url)
        assert reply.status_code == 200, where
        problems += check(visible_text(reply.content.decode()), where, codes)
    answer = client.post(base + "solve/", {"reg": "0", "horizon": "10", "risk": "5"})
    problems += check(visible_text(answer.content.decode()), "solver answers", codes)
    svg = client.get(base + "chart.svg?kind=compare").content.decode()
    problems += check(visible_text(svg), "chart", codes)

    pdf = client.get(base + "report.pdf").content
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "นอนโรงพยาบาล" in text  # benefits by name
    problems += check(text, "PDF", codes)

    book = load_workbook(io.BytesIO(client.get(base + "report.xlsx").content))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    problems += check(cell.value, f"{sheet.title}!{cell.coordinate}", codes)
                elif isinstance(cell.value, float) and cell.number_format == "General":
                    if RAW_FLOAT.search(repr(cell.value)):
                        problems.append(f"{sheet.title}!{cell.coordinate}: shown as {cell.value}")
    problems = [p for p in problems if "chair_a" not in p]  # the signed-in user's name
    assert problems == [], "\n".join(problems)

"""Spreadsheet bombs (issue 12): a small file that unpacks to a huge sheet is refused before it
is parsed, with a message saying what is too big; CSV rows and columns are limited too."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
import python_calamine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from kongtun.contributions.models import ContributionPayment
from kongtun.imports.readers import ReadError, ReadLimits, head_rows, open_table
from kongtun.imports.services import ImportRejected, contributions_import
from tests.conftest import TODAY
from tests.imports.conftest import book, write_csv, write_xlsx

_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
        'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType='
        '"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
        'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.'
        'org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" '
        'r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
        'schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}
_ROW = b'<row><c t="inlineStr"><is><t>00001</t></is></c><c><v>30</v></c></row>'


def xlsx_bomb(path: Path, *, rows: int = 0, body: bytes = b"", dimension: str = "") -> Path:
    """A valid XLSX written directly (openpyxl would take minutes for a million rows): the
    sheet's rows are one row repeated, so it compresses to a few hundred kilobytes."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in _PARTS.items():
            z.writestr(name, text)
        with z.open("xl/worksheets/sheet1.xml", "w") as f:
            f.write(
                b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
                b'openxmlformats.org/spreadsheetml/2006/main">'
            )
            if dimension:
                f.write(b'<dimension ref="%s"/>' % dimension.encode())
            f.write(b"<sheetData>")
            block = _ROW * 10_000
            for _ in range(rows // 10_000):
                f.write(block)
            f.write(body + b"</sheetData></worksheet>")
    return path


@pytest.fixture
def no_calamine(monkeypatch):
    """The refusal must come before the spreadsheet is parsed: calamine is never asked."""

    def refuse(*args, **kwargs):
        raise AssertionError("calamine was asked to read the bomb")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_path", refuse)


def test_a_small_xlsx_of_a_million_rows_is_refused_before_it_is_parsed(tmp_path, no_calamine):
    path = xlsx_bomb(tmp_path / "bomb.xlsx", rows=1_000_000)
    assert path.stat().st_size < 500_000  # the file: 402 KB
    with translation.override("en"), pytest.raises(ReadError) as exc:
        open_table(path)
    assert str(exc.value).startswith("The file has more than 200,000 rows")
    with translation.override("th"), pytest.raises(ReadError) as exc:
        open_table(path)
    assert "200,000" in str(exc.value) and "แถว" in str(exc.value)


def test_the_import_refuses_the_bomb_naming_the_file(world, tmp_path, no_calamine):
    path = xlsx_bomb(tmp_path / "bomb.xlsx", rows=1_000_000)
    with translation.override("en"), pytest.raises(ImportRejected) as exc:
        contributions_import(fund=world.fund_a, path=path, actor=None, today=TODAY, dry_run=True)
    (problem,) = exc.value.problems
    assert (problem.row, problem.value) == (0, "bomb.xlsx")
    assert "more than 200,000 rows" in problem.reason


def test_the_upload_page_refuses_the_bomb_with_a_clear_message(client, world, tmp_path):
    data = xlsx_bomb(tmp_path / "bomb.xlsx", rows=1_000_000).read_bytes()
    client.force_login(world.treasurer_a)
    url = reverse("imports_start", kwargs={"fund_id": world.fund_a.pk})
    response = client.post(
        url, {"kind": "contributions", "file": SimpleUploadedFile("bomb.xlsx", data)}
    )
    assert response.status_code == 200
    assert "200,000" in response.content.decode()
    assert ContributionPayment.objects.count() == 0


def test_a_sparse_sheet_whose_last_cell_is_far_away_is_refused(tmp_path, no_calamine):
    # two cells, A1 and XFD1048576: calamine would hold the 17-billion-cell block between
    far = b'<row r="1"><c r="A1"><v>1</v></c></row>'
    far += b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    with translation.override("en"), pytest.raises(ReadError) as exc:
        open_table(xlsx_bomb(tmp_path / "sparse.xlsx", body=far))
    assert str(exc.value).startswith("The file has more than 200,000 rows")
    wide = b'<row r="1"><c r="A1"><v>1</v></c><c r="ZZ1"><v>1</v></c></row>'
    with translation.override("en"), pytest.raises(ReadError) as exc:
        open_table(xlsx_bomb(tmp_path / "wide.xlsx", body=wide))
    assert "more than 200 columns" in str(exc.value)


def test_a_declared_dimension_beyond_the_limits_is_refused(tmp_path, no_calamine):
    path = xlsx_bomb(tmp_path / "dim.xlsx", body=_ROW, dimension="A1:XFD1048576")
    with translation.override("en"), pytest.raises(ReadError) as exc:
        open_table(path)
    assert str(exc.value).startswith("The file has more than 200,000 rows")


def test_a_used_area_of_too_many_cells_is_refused(tmp_path, settings, no_calamine):
    settings.KONGTUN_IMPORT_MAX_CELLS = 1000
    body = b'<row r="1"><c r="A1"><v>1</v></c></row><row r="100"><c r="AB100"><v>1</v></c></row>'
    with translation.override("en"), pytest.raises(ReadError) as exc:
        open_table(xlsx_bomb(tmp_path / "area.xlsx", body=body))
    assert "100 rows by 28 columns, more than 1,000 cells" in str(exc.value)


def test_the_uncompressed_size_is_limited_whatever_the_zip_directory_says(tmp_path, settings):
    settings.KONGTUN_IMPORT_MAX_UNPACKED_MB = 1
    path = xlsx_bomb(tmp_path / "big.xlsx", rows=20_000)  # about 1.4 MB of XML
    with translation.override("en"), pytest.raises(ReadError) as exc:
        open_table(path)
    assert "unpacks to more than 1.0" in str(exc.value)


def test_a_normal_xlsx_book_within_the_limits_still_reads(tmp_path):
    path = write_xlsx(tmp_path / "book.xlsx", book([["1", "00001", "ก", "1/3/2567", 30, "1"]]))
    rows = head_rows(open_table(path))
    assert rows[-1][1][1] == "00001"


def test_csv_rows_and_columns_are_limited_as_they_stream(tmp_path, settings):
    settings.KONGTUN_IMPORT_MAX_ROWS = 50
    path = write_csv(tmp_path / "long.csv", [["00001", "1/3/2567", "30"]] * 51)
    table = open_table(path)
    with translation.override("en"), pytest.raises(ReadError) as exc:
        list(table.rows())
    assert "more than 50 rows" in str(exc.value)
    assert len(list(open_table(write_csv(tmp_path / "ok.csv", [["1"]] * 50)).rows())) == 50

    settings.KONGTUN_IMPORT_MAX_COLUMNS = 10
    wide = write_csv(tmp_path / "wide.csv", [["a", "b"], ["x"] * 11])
    with translation.override("en"), pytest.raises(ReadError) as exc:
        list(open_table(wide).rows())
    assert str(exc.value) == "Row 2 has more than 10 columns; keep only the book's columns."


def test_the_command_can_raise_the_row_limit_for_a_bigger_book(tmp_path):
    path = xlsx_bomb(tmp_path / "big.xlsx", rows=300_000)
    with pytest.raises(ReadError):
        open_table(path)
    open_table(path, limits=ReadLimits.from_settings(rows=300_001))  # accepted

"""Read the tables treasurers keep: CSV (any of the encodings Thai computers save) and
spreadsheets (XLSX, XLS, ODS).

Rows are streamed as ``(row number as the user sees it, cells)``; cells are what the file holds
(text for CSV; text, numbers, dates for spreadsheets). Nothing here knows about members or
money: ``mapping`` finds the header, ``services`` interprets the cells.

Spreadsheets are read with python-calamine (Rust's calamine): it reads XLSX, the old XLS that
village computers still save, and ODS (LibreOffice), and is several times faster than
openpyxl's read-only mode.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext_lazy as _

CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
SHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
SUFFIXES = CSV_SUFFIXES | SHEET_SUFFIXES
DELIMITERS = (",", "\t", ";", "|")
_SAMPLE = 256 * 1024


class ReadError(ValueError):
    """The file cannot be read as a table (message in the user's language)."""


@dataclass
class Table:
    """An opened file: how it was read, and its rows on demand (each call starts again)."""

    path: Path
    filename: str
    kind: str  # "csv" or "sheet"
    encoding: str = ""
    delimiter: str = ""
    sheet: str = ""
    sheets: list[str] = field(default_factory=list)
    size: int = 0

    def rows(self) -> Iterator[tuple[int, list]]:
        if self.kind == "csv":
            return self._csv_rows()
        return self._sheet_rows()

    def raw_csv_rows(self) -> Iterator[list[str]]:
        """CSV records without numbers (the importer numbers them itself, for speed)."""
        handle = open(self.path, encoding=self.encoding, newline="")
        return _closing_reader(handle, self.delimiter)

    def _csv_rows(self) -> Iterator[tuple[int, list]]:
        reader = self.raw_csv_rows()
        try:
            yield from enumerate(reader, 1)
        finally:
            reader.close()

    def _sheet_rows(self) -> Iterator[tuple[int, list]]:
        from python_calamine import CalamineWorkbook

        try:
            book = CalamineWorkbook.from_path(str(self.path))
            sheet = book.get_sheet_by_name(self.sheet) if self.sheet else book.get_sheet_by_index(0)
            first_col = sheet.start[1] if sheet.start else 0
            rows = sheet.iter_rows()
        except Exception as exc:  # calamine raises its own error types
            raise ReadError(
                _("The spreadsheet cannot be read (%(error)s).") % {"error": exc}
            ) from exc
        # calamine's rows start at the sheet's first row, but at its first used column
        pad = [""] * first_col
        for i, row in enumerate(rows, 1):
            yield i, (pad + list(row)) if first_col else list(row)

    def estimate_rows(self) -> int | None:
        """How many rows there are, for a progress bar (CSV: lines; sheet: its height)."""
        if self.kind == "csv":
            with open(self.path, "rb") as f:
                return sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))
        try:
            from python_calamine import CalamineWorkbook

            book = CalamineWorkbook.from_path(str(self.path))
            sheet = book.get_sheet_by_name(self.sheet) if self.sheet else book.get_sheet_by_index(0)
            return sheet.total_height
        except Exception:
            return None


def _closing_reader(handle: io.TextIOBase, delimiter: str) -> Iterator[list[str]]:
    try:
        yield from csv.reader(handle, delimiter=delimiter)
    except UnicodeDecodeError:
        raise ReadError(
            _("The file mixes text encodings; save it again as CSV UTF-8 and upload that.")
        ) from None
    except csv.Error as exc:
        raise ReadError(_("The CSV file is damaged (%(error)s).") % {"error": exc}) from None
    finally:
        handle.close()


def sniff_encoding(path: Path) -> str:
    """utf-8-sig (BOM, as Excel writes "CSV UTF-8"), utf-16 (Excel's "Unicode text"), utf-8,
    or cp874 (Thai Windows, a superset of TIS-620), judged on the first non-ASCII bytes."""
    with open(path, "rb") as f:
        head = f.read(4)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        f.seek(0)
        while chunk := f.read(_SAMPLE):
            if chunk.isascii():
                continue
            start = max(0, next(i for i, b in enumerate(chunk) if b >= 0x80) - 4)
            decoder = codecs.getincrementaldecoder("utf-8")()
            try:
                decoder.decode(chunk[start:], final=False)
                return "utf-8"
            except UnicodeDecodeError:
                pass
            try:
                chunk.decode("cp874")
                return "cp874"
            except UnicodeDecodeError:
                raise ReadError(
                    _("The file's text encoding is not recognized; save it as CSV UTF-8.")
                ) from None
    return "utf-8"


def sniff_delimiter(sample: str) -> str:
    """The delimiter giving the most lines with the same number (> 1) of fields."""
    lines = [line for line in sample.splitlines()[:60] if line.strip()]
    best, best_score = ",", (0, 0)
    for delim in DELIMITERS:
        counts = Counter(len(r) for r in csv.reader(lines, delimiter=delim) if len(r) > 1)
        if not counts:
            continue
        width, freq = counts.most_common(1)[0]
        score = (freq, width)
        if score > best_score:
            best, best_score = delim, score
    return best


def open_table(path: str | Path, *, filename: str = "", sheet: str = "") -> Table:
    """Open a CSV or spreadsheet file, sniffing how it was written."""
    path = Path(path)
    filename = filename or path.name
    suffix = Path(filename).suffix.lower() or path.suffix.lower()
    size = path.stat().st_size
    if suffix in CSV_SUFFIXES:
        encoding = sniff_encoding(path)
        with open(path, encoding=encoding, errors="replace", newline="") as f:
            sample = f.read(64 * 1024)
        delimiter = "\t" if suffix == ".tsv" else sniff_delimiter(sample)
        return Table(path, filename, "csv", encoding=encoding, delimiter=delimiter, size=size)
    if suffix in SHEET_SUFFIXES:
        from python_calamine import CalamineWorkbook

        try:
            book = CalamineWorkbook.from_path(str(path))
            names = list(book.sheet_names)
        except Exception as exc:
            raise ReadError(
                _("The spreadsheet cannot be read (%(error)s).") % {"error": exc}
            ) from exc
        if sheet and sheet not in names:
            raise ReadError(_("The file has no sheet “%(sheet)s”.") % {"sheet": sheet})
        return Table(path, filename, "sheet", sheet=sheet or "", sheets=names, size=size)
    raise ReadError(
        _("Upload a CSV, XLSX, XLS or ODS file (this one ends in “%(suffix)s”).")
        % {"suffix": suffix or "?"}
    )


def file_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def cell_text(value: object) -> str:
    """A cell as the user would read it back (for reports and previews)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def head_rows(table: Table, n: int = 40) -> list[tuple[int, list]]:
    """The first n rows (header guessing, previews)."""
    out = []
    rows = table.rows()
    try:
        for item in rows:
            out.append(item)
            if len(out) >= n:
                break
    finally:
        rows.close()
    return out

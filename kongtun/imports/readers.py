"""Read the tables treasurers keep: CSV (any of the encodings Thai computers save) and
spreadsheets (XLSX, XLS, ODS).

Rows are streamed as ``(row number as the user sees it, cells)``; cells are what the file holds
(text for CSV; text, numbers, dates for spreadsheets). Nothing here knows about members or
money: ``mapping`` finds the header, ``services`` interprets the cells.

Spreadsheets are read with python-calamine (Rust's calamine): it reads XLSX, the old XLS that
village computers still save, and ODS (LibreOffice), and is several times faster than
openpyxl's read-only mode.

Limits (``ReadLimits``): calamine holds a whole sheet in memory, as a dense block from its first
to its last used cell, so a file is refused before it is handed over when it would be too big.
A zipped spreadsheet (XLSX, ODS, XLSB) is checked first: the uncompressed sizes its directory
declares, then every part inflated as a stream (never more than the limit, whatever the
directory says) while the worksheets' rows, cell columns and declared dimension are counted —
a 400 KB XLSX of a million rows is refused after reading its first rows' worth of XML. CSV rows
and columns are counted as they stream.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import re
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
SHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
SUFFIXES = CSV_SUFFIXES | SHEET_SUFFIXES
DELIMITERS = (",", "\t", ";", "|")
_SAMPLE = 256 * 1024
ZIPPED_SUFFIXES = {".xlsx", ".xlsm", ".xlsb", ".ods"}


class ReadError(ValueError):
    """The file cannot be read as a table (message in the user's language)."""


@dataclass(frozen=True)
class ReadLimits:
    """How big a table may be. Defaults from settings (``KONGTUN_IMPORT_MAX_ROWS``,
    ``KONGTUN_IMPORT_MAX_COLUMNS``, ``KONGTUN_IMPORT_MAX_CELLS``,
    ``KONGTUN_IMPORT_MAX_UNPACKED_MB``); ``import_contributions --max-rows`` raises the rows."""

    rows: int = 200_000
    columns: int = 200
    cells: int = 4_000_000  # a sheet's used area, rows × columns, as calamine holds it
    unpacked: int = 200 * 1024 * 1024  # a zipped spreadsheet's parts, uncompressed

    @classmethod
    def from_settings(cls, **overrides: int) -> ReadLimits:
        values = {
            "rows": getattr(settings, "KONGTUN_IMPORT_MAX_ROWS", cls.rows),
            "columns": getattr(settings, "KONGTUN_IMPORT_MAX_COLUMNS", cls.columns),
            "cells": getattr(settings, "KONGTUN_IMPORT_MAX_CELLS", cls.cells),
            "unpacked": getattr(settings, "KONGTUN_IMPORT_MAX_UNPACKED_MB", cls.unpacked >> 20)
            << 20,
        }
        values |= {k: v for k, v in overrides.items() if v}
        return cls(**values)

    def too_many_rows(self) -> ReadError:
        return ReadError(
            _(
                "The file has more than %(rows)s rows; import the book in parts, or ask the "
                "administrator to import it with the command line."
            )
            % {"rows": f"{self.rows:,}"}
        )

    def too_many_columns(self, row: int | None = None) -> ReadError:
        if row:
            return ReadError(
                _("Row %(row)s has more than %(columns)s columns; keep only the book's columns.")
                % {"row": row, "columns": f"{self.columns:,}"}
            )
        return ReadError(
            _("The sheet has more than %(columns)s columns; keep only the book's columns.")
            % {"columns": f"{self.columns:,}"}
        )

    def too_many_cells(self, rows: int, columns: int) -> ReadError:
        return ReadError(
            _(
                "The sheet's used area is %(rows)s rows by %(columns)s columns, more than "
                "%(cells)s cells; delete the rows and columns beyond the book and save again."
            )
            % {"rows": f"{rows:,}", "columns": f"{columns:,}", "cells": f"{self.cells:,}"}
        )

    def too_big_unpacked(self) -> ReadError:
        return ReadError(
            _(
                "The spreadsheet unpacks to more than %(size)s; save the book's sheet alone, or "
                "as CSV."
            )
            % {"size": filesizeformat(self.unpacked)}
        )

    def check_area(self, rows: int, columns: int) -> None:
        if rows > self.rows:
            raise self.too_many_rows()
        if columns > self.columns:
            raise self.too_many_columns()
        if rows * columns > self.cells:
            raise self.too_many_cells(rows, columns)


_DIMENSION = re.compile(
    rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]{1,4})(\d{1,9})(?::([A-Z]{1,4})(\d{1,9}))?\""
)
_ODS_ROW = b"<table:table-row"
_ROW_R = re.compile(rb"[<:]row\s[^>]*?\br=\"(\d{1,9})\"")


def _column_index(letters: bytes) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ch - 64
    return index


class _SheetScan:
    """Counts a worksheet's rows and columns in its XML as it streams, without parsing it: the
    row elements, the declared dimension, and only the references that could pass a limit (a
    row number with as many digits as the row limit, a column of two letters or more), so a
    normal book costs a few byte counts per megabyte."""

    def __init__(self, limits: ReadLimits, *, ods: bool = False) -> None:
        self.limits = limits
        self.ods = ods
        self.rows = 0
        self.top = 0
        self.width = 0
        self.tail = b""
        self.dimension_seen = False
        # a row number that could pass a limit: the rows, or the cells at the widest columns
        digits = min(len(str(limits.rows)), len(str(max(1, limits.cells // limits.columns))))
        letters = 1 if limits.columns < 26 else 2
        self.far_row = re.compile(rb' r="(\d{%d,9})"' % digits)
        self.far_cell = re.compile(rb' r="([A-Z]{1,4})(\d{%d,9})"' % digits)
        self.wide_cell = re.compile(rb' r="([A-Z]{%d,4})(\d{1,9})"' % letters)

    def feed(self, chunk: bytes, *, final: bool = False) -> None:
        data = self.tail + chunk
        if final:
            cut = len(data)
        else:
            cut = data.rfind(b">") + 1  # whole tags only; the rest waits for the next chunk
            if cut == 0 and len(data) > 1 << 22:
                cut = len(data)  # a text without tags: nothing to count in it
        part, self.tail = data[:cut], data[cut:]
        if self.ods:
            self.rows += part.count(_ODS_ROW)
        else:
            self.rows += (
                part.count(b"<row ")
                + part.count(b"<row>")
                + part.count(b":row ")
                + part.count(b":row>")
            )
            at = -1 if self.dimension_seen else part.find(b"dimension ")
            if at < 0 and b"sheetData" in part:
                self.dimension_seen = True  # the dimension comes before the data or not at all
            if at >= 0 and (m := _DIMENSION.search(part, max(0, at - 20), at + 200)):
                self.dimension_seen = True
                last_col, last_row = (m[3], m[4]) if m[3] else (m[1], m[2])
                height = int(last_row) - int(m[2]) + 1
                width = _column_index(last_col) - _column_index(m[1]) + 1
                self.limits.check_area(height, width)
            last = max(part.rfind(b"<row "), part.rfind(b":row "))
            if last >= 0 and (m := _ROW_R.match(part, last)):
                self.top = max(self.top, int(m[1]))  # rows come in order: the last is the top
            for m in self.far_row.finditer(part):
                self.top = max(self.top, int(m[1]))
                self.limits.check_area(self.top, self.width)
            for m in self.far_cell.finditer(part):
                self.top = max(self.top, int(m[2]))
                self.limits.check_area(self.top, self.width)
            for m in self.wide_cell.finditer(part):
                self.width = max(self.width, _column_index(m[1]))
                self.limits.check_area(max(self.rows, self.top), self.width)
        self.limits.check_area(max(self.rows, self.top), self.width)


def check_zipped_sheet(path: Path, limits: ReadLimits) -> None:
    """Refuse a zipped spreadsheet (XLSX, ODS, XLSB) that unpacks to more than the limits allow,
    before calamine reads it whole. Not a zip: left to calamine to say it cannot read it."""
    try:
        book = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return
    with book:
        infos = book.infolist()
        if sum(i.file_size for i in infos) > limits.unpacked or len(infos) > 10_000:
            raise limits.too_big_unpacked()
        total = 0
        for info in infos:
            name = info.filename
            scan = None
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                scan = _SheetScan(limits)
            elif name == "content.xml":
                scan = _SheetScan(limits, ods=True)
            try:
                with book.open(info) as part:
                    while chunk := part.read(1 << 20):
                        total += len(chunk)
                        if total > limits.unpacked:
                            raise limits.too_big_unpacked()
                        if scan is not None:
                            scan.feed(chunk)
                if scan is not None:
                    scan.feed(b"", final=True)
            except (zipfile.BadZipFile, EOFError, zlib.error):
                # a part longer than its directory entry says, or damaged: refused either way
                raise ReadError(
                    _("The spreadsheet is damaged; open it and save it again.")
                ) from None
            except NotImplementedError:
                return  # a compression Python lacks: calamine says whether it can read it


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
    limits: ReadLimits = field(default_factory=ReadLimits)

    def rows(self) -> Iterator[tuple[int, list]]:
        if self.kind == "csv":
            return self._csv_rows()
        return self._sheet_rows()

    def raw_csv_rows(self) -> Iterator[list[str]]:
        """CSV records without numbers (the importer numbers them itself, for speed)."""
        handle = open(self.path, encoding=self.encoding, newline="")
        return _closing_reader(handle, self.delimiter, self.limits)

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
        except Exception as exc:  # calamine raises its own error types
            raise ReadError(
                _("The spreadsheet cannot be read (%(error)s).") % {"error": exc}
            ) from exc
        # rows from the top of the sheet, columns from A: what the rows below will hold
        self.limits.check_area(sheet.total_height, sheet.total_width)
        rows = sheet.iter_rows()
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


def _closing_reader(
    handle: io.TextIOBase, delimiter: str, limits: ReadLimits
) -> Iterator[list[str]]:
    max_rows, max_columns = limits.rows, limits.columns
    try:
        for n, row in enumerate(csv.reader(handle, delimiter=delimiter), 1):
            if n > max_rows:
                raise limits.too_many_rows()
            if len(row) > max_columns:
                raise limits.too_many_columns(n)
            yield row
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


def open_table(
    path: str | Path, *, filename: str = "", sheet: str = "", limits: ReadLimits | None = None
) -> Table:
    """Open a CSV or spreadsheet file, sniffing how it was written; a spreadsheet bigger than
    the limits is refused here, before it is read."""
    limits = limits or ReadLimits.from_settings()
    path = Path(path)
    filename = filename or path.name
    suffix = Path(filename).suffix.lower() or path.suffix.lower()
    size = path.stat().st_size
    if suffix in CSV_SUFFIXES:
        encoding = sniff_encoding(path)
        with open(path, encoding=encoding, errors="replace", newline="") as f:
            sample = f.read(64 * 1024)
        delimiter = "\t" if suffix == ".tsv" else sniff_delimiter(sample)
        return Table(
            path,
            filename,
            "csv",
            encoding=encoding,
            delimiter=delimiter,
            size=size,
            limits=limits,
        )
    if suffix in SHEET_SUFFIXES:
        from python_calamine import CalamineWorkbook

        if suffix in ZIPPED_SUFFIXES:
            check_zipped_sheet(path, limits)
        try:
            book = CalamineWorkbook.from_path(str(path))
            names = list(book.sheet_names)
        except Exception as exc:
            raise ReadError(
                _("The spreadsheet cannot be read (%(error)s).") % {"error": exc}
            ) from exc
        if sheet and sheet not in names:
            raise ReadError(_("The file has no sheet “%(sheet)s”.") % {"sheet": sheet})
        return Table(
            path, filename, "sheet", sheet=sheet or "", sheets=names, size=size, limits=limits
        )
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

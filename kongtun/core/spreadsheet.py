"""Formula-safe cells for every spreadsheet Kongtun writes (XLSX and CSV).

A member's name or a reason typed as ``=HYPERLINK(…)``, ``+1``, ``-2+3`` or ``@SUM(…)`` must
stay text when a treasurer opens an export (OWASP "CSV injection"). Numbers, dates and
booleans stay what they are; only text that a spreadsheet program could read as a formula is
neutralised:

* XLSX: openpyxl writes any string starting with ``=`` as a formula. ``safe_workbook`` makes
  every such cell a plain string cell with Excel's quote prefix (the text reads unchanged and
  stays text when edited). Writers call it once, just before saving.
* CSV has no cell types, so ``safe_cell`` prefixes an apostrophe, as spreadsheet programs do
  for text typed in; ``safe_row`` maps it over a row.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import Any

# What a spreadsheet program may read as the start of a formula (or a DDE command).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def looks_like_formula(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def safe_cell(value: object) -> object:
    """The value to write into a CSV cell: text that could start a formula gets a leading
    apostrophe; anything else (numbers, dates, None, plain text) is returned unchanged."""
    if looks_like_formula(value):
        return "'" + value  # type: ignore[operator]
    return value


def safe_row(values: Iterable[object]) -> list[object]:
    return [safe_cell(v) for v in values]


def csv_download(filename: str, header: list[str], rows: Iterable[Iterable[object]]) -> Any:
    """A CSV file streamed to the browser as ``rows`` are produced (a whole period's ledger
    never sits in memory): UTF-8 with a BOM so Excel shows the Thai, every cell formula-safe."""
    from django.http import StreamingHttpResponse

    class Echo:
        def write(self, value: str) -> str:
            return value

    writer = csv.writer(Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff" + writer.writerow(header)
        for row in rows:
            yield writer.writerow(safe_row(row))

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def safe_workbook(workbook: object) -> object:
    """Neutralise every text cell of an openpyxl workbook that could be a formula: it becomes
    a string cell (``data_type = "s"``) with the quote prefix. Returns the workbook.

    Kongtun's exports never write formulas of their own, so every ``=…`` cell is data."""
    for ws in workbook.worksheets:  # type: ignore[attr-defined]
        for row in ws.iter_rows():
            for cell in row:
                if looks_like_formula(cell.value):
                    cell.data_type = "s"
                    cell.quotePrefix = True
    return workbook

"""Importing the books a fund already keeps (decision 0005), one module per kind of book:

- ``common``: what both share — the report, ``ImportRejected`` with every bad row, the header
  and columns, rows that are not data, parsing dates, amounts and counts, the book's own
  totals checked against the rows above them (``BookTotals``);
- ``identity``: a row's national ID and name checked against the member on that row;
- ``contributions``: ``contributions_import`` (payments written by the driver, one ledger entry
  per month);
- ``members``: ``members_import`` (``member_create``'s rules for the whole file at once).

The public names stay importable from ``kongtun.imports.services``.
"""

from kongtun.imports.services.common import (
    CHUNK,
    MAX_MONTHS,
    PREVIEW_ROWS,
    BookTotals,
    ImportMapping,
    ImportRejected,
    ImportReport,
    MonthTotal,
    RowProblem,
    resolve_layout,
)
from kongtun.imports.services.contributions import (
    PAYMENT_TABLE,
    POSTGRES_COPY,
    SQLITE_INSERT,
    contributions_import,
)
from kongtun.imports.services.members import members_import

__all__ = [
    "CHUNK",
    "MAX_MONTHS",
    "PAYMENT_TABLE",
    "POSTGRES_COPY",
    "PREVIEW_ROWS",
    "SQLITE_INSERT",
    "BookTotals",
    "ImportMapping",
    "ImportRejected",
    "ImportReport",
    "MonthTotal",
    "RowProblem",
    "contributions_import",
    "members_import",
    "resolve_layout",
]

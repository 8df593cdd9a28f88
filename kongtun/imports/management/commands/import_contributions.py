"""manage.py import_contributions FUND FILE [--dry-run] [--map FIELD=COLUMN]…"""

from __future__ import annotations

from kongtun.imports.management.commands._base import ImportCommand
from kongtun.imports.services import ImportReport, contributions_import


class Command(ImportCommand):
    help = (
        "Import a contributions book (CSV/XLSX/XLS/ODS) into a fund: all or nothing; every bad "
        "row is reported and the command exits non-zero."
    )
    kind = "contributions"

    def run_import(self, **kwargs: object) -> ImportReport:
        return contributions_import(**kwargs)

"""manage.py import_members FUND FILE [--dry-run] [--map FIELD=COLUMN]…"""

from __future__ import annotations

from kongtun.imports.management.commands._base import ImportCommand
from kongtun.imports.services import ImportReport, members_import


class Command(ImportCommand):
    help = (
        "Import a member register (CSV/XLSX/XLS/ODS) into a fund: all or nothing; every bad row "
        "is reported and the command exits non-zero."
    )
    kind = "members"

    def run_import(self, **kwargs: object) -> ImportReport:
        return members_import(**kwargs)

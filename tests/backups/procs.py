"""Separate processes for the backup tests (run as ``python -m tests.backups.procs …``).

``writer FUND PROGRESS STOP``: posts one payment after another through the ledger's service
until the STOP file appears, writing how many it posted into PROGRESS after each one.
``auto GO OUT``: waits for the GO file, then runs the automatic daily backup once and writes
what it made (a path or "none") into OUT.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from decimal import Decimal
from pathlib import Path

PAY_DAY = dt.date(2026, 11, 20)


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kongtun.settings")
    import django

    django.setup()


def writer(code: str, progress: Path, stop: Path) -> None:
    _setup()
    from kongtun.funds.models import Fund
    from kongtun.ledger.services import EntryDraft, LineDraft, account_for, entry_post

    fund = Fund.objects.get(short_code=code)
    cash, contributions = account_for(fund, "cash"), account_for(fund, "contributions")
    posted = 0
    while not stop.exists() and posted < 20000:
        entry_post(
            fund=fund,
            draft=EntryDraft(
                date=PAY_DAY,
                description="เงินสัจจะ",
                lines=[
                    LineDraft(account=cash, debit=Decimal("30.00")),
                    LineDraft(account=contributions, credit=Decimal("30.00")),
                ],
            ),
            actor=None,
            today=PAY_DAY,
        )
        posted += 1
        tmp = progress.with_suffix(".tmp")
        tmp.write_text(str(posted))
        tmp.replace(progress)


def auto(go: Path, out: Path) -> None:
    _setup()
    from kongtun.backups.services import auto_backup_run

    while not go.exists():
        time.sleep(0.01)
    made = auto_backup_run("daily", only_if_due=True)
    out.write_text(str(made) if made else "none")


if __name__ == "__main__":
    kind, *args = sys.argv[1:]
    if kind == "writer":
        writer(args[0], Path(args[1]), Path(args[2]))
    elif kind == "auto":
        auto(Path(args[0]), Path(args[1]))
    else:
        raise SystemExit(f"unknown {kind}")

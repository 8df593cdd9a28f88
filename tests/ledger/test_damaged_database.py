"""A damaged or foreign database file: ``ledger_check`` and ``ledger_verify`` say so in one
clear line and exit non-zero — no traceback (issue 11, observed after copying ``var/`` while
the server wrote)."""

from __future__ import annotations

import datetime as dt
import os
import random
import sqlite3
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from kongtun.ledger.services import EntryDraft, LineDraft, account_for, entry_post
from tests.conftest import TODAY

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
        reason="damaging the file is what happens to SQLite's file",
    ),
]


def run(command: str, db: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}"}
    return subprocess.run(
        [sys.executable, "manage.py", command],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def kongtun_file(books_flushable, world, tmp_path) -> Path:
    """A real Kongtun database with books, copied as a backup would (SQLite's backup API)."""
    fund = world.fund_a
    for i in range(40):
        entry_post(
            fund=fund,
            draft=EntryDraft(
                date=dt.date(2024, 3, 1 + i % 28),
                description=f"เงินสัจจะ {i}",
                lines=[
                    LineDraft(account=account_for(fund, "cash"), debit=Decimal(30 + i)),
                    LineDraft(account=account_for(fund, "contributions"), credit=Decimal(30 + i)),
                ],
            ),
            actor=None,
            today=TODAY,
        )
    path = tmp_path / "copy.sqlite3"
    source = sqlite3.connect(connection.settings_dict["NAME"])
    target = sqlite3.connect(path)
    source.backup(target)
    target.execute("PRAGMA journal_mode=DELETE")
    target.close()
    source.close()
    return path


def assert_one_clear_line(result: subprocess.CompletedProcess, says: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert says in lines[0]


@pytest.mark.parametrize("command", ["ledger_check", "ledger_verify"])
def test_a_copy_of_the_books_verifies(kongtun_file, command):
    result = run(command, kongtun_file)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("command", ["ledger_check", "ledger_verify"])
def test_random_bytes_are_not_a_database(tmp_path, command):
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(random.Random(11).randbytes(64 * 1024))
    assert_one_clear_line(run(command, garbage), "is damaged and cannot be read")


@pytest.mark.parametrize("command", ["ledger_check", "ledger_verify"])
def test_a_truncated_file_is_damaged(kongtun_file, command):
    data = kongtun_file.read_bytes()
    kongtun_file.write_bytes(data[: len(data) * 6 // 10])
    assert_one_clear_line(run(command, kongtun_file), "is damaged and cannot be read")


@pytest.mark.parametrize("command", ["ledger_check", "ledger_verify"])
def test_pages_overwritten_with_random_bytes_are_damaged(kongtun_file, command):
    data = bytearray(kongtun_file.read_bytes())
    rng = random.Random(7)
    for start in range(len(data) // 3, len(data), 4096):
        data[start : start + 4096] = rng.randbytes(len(data[start : start + 4096]))
    kongtun_file.write_bytes(bytes(data))
    assert_one_clear_line(run(command, kongtun_file), "damaged")


@pytest.mark.parametrize("command", ["ledger_check", "ledger_verify"])
def test_another_programs_database_is_not_kongtun(tmp_path, command):
    foreign = tmp_path / "notes.sqlite3"
    with sqlite3.connect(foreign) as db:
        db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    assert_one_clear_line(run(command, foreign), "is not a Kongtun database")

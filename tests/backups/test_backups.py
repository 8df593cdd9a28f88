"""Backups that restore (issue 11 §5, decision 0014), on real SQLite and PostgreSQL.

A backup made while another process keeps posting payments restores into books that pass
ledger_verify and ledger_check; a wrong passphrase or an altered file restores nothing; an
older backup is reported as a rollback; automatic backups rotate, run when due and not twice.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from kongtun.backups import services
from kongtun.backups.middleware import reset_throttle
from kongtun.ledger.models import JournalEntry
from kongtun.ledger.services import EntryDraft, LineDraft, account_for, entry_post, month_close
from tests.conftest import TODAY

ROOT = Path(__file__).resolve().parents[2]
D = Decimal
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def place(settings, tmp_path, monkeypatch, books_flushable):
    """Backups, the automatic key, uploaded files and the key file in a temporary folder."""
    settings.BACKUP_DIR = tmp_path / "backups"
    settings.BACKUP_KEY_FILE = tmp_path / "backups-key"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SECRET_KEY_FILE = tmp_path / "secret_key"
    settings.BACKUP_AUTO = False
    monkeypatch.delenv("KONGTUN_BACKUP_PASSPHRASE", raising=False)
    monkeypatch.delenv("KONGTUN_SECRET_KEY", raising=False)
    (tmp_path / "media" / "evidence").mkdir(parents=True)
    (tmp_path / "media" / "evidence" / "bill.pdf").write_bytes(b"%PDF-1.4 hospital bill")
    (tmp_path / "pass").write_text("ข้าวเหนียว mango 2569\n")
    (tmp_path / "wrong").write_text("ข้าวเหนียว mango 2568\n")
    return tmp_path


def pay(fund, n: int = 1) -> None:
    for _ in range(n):
        entry_post(
            fund=fund,
            draft=EntryDraft(
                date=TODAY,
                description="เงินสัจจะ",
                lines=[
                    LineDraft(account=account_for(fund, "cash"), debit=D("30.00")),
                    LineDraft(account=account_for(fund, "contributions"), credit=D("30.00")),
                ],
            ),
            actor=None,
            today=TODAY,
        )


def entries(fund) -> int:
    return JournalEntry.objects.filter(fund=fund).count()


def backup(place: Path, name: str) -> Path:
    out = place / name
    call_command("backup", output=str(out), passphrase_file=str(place / "pass"))
    return out


def restore(path: Path, passphrase: Path, **kwargs) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "restore", str(path), passphrase_file=str(passphrase), stdout=out, stderr=err, **kwargs
    )
    return out.getvalue(), err.getvalue()


def database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    return f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


def child_env(place: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url(),
        KONGTUN_SECRET_KEY=django_settings.SECRET_KEY,
        KONGTUN_BACKUP_DIR=str(django_settings.BACKUP_DIR),
        KONGTUN_MEDIA_ROOT=str(django_settings.MEDIA_ROOT),
        KONGTUN_BACKUP_PASSPHRASE="automatic backups' passphrase",
        KONGTUN_BACKUP_AUTO="0",
    )
    return env


def wait_for(predicate, what: str) -> None:
    """Wait for another process (not a timing assertion: only a guard against hanging)."""
    deadline = time.monotonic() + 300
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)


def progress(path: Path) -> int:
    try:
        return int(path.read_text() or 0)
    except (OSError, ValueError):
        return 0


def test_a_backup_made_while_another_process_posts_restores_into_books_that_verify(place, world):
    fund = world.fund_a
    pay(fund, 3)
    done, stop = place / "progress", place / "stop"
    writer = subprocess.Popen(
        [sys.executable, "-m", "tests.backups.procs", "writer", fund.short_code, done, stop],
        cwd=ROOT,
        env=child_env(place),
    )
    try:
        wait_for(lambda: progress(done) >= 5 or writer.poll() is not None, "the writer")
        assert writer.poll() is None, "the writer process stopped"
        before = progress(done)
        path = backup(place, "while-writing.ktbackup")
        after = progress(done)
        # The writer goes on after the backup: it was posting all along.
        wait_for(lambda: progress(done) >= after + 5 or writer.poll() is not None, "more")
    finally:
        stop.touch()
        writer.wait()
    assert writer.returncode == 0
    manifest, intact = services.backup_inspect(path)
    assert intact
    backed_up = manifest["funds"][fund.short_code]["entries"]
    assert 3 + before <= backed_up <= 3 + progress(done)
    live = entries(fund)
    assert live == 3 + progress(done) > backed_up
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["media_files"] == 1

    # The live books are ahead of the backup: restoring it is a rollback, said so, and done
    # only when asked for.
    with pytest.raises(CommandError, match="this backup is behind"):
        restore(path, place / "pass")
    assert entries(fund) == live
    out, err = restore(path, place / "pass", accept_rollback=True)
    assert f"fund {fund.short_code} had {live} entries" in err
    assert f"the backup has {backed_up}" in err
    assert "the restored books pass ledger_verify and ledger_check" in out
    assert entries(fund) == backed_up
    call_command("ledger_check")
    call_command("ledger_verify")
    assert (place / "media" / "evidence" / "bill.pdf").read_bytes() == b"%PDF-1.4 hospital bill"
    assert (place / "secret_key").read_text() == django_settings.SECRET_KEY


def test_a_wrong_passphrase_restores_nothing(place, world):
    pay(world.fund_a, 2)
    path = backup(place, "b.ktbackup")
    pay(world.fund_a, 1)
    with pytest.raises(CommandError, match="wrong passphrase"):
        restore(path, place / "wrong", accept_rollback=True)
    assert entries(world.fund_a) == 3
    assert not list(services.backup_dir().glob("before-restore-*"))


def test_an_altered_backup_is_refused_by_its_checksum(place, world):
    pay(world.fund_a, 2)
    path = backup(place, "b.ktbackup")
    data = bytearray(path.read_bytes())

    payload_byte = bytearray(data)
    payload_byte[-100] ^= 0x01  # one bit of the encrypted database
    (place / "bit.ktbackup").write_bytes(payload_byte)
    with pytest.raises(CommandError, match="checksum differs"):
        restore(place / "bit.ktbackup", place / "pass")

    # The manifest is readable, but changing it (10 entries instead of 2) breaks the checksum.
    text = data.replace(b'"entries": 2', b'"entries": 9', 1)
    assert text != data
    (place / "manifest.ktbackup").write_bytes(text)
    with pytest.raises(CommandError, match="checksum differs"):
        call_command("restore", inspect=str(place / "manifest.ktbackup"), stdout=io.StringIO())
    with pytest.raises(CommandError, match="checksum differs"):
        restore(place / "manifest.ktbackup", place / "pass")
    assert entries(world.fund_a) == 2

    # Someone who also rewrites the checksum still cannot get past the passphrase's seal.
    from kongtun.backups import archive

    header = archive.read_header(place / "manifest.ktbackup")
    import hashlib

    digest = hashlib.sha256(header.protected)
    digest.update(bytes(text[header.payload_offset :]))
    old = json.dumps(header.checksum).encode()
    new_checksum = dict(header.checksum, payload_sha256=digest.hexdigest())
    text = text.replace(old, json.dumps(new_checksum).encode())
    (place / "forged.ktbackup").write_bytes(text)
    assert services.backup_inspect(place / "forged.ktbackup")[1] is True
    with pytest.raises(CommandError, match="wrong passphrase"):
        restore(place / "forged.ktbackup", place / "pass")
    assert entries(world.fund_a) == 2


def test_restoring_an_older_backup_is_reported_as_a_rollback(place, world):
    fund = world.fund_a
    pay(fund, 3)
    old = backup(place, "old.ktbackup")
    pay(fund, 2)
    backup(place, "new.ktbackup")
    seen = json.loads((services.backup_dir() / "heads-seen.json").read_text())
    assert seen["funds"][fund.short_code]["entries"] == 5

    with pytest.raises(CommandError) as refused:
        restore(old, place / "pass")
    when = timezone.localtime().strftime("%Y-%m-%d")
    assert f"this backup is behind: fund {fund.short_code} had 5 entries on {when}" in str(
        refused.value
    )
    assert "the backup has 3" in str(refused.value)
    assert entries(fund) == 5  # nothing restored

    _out, err = restore(old, place / "pass", accept_rollback=True)
    assert "ROLLBACK: this backup is behind" in err
    assert entries(fund) == 3
    # The rollback is on record, and the restored books are what later backups compare with.
    seen = json.loads((services.backup_dir() / "heads-seen.json").read_text())
    assert seen["rollbacks"][-1]["before"][fund.short_code]["entries"] == 5
    assert seen["funds"][fund.short_code]["entries"] == 3


def test_restore_lists_and_inspects_without_the_passphrase(place, world, capsys):
    pay(world.fund_a, 2)
    call_command("backup", passphrase_file=str(place / "pass"))
    made = list(services.backup_dir().glob("kongtun-*-manual.ktbackup"))
    assert len(made) == 1
    call_command("restore", list_all=True)
    listed = capsys.readouterr().out
    assert made[0].name in listed and f"{world.fund_a.short_code}: 2 entries" in listed
    call_command("restore", inspect=str(made[0]))
    shown = capsys.readouterr().out
    assert '"vendor": "' + connection.vendor in shown and "checksum OK" in shown


def test_a_backup_without_a_passphrase_is_refused(place, world):
    with pytest.raises(CommandError, match="no passphrase"):
        call_command("backup", output=str(place / "x.ktbackup"))
    assert not (place / "x.ktbackup").exists()


# --- rotation --------------------------------------------------------------------------------


def _at(day: dt.date, hour: int = 2) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def test_rotation_keeps_7_daily_4_weekly_12_monthly_and_every_manual_backup(place):
    directory = services.backup_dir()
    first, last = dt.date(2025, 10, 1), dt.date(2026, 11, 25)
    day = first
    while day <= last:
        for hour in (2, 14):
            name = f"kongtun-{_at(day, hour):%Y%m%d-%H%M%S}-auto.ktbackup"
            (directory / name).write_bytes(b"x")
        day += dt.timedelta(days=1)
    (directory / "kongtun-20250101-020000-manual.ktbackup").write_bytes(b"x")
    services.backups_rotate()
    kept = sorted(p.name for p in directory.glob("*.ktbackup"))
    days = [dt.date(2026, 11, d) for d in range(19, 26)]  # the last 7 days
    weeks = [
        dt.date(2026, 11, 25),
        dt.date(2026, 11, 22),
        dt.date(2026, 11, 15),
        dt.date(2026, 11, 8),
    ]
    months = (
        [dt.date(2026, 11, 25)]
        + [(dt.date(2026, m + 1, 1) - dt.timedelta(days=1)) for m in range(1, 11)]
        + [dt.date(2025, 12, 31)]
    )
    expected = sorted(
        {f"kongtun-{d:%Y%m%d}-140000-auto.ktbackup" for d in days + weeks + months}
        | {"kongtun-20250101-020000-manual.ktbackup"}
    )
    assert kept == expected
    assert len(kept) == 7 + 2 + 11 + 1  # the newest days count in more than one rule


@pytest.mark.django_db(transaction=False)  # no database needed; nothing to flush
@hypothesis_settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.datetimes(min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2026, 12, 31)),
        min_size=1,
        max_size=80,
        unique=True,
    )
)
def test_rotation_keeps_the_newest_at_most_23_and_is_stable(moments):
    times = {f"b{i}": timezone.make_aware(m) for i, m in enumerate(moments)}
    keep = services.rotation_keep(times)
    newest = max(times, key=times.get)
    assert newest in keep
    assert len(keep) <= 7 + 4 + 12
    # Rotating what was kept keeps it all: a second pass deletes nothing.
    assert services.rotation_keep({n: times[n] for n in keep}) == keep


# --- automatic backups -----------------------------------------------------------------------


def test_the_daily_backup_runs_once_when_two_processes_find_it_due(place, world):
    pay(world.fund_a, 2)
    go = place / "go"
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.backups.procs", "auto", go, place / f"out{i}"],
            cwd=ROOT,
            env=child_env(place),
        )
        for i in range(2)
    ]
    go.touch()
    for p in procs:
        assert p.wait() == 0
    results = [(place / f"out{i}").read_text() for i in range(2)]
    assert results.count("none") == 1  # one made it, the other found it made or under way
    autos = list(services.backup_dir().glob("*-auto.ktbackup"))
    assert len(autos) == 1
    assert services.backup_inspect(autos[0])[0]["funds"][world.fund_a.short_code]["entries"] == 2
    # Not due again the same day; due a day after the last good one.
    assert services.auto_backup_run("daily", only_if_due=True) is None
    status = services.status_read()
    status["last_success_at"] = (timezone.now() - dt.timedelta(hours=25)).isoformat()
    (services.backup_dir() / "status.json").write_text(json.dumps(status))
    os.environ["KONGTUN_BACKUP_PASSPHRASE"] = "automatic backups' passphrase"
    try:
        assert services.auto_backup_run("daily", only_if_due=True) is not None
    finally:
        del os.environ["KONGTUN_BACKUP_PASSPHRASE"]
    assert len(list(services.backup_dir().glob("*-auto.ktbackup"))) == 2


def test_a_request_starts_the_daily_backup_and_the_dashboard_shows_it(place, world, login):
    django_settings.BACKUP_AUTO = True  # restored by the settings fixture (place)
    client = login(world.chair_a)
    reset_throttle()
    page = client.get(f"/f/{world.fund_a.pk}/")
    services.auto_backups_join()
    assert "ยังไม่เคยสำรองข้อมูลบัญชี" in page.content.decode()
    autos = list(services.backup_dir().glob("*-auto.ktbackup"))
    assert len(autos) == 1
    # Made with the generated key file: a restore finds it by itself.
    assert (place / "backups-key").exists()
    reset_throttle()
    page = client.get(f"/f/{world.fund_a.pk}/")
    services.auto_backups_join()
    assert len(list(services.backup_dir().glob("*-auto.ktbackup"))) == 1  # not twice
    html = page.content.decode()
    assert "สำรองข้อมูลบัญชีครั้งล่าสุด" in html and "นานเกินสองวัน" not in html
    call_command("restore", str(autos[0]), stdout=io.StringIO())


def test_the_dashboard_warns_when_the_last_backup_is_old_or_failed(place, world, login):
    client = login(world.chair_a)
    old = (timezone.now() - dt.timedelta(days=3)).isoformat()
    status_file = services.backup_dir() / "status.json"
    status_file.write_text(json.dumps({"last_success_at": old}))
    html = client.get(f"/f/{world.fund_a.pk}/").content.decode()
    assert "สำรองข้อมูลครั้งล่าสุดนานเกินสองวันแล้ว" in html
    status_file.write_text(
        json.dumps(
            {
                "last_success_at": timezone.now().isoformat(),
                "last_failure_at": timezone.now().isoformat(),
                "last_error": "pg_dump was not found",
            }
        )
    )
    html = client.get(f"/f/{world.fund_a.pk}/").content.decode()
    assert "ไม่สำเร็จ" in html and "pg_dump was not found" in html


def test_a_month_closed_by_a_person_is_followed_by_a_backup(place, world):
    django_settings.BACKUP_AUTO = True
    fund = world.fund_a
    month_close(fund=fund, month=fund.founded_on, actor=world.treasurer_a, today=TODAY)
    services.auto_backups_join()
    autos = list(services.backup_dir().glob("*-auto.ktbackup"))
    assert len(autos) == 1
    manifest = services.backup_inspect(autos[0])[0]
    assert manifest["reason"] == "month-close"
    assert manifest["funds"][fund.short_code]["last_closed_month"] == "2009-06"


sqlite_only = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="about SQLite's database file",
)


@sqlite_only
def test_a_damaged_database_is_replaced_by_the_backup_and_kept_aside(place, world):
    """The issue's USB copy: the live file is damaged; the backup brings back books that
    verify, and the damaged file is kept for whoever wants to look at it."""
    pay(world.fund_a, 4)
    path = backup(place, "good.ktbackup")
    connection.close()
    target = Path(connection.settings_dict["NAME"])
    data = bytearray(target.read_bytes())
    data[100:4096] = b"\x00" * (4096 - 100)  # the schema's first page wiped
    target.write_bytes(bytes(data))
    out, _err = restore(path, place / "pass")
    assert "the restored books pass ledger_verify and ledger_check" in out
    assert entries(world.fund_a) == 4
    kept = list(services.backup_dir().glob("before-restore-*.sqlite3"))
    assert len(kept) == 1 and kept[0].read_bytes()[100:4096] == bytes(data[100:4096])


@sqlite_only
def test_restore_refuses_while_another_process_holds_the_database(place, world):
    pay(world.fund_a, 2)
    path = backup(place, "b.ktbackup")
    ready, stop = place / "ready", place / "stop"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys, time, pathlib\n"
            "c = sqlite3.connect(sys.argv[1]); c.execute('select 1').fetchall()\n"
            "pathlib.Path(sys.argv[2]).touch()\n"
            "while not pathlib.Path(sys.argv[3]).exists(): time.sleep(0.02)\n",
            connection.settings_dict["NAME"],
            ready,
            stop,
        ]
    )
    try:
        wait_for(ready.exists, "the other process")
        with pytest.raises(CommandError, match=f"in use by process\\(es\\) {holder.pid}"):
            restore(path, place / "pass")
        out, _err = restore(path, place / "pass", force=True)
        assert "the restored books pass" in out
    finally:
        stop.touch()
        holder.wait()

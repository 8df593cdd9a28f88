"""A consistent copy of the database while the server writes, and putting one back.

SQLite: the online backup API (``sqlite3.Connection.backup``) copies every page in one step
under a read transaction, so the copy is one moment of the books even while the treasurer
posts (WAL lets the writer go on). PostgreSQL: ``pg_dump`` in the custom format, run on a
snapshot exported by our own repeatable-read transaction, in which the manifest's heads are
read too: the heads describe exactly what the dump holds.
"""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connections


class DatabaseBackupError(Exception):
    pass


def vendor() -> str:
    return connections["default"].vendor


def heads_sql() -> str:
    from kongtun.funds.models import Fund
    from kongtun.ledger.models import EntrySeal, JournalEntry, MonthClose

    f, e, s, m = (
        Fund._meta.db_table,
        JournalEntry._meta.db_table,
        EntrySeal._meta.db_table,
        MonthClose._meta.db_table,
    )
    return (
        f"SELECT f.short_code,"
        f" (SELECT COUNT(*) FROM {e} e WHERE e.fund_id = f.id),"
        f" (SELECT s.seq FROM {s} s WHERE s.fund_id = f.id ORDER BY s.seq DESC LIMIT 1),"
        f" (SELECT s.hash FROM {s} s WHERE s.fund_id = f.id ORDER BY s.seq DESC LIMIT 1),"
        f" (SELECT MAX(m.month) FROM {m} m WHERE m.fund_id = f.id)"
        f" FROM {f} f ORDER BY f.short_code"
    )


def heads_from_rows(rows) -> dict[str, dict]:
    """Per fund: entries, last seq and hash, last closed month ('YYYY-MM')."""
    return {
        code: {
            "entries": int(count),
            "last_seq": int(seq) if seq is not None else None,
            "last_hash": hsh,
            "last_closed_month": str(month)[:7] if month else None,
        }
        for code, count, seq, hsh, month in rows
    }


def current_heads() -> dict[str, dict] | None:
    """The heads of the database in use now, or None when it cannot be read."""
    from django.db import DatabaseError

    try:
        with connections["default"].cursor() as cursor:
            cursor.execute(heads_sql())
            return heads_from_rows(cursor.fetchall())
    except DatabaseError:
        return None


# --- SQLite ---------------------------------------------------------------------------------


def sqlite_path() -> Path:
    return Path(connections["default"].settings_dict["NAME"])


def _sqlite_connect(path: Path, **kwargs: object) -> sqlite3.Connection:
    """A plain connection with Django's SQL functions (the schema's CHECKs use REGEXP)."""
    con = sqlite3.connect(str(path), **kwargs)
    try:
        from django.db.backends.sqlite3._functions import register
    except ImportError:  # a future Django: REGEXP is the one our schema needs
        import re

        con.create_function(
            "REGEXP", 2, lambda p, v: v is not None and re.search(p, str(v)) is not None
        )
    else:
        register(con)
    return con


def sqlite_snapshot(dest: Path) -> dict[str, dict]:
    """Copy the live database into ``dest`` (one consistent moment); return its heads."""
    source = sqlite_path()
    if not source.exists():
        raise DatabaseBackupError(f"no database at {source}")
    src = sqlite3.connect(str(source), timeout=60)
    dst = _sqlite_connect(dest)
    try:
        src.backup(dst)  # every page in one step: the copy is one moment, whatever is written
        dst.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
        problems = dst.execute("PRAGMA quick_check").fetchall()
        if problems != [("ok",)]:
            raise DatabaseBackupError(f"the database is damaged: {problems[0][0]}")
        return heads_from_rows(dst.execute(heads_sql()).fetchall())
    except sqlite3.DatabaseError as exc:
        raise DatabaseBackupError(f"the database cannot be read: {exc}") from exc
    finally:
        src.close()
        dst.close()


def sqlite_check_file(path: Path) -> None:
    try:
        con = _sqlite_connect(path)
        try:
            result = con.execute("PRAGMA integrity_check").fetchall()
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseBackupError(f"the database in the backup cannot be read: {exc}") from exc
    if result != [("ok",)]:
        raise DatabaseBackupError(f"the database in the backup is damaged: {result[0][0]}")


def processes_using(path: Path) -> list[int]:
    """Other processes holding the database (or its WAL) open, from /proc (Linux)."""
    targets = {str(path), f"{path}-wal", f"{path}-shm"}
    found = []
    for fd_dir in glob.glob("/proc/[0-9]*/fd"):
        pid = int(fd_dir.split("/")[2])
        if pid == os.getpid():
            continue
        try:
            for fd in os.listdir(fd_dir):
                try:
                    if os.readlink(f"{fd_dir}/{fd}") in targets:
                        found.append(pid)
                        break
                except OSError:
                    continue
        except OSError:
            continue
    return found


def sqlite_save_current(dest: Path) -> bool:
    """Keep the database about to be replaced (WAL included); False if there is none."""
    source = sqlite_path()
    if not source.exists():
        return False
    try:
        src = sqlite3.connect(str(source), timeout=60)
        dst = sqlite3.connect(str(dest))
        try:
            src.backup(dst)
        finally:
            src.close()
            dst.close()
    except sqlite3.DatabaseError:
        # A damaged database cannot be copied page by page: keep its bytes as they are.
        dest.unlink(missing_ok=True)
        shutil.copy2(source, dest)
        for suffix in ("-wal", "-shm"):
            if Path(f"{source}{suffix}").exists():
                shutil.copy2(f"{source}{suffix}", f"{dest}{suffix}")
    return True


def sqlite_replace(restored: Path) -> None:
    """Put ``restored`` in place of the database (same directory, so the rename is atomic)."""
    connections.close_all()
    target = sqlite_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = target.with_name(target.name + ".restoring")
    shutil.copyfile(restored, staged)
    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    os.replace(staged, target)


# --- PostgreSQL -----------------------------------------------------------------------------


def pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0,
    )
    if candidates:
        return candidates[-1]
    raise DatabaseBackupError(
        f"{name} was not found (on PATH or in /usr/lib/postgresql/*/bin): "
        f"install the PostgreSQL client, e.g. sudo apt-get install postgresql-client"
    )


def _pg_env() -> dict[str, str]:
    s = connections["default"].settings_dict
    env = dict(os.environ)
    for var, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER")):
        if s.get(key):
            env[var] = str(s[key])
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = str(s["PASSWORD"])
    env["PGDATABASE"] = s["NAME"]
    return env


def _pg_connect():
    import psycopg

    s = connections["default"].settings_dict
    params = {"dbname": s["NAME"]}
    for key, name in (
        ("HOST", "host"),
        ("PORT", "port"),
        ("USER", "user"),
        ("PASSWORD", "password"),
    ):
        if s.get(key):
            params[name] = str(s[key])
    return psycopg.connect(**params)


def pg_snapshot(dest: Path) -> dict[str, dict]:
    """``pg_dump -Fc`` of one snapshot, and the heads read in that same snapshot."""
    import psycopg

    pg_dump = pg_tool("pg_dump")
    try:
        return _pg_snapshot(pg_dump, dest)
    except psycopg.Error as exc:
        raise DatabaseBackupError(f"the database cannot be read: {exc}".strip()) from exc


def _pg_snapshot(pg_dump: str, dest: Path) -> dict[str, dict]:
    con = _pg_connect()
    try:
        with con.transaction():
            con.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            snapshot = con.execute("SELECT pg_export_snapshot()").fetchone()[0]
            heads = heads_from_rows(con.execute(heads_sql()).fetchall())
            result = subprocess.run(
                [pg_dump, "--format=custom", f"--snapshot={snapshot}", "--file", str(dest)],
                env=_pg_env(),
                capture_output=True,
                text=True,
            )
            if result.returncode != 0:
                raise DatabaseBackupError(f"pg_dump failed: {result.stderr.strip()}")
    finally:
        con.close()
    return heads


def pg_restore(dump: Path) -> None:
    """Restore into the DATABASE_URL database: its objects replaced, in one transaction."""
    tool = pg_tool("pg_restore")
    connections.close_all()
    env = _pg_env()
    env["PGOPTIONS"] = "-c lock_timeout=30s"
    result = subprocess.run(
        [
            tool,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-acl",
            "--single-transaction",
            "--exit-on-error",
            "--dbname",
            env["PGDATABASE"],
            str(dump),
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise DatabaseBackupError(
            f"pg_restore failed, the database is unchanged: {result.stderr.strip()}"
        )

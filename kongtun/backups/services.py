"""Backups that restore (decision 0014): make, inspect, restore, rotate, run by themselves.

- ``backup_create``: the database (one consistent moment), the seal key in force and the
  uploaded files, compressed, encrypted with a passphrase, with a manifest of the books' heads.
- ``backup_restore``: checksum, passphrase, rollback check against the heads seen before, then
  the database, the key and the files put back, then ``ledger_verify`` and ``ledger_check``.
- ``auto_backup_run``: the daily backup (and the one after a month close), one process at a
  time (a lock file), rotated to 7 daily + 4 weekly + 12 monthly.

Files in ``settings.BACKUP_DIR``: ``kongtun-<local time>-auto.ktbackup`` (rotated),
``kongtun-<local time>-manual.ktbackup`` (kept), ``status.json`` (last success and failure, for
the dashboard), ``heads-seen.json`` (the most entries each fund ever had in a backup).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import os
import re
import secrets
import shutil
import tarfile
import tempfile
import threading
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from kongtun.backups import archive, database

log = logging.getLogger("kongtun.backups")

SUFFIX = ".ktbackup"
NAME_RE = re.compile(r"^kongtun-(\d{8}-\d{6})(?:-\d+)?-(auto|manual)\.ktbackup$")
KEEP_DAILY, KEEP_WEEKLY, KEEP_MONTHLY = 7, 4, 12
DUE_AFTER = dt.timedelta(days=1)
RETRY_FAILED_AFTER = dt.timedelta(hours=1)
WARN_AFTER = dt.timedelta(days=2)
HISTORY_KEEP = 1000
KEY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: copied by hand onto paper


class BackupError(Exception):
    """A backup or restore that did not happen; the message says why in one line."""


class RollbackRefused(BackupError):
    pass


# --- places --------------------------------------------------------------------------------


def backup_dir() -> Path:
    path = Path(settings.BACKUP_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def _status_path() -> Path:
    return backup_dir() / "status.json"


def _heads_seen_path() -> Path:
    return backup_dir() / "heads-seen.json"


def _now() -> dt.datetime:
    return timezone.now()


def _local(moment: dt.datetime) -> dt.datetime:
    return timezone.localtime(moment)


def _read_json(path: Path, default: dict) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return default


def _write_json(path: Path, data: dict) -> None:
    tmp = path.with_name(path.name + f".{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True), "utf-8")
    os.replace(tmp, path)


def app_version() -> str:
    try:
        with open(Path(settings.BASE_DIR) / "pyproject.toml", "rb") as f:
            return tomllib.load(f)["project"]["version"]
    except (OSError, KeyError, ValueError):
        return "unknown"


def default_name(kind: str, moment: dt.datetime | None = None) -> Path:
    stamp = _local(moment or _now()).strftime("%Y%m%d-%H%M%S")
    path = backup_dir() / f"kongtun-{stamp}-{kind}{SUFFIX}"
    n = 2
    while path.exists():
        path = backup_dir() / f"kongtun-{stamp}-{n}-{kind}{SUFFIX}"
        n += 1
    return path


# --- passphrases ---------------------------------------------------------------------------


def passphrase_from_file(path: str | Path) -> str:
    try:
        text = Path(path).read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise BackupError(f"cannot read the passphrase file {path}: {exc.strerror}") from exc
    if not text:
        raise BackupError(f"the passphrase file {path} is empty")
    return text


def passphrase_from_env() -> str | None:
    return os.environ.get("KONGTUN_BACKUP_PASSPHRASE") or None


def auto_key_path() -> Path:
    return Path(settings.BACKUP_KEY_FILE)


def auto_passphrase() -> tuple[str, str]:
    """The passphrase of automatic backups and where it came from: KONGTUN_BACKUP_PASSPHRASE
    when set, else the key file (``var/backups-key``), generated on first need."""
    env = passphrase_from_env()
    if env:
        return env, "KONGTUN_BACKUP_PASSPHRASE"
    path = auto_key_path()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        groups = [
            "".join(secrets.choice(KEY_ALPHABET) for _ in range(4)) for _ in range(8)
        ]  # 32 symbols of 5 bits: 160 bits, and short enough to copy onto paper
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write("-".join(groups) + "\n")
    return passphrase_from_file(path), "key-file"


# --- status and heads seen -----------------------------------------------------------------


def status_read() -> dict:
    """What the last backups did (for the dashboard): never fails, never creates the folder."""
    return _read_json(Path(settings.BACKUP_DIR) / "status.json", {})


def _status_update(**changes: object) -> None:
    status = status_read()
    status.update(changes)
    _write_json(_status_path(), status)


def heads_seen_read() -> dict:
    return _read_json(_heads_seen_path(), {"funds": {}, "history": []})


def heads_seen_record(heads: dict[str, dict], *, seen_at: dt.datetime, source: str) -> None:
    """Keep, per fund, the most entries ever seen (and when), and a short history of heads."""
    seen = heads_seen_read()
    stamp = seen_at.isoformat()
    for code, head in heads.items():
        known = seen["funds"].get(code)
        if known is None or head["entries"] >= known["entries"]:
            seen["funds"][code] = {**head, "seen_at": stamp, "source": source}
        elif head.get("last_closed_month") and head["last_closed_month"] > (
            known.get("last_closed_month") or ""
        ):
            known["last_closed_month"] = head["last_closed_month"]
        seen["history"].append(
            {"fund": code, "seq": head["last_seq"], "hash": head["last_hash"], "seen_at": stamp}
        )
    seen["history"] = seen["history"][-HISTORY_KEEP:]
    _write_json(_heads_seen_path(), seen)


def heads_seen_accept_rollback(heads: dict[str, dict], *, findings: list[str], source: str) -> None:
    """A rollback done on purpose: kept on record, and the backup's heads become the ones to
    compare with from now on (the later entries are gone from these books)."""
    seen = heads_seen_read()
    seen.setdefault("rollbacks", []).append(
        {"at": _now().isoformat(), "backup": source, "findings": findings, "before": seen["funds"]}
    )
    seen["funds"] = {
        code: {**head, "seen_at": _now().isoformat(), "source": source}
        for code, head in heads.items()
    }
    _write_json(_heads_seen_path(), seen)


def _when(iso: str) -> str:
    return _local(dt.datetime.fromisoformat(iso)).strftime("%Y-%m-%d %H:%M")


def rollback_findings(backup_heads: dict[str, dict], known: dict[str, dict]) -> list[str]:
    """How the backup is behind what was seen before: one line per fund, empty when not."""
    findings = []
    for code, k in sorted(known.items()):
        has = backup_heads.get(code)
        when = _when(k["seen_at"]) if k.get("seen_at") else "an earlier time"
        if has is None:
            findings.append(
                f"this backup is behind: fund {code} had {k['entries']} entries on {when}, "
                "the backup does not have this fund"
            )
        elif has["entries"] < k["entries"]:
            findings.append(
                f"this backup is behind: fund {code} had {k['entries']} entries on {when}, "
                f"the backup has {has['entries']}"
            )
        elif (k.get("last_closed_month") or "") > (has.get("last_closed_month") or ""):
            findings.append(
                f"this backup is behind: fund {code} had closed {k['last_closed_month']} on "
                f"{when}, the backup's last closed month is "
                f"{has.get('last_closed_month') or 'none'}"
            )
        elif has["last_seq"] == k.get("last_seq") and has["last_hash"] != k.get("last_hash"):
            findings.append(
                f"this backup differs: fund {code}'s entry {has['last_seq']} seen on {when} "
                "has another hash in the backup"
            )
    return findings


# --- making a backup -----------------------------------------------------------------------


@dataclass
class BackupResult:
    path: Path
    manifest: dict
    checksum: str


def _add_tree(tar: tarfile.TarFile, root: Path, arcname: str) -> int:
    count = 0
    if not root.is_dir():
        return 0
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            tar.add(path, arcname=f"{arcname}/{path.relative_to(root).as_posix()}")
            count += 1
    return count


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    info.mtime = int(_now().timestamp())
    tar.addfile(info, io.BytesIO(data))


def backup_create(*, output: Path | None, passphrase: str, reason: str = "manual") -> BackupResult:
    """One backup file; the status and the heads seen are recorded; a failure is recorded too."""
    started = _now()
    output = Path(output) if output else default_name("manual" if reason == "manual" else "auto")
    try:
        result = _backup_create(
            output=output, passphrase=passphrase, reason=reason, started=started
        )
    except (BackupError, database.DatabaseBackupError, OSError) as exc:
        _status_update(last_failure_at=_now().isoformat(), last_error=str(exc))
        raise BackupError(str(exc)) from exc
    heads_seen_record(result.manifest["funds"], seen_at=started, source=output.name)
    _status_update(
        last_success_at=started.isoformat(),
        last_file=str(output),
        last_reason=reason,
        last_error=None,
        last_failure_at=None,
    )
    return result


def _backup_create(
    *, output: Path, passphrase: str, reason: str, started: dt.datetime
) -> BackupResult:
    import hashlib

    output.parent.mkdir(parents=True, exist_ok=True)
    vendor = database.vendor()
    # The unencrypted copy stays on the server's own disk (not on the USB stick of ``-o``).
    with tempfile.TemporaryDirectory(prefix=".backup-", dir=backup_dir()) as tmp:
        tmpdir = Path(tmp)
        os.chmod(tmpdir, 0o700)
        if vendor == "sqlite":
            db_name = "database.sqlite3"
            heads = database.sqlite_snapshot(tmpdir / db_name)
        elif vendor == "postgresql":
            db_name = "database.pgdump"
            heads = database.pg_snapshot(tmpdir / db_name)
        else:
            raise BackupError(f"backups of a {vendor} database are not supported")
        db_sha = hashlib.sha256()
        with open(tmpdir / db_name, "rb") as f:
            while chunk := f.read(1 << 20):
                db_sha.update(chunk)
        media_root = Path(settings.MEDIA_ROOT)
        manifest = {
            "format": 1,
            "created_at": started.isoformat(),
            "created_local": _local(started).strftime("%Y-%m-%d %H:%M:%S %Z"),
            "app_version": app_version(),
            "database": {"vendor": vendor, "file": db_name, "sha256": db_sha.hexdigest()},
            "funds": heads,
            "reason": reason,
        }
        payload = tmpdir / "payload.tar.gz"
        with tarfile.open(payload, "w:gz", compresslevel=6) as tar:
            tar.add(tmpdir / db_name, arcname=db_name)
            _add_bytes(tar, "secret_key", settings.SECRET_KEY.encode("utf-8"))
            manifest["media_files"] = _add_tree(tar, media_root, "media")
            _add_bytes(tar, "manifest.json", json.dumps(manifest, indent=1).encode("utf-8"))
        staged = output.with_name(f".{output.name}.{os.getpid()}.part")
        try:
            fd = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as out:
                checksum = archive.write(
                    out, manifest=manifest, payload_path=payload, passphrase=passphrase
                )
                out.flush()
                os.fsync(out.fileno())
            os.replace(staged, output)
        finally:
            staged.unlink(missing_ok=True)
    return BackupResult(path=output, manifest=manifest, checksum=checksum)


# --- inspecting ----------------------------------------------------------------------------


def backup_inspect(path: Path) -> tuple[dict, bool]:
    """The manifest, and whether the checksum holds (no passphrase needed)."""
    header = archive.read_header(path)
    try:
        archive.verify_checksum(path, header)
        intact = True
    except archive.ChecksumMismatch:
        intact = False
    return header.manifest, intact


def backups_list() -> list[tuple[Path, dict | None]]:
    found = []
    for path in sorted(backup_dir().glob(f"*{SUFFIX}")):
        try:
            found.append((path, archive.read_header(path).manifest))
        except archive.ArchiveError:
            found.append((path, None))
    return found


# --- restoring -----------------------------------------------------------------------------


@dataclass
class RestoreResult:
    manifest: dict
    rollback: list[str] = field(default_factory=list)
    kept_previous: Path | None = None
    verify_output: str = ""
    verified: bool = False
    key_warning: str | None = None


def _safe_extract(tar: tarfile.TarFile, dest: Path) -> None:
    """Only regular files and folders, only inside ``dest`` (a crafted archive writes nowhere
    else)."""
    if hasattr(tarfile, "data_filter"):  # Python 3.11.4+
        tar.extractall(dest, filter="data")
        return
    for member in tar.getmembers():
        name = Path(member.name)
        if name.is_absolute() or ".." in name.parts or not (member.isfile() or member.isdir()):
            raise BackupError(f"the backup holds an unsafe entry: {member.name}")
    tar.extractall(dest)


def backup_restore(
    *,
    path: Path,
    passphrase: str | list[str],
    force: bool = False,
    accept_rollback: bool = False,
    heads_file: str | None = None,
    out: Callable[[str], None] = lambda line: None,
) -> RestoreResult:
    path = Path(path)
    header = archive.verify_checksum(path)  # before anything: a damaged file changes nothing
    manifest = header.manifest
    vendor = database.vendor()
    if manifest["database"]["vendor"] != vendor:
        raise BackupError(
            f"this backup holds a {manifest['database']['vendor']} database; DATABASE_URL "
            f"points to {vendor}: restore it with the same kind of database"
        )
    # What the books had before: the heads of every backup made here, and the database now.
    now_heads = database.current_heads()
    if now_heads:
        heads_seen_record(now_heads, seen_at=_now(), source="database before restore")
    rollback = rollback_findings(manifest["funds"], heads_seen_read()["funds"])
    if rollback and not accept_rollback:
        raise RollbackRefused(
            "\n".join(rollback) + "\nrestoring it would roll the books back; nothing was restored "
            "(run again with --accept-rollback to restore it all the same)"
        )
    if vendor == "sqlite" and not force:
        users = database.processes_using(database.sqlite_path())
        if users:
            raise BackupError(
                f"the database {database.sqlite_path()} is in use by process(es) "
                f"{', '.join(map(str, users))}: stop the server first (or use --force)"
            )
    stamp = _local(_now()).strftime("%Y%m%d-%H%M%S")
    with tempfile.TemporaryDirectory(prefix=".restore-", dir=backup_dir()) as tmp:
        tmpdir = Path(tmp)
        os.chmod(tmpdir, 0o700)
        payload = tmpdir / "payload.tar.gz"
        candidates = [passphrase] if isinstance(passphrase, str) else list(passphrase)
        for i, candidate in enumerate(candidates):
            try:
                with open(payload, "wb") as f:
                    archive.decrypt(path, passphrase=candidate, into=f, header=header)
                break
            except archive.WrongPassphrase:
                if i == len(candidates) - 1:
                    raise
        content = tmpdir / "content"
        with tarfile.open(payload, "r:gz") as tar:
            _safe_extract(tar, content)
        inner = json.loads((content / "manifest.json").read_text("utf-8"))
        if inner != manifest:
            raise BackupError(f"{path.name}: the manifest does not match the content")
        db_file = content / manifest["database"]["file"]
        result = RestoreResult(manifest=manifest, rollback=rollback)
        if vendor == "sqlite":
            database.sqlite_check_file(db_file)
            before = backup_dir() / f"before-restore-{stamp}.sqlite3"
            if database.sqlite_save_current(before):
                result.kept_previous = before
                out(f"the database replaced is kept in {before}")
            database.sqlite_replace(db_file)
        else:
            before = backup_dir() / f"before-restore-{stamp}.pgdump"
            try:
                database.pg_snapshot(before)
                result.kept_previous = before
                out(f"the database replaced is kept in {before}")
            except database.DatabaseBackupError:
                before.unlink(missing_ok=True)
            database.pg_restore(db_file)
        key = (content / "secret_key").read_text("utf-8").strip()
        result.key_warning = _restore_key(key, stamp, out)
        _restore_media(content / "media", stamp, out)
    if rollback:
        heads_seen_accept_rollback(manifest["funds"], findings=rollback, source=path.name)
    result.verify_output, result.verified = _verify(key, heads_file)
    return result


def _restore_key(key: str, stamp: str, out: Callable[[str], None]) -> str | None:
    path = Path(settings.SECRET_KEY_FILE)
    if path.exists() and path.read_text().strip() != key:
        kept = path.with_name(f"{path.name}.before-restore-{stamp}")
        shutil.copy2(path, kept)
        out(f"the key replaced is kept in {kept}")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(key)
    env_key = os.environ.get("KONGTUN_SECRET_KEY")
    if env_key and env_key != key:
        return (
            f"KONGTUN_SECRET_KEY in force differs from the backup's key (written to {path}): "
            "set KONGTUN_SECRET_KEY to that key, or the books' seals will look forged"
        )
    return None


def _restore_media(source: Path, stamp: str, out: Callable[[str], None]) -> None:
    target = Path(settings.MEDIA_ROOT)
    if target.exists() and any(target.iterdir()):
        kept = target.with_name(f"{target.name}.before-restore-{stamp}")
        os.replace(target, kept)
        out(f"the uploaded files replaced are kept in {kept}")
    elif target.exists():
        target.rmdir()
    if source.is_dir():
        shutil.copytree(source, target)
    else:
        target.mkdir(parents=True, exist_ok=True)


def _verify(key: str, heads_file: str | None) -> tuple[str, bool]:
    """ledger_verify (and ledger_check) on the restored books, with the restored key."""
    buf = io.StringIO()
    ok = True
    previous = settings.SECRET_KEY
    settings.SECRET_KEY = key
    try:
        for name, kwargs in (
            ("ledger_verify", {"heads": heads_file} if heads_file else {}),
            ("ledger_check", {}),
        ):
            buf.write(f"$ manage.py {name}\n")
            try:
                call_command(name, stdout=buf, stderr=buf, **kwargs)
            except CommandError as exc:
                ok = False
                buf.write(f"{exc}\n")
    finally:
        settings.SECRET_KEY = previous
    return buf.getvalue(), ok


# --- rotation ------------------------------------------------------------------------------


def backup_time(path: Path) -> dt.datetime | None:
    match = NAME_RE.match(path.name)
    if not match:
        return None
    naive = dt.datetime.strptime(match.group(1), "%Y%m%d-%H%M%S")
    return timezone.make_aware(naive)


def rotation_keep(
    times: dict[str, dt.datetime],
    *,
    daily: int = KEEP_DAILY,
    weekly: int = KEEP_WEEKLY,
    monthly: int = KEEP_MONTHLY,
) -> set[str]:
    """The newest backup of each of the last ``daily`` days, ``weekly`` ISO weeks and
    ``monthly`` months that have one (grandfather-father-son, as restic's ``forget``)."""
    newest_first = sorted(times, key=lambda n: (times[n], n), reverse=True)
    keep: set[str] = set()
    rules: Iterable[tuple[int, Callable[[dt.datetime], object]]] = (
        (daily, lambda t: t.date()),
        (weekly, lambda t: tuple(t.isocalendar())[:2]),
        (monthly, lambda t: (t.year, t.month)),
    )
    for count, bucket in rules:
        seen: list[object] = []
        for name in newest_first:
            b = bucket(_local(times[name]))
            if seen and seen[-1] == b:
                continue
            if len(seen) == count:
                break
            seen.append(b)
            keep.add(name)
    return keep


def backups_rotate() -> list[Path]:
    """Delete the automatic backups the rotation does not keep; manual ones are never touched."""
    autos = {
        p.name: (p, t)
        for p in backup_dir().glob(f"*-auto{SUFFIX}")
        if (t := backup_time(p)) is not None
    }
    keep = rotation_keep({name: t for name, (p, t) in autos.items()})
    removed = []
    for name, (p, _t) in sorted(autos.items()):
        if name not in keep:
            p.unlink(missing_ok=True)
            removed.append(p)
    return removed


# --- automatic backups ---------------------------------------------------------------------


def backup_due(now: dt.datetime | None = None) -> bool:
    """A day since the last good backup (and an hour since the last failure)."""
    now = now or _now()
    status = status_read()
    last = status.get("last_success_at")
    if last and now - dt.datetime.fromisoformat(last) < DUE_AFTER:
        return False
    failed = status.get("last_failure_at")
    if failed and now - dt.datetime.fromisoformat(failed) < RETRY_FAILED_AFTER:
        return False
    return True


def auto_backup_run(reason: str, *, only_if_due: bool) -> Path | None:
    """Make an automatic backup unless another process is making one (a lock file). A month
    close that finds the lock taken leaves a note, and the running one makes one more."""
    import fcntl

    directory = backup_dir()
    pending = directory / ".pending"
    with open(directory / ".lock", "a+") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not only_if_due:
                pending.touch()
            return None
        try:
            made = None
            for _round in range(3):
                pending.unlink(missing_ok=True)
                if only_if_due and not backup_due():
                    return made
                passphrase, _source = auto_passphrase()
                made = backup_create(output=None, passphrase=passphrase, reason=reason).path
                backups_rotate()
                if not pending.exists():
                    return made
                reason, only_if_due = "month-close", False
            return made
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


_threads: list[threading.Thread] = []
_threads_lock = threading.Lock()


def auto_backup_start(reason: str, *, only_if_due: bool) -> threading.Thread | None:
    """Run ``auto_backup_run`` in a background thread (the request that noticed is not held)."""
    if not settings.BACKUP_AUTO:
        return None

    def work() -> None:
        from django.db import connections

        try:
            auto_backup_run(reason, only_if_due=only_if_due)
        except Exception:  # recorded in status.json for the dashboard; logged here
            log.exception("automatic backup failed")
        finally:
            connections.close_all()

    thread = threading.Thread(target=work, name=f"kongtun-backup-{reason}", daemon=False)
    with _threads_lock:
        _threads[:] = [t for t in _threads if t.is_alive()]
        _threads.append(thread)
    thread.start()
    return thread


def auto_backups_join() -> None:
    """Wait for background backups started by this process (tests, a clean shutdown)."""
    with _threads_lock:
        threads = list(_threads)
    for t in threads:
        t.join()

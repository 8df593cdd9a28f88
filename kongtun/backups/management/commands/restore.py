from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kongtun.backups.archive import ArchiveError
from kongtun.backups.management.commands._passphrase import given_passphrase, prompt_passphrase
from kongtun.backups.services import (
    BackupError,
    auto_key_path,
    backup_inspect,
    backup_restore,
    backups_list,
    passphrase_from_file,
)


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` (checksum and passphrase first), then run "
        "ledger_verify and ledger_check. Refuses a backup behind the books seen before (a "
        "rollback) unless --accept-rollback. --list and --inspect only show manifests."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="the backup file")
        parser.add_argument(
            "--list", dest="list_all", action="store_true", help="list the backups in var/backups/"
        )
        parser.add_argument(
            "--inspect", metavar="FILE", help="show a backup's manifest; restore nothing"
        )
        parser.add_argument("--passphrase-file", help="a file holding the passphrase")
        parser.add_argument(
            "--force", action="store_true", help="SQLite: replace the database even while in use"
        )
        parser.add_argument(
            "--accept-rollback",
            action="store_true",
            help="restore a backup that is behind the books seen before",
        )
        parser.add_argument("--heads", help="published heads, passed on to ledger_verify --heads")

    def handle(self, *args, file=None, list_all=False, inspect=None, passphrase_file=None, **o):
        if list_all:
            return self._list()
        if inspect:
            return self._inspect(Path(inspect))
        if not file:
            raise CommandError("name the backup file to restore (or --list, --inspect FILE)")
        path = Path(file)
        try:
            manifest, intact = backup_inspect(path)
        except (ArchiveError, OSError) as exc:
            raise CommandError(f"nothing was restored: {exc}") from None
        if not intact:
            raise CommandError(
                f"nothing was restored: {path.name}: the checksum differs — the file is damaged "
                "or was altered"
            )
        given = given_passphrase(passphrase_file)
        if given:
            candidates = [given]
        else:
            candidates = []
            if auto_key_path().exists():
                candidates.append(passphrase_from_file(auto_key_path()))
            if not candidates:
                candidates.append(prompt_passphrase(confirm=False))
        try:
            result = backup_restore(
                path=path,
                passphrase=candidates,
                force=o["force"],
                accept_rollback=o["accept_rollback"],
                heads_file=o.get("heads"),
                out=self.stdout.write,
            )
        except (BackupError, ArchiveError) as exc:
            raise CommandError(str(exc)) from None
        for line in result.rollback:
            self.stderr.write(f"ROLLBACK: {line}")
        if result.key_warning:
            self.stderr.write(f"WARNING: {result.key_warning}")
        self.stdout.write(f"restored {path.name} (made {manifest['created_local']})")
        self.stdout.write(result.verify_output.rstrip())
        if not result.verified:
            raise CommandError("the restored books did not pass ledger_verify / ledger_check")
        self.stdout.write("the restored books pass ledger_verify and ledger_check")

    def _describe(self, path: Path, manifest: dict) -> None:
        self.stdout.write(
            f"{path}: made {manifest['created_local']} ({manifest.get('reason')}), "
            f"Kongtun {manifest['app_version']}, {manifest['database']['vendor']}, "
            f"{manifest.get('media_files', 0)} uploaded file(s)"
        )
        for code, head in manifest["funds"].items():
            self.stdout.write(
                f"  {code}: {head['entries']} entries, last {head['last_seq']} "
                f"({(head['last_hash'] or '-')[:16]}), closed through "
                f"{head['last_closed_month'] or '-'}"
            )

    def _list(self) -> None:
        found = backups_list()
        if not found:
            self.stdout.write("no backups in var/backups/")
        for path, manifest in found:
            if manifest is None:
                self.stdout.write(f"{path}: not a readable backup")
            else:
                self._describe(path, manifest)

    def _inspect(self, path: Path) -> None:
        try:
            manifest, intact = backup_inspect(path)
        except (ArchiveError, OSError) as exc:
            raise CommandError(str(exc)) from None
        self._describe(path, manifest)
        self.stdout.write(json.dumps(manifest, indent=1, ensure_ascii=False))
        if not intact:
            raise CommandError(
                f"{path.name}: the checksum differs — the file is damaged or was altered"
            )
        self.stdout.write("checksum OK")

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kongtun.backups.management.commands._passphrase import given_passphrase, prompt_passphrase
from kongtun.backups.services import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Make a consistent, compressed, passphrase-protected backup of the database, the seal "
        "key and the uploaded files while the server runs (default: into var/backups/)."
    )

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", help="the backup file to write")
        parser.add_argument(
            "--passphrase-file",
            help="a file holding the passphrase (else KONGTUN_BACKUP_PASSPHRASE, else asked)",
        )

    def handle(self, *args, output: str | None = None, passphrase_file: str | None = None, **o):
        passphrase = given_passphrase(passphrase_file) or prompt_passphrase(confirm=True)
        try:
            result = backup_create(
                output=Path(output) if output else None, passphrase=passphrase, reason="manual"
            )
        except BackupError as exc:
            raise CommandError(f"no backup was made: {exc}") from None
        m = result.manifest
        size = result.path.stat().st_size
        self.stdout.write(f"backup written: {result.path} ({size:,} bytes)")
        self.stdout.write(
            f"  {m['created_local']}, {m['database']['vendor']}, "
            f"{m['media_files']} uploaded file(s), checksum sha256 {result.checksum}"
        )
        for code, head in m["funds"].items():
            self.stdout.write(
                f"  {code}: {head['entries']} entries, last {head['last_seq']} "
                f"({(head['last_hash'] or '-')[:16]}), "
                f"closed through {head['last_closed_month'] or '-'}"
            )
        self.stdout.write(
            "  keep the passphrase apart from the backup: without it the file cannot be opened"
        )

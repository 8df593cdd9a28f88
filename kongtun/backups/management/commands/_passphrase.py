"""Where the commands take the passphrase from (README, "Backups")."""

from __future__ import annotations

import getpass
import sys

from django.core.management.base import CommandError

from kongtun.backups.services import BackupError, passphrase_from_env, passphrase_from_file


def given_passphrase(passphrase_file: str | None) -> str | None:
    """--passphrase-file, else KONGTUN_BACKUP_PASSPHRASE; None when neither is given."""
    if passphrase_file:
        try:
            return passphrase_from_file(passphrase_file)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
    return passphrase_from_env()


def prompt_passphrase(*, confirm: bool) -> str:
    if not sys.stdin.isatty():
        raise CommandError(
            "no passphrase: give --passphrase-file FILE or set KONGTUN_BACKUP_PASSPHRASE "
            "(or run it in a terminal to be asked)"
        )
    first = getpass.getpass("Backup passphrase: ")
    if not first:
        raise CommandError("an empty passphrase is not accepted")
    if confirm and getpass.getpass("The same passphrase again: ") != first:
        raise CommandError("the two passphrases differ; no backup was made")
    return first

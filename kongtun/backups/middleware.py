"""The daily backup without cron: a request notices when the last one is a day old."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

#: How often one process looks at the backups' status (a file read), in seconds.
CHECK_EVERY = 600.0

_next_check = 0.0
_lock = threading.Lock()


def daily_backup_check() -> threading.Thread | None:
    """At most once every CHECK_EVERY seconds in this process: start the daily backup in the
    background when it is due. The backup itself takes a lock file, so two processes that both
    notice make one backup."""
    global _next_check
    if not settings.BACKUP_AUTO:
        return None
    now = time.monotonic()
    with _lock:
        if now < _next_check:
            return None
        _next_check = now + CHECK_EVERY
    from kongtun.backups.services import auto_backup_start, backup_due

    if not backup_due():
        return None
    return auto_backup_start("daily", only_if_due=True)


def reset_throttle() -> None:
    global _next_check
    with _lock:
        _next_check = 0.0


class DailyBackupMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        try:
            daily_backup_check()
        except Exception:  # a backup problem never breaks a page; the dashboard shows it
            import logging

            logging.getLogger("kongtun.backups").exception("daily backup check failed")
        return response

"""``{% backup_status as b %}``: when the last backup was made, for the fund dashboard."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone

register = template.Library()


@register.simple_tag
def backup_status() -> dict:
    from kongtun.backups.services import WARN_AFTER, status_read

    status = status_read()
    last = status.get("last_success_at")
    last_at = dt.datetime.fromisoformat(last) if last else None
    failed = status.get("last_failure_at")
    failed_at = dt.datetime.fromisoformat(failed) if failed else None
    old = last_at is None or timezone.now() - last_at > WARN_AFTER
    return {
        "last_at": timezone.localtime(last_at) if last_at else None,
        "failed_at": timezone.localtime(failed_at) if failed_at else None,
        "error": status.get("last_error"),
        "warn": old or failed_at is not None,
        "old": old,
    }

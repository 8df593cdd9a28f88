"""Template filters of the books pages: ``{% load books %}``."""

from __future__ import annotations

import datetime as dt

from django import template

from kongtun.core.money import to_money
from kongtun.ledger.models import satang_to_baht
from kongtun.ledger.reports import month_label, month_last

register = template.Library()


@register.filter
def satang(value: int | None) -> str:
    """Whole satang shown as baht: 123450 → 1,234.50."""
    if value is None or value == "":
        return ""
    return f"{to_money(satang_to_baht(int(value))):,.2f}"


@register.filter
def monthname(value: dt.date | None) -> str:
    """'มีนาคม 2567' in Thai, 'March 2024' in English."""
    return month_label(value) if value else ""


@register.filter
def lastday(value: dt.date | None) -> dt.date | None:
    """The last day of the date's month."""
    return month_last(value) if value else None

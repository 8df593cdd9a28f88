"""Template filters: Buddhist-Era dates in Thai, baht with satang, amounts in Thai words."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import template
from django.utils.translation import get_language

from kongtun.core.money import amount_in_english_words, amount_in_thai_words, to_money
from kongtun.core.thaidates import format_date, format_date_input

register = template.Library()


@register.filter
def thaidate(value: dt.date | None, style: str = "short") -> str:
    """15 มี.ค. 2567 in Thai (Buddhist Era), 15 Mar 2024 in English."""
    return format_date(value, get_language() or "th", style)


@register.filter
def monthyear(value: dt.date | None) -> str:
    """มี.ค. 2567 in Thai, Mar 2024 in English: a month of contributions."""
    if value is None:
        return ""
    if (get_language() or "th").startswith("th"):
        return format_date(value, "th").split(" ", 1)[1]
    return format_date(value, "en").split(" ", 1)[1]


@register.filter
def dateinput(value: dt.date | None) -> str:
    return format_date_input(value, get_language() or "th")


@register.filter
def baht(value: Decimal | int | None) -> str:
    """1,234.50 — always two places, thousands separated."""
    if value is None or value == "":
        return ""
    return f"{to_money(value):,.2f}"


@register.filter
def bahtwords(value: Decimal | None) -> str:
    """The amount in words in the page's language (documents kept in Thai override it)."""
    if value is None:
        return ""
    if (get_language() or "th").startswith("en"):
        return amount_in_english_words(value)
    return amount_in_thai_words(value)


@register.simple_tag(takes_context=True)
def can(context: template.Context, cap: str) -> bool:
    access = context.get("access")
    return bool(access and access.can(cap))


@register.filter
def person(user: object) -> str:
    """A user as people know them: the full name, or the login name when none is recorded."""
    if user is None:
        return ""
    full = getattr(user, "get_full_name", lambda: "")()
    return full or getattr(user, "get_username", lambda: "")()

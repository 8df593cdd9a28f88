"""Small filters for the results pages."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def score(value: float | None) -> str:
    """3.47 — two places, or an en dash when there is no score."""
    return "–" if value is None else f"{value:.2f}"


@register.filter
def signed(value: float | None) -> str:
    """+0.25 / −0.40 / ±0.00, for a change between rounds."""
    if value is None:
        return ""
    if abs(value) < 0.005:
        return "±0.00"
    return f"+{value:.2f}" if value > 0 else f"−{abs(value):.2f}"


@register.filter
def get(mapping: dict, key: object) -> object:
    return mapping.get(key) if mapping else None


@register.filter
def percent_of_scale(value: float | None) -> int:
    """Where a 1–5 score sits on a bar, in percent."""
    if value is None:
        return 0
    return max(0, min(100, round((value - 1) * 25)))

"""Small filters of the lessons-learned pages."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def get_item(mapping: dict, key: object) -> object:
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def kappa(value: float | None) -> str:
    """Kappa to two decimals; a dash when it is undefined."""
    return "—" if value is None else f"{value:.2f}"


@register.filter
def percent(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.0f}%"

"""English message templates for format errors and draft warnings, keyed by code.

Errors and warnings are data (code + params); these templates give the English text without
Django. ``render.py`` translates the same strings with gettext, so they are marked with a local
``gettext_noop`` that ``makemessages`` recognises (this module must not import Django).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any


def gettext_noop(message: str) -> str:
    """Marks a string for extraction by ``makemessages``; returns it unchanged."""
    return message


ERRORS: dict[str, str] = {
    "yaml_syntax": gettext_noop("YAML syntax error: %(problem)s"),
    "yaml_too_large": gettext_noop(
        "the document is too large: %(size)s bytes, at most %(limit)s bytes are read"
    ),
    "yaml_too_many_nodes": gettext_noop(
        "the document has too many values: at most %(limit)s, counting every alias (*name) "
        "written out in full"
    ),
    "yaml_too_deep": gettext_noop(
        "the document is nested too deeply: at most %(limit)s levels, counting every alias "
        "(*name) written out in full"
    ),
    "yaml_recursive_alias": gettext_noop("an alias (*name) refers to a value that contains it"),
    "duplicate_key": gettext_noop("the key %(key)s appears twice"),
    "not_mapping": gettext_noop("expected a mapping of keys to values"),
    "required": gettext_noop("required"),
    "unknown_key": gettext_noop("unknown key %(key)s"),
    "not_one_of": gettext_noop("must be one of %(expected)s"),
    "not_integer": gettext_noop("must be a whole number"),
    "not_number": gettext_noop("must be a number"),
    "not_date": gettext_noop("must be a date written YYYY-MM-DD"),
    "not_boolean": gettext_noop("must be true or false"),
    "not_text": gettext_noop("must be text"),
    "not_list": gettext_noop("must be a list"),
    "invalid": gettext_noop("invalid value: %(detail)s"),
    "float_not_allowed": gettext_noop("write this number as text or Decimal: a float is not exact"),
    "unsupported_format": gettext_noop(
        "format %(value)s is not supported (this version reads format %(expected)s)"
    ),
    "bad_code": gettext_noop(
        "%(value)s is not a valid code: use lowercase letters, digits and _, starting with a letter"
    ),
    "negative": gettext_noop("must not be negative"),
    "not_positive": gettext_noop("must be more than zero"),
    "too_many_decimals": gettext_noop("at most 2 decimal places (satang)"),
    "out_of_range": gettext_noop("must be between %(min)s and %(max)s"),
    "min_above_max": gettext_noop("the minimum %(min)s is above the maximum %(max)s"),
    "duplicate": gettext_noop("%(value)s is listed twice"),
    "unknown_clause": gettext_noop("clause %(clause)s is not among the clauses"),
    "unknown_benefit": gettext_noop("benefit %(benefit)s is not among the benefits"),
    "recurring_per": gettext_noop(
        "a benefit paid every %(every)s is counted per %(every)s or per event, not per %(per)s"
    ),
    "empty_period": gettext_noop("the period is zero: give years, months or days"),
    "days_not_allowed": gettext_noop("contributions are counted in months: days are not allowed"),
    "amount_missing": gettext_noop("give one of amount, tiers or levels"),
    "amount_conflict": gettext_noop("give only one of amount, tiers or levels"),
    "cap_measure": gettext_noop("give exactly one of amount, units or times"),
    "times_per_event": gettext_noop(
        "a limit on the number of claims needs period year or lifetime"
    ),
    "levels_not_allowed": gettext_noop(
        "only education (school level) and disability (disability level) benefits have levels"
    ),
    "empty_list": gettext_noop("must not be empty"),
    "invalid_day": gettext_noop("day %(day)s does not exist in month %(month)s of every year"),
    "deadline_not_positive": gettext_noop(
        "%(benefit)s: the days within which a claim must be filed must be at least 1, not %(value)s"
    ),
    "general_deadline_not_positive": gettext_noop(
        "the days within which a claim must be filed must be at least 1, not %(value)s"
    ),
    "counted_years_unused": gettext_noop(
        "%(benefit)s: the way years are counted is given, but the amount is not paid per "
        "counted year"
    ),
    "counted_year_needs_amount": gettext_noop(
        "%(benefit)s: an amount per counted year needs the amount for one year"
    ),
    "counted_year_cap_missing": gettext_noop(
        "%(benefit)s: the clause's text sets the most that can be paid, but the amount "
        "per counted year has no cap in baht per claim or per lifetime"
    ),
    "part_unit_conflict": gettext_noop(
        "%(benefit)s: a part paid per %(per)s cannot use the same count as the benefit itself"
    ),
    "condition_person_not_covered": gettext_noop(
        "%(benefit)s: a condition on the %(person)s, whom this benefit does not cover"
    ),
}

WARNINGS: dict[str, str] = {
    "no_clause": gettext_noop("benefit %(benefit)s cites no clause"),
    "no_benefits": gettext_noop("the regulation has no benefits"),
    "tier_empty": gettext_noop(
        "%(benefit)s tier %(tier)s can never apply: its lower bound is above its upper bound"
    ),
    "tier_overlap": gettext_noop("%(benefit)s tiers %(first)s and %(second)s overlap"),
    "tier_gap": gettext_noop(
        "%(benefit)s: gap between tiers %(first)s and %(second)s: nothing is paid in between"
    ),
    "tier_unreachable": gettext_noop(
        "%(benefit)s tier %(tier)s needs %(required)s, but at most %(reachable)s can be reached"
    ),
    "benefit_unreachable": gettext_noop(
        "%(benefit)s can never be paid to a member: maximum age %(max_age)s is below the "
        "minimum entry age %(entry_min)s"
    ),
    "cap_inner_above_outer": gettext_noop(
        "%(benefit)s: the cap per %(inner)s (%(inner_limit)s %(measure)s) is above the cap per "
        "%(outer)s (%(outer_limit)s %(measure)s)"
    ),
    "cap_never_reached": gettext_noop(
        "%(benefit)s: the cap of %(cap)s baht per %(period)s is never reached: at most "
        "%(units)s × %(rate)s baht = %(reachable)s baht"
    ),
    "group_cap_never_reached": gettext_noop(
        "the shared cap %(group)s of %(cap)s baht per %(period)s is never reached: its benefits "
        "together pay at most %(reachable)s baht"
    ),
    "duplicate_cap": gettext_noop(
        "%(benefit)s has two caps per %(period)s in %(measure)s: only the smaller one matters"
    ),
    "recurring_without_year_cap": gettext_noop(
        "%(benefit)s is paid per %(per)s but has no yearly cap: nothing stops paying the same "
        "%(per)s twice"
    ),
}


def format_message(
    template: str,
    params: Mapping[str, Any],
    duration: Callable[[Mapping[str, Any]], str] | None = None,
) -> str:
    """``template % params`` with lists joined and durations ({years, months, days}) spelled."""
    spelled: dict[str, Any] = {}
    for key, value in params.items():
        if isinstance(value, Mapping) and duration is not None:
            value = duration(value)
        elif isinstance(value, (list, tuple)):
            value = ", ".join(str(v) for v in value)
        spelled[key] = value
    try:
        return template % spelled
    except (KeyError, TypeError, ValueError):
        return f"{template} {dict(params)}"


def english_duration(d: Mapping[str, Any]) -> str:
    parts = []
    for key, one, many in (
        ("years", "year", "years"),
        ("months", "month", "months"),
        ("days", "day", "days"),
    ):
        n = d.get(key) or 0
        if n:
            parts.append(f"{n} {one if n == 1 else many}")
    return " ".join(parts) or "0 days"

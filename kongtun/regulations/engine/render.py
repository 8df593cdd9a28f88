"""Human text for decision steps, format errors and draft warnings, in Thai or English.

The only module of the engine that uses Django, and only inside functions (the engine stays
importable without Django). Message ids are English; the Thai is in
``kongtun/regulations/locale/th/LC_MESSAGES/django.po``. Amounts are shown with thousands
separators and without satang when whole ("1,000"); dates as dd/mm/yyyy, in the Buddhist Era
for Thai (15/03/2567).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from .errors import FormatError
from .facts import Decision, Step
from .messages import ERRORS, WARNINGS, format_message, gettext_noop

__all__ = [
    "format_baht",
    "format_date",
    "group_label",
    "render_decision",
    "render_error",
    "render_step",
    "render_warning",
]


def format_baht(value: Decimal | str | int) -> str:
    """1000 → "1,000"; 1000.5 → "1,000.50" (no float on the way)."""
    d = Decimal(value)
    if d == d.to_integral_value():
        return f"{d:,.0f}"
    return f"{d:,.2f}"


def format_date(value: date | str | None, lang: str) -> str:
    if value is None:
        return "-"
    d = date.fromisoformat(value) if isinstance(value, str) else value
    year = d.year + 543 if lang == "th" else d.year
    return f"{d.day:02d}/{d.month:02d}/{year}"


def _percent(fraction: str | None) -> str:
    if fraction is None:
        return "-"
    p = (Decimal(fraction) * 100).normalize()
    return f"{p:f}%"


# ---- vocabulary -----------------------------------------------------------------------------

_STATUS = {
    "active": gettext_noop("active"),
    "suspended": gettext_noop("suspended"),
    "resigned": gettext_noop("resigned"),
    "deceased": gettext_noop("deceased"),
}
_RELATIVE = {
    "self": gettext_noop("the member"),
    "child": gettext_noop("child"),
    "spouse": gettext_noop("spouse"),
    "parent": gettext_noop("parent"),
}
_SEX = {"female": gettext_noop("female"), "male": gettext_noop("male")}
_DETAIL = {
    "nights": gettext_noop("number of nights"),
    "children": gettext_noop("number of children"),
    "months": gettext_noop("number of months"),
    "subject_birth_date": gettext_noop("birth date of the person claimed for"),
    "subject_sex": gettext_noop("sex of the person claimed for"),
    "grade_average": gettext_noop("grade average"),
    "days": gettext_noop("number of days"),
    "discharge_date": gettext_noop("date of discharge from hospital"),
    "marital_status": gettext_noop("marital status of the person claimed for"),
    "children_birth_dates": gettext_noop("birth dates of the children of the person claimed for"),
}
_MARITAL = {
    "single": gettext_noop("single"),
    "married": gettext_noop("married"),
    "widowed": gettext_noop("widowed"),
    "divorced": gettext_noop("divorced"),
    "separated": gettext_noop("separated"),
}
_REMAINDER = {
    "down": gettext_noop("only complete years count"),
    "more_than_half": gettext_noop(
        "a remainder of more than half a year counts as a year, exactly half does not"
    ),
    "any": gettext_noop("any part of a year counts as a year"),
}
_LEVEL = {
    "p6": gettext_noop("finished grade 6 (P6)"),
    "m3": gettext_noop("finished lower secondary (M3)"),
    "m6": gettext_noop("finished upper secondary (M6)"),
    "vocational": gettext_noop("vocational certificate"),
    "university_entry": gettext_noop("entered a public university"),
    "bachelor": gettext_noop("bachelor's degree"),
    "master": gettext_noop("master's degree"),
    "doctorate": gettext_noop("doctorate"),
    "diploma": gettext_noop("higher vocational diploma"),
    "kindergarten": gettext_noop("kindergarten"),
    "primary": gettext_noop("primary school"),
    "lower_secondary": gettext_noop("lower secondary school"),
    "upper_secondary": gettext_noop("upper secondary school"),
    "university": gettext_noop("university"),
}
_PERIOD = {
    # a unit ("500 baht per claim" → "ครั้งละ"): its own context, apart from the claim itself
    # ("คำขอ") that other catalogs translate under the same English word
    "event": "claim",
    "year": gettext_noop("year"),
    "lifetime": gettext_noop("lifetime"),
    "month": gettext_noop("month"),
    "night": gettext_noop("night"),
    "day": gettext_noop("day"),
    "counted_year": gettext_noop("counted year of membership"),
    "baht": gettext_noop("baht"),
    "units": gettext_noop("units"),
    "times": gettext_noop("claims"),
}


def _period(key: str) -> str:
    """A period or unit's name in the active language."""
    from django.utils.translation import gettext, pgettext

    if key == "event":
        return pgettext("unit", "claim")
    return gettext(_PERIOD.get(key, key))


def _units(n: int | str | None, unit: str, ngettext: Callable[[str, str, int], str]) -> str:
    """ "5 nights" / "5 คืน"."""
    if n is None:
        return "-"
    count = int(n)
    forms = {
        "night": ngettext("%(count)s night", "%(count)s nights", count),
        "child": ngettext("%(count)s child", "%(count)s children", count),
        "month": ngettext("%(count)s month", "%(count)s months", count),
        "day": ngettext("%(count)s day", "%(count)s days", count),
        "year": ngettext("%(count)s year", "%(count)s years", count),
        "delivery": ngettext("%(count)s delivery", "%(count)s deliveries", count),
        "visit": ngettext("%(count)s visit", "%(count)s visits", count),
        "counted_year": ngettext("%(count)s year", "%(count)s years", count),
        "event": ngettext("%(count)s claim", "%(count)s claims", count),
    }
    return forms.get(unit, forms["event"]) % {"count": f"{count:,}"}


def _duration(d: Mapping[str, Any] | None, ngettext: Callable[[str, str, int], str]) -> str:
    if d is None:
        return "-"
    parts = [
        _units(d.get(key) or 0, unit, ngettext)
        for key, unit in (("years", "year"), ("months", "month"), ("days", "day"))
        if d.get(key)
    ]
    return " ".join(parts) or _units(0, "day", ngettext)


# ---- steps ----------------------------------------------------------------------------------


def render_step(step: Step, lang: str = "th") -> str:
    """One line, e.g. "ข้อ 8: เป็นสมาชิก 239 วัน ≥ 180 วัน ✓"."""
    from django.utils.translation import override

    with override(lang):
        return _render_step(step, lang)


def render_decision(decision: Decision, lang: str = "th") -> list[str]:
    """Every step, then the outcome."""
    from django.utils.translation import gettext, override

    with override(lang):
        lines = [_render_step(s, lang) for s in decision.steps]
        if decision.eligible:
            lines.append(
                gettext("Eligible: %(amount)s baht") % {"amount": format_baht(decision.amount)}
            )
        else:
            lines.append(gettext("Not eligible"))
        return lines


def _render_step(step: Step, lang: str) -> str:
    from django.utils.translation import gettext, ngettext

    _ = gettext
    p = step.params
    ok = step.ok
    cmp_ge = "≥" if ok else "<"
    dt = lambda key: format_date(p.get(key), lang)  # noqa: E731
    baht = lambda key: format_baht(p[key]) if p.get(key) is not None else "-"  # noqa: E731
    code = step.code

    if code == "benefit_unknown":
        body = _("no benefit %(benefit)s in this regulation") % {"benefit": p.get("benefit")}
    elif code == "event_date":
        msg = (
            _("event on %(event_date)s, not after the decision date %(as_of)s")
            if ok
            else _("event on %(event_date)s is after the decision date %(as_of)s")
        )
        body = msg % {"event_date": dt("event_date"), "as_of": dt("as_of")}
    elif code == "after_join":
        msg = (
            _("joined on %(join_date)s, not after the event on %(event_date)s")
            if ok
            else _("event on %(event_date)s is before joining on %(join_date)s")
        )
        body = msg % {"event_date": dt("event_date"), "join_date": dt("join_date")}
    elif code == "death_event":
        if ok:
            body = _("death of the member on %(death_date)s") % {"death_date": dt("death_date")}
        elif p.get("death_date") is None:
            body = _("the member is not recorded as deceased")
        else:
            body = _("the member died on %(death_date)s, not on %(event_date)s") % {
                "death_date": dt("death_date"),
                "event_date": dt("event_date"),
            }
    elif code == "before_death":
        msg = (
            _("event on %(event_date)s, not after the member's death on %(death_date)s")
            if ok
            else _("event on %(event_date)s is after the member's death on %(death_date)s")
        )
        body = msg % {"event_date": dt("event_date"), "death_date": dt("death_date")}
    elif code == "status":
        body = _("member status on %(date)s: %(status)s") % {
            "date": dt("date"),
            "status": _(_STATUS.get(p.get("status"), str(p.get("status")))),
        }
    elif code == "relative":
        rel = _(_RELATIVE.get(p.get("relative"), str(p.get("relative"))))
        if ok:
            body = _("claim for the member's %(relative)s: %(fraction)s of the member's amount") % {
                "relative": rel,
                "fraction": _percent(p.get("fraction")),
            }
        elif p.get("relative") == "self":
            body = _("this benefit is not paid for the member themself")
        else:
            body = _("this benefit is not paid for the member's %(relative)s") % {"relative": rel}
    elif code == "sex":
        body = _("sex: %(sex)s; required: %(required)s") % {
            "sex": _(_SEX.get(p.get("sex"), str(p.get("sex")))),
            "required": _(_SEX.get(p.get("required"), str(p.get("required")))),
        }
    elif code == "age":
        body = _("age %(age)s years; required: %(range)s") % {
            "age": p.get("age"),
            "range": _age_range(p),
        }
    elif code == "entry_age":
        body = _("age on joining %(age)s years; required: %(range)s") % {
            "age": p.get("age"),
            "range": _age_range(p),
        }
    elif code == "plan":
        body = _("contribution plan %(plan)s; allowed: %(allowed)s") % {
            "plan": f"{format_baht(p['amount'])}/{p.get('months')}",
            "allowed": ", ".join(p.get("allowed", ())),
        }
    elif code == "grade_average":
        body = _("grade average %(grade)s %(cmp)s %(min)s") % {
            "grade": p.get("grade"),
            "cmp": cmp_ge,
            "min": p.get("min"),
        }
    elif code in ("school_level", "disability_level"):
        level = p.get("level")
        allowed = ", ".join(_(_LEVEL.get(x, x)) for x in p.get("allowed", ()))
        msg = (
            _("school level: %(level)s; allowed: %(allowed)s")
            if code == "school_level"
            else _("disability level: %(level)s; allowed: %(allowed)s")
        )
        body = msg % {"level": _(_LEVEL.get(level, level)) if level else "-", "allowed": allowed}
    elif code == "waiting_period":
        body = _waiting(p, ok, lang, ngettext)
    elif code == "filing_deadline":
        body = _deadline(p, ok, lang)
    elif code == "counted_years":
        body = _counted(p, ngettext)
    elif code == "marital_status":
        body = _("marital status: %(status)s; required: %(allowed)s") % {
            "status": _(_MARITAL.get(p.get("status"), str(p.get("status")))),
            "allowed": ", ".join(_(_MARITAL.get(x, x)) for x in p.get("allowed", ())),
        }
    elif code == "has_children":
        msg = (
            _("children: %(children)s; required: has children")
            if p.get("required")
            else _("children: %(children)s; required: no children")
        )
        body = msg % {"children": _units(p.get("children"), "child", ngettext)}
    elif code == "minor_child":
        values = {
            "minors": _units(p.get("minors"), "child", ngettext),
            "age": p.get("age_limit"),
        }
        msg = (
            _("children under %(age)s years (not yet of age): %(minors)s; required: at least one")
            if p.get("required")
            else _("children under %(age)s years (not yet of age): %(minors)s; required: none")
        )
        body = msg % values
    elif code == "part":
        name = p.get("name_en") if lang.startswith("en") and p.get("name_en") else p.get("name_th")
        unit = p.get("unit", "event")
        if unit in ("night", "day"):
            computed = _("%(units)s × %(rate)s baht = %(computed)s baht") % {
                "units": _units(p.get("units"), unit, ngettext),
                "rate": baht("rate"),
                "computed": baht("computed"),
            }
        else:
            computed = _("%(computed)s baht per claim") % {"computed": baht("computed")}
        limits = []
        if p.get("max_units") is not None:
            limits.append(
                _("at most %(cap)s") % {"cap": _units(p.get("max_units"), unit, ngettext)}
            )
        if p.get("max_amount") is not None:
            limits.append(_("at most %(cap)s baht") % {"cap": baht("max_amount")})
        body = _(
            "with it, in the same event: %(name)s: %(computed)s%(limits)s → %(result)s baht"
        ) % {
            "name": name,
            "computed": computed,
            "limits": "; " + ", ".join(limits) if limits else "",
            "result": baht("result"),
        }
    elif code == "event_total":
        body = _("the event as a whole: %(total)s baht") % {"total": baht("total")}
    elif code == "arrears":
        body = _(
            "unpaid contributions: %(unpaid)s %(cmp)s %(max)s allowed (due %(due)s, paid %(paid)s)"
        ) % {
            "unpaid": _units(p.get("unpaid"), "month", ngettext),
            "cmp": "≤" if ok else ">",
            "max": _units(p.get("max"), "month", ngettext),
            "due": _units(p.get("due"), "month", ngettext),
            "paid": _units(p.get("paid"), "month", ngettext),
        }
    elif code == "detail_missing":
        detail = p.get("detail")
        body = _("missing or invalid detail: %(detail)s") % {
            "detail": _(_DETAIL.get(detail, str(detail)))
        }
    elif code == "level":
        level = p.get("level")
        shown = _(_LEVEL.get(level, level)) if level else "-"
        if ok:
            body = _("level %(level)s: %(amount)s baht") % {
                "level": shown,
                "amount": baht("amount"),
            }
        else:
            body = _("level %(level)s is not in the table (%(levels)s)") % {
                "level": shown,
                "levels": ", ".join(_(_LEVEL.get(x, x)) for x in p.get("levels", ())),
            }
    elif code == "tier":
        body = _tier(p, ok, ngettext)
    elif code == "amount":
        unit = p.get("unit", "event")
        if unit in ("night", "child", "month", "day", "counted_year"):
            body = _("%(units)s × %(rate)s baht = %(computed)s baht") % {
                "units": _units(p.get("units"), unit, ngettext),
                "rate": baht("rate"),
                "computed": baht("computed"),
            }
        else:
            body = _("%(computed)s baht per claim") % {"computed": baht("computed")}
    elif code == "per_event_cap":
        unit = p.get("unit", "event")
        cap = (
            _("cap per stay %(cap)s baht") if unit == "night" else _("cap per claim %(cap)s baht")
        ) % {"cap": baht("cap")}
        if unit in ("night", "child", "month", "day", "counted_year"):
            body = _("%(units)s × %(rate)s baht = %(computed)s baht; %(cap)s → %(result)s baht") % {
                "units": _units(p.get("units"), unit, ngettext),
                "rate": baht("rate"),
                "computed": baht("computed"),
                "cap": cap,
                "result": baht("result"),
            }
        else:
            body = _("%(computed)s baht; %(cap)s → %(result)s baht") % {
                "computed": baht("computed"),
                "cap": cap,
                "result": baht("result"),
            }
    elif code.endswith("_units_cap"):
        unit = p.get("unit", "event")
        values = {
            "units": _units(p.get("units"), unit, ngettext),
            "used": _units(p.get("used"), unit, ngettext),
            "cap": _units(p.get("cap"), unit, ngettext),
            "result": _units(p.get("result"), unit, ngettext),
            "start": dt("year_start"),
            "end": dt("year_end"),
        }
        if code == "per_event_units_cap":
            msg = _("%(units)s; at most %(cap)s per claim → %(result)s")
        elif code == "per_year_units_cap":
            msg = _(
                "%(units)s; already %(used)s in the year %(start)s–%(end)s, "
                "at most %(cap)s a year → %(result)s"
            )
        else:
            msg = _("%(units)s; already %(used)s, at most %(cap)s in a lifetime → %(result)s")
        body = msg % values + _group(p, lang)
    elif code.endswith("_times_cap"):
        values = {
            "used": _units(p.get("used"), "event", ngettext),
            "cap": _units(p.get("cap"), "event", ngettext),
            "start": dt("year_start"),
            "end": dt("year_end"),
        }
        if code == "per_year_times_cap":
            msg = _("already %(used)s in the year %(start)s–%(end)s; at most %(cap)s a year")
        else:
            msg = _("already %(used)s; at most %(cap)s in a lifetime")
        body = msg % values + _group(p, lang)
    elif code in ("per_year_cap", "lifetime_cap"):
        values = {
            "computed": baht("computed"),
            "used": baht("used"),
            "cap": baht("cap"),
            "result": baht("result"),
            "start": dt("year_start"),
            "end": dt("year_end"),
        }
        if code == "per_year_cap":
            msg = _(
                "%(computed)s baht; already paid %(used)s baht in the year %(start)s–%(end)s, "
                "cap %(cap)s baht a year → %(result)s baht"
            )
        else:
            msg = _(
                "%(computed)s baht; already paid %(used)s baht, lifetime cap %(cap)s baht "
                "→ %(result)s baht"
            )
        body = msg % values + _group(p, lang)
    elif code == "relative_share":
        body = _("%(fraction)s for the member's %(relative)s: %(computed)s → %(result)s baht") % {
            "fraction": _percent(p.get("fraction")),
            "relative": _(_RELATIVE.get(p.get("relative"), str(p.get("relative")))),
            "computed": baht("computed"),
            "result": baht("result"),
        }
    else:
        body = f"{code} {p}"

    mark = "✓" if ok else "✗"
    if step.clause:
        return _("Clause %(clause)s: %(text)s %(mark)s") % {
            "clause": step.clause,
            "text": body,
            "mark": mark,
        }
    return f"{body} {mark}"


def _age_range(p: Mapping[str, Any]) -> str:
    from django.utils.translation import gettext as _

    lo, hi = p.get("min"), p.get("max")
    if lo is not None and hi is not None:
        return _("%(min)s to %(max)s years") % {"min": lo, "max": hi}
    if lo is not None:
        return _("at least %(min)s years") % {"min": lo}
    return _("at most %(max)s years") % {"max": hi}


def _names(names: list[str]) -> str:
    """ "A", "A and B", "A, B and C" (Thai: และ)."""
    from django.utils.translation import gettext

    if len(names) < 2:
        return "".join(names)
    return gettext("%(first)s and %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]}


def group_label(p: Mapping[str, Any], lang: str) -> str:
    """A shared cap as people name it, never its code: in Thai its ``name_th`` when the
    regulation gives one, else (and in English) the benefits it groups, e.g.
    "เพดานร่วมของ นอนโรงพยาบาล และ ผู้ป่วยนอก". A step stored before the trace carried the
    names (only ``group``) reads "shared cap". Call inside ``override(lang)``."""
    from django.utils.translation import gettext

    th = [str(n) for n in p.get("group_benefits_th") or ()]
    en = [str(n) for n in p.get("group_benefits_en") or ()]
    if lang.startswith("en"):
        names = [(en[i] if i < len(en) and en[i] else name) for i, name in enumerate(th)]
    else:
        if p.get("group_name_th"):
            return gettext("shared cap %(group)s") % {"group": p["group_name_th"]}
        names = th
    if names:
        return gettext("shared cap of %(benefits)s") % {"benefits": _names(names)}
    return gettext("shared cap")


def _group(p: Mapping[str, Any], lang: str) -> str:
    if p.get("group"):
        return f" ({group_label(p, lang)})"
    return ""


def _waiting(
    p: Mapping[str, Any], ok: bool, lang: str, ngettext: Callable[[str, str, int], str]
) -> str:
    from django.utils.translation import gettext as _

    basis = p.get("basis")
    unit = p.get("unit")
    if basis != "contributions" and p.get("start") is None:
        return _("no contribution paid yet")
    if unit == "period":
        value = _duration(p.get("elapsed"), ngettext)
        required = _duration(p.get("required"), ngettext)
    else:
        singular = {"days": "day", "months": "month", "years": "year"}[unit]
        value = _units(p.get(unit), singular, ngettext)
        required = _units(p.get("required"), singular, ngettext)
    values = {"value": value, "required": required, "cmp": "≥" if ok else "<"}
    if basis == "membership":
        text = _("member for %(value)s %(cmp)s %(required)s") % values
    elif basis == "since_first_payment":
        text = _("since the first payment %(value)s %(cmp)s %(required)s") % values
    elif basis == "continuous":
        text = _("paid without a break for %(value)s %(cmp)s %(required)s") % values
        if p.get("gaps"):
            text += _gaps(p, ngettext)
    else:
        text = _("contributions paid for %(value)s %(cmp)s %(required)s") % values
    if p.get("ahead"):
        text += _ahead(p, ngettext)
    if not ok and p.get("satisfied_on"):
        text += _("; complete on %(date)s") % {"date": format_date(p["satisfied_on"], lang)}
    return text


def _bound_text(b: Mapping[str, Any], lower: bool, ngettext: Callable[[str, str, int], str]) -> str:
    from django.utils.translation import gettext as _

    d = _duration(b, ngettext)
    if lower:
        msg = (
            _("at least %(duration)s") if b.get("inclusive", True) else _("more than %(duration)s")
        )
    else:
        msg = _("up to %(duration)s") if b.get("inclusive", True) else _("less than %(duration)s")
    return msg % {"duration": d}


def _tier(p: Mapping[str, Any], ok: bool, ngettext: Callable[[str, str, int], str]) -> str:
    from django.utils.translation import gettext as _

    basis = p.get("basis")
    if basis == "contributions":
        measure = _("contributions paid for %(value)s") % {
            "value": _units(p.get("months"), "month", ngettext)
        }
        if p.get("ahead"):
            measure += _ahead(p, ngettext)
    elif p.get("elapsed") is None:
        return _("no start date to measure the tier from")
    else:
        value = _duration(p.get("elapsed"), ngettext)
        measure = {
            "membership": _("member for %(value)s"),
            "since_first_payment": _("since the first payment %(value)s"),
            "continuous": _("paid without a break for %(value)s"),
            "age": _("age %(value)s"),
        }.get(basis, "%(value)s") % {"value": value}
        if p.get("gaps"):
            measure += _gaps(p, ngettext)
    if not ok:
        return _("%(measure)s: no tier applies (the first starts at %(first)s)") % {
            "measure": measure,
            "first": _duration(p.get("first_lower"), ngettext),
        }
    parts = []
    lower = p.get("lower") or {}
    if any(lower.get(k) for k in ("years", "months", "days")) or not lower.get("inclusive", True):
        parts.append(_bound_text(lower, True, ngettext))
    if p.get("upper") is not None:
        parts.append(_bound_text(p["upper"], False, ngettext))
    text = _("%(measure)s: tier %(tier)s (%(band)s) → %(amount)s baht") % {
        "measure": measure,
        "tier": p.get("tier"),
        "band": ", ".join(parts) or _("any"),
        "amount": format_baht(p["amount"]),
    }
    if p.get("also_matched"):
        text += _(
            "; tiers %(others)s also matched (the tiers overlap): the first that matches is used"
        ) % {"others": ", ".join(str(n) for n in p["also_matched"])}
    return text


def _ahead(p: Mapping[str, Any], ngettext: Callable[[str, str, int], str]) -> str:
    from django.utils.translation import gettext as _

    return _(" (%(ahead)s paid ahead are not counted until they have passed)") % {
        "ahead": _units(p.get("ahead"), "month", ngettext)
    }


def _gaps(p: Mapping[str, Any], ngettext: Callable[[str, str, int], str]) -> str:
    from django.utils.translation import gettext as _

    return _(" (%(gaps)s not paid in time)") % {"gaps": _units(p.get("gaps"), "month", ngettext)}


def _deadline(p: Mapping[str, Any], ok: bool, lang: str) -> str:
    from django.utils.translation import gettext as _

    values = {
        "days": p.get("days"),
        "start": format_date(p.get("start"), lang),
        "last": format_date(p.get("last_day"), lang),
        "filed": format_date(p.get("filed_on"), lang),
        "passed": format_date(p.get("passed_on"), lang),
        "late": p.get("late_days"),
        "resolution": p.get("resolution") or _("a committee resolution"),
    }
    if p.get("counted_from") == "discharge":
        text = (
            _(
                "to be filed within %(days)s days of the discharge from hospital on %(start)s, "
                "by %(last)s; filed on %(filed)s"
            )
            % values
        )
    else:
        text = (
            _(
                "to be filed within %(days)s days of the event on %(start)s, by %(last)s; "
                "filed on %(filed)s"
            )
            % values
        )
    if p.get("late_days"):
        text += _("; the deadline passed on %(passed)s, %(late)s days late") % values
        if p.get("exception"):
            text += _("; accepted late by %(resolution)s") % values
    return text


def _counted(p: Mapping[str, Any], ngettext: Callable[[str, str, int], str]) -> str:
    from django.utils.translation import gettext as _

    basis = p.get("basis")
    if basis == "contributions":
        measure = _("contributions paid for %(value)s") % {
            "value": _units(p.get("months"), "month", ngettext)
        }
    elif p.get("elapsed") is None:
        return _("no start date to count the years from")
    else:
        value = _duration(p.get("elapsed"), ngettext)
        measure = {
            "membership": _("member for %(value)s"),
            "since_first_payment": _("since the first payment %(value)s"),
            "continuous": _("paid without a break for %(value)s"),
        }.get(basis, "%(value)s") % {"value": value}
    return _("%(measure)s → %(years)s counted (%(rule)s)") % {
        "measure": measure,
        "years": _units(p.get("years"), "year", ngettext),
        "rule": _(_REMAINDER.get(p.get("remainder"), str(p.get("remainder")))),
    }


# ---- errors and warnings --------------------------------------------------------------------


def _spell(lang: str) -> Callable[[Mapping[str, Any]], str]:
    from django.utils.translation import ngettext

    return lambda d: _duration(d, ngettext)


def render_error_message(error: FormatError, lang: str = "th") -> str:
    """The error's text alone, in ``lang`` ("ต้องไม่ติดลบ")."""
    from django.utils.translation import gettext, override

    with override(lang):
        params = dict(error.params)
        if "person" in params:
            params["person"] = gettext(_RELATIVE.get(params["person"], params["person"]))
        if "per" in params:
            params["per"] = _period(params["per"])
        text = format_message(gettext(ERRORS.get(error.code, error.code)), params, _spell(lang))
        if params.get("clause"):
            text = gettext("Clause %(clause)s: %(text)s") % {
                "clause": params["clause"],
                "text": text,
            }
        return text


def render_error(error: FormatError, lang: str = "th") -> str:
    """ "benefits[2].amount (line 40): ต้องไม่ติดลบ"."""
    from django.utils.translation import gettext, override

    with override(lang):
        text = render_error_message(error, lang)
        where = error.path or gettext("(document)")
        if error.line is not None:
            where += " " + gettext("(line %(line)s)") % {"line": error.line}
        return f"{where}: {text}"


def render_warning(warning: Any, lang: str = "th", *, path: bool = False) -> str:
    """A :class:`DraftWarning` as one line, with its clause (and, for a reader of the
    regulation's text format, ``path=True``: where in it, "benefits[3].caps")."""
    from django.utils.translation import gettext, override

    with override(lang):
        params = dict(warning.params)
        english = lang.startswith("en")
        if params.get("benefit_name_th"):
            name = params.get("benefit_name_en") if english else None
            params["benefit"] = name or params["benefit_name_th"]
        if params.get("group_name_th") and not english:
            params["group"] = params["group_name_th"]
        for key in ("inner_limit", "outer_limit", "cap", "rate", "reachable"):
            value = params.get(key)
            if isinstance(value, str):
                try:
                    params[key] = format_baht(value)  # "9000.00" → "9,000"
                except ArithmeticError:
                    pass
        for key in ("inner", "outer", "period", "measure", "per"):
            if key in params:
                params[key] = _period(params[key])
        text = format_message(
            gettext(WARNINGS.get(warning.code, warning.code)), params, _spell(lang)
        )
        if warning.clause:
            text = gettext("Clause %(clause)s: %(text)s") % {"clause": warning.clause, "text": text}
        return f"{warning.path}: {text}" if path else text

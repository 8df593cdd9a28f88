"""Between the regulation's plain data (``regulation_to_dict``) and the edit forms.

``*_initial`` turn data into form initials; ``*_apply`` put cleaned form data back, keeping
every key the forms do not show. The engine validates the result when it is saved.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext as _


def rows(formset: Any) -> Iterable[dict[str, Any]]:
    """Cleaned rows of a formset, without empty and deleted ones."""
    for form in formset.forms:
        d = getattr(form, "cleaned_data", None)
        if not d or d.get("DELETE"):
            continue
        yield d


def _drop_empty(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v not in (None, "", [], {})}


def _num(value: Any) -> str | None:
    """Numbers go to the engine as text (exact; it refuses floats)."""
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return str(value.normalize()) if value == value.to_integral_value() else str(value)
    return str(value)


# --- waiting periods, caps -------------------------------------------------------------------


def waiting_initial(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "basis": w.get("basis", "membership"),
            "years": w.get("years"),
            "months": w.get("months"),
            "days": w.get("days"),
            "clause": w.get("clause", ""),
        }
        for w in items
    ]


def waiting_apply(formset: Any) -> list[dict[str, Any]]:
    out = []
    for d in rows(formset):
        out.append(
            _drop_empty(
                {
                    "basis": d["basis"],
                    "years": d.get("years") or None,
                    "months": d.get("months") or None,
                    "days": d.get("days") or None,
                    "clause": d.get("clause") or None,
                }
            )
        )
    return out


def _measure(cap: dict[str, Any]) -> tuple[str, Any]:
    for m in ("amount", "units", "times"):
        if cap.get(m) is not None:
            return m, cap[m]
    return "amount", None


def caps_initial(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for c in items:
        measure, value = _measure(c)
        out.append(
            {
                "period": c.get("period", "event"),
                "measure": measure,
                "value": value,
                "clause": c.get("clause", ""),
            }
        )
    return out


def cap_value(form: forms.Form, d: dict[str, Any]) -> dict[str, Any]:
    """{amount: …} or {units: n} / {times: n}; units and times must be whole numbers."""
    value: Decimal = d["value"]
    if d["measure"] != "amount":
        if value != value.to_integral_value():
            form.add_error("value", _("Nights, children or claims are counted in whole numbers."))
            return {}
        return {d["measure"]: str(int(value))}
    return {"amount": _num(value)}


def caps_apply(formset: Any, *, period_key: str = "period") -> list[dict[str, Any]]:
    out = []
    for form in formset.forms:
        d = getattr(form, "cleaned_data", None)
        if not d or d.get("DELETE"):
            continue
        out.append(
            _drop_empty({"period": d[period_key], **cap_value(form, d), "clause": d.get("clause")})
        )
    return out


# --- general page ----------------------------------------------------------------------------


def general_initial(title: str, data: dict[str, Any]) -> dict[str, Any]:
    m = data.get("membership", {})
    y = data.get("year", {})
    age = m.get("entry_age") or {}
    fee = m.get("entrance_fee") or {}
    arrears = m.get("arrears") or {}
    return {
        "title": title,
        "title_th": data.get("title_th", ""),
        "title_en": data.get("title_en", ""),
        "year_kind": y.get("kind", "calendar"),
        "start_month": y.get("start_month"),
        "start_day": y.get("start_day"),
        "membership_clause": m.get("clause", ""),
        "entrance_fee": fee.get("amount"),
        "fee_clause": fee.get("clause", ""),
        "entry_age_min": age.get("min"),
        "entry_age_max": age.get("max"),
        "age_clause": age.get("clause", ""),
        "arrears_max": arrears.get("max_months"),
        "arrears_from": arrears.get("counted_from", "join"),
        "arrears_clause": arrears.get("clause", ""),
    }


def plans_initial(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"amount": p.get("amount"), "months": p.get("months"), "clause": p.get("clause", "")}
        for p in data.get("membership", {}).get("plans", [])
    ]


def group_caps_initial(data: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for g in data.get("group_caps", []):
        measure, value = _measure(g)
        out.append(
            {
                "name": g.get("name", ""),
                "name_th": g.get("name_th", ""),
                "benefits": list(g.get("benefits", [])),
                "period": g.get("period", "year"),
                "measure": measure,
                "value": value,
                "clause": g.get("clause", ""),
            }
        )
    return out


def general_apply(
    data: dict[str, Any],
    d: dict[str, Any],
    *,
    waiting: Any,
    plans: Any,
    group_caps: Any,
) -> dict[str, Any]:
    data = copy.deepcopy(data)
    data["title_th"] = d["title_th"]
    if d.get("title_en"):
        data["title_en"] = d["title_en"]
    else:
        data.pop("title_en", None)
    year: dict[str, Any] = {"kind": d["year_kind"]}
    if d["year_kind"] == "fiscal":
        year["start_month"] = _num(d.get("start_month") or 1)
        year["start_day"] = _num(d.get("start_day") or 1)
    data["year"] = year
    m = dict(data.get("membership", {}))
    for key in ("clause",):
        m.pop(key, None)
    if d.get("membership_clause"):
        m["clause"] = d["membership_clause"]
    if d.get("entrance_fee") is not None:
        m["entrance_fee"] = _drop_empty(
            {"amount": _num(d["entrance_fee"]), "clause": d.get("fee_clause")}
        )
    else:
        m.pop("entrance_fee", None)
    if d.get("entry_age_min") is not None or d.get("entry_age_max") is not None:
        m["entry_age"] = _drop_empty(
            {
                "min": _num(d.get("entry_age_min")),
                "max": _num(d.get("entry_age_max")),
                "clause": d.get("age_clause"),
            }
        )
    else:
        m.pop("entry_age", None)
    if d.get("arrears_max") is not None:
        m["arrears"] = _drop_empty(
            {
                "max_months": _num(d["arrears_max"]),
                "counted_from": d.get("arrears_from") or "join",
                "clause": d.get("arrears_clause"),
            }
        )
    else:
        m.pop("arrears", None)
    m["waiting_periods"] = waiting_apply(waiting)
    m["plans"] = [
        _drop_empty(
            {"amount": _num(r["amount"]), "months": _num(r["months"]), "clause": r.get("clause")}
        )
        for r in rows(plans)
    ]
    data["membership"] = _drop_empty(m)
    groups = []
    for form in group_caps.forms:
        r = getattr(form, "cleaned_data", None)
        if not r or r.get("DELETE"):
            continue
        groups.append(
            _drop_empty(
                {
                    "name": r["name"],
                    "name_th": r.get("name_th"),
                    "benefits": list(r["benefits"]),
                    "period": r["period"],
                    **cap_value(form, r),
                    "clause": r.get("clause"),
                }
            )
        )
    if groups:
        data["group_caps"] = groups
    else:
        data.pop("group_caps", None)
    return data


# --- one benefit -----------------------------------------------------------------------------


def _bound_initial(prefix: str, b: dict[str, Any] | None) -> dict[str, Any]:
    b = b or {}
    return {
        f"{prefix}_years": b.get("years"),
        f"{prefix}_months": b.get("months"),
        f"{prefix}_days": b.get("days"),
        f"{prefix}_inclusive": b.get("inclusive", True) in (True, "true"),
    }


def benefit_initial(b: dict[str, Any]) -> dict[str, Any]:
    c = b.get("conditions") or {}
    tiers = b.get("tiers") or {}
    return {
        "form": {
            "name_th": b.get("name_th", ""),
            "name_en": b.get("name_en", ""),
            "kind": b.get("kind", "other"),
            "clause": b.get("clause", ""),
            "per": b.get("per", "event"),
            "recurring_every": (b.get("recurring") or {}).get("every", ""),
            "amount": b.get("amount"),
            "tiers_basis": tiers.get("basis", ""),
            "tiers_clause": tiers.get("clause", ""),
            "general_waiting": b.get("general_waiting", True) in (True, "true"),
            "sex": c.get("sex", ""),
            "min_age": c.get("min_age"),
            "max_age": c.get("max_age"),
            "min_grade_average": c.get("min_grade_average"),
            "cond_clause": c.get("clause", ""),
            "deadline_days": (b.get("filing_deadline") or {}).get("days"),
            "deadline_from": (b.get("filing_deadline") or {}).get("counted_from", "event"),
            "deadline_clause": (b.get("filing_deadline") or {}).get("clause", ""),
            "counted_basis": (b.get("counted_years") or {}).get("basis", ""),
            "counted_remainder": (b.get("counted_years") or {}).get("remainder", "down"),
        },
        "bands": [
            {
                **_bound_initial("lower", band.get("lower")),
                **(
                    _bound_initial("upper", band.get("upper"))
                    if band.get("upper") is not None
                    else {"upper_inclusive": True}
                ),
                "amount": band.get("amount"),
                "clause": band.get("clause", ""),
            }
            for band in tiers.get("bands", [])
        ],
        "levels": [
            {"level": lv.get("level"), "amount": lv.get("amount")} for lv in b.get("levels", [])
        ],
        "relatives": [
            {
                "relative": r.get("relative"),
                "fraction": r.get("fraction", "1"),
                "clause": r.get("clause", ""),
            }
            for r in b.get("relatives", [])
        ],
        "waiting": waiting_initial(b.get("waiting_periods", [])),
        "caps": caps_initial(b.get("caps", [])),
        "evidence": [
            {
                "code": e.get("code"),
                "name_th": e.get("name_th", ""),
                "name_en": e.get("name_en", ""),
                "clause": e.get("clause", ""),
            }
            for e in b.get("evidence", [])
        ],
    }


def _bound(d: dict[str, Any], prefix: str) -> dict[str, Any] | None:
    values = [d.get(f"{prefix}_{k}") for k in ("years", "months", "days")]
    if all(v in (None, 0) for v in values) and prefix == "upper":
        return None
    out = _drop_empty(
        {
            "years": _num(values[0] or None),
            "months": _num(values[1] or None),
            "days": _num(values[2] or None),
        }
    )
    if not d.get(f"{prefix}_inclusive"):
        out["inclusive"] = False
    return out


def benefit_apply(
    b: dict[str, Any],
    d: dict[str, Any],
    *,
    bands: Any,
    levels: Any,
    relatives: Any,
    waiting: Any,
    caps: Any,
    evidence: Any,
) -> dict[str, Any]:
    b = copy.deepcopy(b)
    for key in ("name_th", "kind", "per"):
        b[key] = d[key]
    for key in ("name_en", "clause"):
        if d.get(key):
            b[key] = d[key]
        else:
            b.pop(key, None)
    b.pop("amount", None)
    b.pop("tiers", None)
    b.pop("levels", None)
    if d.get("recurring_every"):
        b["recurring"] = {**(b.get("recurring") or {}), "every": d["recurring_every"]}
    else:
        b.pop("recurring", None)
    band_rows = []
    for r in rows(bands):
        band: dict[str, Any] = {"amount": _num(r["amount"])}
        lower = _bound(r, "lower")
        if lower:
            band["lower"] = lower
        upper = _bound(r, "upper")
        if upper is not None:
            band["upper"] = upper
        if r.get("clause"):
            band["clause"] = r["clause"].strip()
        band_rows.append(band)
    level_rows = [{"level": r["level"], "amount": _num(r["amount"])} for r in rows(levels)]
    if d.get("amount") is not None:
        b["amount"] = _num(d["amount"])
    if band_rows or d.get("tiers_basis"):
        b["tiers"] = _drop_empty(
            {
                "basis": d.get("tiers_basis") or None,
                "bands": band_rows,
                "clause": d.get("tiers_clause"),
            }
        )
    if level_rows:
        b["levels"] = level_rows
    b["relatives"] = [
        _drop_empty(
            {
                "relative": r["relative"],
                "fraction": None if r["fraction"] == 1 else _num(r["fraction"]),
                "clause": r.get("clause"),
            }
        )
        for r in rows(relatives)
    ]
    cond = dict(b.get("conditions") or {})
    for key in ("sex", "min_age", "max_age", "min_grade_average"):
        value = d.get(key)
        if value in (None, ""):
            cond.pop(key, None)
        else:
            cond[key] = value if key == "sex" else _num(value)
    if d.get("cond_clause"):
        cond["clause"] = d["cond_clause"]
    else:
        cond.pop("clause", None)
    b["conditions"] = cond
    if d.get("deadline_days"):
        b["filing_deadline"] = _drop_empty(
            {
                "days": _num(d["deadline_days"]),
                "counted_from": None
                if d.get("deadline_from") in (None, "", "event")
                else d["deadline_from"],
                "clause": d.get("deadline_clause") or None,
            }
        )
    else:
        b.pop("filing_deadline", None)
    if d["per"] == "counted_year":
        b["counted_years"] = _drop_empty(
            {
                "basis": d.get("counted_basis") or None,
                "remainder": d.get("counted_remainder") or None,
                "clause": (b.get("counted_years") or {}).get("clause"),
            }
        )
    else:
        b.pop("counted_years", None)
    if d.get("general_waiting"):
        b.pop("general_waiting", None)
    else:
        b["general_waiting"] = False
    b["waiting_periods"] = waiting_apply(waiting)
    b["caps"] = caps_apply(caps)
    b["evidence"] = [
        _drop_empty(
            {
                "code": r["code"],
                "name_th": r["name_th"],
                "name_en": r.get("name_en"),
                "clause": r.get("clause"),
            }
        )
        for r in rows(evidence)
    ]
    return _drop_empty(b)


def new_benefit(d: dict[str, Any]) -> dict[str, Any]:
    return _drop_empty(
        {
            "code": d["code"],
            "kind": d["kind"],
            "name_th": d["name_th"],
            "name_en": d.get("name_en"),
            "clause": d.get("clause"),
            "per": None if d["per"] == "event" else d["per"],
            "amount": _num(d["amount"]),
        }
    )


# --- clauses ---------------------------------------------------------------------------------


def clause_initial(c: dict[str, Any]) -> dict[str, Any]:
    return {
        "form": {
            "number": c.get("number", ""),
            "text_th": c.get("text_th", ""),
            "text_en": c.get("text_en", ""),
        },
        "interpretations": [
            {
                "code": i.get("code"),
                "text_th": i.get("text_th", ""),
                "text_en": i.get("text_en", ""),
                "assumption": i.get("assumption", False) in (True, "true"),
                "resolution": i.get("resolution", ""),
            }
            for i in c.get("interpretations", [])
        ],
    }


def clause_apply(d: dict[str, Any], interpretations: Any) -> dict[str, Any]:
    return _drop_empty(
        {
            "number": d["number"].strip(),
            "text_th": d["text_th"],
            "text_en": d.get("text_en"),
            "interpretations": [
                _drop_empty(
                    {
                        "code": r["code"],
                        "text_en": r["text_en"],
                        "text_th": r.get("text_th"),
                        "assumption": True if r.get("assumption") else None,
                        "resolution": r.get("resolution"),
                    }
                )
                for r in rows(interpretations)
            ],
        }
    )


def renumber_clause(data: dict[str, Any], old: str, new: str) -> None:
    """Rules citing a renumbered clause follow it (every ``clause:`` value in the document)."""
    if old == new:
        return

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                if k == "clause" and v == old:
                    node[k] = new
                else:
                    walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    for key in ("membership", "benefits", "group_caps"):
        walk(data.get(key))

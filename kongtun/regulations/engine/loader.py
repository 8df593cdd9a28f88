"""Read and write regulations as YAML, validating everything and naming where each error is.

Numbers in YAML are never parsed as float: the loader reads every plain scalar that YAML 1.1
would call an int, a float or a date as text, and the typed fields then parse that text exactly
(``200``, ``0.5`` and ``200.00`` all become exact ``Decimal``). ``true``/``false``/``null`` keep
their YAML meaning. Structure and types are checked by pydantic against the dataclasses in
:mod:`.model` (unknown keys are errors); the rules pydantic cannot express (references to
clauses, money with at most 2 decimals, one way to compute an amount …) are checked here.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Mapping
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

import yaml

from kongtun.core.money import MAX_AMOUNT

from .errors import FormatError, RegulationFormatError
from .model import (
    FORMAT_VERSION,
    Benefit,
    Bound,
    Cap,
    Regulation,
    Tiers,
    WaitingPeriod,
)

__all__ = [
    "YAML_LIMITS",
    "YamlLimits",
    "dump_regulation",
    "load_regulation",
    "regulation_from_dict",
    "regulation_to_dict",
    "safe_compose",
]

_NOT_PARSED = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp"}
_CODE = re.compile(r"^[a-z][a-z0-9_]*$")


def _text_resolvers(base: type) -> dict[str, list[Any]]:
    return {
        first: [r for r in resolvers if r[0] not in _NOT_PARSED]
        for first, resolvers in base.yaml_implicit_resolvers.items()  # type: ignore[attr-defined]
    }


@dataclasses.dataclass(frozen=True, slots=True)
class YamlLimits:
    """What one YAML document may hold. Nodes and depth are counted as if every alias were
    written out in full (``*a`` counts all the nodes of ``&a``), so a few hundred bytes of
    nested aliases cannot expand into millions of values further down."""

    max_bytes: int = 256 * 1024
    max_depth: int = 40
    max_nodes: int = 20_000


#: The limits for every YAML document Kongtun reads (a real regulation: ~13 KB, ~2,000 nodes,
#: depth 8).
YAML_LIMITS = YamlLimits()


class _YamlLimit(yaml.YAMLError):
    def __init__(self, code: str, params: dict[str, Any], line: int | None) -> None:
        super().__init__(code)
        self.error = FormatError("", code, params, line)


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps numbers and dates as text (parsed exactly later), and counts the
    nodes and depth of the document as written out in full while composing it — before any
    alias is expanded — refusing at the first node past a limit."""

    def __init__(self, stream: str, limits: YamlLimits = YAML_LIMITS) -> None:
        super().__init__(stream)
        self.limits = limits
        #: Nodes composed from the text (aliases are not copies: they count here once).
        self.composed = 0
        #: Nodes the document would have with every alias written out.
        self.expanded = 0
        self._depth = 0
        self._deepest = 0
        self._size: dict[int, tuple[int, int]] = {}  # id(node) → (expanded nodes, height)

    def _count(self, nodes: int, deepest: int, mark: Any) -> None:
        line = mark.line + 1 if mark is not None else None
        self.expanded += nodes
        self._deepest = max(self._deepest, deepest)
        if self.expanded > self.limits.max_nodes:
            raise _YamlLimit("yaml_too_many_nodes", {"limit": self.limits.max_nodes}, line)
        if deepest > self.limits.max_depth:
            raise _YamlLimit("yaml_too_deep", {"limit": self.limits.max_depth}, line)

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            node = super().compose_node(parent, index)
            if id(node) not in self._size:  # an alias inside its own anchor: endless
                raise _YamlLimit("yaml_recursive_alias", {}, mark.line + 1)
            nodes, height = self._size[id(node)]
            self._count(nodes, self._depth + height, mark)
            return node
        mark = self.peek_event().start_mark
        before, outer_deepest = self.expanded, self._deepest
        self._depth += 1
        self._deepest = self._depth
        self.composed += 1
        self._count(1, self._depth, mark)
        node = super().compose_node(parent, index)
        self._size[id(node)] = (self.expanded - before, self._deepest - self._depth + 1)
        self._depth -= 1
        self._deepest = max(outer_deepest, self._deepest)
        return node


_Loader.yaml_implicit_resolvers = _text_resolvers(yaml.SafeLoader)


class _Dumper(yaml.SafeDumper):
    """SafeDumper whose output :class:`_Loader` reads back: numbers are written unquoted."""


_Dumper.yaml_implicit_resolvers = _text_resolvers(yaml.SafeDumper)


_STANDARD = yaml.resolver.Resolver()


#: Characters YAML reads as line breaks besides "\n" (CR, NEL, LS, PS).
_OTHER_BREAKS = ("\r", "\x85", "\u2028", "\u2029")


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    """Multi-line text as a block; text a standard YAML reader would take for a number or a
    date (clause "8") quoted, so the file reads the same in any YAML tool."""
    style = None
    if any(c in value for c in _OTHER_BREAKS):
        style = '"'  # YAML folds these line breaks in plain and block text; escape them
    elif "\n" in value:
        style = "|"
    elif _STANDARD.resolve(yaml.ScalarNode, value, (True, False)) != "tag:yaml.org,2002:str":
        style = "'"
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(int, lambda d, v: d.represent_scalar("tag:yaml.org,2002:str", str(v)))
_Dumper.add_representer(Decimal, lambda d, v: d.represent_scalar("tag:yaml.org,2002:str", str(v)))
_Dumper.add_representer(
    date, lambda d, v: d.represent_scalar("tag:yaml.org,2002:str", v.isoformat())
)


# --------------------------------------------------------------------------------------------
# Reading


def safe_compose(text: str, limits: YamlLimits = YAML_LIMITS) -> tuple[Any, yaml.Node | None]:
    """The one way Kongtun reads YAML: ``(data, node)`` of a single document, numbers and
    dates kept as text. Size is checked before parsing; nodes, depth and aliases while
    composing, before anything is built from them. Raise :class:`RegulationFormatError`
    (``yaml_too_large``, ``yaml_too_many_nodes``, ``yaml_too_deep``, ``yaml_recursive_alias``,
    ``yaml_syntax``)."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > limits.max_bytes:
        raise RegulationFormatError(
            [FormatError("", "yaml_too_large", {"size": size, "limit": limits.max_bytes})]
        )
    loader = _Loader(text, limits)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except _YamlLimit as exc:
        raise RegulationFormatError([exc.error]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise RegulationFormatError(
            [FormatError("", "yaml_syntax", {"problem": problem}, mark.line + 1 if mark else None)]
        ) from None
    finally:
        loader.dispose()
    return data, node


def load_regulation(text: str) -> Regulation:
    """Parse and validate a YAML regulation; raise :class:`RegulationFormatError` if invalid."""
    data, node = safe_compose(text)
    lines: dict[str, int] = {}
    duplicates: list[FormatError] = []
    if node is not None:
        _walk_nodes(node, "", lines, duplicates)
    return _from_data(data, lines, duplicates)


def regulation_from_dict(data: Mapping[str, Any]) -> Regulation:
    """Validate plain data (as from JSON or YAML). Floats are refused: they are not exact."""
    return _from_data(data, {}, [])


def _walk_nodes(
    node: yaml.Node, path: str, lines: dict[str, int], duplicates: list[FormatError]
) -> None:
    """Record the line of every path, and every key given twice (PyYAML keeps the last)."""
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            child = f"{path}.{key}" if path else key
            if key in seen:
                duplicates.append(
                    FormatError(child, "duplicate_key", {"key": key}, key_node.start_mark.line + 1)
                )
            seen.add(key)
            _walk_nodes(value_node, child, lines, duplicates)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk_nodes(item, f"{path}[{i}]", lines, duplicates)


def _from_data(data: Any, lines: dict[str, int], errors: list[FormatError]) -> Regulation:
    from pydantic import ValidationError

    errors = list(errors)
    if not isinstance(data, Mapping):
        errors.append(FormatError("", "not_mapping"))
        raise RegulationFormatError(_with_lines(errors, lines))
    errors.extend(_floats(data, ""))
    regulation: Regulation | None = None
    try:
        regulation = _adapter().validate_python(data)
    except ValidationError as exc:
        errors.extend(_from_pydantic(e) for e in exc.errors())
    if regulation is not None and not errors:
        errors.extend(_check(regulation))
    if errors:
        raise RegulationFormatError(_with_lines(errors, lines))
    assert regulation is not None
    return regulation


@lru_cache(maxsize=1)
def _adapter() -> Any:
    from pydantic import TypeAdapter

    return TypeAdapter(Regulation)


def _path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


_PYDANTIC_CODES = {
    "missing": "required",
    "unexpected_keyword_argument": "unknown_key",
    "extra_forbidden": "unknown_key",
    "literal_error": "not_one_of",
    "int_parsing": "not_integer",
    "int_type": "not_integer",
    "int_from_float": "not_integer",
    "decimal_parsing": "not_number",
    "decimal_type": "not_number",
    "finite_number": "not_number",
    "bool_parsing": "not_boolean",
    "bool_type": "not_boolean",
    "string_type": "not_text",
    "tuple_type": "not_list",
    "list_type": "not_list",
    "dataclass_type": "not_mapping",
    "dataclass_args_type": "not_mapping",
    "dict_type": "not_mapping",
}


def _from_pydantic(err: Mapping[str, Any]) -> FormatError:
    loc = tuple(err["loc"])
    kind = err["type"]
    code = _PYDANTIC_CODES.get(kind)
    if code is None and kind.startswith("date"):
        code = "not_date"
    params: dict[str, Any] = {}
    if code == "unknown_key":
        params["key"] = str(loc[-1]) if loc else ""
    elif code == "not_one_of":
        params["expected"] = str((err.get("ctx") or {}).get("expected", ""))
    elif code is None:
        code, params = "invalid", {"detail": err.get("msg", kind)}
    return FormatError(_path(loc), code, params)


def _floats(data: Any, path: str) -> Iterator[FormatError]:
    if isinstance(data, float):
        yield FormatError(path, "float_not_allowed")
    elif isinstance(data, Mapping):
        for key, value in data.items():
            yield from _floats(value, f"{path}.{key}" if path else str(key))
    elif isinstance(data, (list, tuple)):
        for i, value in enumerate(data):
            yield from _floats(value, f"{path}[{i}]")


def _with_lines(errors: list[FormatError], lines: dict[str, int]) -> list[FormatError]:
    """Give each error the line of its path, or of the nearest enclosing path in the YAML."""
    if not lines:
        return errors
    out = []
    for e in errors:
        if e.line is not None:
            out.append(e)
            continue
        path = e.path
        while path not in lines and path:
            cut = max(path.rfind("."), path.rfind("["))
            path = path[:cut] if cut > 0 else ""
        out.append(dataclasses.replace(e, line=lines.get(path)))
    return out


# --------------------------------------------------------------------------------------------
# Rules beyond types


def _check(reg: Regulation) -> list[FormatError]:
    errs: list[FormatError] = []
    add = errs.append
    if reg.format != FORMAT_VERSION:
        add(FormatError("format", "unsupported_format", {"value": reg.format, "expected": 1}))
    _code(reg.code, "code", errs)

    numbers: set[str] = set()
    interp_codes: set[str] = set()
    for i, c in enumerate(reg.clauses):
        if c.number in numbers:
            add(FormatError(f"clauses[{i}].number", "duplicate", {"value": c.number}))
        numbers.add(c.number)
        for j, it in enumerate(c.interpretations):
            _unique(it.code, f"clauses[{i}].interpretations[{j}].code", interp_codes, errs)
    for j, it in enumerate(reg.notes):
        _unique(it.code, f"notes[{j}].code", interp_codes, errs)

    def clause(value: str | None, path: str) -> None:
        if value is not None and value not in numbers:
            add(FormatError(path, "unknown_clause", {"clause": value}))

    y = reg.year
    _range(y.start_month, 1, 12, "year.start_month", errs)
    if 1 <= y.start_month <= 12 and not 1 <= y.start_day <= _DAYS[y.start_month - 1]:
        add(
            FormatError(
                "year.start_day", "invalid_day", {"day": y.start_day, "month": y.start_month}
            )
        )

    m = reg.membership
    clause(m.clause, "membership.clause")
    if m.entry_age is not None:
        a = m.entry_age
        clause(a.clause, "membership.entry_age.clause")
        _ages(a.min, a.max, "membership.entry_age", errs)
    if m.entrance_fee is not None:
        _amount(m.entrance_fee.amount, "membership.entrance_fee.amount", errs)
        clause(m.entrance_fee.clause, "membership.entrance_fee.clause")
    fee_codes: set[str] = set()
    for i, f in enumerate(m.fees):
        p = f"membership.fees[{i}]"
        _code(f.code, f"{p}.code", errs)
        _unique(f.code, f"{p}.code", fee_codes, errs)
        _amount(f.amount, f"{p}.amount", errs)
        clause(f.clause, f"{p}.clause")
    plans: set[tuple[Decimal, int]] = set()
    for i, pl in enumerate(m.plans):
        p = f"membership.plans[{i}]"
        _amount(pl.amount, f"{p}.amount", errs, positive=True)
        _range(pl.months, 1, 12, f"{p}.months", errs)
        _unique((pl.amount, pl.months), p, plans, errs, shown=f"{pl.amount}/{pl.months}")
        clause(pl.clause, f"{p}.clause")
    if m.arrears is not None:
        if m.arrears.max_months < 0:
            add(FormatError("membership.arrears.max_months", "negative"))
        clause(m.arrears.clause, "membership.arrears.clause")
    for i, w in enumerate(m.waiting_periods):
        _waiting(w, f"membership.waiting_periods[{i}]", errs)
        clause(w.clause, f"membership.waiting_periods[{i}].clause")
    for i, r in enumerate(m.requirements):
        clause(r.clause, f"membership.requirements[{i}].clause")
    if m.filing_deadline is not None:
        clause(m.filing_deadline.clause, "membership.filing_deadline.clause")
        if m.filing_deadline.days <= 0:
            add(
                FormatError(
                    "membership.filing_deadline.days",
                    "general_deadline_not_positive",
                    {
                        "value": m.filing_deadline.days,
                        "clause": m.filing_deadline.clause or m.clause,
                    },
                )
            )
    if m.continuity is not None:
        clause(m.continuity.clause, "membership.continuity.clause")
        if m.continuity.grace_days < 0:
            add(FormatError("membership.continuity.grace_days", "negative"))

    codes: set[str] = set()
    for i, b in enumerate(reg.benefits):
        p = f"benefits[{i}]"
        _code(b.code, f"{p}.code", errs)
        _unique(b.code, f"{p}.code", codes, errs)
        clause(b.clause, f"{p}.clause")
        given = [k for k in ("amount", "tiers", "levels") if getattr(b, k) not in (None, ())]
        if not given:
            add(FormatError(f"{p}.amount", "amount_missing"))
        elif len(given) > 1:
            add(FormatError(f"{p}.{given[1]}", "amount_conflict"))
        if b.amount is not None:
            _amount(b.amount, f"{p}.amount", errs)
        if b.tiers is not None:
            _tiers(b.tiers, f"{p}.tiers", errs)
            clause(b.tiers.clause, f"{p}.tiers.clause")
            for j, band in enumerate(b.tiers.bands):
                clause(band.clause, f"{p}.tiers.bands[{j}].clause")
        _new_clauses(reg, b, p, numbers, errs)
        if b.levels and b.kind not in ("education", "disability"):
            add(FormatError(f"{p}.levels", "levels_not_allowed"))
        levels: set[str] = set()
        for j, lv in enumerate(b.levels):
            _unique(lv.level, f"{p}.levels[{j}].level", levels, errs)
            _amount(lv.amount, f"{p}.levels[{j}].amount", errs)
        kinds: set[str] = set()
        for j, r in enumerate(b.relatives):
            q = f"{p}.relatives[{j}]"
            _unique(r.relative, f"{q}.relative", kinds, errs)
            if not Decimal(0) < r.fraction <= Decimal(1):
                add(FormatError(f"{q}.fraction", "out_of_range", {"min": "0", "max": "1"}))
            clause(r.clause, f"{q}.clause")
        if b.conditions is not None:
            c = b.conditions
            q = f"{p}.conditions"
            clause(c.clause, f"{q}.clause")
            _ages(c.min_age, c.max_age, q, errs)
            if c.min_grade_average is not None and not 0 <= c.min_grade_average <= 4:
                add(FormatError(f"{q}.min_grade_average", "out_of_range", {"min": "0", "max": "4"}))
            if c.school_levels and b.kind != "education":
                add(FormatError(f"{q}.school_levels", "levels_not_allowed"))
            if c.disability_levels and b.kind != "disability":
                add(FormatError(f"{q}.disability_levels", "levels_not_allowed"))
        for j, w in enumerate(b.waiting_periods):
            _waiting(w, f"{p}.waiting_periods[{j}]", errs)
            clause(w.clause, f"{p}.waiting_periods[{j}].clause")
        for j, cap in enumerate(b.caps):
            _cap(cap, f"{p}.caps[{j}]", errs)
            clause(cap.clause, f"{p}.caps[{j}].clause")
        if b.recurring is not None:
            clause(b.recurring.clause, f"{p}.recurring.clause")
            if b.per not in ("event", b.recurring.every):
                add(
                    FormatError(
                        f"{p}.recurring.every",
                        "recurring_per",
                        {"every": b.recurring.every, "per": b.per},
                    )
                )
        evidence: set[str] = set()
        for j, ev in enumerate(b.evidence):
            _code(ev.code, f"{p}.evidence[{j}].code", errs)
            _unique(ev.code, f"{p}.evidence[{j}].code", evidence, errs)
            clause(ev.clause, f"{p}.evidence[{j}].clause")

    names: set[str] = set()
    for i, g in enumerate(reg.group_caps):
        p = f"group_caps[{i}]"
        _code(g.name, f"{p}.name", errs)
        _unique(g.name, f"{p}.name", names, errs)
        if not g.benefits:
            add(FormatError(f"{p}.benefits", "empty_list"))
        for j, code in enumerate(g.benefits):
            if code not in codes:
                add(FormatError(f"{p}.benefits[{j}]", "unknown_benefit", {"benefit": code}))
        _cap(g, p, errs)
        clause(g.clause, f"{p}.clause")
    return errs


_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)  # days every year has

#: Words with which a clause's text limits a total ("รวมไม่เกิน 50,000 บาท", "สูงสุดไม่เกิน").
_CAP_WORDS = ("ไม่เกิน", "สูงสุด")


def _new_clauses(
    reg: Regulation, b: Benefit, p: str, numbers: set[str], errs: list[FormatError]
) -> None:
    """Filing deadlines, amounts per counted year, linked parts and conditions on a person:
    each error carries the clause it is about (``clause``), so the message names it."""
    add = errs.append

    def clause(value: str | None, path: str) -> None:
        if value is not None and value not in numbers:
            add(FormatError(path, "unknown_clause", {"clause": value}))

    dl = b.filing_deadline
    if dl is not None:
        clause(dl.clause, f"{p}.filing_deadline.clause")
        if dl.days <= 0:
            add(
                FormatError(
                    f"{p}.filing_deadline.days",
                    "deadline_not_positive",
                    {"value": dl.days, "clause": dl.clause or b.clause, "benefit": b.name_th},
                )
            )
    cy = b.counted_years
    if cy is not None:
        clause(cy.clause, f"{p}.counted_years.clause")
        if b.per != "counted_year":
            add(
                FormatError(
                    f"{p}.counted_years",
                    "counted_years_unused",
                    {"clause": cy.clause or b.clause, "benefit": b.name_th},
                )
            )
    if b.per == "counted_year":
        if b.amount is None:
            add(
                FormatError(
                    f"{p}.amount",
                    "counted_year_needs_amount",
                    {"clause": b.clause, "benefit": b.name_th},
                )
            )
        text = reg.clause(b.clause).text_th if b.clause and reg.clause(b.clause) else ""
        capped = any(c.amount is not None and c.period != "year" for c in b.caps)
        if not capped and any(word in text for word in _CAP_WORDS):
            add(
                FormatError(
                    f"{p}.caps",
                    "counted_year_cap_missing",
                    {"clause": b.clause, "benefit": b.name_th},
                )
            )
    covered = {r.relative for r in b.relatives} or {"self"}
    unit_detail = {"night": "night", "day": "day"}.get(b.per)
    part_codes: set[str] = set()
    for j, part in enumerate(b.parts):
        q = f"{p}.parts[{j}]"
        _code(part.code, f"{q}.code", errs)
        _unique(part.code, f"{q}.code", part_codes, errs)
        _amount(part.amount, f"{q}.amount", errs)
        clause(part.clause, f"{q}.clause")
        if part.max_amount is not None:
            _amount(part.max_amount, f"{q}.max_amount", errs)
        if part.max_units is not None and part.max_units < 1:
            add(FormatError(f"{q}.max_units", "not_positive"))
        if unit_detail is not None and part.per == unit_detail:
            add(
                FormatError(
                    f"{q}.per",
                    "part_unit_conflict",
                    {"clause": part.clause or b.clause, "benefit": b.name_th, "per": part.per},
                )
            )
    c = b.conditions
    if c is not None:
        for j, person in enumerate(c.applies_to):
            if person not in covered:
                add(
                    FormatError(
                        f"{p}.conditions.applies_to[{j}]",
                        "condition_person_not_covered",
                        {
                            "clause": c.clause or b.clause,
                            "benefit": b.name_th,
                            "person": person,
                        },
                    )
                )


def _code(value: str, path: str, errs: list[FormatError]) -> None:
    if not _CODE.match(value):
        errs.append(FormatError(path, "bad_code", {"value": value}))


def _unique(
    value: Any, path: str, seen: set[Any], errs: list[FormatError], shown: Any = None
) -> None:
    if value in seen:
        errs.append(
            FormatError(path, "duplicate", {"value": str(shown if shown is not None else value)})
        )
    seen.add(value)


def _range(value: int, lo: int, hi: int, path: str, errs: list[FormatError]) -> None:
    if not lo <= value <= hi:
        errs.append(FormatError(path, "out_of_range", {"min": lo, "max": hi}))


def _amount(value: Decimal, path: str, errs: list[FormatError], positive: bool = False) -> None:
    if not value.is_finite() or value.copy_abs() > MAX_AMOUNT:  # the books' hard ceiling
        errs.append(FormatError(path, "out_of_range", {"min": 0, "max": f"{MAX_AMOUNT:,.2f}"}))
        return
    if value.as_tuple().exponent < -2:  # type: ignore[operator]
        errs.append(FormatError(path, "too_many_decimals"))
    if value < 0:
        errs.append(FormatError(path, "negative"))
    elif positive and value == 0:
        errs.append(FormatError(path, "not_positive"))


def _ages(lo: int | None, hi: int | None, path: str, errs: list[FormatError]) -> None:
    for name, v in (("min", lo), ("max", hi)):
        if v is not None and not 0 <= v <= 150:
            key = f"{path}.{name}" if path.endswith("entry_age") else f"{path}.{name}_age"
            errs.append(FormatError(key, "out_of_range", {"min": 0, "max": 150}))
    if lo is not None and hi is not None and lo > hi:
        errs.append(FormatError(path, "min_above_max", {"min": lo, "max": hi}))


def _period(
    years: int, months: int, days: int, basis: str, path: str, errs: list[FormatError]
) -> None:
    for name, v in (("years", years), ("months", months), ("days", days)):
        if v < 0:
            errs.append(FormatError(f"{path}.{name}", "negative"))
    if basis == "contributions" and days:
        errs.append(FormatError(f"{path}.days", "days_not_allowed"))


def _waiting(w: WaitingPeriod, path: str, errs: list[FormatError]) -> None:
    _period(w.years, w.months, w.days, w.basis, path, errs)
    if not (w.years or w.months or w.days):
        errs.append(FormatError(path, "empty_period"))


def _tiers(t: Tiers, path: str, errs: list[FormatError]) -> None:
    if not t.bands:
        errs.append(FormatError(f"{path}.bands", "empty_list"))
    for j, band in enumerate(t.bands):
        q = f"{path}.bands[{j}]"
        _amount(band.amount, f"{q}.amount", errs)
        bounds: tuple[tuple[str, Bound | None], ...] = (
            ("lower", band.lower),
            ("upper", band.upper),
        )
        for name, bound in bounds:
            if bound is not None:
                _period(bound.years, bound.months, bound.days, t.basis, f"{q}.{name}", errs)


def _cap(cap: Any, path: str, errs: list[FormatError]) -> None:
    given = [k for k in ("amount", "units", "times") if getattr(cap, k) is not None]
    if len(given) != 1:
        errs.append(FormatError(path, "cap_measure"))
        return
    if cap.amount is not None:
        _amount(cap.amount, f"{path}.amount", errs)
    for k in ("units", "times"):
        v = getattr(cap, k)
        if v is not None and v < 0:
            errs.append(FormatError(f"{path}.{k}", "negative"))
    if isinstance(cap, Cap) and cap.period == "event" and cap.times is not None:
        errs.append(FormatError(f"{path}.times", "times_per_event"))


# --------------------------------------------------------------------------------------------
# Writing


def regulation_to_dict(reg: Regulation) -> dict[str, Any]:
    """Plain data (str for Decimal and dates), omitting values equal to their defaults."""
    out = _plain(reg)
    assert isinstance(out, dict)
    return out


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: dict[str, Any] = {}
        for f in dataclasses.fields(value):
            v = getattr(value, f.name)
            if f.default is not dataclasses.MISSING and v == f.default and f.name != "format":
                continue
            if f.default_factory is not dataclasses.MISSING and v == f.default_factory():
                continue
            out[f.name] = _plain(v)
        return out
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def dump_regulation(reg: Regulation) -> str:
    """YAML text that :func:`load_regulation` reads back to an equal regulation."""
    return yaml.dump(
        regulation_to_dict(reg),
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        width=100,
    )

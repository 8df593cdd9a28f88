"""``check_draft``: things a committee should look at before voting a regulation.

A draft that loads is well-formed; these warnings are about sense: tiers with holes or
overlaps, tiers or caps no member can ever reach, caps that contradict each other, benefits
that cite no clause. Warnings are data (code, path, params, clause) like format errors.

Tier boundaries are compared as dates, for every start date in a leap year and the year before
it, so "ไม่เกิน 2 ปี" followed by "2 ปี 1 วัน" is seen as contiguous for any join date, 29 Feb
included, while "2 ปี" followed by "2 ปี" is an overlap.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from .dates import add_period, elapsed
from .messages import WARNINGS, english_duration, format_message
from .model import Band, Benefit, Bound, Cap, GroupCap, Regulation

__all__ = ["DraftWarning", "check_draft"]

_STARTS = tuple(date(2023, 1, 1) + timedelta(days=i) for i in range(731))
_RANK = {"event": 0, "year": 1, "lifetime": 2}
_REFERENCE_BIRTH = date(1990, 1, 15)


@dataclass(frozen=True, slots=True)
class DraftWarning:
    code: str
    path: str
    params: dict[str, Any] = field(default_factory=dict)
    clause: str | None = None

    @property
    def message(self) -> str:
        return format_message(WARNINGS.get(self.code, self.code), self.params, english_duration)

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def check_draft(reg: Regulation) -> list[DraftWarning]:
    """Every warning; each names its benefit (or shared cap) by code in ``benefit`` (or
    ``group``) and by name in ``benefit_name_th`` / ``benefit_name_en`` (``group_name_th``),
    so the Thai text never shows a code."""
    out = _check(reg)
    names = {b.code: (b.name_th, b.name_en) for b in reg.benefits}
    groups = {g.name: g.name_th for g in reg.group_caps}
    for w in out:
        code = w.params.get("benefit")
        if code in names:
            w.params["benefit_name_th"], w.params["benefit_name_en"] = names[code]
        group = w.params.get("group")
        if groups.get(group):
            w.params["group_name_th"] = groups[group]
    return out


def _check(reg: Regulation) -> list[DraftWarning]:
    out: list[DraftWarning] = []
    if not reg.benefits:
        out.append(DraftWarning("no_benefits", "benefits"))
    for i, b in enumerate(reg.benefits):
        p = f"benefits[{i}]"
        if b.clause is None:
            out.append(DraftWarning("no_clause", f"{p}.clause", {"benefit": b.code}))
        _reach(reg, b, p, out)
        if b.tiers is not None:
            _tier_shape(b, p, out)
        _caps(reg, b, p, out)
    _group_caps(reg, out)
    return out


# ---- tiers ----------------------------------------------------------------------------------


def _interval(band: Band, start: date | None) -> tuple[int, int | None]:
    """Band as an inclusive integer interval: ordinal days (dates) or months (contributions)."""

    def point(b: Bound) -> int:
        if start is None:
            return b.years * 12 + b.months
        return add_period(start, b.years, b.months, b.days).toordinal()

    lo = point(band.lower) + (0 if band.lower.inclusive else 1)
    hi = None
    if band.upper is not None:
        hi = point(band.upper) - (0 if band.upper.inclusive else 1)
    return lo, hi


def _tier_shape(b: Benefit, p: str, out: list[DraftWarning]) -> None:
    assert b.tiers is not None
    bands = b.tiers.bands
    clause = b.tiers.clause or b.clause
    starts: tuple[date | None, ...] = (None,) if b.tiers.basis == "contributions" else _STARTS
    found: dict[tuple[str, int, int], DraftWarning] = {}
    for start in starts:
        ivs = [(*_interval(band, start), n) for n, band in enumerate(bands, 1)]
        for lo, hi, n in ivs:
            if hi is not None and lo > hi:
                key = ("tier_empty", n, n)
                found.setdefault(
                    key,
                    DraftWarning(
                        "tier_empty",
                        f"{p}.tiers.bands[{n - 1}]",
                        {"benefit": b.code, "tier": n},
                        clause,
                    ),
                )
        ivs = [iv for iv in ivs if iv[1] is None or iv[0] <= iv[1]]
        ivs.sort(key=lambda iv: (iv[0], iv[2]))
        # Sweep in order of lower bound, keeping the band that reaches furthest so far.
        if not ivs:
            continue
        reach_hi, reach_n = ivs[0][1], ivs[0][2]
        for lo2, hi2, n2 in ivs[1:]:
            a, z = min(reach_n, n2), max(reach_n, n2)
            if reach_hi is None or reach_hi >= lo2:
                code = "tier_overlap"
            elif reach_hi + 1 < lo2:
                code = "tier_gap"
            else:
                code = ""
            if code:
                found.setdefault(
                    (code, a, z),
                    DraftWarning(
                        code,
                        f"{p}.tiers.bands[{z - 1}]",
                        {"benefit": b.code, "first": a, "second": z},
                        clause,
                    ),
                )
            if reach_hi is not None and (hi2 is None or hi2 > reach_hi):
                reach_hi, reach_n = hi2, n2
    out.extend(found.values())


def _only_self(b: Benefit) -> bool:
    return not b.relatives or all(r.relative == "self" for r in b.relatives)


def _reach(reg: Regulation, b: Benefit, p: str, out: list[DraftWarning]) -> None:
    """Tiers (and benefits) that need more than a member can have before the age limit."""
    cond = b.conditions
    if cond is None or cond.max_age is None or not _only_self(b):
        return
    entry = reg.membership.entry_age
    entry_min = entry.min if entry and entry.min is not None else 0
    if cond.max_age < entry_min:
        out.append(
            DraftWarning(
                "benefit_unreachable",
                f"{p}.conditions.max_age",
                {"benefit": b.code, "max_age": cond.max_age, "entry_min": entry_min},
                cond.clause or b.clause,
            )
        )
        return
    if b.tiers is None:
        return
    years = cond.max_age + 1 - entry_min  # joined on the entry birthday, last day before max+1
    plan_months = max((pl.months for pl in reg.membership.plans), default=12)
    basis = b.tiers.basis
    last = add_period(_REFERENCE_BIRTH, years=cond.max_age + 1) - timedelta(days=1)
    for n, band in enumerate(b.tiers.bands, 1):
        lo = band.lower
        if basis == "contributions":
            most = years * 12 + plan_months  # a plan paid in advance covers months ahead
            reachable = lo.years * 12 + lo.months + (0 if lo.inclusive else 1) <= most
            limit = {"years": most // 12, "months": most % 12, "days": 0}
        else:
            start = _REFERENCE_BIRTH
            if basis != "age":
                start = add_period(_REFERENCE_BIRTH, years=entry_min)
            need = add_period(start, lo.years, lo.months, lo.days)
            reachable = need <= last if lo.inclusive else need < last
            y, m, d = elapsed(start, last)
            limit = {"years": y, "months": m, "days": d}
        if not reachable:
            out.append(
                DraftWarning(
                    "tier_unreachable",
                    f"{p}.tiers.bands[{n - 1}].lower",
                    {
                        "benefit": b.code,
                        "tier": n,
                        "required": {"years": lo.years, "months": lo.months, "days": lo.days},
                        "reachable": limit,
                        "max_age": cond.max_age,
                        "entry_min": entry_min,
                    },
                    b.tiers.clause or b.clause,
                )
            )


# ---- caps -----------------------------------------------------------------------------------


def _measure(c: Cap | GroupCap) -> tuple[str, Decimal | int]:
    if c.amount is not None:
        return "amount", c.amount
    if c.units is not None:
        return "units", c.units
    assert c.times is not None
    return "times", c.times


def _max_rate(b: Benefit) -> Decimal | None:
    if b.amount is not None:
        return b.amount
    if b.tiers is not None:
        return max(x.amount for x in b.tiers.bands)
    if b.levels:
        return max(x.amount for x in b.levels)
    return None


def _caps(reg: Regulation, b: Benefit, p: str, out: list[DraftWarning]) -> None:
    own = [(c, f"{p}.caps[{j}]") for j, c in enumerate(b.caps)]
    groups = [(g, f"group_caps[{k}]") for k, g in enumerate(reg.group_caps) if b.code in g.benefits]
    seen: dict[tuple[str, str], str] = {}
    for c, path in own:
        measure, _ = _measure(c)
        if (c.period, measure) in seen:
            out.append(
                DraftWarning(
                    "duplicate_cap",
                    path,
                    {"benefit": b.code, "period": c.period, "measure": measure},
                    c.clause or b.clause,
                )
            )
        seen[(c.period, measure)] = path

    # Tightest limit per (period, measure), own and group together.
    tight: dict[tuple[str, str], tuple[Decimal | int, str, str | None]] = {}
    for c, path in own + groups:
        measure, limit = _measure(c)
        key = (c.period, measure)
        if key not in tight or limit < tight[key][0]:
            tight[key] = (limit, path, c.clause or b.clause)

    for measure in ("amount", "units", "times"):
        for inner in ("event", "year"):
            for outer in ("year", "lifetime"):
                if _RANK[inner] >= _RANK[outer]:
                    continue
                a, z = tight.get((inner, measure)), tight.get((outer, measure))
                if a and z and a[0] > z[0]:
                    out.append(
                        DraftWarning(
                            "cap_inner_above_outer",
                            a[1],
                            {
                                "benefit": b.code,
                                "measure": {"amount": "baht"}.get(measure, measure),
                                "inner": inner,
                                "inner_limit": str(a[0]),
                                "outer": outer,
                                "outer_limit": str(z[0]),
                            },
                            a[2],
                        )
                    )

    if b.per in ("month", "year") and not any(k[0] == "year" for k in tight):
        out.append(
            DraftWarning(
                "recurring_without_year_cap",
                f"{p}.caps",
                {"benefit": b.code, "per": b.per},
                b.clause,
            )
        )

    # Baht caps that can never bind, from the benefit's own caps (a group cap is shared).
    mine: dict[tuple[str, str], tuple[Decimal | int, str, str | None]] = {}
    for c, path in own:
        measure, limit = _measure(c)
        if (c.period, measure) not in mine or limit < mine[(c.period, measure)][0]:
            mine[(c.period, measure)] = (limit, path, c.clause or b.clause)
    for period, reach, _units, _each in _most(b, mine):
        cap = mine.get((period, "amount"))
        if cap is not None and reach is not None and cap[0] > reach:
            out.append(_never(b, cap, period, _units, _each, reach))


def _most(
    b: Benefit, caps: dict[tuple[str, str], tuple[Decimal | int, str, str | None]]
) -> list[tuple[str, Decimal | None, int, Decimal]]:
    """Most a member can be paid per event, year and lifetime, ignoring the baht cap of that
    same period (None = unbounded), with the count and unit amount that give it."""
    rate = _max_rate(b)
    if rate is None:
        return []
    per_unit = b.per in ("night", "child", "month", "day", "counted_year")

    def bound(period: str, measure: str) -> int | None:
        """Tightest unit/claim count in ``period``; a wider period's cap bounds it too."""
        found = [
            int(v[0])
            for (per, mea), v in caps.items()
            if mea == measure and _RANK[per] >= _RANK[period]
        ]
        return min(found) if found else None

    result: list[tuple[str, Decimal | None, int, Decimal]] = []
    units = bound("event", "units") if per_unit else 1
    event_max = None if units is None else rate * units
    result.append(("event", event_max, units or 0, rate))
    event_cap = caps.get(("event", "amount"))
    if event_cap is not None and (event_max is None or event_cap[0] < event_max):
        event_max = Decimal(event_cap[0])
    for period in ("year", "lifetime"):
        candidates: list[tuple[Decimal, int, Decimal]] = []
        u = bound(period, "units")
        if u is not None:
            candidates.append((rate * u, u, rate))
        n = bound(period, "times")
        if n is not None and event_max is not None:
            candidates.append((event_max * n, n, event_max))
        if candidates:
            reach, count, each = min(candidates, key=lambda c: c[0])
            result.append((period, reach, count, each))
        else:
            result.append((period, None, 0, rate))
    return result


def _group_caps(reg: Regulation, out: list[DraftWarning]) -> None:
    """A group's baht cap above what all its benefits together can ever pay."""
    for k, g in enumerate(reg.group_caps):
        if g.amount is None:
            continue
        total = Decimal(0)
        for code in g.benefits:
            b = reg.benefit(code)
            if b is None:
                break
            caps: dict[tuple[str, str], tuple[Decimal | int, str, str | None]] = {}
            for c in b.caps:
                measure, limit = _measure(c)
                if (c.period, measure) not in caps or limit < caps[(c.period, measure)][0]:
                    caps[(c.period, measure)] = (limit, "", None)
            reach = None
            for period, most, _n, _e in _most(b, caps):
                if period == g.period:
                    reach = most
                    own = caps.get((period, "amount"))
                    if own is not None and (reach is None or own[0] < reach):
                        reach = Decimal(own[0])
            if reach is None:
                break
            total += reach
        else:
            if g.amount > total:
                out.append(
                    DraftWarning(
                        "group_cap_never_reached",
                        f"group_caps[{k}].amount",
                        {
                            "group": g.name,
                            "cap": str(g.amount),
                            "period": g.period,
                            "reachable": str(total),
                        },
                        g.clause,
                    )
                )


def _never(
    b: Benefit,
    cap: tuple[Decimal | int, str, str | None],
    period: str,
    units: int,
    rate: Decimal,
    reach: Decimal,
) -> DraftWarning:
    return DraftWarning(
        "cap_never_reached",
        cap[1],
        {
            "benefit": b.code,
            "cap": str(cap[0]),
            "period": period,
            "units": units,
            "rate": str(rate),
            "reachable": str(reach),
        },
        cap[2],
    )

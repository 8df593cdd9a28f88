"""A regulation turned into lookups once, so that a decision only compares and adds.

Built lazily by ``Regulation.index`` (cached on the regulation object): clauses inherited from
the benefit are resolved, caps are sorted into the order the engine applies them and group caps
are attached to each benefit they cover.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .model import Band, Benefit, Bound, Regulation, WaitingPeriod

__all__ = ["CompiledBenefit", "CompiledRegulation", "compile_regulation"]

ONE = Decimal(1)


@dataclass(frozen=True, slots=True)
class CWait:
    basis: str
    years: int
    months: int
    days: int
    #: "days", "months" or "years" when the period is in one unit, else "period".
    unit: str
    required: int | dict[str, int]
    total_months: int
    clause: str | None


@dataclass(frozen=True, slots=True)
class CBand:
    number: int  # 1-based, as shown to people
    amount: Decimal
    lower: Bound
    upper: Bound | None
    lower_months: int  # years*12 + months, for the contributions basis
    upper_months: int | None
    clause: str | None  # the band's own clause, else the tiers' clause


@dataclass(frozen=True, slots=True)
class CCap:
    period: str  # event | year | lifetime
    measure: str  # amount | units | times
    limit: Decimal | int
    clause: str | None
    group: str | None = None
    codes: frozenset[str] = frozenset()
    #: How people name a group cap (the trace carries it, so a stored decision explains itself):
    #: its ``name_th`` and the names of the benefits it groups, in the regulation's order.
    group_name_th: str = ""
    group_benefits_th: tuple[str, ...] = ()
    group_benefits_en: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CPart:
    code: str
    per: str
    rate: Decimal
    clause: str | None
    max_units: int | None
    max_amount: Decimal | None
    name_th: str
    name_en: str


@dataclass(frozen=True, slots=True)
class CompiledBenefit:
    code: str
    kind: str
    clause: str | None
    per: str
    rate: Decimal | None
    tier_basis: str | None
    tier_clause: str | None
    bands: tuple[CBand, ...]
    levels: dict[str, Decimal]
    level_attr: str | None
    relatives: dict[str, tuple[Decimal, str | None]]
    relatives_listed: bool
    cond_clause: str | None
    #: Whom the conditions bind (empty: everyone covered).
    cond_applies: frozenset[str]
    marital: tuple[str, ...]
    has_children: bool | None
    has_minor_child: bool | None
    sex: str | None
    min_age: int | None
    max_age: int | None
    min_grade: Decimal | None
    school_levels: tuple[str, ...]
    disability_levels: tuple[str, ...]
    waits: tuple[CWait, ...]
    times_caps: tuple[CCap, ...]
    unit_caps: tuple[CCap, ...]
    event_amount_caps: tuple[CCap, ...]
    running_amount_caps: tuple[CCap, ...]
    deadline_days: int | None = None
    deadline_from: str = "event"
    deadline_clause: str | None = None
    counted_basis: str = "membership"
    counted_remainder: str = "down"
    counted_clause: str | None = None
    parts: tuple[CPart, ...] = ()


@dataclass(frozen=True, slots=True)
class CompiledRegulation:
    code: str
    benefits: dict[str, CompiledBenefit]
    year_kind: str
    year_start_month: int
    year_start_day: int
    membership_clause: str | None
    arrears_max: int | None
    arrears_from: str
    arrears_clause: str | None
    continuity_reset: bool = True
    continuity_grace: int = 0
    continuity_clause: str | None = None


def _wait(w: WaitingPeriod, default_clause: str | None) -> CWait:
    parts = {"years": w.years, "months": w.months, "days": w.days}
    nonzero = [k for k, v in parts.items() if v]
    if w.basis == "contributions":
        unit, required = "months", w.years * 12 + w.months
    elif len(nonzero) == 1:
        unit, required = nonzero[0], parts[nonzero[0]]
    else:
        unit, required = "period", parts
    return CWait(
        basis=w.basis,
        years=w.years,
        months=w.months,
        days=w.days,
        unit=unit,
        required=required,
        total_months=w.years * 12 + w.months,
        clause=w.clause or default_clause,
    )


def _band(i: int, b: Band, default_clause: str | None) -> CBand:
    return CBand(
        number=i + 1,
        amount=b.amount,
        lower=b.lower,
        upper=b.upper,
        lower_months=b.lower.years * 12 + b.lower.months,
        upper_months=None if b.upper is None else b.upper.years * 12 + b.upper.months,
        clause=b.clause or default_clause,
    )


_PERIOD_ORDER = {"event": 0, "year": 1, "lifetime": 2}


def _benefit(reg: Regulation, b: Benefit) -> CompiledBenefit:
    m = reg.membership
    waits: list[CWait] = []
    if b.general_waiting:
        waits.extend(_wait(w, m.clause) for w in m.waiting_periods)
    waits.extend(_wait(w, b.clause) for w in b.waiting_periods)

    caps = [
        CCap(
            c.period,
            "amount" if c.amount is not None else "units" if c.units is not None else "times",
            c.amount if c.amount is not None else c.units if c.units is not None else c.times,  # type: ignore[arg-type]
            c.clause or b.clause,
        )
        for c in b.caps
    ]
    for g in reg.group_caps:
        if b.code in g.benefits:
            measure = (
                "amount" if g.amount is not None else "units" if g.units is not None else "times"
            )
            limit = (
                g.amount if g.amount is not None else g.units if g.units is not None else g.times
            )
            members = [o for code in g.benefits if (o := reg.benefit(code)) is not None]
            caps.append(
                CCap(
                    g.period,
                    measure,
                    limit,  # type: ignore[arg-type]
                    g.clause,
                    g.name,
                    frozenset(g.benefits),
                    g.name_th,
                    tuple(o.name_th for o in members),
                    tuple(o.name_en for o in members),
                )
            )
    caps.sort(key=lambda c: _PERIOD_ORDER[c.period])  # stable: own caps before group caps

    rel: dict[str, tuple[Decimal, str | None]]
    if b.relatives:
        rel = {r.relative: (r.fraction, r.clause or b.clause) for r in b.relatives}
    else:
        rel = {"self": (ONE, b.clause)}
    c = b.conditions
    level_attr = {"education": "school_level", "disability": "disability_level"}.get(b.kind)
    tier_clause = (b.tiers.clause or b.clause) if b.tiers else None
    dl, cy = b.filing_deadline or m.filing_deadline, b.counted_years
    dl_default = b.clause if b.filing_deadline else m.clause
    return CompiledBenefit(
        code=b.code,
        kind=b.kind,
        clause=b.clause,
        per=b.per,
        rate=b.amount,
        tier_basis=b.tiers.basis if b.tiers else None,
        tier_clause=tier_clause,
        bands=tuple(_band(i, x, tier_clause) for i, x in enumerate(b.tiers.bands))
        if b.tiers
        else (),
        levels={lv.level: lv.amount for lv in b.levels},
        level_attr=level_attr if b.levels else None,
        relatives=rel,
        relatives_listed=bool(b.relatives),
        cond_clause=(c.clause or b.clause) if c else None,
        cond_applies=frozenset(c.applies_to) if c else frozenset(),
        marital=c.marital_status if c else (),
        has_children=c.has_children if c else None,
        has_minor_child=c.has_minor_child if c else None,
        sex=c.sex if c else None,
        min_age=c.min_age if c else None,
        max_age=c.max_age if c else None,
        min_grade=c.min_grade_average if c else None,
        school_levels=c.school_levels if c else (),
        disability_levels=c.disability_levels if c else (),
        waits=tuple(waits),
        times_caps=tuple(x for x in caps if x.measure == "times"),
        unit_caps=tuple(x for x in caps if x.measure == "units"),
        event_amount_caps=tuple(x for x in caps if x.measure == "amount" and x.period == "event"),
        running_amount_caps=tuple(x for x in caps if x.measure == "amount" and x.period != "event"),
        deadline_days=dl.days if dl else None,
        deadline_from=dl.counted_from if dl else "event",
        deadline_clause=(dl.clause or dl_default) if dl else None,
        counted_basis=cy.basis if cy else "membership",
        counted_remainder=cy.remainder if cy else "down",
        counted_clause=(cy.clause or b.clause) if cy else b.clause,
        parts=tuple(
            CPart(
                x.code,
                x.per,
                x.amount,
                x.clause or b.clause,
                x.max_units,
                x.max_amount,
                x.name_th,
                x.name_en,
            )
            for x in b.parts
        ),
    )


def compile_regulation(reg: Regulation) -> CompiledRegulation:
    m = reg.membership
    return CompiledRegulation(
        code=reg.code,
        benefits={b.code: _benefit(reg, b) for b in reg.benefits},
        year_kind=reg.year.kind,
        year_start_month=reg.year.start_month,
        year_start_day=reg.year.start_day,
        membership_clause=m.clause,
        arrears_max=m.arrears.max_months if m.arrears else None,
        arrears_from=m.arrears.counted_from if m.arrears else "join",
        arrears_clause=(m.arrears.clause or m.clause) if m.arrears else None,
        continuity_reset=m.continuity.reset_after_gap if m.continuity else True,
        continuity_grace=m.continuity.grace_days if m.continuity else 0,
        continuity_clause=(m.continuity.clause or m.clause) if m.continuity else m.clause,
    )

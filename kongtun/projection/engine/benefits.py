"""Amounts from the regulation engine, for cells of members instead of one member.

Every amount the projection pays comes from :func:`kongtun.regulations.engine.decide`, called
for a *synthetic member* of the cell: a member of completed age ``a``, sex, ``d`` completed
years of membership and contribution plan of ``pm`` months, on an event date in the middle of
the projection year (so the member is ``a + ½`` years old and has ``d + ½`` years of membership
— the mid-year convention of decision 0008). The synthetic member has paid every contribution
due (months covered = months of membership + one plan period paid in advance), so arrears never
refuse a claim in the projection: unpaid contributions are modelled as lost money (compliance)
and as members leaving (exits), not as refused claims.

``decide`` is called once per distinct *key*: the benefit, the event's details, and only the
parts of the cell the benefit can depend on (its age conditions or age tiers, its sex condition,
its tiers and waiting periods in years, the plan when something is counted in contributions).
``tests/projection/test_benefit_tables.py`` checks the keyed tables against ``decide`` for
every cell of the prototypes.

Per-year caps (times, units or baht per year, own or shared by a group of benefits) and
lifetime caps other than a benefit's own limit on the number of claims cannot be applied to a
cell, because they depend on each member's own claims. For benefits that have them,
:class:`YearProcess` computes the exact law of one member's payout over a year: events arrive
as a Poisson process (the rates of decision 0008), each event is decided by ``decide`` with the
member's earlier paid claims as ``PastClaim``s (this year's, and what lifetime caps count of the
earlier years, whose law is carried from year to year), on the member's age and membership of
its day (a birthday or a joining anniversary may fall during the year), exactly as the fund
would. A benefit's own lifetime limit on the number of claims is applied in closed form
(``model._lifetime_paid_share``). Decision 0024.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import numpy as np

from kongtun.regulations.engine import (
    Event,
    MemberHistory,
    PastClaim,
    Payment,
    Regulation,
    add_months,
    decide,
)
from kongtun.regulations.engine.compiled import CompiledBenefit

__all__ = [
    "REF_EVENT",
    "BenefitTables",
    "EventType",
    "YearDistribution",
    "benefit_tables",
]

#: The event date of every synthetic decision: the middle of a projection year (2 July).
REF_EVENT = date(2030, 7, 2)
SCHOOL_AGE = {
    "p6": 12,
    "m3": 15,
    "m6": 18,
    "vocational": 18,
    "university_entry": 18,
    "bachelor": 22,
}
MAX_NIGHTS = 60
#: Event sources and what gives their rate (per member per year), see ``model.event_rates``.
SOURCES = (
    "hospital",
    "outpatient",
    "birth",
    "spouse_death",
    "mother_death",
    "father_death",
    "child_death",
    "disability",
    "education",
    "disaster",
    "other",
)
_SOURCE_OF_KIND = {
    "hospital": "hospital",
    "outpatient": "outpatient",
    "disability": "disability",
    "education": "education",
    "disaster": "disaster",
    "other": "other",
}


@dataclass(frozen=True)
class EventType:
    """One kind of claimable event: which benefit, whose event, its details, and the source
    of its rate times ``factor`` (the share of the nights distribution, of the levels …)."""

    benefit: str
    source: str
    factor: float
    relative: str = "self"
    nights: int | None = None
    children: int | None = None
    months: int | None = None
    level: str | None = None

    @property
    def key(self) -> str:
        parts = [self.benefit, self.source, self.relative]
        for name in ("nights", "children", "months", "level"):
            v = getattr(self, name)
            if v is not None:
                parts.append(f"{name}={v}")
        return ":".join(parts)


@dataclass(frozen=True)
class _Deps:
    age: str  # none | flags | exact
    min_age: int | None
    max_age: int | None
    sex: bool
    dur_cap: int  # 0 when membership time does not matter
    plan: bool


def _years_of(years: int, months: int, days: int) -> int:
    return years + math.ceil(months / 12) + math.ceil(days / 365)


def _deps(b: CompiledBenefit) -> _Deps:
    age = (
        "exact"
        if b.tier_basis == "age"
        else "flags"
        if (b.min_age is not None or b.max_age is not None)
        else "none"
    )
    dur = 0
    plan = False
    for w in b.waits:
        dur = max(dur, _years_of(w.years, w.months, w.days) + 1)
        plan = plan or w.basis == "contributions"
    if b.bands and b.tier_basis != "age":
        for band in b.bands:
            for bound in (band.lower, band.upper):
                if bound is not None:
                    dur = max(dur, _years_of(bound.years, bound.months, bound.days) + 1)
        plan = plan or b.tier_basis == "contributions"
    return _Deps(age, b.min_age, b.max_age, b.sex is not None, dur, plan)


class Decider:
    """``decide`` for synthetic members of cells, memoized by what a decision can depend on."""

    def __init__(
        self, regulation: Regulation, *, parent_gap: int = 27, child_gap: int = 27
    ) -> None:
        self.regulation = regulation
        self.parent_gap = parent_gap
        self.child_gap = child_gap
        self.index = regulation.index
        self.deps = {code: _deps(b) for code, b in self.index.benefits.items()}
        self._cache: dict[tuple, tuple[Decimal, int]] = {}
        self.calls = 0

    def dur_cap(self) -> int:
        return max((d.dur_cap for d in self.deps.values()), default=0)

    def key(
        self,
        ev: EventType,
        a: int,
        sex: int,
        d: int,
        pm: int,
        claims: tuple = (),
        earlier: tuple = (),
    ) -> tuple:
        dep = self.deps[ev.benefit]
        subject_age = (
            a
            if ev.relative == "self"
            else relative_age(ev, a, parent_gap=self.parent_gap, child_gap=self.child_gap)
        )
        if dep.age == "exact":
            age_key: object = subject_age
        elif dep.age == "flags":
            age_key = (
                dep.min_age is None or subject_age >= dep.min_age,
                dep.max_age is None or subject_age <= dep.max_age,
            )
        else:
            age_key = None
        sex_key = relative_sex(ev, sex) if dep.sex else None
        return (ev, age_key, sex_key, min(d, dep.dur_cap), pm if dep.plan else 0, claims, earlier)

    def amount(
        self,
        ev: EventType,
        a: int,
        sex: int,
        d: int,
        pm: int,
        claims: tuple = (),
        earlier: tuple = (),
    ) -> tuple[Decimal, int]:
        """(amount, units) the engine pays for ``ev`` to a member of the cell, after the
        member's paid claims ``claims`` of the same year ((benefit, times, units, amount)…)
        and ``earlier`` ones (of an earlier year: they count for lifetime caps only)."""
        k = self.key(ev, a, sex, d, pm, claims, earlier)
        hit = self._cache.get(k)
        if hit is None:
            hit = self._decide(ev, a, sex, d, pm, claims, earlier=earlier)
            self._cache[k] = hit
        return hit

    def death_amount(self, benefit: str, a: int, sex: int, d: int, pm: int) -> Decimal:
        ev = EventType(benefit, "death", 1.0)
        k = ("death", *self.key(ev, a, sex, d, pm))
        hit = self._cache.get(k)
        if hit is None:
            hit = self._decide(ev, a, sex, d, pm, (), death=True)
            self._cache[k] = hit
        return hit[0]

    def history(
        self, a: int, sex: int, d: int, pm: int, claims: tuple = (), *, death: bool = False
    ) -> MemberHistory:
        return synthetic_history(a, sex, d, pm, claims, death=death)

    def _decide(
        self,
        ev: EventType,
        a: int,
        sex: int,
        d: int,
        pm: int,
        claims: tuple,
        death: bool = False,
        earlier: tuple = (),
    ) -> tuple[Decimal, int]:
        self.calls += 1
        history = synthetic_history(a, sex, d, pm, claims, death=death, earlier=earlier)
        event = synthetic_event(ev, a, sex, parent_gap=self.parent_gap, child_gap=self.child_gap)
        decision = decide(self.regulation, history, event)
        return (decision.amount if decision.eligible else Decimal("0.00"), decision.units)


def relative_age(ev: EventType, a: int, *, parent_gap: int = 27, child_gap: int = 27) -> int:
    if ev.relative == "spouse":
        return a
    if ev.relative == "parent":
        return a + parent_gap
    if ev.relative == "child":
        if ev.level is not None and ev.level in SCHOOL_AGE:
            return SCHOOL_AGE[ev.level]
        if ev.source == "birth":
            return 0
        return max(0, a - child_gap)
    return a


def relative_sex(ev: EventType, sex: int) -> str:
    if ev.relative == "self":
        return "F" if sex == 0 else "M"
    if ev.relative == "spouse":
        return "M" if sex == 0 else "F"
    if ev.source == "mother_death":
        return "F"
    if ev.source == "father_death":
        return "M"
    return "F"


def synthetic_history(
    a: int,
    sex: int,
    d: int,
    pm: int,
    claims: tuple = (),
    *,
    death: bool = False,
    earlier: tuple = (),
) -> MemberHistory:
    """A member of the cell on ``REF_EVENT``: ``a + ½`` years old, ``d + ½`` years a member, paid
    up (``12·d + 6 + pm`` months covered by one payment on the join date). ``claims`` are paid
    claims of the same year ((benefit, times, units, amount): dated ``REF_EVENT``), ``earlier``
    ones of an earlier year (dated a year before)."""
    d = min(d, a)
    ev = REF_EVENT
    birth = add_months(ev, -(12 * a + 6))
    join = add_months(ev, -(12 * d + 6))
    pm = max(1, pm)
    covered = 12 * d + 6 + pm
    past = []
    before = add_months(ev, -12)
    for day, group in ((ev, claims), (before, earlier)):
        for benefit, times, units, amount in group:
            past.append(PastClaim(benefit, day, Decimal(amount), units))
            past.extend(PastClaim(benefit, day, Decimal("0.00"), 0) for _ in range(times - 1))
    return MemberHistory(
        birth_date=birth,
        sex="F" if sex == 0 else "M",
        join_date=join,
        plan_months=pm,
        death_date=ev if death else None,
        payments=(Payment(join, covered, Decimal("0.00")),),
        claims=tuple(past),
    )


def synthetic_event(
    ev: EventType, a: int, sex: int, *, parent_gap: int = 27, child_gap: int = 27
) -> Event:
    kwargs: dict = {}
    if ev.relative != "self":
        age = relative_age(ev, a, parent_gap=parent_gap, child_gap=child_gap)
        kwargs["subject_birth_date"] = add_months(REF_EVENT, -(12 * age + 6))
        kwargs["subject_sex"] = relative_sex(ev, sex)
    if ev.level is not None:
        kwargs["school_level" if ev.source == "education" else "disability_level"] = ev.level
    return Event(
        ev.benefit,
        REF_EVENT,
        REF_EVENT,
        relative=ev.relative,
        nights=ev.nights,
        children=ev.children,
        months=ev.months,
        grade_average=Decimal("4.00") if ev.source == "education" else None,
        **kwargs,
    )


# ---- which events each benefit pays for ---------------------------------------------------


def nights_distribution(mean_nights: float, shares: dict[int, float] | None = None) -> list[float]:
    """P(stay = k nights) for k = 1..MAX_NIGHTS: the fund's own ``shares`` when given (decision
    0024), else geometric with the given mean (decision 0008: an assumption, the national data
    give only the average length of stay); the tail beyond MAX_NIGHTS added to the last value."""
    total = sum(shares.values()) if shares else 0.0
    if shares and total > 0:
        probs = [0.0] * MAX_NIGHTS
        for k, v in shares.items():
            probs[min(max(k, 1), MAX_NIGHTS) - 1] += v / total
        return probs
    if mean_nights <= 1:
        return [1.0] + [0.0] * (MAX_NIGHTS - 1)
    p = 1.0 / mean_nights
    probs = [p * (1 - p) ** (k - 1) for k in range(1, MAX_NIGHTS + 1)]
    probs[-1] += (1 - p) ** MAX_NIGHTS
    return probs


@dataclass
class BenefitTables:
    """What one regulation pays, in the shapes the simulation uses."""

    regulation: Regulation
    decider: Decider
    deaths: list[str]  # benefits paid on the member's own death
    pensions: list[str]  # old-age benefits paid every year to the eligible
    lumps: list[str]  # old-age benefits paid once (lifetime once), when first eligible
    uncapped: list[EventType]  # events whose amount does not depend on other claims
    components: list[tuple[tuple[str, ...], list[EventType]]]  # capped groups of benefits
    not_modelled: list[tuple[str, str]] = field(default_factory=list)  # (benefit, reason code)
    lifetime_caps: list[str] = field(default_factory=list)
    #: benefits paid as streams whose own lifetime caps allow at most k claims
    lifetime_limits: dict[str, int] = field(default_factory=dict)

    @property
    def dur_cap(self) -> int:
        return self.decider.dur_cap()


#: Cells (age, sex, years of membership, plan months) probed to find the longest stay that
#: still changes a hospital decision; the tests check the grouping on every cell.
_PROBE_CELLS = tuple(
    (a, s, d, pm) for a in (20, 45, 70) for s in (0, 1) for d in (0, 1, 5, 30) for pm in (1, 12)
)


def _has_year_cap(b: CompiledBenefit) -> bool:
    caps = (*b.times_caps, *b.unit_caps, *b.running_amount_caps)
    return any(c.period == "year" for c in caps)


def lifetime_claims_limit(decider: Decider, code: str, events: list[EventType]) -> int | None:
    """The most claims of ``code`` its own lifetime caps allow, when that is all they limit:
    caps on the number of claims, or on units when every claim counts the same units (a
    birth allowance per child, one child a claim) and the cap is a whole number of claims.
    None when the benefit has none, or another kind (baht, a group's, units that vary): those
    are remembered from year to year by ``YearProcess``."""
    b = decider.index.benefits[code]
    caps = [c for c in (*b.times_caps, *b.unit_caps, *b.running_amount_caps)]
    lifetime = [c for c in caps if c.period == "lifetime"]
    if not lifetime:
        return None
    if any(c.codes and c.codes != frozenset({code}) for c in lifetime):
        return None
    limits = []
    for c in lifetime:
        if c.measure == "times":
            limits.append(int(c.limit))
        elif c.measure == "units":
            units = {
                decider.amount(ev, *cell)[1]
                for ev in events
                if ev.benefit == code
                for cell in _PROBE_CELLS
                if decider.amount(ev, *cell)[0] > 0
            }
            if len(units) != 1 or next(iter(units)) <= 0 or int(c.limit) % next(iter(units)):
                return None
            limits.append(int(c.limit) // next(iter(units)))
        else:
            return None
    return min(limits)


def _has_lifetime_cap(b: CompiledBenefit) -> bool:
    caps = (*b.times_caps, *b.unit_caps, *b.running_amount_caps)
    return any(c.period == "lifetime" for c in caps)


def benefit_tables(
    regulation: Regulation,
    *,
    mean_nights: float,
    parent_gap: int = 27,
    child_gap: int = 27,
    nights_shares: dict[int, float] | None = None,
) -> BenefitTables:
    """Sort the regulation's benefits by how the projection pays them, and list the events."""
    idx = regulation.index
    decider = Decider(regulation, parent_gap=parent_gap, child_gap=child_gap)
    deaths: list[str] = []
    pensions: list[str] = []
    lumps: list[str] = []
    events: dict[str, list[EventType]] = defaultdict(list)
    not_modelled: list[tuple[str, str]] = []
    lifetime: list[str] = []
    nights = nights_distribution(mean_nights, nights_shares)
    for code, b in idx.benefits.items():
        if _has_lifetime_cap(b) and b.kind not in ("death", "old_age"):
            lifetime.append(code)
        rel = set(b.relatives)
        if b.kind == "death":
            if "self" in rel:
                deaths.append(code)
            if "spouse" in rel:
                events[code].append(EventType(code, "spouse_death", 1.0, "spouse"))
            if "parent" in rel:
                events[code].append(EventType(code, "mother_death", 1.0, "parent"))
                events[code].append(EventType(code, "father_death", 1.0, "parent"))
            if "child" in rel:
                events[code].append(EventType(code, "child_death", 1.0, "child"))
            continue
        if b.kind == "old_age":
            once = any(c.period == "lifetime" and c.limit == 1 for c in b.times_caps)
            if once and b.per not in ("month", "year"):
                lumps.append(code)
            else:
                pensions.append(code)
            continue
        if b.kind == "birth":
            children = 1 if b.per == "child" else None
            if "self" in rel:
                events[code].append(EventType(code, "birth", 1.0, "self", children=children))
            elif "child" in rel:
                events[code].append(EventType(code, "birth", 1.0, "child", children=children))
            else:
                not_modelled.append((code, "relatives"))
            continue
        if b.kind == "education" and "child" in rel:
            pass  # scholarships per member and year, for a child when children are covered
        elif "self" not in rel:
            not_modelled.append((code, "relatives"))
            continue
        elif rel - {"self"}:
            not_modelled.append((code, "relatives_partly"))
        source = _SOURCE_OF_KIND.get(b.kind)
        if source is None:
            not_modelled.append((code, "kind"))
            continue
        relative = "child" if b.kind == "education" and "child" in rel else "self"
        if b.kind == "hospital":
            per_night = b.per == "night"
            if not per_night:
                events[code].append(EventType(code, "hospital", 1.0))
                continue
            # Stays longer than the point where the decision stops changing pay the same:
            # group them (exact, see module docstring).
            last = 1
            for cell in _PROBE_CELLS:
                amounts = [
                    decider.amount(EventType(code, "hospital", 1.0, nights=k), *cell)
                    for k in range(1, MAX_NIGHTS + 1)
                ]
                stop = MAX_NIGHTS
                while stop > 1 and amounts[stop - 2] == amounts[MAX_NIGHTS - 1]:
                    stop -= 1
                last = max(last, stop)
            for k in range(1, last):
                events[code].append(EventType(code, "hospital", nights[k - 1], nights=k))
            events[code].append(EventType(code, "hospital", sum(nights[last - 1 :]), nights=last))
            continue
        levels = sorted(b.levels) if b.levels else [None]
        for lv in levels:
            events[code].append(EventType(code, source, 1.0 / len(levels), relative, level=lv))
    # Group the capped benefits: a group cap joins its benefits into one component. A
    # benefit is paid through per-member year laws (``YearProcess``) when a yearly cap limits
    # it, or a lifetime cap other than its own limit on the number of claims (which the
    # projection applies in closed form, ``model._lifetime_paid_share``).
    capped = {code for code, b in idx.benefits.items() if code in events and _has_year_cap(b)}
    closed_form: dict[str, int] = {}
    for code in events:
        if _has_lifetime_cap(idx.benefits[code]):
            k = lifetime_claims_limit(decider, code, events[code])
            if k is None:
                capped.add(code)
            else:
                closed_form[code] = k
    parent = {code: code for code in events}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for g in regulation.group_caps:
        members = [c for c in g.benefits if c in events]
        if g.period in ("year", "lifetime"):
            capped.update(members)
        for other in members[1:]:
            parent[find(other)] = find(members[0])
    groups: dict[str, list[str]] = defaultdict(list)
    for code in events:
        groups[find(code)].append(code)
    components = []
    uncapped: list[EventType] = []
    for codes in groups.values():
        if any(c in capped for c in codes):
            evs = [e for c in codes for e in events[c]]
            components.append((tuple(codes), evs))
        else:
            uncapped.extend(e for c in codes for e in events[c])
    in_streams = {e.benefit for e in uncapped}
    # every lifetime cap of a projected benefit is remembered across years (decision 0024)
    projected = in_streams | {c for codes, _ in components for c in codes}
    lifetime = [c for c in lifetime if c not in projected]
    return BenefitTables(
        regulation=regulation,
        decider=decider,
        deaths=deaths,
        pensions=pensions,
        lumps=lumps,
        uncapped=uncapped,
        components=components,
        not_modelled=not_modelled,
        lifetime_caps=lifetime,
        lifetime_limits={c: k for c, k in closed_form.items() if c in in_streams},
    )


# ---- a member's year under per-year caps -------------------------------------------------


@dataclass(frozen=True)
class YearDistribution:
    """One member's payout over a year in a capped component: ``values`` (baht, ascending,
    all > 0) with probabilities ``probs``; ``p_zero`` = no payout. ``means`` = expected baht per
    benefit of the component."""

    values: tuple[float, ...]
    probs: tuple[float, ...]
    p_zero: float
    means: dict[str, float]

    @property
    def p_positive(self) -> float:
        return 1.0 - self.p_zero

    @property
    def mean(self) -> float:
        return sum(v * p for v, p in zip(self.values, self.probs, strict=True))

    @property
    def second_moment(self) -> float:
        return sum(v * v * p for v, p in zip(self.values, self.probs, strict=True))


_TAIL = 1e-13


def _cap_measures(decider: Decider, codes: tuple[str, ...]) -> dict[str, tuple[bool, bool]]:
    """For each benefit: does any cap over its claims (its own, or a group's) count claims
    (times) or units? The amount is always kept (it is the payout)."""
    out = {}
    idx = decider.index
    for code in codes:
        times = units = False
        for other in idx.benefits.values():
            for cap in (*other.times_caps, *other.unit_caps):
                if cap.period == "event":
                    continue
                covered = cap.codes or frozenset({other.code})
                if code in covered:
                    times = times or cap.measure == "times"
                    units = units or cap.measure == "units"
        out[code] = (times, units)
    return out


def lifetime_measures(decider: Decider, codes: tuple[str, ...]) -> dict[str, tuple[bool, ...]]:
    """For each benefit of ``codes`` that a lifetime cap (its own or a group's) counts: does
    one count its claims, its units, its baht? What a member carries from one year to the
    next is only that."""
    out: dict[str, tuple[bool, ...]] = {}
    for other in decider.index.benefits.values():
        for cap in (*other.times_caps, *other.unit_caps, *other.running_amount_caps):
            if cap.period != "lifetime":
                continue
            for code in cap.codes or frozenset({other.code}):
                if code not in codes:
                    continue
                t, u, m = out.get(code, (False, False, False))
                out[code] = (
                    t or cap.measure == "times",
                    u or cap.measure == "units",
                    m or cap.measure == "amount",
                )
    return out


#: Gauss–Legendre nodes and weights on [0, 1] for the day of the year a birthday or a joining
#: anniversary falls on (uniform): the payout law is smooth in that day, so eight nodes give
#: it to far below the Monte Carlo noise (``tests/projection/test_thresholds.py``).
_NODES, _WEIGHTS = (lambda x, w: ((x + 1) / 2, w / 2))(*np.polynomial.legendre.leggauss(8))


class LawTooCostly(Exception):
    """The laws asked for would take more steps than the caller allowed."""


class YearProcess:
    """One member's year in a group of capped benefits, exactly: events of each type arrive as
    a Poisson process, in a random order, each decided by ``decide`` after the member's paid
    claims of the year (for yearly caps) and of earlier years (for lifetime caps); a birthday
    and a joining anniversary may fall during the year, after which ``decide`` sees the
    member one year older or one more year a member.

    A state is (this year's paid claims, what lifetime caps count of the earlier years'), both
    as tuples of (benefit, times, units, baht) keeping only what some cap counts."""

    def __init__(
        self,
        decider: Decider,
        events: list[EventType],
        codes: tuple[str, ...],
        *,
        carry: bool = True,
    ):
        """``carry=False``: lifetime caps count this year's claims only (nothing is carried
        from year to year)."""
        self.decider = decider
        self.events = events
        self.codes = codes
        self.measures = _cap_measures(decider, codes)
        self.lifetime = lifetime_measures(decider, codes) if carry else {}
        #: steps taken so far (states × event types, summed over the events of every year
        #: computed): what building the group's laws costs, counted the same on any machine
        self.work = 0
        #: raise :class:`LawTooCostly` past this many steps (None: no limit)
        self.limit: int | None = None
        self._steps: dict[tuple, tuple] = {}

    def _step(self, state: tuple, i: int, cell: tuple[int, int, int, int]) -> tuple:
        key = (state, i, cell)
        hit = self._steps.get(key)
        if hit is not None:
            return hit
        year, before = state
        ev = self.events[i]
        amount, units = self.decider.amount(ev, *cell, year, before)
        if amount <= 0:
            out = state
        else:
            used = {b: (t, u, m) for b, t, u, m in year}
            t0, u0, m0 = used.get(ev.benefit, (0, 0, Decimal("0.00")))
            keep_t, keep_u = self.measures[ev.benefit]
            # keep only what a cap counts (times, units) besides the amount paid: states that
            # differ in nothing a cap counts decide every later claim the same
            used[ev.benefit] = (t0 + 1 if keep_t else 0, u0 + units if keep_u else 0, m0 + amount)
            out = (tuple(sorted((b, t, u, m) for b, (t, u, m) in used.items())), before)
        self._steps[key] = out
        return out

    def _segment(
        self, dist: dict[tuple, float], rates: tuple[float, ...], cell: tuple[int, int, int, int]
    ) -> dict[tuple, float]:
        """The states after a stretch of the year with expected events ``rates`` per type."""
        total = sum(rates)
        if total <= 0:
            return dist
        weights = [r / total for r in rates]
        final: dict[tuple, float] = defaultdict(float)
        p_n = math.exp(-total)
        for state, p in dist.items():
            final[state] += p * p_n
        cumulative = p_n
        n = 0
        while True:
            n += 1
            new: dict[tuple, float] = defaultdict(float)
            moved = False
            self.work += len(dist) * len(weights)
            if self.limit is not None and self.work > self.limit:
                raise LawTooCostly
            for state, p in dist.items():
                for i, w in enumerate(weights):
                    if w == 0:
                        continue
                    nxt = self._step(state, i, cell)
                    if nxt != state:
                        moved = True
                    new[nxt] += p * w
            dist = new
            p_n *= total / n
            tail = max(0.0, 1.0 - cumulative - p_n)
            if not moved or tail < _TAIL:
                # every state is absorbing (caps used up) or the rest is negligible: further
                # events change nothing, so the rest of the Poisson mass stays where it is
                for state, p in dist.items():
                    final[state] += p * (p_n + tail)
                break
            for state, p in dist.items():
                final[state] += p * p_n
            cumulative += p_n
        return final

    def _carry(self, year: tuple, before: tuple) -> tuple:
        """What lifetime caps count after the year: the earlier years' plus this one's."""
        acc = {b: [t, u, m] for b, t, u, m in before}
        for b, t, u, m in year:
            keep = self.lifetime.get(b)
            if keep is None:
                continue
            x = acc.setdefault(b, [0, 0, Decimal("0.00")])
            x[0] += t if keep[0] else 0
            x[1] += u if keep[1] else 0
            x[2] += m if keep[2] else Decimal("0.00")
        return tuple(sorted((b, t, u, m) for b, (t, u, m) in acc.items()))

    def year(
        self,
        rates: tuple[float, ...],
        cells: tuple[tuple[int, int, int, int], ...],
        *,
        spread: bool,
        start: dict[tuple, float] | None = None,
        scale: float = 1.0,
    ) -> tuple[YearDistribution, dict[tuple, float]]:
        """(the year's payout law, the law of what lifetime caps count at its end).

        ``cells`` are the member's cell in the four ``model.THRESHOLD_VARIANTS`` (completed age
        and membership as at the start of the year or one more); ``spread``: the joining
        anniversary falls on any day (members of the start date), else membership does not
        step during the year (new members join on its first day). ``start``: the law of what
        lifetime caps count of the earlier years (none by default); ``scale`` multiplies the
        rates (½ for a member who leaves during the year)."""
        rates = tuple(r * scale for r in rates)
        init = {((), before): p for before, p in (start or {(): 1.0}).items()}
        c00, c10, c01, c11 = cells
        ages = c00 != c10 or (spread and c01 != c11)
        durs = spread and (c00 != c01 or c10 != c11)
        # (weight, [(cell, share of the year)…]) for each birthday and anniversary day
        plans: list[tuple[float, list]] = []
        if not ages and not durs:
            plans.append((1.0, [(c00, 1.0)]))
        else:
            b_nodes = zip(_NODES, _WEIGHTS, strict=True) if ages else [(2.0, 1.0)]
            for b, wb in b_nodes:
                d_nodes = zip(_NODES, _WEIGHTS, strict=True) if durs else [(2.0, 1.0)]
                for g, wg in d_nodes:
                    cuts = sorted({0.0, 1.0, *(x for x in (b, g) if x < 1.0)})
                    segs = []
                    for lo, hi in itertools.pairwise(cuts):
                        a_, d_ = lo >= b, lo >= g
                        segs.append(((c00, c10, c01, c11)[a_ + 2 * d_], hi - lo))
                    plans.append((wb * wg, segs))
        final: dict[tuple, float] = defaultdict(float)
        for w, segs in plans:
            dist = dict(init)
            for cell, share in segs:
                dist = self._segment(dist, tuple(r * share for r in rates), cell)
            for state, p in dist.items():
                final[state] += w * p
        by_value: dict[float, float] = defaultdict(float)
        means = dict.fromkeys(self.codes, 0.0)
        after: dict[tuple, float] = defaultdict(float)
        for (year, before), p in final.items():
            amount = sum(float(m) for _, _, _, m in year)
            by_value[amount] += p
            for b, _, _, m in year:
                means[b] += p * float(m)
            if self.lifetime:
                after[self._carry(year, before)] += p
        mass = sum(by_value.values())
        values = sorted(v for v in by_value if v > 0)
        probs = tuple(by_value[v] / mass for v in values)
        dist_out = YearDistribution(
            tuple(values),
            probs,
            by_value.get(0.0, 0.0) / mass,
            {k: v / mass for k, v in means.items()},
        )
        return dist_out, {k: v / mass for k, v in after.items()} if self.lifetime else {(): 1.0}


def year_payout_distribution(
    decider: Decider,
    events: list[EventType],
    rates: tuple[float, ...],
    cell: tuple[int, int, int, int],
    codes: tuple[str, ...],
) -> YearDistribution:
    """Exact distribution of a member's payout in a year in one cell, nothing claimed before:
    events of type ``i`` arrive as a Poisson process of rate ``rates[i]`` (so the number of
    events is Poisson and their order uniformly random), each decided by the engine after the
    member's earlier paid claims of the year. The sum over event counts stops when the Poisson
    tail is below 1e-13."""
    if sum(rates) <= 0:
        return YearDistribution((), (), 1.0, dict.fromkeys(codes, 0.0))
    proc = YearProcess(decider, events, codes)
    return proc.year(rates, (cell,) * 4, spread=False)[0]

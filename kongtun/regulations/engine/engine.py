"""``decide``: one pure function from (regulation, member history, event) to an explained decision.

Order of work, so that the trace reads like a committee's reasoning:

1. Gates (all are evaluated and shown, so a refusal lists every reason): event not after
   ``as_of``, not before joining, death rules, status on the event date, whose event it is,
   conditions on the subject, waiting periods, arrears, required details, the tier or level,
   limits on the number of claims.
2. Amount: units (nights, children, months …) limited by unit caps; units × rate; caps per
   event; the relative's fraction (a fraction of *the member's* amount for this event); then
   caps per year and per lifetime, the benefit's own and its groups', against past claims.

Rounding: only the relative's fraction can produce satang fractions; it is rounded half up to
2 places. Units granted after a baht cap = the units at least partly paid for.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from typing import Any

from .arrears import arrears_on
from .compiled import CBand, CCap, CompiledBenefit, CompiledRegulation
from .dates import add_period, age_on, completed_months, elapsed, year_window
from .facts import Decision, Event, MemberHistory, Step
from .model import Bound, Regulation

__all__ = ["check_admission", "decide"]

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
ONE = Decimal(1)
_UNIT_DETAIL = {"night": "nights", "child": "children", "month": "months"}
_STATUS_BLOCKED = ("suspended", "resigned")
#: The members app stores sex as "F"/"M"; regulations say female/male.
_SEX_CODES = {"F": "female", "M": "male"}


def _duration(b: Bound) -> dict[str, int]:
    return {"years": b.years, "months": b.months, "days": b.days}


def _status_on(history: MemberHistory, d: date) -> str:
    """Status in force on ``d``; death is handled by ``death_date``, not by status."""
    status, since = "active", None
    for ch in history.status_changes:
        if ch.on <= d and ch.status != "deceased" and (since is None or ch.on >= since):
            status, since = ch.status, ch.on
    return status


def _covered_months(history: MemberHistory, d: date) -> int:
    return sum(p.months_covered for p in history.payments if p.paid_on <= d)


def _first_payment(history: MemberHistory, d: date) -> date | None:
    first = None
    for p in history.payments:
        if p.paid_on <= d and (first is None or p.paid_on < first):
            first = p.paid_on
    return first


class _Trace:
    __slots__ = ("ok", "steps")

    def __init__(self) -> None:
        self.steps: list[Step] = []
        self.ok = True

    def add(self, code: str, clause: str | None, params: dict[str, Any], ok: bool) -> bool:
        self.steps.append(Step(code, clause, params, ok))
        if not ok:
            self.ok = False
        return ok


def decide(regulation: Regulation, history: MemberHistory, event: Event) -> Decision:
    """Decide a claim. Pure and deterministic: the same arguments give the same decision."""
    idx: CompiledRegulation = regulation.index
    t = _Trace()
    b = idx.benefits.get(event.benefit)
    if b is None:
        t.add("benefit_unknown", None, {"benefit": event.benefit}, False)
        return _decision(idx, event, t, ZERO, 0)

    ev = event.date
    ev_iso = ev.isoformat()
    join = history.join_date
    t.add(
        "event_date",
        None,
        {"event_date": ev_iso, "as_of": event.as_of.isoformat()},
        ev <= event.as_of,
    )
    t.add(
        "after_join",
        idx.membership_clause,
        {"event_date": ev_iso, "join_date": join.isoformat()},
        ev >= join,
    )
    death = history.death_date
    if b.kind == "death" and event.relative == "self":
        t.add(
            "death_event",
            b.clause,
            {"event_date": ev_iso, "death_date": death.isoformat() if death else None},
            death == ev,
        )
    elif death is not None:
        t.add(
            "before_death",
            None,
            {"event_date": ev_iso, "death_date": death.isoformat()},
            ev <= death,
        )
    status = _status_on(history, ev)
    t.add(
        "status",
        idx.membership_clause,
        {"status": status, "date": ev_iso},
        status not in _STATUS_BLOCKED,
    )

    share = b.relatives.get(event.relative)
    if event.relative != "self" or share is None:
        t.add(
            "relative",
            share[1] if share else b.clause,
            {
                "relative": event.relative,
                "fraction": str(share[0]) if share else None,
                "covered": sorted(b.relatives),
            },
            share is not None,
        )

    _conditions(b, history, event, t)

    covered: int | None = None
    for w in b.waits:
        if w.basis == "contributions":
            if covered is None:
                covered = _covered_months(history, ev)
            t.add(
                "waiting_period",
                w.clause,
                {
                    "basis": "contributions",
                    "months": covered,
                    "required": w.required,
                    "unit": "months",
                },
                covered >= w.total_months,
            )
            continue
        start = join if w.basis == "membership" else _first_payment(history, ev)
        if start is None:
            t.add(
                "waiting_period",
                w.clause,
                {"basis": w.basis, "start": None, "unit": w.unit, "required": w.required},
                False,
            )
            continue
        met_on = add_period(start, w.years, w.months, w.days)
        params: dict[str, Any] = {"basis": w.basis, "start": start.isoformat()}
        if w.unit == "days":
            params["days"] = (ev - start).days
        elif w.unit == "months":
            params["months"] = completed_months(start, ev)
        elif w.unit == "years":
            params["years"] = completed_months(start, ev) // 12
        else:
            y, m, d = elapsed(start, ev) if ev >= start else (0, 0, 0)
            params["elapsed"] = {"years": y, "months": m, "days": d}
        params["required"] = w.required
        params["unit"] = w.unit
        params["satisfied_on"] = met_on.isoformat()
        t.add("waiting_period", w.clause, params, met_on <= ev)

    if idx.arrears_max is not None:
        # The one arrears count (``arrears.arrears_on``), shared with the contributions pages.
        a = arrears_on(history, ev, counted_from=idx.arrears_from)  # type: ignore[arg-type]
        t.add(
            "arrears",
            idx.arrears_clause,
            {
                "due": a.due,
                "paid": a.paid,
                "unpaid": a.unpaid,
                "max": idx.arrears_max,
                "plan_months": a.plan_months,
            },
            not a.over(idx.arrears_max),
        )

    units = 1
    detail = _UNIT_DETAIL.get(b.per)
    if detail is not None:
        value = getattr(event, detail)
        if value is None and detail == "months":
            value = 1
        if value is None or value < 1:
            t.add("detail_missing", b.clause, {"detail": detail, "value": value}, False)
        else:
            units = value

    rate = b.rate
    if b.level_attr is not None:
        level = getattr(event, b.level_attr)
        rate = b.levels.get(level) if level is not None else None
        t.add(
            "level",
            b.clause,
            {
                "level": level,
                "amount": str(rate) if rate is not None else None,
                "levels": sorted(b.levels),
            },
            rate is not None,
        )
    elif b.bands:
        rate = _tier(b, history, event, t, covered)

    window: tuple[date, date] | None = None
    for cap in b.times_caps:
        window = window or _window(idx, history, ev)
        used, _, _ = _used(history, b, cap, window)
        params = _cap_params(cap, window)
        params.update({"used": used, "cap": cap.limit})
        t.add(f"{_period_word(cap)}times_cap", cap.clause, params, used < cap.limit)

    if not t.ok or rate is None:
        return _decision(idx, event, t, ZERO, 0)

    # ---- amount -------------------------------------------------------------------------
    for cap in b.unit_caps:
        if cap.period == "event":
            used, remaining = 0, int(cap.limit)
            params = {"units": units, "unit": b.per, "cap": cap.limit}
        else:
            window = window or _window(idx, history, ev)
            _, used, _ = _used(history, b, cap, window)
            remaining = max(0, int(cap.limit) - used)
            params = _cap_params(cap, window)
            params.update(
                {
                    "units": units,
                    "unit": b.per,
                    "used": used,
                    "cap": cap.limit,
                    "remaining": remaining,
                }
            )
        units = min(units, remaining)
        params["result"] = units
        if not t.add(f"{_period_word(cap)}units_cap", cap.clause, params, units > 0):
            return _decision(idx, event, t, ZERO, 0)

    amount = rate * units
    t.add(
        "amount",
        b.tier_clause if b.bands else b.clause,
        {"rate": str(rate), "units": units, "unit": b.per, "computed": str(amount)},
        True,
    )
    for cap in b.event_amount_caps:
        result = min(amount, cap.limit)
        t.add(
            "per_event_cap",
            cap.clause,
            {
                "units": units,
                "unit": b.per,
                "rate": str(rate),
                "computed": str(amount),
                "cap": str(cap.limit),
                "result": str(result),
            },
            result > 0,
        )
        amount = result

    fraction = share[0] if share else ONE
    if fraction != ONE:
        result = (amount * fraction).quantize(CENT, ROUND_HALF_UP)
        t.add(
            "relative_share",
            share[1] if share else None,
            {
                "relative": event.relative,
                "fraction": str(fraction),
                "computed": str(amount),
                "result": str(result),
            },
            result > 0,
        )
        amount = result

    for cap in b.running_amount_caps:
        window = window or _window(idx, history, ev)
        _, _, used_amount = _used(history, b, cap, window)
        remaining = max(ZERO, cap.limit - used_amount)
        result = min(amount, remaining)
        params = _cap_params(cap, window)
        params.update(
            {
                "computed": str(amount),
                "used": str(used_amount),
                "cap": str(cap.limit),
                "remaining": str(remaining),
                "result": str(result),
            }
        )
        t.add(f"{_period_word(cap)}cap", cap.clause, params, result > 0)
        amount = result

    amount = amount.quantize(CENT, ROUND_HALF_UP)
    if not t.ok or amount <= 0:
        return _decision(idx, event, t, ZERO, 0)
    full = rate * units * fraction
    if detail is not None and amount < full and rate > 0:
        units = min(units, int((amount / (rate * fraction)).to_integral_value(ROUND_CEILING)))
    return _decision(idx, event, t, amount, units)


def check_admission(
    regulation: Regulation,
    *,
    birth_date: date,
    join_date: date,
    plan_amount: Decimal | None = None,
    plan_months: int | None = None,
) -> tuple[Step, ...]:
    """Checks for an applicant (entry age on the join date; the chosen contribution plan).

    ``decide`` does not repeat these: a member the committee admitted is judged on claims.
    """
    m = regulation.membership
    t = _Trace()
    if m.entry_age is not None and (m.entry_age.min is not None or m.entry_age.max is not None):
        age = age_on(birth_date, join_date)
        lo, hi = m.entry_age.min, m.entry_age.max
        t.add(
            "entry_age",
            m.entry_age.clause or m.clause,
            {"age": age, "min": lo, "max": hi, "join_date": join_date.isoformat()},
            (lo is None or age >= lo) and (hi is None or age <= hi),
        )
    if m.plans and plan_amount is not None and plan_months is not None:
        allowed = [f"{p.amount}/{p.months}" for p in m.plans]
        chosen = next(
            (p for p in m.plans if p.amount == plan_amount and p.months == plan_months), None
        )
        t.add(
            "plan",
            (chosen.clause if chosen else m.plans[0].clause) or m.clause,
            {"amount": str(plan_amount), "months": plan_months, "allowed": allowed},
            chosen is not None,
        )
    return tuple(t.steps)


def _conditions(b: CompiledBenefit, history: MemberHistory, event: Event, t: _Trace) -> None:
    clause = b.cond_clause
    own = event.relative == "self"
    if b.sex is not None:
        sex = history.sex if own else event.subject_sex
        sex = _SEX_CODES.get(sex, sex)  # type: ignore[arg-type]
        if sex is None:
            t.add("detail_missing", clause, {"detail": "subject_sex", "value": None}, False)
        else:
            t.add("sex", clause, {"sex": sex, "required": b.sex}, sex == b.sex)
    if b.min_age is not None or b.max_age is not None:
        birth = history.birth_date if own else event.subject_birth_date
        if birth is None:
            t.add("detail_missing", clause, {"detail": "subject_birth_date", "value": None}, False)
        else:
            age = age_on(birth, event.date)
            ok = (b.min_age is None or age >= b.min_age) and (b.max_age is None or age <= b.max_age)
            t.add(
                "age",
                clause,
                {"age": age, "min": b.min_age, "max": b.max_age, "relative": event.relative},
                ok,
            )
    if b.min_grade is not None:
        g = event.grade_average
        if g is None:
            t.add("detail_missing", clause, {"detail": "grade_average", "value": None}, False)
        else:
            t.add(
                "grade_average",
                clause,
                {"grade": str(g), "min": str(b.min_grade)},
                g >= b.min_grade,
            )
    for attr, allowed in (
        ("school_level", b.school_levels),
        ("disability_level", b.disability_levels),
    ):
        if allowed:
            value = getattr(event, attr)
            t.add(attr, clause, {"level": value, "allowed": list(allowed)}, value in allowed)


def _tier(
    b: CompiledBenefit, history: MemberHistory, event: Event, t: _Trace, covered: int | None
) -> Decimal | None:
    ev = event.date
    basis = b.tier_basis
    params: dict[str, Any] = {"basis": basis}
    band: CBand | None = None
    if basis == "contributions":
        months = covered if covered is not None else _covered_months(history, ev)
        params["months"] = months
        for c in b.bands:
            low_ok = months >= c.lower_months if c.lower.inclusive else months > c.lower_months
            up = c.upper_months
            if low_ok and (up is None or (months <= up if c.upper.inclusive else months < up)):  # type: ignore[union-attr]
                band = c
                break
    else:
        if basis == "membership":
            start = history.join_date
        elif basis == "since_first_payment":
            start = _first_payment(history, ev)
        elif event.relative == "self":
            start = history.birth_date
        else:
            start = event.subject_birth_date
        if start is None or start > ev:
            params["start"] = start.isoformat() if start else None
            t.add("tier", b.tier_clause, params | {"tier": None}, False)
            return None
        y, m, d = elapsed(start, ev)
        params["start"] = start.isoformat()
        params["elapsed"] = {"years": y, "months": m, "days": d}
        for c in b.bands:
            lo = add_period(start, c.lower.years, c.lower.months, c.lower.days)
            if not (lo <= ev if c.lower.inclusive else lo < ev):
                continue
            if c.upper is not None:
                hi = add_period(start, c.upper.years, c.upper.months, c.upper.days)
                if not (ev <= hi if c.upper.inclusive else ev < hi):
                    continue
            band = c
            break
    if band is None:
        t.add(
            "tier",
            b.tier_clause,
            params | {"tier": None, "first_lower": _duration(b.bands[0].lower)},
            False,
        )
        return None
    params.update(
        {
            "tier": band.number,
            "lower": _duration(band.lower) | {"inclusive": band.lower.inclusive},
            "upper": None
            if band.upper is None
            else _duration(band.upper) | {"inclusive": band.upper.inclusive},
            "amount": str(band.amount),
        }
    )
    t.add("tier", b.tier_clause, params, True)
    return band.amount


def _window(idx: CompiledRegulation, history: MemberHistory, d: date) -> tuple[date, date]:
    return year_window(
        idx.year_kind,
        d,
        join_date=history.join_date,
        start_month=idx.year_start_month,
        start_day=idx.year_start_day,
    )


def _used(
    history: MemberHistory, b: CompiledBenefit, cap: CCap, window: tuple[date, date]
) -> tuple[int, int, Decimal]:
    """(claims, units, baht) already paid that count against ``cap``."""
    codes = cap.codes or (b.code,)
    times = units = 0
    amount = ZERO
    yearly = cap.period == "year"
    lo, hi = window
    for c in history.claims:
        if c.benefit in codes and (not yearly or lo <= c.event_date <= hi):
            times += 1
            units += c.units
            amount += c.amount
    return times, units, amount


def _period_word(cap: CCap) -> str:
    return (
        "per_year_"
        if cap.period == "year"
        else "lifetime_"
        if cap.period == "lifetime"
        else "per_event_"
    )


def _cap_params(cap: CCap, window: tuple[date, date] | None) -> dict[str, Any]:
    params: dict[str, Any] = {}
    if cap.group is not None:
        params["group"] = cap.group
        params["group_name_th"] = cap.group_name_th
        params["group_benefits_th"] = list(cap.group_benefits_th)
        params["group_benefits_en"] = list(cap.group_benefits_en)
    if cap.period == "year" and window is not None:
        params["year_start"] = window[0].isoformat()
        params["year_end"] = window[1].isoformat()
    return params


def _decision(
    idx: CompiledRegulation, event: Event, t: _Trace, amount: Decimal, units: int
) -> Decision:
    clauses: list[str] = []
    for s in t.steps:
        if s.clause is not None and s.clause not in clauses:
            clauses.append(s.clause)
    return Decision(
        benefit=event.benefit,
        eligible=t.ok and amount > 0,
        amount=amount,
        units=units,
        clauses=tuple(clauses),
        steps=tuple(t.steps),
        regulation=idx.code,
    )

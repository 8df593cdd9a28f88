"""``decide``: one pure function from (regulation, member history, event) to an explained decision.

Order of work, so that the trace reads like a committee's reasoning:

1. Gates (all are evaluated and shown, so a refusal lists every reason): event not after
   ``as_of``, not before joining, death rules, status on the event date, whose event it is,
   conditions on the subject (when they bind that person), the filing deadline, waiting
   periods, arrears, required details, the tier or level, limits on the number of claims.
2. Amount: units (nights, days, children, months, counted years …) limited by unit caps;
   units × rate; caps per event; linked parts of the same event; the relative's fraction (a
   fraction of *the member's* amount for this event); then caps per year and per lifetime, the
   benefit's own and its groups', against past claims.

Time is membership only once it has passed: a month of contributions counts for waiting
periods, tiers and counted years when it has ended by the event date (decision 0020).

Rounding: only the relative's fraction can produce satang fractions; it is rounded half up to
2 places. Units granted after a baht cap = the units at least partly paid for.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from typing import Any

from .arrears import arrears_on
from .compiled import CBand, CCap, CompiledBenefit, CompiledRegulation
from .dates import add_period, age_on, completed_months, elapsed, year_window
from .facts import Decision, Event, MemberHistory, Step
from .model import MINOR_AGE, Bound, Regulation

__all__ = ["check_admission", "decide"]

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
ONE = Decimal(1)
_UNIT_DETAIL = {"night": "nights", "child": "children", "month": "months", "day": "days"}
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


def _month_index(d: date) -> int:
    return d.year * 12 + d.month - 1


def _counted_months(history: MemberHistory, d: date) -> tuple[int, int]:
    """(months of contributions that have *ended* by ``d`` and were paid by ``d``, months
    paid by ``d`` that have not ended yet).

    Money paid ahead covers future months: it is not past membership, so it never advances a
    waiting period, a tier or a pension. A payment with ``period_start`` covers those calendar
    months; one without it covers the next months after the earlier payments, from the join
    month (as the books number them). The count never exceeds the whole months since joining.
    """
    e = d.year * 12 + d.month
    counted = paid = 0
    sequential: list[tuple[date, int]] | None = None
    for p in history.payments:
        if p.paid_on > d:
            continue
        n = p.months_covered
        paid += n
        ps = p.period_start
        if ps is None:
            if sequential is None:
                sequential = []
            sequential.append((p.paid_on, n))
            continue
        ended = e - ps.year * 12 - ps.month  # its calendar months that ended before d's month
        if ended >= n:
            counted += n
        elif ended > 0:
            counted += ended
    whole = completed_months(history.join_date, d)  # membership months that have ended
    if sequential is not None:
        sequential.sort(key=lambda x: x[0])
        offset = 0
        for _, n in sequential:
            ended = whole - offset
            if ended >= n:
                counted += n
            elif ended > 0:
                counted += ended
            offset += n
    if counted > whole:
        counted = whole if whole > 0 else 0
    return counted, paid - counted


def _continuous_start(
    history: MemberHistory, d: date, *, reset: bool, grace: int
) -> tuple[date | None, int]:
    """The date unbroken payment is measured from, and the number of gap months.

    A month is paid on time when paid before the next month starts (plus ``grace`` days); a
    month that has ended without that is a gap. With ``reset`` the time starts again on the
    first day after the last gap; without it the gaps' days are left out (the start moves
    later by them). ``None`` when nothing was paid by ``d``.
    """
    join = history.join_date
    j, e = _month_index(join), _month_index(d)
    paid: dict[int, int] = {}
    offset = 0
    any_paid = False  # a month that has started by ``d`` was paid (not only months ahead)
    for p in sorted(history.payments, key=lambda x: x.paid_on):
        if p.paid_on > d:
            continue
        if p.period_start is None:
            first = j + offset
            offset += p.months_covered
        else:
            first = _month_index(p.period_start)
        if first <= e:
            any_paid = True
        day = p.paid_on.toordinal()
        for m in range(first, min(first + p.months_covered, e + 1)):
            if paid.get(m, day + 1) > day:
                paid[m] = day
    if not any_paid:
        return None, 0
    start_ord = join.toordinal()
    gaps = 0
    gap_days = 0
    last_gap = None
    for m in range(j, e):
        nxt = date((m + 1) // 12, (m + 1) % 12 + 1, 1).toordinal()
        on = paid.get(m)
        if on is None or on >= nxt + grace:
            gaps += 1
            last_gap = nxt
            if not reset:
                lo = max(date(m // 12, m % 12 + 1, 1).toordinal(), start_ord)
                gap_days += nxt - lo
    if reset:
        start = date.fromordinal(max(start_ord, last_gap)) if last_gap else join
    else:
        start = date.fromordinal(start_ord + gap_days)
    return start, gaps


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

    if b.deadline_days is not None:
        _deadline(b, event, t)

    m = _Measures(idx, history, ev)
    for w in b.waits:
        if w.basis == "contributions":
            counted, ahead = m.counted()
            params = {
                "basis": "contributions",
                "months": counted,
                "required": w.required,
                "unit": "months",
            }
            if ahead:
                params["ahead"] = ahead
            t.add("waiting_period", w.clause, params, counted >= w.total_months)
            continue
        if w.basis == "membership":
            start = join
        elif w.basis == "continuous":
            start = m.continuous()
        else:
            start = _first_payment(history, ev)
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
        if w.basis == "continuous":
            params["gaps"] = m.gaps
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
    if b.per == "counted_year":
        units = _counted_years(b, history, m, t)
    elif detail is not None:
        value = getattr(event, detail)
        if value is None and detail == "months":
            value = 1
        if value is None or value < 1:
            t.add("detail_missing", b.clause, {"detail": detail, "value": value}, False)
        else:
            units = value

    rate = b.rate
    tier_clause = b.tier_clause
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
        rate, tier_clause = _tier(b, history, event, t, m)

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
        tier_clause if b.bands else b.counted_clause if b.per == "counted_year" else b.clause,
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

    if b.parts:
        amount = _parts(b, event, t, amount)

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
    if detail is not None and not b.parts and amount < full and rate > 0:
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
    if b.cond_applies and event.relative not in b.cond_applies:
        return  # the conditions bind another person the benefit covers
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
    if b.marital:
        status = event.marital_status
        if status is None:
            t.add("detail_missing", clause, {"detail": "marital_status", "value": None}, False)
        else:
            t.add(
                "marital_status",
                clause,
                {"status": status, "allowed": list(b.marital), "relative": event.relative},
                status in b.marital,
            )
    if b.has_children is not None or b.has_minor_child is not None:
        kids = event.children_birth_dates
        if kids is None:
            t.add(
                "detail_missing", clause, {"detail": "children_birth_dates", "value": None}, False
            )
            return
        born = [k for k in kids if k <= event.date]
        if b.has_children is not None:
            t.add(
                "has_children",
                clause,
                {"children": len(born), "required": b.has_children, "relative": event.relative},
                bool(born) == b.has_children,
            )
        if b.has_minor_child is not None:
            minors = sum(1 for k in born if age_on(k, event.date) < MINOR_AGE)
            t.add(
                "minor_child",
                clause,
                {
                    "minors": minors,
                    "children": len(born),
                    "age_limit": MINOR_AGE,
                    "required": b.has_minor_child,
                    "relative": event.relative,
                },
                (minors > 0) == b.has_minor_child,
            )


def _tier(
    b: CompiledBenefit, history: MemberHistory, event: Event, t: _Trace, m: _Measures
) -> tuple[Decimal | None, str | None]:
    """The first band that matches; the trace cites that band's clause and names any other
    band that matched too (overlapping tiers, refused at approval but possible in old text)."""
    ev = event.date
    basis = b.tier_basis
    params: dict[str, Any] = {"basis": basis}
    band: CBand | None = None
    also: list[int] = []
    if basis == "contributions":
        months, ahead = m.counted()
        params["months"] = months
        if ahead:
            params["ahead"] = ahead
        for c in b.bands:
            low_ok = months >= c.lower_months if c.lower.inclusive else months > c.lower_months
            up = c.upper_months
            if low_ok and (up is None or (months <= up if c.upper.inclusive else months < up)):  # type: ignore[union-attr]
                if band is None:
                    band = c
                else:
                    also.append(c.number)
    else:
        if basis == "membership":
            start = history.join_date
        elif basis == "since_first_payment":
            start = _first_payment(history, ev)
        elif basis == "continuous":
            start = m.continuous()
            params["gaps"] = m.gaps
        elif event.relative == "self":
            start = history.birth_date
        else:
            start = event.subject_birth_date
        if start is None or start > ev:
            params["start"] = start.isoformat() if start else None
            t.add("tier", b.tier_clause, params | {"tier": None}, False)
            return None, b.tier_clause
        y, mo, d = elapsed(start, ev)
        params["start"] = start.isoformat()
        params["elapsed"] = {"years": y, "months": mo, "days": d}
        for c in b.bands:
            lo = add_period(start, c.lower.years, c.lower.months, c.lower.days)
            if not (lo <= ev if c.lower.inclusive else lo < ev):
                continue
            if c.upper is not None:
                hi = add_period(start, c.upper.years, c.upper.months, c.upper.days)
                if not (ev <= hi if c.upper.inclusive else ev < hi):
                    continue
            if band is None:
                band = c
            else:
                also.append(c.number)
    if band is None:
        t.add(
            "tier",
            b.tier_clause,
            params | {"tier": None, "first_lower": _duration(b.bands[0].lower)},
            False,
        )
        return None, b.tier_clause
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
    if also:
        params["also_matched"] = also
    t.add("tier", band.clause, params, True)
    return band.amount, band.clause


class _Measures:
    """Membership-time measures of one decision, computed at most once each."""

    __slots__ = ("_continuous", "_counted", "date", "gaps", "history", "idx")

    def __init__(self, idx: CompiledRegulation, history: MemberHistory, d: date) -> None:
        self.idx, self.history, self.date = idx, history, d
        self._counted: tuple[int, int] | None = None
        self._continuous: tuple[date | None, int] | None = None
        self.gaps = 0

    def counted(self) -> tuple[int, int]:
        if self._counted is None:
            self._counted = _counted_months(self.history, self.date)
        return self._counted

    def continuous(self) -> date | None:
        if self._continuous is None:
            self._continuous = _continuous_start(
                self.history,
                self.date,
                reset=self.idx.continuity_reset,
                grace=self.idx.continuity_grace,
            )
            self.gaps = self._continuous[1]
        return self._continuous[0]


def _deadline(b: CompiledBenefit, event: Event, t: _Trace) -> None:
    """ "ยื่นคำขอภายใน N วันนับแต่วันเกิดเหตุ" (or from the discharge): the start day is not
    counted, so the last day to file is start + N days. The committee may accept a late claim
    by resolution (``Event.deadline_exception``): the trace then says so and names it."""
    filed = event.filed_on or event.as_of
    start = event.date if b.deadline_from == "event" else event.discharge_date
    if start is None:
        t.add(
            "detail_missing", b.deadline_clause, {"detail": "discharge_date", "value": None}, False
        )
        return
    last = start + timedelta(days=b.deadline_days or 0)
    ok = filed <= last
    params: dict[str, Any] = {
        "counted_from": b.deadline_from,
        "start": start.isoformat(),
        "days": b.deadline_days,
        "last_day": last.isoformat(),
        "filed_on": filed.isoformat(),
    }
    if not ok:
        params["passed_on"] = (last + timedelta(days=1)).isoformat()
        params["late_days"] = (filed - last).days
        if event.deadline_exception:
            params["exception"] = True
            params["resolution"] = event.deadline_resolution
            ok = True
    t.add("filing_deadline", b.deadline_clause, params, ok)


def _counted_years(b: CompiledBenefit, history: MemberHistory, m: _Measures, t: _Trace) -> int:
    """Years for "ปีละ … บาทตามจำนวนปีที่เป็นสมาชิก", rounded as the regulation says: with
    ``more_than_half`` a remainder of more than six months counts as a year, exactly six
    months does not."""
    basis, rule = b.counted_basis, b.counted_remainder
    params: dict[str, Any] = {"basis": basis, "remainder": rule}
    if basis == "contributions":
        months, _ahead = m.counted()
        y, mo, d = months // 12, months % 12, 0
        params["months"] = months
    else:
        if basis == "membership":
            start = history.join_date
        elif basis == "continuous":
            start = m.continuous()
        else:
            start = _first_payment(history, m.date)
        if start is None or start > m.date:
            t.add("counted_years", b.counted_clause, params | {"start": None, "years": 0}, False)
            return 0
        y, mo, d = elapsed(start, m.date)
        params["start"] = start.isoformat()
    params["elapsed"] = {"years": y, "months": mo, "days": d}
    years = y
    if rule == "any" and (mo or d):
        years += 1
    elif rule == "more_than_half" and (mo > 6 or (mo == 6 and d > 0)):
        years += 1
    params["years"] = years
    t.add("counted_years", b.counted_clause, params, years > 0)
    return years


def _parts(b: CompiledBenefit, event: Event, t: _Trace, main: Decimal) -> Decimal:
    """Linked parts of the same event (the birth allowance and the mother's nights in
    hospital): each at its own rate and limits, added to the benefit's amount before the
    yearly and lifetime caps, which then hold for the event as a whole."""
    total = main
    for part in b.parts:
        if part.per == "event":
            units: int | None = 1
        else:
            units = event.nights if part.per == "night" else event.days
        units = units or 0
        paid_units = units if part.max_units is None else min(units, part.max_units)
        computed = part.rate * paid_units
        result = computed if part.max_amount is None else min(computed, part.max_amount)
        t.add(
            "part",
            part.clause,
            {
                "part": part.code,
                "name_th": part.name_th,
                "name_en": part.name_en,
                "units": units,
                "unit": part.per,
                "max_units": part.max_units,
                "rate": str(part.rate),
                "computed": str(computed),
                "max_amount": None if part.max_amount is None else str(part.max_amount),
                "result": str(result),
            },
            True,
        )
        total += result
    t.add("event_total", b.clause, {"main": str(main), "total": str(total)}, True)
    return total


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

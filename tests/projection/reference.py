"""The per-member reference simulation: the projection's model, one member at a time, in plain
Python, with no cells, no tables, no vectorization and no approximation.

* Every member of every scenario draws, each year, death (probability q of their age and sex)
  and then exit (probability x); who leaves counts for half of the year.
* Every event a member could claim arrives as a Poisson process over the part of the year they
  were a member; the events of a year are decided in a random order by ``decide`` with the
  member's own paid claims as history (this year's for yearly caps, every earlier year's for
  lifetime caps): nothing is grouped, no payout distribution is precomputed.
* Old-age pensions, lump sums, contributions, matching money and interest follow the same
  rules as the engine (decision 0008); the decisions come from ``decide`` for the member's own
  age, sex and years of membership (memoized on the *whole* cell, not on the reduced keys the
  engine's tables use).

It is slow on purpose; ``tests/projection/test_reference.py`` compares the vectorized engine
with it, and ``bench/bench_projection.py`` times it on a subsample.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np

from kongtun.projection import rates as R
from kongtun.projection.engine import Assumptions, Population
from kongtun.projection.engine.benefits import EventType, benefit_tables
from kongtun.projection.engine.model import _annual_contribution, event_rates
from kongtun.regulations.engine import Regulation


@dataclass
class Member:
    age0: int
    sex: int
    dur0: int
    plan: int
    entry: int
    alive: bool = True
    #: where in a year the member's birthday and joining day fall (fractions of a year): at
    #: time τ of a year the member is one year older once u + τ ≥ 1, one more year a member
    #: once v + τ ≥ 1 (new members join on the first day of a year: v = 0)
    u: float = 0.0
    v: float = 0.0
    lump_paid: bool = False
    #: paid claims of earlier projection years: (benefit, year, amount, units)
    history: list = field(default_factory=list)


def _poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 30:  # a sum of independent Poisson counts is Poisson
        return _poisson(rng, 30.0) + _poisson(rng, lam - 30.0)
    limit = math.exp(-lam)
    k = 0
    p = rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


class _Reg:
    """One regulation's decisions for whole cells (no reduced keys)."""

    def __init__(self, label: str, reg: Regulation, a: Assumptions, pop: Population) -> None:
        self.label = label
        self.reg = reg
        self.a = a
        self.tables = benefit_tables(
            reg, mean_nights=a.mean_nights, parent_gap=a.parent_age_gap, child_gap=a.child_age_gap
        )
        self.events = list(self.tables.uncapped) + [
            e for _, evs in self.tables.components for e in evs
        ]
        self.contrib = _annual_contribution(reg, pop)
        self.capped = {c for codes, _ in self.tables.components for c in codes}
        self.memo: dict = {}
        m = reg.membership
        self.entrance = float(m.entrance_fee.amount) if m.entrance_fee else 0.0
        self.yearly = sum(
            float(f.amount) * (12 if f.charged == "monthly" else 1)
            for f in m.fees
            if f.charged in ("yearly", "monthly")
        )
        self.levy = sum(float(f.amount) for f in m.fees if f.charged == "per_member_death")
        self.lifetime = {
            code
            for code, b in reg.index.benefits.items()
            if any(
                c.period == "lifetime"
                for c in (*b.times_caps, *b.unit_caps, *b.running_amount_caps)
            )
        }

    def _decide(
        self,
        ev: EventType,
        cell: tuple,
        claims: tuple = (),
        earlier: tuple = (),
        *,
        death: bool = False,
    ) -> tuple:
        """``decide`` for a member of the cell, through the engine's keyed cache (which
        ``test_benefit_tables`` proves equal to ``decide`` itself)."""
        dec = self.tables.decider
        if death:
            return (float(dec.death_amount(ev.benefit, *cell)), 1)
        amount, units = dec.amount(ev, *cell, claims, earlier)
        return (float(amount), units)

    def funeral(self, cell: tuple) -> float:
        return sum(
            self._decide(EventType(b, "death", 1.0), cell, (), death=True)[0]
            for b in self.tables.deaths
        )

    def pension(self, cell: tuple) -> float:
        total = 0.0
        for code in self.tables.pensions:
            months = 12 if self.reg.index.benefits[code].per == "month" else None
            total += self._decide(EventType(code, "pension", 1.0, months=months), cell, ())[0]
        return total

    def pension1(self, code: str, cell: tuple) -> float:
        months = 12 if self.reg.index.benefits[code].per == "month" else None
        return self._decide(EventType(code, "pension", 1.0, months=months), cell, ())[0]

    def lump1(self, code: str, cell: tuple) -> float:
        return self._decide(EventType(code, "lump", 1.0), cell, ())[0]

    def funeral1(self, code: str, cell: tuple) -> float:
        return self._decide(EventType(code, "death", 1.0), cell, (), death=True)[0]

    def lump(self, cell: tuple) -> float:
        return sum(self._decide(EventType(c, "lump", 1.0), cell, ())[0] for c in self.tables.lumps)


def simulate_reference(
    regulations: list[tuple[str, Regulation]],
    population: Population,
    a: Assumptions,
    *,
    scenarios: int,
    seed: int,
) -> dict[str, np.ndarray]:
    """{"balance": (R, S, T+1), "deaths": (S, T), "members": (S, T), "benefits": [(S, T)…]}."""
    T = a.years
    regs = [_Reg(label, reg, a, population) for label, reg in regulations]
    q = np.empty((T, 2, R.MAX_AGE + 1))
    for t in range(T):
        mx = R.mx_for_year(a.mx, a.start.year + t, improvement=a.mortality_improvement)
        for s, sex in enumerate(R.SEXES):
            q[t, s] = R.annual_q([min(1.0, m * a.mortality_multiplier) for m in mx[sex]], sex)
    rates = event_rates(a, q)
    qlist = q.tolist()
    rate_cache: dict = {}

    def event_mix(r: int, t: int, sex: int, age: int) -> tuple[float, list, list]:
        """Total event rate of a member-year and the events with their weights."""
        key = (r, t, sex, age)
        hit = rate_cache.get(key)
        if hit is None:
            evs, ws = [], []
            for ev in regs[r].events:
                lam = float(rates[ev.source][t - 1, sex, age]) * ev.factor
                if lam > 0:
                    evs.append(ev)
                    ws.append(lam)
            hit = rate_cache[key] = (sum(ws), evs, ws)
        return hit

    cell_cache: dict = {}

    def cell_amounts(r: int, cell: tuple) -> tuple[float, float, float]:
        key = (r, cell)
        hit = cell_cache.get(key)
        if hit is None:
            reg = regs[r]
            hit = cell_cache[key] = (reg.pension(cell), reg.lump(cell), reg.funeral(cell))
        return hit

    # new members: the same whole numbers per year and the same split as the engine's inputs
    from kongtun.projection.engine.model import _split, entrant_counts

    per_year = entrant_counts(a)
    groups = [g for g in sorted(a.entrant_ages) if a.entrant_ages[g] > 0]
    cells, shares = [], []
    for g in groups:
        for s, fs in ((0, a.entrant_female_share), (1, 1 - a.entrant_female_share)):
            if a.entrant_ages[g] * fs > 0:
                cells.append((g + 2, s))
                shares.append(a.entrant_ages[g] * fs)
    pm_of = [p.months for p in population.plans]

    Rn = len(regs)
    balance = np.zeros((Rn, scenarios, T + 1))
    codes = [[b.code for b in reg.reg.benefits] for reg in regs]
    by_benefit = [np.zeros((len(c), scenarios, T)) for c in codes]
    pos = [{c: i for i, c in enumerate(cs)} for cs in codes]
    deaths = np.zeros((scenarios, T))
    members_end = np.zeros((scenarios, T))
    for sc in range(scenarios):
        rng = random.Random(seed * 1_000_003 + sc)
        people: list[Member] = []
        for age, sex, dur, plan, count in zip(
            population.age,
            population.sex,
            population.dur,
            population.plan,
            population.count,
            strict=True,
        ):
            for _ in range(int(count)):
                people.append(
                    Member(
                        int(age), int(sex), int(dur), int(plan), 1, u=rng.random(), v=rng.random()
                    )
                )
        for m in people:  # eligible for a lump sum on the start date: paid before
            m.lump_paid = [False] * Rn
            m.history = [[] for _ in regs]
        bal = [a.opening_balance] * Rn
        for r in range(Rn):
            balance[r, sc, 0] = a.opening_balance
        for t in range(1, T + 1):
            for (age, s), n in zip(cells, _split(int(per_year[t - 1]), shares), strict=True):
                for _ in range(n):
                    m = Member(age, s, 0, population.entrant_plan, t, u=rng.random())
                    m.lump_paid = [False] * Rn
                    m.history = [[] for _ in regs]
                    people.append(m)
            contrib = [0.0] * Rn
            matched = [0.0] * Rn
            out = [0.0] * Rn
            dead_count = 0
            members_mid = 0.0
            for m in people:
                if not m.alive:
                    continue
                years_in = t - m.entry
                age = min(m.age0 + years_in, R.MAX_AGE)
                dur = m.dur0 + years_in
                qq = qlist[t - 1][m.sex][age]
                died = rng.random() < qq
                left = died or rng.random() < a.exit_rate
                e = 0.5 if left else 1.0
                members_mid += e
                if died:
                    dead_count += 1
                pm = pm_of[m.plan]

                def cell_at(tau: float, m=m, age=age, dur=dur, pm=pm) -> tuple:
                    """The member's completed age and years of membership at time τ."""
                    a_ = min(age + (m.u + tau >= 1), R.MAX_AGE)
                    d_ = dur + (m.v > 0 and m.v + tau >= 1)
                    return (a_, m.sex, min(d_, a_), pm)

                cell = cell_at(0.0)
                months = [cell_at(k / 12) for k in range(1, 13)]
                t_year = rng.random()  # when a yearly pension is paid
                t_death = rng.random()
                for r, reg in enumerate(regs):
                    contrib[r] += reg.contrib[m.plan] * a.compliance * e
                    paid_in = reg.contrib[m.plan] * a.compliance
                    matched[r] += e * sum(
                        a.matching_per_member(src, paid_in) for src in ("local", "central")
                    )
                    # pensions month by month, from the month the member qualifies
                    for code in reg.tables.pensions:
                        if reg.reg.index.benefits[code].per == "month":
                            paid = sum(reg.pension1(code, c) for c in months) / 12 * e
                        else:
                            paid = reg.pension1(code, cell_at(t_year)) * e
                        out[r] += paid
                        by_benefit[r][pos[r][code], sc, t - 1] += paid
                    lump_start = cell_amounts(r, cell)[1]
                    lump_end = cell_amounts(r, cell_at(1.0))[1]
                    if not m.lump_paid[r]:
                        c_paid = None
                        if lump_start > 0:
                            if not (t == 1 and m.entry == 1):  # paid before the projection
                                c_paid = cell
                            m.lump_paid[r] = True
                        elif lump_end > 0:
                            c_paid = cell_at(1.0)
                            m.lump_paid[r] = True
                        if c_paid is not None:
                            out[r] += cell_amounts(r, c_paid)[1] * e
                            for code in reg.tables.lumps:
                                by_benefit[r][pos[r][code], sc, t - 1] += (
                                    reg.lump1(code, c_paid) * e
                                )
                    elif lump_start <= 0 and lump_end <= 0:
                        m.lump_paid[r] = False
                    if died:
                        c_dead = cell_at(t_death)
                        out[r] += cell_amounts(r, c_dead)[2]
                        for code in reg.tables.deaths:
                            by_benefit[r][pos[r][code], sc, t - 1] += reg.funeral1(code, c_dead)
                    # events of the part of the year the member was in the fund: a Poisson
                    # number of them, each of a type drawn by its rate (the same as one Poisson
                    # process per type), in the order they happen, each on its own day
                    total, evs, ws = event_mix(r, t, m.sex, age)
                    k = _poisson(rng, total * e)
                    todo = rng.choices(evs, ws, k=k) if k else ()
                    times = sorted(rng.random() for _ in todo)
                    year_claims: dict[str, tuple] = {}
                    for ev, tau in zip(todo, times, strict=True):
                        # every event on its own day: the member's age and membership then
                        ev_cell = cell_at(tau)
                        state = tuple(
                            (b, times, units, Decimal(f"{amount:.2f}"))
                            for b, (times, units, amount) in sorted(year_claims.items())
                        )
                        before: dict[str, list] = {}
                        if ev.benefit in reg.lifetime:
                            for b, year, amount, units in m.history[r]:
                                if year < t:
                                    x = before.setdefault(b, [0, 0, Decimal("0.00")])
                                    x[0] += 1
                                    x[1] += units
                                    x[2] += Decimal(f"{amount:.2f}")
                        earlier = tuple((b, x[0], x[1], x[2]) for b, x in sorted(before.items()))
                        amount, units = reg._decide(ev, ev_cell, state, earlier)
                        if amount > 0:
                            times0, units0, amount0 = year_claims.get(ev.benefit, (0, 0, 0.0))
                            year_claims[ev.benefit] = (times0 + 1, units0 + units, amount0 + amount)
                            out[r] += amount
                            by_benefit[r][pos[r][ev.benefit], sc, t - 1] += amount
                            if ev.benefit in reg.lifetime:
                                m.history[r].append((ev.benefit, t, amount, units))
                if left:
                    m.alive = False
            deaths[sc, t - 1] = dead_count
            members_end[sc, t - 1] = sum(1 for m in people if m.alive)
            for r, reg in enumerate(regs):
                fees = a.compliance * reg.yearly * members_mid
                if reg.levy:
                    fees += a.compliance * reg.levy * dead_count * max(members_mid - 1.0, 0.0)
                g = (1.0 + a.matching_growth) ** (t - 1)
                money_in = contrib[r] + matched[r] * g + fees + per_year[t - 1] * reg.entrance
                admin = a.admin_share * money_in
                net = money_in - out[r] - admin
                interest = a.interest_rate * max(bal[r] + 0.5 * net, 0.0)
                bal[r] = bal[r] + net + interest
                balance[r, sc, t] = bal[r]
    return {
        "balance": balance,
        "deaths": deaths,
        "members": members_end,
        "benefits": by_benefit,
        "codes": codes,
    }

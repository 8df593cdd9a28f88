"""Everything the simulation needs, computed once before any scenario is drawn.

Members are grouped in **columns**: the members of one cell of the start date (age, sex, years
of membership, plan), or the new members of one projection year, age and sex. A column's
members age together, so its age and years of membership in any later year are known; only its
count is random. For each column and year this module computes:

* the probability of leaving (death ``q`` from the WPP rates, then an exit ``x`` among the
  survivors): ``r = 1 − (1 − q)(1 − x)``, as the hazard ``λ = −ln(1 − r)`` and its running sum;
* the share of those leavings that are deaths, ``q / r``;
* per regulation, the funeral paid on a member's death and the **rows**: money or expected
  events per member-year (contributions, pensions, each event stream, each class of a capped
  component), so that one matrix product per year gives every scenario's totals.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from kongtun.projection import rates as R
from kongtun.projection.engine.assumptions import ENTRANT_GROUPS, UNCERTAIN_SOURCES, Assumptions
from kongtun.projection.engine.benefits import (
    BenefitTables,
    EventType,
    LawTooCostly,
    YearDistribution,
    YearProcess,
    benefit_tables,
)
from kongtun.projection.engine.population import Population
from kongtun.regulations.engine import Regulation

__all__ = ["Model", "RegulationModel", "build_model", "event_rates"]


@dataclass
class Stream:
    row: int
    benefit: str
    value: float
    key: str
    #: share of the stream's expected events from each uncertain source (decision 0024)
    sources: dict[str, float] = field(default_factory=dict)


@dataclass
class CappedClass:
    row: int
    component: int
    full: YearDistribution
    half: YearDistribution
    key: str
    sources: dict[str, float] = field(default_factory=dict)
    #: the one projection year the class is drawn in (lifetime caps), or 0: every year
    year: int = 0


@dataclass
class RegulationModel:
    label: str
    tables: BenefitTables
    funeral: np.ndarray  # (T, C) baht paid on the member's own death
    contribution_row: int
    matching_rows: tuple[int, int]  # local, central: baht per member-year
    pension_row: int
    lump_row: int
    streams: list[Stream]
    classes: list[CappedClass]
    entrance_fee: float
    yearly_fees: float  # per member per year (yearly + 12 × monthly fees)
    death_levy: float  # paid by every other member on a member's death
    benefit_codes: list[str]
    benefit_kinds: dict[str, str]
    component_codes: list[tuple[str, ...]]


@dataclass
class Model:
    assumptions: Assumptions
    T: int
    C: int
    entry: np.ndarray  # (C,) first projection year of the column (1-based)
    count0: np.ndarray  # (C,) members at entry
    age0: np.ndarray
    sex: np.ndarray
    dur0: np.ndarray
    plan: np.ndarray
    c_active: np.ndarray  # (T+1,) columns active in year t (columns are sorted by entry)
    lam: np.ndarray  # (T, C) hazard of leaving in year t
    Lam: np.ndarray  # (T+1, C) running sum, 0 before and at entry
    dshare: np.ndarray  # (T, C) share of leavings that are deaths
    rows: np.ndarray  # (T, K, C) float32
    row_names: list[str]
    alive_row: int
    plan_rows: list[int]
    plan_contributions: list[list[float]]  # per regulation, per plan: baht a year
    regs: list[RegulationModel]
    entrants: np.ndarray  # (T,) new members per year
    #: per regulation, (capped groups, T, C): the class of each group, or -1
    class_of: list[np.ndarray] = field(default_factory=list)
    unmerged: int = 0
    decide_calls: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def K(self) -> int:
        return self.rows.shape[1]


# ---- rates -------------------------------------------------------------------------------


def _q_by_year(a: Assumptions) -> np.ndarray:
    """(T, 2, 101) one-year probabilities of dying, members' multiplier applied."""
    out = np.empty((a.years, 2, R.MAX_AGE + 1))
    for t in range(a.years):
        year = a.start.year + t
        mx = R.mx_for_year(a.mx, year, improvement=a.mortality_improvement)
        for s, sex in enumerate(R.SEXES):
            scaled = [min(1.0, m * a.mortality_multiplier) for m in mx[sex]]
            out[t, s] = R.annual_q(scaled, sex)
    return out


def _extend(q: np.ndarray, n: int) -> np.ndarray:
    """One-year probabilities for ages 0..n−1: beyond the table, the last (open group) value."""
    if n <= len(q):
        return q[:n]
    return np.concatenate([q, np.full(n - len(q), q[-1])])


def leaving_probabilities(q: np.ndarray, exit_rate: float) -> tuple[np.ndarray, np.ndarray]:
    """(r, death share): the probability of leaving in a year, ``r = q + (1 − q)·x`` (death,
    else an exit among the survivors), and the share of leavers who died, ``q / r``.

    Written so both stay in [0, 1] by construction: ``r ≥ q`` in floating point (adding a
    non-negative number never lowers a sum), so ``q / r ≤ 1``; with no exits ``r`` is ``q``
    itself and the share exactly 1. (``1 − (1 − q)(1 − x)`` came out a hair above 1 for a
    third of the cells when ``x = 0``, and the binomial draw refused it.)"""
    q = np.clip(q, 0.0, 1.0)
    x = min(1.0, max(0.0, float(exit_rate)))
    r = np.minimum(q + (1.0 - q) * x, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(r > 0, q / np.where(r > 0, r, 1.0), 0.0)
    return r, np.clip(share, 0.0, 1.0)


def event_rates(a: Assumptions, q: np.ndarray) -> dict[str, np.ndarray]:
    """{source: (T, 2, 101)} expected events per member per year by year, sex and age."""
    T = a.years
    ages = np.arange(R.MAX_AGE + 1)
    shape = (T, 2, R.MAX_AGE + 1)
    out = {
        s: np.zeros(shape)
        for s in (
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
    }
    old = ages >= 60
    out["hospital"][:] = np.where(old, a.admissions_60plus, a.admissions_under60)
    out["outpatient"][:] = np.where(old, a.outpatient_60plus, a.outpatient_under60)
    out["birth"][:, 0, :] = R.asfr(a.tfr, a.pasfr)
    out["disability"][:] = a.disability_rate
    out["education"][:] = a.education_rate
    out["disaster"][:] = a.disaster_rate
    out["other"][:] = a.other_rate
    gp, gc = int(a.parent_age_gap), int(a.child_age_gap)
    for t in range(T):
        qf, qm = q[t, 0], q[t, 1]
        lf, lm = R.life_table_lx(qf), R.life_table_lx(qm)
        out["spouse_death"][t, 0] = a.married_share * qm
        out["spouse_death"][t, 1] = a.married_share * qf
        # Parents are followed past 100 by the open group's rate (no age cap): a member of 95
        # has a parent of 122 only with the probability the tables give (decision 0024).
        pa = ages + gp
        qfx, qmx = _extend(qf, int(pa.max()) + 1), _extend(qm, int(pa.max()) + 1)
        lfx, lmx = R.life_table_lx(qfx), R.life_table_lx(qmx)
        mother = lfx[pa] / lfx[gp] * qfx[pa]
        father = lmx[pa] / lmx[gp] * qmx[pa]
        out["mother_death"][t, :] = mother
        out["father_death"][t, :] = father
        ca = ages - gc
        ok = ca >= 0
        cc = np.clip(ca, 0, R.MAX_AGE)
        child = a.tfr * 0.5 * (lf[cc] * qf[cc] + lm[cc] * qm[cc])
        out["child_death"][t, :] = np.where(ok, child, 0.0)
    return out


# ---- columns -----------------------------------------------------------------------------


def _split(total: int, shares: list[float]) -> list[int]:
    """Integer split of ``total`` by ``shares`` (largest remainder)."""
    s = sum(shares)
    if total <= 0 or s <= 0:
        return [0] * len(shares)
    exact = [total * x / s for x in shares]
    base = [math.floor(e) for e in exact]
    rest = total - sum(base)
    order = sorted(range(len(shares)), key=lambda i: exact[i] - base[i], reverse=True)
    for i in order[:rest]:
        base[i] += 1
    return base


def entrant_counts(a: Assumptions) -> np.ndarray:
    """New members per year as whole numbers whose running total follows the expected one."""
    out = np.zeros(a.years, dtype=np.int64)
    cum = 0.0
    done = 0
    for t in range(1, a.years + 1):
        cum += a.entrants(t)
        n = math.floor(cum + 0.5) - done
        out[t - 1] = max(0, n)
        done += out[t - 1]
    return out


def _columns(pop: Population, a: Assumptions) -> dict[str, np.ndarray]:
    entry = [np.ones(pop.cells, dtype=np.int64)]
    age0 = [np.minimum(pop.age, R.MAX_AGE)]
    sex = [pop.sex]
    dur0 = [pop.dur]
    plan = [pop.plan]
    count = [pop.count]
    per_year = entrant_counts(a)
    groups = [g for g in ENTRANT_GROUPS if a.entrant_ages.get(g, 0) > 0]
    shares = [a.entrant_ages[g] for g in groups]
    cell_shares = []
    cells = []
    for g, sh in zip(groups, shares, strict=True):
        for s, fs in ((0, a.entrant_female_share), (1, 1 - a.entrant_female_share)):
            if sh * fs > 0:
                cells.append((g + 2, s))
                cell_shares.append(sh * fs)
    for t in range(1, a.years + 1):
        split = _split(int(per_year[t - 1]), cell_shares)
        for (age, s), n in zip(cells, split, strict=True):
            if n > 0:
                entry.append(np.array([t]))
                age0.append(np.array([age]))
                sex.append(np.array([s]))
                dur0.append(np.array([0]))
                plan.append(np.array([pop.entrant_plan]))
                count.append(np.array([n]))
    return {
        "entry": np.concatenate(entry),
        "age0": np.concatenate(age0),
        "sex": np.concatenate(sex),
        "dur0": np.concatenate(dur0),
        "plan": np.concatenate(plan),
        "count0": np.concatenate(count),
        "entrants": per_year,
    }


# ---- thresholds during the year ----------------------------------------------------------

#: (extra completed years of age, of membership) of the four decisions mixed for each cell.
THRESHOLD_VARIANTS: tuple[tuple[int, int], ...] = ((0, 0), (1, 0), (0, 1), (1, 1))


def _variant_weights(times: np.ndarray) -> tuple[list[float], list[float]]:
    """Weights of ``THRESHOLD_VARIANTS`` for payments at fractions ``times`` of the year:
    a member of completed age *a* at the year's start has a birthday uniformly in the year, so
    at time τ they are *a* + 1 with probability τ; the same for the years of membership of a
    member who joined on any day (independently). Returns (membership spread, membership
    stepping only at the year's end — new members)."""
    t = np.asarray(times, dtype=np.float64)
    spread = [
        float(np.mean((1 - t) * (1 - t))),
        float(np.mean(t * (1 - t))),
        float(np.mean((1 - t) * t)),
        float(np.mean(t * t)),
    ]
    joined_at_start = [float(np.mean(1 - t)), float(np.mean(t)), 0.0, 0.0]
    return spread, joined_at_start


#: Events happen uniformly in the year (the mean over a fine grid equals the integral: 1/3,
#: 1/6, 1/6, 1/3); a monthly pension is paid for a month when the member qualifies by its last
#: day (τ = 1/12 … 12/12): a fund pays from the month the member qualifies.
VARIANT_WEIGHTS = {
    "event": ([1 / 3, 1 / 6, 1 / 6, 1 / 3], [0.5, 0.5, 0.0, 0.0]),
    "month": _variant_weights(np.arange(1, 13) / 12),
}


def _shares(by_source: dict[str, float]) -> dict[str, float]:
    """The uncertain sources' shares of a stream's expected events."""
    total = sum(by_source.values())
    if total <= 0:
        return {}
    return {s: v / total for s, v in by_source.items() if s in UNCERTAIN_SOURCES and v > 0}


# ---- lifetime caps -----------------------------------------------------------------------


def _expected_min(lam: np.ndarray, k: int) -> np.ndarray:
    """E[min(N, k)] for N ~ Poisson(lam): Σ_{j<k} P(N > j)."""
    out = np.zeros_like(lam)
    term = np.exp(-lam)  # P(N = 0)
    cdf = term.copy()
    for j in range(k):
        out += 1.0 - cdf
        term = term * lam / (j + 1)
        cdf = cdf + term
    return out


def _lifetime_paid_share(tables, event_amounts, ev_rates, t_idx, sex, age, at, w_event):
    """{benefit: (T, C) share of its events that are paid} for benefits whose own lifetime
    caps allow at most *k* claims (``BenefitTables.lifetime_limits``; no yearly cap, no group):
    exact, not an approximation (decision 0024).

    A member's claims of the benefit arrive as a Poisson process whose rate is known year by
    year (the event's rate where the benefit pays, ``λ_t``), independent of whether the member
    is still in the fund; so the member's claims before year *t* are Poisson(``Λ_{t−1}``), the
    running sum since the column joined, and the expected claims paid in year *t* are
    ``E[min(N(Λ_t), k)] − E[min(N(Λ_{t−1}), k)]``. The events of the year are thinned by that
    over ``λ_t`` (a thinned Poisson stream stays Poisson; its variance is the binomial's up to a
    factor 1/(1 − p), p a few per thousand). Claims before the projection are not known to the
    cells: none are assumed (as for new members)."""
    out = {}
    for code, k in sorted(tables.lifetime_limits.items()):
        lam = 0.0
        for ev, amounts_cell in zip(tables.uncapped, event_amounts, strict=True):
            if ev.benefit != code:
                continue
            rate = ev_rates[ev.source][t_idx, sex[None, :], age] * ev.factor
            payable = sum(w * (at(amounts_cell, i) > 0) for i, w in enumerate(w_event))
            lam = lam + rate * payable
        if np.isscalar(lam):
            continue
        before = np.zeros_like(lam)
        before[1:] = np.cumsum(lam, axis=0)[:-1]
        paid = _expected_min(before + lam, k) - _expected_min(before, k)
        with np.errstate(divide="ignore", invalid="ignore"):
            out[code] = np.where(lam > 0, paid / np.where(lam > 0, lam, 1.0), 0.0)
    return out


#: The most different states of what lifetime caps count that a group carries from year to
#: year (a claim count: a handful; baht of many different claims: hundreds, each a call of
#: ``decide`` per event and state): beyond it the group's lifetime caps are applied within each
#: year only, and the page says so.
LIFETIME_STATES_MAX = 64
#: The most steps of ``YearProcess`` (states × event types × events, summed) a group's
#: lifetime classes may take to build (a few seconds), beyond which the same happens.
LIFETIME_WORK_MAX = 250_000
#: The most classes of one such group drawn in one year (each a weight row): beyond it too.
LIFETIME_ROWS_MAX = 200


class _TooVaried(Exception):
    pass


def _lifetime_classes(
    entry, key_tc, uniq_keys, proc, law, add_class, add_row, codes, classes, class_map, name
):
    """Classes of a capped group with lifetime caps (decision 0024): what a member has claimed
    in earlier years is carried as a law from year to year along the column's history (claims
    are independent of leaving, so it is the same for every member still in the column).
    Columns with the same history share it; a class lasts one year, and classes of different
    years share rows (the kernel draws only the year's classes)."""
    T, C = key_tc.shape
    # a node is a history of the group's keys from joining (whatever the year joined): its
    # law is computed once; a class is a node in one year
    nodes: dict[tuple[int, int], int] = {}  # (history, key) → node
    carried: list[dict] = []
    laws: list[tuple] = []
    year_class: dict[tuple[int, int], int] = {}  # (node, year) → class, -1 when none
    slot_tc = np.full((T, C), -1, dtype=np.int64)
    used_slots = np.zeros(T, dtype=np.int64)
    slot_of: dict[int, int] = {}  # class → its row among the group's shared rows
    proc.limit = proc.work + LIFETIME_WORK_MAX
    for c in range(C):
        hist = -1
        for t in range(int(entry[c]) - 1, T):
            k = int(key_tc[t, c])
            node = nodes.get((hist, k))
            if node is None:
                start = carried[hist] if hist >= 0 else None
                rate_t, full, half, after = law(uniq_keys[k], proc, start)
                node = nodes[(hist, k)] = len(carried)
                carried.append(after)
                laws.append((rate_t, full, half))
            cls = year_class.get((node, t))
            if cls is None:
                cls = -1
                rate_t, full, half = laws[node]
                if full.p_positive > 0 or half.p_positive > 0:
                    key = f"c:{'+'.join(codes)}:h{node}"
                    cls = add_class(rate_t, full, half, -1, key, t + 1)
                    slot_of[cls] = int(used_slots[t])
                    used_slots[t] += 1
                year_class[(node, t)] = cls
            if cls >= 0:
                class_map[t, c] = cls
                slot_tc[t, c] = slot_of[cls]
            hist = node
    if T and int(used_slots.max()) > LIFETIME_ROWS_MAX:
        raise _TooVaried  # the weight rows (years × rows × columns) would outgrow the memory
    rows = [
        add_row((slot_tc == sl).astype(np.float64), f"{name}:slot{sl}")
        for sl in range(int(used_slots.max()) if T else 0)
    ]
    for cls, sl in slot_of.items():
        classes[cls].row = rows[sl]


# ---- the model ---------------------------------------------------------------------------


def _annual_contribution(reg: Regulation, pop: Population) -> list[float]:
    """Annual contribution of each plan class under the regulation: the regulation's plan of
    the same period if it has one, else its first plan, else the member's own plan."""
    plans = reg.membership.plans
    out = []
    for p in pop.plans:
        same = next((x for x in plans if x.months == p.months), None)
        chosen = same or (plans[0] if plans else None)
        if chosen is None:
            out.append(p.annual)
        else:
            out.append(float(chosen.amount) * 12.0 / chosen.months)
    return out


@dataclass
class _CellTables:
    """Per distinct cell (age, sex, capped years of membership, plan months) of a regulation."""

    tables: BenefitTables
    cell_of: np.ndarray  # (T, C) index into the cells, -1 when inactive
    cells: list[tuple[int, int, int, int]]
    funeral: np.ndarray
    pension: np.ndarray  # monthly pensions, 12 months
    pension_yearly: np.ndarray  # pensions paid once a year
    lump: np.ndarray
    event_amounts: list[np.ndarray]  # per uncapped event type
    comp_sig: list[np.ndarray]  # per capped component: signature id of the cell
    comp_rep: list[dict[int, tuple[int, int, int, int]]]  # signature id → a cell with it
    signature: np.ndarray  # id of everything above, per cell


def _cell_tables(
    reg: Regulation,
    a: Assumptions,
    age: np.ndarray,
    sex: np.ndarray,
    dur: np.ndarray,
    pm: np.ndarray,
    active: np.ndarray,
) -> _CellTables:
    T, C = age.shape
    tables = benefit_tables(
        reg,
        mean_nights=a.mean_nights,
        parent_gap=a.parent_age_gap,
        child_gap=a.child_age_gap,
        nights_shares=a.nights_law(),
    )
    dcap = tables.dur_cap
    durc = np.minimum(dur, dcap)
    key = ((age * 2 + sex[None, :]) * (dcap + 1) + durc) * 13 + pm[None, :]
    uniq, inv = np.unique(key[active], return_inverse=True)
    cell_of = np.full((T, C), -1, dtype=np.int64)
    cell_of[active] = inv.ravel()
    u_pm = uniq % 13
    rest = uniq // 13
    u_d = rest % (dcap + 1)
    rest //= dcap + 1
    cells = list(
        zip((rest // 2).tolist(), (rest % 2).tolist(), u_d.tolist(), u_pm.tolist(), strict=True)
    )
    dec = tables.decider
    idx = reg.index

    def per_cell(fn) -> np.ndarray:
        return np.array([fn(*cell) for cell in cells], dtype=np.float64)

    funeral = per_cell(
        lambda a_, s_, d_, p_: sum(
            float(dec.death_amount(b, a_, s_, d_, p_)) for b in tables.deaths
        )
    )

    def pension_amount(a_, s_, d_, p_, monthly: bool) -> float:
        total = 0.0
        for code in tables.pensions:
            if (idx.benefits[code].per == "month") != monthly:
                continue
            months = 12 if monthly else None
            amt, _ = dec.amount(EventType(code, "pension", 1.0, months=months), a_, s_, d_, p_)
            total += float(amt)
        return total

    pension = per_cell(lambda *c: pension_amount(*c, True))
    pension_yearly = per_cell(lambda *c: pension_amount(*c, False))
    lump = per_cell(
        lambda a_, s_, d_, p_: sum(
            float(dec.amount(EventType(code, "lump", 1.0), a_, s_, d_, p_)[0])
            for code in tables.lumps
        )
    )
    event_amounts = [
        per_cell(lambda a_, s_, d_, p_, ev=ev: float(dec.amount(ev, a_, s_, d_, p_)[0]))
        for ev in tables.uncapped
    ]
    comp_sig = []
    comp_rep = []
    for _codes, evs in tables.components:
        ids: dict[tuple, int] = {}
        rep: dict[int, tuple[int, int, int, int]] = {}
        sig = np.empty(len(cells), dtype=np.int64)
        for i, cell in enumerate(cells):
            k = tuple(dec.amount(ev, *cell) for ev in evs)
            if k not in ids:
                ids[k] = len(ids)
                rep[ids[k]] = cell
            sig[i] = ids[k]
        comp_sig.append(sig)
        comp_rep.append(rep)
    stacked = np.column_stack(
        [
            np.round(x * 100).astype(np.int64)
            for x in (funeral, pension, pension_yearly, lump, *event_amounts)
        ]
        + comp_sig
    )
    signature = row_ids(stacked)[0] if cells else np.zeros(0, dtype=np.int64)
    return _CellTables(
        tables,
        cell_of,
        cells,
        funeral,
        pension,
        pension_yearly,
        lump,
        event_amounts,
        comp_sig,
        comp_rep,
        signature,
    )


def row_ids(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(ids, first): the same id for equal rows of an integer matrix (ids 0.. in order of
    first appearance is not promised), and the index of one row of each id. Faster than
    ``np.unique(axis=0)``: one 1-D ``unique`` per column."""
    n = matrix.shape[0]
    ids = np.zeros(n, dtype=np.int64)
    for j in range(matrix.shape[1]):
        _, col = np.unique(matrix[:, j], return_inverse=True)
        col = col.ravel()
        _, ids = np.unique(ids * (int(col.max()) + 1 if n else 1) + col, return_inverse=True)
        ids = ids.ravel()
    first = np.full(int(ids.max()) + 1 if n else 0, -1, dtype=np.int64)
    first[ids[::-1]] = np.arange(n - 1, -1, -1)
    return ids, first


def _merge_columns(cols: dict[str, np.ndarray], keys: list[np.ndarray]) -> np.ndarray:
    """Group columns whose members have the same future in every respect: same first year,
    sex and age (so the same probabilities every year) and the same amounts every year under
    every regulation (``keys``: (T, C) arrays). Their members are then one column — exact, as
    a sum of independent binomials with the same probability is binomial. Returns, for each
    column, the index of its group."""
    base = np.column_stack([cols["entry"], cols["sex"], cols["age0"], *[k.T for k in keys]])
    return row_ids(base)[0]


def build_model(
    regulations: list[tuple[str, Regulation]], population: Population, a: Assumptions
) -> Model:
    T = a.years
    cols = _columns(population, a)
    years = np.arange(1, T + 1)

    def timeline(c: dict[str, np.ndarray]):
        entry = c["entry"]
        active = years[:, None] >= entry[None, :]
        age = np.minimum(c["age0"][None, :] + (years[:, None] - entry[None, :]), R.MAX_AGE)
        age = np.where(active, age, 0)
        dur = np.where(active, c["dur0"][None, :] + (years[:, None] - entry[None, :]), 0)
        return active, age, dur

    plan_months = np.array([p.months for p in population.plans], dtype=np.int64)
    # 1. the cells of every regulation, on the unmerged columns, in the four variants of
    # ``THRESHOLD_VARIANTS`` (completed age and years of membership, each as at the start of
    # the year or one more): thresholds are crossed during the year, not at its middle
    active, age, dur = timeline(cols)
    pm = plan_months[cols["plan"]]
    V = len(THRESHOLD_VARIANTS)
    age_v = np.concatenate([np.minimum(age + da, R.MAX_AGE) for da, _ in THRESHOLD_VARIANTS])
    dur_v = np.concatenate([dur + dd for _, dd in THRESHOLD_VARIANTS])
    active_v = np.concatenate([active] * V)
    per_reg = [
        _cell_tables(reg, a, age_v, cols["sex"], dur_v, pm, active_v) for _, reg in regulations
    ]
    contrib_by_plan = [np.array(_annual_contribution(reg, population)) for _, reg in regulations]
    # 2. merge the columns with the same future
    keys = []
    for ct, cb in zip(per_reg, contrib_by_plan, strict=True):
        sig = np.where(active_v, ct.signature[np.maximum(ct.cell_of, 0)], -1)
        keys.extend(sig[k * T : (k + 1) * T] for k in range(V))
        keys.append(
            np.broadcast_to(
                np.round(cb[cols["plan"]] * 100).astype(np.int64), (1, len(cols["entry"]))
            )
        )
    group = _merge_columns(cols, keys)
    G = int(group.max()) + 1 if group.size else 0
    first = np.full(G, -1, dtype=np.int64)
    for i in range(len(group) - 1, -1, -1):
        first[group[i]] = i
    merged = {k: cols[k][first] for k in ("entry", "age0", "sex", "dur0", "plan")}
    merged["count0"] = np.bincount(group, weights=cols["count0"], minlength=G).astype(np.int64)
    order = np.lexsort((merged["age0"], merged["entry"]))
    rep = first[order]  # representative unmerged column of each merged column
    for k in merged:
        merged[k] = merged[k][order]
    entry = merged["entry"]
    C = len(entry)
    sex = merged["sex"]
    active = active[:, rep]
    age = age[:, rep]

    q = _q_by_year(a)
    qc = q[np.arange(T)[:, None], sex[None, :], age]
    r, dshare = leaving_probabilities(qc, a.exit_rate)
    r = np.where(active, r, 0.0)
    dshare = np.where(active, dshare, 0.0)
    lam = -np.log1p(-np.minimum(r, 1.0 - 1e-15))
    Lam = np.zeros((T + 1, C))
    Lam[1:] = np.cumsum(lam, axis=0)
    c_active = np.zeros(T + 1, dtype=np.int64)
    c_active[1:] = np.searchsorted(entry, years, side="right")
    ev_rates = event_rates(a, q)
    t_idx = np.arange(T)[:, None]

    rows: list[np.ndarray] = []
    names: list[str] = []

    def add_row(values: np.ndarray, name: str) -> int:
        rows.append(np.where(active, values, 0.0).astype(np.float32))
        names.append(name)
        return len(rows) - 1

    alive_row = add_row(np.ones((T, C)), "alive")
    # members of each contribution plan (the solver recomputes money in for other amounts)
    plan_rows = [
        add_row(np.broadcast_to((merged["plan"] == p)[None, :], (T, C)).astype(float), f"plan:{p}")
        for p in range(len(population.plans))
    ]
    regs: list[RegulationModel] = []
    decide_calls = 0
    class_of = []
    # weights of the variants per column: members on the start date joined on any day of a
    # year (their years of membership step up during the year too); new members join on the
    # first day of a year (theirs do not)
    spread = (entry == 1)[None, :]
    w_event = [np.where(spread, we, wn) for we, wn in zip(*VARIANT_WEIGHTS["event"], strict=True)]
    w_month = [np.where(spread, we, wn) for we, wn in zip(*VARIANT_WEIGHTS["month"], strict=True)]
    for (label, reg), ct, cb in zip(regulations, per_reg, contrib_by_plan, strict=True):
        tables = ct.tables
        dec = tables.decider
        cell_all = ct.cell_of[:, rep]
        safes = [np.maximum(cell_all[k * T : (k + 1) * T], 0) for k in range(V)]

        def at(values: np.ndarray, k: int = 0, safes=safes) -> np.ndarray:
            return np.where(active, values[safes[k]], 0.0)

        def mixed(values: np.ndarray, weights: list[np.ndarray]) -> np.ndarray:
            return sum(w * at(values, k) for k, w in enumerate(weights))

        funeral = mixed(ct.funeral, w_event)
        contribution_row = add_row(
            np.broadcast_to(cb[merged["plan"]] * a.compliance, (T, C)), f"{label}:contributions"
        )
        paid = cb[merged["plan"]] * a.compliance
        matching_rows = tuple(
            add_row(
                np.broadcast_to(
                    np.array([a.matching_per_member(src, float(x)) for x in paid]), (T, C)
                ),
                f"{label}:matching_{src}",
            )
            for src in ("local", "central")
        )
        # monthly pensions from the month the member qualifies; a yearly one on a day of the
        # year like any event
        pension_row = add_row(
            mixed(ct.pension, w_month) + mixed(ct.pension_yearly, w_event), f"{label}:pension"
        )
        # A lump sum is paid in the year the member becomes eligible: eligible at the year's
        # end (age and, for members of the start date, membership one year on) but not at its
        # start. Members already eligible on the start date are taken to have been paid
        # before the projection; new members who join eligible are paid in their first year.
        lump_start = at(ct.lump, 0)
        lump_end = np.where(spread, at(ct.lump, 3), at(ct.lump, 1))
        first_year = (years[:, None] == entry[None, :]) & (entry[None, :] > 1)
        lump_row = add_row(
            np.where(
                first_year & (lump_start > 0),
                lump_start,
                np.where((lump_end > 0) & (lump_start <= 0), lump_end, 0.0),
            ),
            f"{label}:lump",
        )

        streams: list[Stream] = []
        by_stream: dict[tuple[str, float], np.ndarray] = defaultdict(lambda: np.zeros((T, C)))
        by_source: dict[tuple[str, float], dict[str, float]] = defaultdict(
            lambda: defaultdict(float)
        )
        paid_share = _lifetime_paid_share(
            tables, ct.event_amounts, ev_rates, t_idx, sex, age, at, w_event
        )
        for ev, amounts_cell in zip(tables.uncapped, ct.event_amounts, strict=True):
            rate = ev_rates[ev.source][t_idx, sex[None, :], age] * ev.factor
            if ev.benefit in paid_share:
                rate = rate * paid_share[ev.benefit]
            for k, w in enumerate(w_event):
                amounts = at(amounts_cell, k)
                for v in np.unique(amounts[active & (w > 0)]):
                    if v <= 0:
                        continue
                    part = np.where(amounts == v, w * rate, 0.0)
                    by_stream[(ev.benefit, float(v))] += part
                    by_source[(ev.benefit, float(v))][ev.source] += float(part.sum())
        rank: dict[str, int] = defaultdict(int)
        for (code, v), w in sorted(by_stream.items()):
            if not np.any(w > 0):
                continue
            row = add_row(w, f"{label}:{code}:{v:g}")
            # keyed by the benefit and the rank of the amount, not the amount: a draft that
            # changes only amounts draws the same events (common random numbers)
            streams.append(
                Stream(row, code, v, f"u:{code}:{rank[code]}", _shares(by_source[(code, v)]))
            )
            rank[code] += 1

        classes: list[CappedClass] = []
        # one map per capped group: a column-year belongs to a class of every group (one
        # shared map lost the leavers' half-years of all groups but the last)
        reg_class = np.full((len(tables.components), T, C), -1, dtype=np.int64)
        for ci, (codes, evs) in enumerate(tables.components):
            proc = YearProcess(dec, evs, codes)
            # the group's decisions in the four variants (birthday, joining anniversary
            # passed or not); new members' membership does not step during the year
            sig_v = np.stack([ct.comp_sig[ci][safes[k]] for k in range(V)])
            sig_v[2] = np.where(spread, sig_v[2], sig_v[0])
            sig_v[3] = np.where(spread, sig_v[3], sig_v[1])
            rate_arr = np.stack(
                [ev_rates[ev.source][t_idx, sex[None, :], age] * ev.factor for ev in evs], axis=-1
            )  # (T, C, E)
            scaled = np.round(rate_arr[active] * 1e12).astype(np.int64)
            keys_ = np.column_stack([sig_v[:, active].T, scaled])
            key_inv, first_row = row_ids(keys_)
            uniq_keys = keys_[first_row]
            key_tc = np.full((T, C), -1, dtype=np.int64)
            key_tc[active] = key_inv

            def law(k, proc, start=None, ci=ci, ct=ct):
                """(full year, half a year, what lifetime caps count after a full year)."""
                rate_t = tuple(float(x) / 1e12 for x in k[V:])
                cells = tuple(ct.comp_rep[ci][int(x)] for x in k[:V])
                full, after = proc.year(rate_t, cells, spread=True, start=start)
                if len(after) > LIFETIME_STATES_MAX:
                    raise _TooVaried
                half = proc.year(rate_t, cells, spread=True, start=start, scale=0.5)[0]
                return rate_t, full, half, after

            def add_class(rate_t, full, half, row, key, year=0, ci=ci, evs=evs, out=classes):
                shares: dict[str, float] = defaultdict(float)
                for ev, r_ in zip(evs, rate_t, strict=True):
                    shares[ev.source] += r_
                out.append(CappedClass(row, ci, full, half, key, _shares(shares), year))
                return len(out) - 1

            if proc.lifetime:
                before = len(classes)
                try:
                    _lifetime_classes(
                        entry,
                        key_tc,
                        uniq_keys,
                        proc,
                        law,
                        add_class,
                        add_row,
                        codes,
                        classes,
                        reg_class[ci],
                        f"{label}:cap{ci}",
                    )
                    continue
                except (_TooVaried, LawTooCostly):
                    # too many different amounts to carry from year to year: the group's
                    # lifetime caps are applied within each year only, and listed
                    del classes[before:]
                    reg_class[ci][:] = -1
                    tables.lifetime_caps.extend(c for c in codes if c in proc.lifetime)
                    proc = YearProcess(dec, evs, codes, carry=False)
            for cid, k in enumerate(uniq_keys):
                rate_t, full, half, _after = law(k, proc)
                if full.p_positive <= 0 and half.p_positive <= 0:
                    continue
                inside = key_tc == cid
                row = add_row(inside.astype(np.float64), f"{label}:cap{ci}:{cid}")
                reg_class[ci][inside] = add_class(
                    rate_t, full, half, row, f"c:{'+'.join(codes)}:{cid}"
                )
        class_of.append(reg_class)

        m = reg.membership
        yearly = 0.0
        levy = 0.0
        for fee in m.fees:
            if fee.charged == "yearly":
                yearly += float(fee.amount)
            elif fee.charged == "monthly":
                yearly += 12 * float(fee.amount)
            elif fee.charged == "per_member_death":
                levy += float(fee.amount)
        regs.append(
            RegulationModel(
                label=label,
                tables=tables,
                funeral=funeral,
                contribution_row=contribution_row,
                matching_rows=matching_rows,
                pension_row=pension_row,
                lump_row=lump_row,
                streams=streams,
                classes=classes,
                entrance_fee=float(m.entrance_fee.amount) if m.entrance_fee else 0.0,
                yearly_fees=yearly,
                death_levy=levy,
                benefit_codes=[b.code for b in reg.benefits],
                benefit_kinds={b.code: b.kind for b in reg.benefits},
                component_codes=[codes for codes, _ in tables.components],
            )
        )
        decide_calls += dec.calls

    return Model(
        assumptions=a,
        T=T,
        C=C,
        entry=entry,
        count0=merged["count0"],
        age0=merged["age0"],
        sex=sex,
        dur0=merged["dur0"],
        plan=merged["plan"],
        c_active=c_active,
        lam=lam,
        Lam=Lam,
        dshare=dshare,
        rows=np.ascontiguousarray(np.stack(rows, axis=1)),
        row_names=names,
        alive_row=alive_row,
        plan_rows=plan_rows,
        plan_contributions=[list(map(float, cb)) for cb in contrib_by_plan],
        regs=regs,
        entrants=cols["entrants"],
        class_of=class_of,
        unmerged=len(cols["entry"]),
        decide_calls=decide_calls,
    )

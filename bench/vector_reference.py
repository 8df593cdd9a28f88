"""A fair per-member reference for the benchmark: every member of every scenario simulated as
numpy arrays (members × scenarios), a loop over years only, with the engine's assumptions and
the same decisions of the regulation engine (looked up per member's cell each year).

What it does per year: deaths (probability q of the member's age and sex) and exits; who leaves
counts half a year; contributions and matching; pensions; funerals; every uncapped event as a
Poisson count per member and scenario; every capped group as one draw per member from its
year distribution (the engine's exact law of a member's yearly payout). It is what a
straightforward vectorized simulation costs — the engine's columns, merged cells and leaving
points are what make it faster.
"""

from __future__ import annotations

import numpy as np

from kongtun.projection import rates as R
from kongtun.projection.engine.benefits import year_payout_distribution
from kongtun.projection.engine.model import (
    _annual_contribution,
    _cell_tables,
    _q_by_year,
    entrant_counts,
    event_rates,
)


def simulate(regulation, population, a, *, scenarios: int, seed: int = 1) -> np.ndarray:
    """(S, T + 1) balances."""
    rng = np.random.default_rng(seed)
    T, S = a.years, scenarios
    per_year = entrant_counts(a)
    groups = [g for g in sorted(a.entrant_ages) if a.entrant_ages[g] > 0]
    shares = np.array([a.entrant_ages[g] for g in groups], dtype=float)
    shares /= shares.sum()
    # every member, present and future: age on entry, sex, years of membership, plan, entry
    age0 = list(np.repeat(population.age, population.count))
    sex = list(np.repeat(population.sex, population.count))
    dur0 = list(np.repeat(population.dur, population.count))
    plan = list(np.repeat(population.plan, population.count))
    entry = [1] * len(age0)
    for t in range(1, T + 1):
        for i in range(int(per_year[t - 1])):
            g = groups[i % len(groups)]
            age0.append(g + 2)
            sex.append(i % 2)
            dur0.append(0)
            plan.append(population.entrant_plan)
            entry.append(t)
    age0, sex, dur0, plan, entry = map(np.array, (age0, sex, dur0, plan, entry))
    M = len(age0)
    years = np.arange(1, T + 1)
    active = years[:, None] >= entry[None, :]
    age = np.where(active, np.minimum(age0 + years[:, None] - entry, R.MAX_AGE), 0)
    dur = np.where(active, dur0 + years[:, None] - entry, 0)
    pm = np.array([p.months for p in population.plans])[plan]
    ct = _cell_tables(regulation, a, age, sex, dur, pm, active)
    cell = np.maximum(ct.cell_of, 0)
    q = _q_by_year(a)
    ev = event_rates(a, q)
    contrib = np.array(_annual_contribution(regulation, population))[plan] * a.compliance
    matched = np.array(
        [a.matching_per_member("local", c) + a.matching_per_member("central", c) for c in contrib]
    )
    dec = ct.tables.decider
    dists: dict = {}

    def dist_of(ci, k, rates_, rep, evs, codes):
        key = (ci, int(k), rates_)
        if key not in dists:
            dists[key] = year_payout_distribution(dec, evs, rates_, rep, codes)
        return dists[key]

    alive = np.zeros((M, S), dtype=bool)
    bal = np.empty((S, T + 1))
    bal[:, 0] = a.opening_balance
    for t in range(T):
        alive |= (entry == t + 1)[:, None]
        a_t, s_t = age[t], sex
        qm = q[t, s_t, a_t]
        u = rng.random((M, S))
        died = alive & (u < qm[:, None])
        left = died | (alive & (rng.random((M, S)) < a.exit_rate))
        e = alive.astype(float) - 0.5 * left
        money_in = (contrib[:, None] * e).sum(0) + (matched[:, None] * e).sum(0)
        out = (ct.pension[cell[t]][:, None] * e).sum(0)
        out += (ct.funeral[cell[t]][:, None] * died).sum(0)
        for evt, amounts in zip(ct.tables.uncapped, ct.event_amounts, strict=True):
            lam = ev[evt.source][t, s_t, a_t] * evt.factor
            amt = amounts[cell[t]]
            keep = (lam > 0) & (amt > 0) & active[t]
            if keep.any():
                n = rng.poisson(lam[keep, None] * e[keep])
                out += (amt[keep, None] * n).sum(0)
        for ci, (codes, evs) in enumerate(ct.tables.components):
            sig = ct.comp_sig[ci][cell[t]]
            for k in np.unique(sig[active[t]]):
                who = np.flatnonzero(active[t] & (sig == k))
                for s_, a_ in {(int(sex[i]), int(age[t, i])) for i in who}:
                    sel = who[(sex[who] == s_) & (age[t, who] == a_)]
                    rates_ = tuple(float(ev[x.source][t, s_, a_] * x.factor) for x in evs)
                    rep = ct.comp_rep[ci][int(k)]
                    for half, mask in ((False, ~left[sel]), (True, left[sel])):
                        dist = dist_of(
                            ci,
                            k,
                            tuple(r * (0.5 if half else 1.0) for r in rates_),
                            rep,
                            evs,
                            codes,
                        )
                        if not dist.values:
                            continue
                        m = mask & alive[sel]
                        pos = rng.random(m.shape) < dist.p_positive
                        cdf = np.cumsum(np.asarray(dist.probs) / dist.p_positive)
                        pick = np.searchsorted(cdf, rng.random(m.shape) * cdf[-1])
                        vals = np.asarray(dist.values)[np.minimum(pick, len(cdf) - 1)]
                        out += (vals * (m & pos)).sum(0)
        net = money_in * (1 - a.admin_share) - out
        interest = a.interest_rate * np.maximum(bal[:, t] + 0.5 * net, 0.0)
        bal[:, t + 1] = bal[:, t] + net + interest
        alive &= ~left
    return bal

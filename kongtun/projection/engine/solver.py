""" "What would make it so": the smallest change that keeps the chance of running out of money
within a horizon at or below an accepted risk (decision 0024).

The futures are drawn **once** (common random numbers): the kernel records, for every scenario
and year, what came in and what each benefit paid (``run_chunk(record=True)``). A contribution
factor ``k``, an added ``x`` baht a month or a benefit scale ``s`` then changes only money, not
who dies or claims, so every scenario's balance is recomputed from the record in microseconds
(``balances``) and a bisection finds the answer on exactly the same futures. Matching money is
recomputed per contribution plan through its agreement (ratio, cap per member, amount a head),
so a per-head match does not grow with contributions. New members change the population: those
trials re-run the projection with the same seed.

Scaling a benefit by ``s`` multiplies its amounts and its baht caps, so what it pays is ``s``
times as much in every scenario; a group's drawn total is split between its benefits by their
expected shares (exact for a benefit alone in its group).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np

from kongtun.projection.engine.assumptions import AssumptionError, Assumptions
from kongtun.projection.engine.kernel import CHUNK, SimSpec, run_chunk
from kongtun.projection.engine.model import build_model
from kongtun.projection.engine.population import Population
from kongtun.regulations.engine import Regulation

__all__ = ["Answer", "Recorded", "SolveResult", "balances", "record", "ruin_by", "solve"]

#: Search ranges: contributions × 1 … 10, + 0 … 2,000 baht a month, benefits × 0 … 1, new
#: members 0 … 20 × today's members (at least 500) a year.
MAX_FACTOR = 10.0
MAX_ADD = 2000.0
LEVERS = ("factor", "add", "scale", "members")


@dataclass
class Recorded:
    """One regulation's recorded futures (S scenarios × T years)."""

    a: Assumptions
    codes: list[str]
    plan_contributions: list[float]  # baht a year per plan (before compliance)
    contrib: np.ndarray
    fees: np.ndarray
    entrance: np.ndarray
    members: np.ndarray
    plan_members: np.ndarray  # (P, S, T)
    paid: np.ndarray  # (benefits, S, T)
    balance: np.ndarray  # (S, T + 1) as the kernel computed it


def record(regulation: Regulation, population: Population, a: Assumptions) -> Recorded:
    """Draw the futures once and keep what the solver needs."""
    a.validate()
    model = build_model([("r", regulation)], population, a)
    spec = SimSpec.of(model)
    chunks = [
        run_chunk(spec, i, min(CHUNK, a.scenarios - i * CHUNK), record=True)
        for i in range(math.ceil(a.scenarios / CHUNK))
    ]

    def cat(key: str, axis: int) -> np.ndarray:
        return np.concatenate([c.parts[0][key] for c in chunks], axis=axis)

    return Recorded(
        a=a,
        codes=list(model.regs[0].benefit_codes),
        plan_contributions=model.plan_contributions[0],
        contrib=cat("contrib", 0),
        fees=cat("fees", 0),
        entrance=cat("entrance", 0),
        members=cat("members", 0),
        plan_members=cat("plan_members", 1),
        paid=cat("paid", 1),
        balance=np.concatenate([c.balance[0] for c in chunks], axis=0),
    )


def balances(
    rec: Recorded,
    *,
    factor: float = 1.0,
    add: float = 0.0,
    scale: float = 1.0,
    scaled: tuple[str, ...] = (),
    years: int | None = None,
) -> np.ndarray:
    """(S, years + 1) balances with contributions × ``factor`` + ``add`` baht a month and the
    benefits ``scaled`` × ``scale``, on the recorded futures."""
    a = rec.a
    T = years or rec.contrib.shape[1]
    S = rec.contrib.shape[0]
    extra = 12.0 * add * a.compliance
    contrib = factor * rec.contrib[:, :T] + extra * rec.members[:, :T]
    matched = np.zeros((S, T))
    for p, c_p in enumerate(rec.plan_contributions):
        paid = factor * c_p * a.compliance + extra
        per_member = a.matching_per_member("local", paid) + a.matching_per_member("central", paid)
        matched += per_member * rec.plan_members[p, :, :T]
    growth = (1.0 + a.matching_growth) ** np.arange(T)
    money_in = contrib + matched * growth[None, :] + rec.fees[:, :T] + rec.entrance[:, :T]
    out = rec.paid[:, :, :T].sum(axis=0)
    if scaled and scale != 1.0:
        idx = [rec.codes.index(c) for c in scaled]
        out = out + (scale - 1.0) * rec.paid[idx, :, :T].sum(axis=0)
    net = money_in * (1.0 - a.admin_share) - out
    bal = np.empty((S, T + 1))
    bal[:, 0] = a.opening_balance
    for t in range(T):
        prev = bal[:, t]
        interest = a.interest_rate * np.maximum(prev + 0.5 * net[:, t], 0.0)
        bal[:, t + 1] = prev + net[:, t] + interest
    return bal


def ruin_by(balance: np.ndarray, horizon: int) -> float:
    """Share of scenarios whose balance was below zero at the end of some year ≤ horizon."""
    return float((balance[:, 1 : horizon + 1] < 0).any(axis=1).mean())


@dataclass
class Answer:
    lever: str
    reached: bool
    value: float | None  # the smallest change that reaches the target (None: none does)
    risk: float  # the chance of running out with that value (or with the best one tried)
    best_value: float  # the value that came closest
    already: bool = False  # the target is met without any change


@dataclass
class SolveResult:
    horizon: int
    max_risk: float
    risk_now: float
    answers: dict[str, Answer] = field(default_factory=dict)
    scaled: tuple[str, ...] = ()


def _bisect(risk_of, lo: float, hi: float, max_risk: float, tol: float, increasing: bool):
    """Smallest (increasing=True) or largest value in [lo, hi] whose risk ≤ max_risk, where
    the risk falls as the value grows (or as it shrinks). Returns (value, risk) or None."""
    r_lo, r_hi = risk_of(lo), risk_of(hi)
    good_end, bad_end = (hi, lo) if increasing else (lo, hi)
    r_good = r_hi if increasing else r_lo
    if r_good > max_risk:
        return None, r_good, good_end
    good, bad = good_end, bad_end
    r_at_good = r_good
    while abs(good - bad) > tol:
        mid = 0.5 * (good + bad)
        r = risk_of(mid)
        if r <= max_risk:
            good, r_at_good = mid, r
        else:
            bad = mid
    del r_lo
    return good, r_at_good, good


def check_target(
    a: Assumptions, *, horizon: int, max_risk: float, codes: list[str], scaled
) -> None:
    errs = []
    if not isinstance(horizon, int) or not 1 <= horizon <= a.years:
        errs.append(("horizon", "horizon_beyond", {"max": a.years, "value": horizon}))
    if not 0.0 <= max_risk <= 1.0:
        errs.append(("max_risk", "not_percent", {"value": max_risk}))
    unknown = [c for c in scaled if c not in codes]
    if unknown:
        errs.append(("scaled", "unknown_benefits", {"codes": ", ".join(unknown)}))
    if errs:
        raise AssumptionError(errs)


def solve(
    regulation: Regulation,
    population: Population,
    a: Assumptions,
    *,
    horizon: int = 20,
    max_risk: float = 0.05,
    scaled: tuple[str, ...] = (),
    levers: tuple[str, ...] = LEVERS,
    rec: Recorded | None = None,
) -> SolveResult:
    """Each lever alone: the smallest contribution factor, the smallest added baht a month,
    the largest scale of the ``scaled`` benefits, the fewest new members a year that keep the
    chance of running out within ``horizon`` years at or below ``max_risk``."""
    codes = [b.code for b in regulation.benefits]
    check_target(a, horizon=horizon, max_risk=max_risk, codes=codes, scaled=scaled)
    a = replace(a, years=horizon)
    if rec is None:
        rec = record(regulation, population, a)
    now = ruin_by(rec.balance, horizon)
    result = SolveResult(horizon=horizon, max_risk=max_risk, risk_now=now, scaled=tuple(scaled))

    def already(lever: str, value: float) -> Answer:
        return Answer(lever, True, value, now, value, already=True)

    if "factor" in levers:
        if now <= max_risk:
            result.answers["factor"] = already("factor", 1.0)
        else:
            v, r, best = _bisect(
                lambda k: ruin_by(balances(rec, factor=k), horizon),
                1.0,
                MAX_FACTOR,
                max_risk,
                0.005,
                True,
            )
            result.answers["factor"] = Answer("factor", v is not None, v, r, best)
    if "add" in levers:
        if now <= max_risk:
            result.answers["add"] = already("add", 0.0)
        else:
            v, r, best = _bisect(
                lambda x: ruin_by(balances(rec, add=x), horizon),
                0.0,
                MAX_ADD,
                max_risk,
                0.5,
                True,
            )
            result.answers["add"] = Answer("add", v is not None, v, r, best)
    if "scale" in levers and scaled:
        if now <= max_risk:
            result.answers["scale"] = already("scale", 1.0)
        else:
            v, r, best = _bisect(
                lambda s: ruin_by(balances(rec, scale=s, scaled=tuple(scaled)), horizon),
                0.0,
                1.0,
                max_risk,
                0.005,
                False,
            )
            result.answers["scale"] = Answer("scale", v is not None, v, r, best)
    if "members" in levers:
        result.answers["members"] = _solve_members(
            regulation, population, a, horizon, max_risk, now
        )
    return result


def _solve_members(regulation, population, a, horizon, max_risk, now) -> Answer:
    """New members a year (from today's figure up): more members are not always better (they
    claim too), so the answer is the fewest on a doubling-then-halving search that reaches the
    target; each trial re-runs the projection on the same seed."""
    if now <= max_risk:
        return Answer("members", True, a.new_members, now, a.new_members, already=True)
    top = max(500.0, 20.0 * population.members)

    def risk_of(n: float) -> float:
        return ruin_by(record(regulation, population, replace(a, new_members=n)).balance, horizon)

    lo, hi = a.new_members, max(1.0, a.new_members * 2)
    r_hi = risk_of(hi)
    best, best_r = hi, r_hi
    while r_hi > max_risk and hi < top:
        lo, hi = hi, min(top, hi * 2)
        r_hi = risk_of(hi)
        if r_hi < best_r:
            best, best_r = hi, r_hi
    if r_hi > max_risk:
        return Answer("members", False, None, best_r, best)
    while hi - lo > max(0.5, 0.02 * hi):
        mid = 0.5 * (lo + hi)
        r = risk_of(mid)
        if r <= max_risk:
            hi, r_hi = mid, r
        else:
            lo = mid
    return Answer("members", True, math.ceil(hi * 10) / 10, r_hi, hi)


# ---- sensitivity -------------------------------------------------------------------------

#: The assumptions moved ±20 % for the tornado chart, and the fields each one moves.
SENSITIVITY = (
    ("mortality", ("mortality_multiplier",)),
    ("hospital", ("admissions_under60", "admissions_60plus")),
    ("outpatient", ("outpatient_under60", "outpatient_60plus")),
    ("births", ("tfr",)),
    ("new_members", ("new_members",)),
    ("exits", ("exit_rate",)),
    ("compliance", ("compliance",)),
    (
        "matching",
        (
            "matching_local",
            "matching_central",
            "matching_local_per_member",
            "matching_central_per_member",
        ),
    ),
    ("interest", ("interest_rate",)),
)


@dataclass
class Sensitivity:
    name: str
    low: tuple[float, float]  # (chance of running out by the horizon, median balance) at −20 %
    high: tuple[float, float]  # at +20 %


def sensitivity(
    regulation: Regulation,
    population: Population,
    a: Assumptions,
    *,
    horizon: int = 20,
    change: float = 0.2,
) -> tuple[tuple[float, float], list[Sensitivity]]:
    """(base (risk, median), each assumption at −/+ ``change``) on the same seed. Probabilities
    are kept at most 1 (compliance, exits)."""
    from kongtun.projection.engine import project

    a = replace(a, years=horizon)

    def measure(x: Assumptions) -> tuple[float, float]:
        bal = project([("r", regulation)], population, x).balance[0]
        return ruin_by(bal, horizon), float(np.median(bal[:, horizon]))

    base = measure(a)
    out = []
    for name, fields in SENSITIVITY:
        pair = []
        for f in (1 - change, 1 + change):
            x = replace(a)
            for field_name in fields:
                v = getattr(x, field_name) * f
                if field_name in ("compliance", "exit_rate"):
                    v = min(1.0, v)
                setattr(x, field_name, v)
            pair.append(measure(x))
        out.append(Sensitivity(name, pair[0], pair[1]))
    return base, out

"""The vectorized simulation: scenarios × columns, one year at a time, in chunks of scenarios.

How the members who leave are drawn (exact, decision 0008). In a year, each of a column's ``n``
members leaves with probability ``r`` independently, so the number who leave is Binomial(n, r).
Instead of drawing a binomial for every column and scenario every year (most draws are 0), each
(column, scenario) keeps the point, on the column's running hazard ``Λ``, where its *next*
member leaves: ``Λ_now + E/n`` with ``E`` ~ Exp(1) (the first of ``n`` independent exponential
clocks). A year where ``Λ`` passes that point has at least one leaver; the others of the ``n − 1``
leave in the same year with probability ``1 − exp(−(Λ_t − point))`` each (memorylessness);
afterwards a fresh clock is drawn for the ``n'`` who stay. This gives exactly the
Binomial(n, r) of each year while touching only the (column, scenario) pairs where someone
leaves, plus one comparison per pair and year. Each leaver is a death with probability
``q / r``, else an exit.

Money per member-year (contributions, pensions, expected events) is one matrix product per year
of the weights (rows × columns) with the members at the end of the year and with those who left
during it (who count for half a year: the mid-year convention).

Reproducible: chunk ``k`` of ``CHUNK`` scenarios draws from ``SeedSequence(seed, spawn_key=(k,))``
whatever the number of worker processes, and each event stream from its own generator keyed by
the stream (same benefit rules → same draws in every regulation compared: common random
numbers). The members who die or leave are the same in every regulation of a run.
"""

from __future__ import annotations

import ctypes
import glob
import math
import os
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from kongtun.projection.engine.benefits import YearDistribution
from kongtun.projection.engine.model import Model

__all__ = ["CHUNK", "FLOW_NAMES", "Cancelled", "ChunkResult", "SimSpec", "run_chunk", "simulate"]

CHUNK = 1024
#: Above this many claimants of a capped class in a scenario-year, the sum of their payouts is
#: drawn from the normal law with the exact mean and variance (CLT); at or below it, one by one.
EXACT_SUM_MAX = 64
FLOW_NAMES = (
    "contributions",
    "fees",
    "entrance_fees",
    "matching_local",
    "matching_central",
    "interest",
    "admin",
)
COUNT_NAMES = ("members", "deaths", "exits", "entrants")


class Cancelled(Exception):
    pass


# ---- BLAS threads ----------------------------------------------------------------------------

_blas_local = None


def _blas_threads_local(n: int) -> None:
    """Ask OpenBLAS (as bundled with numpy) to use ``n`` threads in the calling thread only.
    Two cores shared by BLAS threads make the small products 50× slower; best effort."""
    global _blas_local
    if _blas_local is None:
        _blas_local = False
        try:
            base = os.path.join(os.path.dirname(np.__file__), os.pardir, "numpy.libs")
            for path in glob.glob(os.path.join(base, "libscipy_openblas*.so")):
                lib = ctypes.CDLL(path)
                fn = getattr(lib, "openblas_set_num_threads_local", None)
                if fn is not None:
                    fn.argtypes = [ctypes.c_int]
                    _blas_local = fn
                    break
        except OSError:
            _blas_local = False
    if _blas_local:
        _blas_local(n)


# ---- what the workers need (numbers only) ----------------------------------------------------


@dataclass
class RegSpec:
    funeral: np.ndarray  # (T, C)
    contribution_row: int
    matching_rows: tuple[int, int]
    pension_row: int
    lump_row: int
    streams: list[tuple[int, int, float, str]]  # (row, benefit index, value, key)
    stream_sources: list[dict[str, float]]  # uncertain sources' shares of each stream
    class_sources: list[dict[str, float]]
    #: (row, full-year distribution, half-year distribution, stream key, benefit positions,
    #: expected baht per benefit for a full year, for half a year)
    classes: list[
        tuple[int, YearDistribution, YearDistribution, str, np.ndarray, np.ndarray, np.ndarray]
    ]
    death_benefits: list[int]
    pension_benefits: list[int]
    lump_benefits: list[int]
    entrance_fee: float
    yearly_fees: float
    death_levy: float
    n_benefits: int
    pension_share: list[float]
    lump_share: list[float]
    funeral_share: list[float]
    class_of: np.ndarray  # (capped groups, T, C) index into ``classes`` or -1
    #: per projection year (1-based, index 0 unused), the classes drawn that year: a class of
    #: a group with lifetime caps lasts one year and shares its row with other years' classes
    classes_in_year: list[list[int]]


@dataclass
class SimSpec:
    T: int
    C: int
    c_active: np.ndarray
    count0: np.ndarray
    Lam: np.ndarray
    dshare: np.ndarray
    rows: np.ndarray
    alive_row: int
    plan_rows: list[int]
    entrants: np.ndarray
    regs: list[RegSpec]
    opening_balance: float
    compliance: float
    matching_local: float
    matching_central: float
    matching_growth: float
    interest_rate: float
    admin_share: float
    seed: int
    rate_uncertainty: dict[str, float]

    @classmethod
    def of(cls, model: Model) -> SimSpec:
        a = model.assumptions
        regs = []
        for rm in model.regs:
            codes = rm.benefit_codes
            pos = {c: i for i, c in enumerate(codes)}
            deaths = [pos[c] for c in rm.tables.deaths]
            pensions = [pos[c] for c in rm.tables.pensions]
            lumps = [pos[c] for c in rm.tables.lumps]
            regs.append(
                RegSpec(
                    funeral=rm.funeral,
                    contribution_row=rm.contribution_row,
                    matching_rows=rm.matching_rows,
                    pension_row=rm.pension_row,
                    lump_row=rm.lump_row,
                    streams=[(s.row, pos[s.benefit], s.value, s.key) for s in rm.streams],
                    stream_sources=[s.sources for s in rm.streams],
                    class_sources=[c.sources for c in rm.classes],
                    classes=[
                        (
                            c.row,
                            c.full,
                            c.half,
                            c.key,
                            np.array([pos[b] for b in rm.component_codes[c.component]]),
                            np.array([c.full.means[b] for b in rm.component_codes[c.component]]),
                            np.array([c.half.means[b] for b in rm.component_codes[c.component]]),
                        )
                        for c in rm.classes
                    ],
                    death_benefits=deaths,
                    pension_benefits=pensions,
                    lump_benefits=lumps,
                    entrance_fee=rm.entrance_fee,
                    yearly_fees=rm.yearly_fees,
                    death_levy=rm.death_levy,
                    n_benefits=len(codes),
                    pension_share=[1.0 / len(pensions)] * len(pensions) if pensions else [],
                    lump_share=[1.0 / len(lumps)] * len(lumps) if lumps else [],
                    funeral_share=[1.0 / len(deaths)] * len(deaths) if deaths else [],
                    class_of=model.class_of[len(regs)],
                    classes_in_year=[
                        [j for j, c in enumerate(rm.classes) if c.year in (0, t)]
                        for t in range(model.T + 1)
                    ],
                )
            )
        return cls(
            T=model.T,
            C=model.C,
            c_active=model.c_active,
            count0=model.count0.astype(np.float64),
            Lam=model.Lam,
            dshare=model.dshare,
            rows=model.rows,
            alive_row=model.alive_row,
            plan_rows=list(model.plan_rows),
            entrants=model.entrants.astype(np.float64),
            regs=regs,
            opening_balance=float(a.opening_balance),
            compliance=float(a.compliance),
            matching_local=float(a.matching_local),
            matching_central=float(a.matching_central),
            matching_growth=float(a.matching_growth),
            interest_rate=float(a.interest_rate),
            admin_share=float(a.admin_share),
            seed=int(a.seed),
            rate_uncertainty=dict(a.rate_uncertainty),
        )


@dataclass
class ChunkResult:
    index: int
    balance: np.ndarray  # (R, S, T+1)
    flows: np.ndarray  # (R, len(FLOW_NAMES), T) sums over the chunk's scenarios
    benefits: list[np.ndarray]  # per regulation (n_benefits, T) sums
    counts: np.ndarray  # (len(COUNT_NAMES), T) sums
    seconds: float
    #: per regulation, what the solver needs to recompute every scenario's balance for other
    #: contributions or benefit amounts (only when asked: ``record=True``)
    parts: list[dict[str, np.ndarray]] | None = None


def _generator(seed: int, *key: int) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=key)))


def _stream_id(key: str) -> int:
    return zlib.crc32(key.encode("utf-8"))


def _nonzero(mask: np.ndarray) -> np.ndarray:
    """Flat indices of the True values of a C-contiguous bool array (fast when sparse: looks
    at 8 bytes at a time first)."""
    flat = mask.reshape(-1)
    n = flat.size
    if n % 8:
        return np.flatnonzero(flat)
    words = flat.view(np.uint64)
    nz = np.flatnonzero(words)
    if nz.size == 0:
        return nz
    sub = flat.reshape(-1, 8)[nz]
    r, b = np.nonzero(sub)
    return nz[r] * 8 + b


def _sum_given_count(g: np.random.Generator, k: np.ndarray, dist: YearDistribution) -> np.ndarray:
    """Sum of ``k[s]`` independent payouts drawn from ``dist`` given that they are > 0."""
    out = np.zeros(k.shape[0])
    if not dist.values:
        return out
    p_pos = dist.p_positive
    values = np.asarray(dist.values)
    cond = np.asarray(dist.probs) / p_pos
    cdf = np.cumsum(cond)
    cdf[-1] = 1.0
    small = np.flatnonzero((k > 0) & (k <= EXACT_SUM_MAX))
    if small.size:
        kmax = int(k[small].max())
        u = g.random((small.size, kmax))
        draws = values[np.searchsorted(cdf, u, side="right").clip(0, len(values) - 1)]
        draws[np.arange(kmax)[None, :] >= k[small][:, None]] = 0.0
        out[small] = draws.sum(axis=1)
    big = np.flatnonzero(k > EXACT_SUM_MAX)
    if big.size:
        mu = float(values @ cond)
        var = float((values * values) @ cond) - mu * mu
        kb = k[big].astype(np.float64)
        out[big] = g.normal(kb * mu, np.sqrt(np.maximum(kb * var, 0.0)))
    return out


def run_chunk(spec: SimSpec, index: int, n_scen: int, record: bool = False) -> ChunkResult:
    started = time.perf_counter()
    _blas_threads_local(1)
    T, S, C = spec.T, n_scen, spec.C
    R = len(spec.regs)
    g = _generator(spec.seed, index)
    # one generator per regulation and stream: the same stream in two regulations starts from
    # the same state, so it draws the same events when its rates are the same
    stream_gen: dict[tuple[int, str], np.random.Generator] = {}

    def sgen(ri: int, key: str) -> np.random.Generator:
        gen = stream_gen.get((ri, key))
        if gen is None:
            gen = stream_gen[(ri, key)] = _generator(spec.seed, index, 1, _stream_id(key))
        return gen

    # each scenario's multiplier of every uncertain rate (the same in every regulation)
    ug = _generator(spec.seed, index, 2)
    mult = {
        src: ug.gamma(shape, 1.0 / shape, S) for src, shape in sorted(spec.rate_uncertainty.items())
    }

    def multiplier(shares: dict[str, float]) -> np.ndarray | None:
        used = [(src, w) for src, w in shares.items() if src in mult]
        if not used:
            return None
        rest = 1.0 - sum(w for _, w in used)
        return rest + sum(w * mult[src] for src, w in used)

    stream_mult = [[multiplier(x) for x in reg.stream_sources] for reg in spec.regs]
    class_mult = [[multiplier(x) for x in reg.class_sources] for reg in spec.regs]
    N = np.zeros((C, S), dtype=np.float32)  # members of each column in each scenario
    Nf = N.reshape(-1)
    W = np.full((C, S), np.inf)  # where, on the column's running hazard, the next one leaves
    Wf = W.reshape(-1)
    mask = np.empty((C, S), dtype=bool)
    balance = np.empty((R, S, T + 1))
    balance[:, :, 0] = spec.opening_balance
    flows = np.zeros((R, len(FLOW_NAMES), T))
    benefits = [np.zeros((r.n_benefits, T)) for r in spec.regs]
    counts = np.zeros((len(COUNT_NAMES), T))
    parts = None
    if record:
        P = len(spec.plan_rows)
        parts = [
            {
                "contrib": np.zeros((S, T)),
                "fees": np.zeros((S, T)),
                "entrance": np.zeros((S, T)),
                "members": np.zeros((S, T)),
                "plan_members": np.zeros((P, S, T)),
                "paid": np.zeros((r.n_benefits, S, T)),
            }
            for r in spec.regs
        ]
    for t in range(1, T + 1):
        lo, hi = int(spec.c_active[t - 1]), int(spec.c_active[t])
        if hi > lo:  # members on the start date (t = 1) and new members join
            n0 = spec.count0[lo:hi]
            N[lo:hi] = n0[:, None]
            W[lo:hi] = g.standard_exponential((hi - lo, S))
            W[lo:hi] /= n0[:, None]
            W[lo:hi] += spec.Lam[t - 1, lo:hi, None]
        ca = hi
        lam_t = spec.Lam[t, :ca]
        np.less_equal(W[:ca], lam_t[:, None], out=mask[:ca])
        idx = np.flatnonzero(mask[:ca])
        c, s = np.divmod(idx, S)
        n = Nf.take(idx)  # members before this year's leavers (float32, whole numbers)
        leave = np.ones(idx.size, dtype=np.float32)
        multi = np.flatnonzero(n > 1)
        if multi.size:
            # After the first leaver (at point w), each of the other n − 1 still has an Exp(1)
            # clock beyond w (memorylessness): the next of them leaves at w + E/(n − 1). If
            # that point is still within this year's hazard, one more leaves this year and
            # the draw repeats for the n − 2 others; if not, it is the next leaving point.
            im = idx.take(multi)
            point = Wf.take(im)
            point += g.standard_exponential(multi.size) / (n.take(multi) - 1.0)
            Wf[idx] = np.inf  # columns left empty; the others get their point below
            Wf[im] = point
            end = lam_t.take(c.take(multi))
            again = np.flatnonzero(point <= end)
            if again.size:
                point = point[again]
                end = end[again]
                others = n.take(multi.take(again)).astype(np.float64) - 2.0
                count = np.ones(again.size, dtype=np.float32)
                last = np.full(again.size, np.inf)
                todo = np.flatnonzero(others > 0)
                while todo.size:
                    point[todo] += g.standard_exponential(todo.size) / others[todo]
                    stop = point[todo] > end[todo]
                    last[todo[stop]] = point[todo[stop]]
                    todo = todo[~stop]
                    count[todo] += 1.0
                    others[todo] -= 1.0
                    todo = todo[others[todo] > 0]
                leave[multi.take(again)] += count
                Wf[im.take(again)] = last
        else:
            Wf[idx] = np.inf
        dsh = spec.dshare[t - 1].take(c)
        dead = (g.random(idx.size) < dsh).astype(np.float32)
        several = np.flatnonzero(leave > 1)
        if several.size:
            dead[several] = g.binomial(leave[several].astype(np.int64), dsh[several])
        # who left counts for half the year (mid-year convention)
        half = 0.5 * leave
        Nf[idx] = n - half
        F = (spec.rows[t - 1, :, :ca] @ N[:ca]).astype(np.float64)  # (K, S) per member-year
        Nf[idx] = n - leave
        died = np.flatnonzero(dead)
        c_dead, s_dead, dead_n = c.take(died), s.take(died), dead.take(died).astype(np.float64)
        n_dead = float(dead_n.sum())
        n_leave = float(leave.sum(dtype=np.float64))
        members_mid = F[spec.alive_row]
        counts[0, t - 1] += members_mid.sum() - 0.5 * n_leave
        counts[1, t - 1] += n_dead
        counts[2, t - 1] += n_leave - n_dead
        counts[3, t - 1] += spec.entrants[t - 1] * S
        deaths_s = None
        match_factor = (1.0 + spec.matching_growth) ** (t - 1)
        for ri, reg in enumerate(spec.regs):
            contrib = F[reg.contribution_row]
            fees = spec.compliance * reg.yearly_fees * members_mid
            if reg.death_levy:
                if deaths_s is None:
                    deaths_s = np.bincount(s_dead, weights=dead_n, minlength=S)
                fees = fees + spec.compliance * reg.death_levy * deaths_s * np.maximum(
                    members_mid - 1.0, 0.0
                )
            entrance = np.full(S, spec.entrants[t - 1] * reg.entrance_fee)
            m_local = match_factor * F[reg.matching_rows[0]]
            m_central = match_factor * F[reg.matching_rows[1]]
            ben = benefits[ri]
            out = F[reg.pension_row] + F[reg.lump_row]
            rec = parts[ri] if parts is not None else None
            if rec is not None:
                paid_b = rec["paid"][:, :, t - 1]
                for b, sh in zip(reg.pension_benefits, reg.pension_share, strict=True):
                    paid_b[b] += sh * F[reg.pension_row]
                for b, sh in zip(reg.lump_benefits, reg.lump_share, strict=True):
                    paid_b[b] += sh * F[reg.lump_row]
            if reg.pension_benefits:
                ben[reg.pension_benefits, t - 1] += F[reg.pension_row].sum() * np.asarray(
                    reg.pension_share
                )
            if reg.lump_benefits:
                ben[reg.lump_benefits, t - 1] += F[reg.lump_row].sum() * np.asarray(reg.lump_share)
            if reg.death_benefits:
                fun = np.bincount(
                    s_dead, weights=dead_n * reg.funeral[t - 1].take(c_dead), minlength=S
                )
                out += fun
                ben[reg.death_benefits, t - 1] += fun.sum() * np.asarray(reg.funeral_share)
                if rec is not None:
                    for b, sh in zip(reg.death_benefits, reg.funeral_share, strict=True):
                        paid_b[b] += sh * fun
            for (row, b, value, key), m_s in zip(reg.streams, stream_mult[ri], strict=True):
                lam_s = np.maximum(F[row], 0.0)
                if m_s is not None:
                    lam_s = lam_s * m_s
                paid = sgen(ri, key).poisson(lam_s) * value
                out += paid
                ben[b, t - 1] += paid.sum()
                if rec is not None:
                    paid_b[b] += paid
            if reg.classes:
                halves = np.zeros(len(reg.classes) * S)
                for cmap in reg.class_of:  # each capped group has its own classes
                    cls = cmap[t - 1].take(c)
                    ok = cls >= 0
                    halves += np.bincount(
                        cls[ok] * S + s[ok], weights=leave[ok], minlength=len(reg.classes) * S
                    )
                halves = halves.reshape(len(reg.classes), S)
                for j in reg.classes_in_year[t]:
                    row, full, half, key, bpos, mfull, mhalf = reg.classes[j]
                    gen = sgen(ri, key)
                    n_half = halves[j]
                    n_full = np.rint(F[row] - 0.5 * n_half).astype(np.int64)
                    n_half = n_half.astype(np.int64)
                    p_full, p_half = full.p_positive, half.p_positive
                    m_c = class_mult[ri][j]
                    if m_c is not None:
                        # a rate × m: no payout with probability p_zero^m (events are Poisson);
                        # the payout given one keeps its law (approximation, decision 0024)
                        p_full = 1.0 - full.p_zero**m_c
                        p_half = 1.0 - half.p_zero**m_c
                    drawn = np.zeros(S)
                    if full.values:
                        drawn += _sum_given_count(gen, gen.binomial(n_full, p_full), full)
                    if half.values:
                        drawn += _sum_given_count(gen, gen.binomial(n_half, p_half), half)
                    out += drawn
                    if rec is not None and mfull.sum() > 0:
                        # the group's drawn total, split by the benefits' expected shares
                        for b, share in zip(bpos, mfull / mfull.sum(), strict=True):
                            paid_b[b] += share * drawn
                    # by benefit: the expected split of the component (its total is sampled)
                    ben[bpos, t - 1] += n_full.sum() * mfull + n_half.sum() * mhalf
            money_in = contrib + fees + entrance + m_local + m_central
            admin = spec.admin_share * money_in
            prev = balance[ri, :, t - 1]
            net = money_in - out - admin
            interest = spec.interest_rate * np.maximum(prev + 0.5 * net, 0.0)
            balance[ri, :, t] = prev + net + interest
            if rec is not None:
                rec["contrib"][:, t - 1] = contrib
                rec["fees"][:, t - 1] = fees
                rec["entrance"][:, t - 1] = entrance
                rec["members"][:, t - 1] = members_mid
                for p_i, row in enumerate(spec.plan_rows):
                    rec["plan_members"][p_i, :, t - 1] = F[row]
            f = flows[ri, :, t - 1]
            f[0] += contrib.sum()
            f[1] += fees.sum()
            f[2] += entrance.sum()
            f[3] += m_local.sum()
            f[4] += m_central.sum()
            f[5] += interest.sum()
            f[6] += admin.sum()
    return ChunkResult(
        index, balance, flows, benefits, counts, time.perf_counter() - started, parts
    )


# ---- running many chunks -------------------------------------------------------------------

_SPEC: SimSpec | None = None


def _worker_init(spec: SimSpec | None) -> None:
    global _SPEC
    if spec is not None:
        _SPEC = spec
    _blas_threads_local(1)


def _worker_run(args: tuple[int, int]) -> ChunkResult:
    assert _SPEC is not None
    return run_chunk(_SPEC, *args)


def simulate(
    spec: SimSpec,
    scenarios: int,
    *,
    workers: int = 1,
    progress: Callable[[float], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    start_method: str | None = None,
) -> list[ChunkResult]:
    """Run every chunk (in ``workers`` processes when > 1) and return the chunk results in
    chunk order. ``cancelled()`` is asked between chunks; ``progress(fraction)`` is told."""
    jobs = [(i, min(CHUNK, scenarios - i * CHUNK)) for i in range(math.ceil(scenarios / CHUNK))]
    results: list[ChunkResult] = []
    if workers <= 1 or len(jobs) == 1:
        for i, job in enumerate(jobs):
            if cancelled is not None and cancelled():
                raise Cancelled
            results.append(run_chunk(spec, *job))
            if progress is not None:
                progress((i + 1) / len(jobs))
        return results
    import multiprocessing as mp

    method = start_method or ("fork" if "fork" in mp.get_all_start_methods() else "spawn")
    ctx = mp.get_context(method)
    global _SPEC
    if method == "fork":
        _SPEC = spec
        init_arg = None
    else:
        init_arg = spec
    env_before = os.environ.get("OPENBLAS_NUM_THREADS")
    os.environ["OPENBLAS_NUM_THREADS"] = "1"
    try:
        with ctx.Pool(
            processes=min(workers, len(jobs)), initializer=_worker_init, initargs=(init_arg,)
        ) as pool:
            for i, res in enumerate(pool.imap(_worker_run, jobs)):
                results.append(res)
                if progress is not None:
                    progress((i + 1) / len(jobs))
                if cancelled is not None and cancelled():
                    pool.terminate()
                    raise Cancelled
    finally:
        if env_before is None:
            os.environ.pop("OPENBLAS_NUM_THREADS", None)
        else:
            os.environ["OPENBLAS_NUM_THREADS"] = env_before
        if method == "fork":
            _SPEC = None
    return results

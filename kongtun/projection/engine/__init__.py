"""Kongtun's sustainability projection: pure Python + numpy, no Django.

    from kongtun.projection.engine import (
        Assumptions, default_assumptions, AssumptionError, Population, PlanClass,
        project, estimate, ProjectionResult, Cancelled,
    )

``project([(label, regulation), …], population, assumptions)`` draws ``assumptions.scenarios``
futures of the fund over ``assumptions.years`` years and pays, in each, what every regulation
would pay (the same members die in every regulation: common random numbers). See decision 0008.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from kongtun.projection.engine.assumptions import (
    ENTRANT_GROUPS,
    AssumptionError,
    Assumptions,
    default_assumptions,
)
from kongtun.projection.engine.kernel import (
    CHUNK,
    COUNT_NAMES,
    FLOW_NAMES,
    Cancelled,
    SimSpec,
    simulate,
)
from kongtun.projection.engine.model import Model, build_model
from kongtun.projection.engine.population import PlanClass, Population
from kongtun.projection.engine.result import QUANTILES, ProjectionResult
from kongtun.regulations.engine import Regulation

__all__ = [
    "CHUNK",
    "ENTRANT_GROUPS",
    "MEMORY_LIMIT_MB",
    "QUANTILES",
    "AssumptionError",
    "Assumptions",
    "Cancelled",
    "Estimate",
    "PlanClass",
    "Population",
    "ProjectionResult",
    "build_model",
    "default_assumptions",
    "estimate",
    "project",
]

#: A run whose estimated memory exceeds this is refused before it starts.
MEMORY_LIMIT_MB = 1024
#: Seconds per (column × scenario × year) measured by ``make bench`` on one core, rounded up;
#: used only to tell the user roughly how long a run will take.
SECONDS_PER_CELL_YEAR = 8e-9


@dataclass(frozen=True)
class Estimate:
    columns: int
    rows: int
    chunk_mb: float
    results_mb: float
    tables_mb: float
    total_mb: float
    seconds: float

    @property
    def fits(self) -> bool:
        return self.total_mb <= MEMORY_LIMIT_MB


def estimate(
    population: Population, a: Assumptions, regulations: int, *, workers: int = 1
) -> Estimate:
    """Memory and time before running (decision 0008):

    * columns ``C`` = cells on the start date + new-member columns (≤ 20 a year);
    * per chunk of ``CHUNK`` scenarios: members and leavers (2 × 4 bytes), next-leaving points
      (8), a flag (1) and temporaries (≈ 10) per column and scenario → ``C × CHUNK × 31``
      bytes, in each worker;
    * results: the balance of every scenario, year and regulation (8 bytes) plus means;
    * tables: hazards and weights per column and year (≈ (3 + 12 × regulations) × 8 bytes).
    """
    groups = sum(1 for g in ENTRANT_GROUPS if a.entrant_ages.get(g, 0) > 0) * 2
    new_cols = a.years * groups if a.new_members > 0 else 0
    C = population.cells + new_cols
    rows = 1 + regulations * 12
    chunk = min(CHUNK, a.scenarios)
    chunk_mb = C * chunk * 31 / 2**20 * max(1, workers)
    results_mb = regulations * a.scenarios * (a.years + 1) * 8 * 2 / 2**20
    tables_mb = C * a.years * (3 + rows) * 8 / 2**20
    seconds = C * a.scenarios * a.years * SECONDS_PER_CELL_YEAR * regulations**0.5 / max(1, workers)
    return Estimate(
        columns=C,
        rows=rows,
        chunk_mb=chunk_mb,
        results_mb=results_mb,
        tables_mb=tables_mb,
        total_mb=chunk_mb + results_mb + tables_mb,
        seconds=seconds,
    )


def check(
    population: Population, a: Assumptions, regulations: int, *, workers: int = 1
) -> Estimate:
    """Validate the assumptions and the memory estimate; raise ``AssumptionError``."""
    a.validate()
    est = estimate(population, a, regulations, workers=workers)
    if not est.fits:
        per_scenario = est.results_mb / max(1, a.scenarios)
        room = MEMORY_LIMIT_MB - est.chunk_mb - est.tables_mb
        most = int(room / per_scenario) if per_scenario > 0 and room > 0 else 0
        raise AssumptionError(
            [
                (
                    "scenarios",
                    "too_much_memory",
                    {
                        "needed_mb": math.ceil(est.total_mb),
                        "limit_mb": MEMORY_LIMIT_MB,
                        "max_scenarios": max(0, most),
                    },
                )
            ]
        )
    return est


def project(
    regulations: list[tuple[str, Regulation]],
    population: Population,
    assumptions: Assumptions,
    *,
    workers: int = 1,
    progress: Callable[[float], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    start_method: str | None = None,
) -> ProjectionResult:
    if not regulations:
        raise AssumptionError([("regulations", "required", {})])
    check(population, assumptions, len(regulations), workers=workers)
    t0 = time.perf_counter()
    model = build_model(regulations, population, assumptions)
    t1 = time.perf_counter()
    if progress is not None:
        progress(0.0)
    spec = SimSpec.of(model)
    chunks = simulate(
        spec,
        assumptions.scenarios,
        workers=workers,
        progress=progress,
        cancelled=cancelled,
        start_method=start_method,
    )
    t2 = time.perf_counter()
    return combine(model, chunks, seconds=(t1 - t0, t2 - t1))


def combine(
    model: Model, chunks: list, *, seconds: tuple[float, float] = (0.0, 0.0)
) -> ProjectionResult:
    a = model.assumptions
    S = a.scenarios
    balance = np.concatenate([c.balance for c in chunks], axis=1)
    flows = sum(c.flows for c in chunks) / S
    counts = sum(c.counts for c in chunks) / S
    benefits = [sum(c.benefits[r] for c in chunks) / S for r in range(len(model.regs))]
    info = {
        "columns": model.C,
        "cells": int((model.entry == 1).sum()),
        "rows": model.K,
        "decide_calls": model.decide_calls,
        "build_seconds": round(seconds[0], 3),
        "simulate_seconds": round(seconds[1], 3),
        "not_modelled": [[list(x) for x in rm.tables.not_modelled] for rm in model.regs],
        "lifetime_caps": [rm.tables.lifetime_caps for rm in model.regs],
        "benefit_kinds": [rm.benefit_kinds for rm in model.regs],
    }
    return ProjectionResult(
        start_year=a.start.year,
        years=a.years,
        scenarios=S,
        seed=a.seed,
        labels=[rm.label for rm in model.regs],
        balance=balance,
        flow_names=list(FLOW_NAMES),
        flows=flows,
        benefit_codes=[rm.benefit_codes for rm in model.regs],
        benefits=benefits,
        count_names=list(COUNT_NAMES),
        counts=counts,
        info=info,
    )

"""The demographic rates the demo's life events are drawn from: the same UN WPP 2024 tables
the projection uses (decision 0024), so the demo's books and the projection's first year can
agree — a demo whose members die a fifth as often as Thailand's makes every projection look
wrong."""

from __future__ import annotations

import datetime as dt
from functools import cache

import numpy as np

from kongtun.projection.engine.assumptions import default_assumptions
from kongtun.projection.engine.model import _q_by_year, event_rates


@cache
def _year(year: int) -> dict[str, np.ndarray]:
    a = default_assumptions(dt.date(year, 1, 1), years=1)
    q = _q_by_year(a)
    r = event_rates(a, q)
    relatives = ("spouse_death", "mother_death", "father_death", "child_death")
    return {"death": q[0], **{k: r[k][0] for k in relatives}}


def yearly_rate(source: str, *, year: int, sex: str, age: int) -> float:
    """Probability (deaths) or expected events (relatives' deaths) in a year for a member of
    ``age`` and ``sex`` ('F'/'M')."""
    table = _year(min(max(year, 2000), 2049))[source]
    return float(table[0 if sex == "F" else 1, min(max(age, 0), 100)])

"""The fund's members as cells: how many members share an age, sex, years of membership and
contribution plan on the projection's start date. No names, no IDs: only counts."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from kongtun.regulations.engine import age_on, completed_months

__all__ = ["PlanClass", "Population"]

MAX_AGE = 100


@dataclass(frozen=True)
class PlanClass:
    """A contribution plan: ``amount`` baht every ``months`` months."""

    amount: float
    months: int

    @property
    def annual(self) -> float:
        return self.amount * 12.0 / self.months


@dataclass(frozen=True)
class Population:
    """Cells of members on the start date. ``age`` and ``dur`` are completed years (ages above
    100 count as 100); ``sex`` 0 = female, 1 = male; ``plan`` indexes ``plans``."""

    age: np.ndarray
    sex: np.ndarray
    dur: np.ndarray
    plan: np.ndarray
    count: np.ndarray
    plans: tuple[PlanClass, ...]
    entrant_plan: int = 0

    @property
    def members(self) -> int:
        return int(self.count.sum())

    @property
    def cells(self) -> int:
        return len(self.count)

    @classmethod
    def from_members(
        cls,
        members: Iterable[tuple[dt.date, str, dt.date, float | None, int | None]],
        *,
        start: dt.date,
        default_plan: PlanClass = PlanClass(30.0, 1),
    ) -> Population:
        """``members``: (birth_date, sex 'F'/'M', join_date, plan amount, plan months) of each
        member in the fund on ``start`` (plan None: the default plan)."""
        counts: Counter = Counter()
        plans: list[PlanClass] = []
        index: dict[PlanClass, int] = {}
        for birth, sex, join, amount, months in members:
            plan = (
                default_plan
                if amount is None or not months
                else PlanClass(float(amount), int(months))
            )
            if plan not in index:
                index[plan] = len(plans)
                plans.append(plan)
            if join > start:
                continue
            age = min(MAX_AGE, max(0, age_on(birth, start)))
            dur = max(0, completed_months(join, start) // 12)
            counts[(age, 0 if sex in ("F", "female") else 1, dur, index[plan])] += 1
        if not plans:
            plans = [default_plan]
            index[default_plan] = 0
        keys = sorted(counts)
        usage = Counter()
        for k in keys:
            usage[k[3]] += counts[k]
        entrant = max(usage, key=usage.get) if usage else 0
        arr = np.array(keys, dtype=np.int64).reshape(-1, 4)
        return cls(
            age=arr[:, 0].copy(),
            sex=arr[:, 1].copy(),
            dur=arr[:, 2].copy(),
            plan=arr[:, 3].copy(),
            count=np.array([counts[k] for k in keys], dtype=np.int64),
            plans=tuple(plans),
            entrant_plan=entrant,
        )

    def to_dict(self) -> dict:
        return {
            "cells": [
                [int(a), int(s), int(d), int(p), int(n)]
                for a, s, d, p, n in zip(
                    self.age, self.sex, self.dur, self.plan, self.count, strict=True
                )
            ],
            "plans": [[p.amount, p.months] for p in self.plans],
            "entrant_plan": self.entrant_plan,
        }

    @classmethod
    def from_dict(cls, d: dict) -> Population:
        cells = np.array(d["cells"], dtype=np.int64).reshape(-1, 5)
        return cls(
            age=cells[:, 0].copy(),
            sex=cells[:, 1].copy(),
            dur=cells[:, 2].copy(),
            plan=cells[:, 3].copy(),
            count=cells[:, 4].copy(),
            plans=tuple(PlanClass(float(a), int(m)) for a, m in d["plans"]),
            entrant_plan=int(d.get("entrant_plan", 0)),
        )

    def age_pyramid(self) -> dict[tuple[int, int], int]:
        """Members by (5-year group first age, sex)."""
        out: Counter = Counter()
        for a, s, n in zip(self.age, self.sex, self.count, strict=True):
            out[(int(a) // 5 * 5, int(s))] += int(n)
        return dict(out)

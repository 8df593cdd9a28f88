"""What a projection answers, and how it is stored (one compressed ``.npz`` per run)."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field

import numpy as np

__all__ = ["QUANTILES", "ProjectionResult"]

#: Percentiles of the fan chart and the tables.
QUANTILES = (5, 25, 50, 75, 95)


@dataclass
class ProjectionResult:
    start_year: int
    years: int
    scenarios: int
    seed: int
    labels: list[str]
    balance: np.ndarray  # (R, S, T+1) baht at the end of each year; index 0 = opening
    flow_names: list[str]
    flows: np.ndarray  # (R, F, T) means over scenarios
    benefit_codes: list[list[str]]
    benefits: list[np.ndarray]  # per regulation (B, T) means
    count_names: list[str]
    counts: np.ndarray  # (4, T) means: members at year end, deaths, exits, entrants
    info: dict = field(default_factory=dict)

    # ---- questions --------------------------------------------------------------------------
    def quantiles(self, r: int) -> np.ndarray:
        """(len(QUANTILES), T+1) percentiles of the balance by year."""
        return np.percentile(self.balance[r], QUANTILES, axis=0)

    def mean_balance(self, r: int) -> np.ndarray:
        return self.balance[r].mean(axis=0)

    def ruin_probability(self, r: int) -> np.ndarray:
        """(T+1,) share of scenarios whose balance was below zero at the end of some year up
        to and including each year."""
        below = np.minimum.accumulate(self.balance[r], axis=1) < 0
        return below.mean(axis=0)

    def median_negative_year(self, r: int) -> int | None:
        """First projection year (1-based) whose median balance is below zero."""
        med = np.median(self.balance[r], axis=0)
        neg = np.flatnonzero(med[1:] < 0)
        return int(neg[0]) + 1 if neg.size else None

    def money_in(self, r: int) -> np.ndarray:
        names = self.flow_names
        return sum(
            self.flows[r, names.index(n)]
            for n in (
                "contributions",
                "fees",
                "entrance_fees",
                "matching_local",
                "matching_central",
                "interest",
            )
        )

    def money_out(self, r: int) -> np.ndarray:
        return self.benefits[r].sum(axis=0) + self.flows[r, self.flow_names.index("admin")]

    def calendar_years(self) -> list[int]:
        return [self.start_year + t for t in range(self.years)]

    # ---- storage -------------------------------------------------------------------------
    def to_npz(self, *, keep_scenarios: bool = True) -> bytes:
        buf = io.BytesIO()
        arrays = {
            "flows": self.flows,
            "counts": self.counts,
            **{f"benefits_{i}": b for i, b in enumerate(self.benefits)},
        }
        if keep_scenarios:
            arrays["balance"] = self.balance.astype(np.float32)
        meta = {
            "start_year": self.start_year,
            "years": self.years,
            "scenarios": self.scenarios,
            "seed": self.seed,
            "labels": self.labels,
            "flow_names": self.flow_names,
            "benefit_codes": self.benefit_codes,
            "count_names": self.count_names,
            "info": self.info,
        }
        arrays["meta"] = np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)
        np.savez_compressed(buf, **arrays)
        return buf.getvalue()

    @classmethod
    def from_npz(cls, data: bytes) -> ProjectionResult:
        with np.load(io.BytesIO(data), allow_pickle=False) as z:
            meta = json.loads(bytes(z["meta"]).decode("utf-8"))
            n = len(meta["labels"])
            return cls(
                start_year=meta["start_year"],
                years=meta["years"],
                scenarios=meta["scenarios"],
                seed=meta["seed"],
                labels=meta["labels"],
                balance=z["balance"].astype(np.float64),
                flow_names=meta["flow_names"],
                flows=z["flows"],
                benefit_codes=meta["benefit_codes"],
                benefits=[z[f"benefits_{i}"] for i in range(n)],
                count_names=meta["count_names"],
                counts=z["counts"],
                info=meta.get("info", {}),
            )

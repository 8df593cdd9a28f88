"""What a projection assumes: every rate and amount the user can see and edit, with its default
and where the default comes from, and the checks that refuse nonsense before anything runs.

Plain data (JSON-ready through ``to_dict``/``from_dict``) so a saved run can be repeated exactly.
Errors are data too: ``AssumptionError.errors`` is a list of ``(field, code, params)``; the Django
side turns the codes into sentences in the user's language.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import asdict, dataclass, field, fields

from kongtun.projection import rates

__all__ = [
    "ENTRANT_GROUPS",
    "LIMITS",
    "AssumptionError",
    "Assumptions",
    "default_assumptions",
]

#: New members join at one of these ages (the first age of their 5-year group + 2: the middle).
ENTRANT_GROUPS: tuple[int, ...] = tuple(range(15, 65, 5))
MAX_YEARS = 100
#: Event sources whose rate may be uncertain (weighed from the fund's own claims).
UNCERTAIN_SOURCES = ("hospital", "outpatient", "education", "disability")
MAX_SCENARIOS = 1_000_000


class AssumptionError(ValueError):
    def __init__(self, errors: list[tuple[str, str, dict]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{f}: {c} {p}" for f, c, p in errors))


@dataclass
class Assumptions:
    start: dt.date
    years: int = 30
    scenarios: int = 1000
    seed: int = 1
    opening_balance: float = 0.0
    # members
    new_members: float = 0.0
    new_members_growth: float = 0.0
    entrant_ages: dict[int, float] = field(default_factory=dict)
    entrant_female_share: float = 0.5
    exit_rate: float = 0.02
    # money
    compliance: float = 0.9
    # matching money as the agreements say (decision 0006, 0024): per baht of a member's
    # contributions (ratio), at most ``_cap`` baht a member a year (0: no cap), plus a fixed
    # amount per member a year (e.g. 365 baht a head)
    matching_local: float = 0.0
    matching_central: float = 0.0
    matching_local_cap: float = 0.0
    matching_central_cap: float = 0.0
    matching_local_per_member: float = 0.0
    matching_central_per_member: float = 0.0
    matching_growth: float = 0.0
    interest_rate: float = 0.005
    admin_share: float = 0.0
    # mortality (base period 2025-2030, per sex, the 22 WPP groups)
    mx: dict[str, list[float]] = field(default_factory=dict)
    mortality_improvement: bool = True
    mortality_multiplier: float = 1.0
    # fertility
    tfr: float = 1.2
    pasfr: dict[int, float] = field(default_factory=dict)
    # health
    admissions_under60: float = 0.13
    admissions_60plus: float = 0.22
    mean_nights: float = 4.25
    # the fund's own nights per stay {nights: share} (decision 0024), used instead of the
    # geometric law while their mean is ``mean_nights`` (an edited average means that law)
    nights_shares: dict[int, float] = field(default_factory=dict)
    outpatient_under60: float = 3.53
    outpatient_60plus: float = 6.33
    # relatives
    married_share: float = 0.6
    parent_age_gap: int = 27
    child_age_gap: int = 27
    # events with no published rate (per member per year)
    disability_rate: float = 0.002
    education_rate: float = 0.02
    disaster_rate: float = 0.01
    other_rate: float = 0.0
    # uncertainty of rates estimated from the fund's own claims (decision 0024): {event source:
    # shape k of the gamma law of the rate's multiplier (mean 1, CV 1/√k)}; each scenario draws
    # its multiplier once. Absent: the rate is taken as known.
    rate_uncertainty: dict[str, float] = field(default_factory=dict)

    # ---- conversions --------------------------------------------------------------------
    def to_dict(self) -> dict:
        d = asdict(self)
        d["start"] = self.start.isoformat()
        d["entrant_ages"] = {str(k): v for k, v in self.entrant_ages.items()}
        d["pasfr"] = {str(k): v for k, v in self.pasfr.items()}
        d["nights_shares"] = {str(k): v for k, v in self.nights_shares.items()}
        return d

    @classmethod
    def from_dict(cls, d: dict) -> Assumptions:
        names = {f.name for f in fields(cls)}
        data = {k: v for k, v in d.items() if k in names}
        data["start"] = dt.date.fromisoformat(str(d["start"]))
        data["entrant_ages"] = {int(k): float(v) for k, v in d.get("entrant_ages", {}).items()}
        data["pasfr"] = {int(k): float(v) for k, v in d.get("pasfr", {}).items()}
        data["nights_shares"] = {int(k): float(v) for k, v in d.get("nights_shares", {}).items()}
        data["mx"] = {s: [float(x) for x in v] for s, v in d.get("mx", {}).items()}
        data["rate_uncertainty"] = {
            str(k): float(v) for k, v in d.get("rate_uncertainty", {}).items()
        }
        return cls(**data)

    # ---- derived ------------------------------------------------------------------------
    def matching_per_member(self, source: str, contribution: float) -> float:
        """Matching baht a year for a member who pays ``contribution`` baht a year (after
        compliance): ratio × contribution, at most the cap, plus the amount per head (paid for
        the members who pay: × compliance)."""
        ratio = getattr(self, f"matching_{source}")
        cap = getattr(self, f"matching_{source}_cap")
        per_baht = ratio * contribution
        if cap > 0:
            per_baht = min(per_baht, cap * self.compliance)
        return per_baht + getattr(self, f"matching_{source}_per_member") * self.compliance

    def nights_law(self) -> dict[int, float] | None:
        """The fund's own nights per stay when they are what ``mean_nights`` says, else None
        (the geometric law with that mean)."""
        total = sum(self.nights_shares.values())
        if total <= 0:
            return None
        mean = sum(k * v for k, v in self.nights_shares.items()) / total
        return self.nights_shares if abs(mean - self.mean_nights) < 0.006 else None

    def entrants(self, year: int) -> float:
        """Expected new members in projection year ``year`` (1-based)."""
        return self.new_members * (1.0 + self.new_members_growth) ** (year - 1)

    def validate(self) -> None:
        """Raise ``AssumptionError`` listing every value that cannot be projected."""
        errs: list[tuple[str, str, dict]] = []

        def num(name: str, value: object) -> float | None:
            if isinstance(value, bool) or not isinstance(value, int | float):
                errs.append((name, "not_number", {}))
                return None
            if not math.isfinite(value):
                errs.append((name, "not_number", {}))
                return None
            return float(value)

        def prob(name: str, value: object) -> None:
            v = num(name, value)
            if v is not None and not 0.0 <= v <= 1.0:
                errs.append((name, "not_probability", {"value": v}))

        def growth(name: str, value: object) -> None:
            v = num(name, value)
            if v is not None and v < -1.0:
                errs.append((name, "below_minus_100", {"value": v}))

        def between(name: str, value: object, lo: float, hi: float) -> None:
            v = num(name, value)
            if v is not None and not lo <= v <= hi:
                errs.append((name, "out_of_range", {"value": v, "min": lo, "max": hi}))

        if not isinstance(self.years, int) or self.years < 1:
            errs.append(("years", "too_few", {"min": 1}))
        elif self.years > MAX_YEARS:
            errs.append(("years", "too_many_years", {"max": MAX_YEARS, "value": self.years}))
        if not isinstance(self.scenarios, int) or self.scenarios < 1:
            errs.append(("scenarios", "too_few", {"min": 1}))
        elif self.scenarios > MAX_SCENARIOS:
            errs.append(
                ("scenarios", "too_many_scenarios", {"max": MAX_SCENARIOS, "value": self.scenarios})
            )
        if not isinstance(self.seed, int) or not 0 <= self.seed < 2**63:
            errs.append(("seed", "out_of_range", {"min": 0, "max": 2**63 - 1}))
        num("opening_balance", self.opening_balance)
        between("new_members", self.new_members, 0, 1_000_000)
        growth("new_members_growth", self.new_members_growth)
        for k, v in self.entrant_ages.items():
            if k not in ENTRANT_GROUPS:
                errs.append((f"entrant_ages.{k}", "out_of_range", {"value": k}))
            else:
                between(f"entrant_ages.{k}", v, 0, 1e9)
        if self.new_members > 0 and sum(max(0.0, v) for v in self.entrant_ages.values()) <= 0:
            errs.append(("entrant_ages", "sum_zero", {}))
        prob("entrant_female_share", self.entrant_female_share)
        prob("exit_rate", self.exit_rate)
        prob("compliance", self.compliance)
        between("matching_local", self.matching_local, 0, 1000)
        between("matching_central", self.matching_central, 0, 1000)
        for name in (
            "matching_local_cap",
            "matching_central_cap",
            "matching_local_per_member",
            "matching_central_per_member",
        ):
            between(name, getattr(self, name), 0, 1_000_000)
        growth("matching_growth", self.matching_growth)
        growth("interest_rate", self.interest_rate)
        prob("admin_share", self.admin_share)
        for sex in rates.SEXES:
            values = self.mx.get(sex)
            if values is None or len(values) != len(rates.MX_GROUPS):
                errs.append((f"mx.{sex}", "incomplete", {"count": len(rates.MX_GROUPS)}))
                continue
            for i, v in enumerate(values):
                prob(f"mx.{sex}.{i}", v)
        between("mortality_multiplier", self.mortality_multiplier, 0, 10)
        if not errs:
            worst = max(max(self.mx[s]) for s in rates.SEXES) * self.mortality_multiplier
            if worst > 1:
                errs.append(("mortality_multiplier", "not_probability", {"value": worst}))
        between("tfr", self.tfr, 0, 15)
        for k, v in self.pasfr.items():
            if k not in rates.FERTILITY_GROUPS:
                errs.append((f"pasfr.{k}", "out_of_range", {"value": k}))
            else:
                between(f"pasfr.{k}", v, 0, 100)
        between("admissions_under60", self.admissions_under60, 0, 50)
        between("admissions_60plus", self.admissions_60plus, 0, 50)
        between("mean_nights", self.mean_nights, 1, 365)
        for k, v in self.nights_shares.items():
            if not isinstance(k, int) or k < 1:
                errs.append((f"nights_shares.{k}", "out_of_range", {"value": k}))
            else:
                between(f"nights_shares.{k}", v, 0, 1)
        between("outpatient_under60", self.outpatient_under60, 0, 365)
        between("outpatient_60plus", self.outpatient_60plus, 0, 365)
        prob("married_share", self.married_share)
        between("parent_age_gap", self.parent_age_gap, 12, 60)
        between("child_age_gap", self.child_age_gap, 12, 60)
        for name in ("disability_rate", "education_rate", "disaster_rate", "other_rate"):
            prob(name, getattr(self, name))
        for source, shape in self.rate_uncertainty.items():
            if source not in UNCERTAIN_SOURCES:
                errs.append((f"rate_uncertainty.{source}", "out_of_range", {"value": source}))
            else:
                between(f"rate_uncertainty.{source}", shape, 0.01, 1e9)
        if errs:
            raise AssumptionError(errs)


#: Limits shown next to the fields (used by the form and the checks above).
LIMITS = {"years": MAX_YEARS, "scenarios": MAX_SCENARIOS}


def default_assumptions(start: dt.date, **overrides: object) -> Assumptions:
    """The published figures (UN WPP 2024, NHSO) and the stated assumptions; the Django side
    replaces the fund-specific ones (balance, new members, exits, money) from the fund's books."""
    table = rates.wpp_mx()
    hosp = rates.hospital_figures()
    a = Assumptions(
        start=start,
        mx={s: list(table[(s, rates.BASE_PERIOD)]) for s in rates.SEXES},
        tfr=rates.wpp_tfr()[rates.LAST_OBSERVED_TFR_YEAR],
        pasfr=rates.pasfr_for_year(start.year),
        admissions_under60=hosp.admissions_under60,
        admissions_60plus=hosp.admissions_60plus,
        mean_nights=hosp.mean_nights,
        outpatient_under60=hosp.outpatient_under60,
        outpatient_60plus=hosp.outpatient_60plus,
        entrant_ages={g: 1.0 for g in ENTRANT_GROUPS},
    )
    for k, v in overrides.items():
        setattr(a, k, v)
    return a

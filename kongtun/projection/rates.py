"""Demographic and health rates for Thailand, from the tables copied into ``data/`` (each keeps
its source header), and the conversions the projection needs. Pure Python + numpy, no Django.

Mortality (UN WPP 2024, central death rates ``nMx`` by 5-year group and sex):

* ``nqx = n·nMx / (1 + (n − nax)·nMx)`` (the standard mx→qx conversion, Preston, Heuveline and
  Guillot, *Demography*, 2001, eq. 3.3), with ``nax = n/2`` for the 5-year groups and, for the
  first two groups, the Coale–Demeny "West" values of the same book's table 3.3:

  ========  =====================================  =====================================
  group     males                                  females
  ========  =====================================  =====================================
  ``1a0``   0.045 + 2.684·m0 (0.330 if m0 ≥ 0.107)  0.053 + 2.800·m0 (0.350 if m0 ≥ 0.107)
  ``4a1``   1.651 − 2.816·m0 (1.352 if m0 ≥ 0.107)  1.522 − 1.518·m0 (1.361 if m0 ≥ 0.107)
  ========  =====================================  =====================================

  (``m0`` is the rate at age 0 of the same sex and period.)
* A one-year probability for each single age of the group: ``1 − (1 − nqx)^(1/n)`` (the
  hazard is taken as constant inside the group).
* The open group 100+ has no width: its one-year probability is ``1 − exp(−m)`` (a constant
  force of mortality ``m``, the open group's own assumption).

Fertility (UN WPP 2024): the age-specific fertility rate of women in a 5-year group is
``ASFR = TFR × pASFR / 100 / 5`` births per woman per year (pASFR is the group's share of the
TFR in percent; the division by 5 spreads the group's share over its five years of age).

Hospital use (NHSO, MOPH, see ``thailand_hospitalization_rates.csv``): admissions and outpatient
visits per person per year for under-60s and 60+, and the average length of stay. These are the
only age groups published; the projection says so next to them.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parent / "data"

#: First age of each WPP mortality group: 0, 1-4, 5-9, …, 95-99, 100+.
MX_GROUPS: tuple[int, ...] = (0, 1, *range(5, 101, 5))
#: Width of each group; 0 marks the open group 100+.
MX_WIDTHS: tuple[int, ...] = (1, 4, *([5] * 19), 0)
MX_LABELS: tuple[str, ...] = ("0", "1-4", *(f"{a}-{a + 4}" for a in range(5, 100, 5)), "100+")
#: The WPP 5-year periods in the table; ``period_of(year)`` picks one.
MX_PERIODS: tuple[str, ...] = (
    "2000-2005",
    "2005-2010",
    "2010-2015",
    "2015-2020",
    "2020-2025",
    "2025-2030",
    "2030-2035",
    "2035-2040",
    "2040-2045",
    "2045-2050",
)
BASE_PERIOD = "2025-2030"
#: Fertility groups of mothers, first age; 50-54 is 0 in the table and left out.
FERTILITY_GROUPS: tuple[int, ...] = (10, 15, 20, 25, 30, 35, 40, 45)
MAX_AGE = 100  # single ages 0..100; 100 stands for 100+
SEXES = ("F", "M")

SOURCES = {
    "mortality": (
        "United Nations, DESA, Population Division. World Population Prospects 2024 (CC BY 3.0 "
        "IGO), central death rates nMx for Thailand by 5-year age group and sex, via "
        "github.com/PPgp/wpp2024 (data-raw/mxM5.txt, mxF5.txt); medium variant after 2023."
    ),
    "fertility": (
        "United Nations, DESA, Population Division. World Population Prospects 2024: total "
        "fertility rate (data-raw/tfr.txt) and percent age-specific fertility (percentASFR5.txt) "
        "for Thailand, via github.com/PPgp/wpp2024."
    ),
    "hospital": (
        "NHSO (National Health Security Office) figures for Universal Coverage members, FY2022: "
        "0.13 admissions and 3.53 outpatient visits per person per year under 60, 0.22 and 6.33 "
        "at 60 and over (reported by thethaiger.com); average length of stay of UC inpatients "
        "4.25 days in 2020 (MOPH, reported by thecoverage.info)."
    ),
    "national_matching": (
        "CODI (codi.or.th), totals of all community welfare funds on 31 Aug 2013: members' money "
        "2,807.15 M baht, local-government matching 155.71 M, central government via CODI "
        "1,058.64 M."
    ),
    "conversion": (
        "Preston, Heuveline and Guillot, Demography: Measuring and Modeling Population "
        "Processes (2001), eq. 3.3 and table 3.3 (Coale-Demeny West a0, 4a1)."
    ),
}


#: The same citations in Thai for Thai pages (titles, file names and figures as published).
SOURCES_TH = {
    "mortality": (
        "กองประชากร กรมกิจการเศรษฐกิจและสังคม องค์การสหประชาชาติ, World Population Prospects "
        "2024 (CC BY 3.0 IGO): อัตราตายกลาง nMx ของประเทศไทย รายกลุ่มอายุ 5 ปีและเพศ จาก "
        "github.com/PPgp/wpp2024 (data-raw/mxM5.txt, mxF5.txt); หลังปี 2566 เป็นค่าคาดประมาณ"
        "กรณีกลาง"
    ),
    "fertility": (
        "กองประชากร องค์การสหประชาชาติ, World Population Prospects 2024: อัตราเจริญพันธุ์รวม "
        "(data-raw/tfr.txt) และสัดส่วนอัตราเจริญพันธุ์ตามอายุ (percentASFR5.txt) ของประเทศไทย "
        "จาก github.com/PPgp/wpp2024"
    ),
    "hospital": (
        "สำนักงานหลักประกันสุขภาพแห่งชาติ (สปสช.) ผู้มีสิทธิหลักประกันสุขภาพถ้วนหน้า ปีงบประมาณ "
        "2565: อายุต่ำกว่า 60 ปี นอนโรงพยาบาล 0.13 ครั้ง และผู้ป่วยนอก 3.53 ครั้งต่อคนต่อปี; "
        "อายุ 60 ปีขึ้นไป 0.22 และ 6.33 ครั้ง (รายงานโดย thethaiger.com); วันนอนเฉลี่ย 4.25 วัน "
        "ในปี 2563 (กระทรวงสาธารณสุข รายงานโดย thecoverage.info)"
    ),
    "national_matching": (
        "สถาบันพัฒนาองค์กรชุมชน (พอช., codi.or.th) ยอดรวมกองทุนสวัสดิการชุมชนทั้งประเทศ ณ 31 "
        "ส.ค. 2556: เงินสมทบของสมาชิก 2,807.15 ล้านบาท, องค์กรปกครองส่วนท้องถิ่นสมทบ 155.71 "
        "ล้านบาท, รัฐบาลผ่าน พอช. 1,058.64 ล้านบาท"
    ),
    "conversion": (
        "Preston, Heuveline และ Guillot, Demography: Measuring and Modeling Population "
        "Processes (2544), สมการ 3.3 และตาราง 3.3 (ค่า a0, 4a1 ของ Coale-Demeny West)"
    ),
}


def sources(lang: str) -> dict[str, str]:
    """The citations in the page's language."""
    return SOURCES_TH if lang == "th" else SOURCES


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8") as f:
        lines = [line for line in f if not line.startswith("#")]
    return list(csv.DictReader(lines))


@cache
def wpp_mx() -> dict[tuple[str, str], tuple[float, ...]]:
    """{(sex 'F'|'M', period): nMx for the 22 groups of ``MX_GROUPS``}, verbatim from the CSV."""
    out: dict[tuple[str, str], list[float]] = {}
    sex_code = {"female": "F", "male": "M"}
    for row in _rows("thailand_mx_wpp2024_5yr.csv"):
        sex = sex_code.get(row["sex"])
        if sex is None:
            continue
        for period in MX_PERIODS:
            out.setdefault((sex, period), []).append(float(row[f"mx_{period}"]))
    for key, values in out.items():
        if len(values) != len(MX_GROUPS):
            raise ValueError(f"mortality table incomplete for {key}")
    return {k: tuple(v) for k, v in out.items()}


@cache
def wpp_tfr() -> dict[str, float]:
    """{year or period: TFR} verbatim."""
    return {row["year_or_period"]: float(row["tfr"]) for row in _rows("thailand_tfr_wpp2024.csv")}


LAST_OBSERVED_TFR_YEAR = "2023"


@cache
def wpp_pasfr() -> dict[int, dict[int, float]]:
    """{calendar year: {mother's group first age: percent of TFR}} verbatim (2010-2030)."""
    out: dict[int, dict[int, float]] = {}
    for row in _rows("thailand_pasfr_wpp2024.csv"):
        first = int(row["mother_age_group"].split("-")[0])
        if first not in FERTILITY_GROUPS:
            continue
        for key, value in row.items():
            if key.startswith("pct_"):
                out.setdefault(int(key[4:]), {})[first] = float(value)
    return out


@dataclass(frozen=True)
class HospitalFigures:
    admissions_under60: float
    admissions_60plus: float
    outpatient_under60: float
    outpatient_60plus: float
    mean_nights: float


@cache
def hospital_figures() -> HospitalFigures:
    rows = _rows("thailand_hospitalization_rates.csv")

    def pick(indicator: str, age: str | None = None, population: str | None = None) -> float:
        for r in rows:
            if r["indicator"] != indicator:
                continue
            if age is not None and not r["age_group"].startswith(age):
                continue
            if population is not None and not r["population"].startswith(population):
                continue
            return float(r["value"])
        raise KeyError(indicator)

    return HospitalFigures(
        admissions_under60=pick("inpatient_admissions_per_person_per_year", "under 60"),
        admissions_60plus=pick("inpatient_admissions_per_person_per_year", "60+"),
        outpatient_under60=pick("outpatient_visits_per_person_per_year", "under 60"),
        outpatient_60plus=pick("outpatient_visits_per_person_per_year", "60+"),
        mean_nights=pick("average_length_of_stay", population="UC"),
    )


# ---- conversions -------------------------------------------------------------------------


def nax(group_index: int, sex: str, m0: float) -> float:
    """Average years lived in the group by those who die in it (see the module docstring)."""
    first = MX_GROUPS[group_index]
    if first == 0:
        if sex == "M":
            return 0.330 if m0 >= 0.107 else 0.045 + 2.684 * m0
        return 0.350 if m0 >= 0.107 else 0.053 + 2.800 * m0
    if first == 1:
        if sex == "M":
            return 1.352 if m0 >= 0.107 else 1.651 - 2.816 * m0
        return 1.361 if m0 >= 0.107 else 1.522 - 1.518 * m0
    return MX_WIDTHS[group_index] / 2


def nqx(mx: tuple[float, ...] | list[float], sex: str) -> list[float]:
    """Probability of dying within each closed group (1.0 for the open group 100+)."""
    m0 = mx[0]
    out = []
    for i, m in enumerate(mx):
        n = MX_WIDTHS[i]
        if n == 0:
            out.append(1.0)
            continue
        a = nax(i, sex, m0)
        out.append(min(1.0, n * m / (1 + (n - a) * m)))
    return out


def annual_q(mx: tuple[float, ...] | list[float], sex: str) -> np.ndarray:
    """One-year probability of dying at each single age 0..100 (100 = 100+)."""
    q_groups = nqx(mx, sex)
    q = np.empty(MAX_AGE + 1)
    for i, first in enumerate(MX_GROUPS):
        n = MX_WIDTHS[i]
        if n == 0:
            q[first] = -math.expm1(-mx[i])
            continue
        q[first : first + n] = 1.0 - (1.0 - q_groups[i]) ** (1.0 / n)
    return q


def group_of_age(age: int) -> int:
    """Index in ``MX_GROUPS`` of a single age."""
    if age <= 0:
        return 0
    if age < 5:
        return 1
    return min(len(MX_GROUPS) - 1, 1 + age // 5)


def period_of(year: int) -> str:
    """The WPP period a calendar year falls in (2025 → 2025-2030); outside the table, the
    nearest period."""
    for p in MX_PERIODS:
        lo, hi = (int(x) for x in p.split("-"))
        if lo <= year < hi:
            return p
    return MX_PERIODS[0] if year < int(MX_PERIODS[0][:4]) else MX_PERIODS[-1]


def mx_for_year(
    base: dict[str, list[float]], year: int, *, improvement: bool
) -> dict[str, list[float]]:
    """Rates for a calendar year: the (possibly edited) base-period rates, scaled group by group
    by WPP's own change from the base period to the year's period when ``improvement`` is on."""
    if not improvement:
        return {s: list(base[s]) for s in SEXES}
    table = wpp_mx()
    period = period_of(year)
    out = {}
    for s in SEXES:
        ref = table[(s, BASE_PERIOD)]
        target = table[(s, period)]
        out[s] = [
            b * (t / r if r > 0 else 1.0) for b, t, r in zip(base[s], target, ref, strict=True)
        ]
    return out


def asfr(tfr: float, pasfr: dict[int, float]) -> np.ndarray:
    """Births per woman per year at each single age 0..100 (0 outside 10-49)."""
    out = np.zeros(MAX_AGE + 1)
    for first in FERTILITY_GROUPS:
        out[first : first + 5] = tfr * pasfr.get(first, 0.0) / 100.0 / 5.0
    return out


def pasfr_for_year(year: int) -> dict[int, float]:
    table = wpp_pasfr()
    years = sorted(table)
    y = min(max(year, years[0]), years[-1])
    return dict(table[y])


def life_table_lx(q: np.ndarray) -> np.ndarray:
    """Survivors to each exact age 0..101 out of 1 from one-year probabilities."""
    lx = np.ones(len(q) + 1)
    lx[1:] = np.cumprod(1.0 - q)
    return lx

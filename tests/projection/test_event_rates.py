"""The event rates every stream of the projection uses (``model.event_rates``, shared with the
per-member reference), against values worked out here from the copied source tables with the
csv module and the formulas of decision 0008 — not with ``rates.py``. A hospital rate × 2, an
outpatient rate × 1.5 or a wrong spouse's death rate fails here."""

from __future__ import annotations

import csv
import datetime as dt
import math
from pathlib import Path

import pytest

from kongtun.projection.engine import default_assumptions
from kongtun.projection.engine.model import _q_by_year, event_rates

DATA = Path(__file__).resolve().parents[2] / "kongtun" / "projection" / "data"


def rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8") as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


def mx(sex: str, period: str = "2025-2030") -> dict[int, float]:
    word = {"F": "female", "M": "male"}[sex]
    return {
        int(r["age_start"]): float(r[f"mx_{period}"])
        for r in rows("thailand_mx_wpp2024_5yr.csv")
        if r["sex"] == word
    }


def q_of(sex: str, age: int, period: str = "2025-2030") -> float:
    """One-year probability of dying at a single age, written out from the table."""
    m = mx(sex, period)
    if age >= 100:
        return 1 - math.exp(-m[100])
    if age == 0:
        a0 = (0.045 + 2.684 * m[0]) if sex == "M" else (0.053 + 2.800 * m[0])
        return m[0] / (1 + (1 - a0) * m[0])
    if age < 5:
        a1 = (1.651 - 2.816 * m[0]) if sex == "M" else (1.522 - 1.518 * m[0])
        q4 = 4 * m[1] / (1 + (4 - a1) * m[1])
        return 1 - (1 - q4) ** (1 / 4)
    first = age // 5 * 5
    q5 = 5 * m[first] / (1 + 2.5 * m[first])
    return 1 - (1 - q5) ** (1 / 5)


def survival(sex: str, start: int, end: int) -> float:
    out = 1.0
    for x in range(start, end):
        out *= 1 - q_of(sex, x)
    return out


def hospital(indicator: str, age: str) -> float:
    for r in rows("thailand_hospitalization_rates.csv"):
        if r["indicator"] == indicator and r["age_group"].startswith(age):
            return float(r["value"])
    raise KeyError(indicator)


@pytest.fixture(scope="module")
def rates_2026():
    a = default_assumptions(dt.date(2026, 1, 1), years=6, mortality_improvement=True)
    return a, event_rates(a, _q_by_year(a))


F, M = 0, 1


def test_hospital_and_outpatient_rates_are_the_nhso_figures(rates_2026):
    _a, r = rates_2026
    adm = "inpatient_admissions_per_person_per_year"
    opd = "outpatient_visits_per_person_per_year"
    assert r["hospital"][0, F, 59] == pytest.approx(hospital(adm, "under 60")) == 0.13
    assert r["hospital"][0, M, 60] == pytest.approx(hospital(adm, "60+")) == 0.22
    assert r["outpatient"][3, F, 30] == pytest.approx(hospital(opd, "under 60")) == 3.53
    assert r["outpatient"][3, M, 75] == pytest.approx(hospital(opd, "60+")) == 6.33


def test_births_are_tfr_times_the_groups_share_over_five(rates_2026):
    _a, r = rates_2026
    tfr = {x["year_or_period"]: float(x["tfr"]) for x in rows("thailand_tfr_wpp2024.csv")}["2023"]
    share = next(
        float(x["pct_2026"])
        for x in rows("thailand_pasfr_wpp2024.csv")
        if x["mother_age_group"] == "25-29"
    )
    assert r["birth"][0, F, 27] == pytest.approx(tfr * share / 100 / 5, rel=1e-12)
    assert r["birth"][0, M, 27] == 0.0
    assert r["birth"][0, F, 55] == 0.0


def test_a_spouses_death_is_the_married_share_times_the_other_sexs_rate(rates_2026):
    a, r = rates_2026
    assert r["spouse_death"][0, F, 50] == pytest.approx(0.6 * q_of("M", 50), rel=1e-12)
    assert r["spouse_death"][0, M, 50] == pytest.approx(0.6 * q_of("F", 50), rel=1e-12)
    assert a.married_share == 0.6


def test_a_parents_death_follows_the_parent_from_the_members_birth(rates_2026):
    _a, r = rates_2026
    # member of 40, parents 27 years older: alive at 67 and dying in the year
    mother = survival("F", 27, 67) * q_of("F", 67)
    father = survival("M", 27, 67) * q_of("M", 67)
    assert r["mother_death"][0, F, 40] == pytest.approx(mother, rel=1e-10)
    assert r["father_death"][0, M, 40] == pytest.approx(father, rel=1e-10)


def test_a_childs_death_is_tfr_times_a_child_surviving_to_its_age_and_dying(rates_2026):
    a, r = rates_2026
    c = 40 - 27
    child = a.tfr * 0.5 * (survival("F", 0, c) * q_of("F", c) + survival("M", 0, c) * q_of("M", c))
    assert r["child_death"][0, F, 40] == pytest.approx(child, rel=1e-10)
    assert r["child_death"][0, F, 20] == 0.0


def test_later_periods_scale_mortality_as_wpp_projects(rates_2026):
    _a, r = rates_2026
    # 2031 is in 2030-2035: the 50-54 rate scaled by WPP's own change from 2025-2030
    m_base, m_next = mx("M")[50], mx("M", "2030-2035")[50]
    m = m_base * (m_next / m_base)
    q5 = 5 * m / (1 + 2.5 * m)
    assert r["spouse_death"][5, F, 50] == pytest.approx(0.6 * (1 - (1 - q5) ** 0.2), rel=1e-10)


def test_rates_with_no_source_are_the_stated_assumptions(rates_2026):
    _a, r = rates_2026
    assert r["disability"][0, F, 40] == 0.002
    assert r["education"][0, M, 40] == 0.02
    assert r["disaster"][0, M, 70] == 0.01

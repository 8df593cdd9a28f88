"""mx → qx and fertility conversions, checked against values computed by hand from the copied
UN WPP 2024 table (numbers below are the arithmetic written out, not the code's output)."""

from __future__ import annotations

import math

import pytest

from kongtun.projection import rates as R


def mx(sex: str, period: str = "2025-2030") -> tuple[float, ...]:
    return R.wpp_mx()[(sex, period)]


def test_the_copied_table_is_verbatim_and_keeps_its_source():
    text = (R.DATA / "thailand_mx_wpp2024_5yr.csv").read_text()
    assert text.startswith("# Source: United Nations, DESA, Population Division")
    assert mx("M")[R.MX_GROUPS.index(60)] == 0.01427981  # male 60-64, 2025-2030
    assert mx("F")[0] == 0.00646623
    assert len(mx("F")) == 22


def test_five_year_group_uses_half_the_width_for_nax():
    # male 60-64, 2025-2030: 5q60 = 5·m / (1 + 2.5·m), m = 0.01427981
    q5 = R.nqx(mx("M"), "M")[R.MX_GROUPS.index(60)]
    assert q5 == pytest.approx(5 * 0.01427981 / (1 + 2.5 * 0.01427981), rel=1e-12)
    assert q5 == pytest.approx(0.06893799627840903, rel=1e-12)
    # one-year probability at each age 60..64: 1 − (1 − 5q60)^(1/5)
    annual = R.annual_q(mx("M"), "M")
    assert annual[60] == annual[64] == pytest.approx(0.01418432197078523, rel=1e-12)
    # compounding five one-year survivals gives back the group's survival
    assert (1 - annual[60]) ** 5 == pytest.approx(1 - q5, rel=1e-12)


def test_first_year_of_life_uses_coale_demeny_a0():
    # female, 2025-2030: m0 = 0.00646623, a0 = 0.053 + 2.800·m0 = 0.071105444
    assert R.nax(0, "F", 0.00646623) == pytest.approx(0.071105444, rel=1e-12)
    q0 = R.annual_q(mx("F"), "F")[0]
    assert q0 == pytest.approx(0.00646623 / (1 + (1 - 0.071105444) * 0.00646623), rel=1e-12)
    assert q0 == pytest.approx(0.0064276228315512055, rel=1e-12)


def test_ages_one_to_four_use_coale_demeny_4a1():
    # male, 2025-2030: m0 = 0.0081153, 4m1 = 0.00049783, 4a1 = 1.651 − 2.816·m0
    a = R.nax(1, "M", 0.0081153)
    assert a == pytest.approx(1.6281473152, rel=1e-12)
    q4 = 4 * 0.00049783 / (1 + (4 - a) * 0.00049783)
    assert q4 == pytest.approx(0.0019889714634248956, rel=1e-12)
    annual = R.annual_q(mx("M"), "M")
    assert annual[1] == annual[4] == pytest.approx(0.0004976141724493122, rel=1e-12)


def test_high_mortality_a0_and_4a1_branches():
    assert R.nax(0, "M", 0.2) == 0.330
    assert R.nax(0, "F", 0.107) == 0.350
    assert R.nax(1, "M", 0.12) == 1.352
    assert R.nax(1, "F", 0.2) == 1.361


def test_open_group_has_a_constant_force_of_mortality():
    annual = R.annual_q(mx("F"), "F")
    assert annual[100] == pytest.approx(1 - math.exp(-0.32298739), rel=1e-12)
    assert annual[100] == pytest.approx(0.2760170162642206, rel=1e-12)


def test_probabilities_rise_with_age_after_childhood_and_stay_below_one():
    for sex in R.SEXES:
        q = R.annual_q(mx(sex), sex)
        assert ((q > 0) & (q < 1)).all()
        assert all(q[a] <= q[a + 5] for a in range(30, 95))


def test_periods():
    assert R.period_of(2025) == "2025-2030"
    assert R.period_of(2029) == "2025-2030"
    assert R.period_of(2030) == "2030-2035"
    assert R.period_of(2080) == "2045-2050"
    assert R.period_of(1990) == "2000-2005"


def test_mortality_improvement_follows_wpp_ratios_group_by_group():
    base = {s: list(mx(s)) for s in R.SEXES}
    same = R.mx_for_year(base, 2026, improvement=True)
    assert same == base
    later = R.mx_for_year(base, 2041, improvement=True)
    assert later["M"][R.MX_GROUPS.index(60)] == pytest.approx(
        mx("M", "2040-2045")[R.MX_GROUPS.index(60)]
    )
    # an edited base rate is scaled by WPP's own change
    edited = {s: [2 * v for v in base[s]] for s in R.SEXES}
    assert R.mx_for_year(edited, 2041, improvement=True)["F"][3] == pytest.approx(
        2 * mx("F", "2040-2045")[3]
    )
    assert R.mx_for_year(base, 2041, improvement=False) == base


def test_asfr_is_tfr_times_share_over_five():
    pasfr = R.pasfr_for_year(2025)
    assert pasfr[25] == 26.011761
    f = R.asfr(1.212465, pasfr)
    assert f[25] == f[29] == pytest.approx(1.212465 * 26.011761 / 100 / 5, rel=1e-12)
    assert f[25] == pytest.approx(0.06307669960172999, rel=1e-12)
    assert f[9] == 0 and f[50] == 0
    # summing over single ages gives back the TFR times the shares' total
    assert f.sum() == pytest.approx(1.212465 * sum(pasfr.values()) / 100, rel=1e-9)
    assert R.pasfr_for_year(2040) == R.pasfr_for_year(2030)  # after the table: its last year


def test_hospital_figures_are_the_published_ones():
    h = R.hospital_figures()
    assert (h.admissions_under60, h.admissions_60plus) == (0.13, 0.22)
    assert (h.outpatient_under60, h.outpatient_60plus) == (3.53, 6.33)
    assert h.mean_nights == 4.25
    assert R.wpp_tfr()["2023"] == 1.212465


def test_life_table_survivors():
    q = R.annual_q(mx("F"), "F")
    lx = R.life_table_lx(q)
    assert lx[0] == 1 and lx[1] == pytest.approx(1 - q[0])
    assert (lx[1:] <= lx[:-1]).all()

"""Why a line of the first projected year stands far from the books: the reasons are read from
the books and the regulations (``projection.checks``), and a far line the books cannot explain
keeps its warning."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

import kongtun.projection.services as services
from kongtun.projection.checks import BAND, Facts, explain, poisson_range, reason_text, within
from tests.conftest import TODAY


def cdf(k: int, mean: float) -> float:
    """P(X ≤ k) for X ~ Poisson(mean), summed term by term."""
    if k < 0:
        return 0.0
    return sum(math.exp(i * math.log(mean) - mean - math.lgamma(i + 1)) for i in range(k + 1))


@settings(max_examples=60, deadline=None)
@given(st.floats(min_value=0.01, max_value=1500, allow_nan=False))
def test_the_usual_range_holds_the_central_95_percent_of_the_poisson_law(mean):
    low, high = poisson_range(mean)
    assert low <= high
    assert cdf(low - 1, mean) <= 0.025 + 1e-9 < cdf(low, mean) + 1e-9  # P(X < low) ≤ 2.5 %
    assert 1 - cdf(high, mean) <= 0.025 + 1e-9  # P(X > high) ≤ 2.5 %
    assert 1 - cdf(high - 1, mean) > 0.025 - 1e-9  # and high is the least such


def test_the_band_is_25_percent_either_way():
    assert BAND == (0.75, 1.25)
    assert within(0.75) and within(1.25) and within(1.0)
    assert not within(0.74) and not within(1.26) and not within(None)


def test_a_line_within_the_band_needs_no_reason():
    assert explain(Facts(actual=1000, projected=1200, payments=1, mean_payment=1000)) is None


def test_few_claims_are_chance_with_the_usual_range():
    """Banthi's funerals in the demo: 26 payments of about 12,400 baht where the first year
    expects 233,570 baht — 18.8 payments; 11 to 28 happen 19 years in 20."""
    f = Facts(actual=322_500, projected=233_570, payments=26, mean_payment=12_400)
    code, params = explain(f)
    assert code == "chance"
    assert (params["low"], params["high"]) == poisson_range(233_570 / 12_400)
    assert params["low"] <= 26 <= params["high"]
    # a member's deaths are counted, not paid
    assert explain(Facts(actual=7, projected=4.52, count=True))[0] == "chance_deaths"


def test_a_far_line_with_many_payments_is_not_excused_as_chance():
    """The demo's old pensions: 336 monthly payments of 200 baht where 1,100 were due. No
    reason in the books: the line keeps its warning."""
    f = Facts(
        actual=67_200,
        projected=221_372,
        payments=336,
        mean_payment=200,
        yearly_average=60_000,
    )
    assert explain(f) is None


def test_the_regulation_changing_within_the_twelve_months_comes_first():
    changed = Facts(
        actual=100, projected=900, payments=1, mean_payment=100, changed_on=dt.date(2026, 4, 1)
    )
    assert explain(changed) == ("changed", {"date": dt.date(2026, 4, 1)})
    rules = Facts(actual=100, projected=900, projected_rules="ร่างระเบียบ")
    assert explain(rules) == ("rules", {"label": "ร่างระเบียบ"})


def test_new_and_never_paid_benefits():
    assert explain(Facts(actual=0, projected=500, never_paid=True)) == ("never", {})
    new = Facts(actual=500, projected=2000, first_paid=dt.date(2026, 9, 5))
    assert explain(new) == ("new", {"date": dt.date(2026, 9, 5)})
    # a benefit first paid this year says nothing of books above the projection
    assert explain(Facts(actual=2000, projected=500, first_paid=dt.date(2026, 9, 5))) is None


def test_claims_the_projection_leaves_out_explain_only_when_they_close_the_gap():
    f = Facts(actual=20_000, projected=10_000, unmodelled=9_000)
    code, params = explain(f)
    assert code == "unmodelled" and params["ratio"] == pytest.approx(10_000 / 11_000)
    assert explain(Facts(actual=20_000, projected=10_000, unmodelled=1_000)) is None
    assert explain(Facts(actual=800, projected=0, unmodelled=800)) == ("unmodelled_all", {})


def test_bursts_explain_a_high_year_or_an_empty_one():
    day = dt.date(2022, 10, 3)
    high = Facts(actual=33_000, projected=2_500, burst_now=(30, 33, day))
    assert explain(high) == ("burst_now", {"n": 30, "total": 33, "date": day})
    empty = Facts(actual=0, projected=2_500, burst_past=(33, 53, day))
    assert explain(empty) == ("burst_past", {"n": 33, "total": 53, "date": day})
    # a burst in the past does not excuse a year above the projection
    assert explain(Facts(actual=33_000, projected=2_500, burst_past=(33, 53, day))) is None


def test_an_unusual_year_against_the_last_three():
    f = Facts(actual=20_000, projected=13_000, yearly_average=14_000)
    code, params = explain(f)
    assert code == "average" and params["ratio"] == pytest.approx(13 / 14)
    assert explain(Facts(actual=20_000, projected=13_000, yearly_average=20_000)) is None


def test_reasons_read_in_thai_by_default_and_in_english():
    with translation.override("th"):
        text = reason_text("changed", {"date": dt.date(2026, 4, 1)})
        assert text.startswith("ระเบียบเปลี่ยนเมื่อ") and "2569" in text
        chance = reason_text("chance", {"n": 1, "expected": 1.8, "low": 0, "high": 5})
        assert "มีการเบิก 1 ครั้งใน 12 เดือน" in chance and "ค่าสุ่ม" in chance
    with translation.override("en"):
        assert "1 payment in twelve months" in reason_text(
            "chance", {"n": 1, "expected": 1.8, "low": 0, "high": 5}
        )
        assert "changed on 1 Apr 2026" in reason_text("changed", {"date": dt.date(2026, 4, 1)})


# ---- read from a fund's books and versions ------------------------------------------------


@pytest.fixture
def inline_runs(monkeypatch, settings, tmp_path):
    monkeypatch.setattr(services, "RUN_IN_BACKGROUND", False)
    settings.MEDIA_ROOT = tmp_path


def _project(fund, source_key: str):
    from kongtun.projection.selectors import books_check
    from kongtun.projection.sources import regulation_sources

    d = services.projection_defaults(fund=fund, today=TODAY)
    d.assumptions.scenarios, d.assumptions.years = 200, 2
    src = next(s for s in regulation_sources(fund) if s.key == source_key)
    run = services.run_create(
        fund=fund,
        actor=None,
        assumptions=d.assumptions,
        regulations=[services.RegulationInput(src.label, src.key, src.content)],
        population=d.population,
    )
    services.run_start(run, background=False)
    return {r["role"]: r for r in books_check(run=run)}


def _pay_hospital(fund, amount: str, days_ago: int) -> None:
    from kongtun.ledger.services import EntryDraft, LineDraft, account_for, entry_post

    entry_post(
        fund=fund,
        draft=EntryDraft(
            date=TODAY - dt.timedelta(days=days_ago),
            description="ค่านอนโรงพยาบาล",
            lines=[
                LineDraft(account=account_for(fund, "benefit:hospital"), debit=Decimal(amount)),
                LineDraft(account=account_for(fund, "cash"), credit=Decimal(amount)),
            ],
        ),
        actor=None,
        today=TODAY,
    )


@pytest.mark.django_db
def test_a_regulation_amended_within_the_year_is_the_reason_given(world, inline_runs):
    """Hospital nights paid 100 baht until an amendment 100 days ago paid 300: the first
    projected year is far from the books, and the page says the regulation changed that day."""
    from tests.claims.helpers import approved, opening_money, set_amount

    fund = world.fund_a
    opening_money(fund)
    approved(fund)
    amended_on = TODAY - dt.timedelta(days=100)
    version = approved(fund, effective=amended_on, change=set_amount("hospital", "300"))
    _pay_hospital(fund, "5000", 200)
    row = _project(fund, f"version:{version.pk}")["benefit:hospital"]
    assert row["far"] and row["reason_code"] == "changed"
    assert "ระเบียบเปลี่ยนเมื่อ" in row["reason"]  # Thai by default


@pytest.mark.django_db
def test_projecting_other_rules_than_those_in_force_is_the_reason_given(world, inline_runs):
    """The books paid under the Banthi rules (in force since 2009); the projection runs the
    Thaneun prototype, which pays hospital nights otherwise."""
    from tests.claims.helpers import approved, opening_money

    fund = world.fund_a
    opening_money(fund)
    approved(fund)
    _pay_hospital(fund, "5000", 200)
    row = _project(fund, "prototype:thaneun")["benefit:hospital"]
    assert row["far"] and row["reason_code"] == "rules"


@pytest.mark.django_db
def test_a_far_line_the_books_cannot_explain_keeps_its_warning(world, inline_runs, client):
    """5,000 baht of hospital nights in one entry under the rules in force all along, for a
    fund of three: nothing in the books says why, so the run page warns."""
    from tests.claims.helpers import approved, opening_money

    fund = world.fund_a
    opening_money(fund)
    version = approved(fund)
    _pay_hospital(fund, "4000", 300)
    _pay_hospital(fund, "4000", 200)
    _pay_hospital(fund, "4000", 100)
    row = _project(fund, f"version:{version.pk}")["benefit:hospital"]
    assert row["far"] and row["reason"] == ""
    from kongtun.projection.models import ProjectionRun

    run = ProjectionRun.objects.filter(fund=fund).latest("pk")
    client.force_login(world.chair_a)
    page = client.get(f"/f/{fund.pk}/projection/runs/{run.pk}/").content.decode()
    assert "บัญชีไม่บอกเหตุผล" in page and "ควรทบทวนอัตรา" in page

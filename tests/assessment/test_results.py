"""Scores of a hand-made round: what a committee reads on the results page."""

from __future__ import annotations

import datetime as dt
import statistics

import pytest

from kongtun.assessment.models import Factor
from kongtun.assessment.selectors import previous_round, round_results
from kongtun.assessment.services import RespondentInput, respondent_submit, round_close
from tests.assessment.samples import make_round

pytestmark = pytest.mark.django_db


def _qs(rnd, code: str) -> list[int]:
    return [
        rq.question_id
        for rq in rnd.round_questions.filter(question__factor__code=code).order_by("position")
    ]


def _answer(rnd, group: str, answers: dict[int, int]) -> None:
    respondent_submit(round=rnd, data=RespondentInput(group=group, answers=answers), actor=None)


@pytest.fixture
def hand_made(world):
    """Four people answer the two Leader statements and one Equity statement."""
    rnd = make_round(world.fund_a)
    leader = _qs(rnd, "leader")
    equity = _qs(rnd, "equity")
    _answer(rnd, "committee", {leader[0]: 5, leader[1]: 4, equity[0]: 2})  # leader 4.5
    _answer(rnd, "committee", {leader[0]: 4, leader[1]: 4, equity[0]: 1})  # leader 4.0
    _answer(rnd, "member", {leader[0]: 3, leader[1]: 2, equity[0]: 3})  # leader 2.5
    _answer(rnd, "member", {leader[0]: 3})  # leader 3.0, skipped equity
    return rnd


def _factor(results, code: str):
    return next(fr for fr in results.factors if fr.factor.code == code)


def test_score_spread_and_n_per_factor(hand_made):
    results = round_results(hand_made)
    leader = _factor(results, "leader")
    assert leader.total.n == 4
    assert leader.total.mean == pytest.approx(3.5)
    assert leader.total.sd == pytest.approx(statistics.stdev([4.5, 4.0, 2.5, 3.0]))
    equity = _factor(results, "equity")
    assert (equity.total.n, equity.total.mean) == (3, pytest.approx(2.0))
    assert _factor(results, "networking").total.n == 0
    assert _factor(results, "networking").total.mean is None
    assert results.respondents == 4


def test_scores_by_respondent_group(hand_made):
    leader = _factor(round_results(hand_made), "leader")
    assert leader.by_group["committee"].mean == pytest.approx(4.25)
    assert leader.by_group["committee"].n == 2
    assert leader.by_group["member"].mean == pytest.approx(2.75)
    assert "volunteer" not in leader.by_group


def test_weakest_factors_are_flagged_with_the_studys_recommendation(hand_made, world, client):
    results = round_results(hand_made)
    assert [fr.factor.code for fr in results.weakest] == ["equity", "leader"]
    client.force_login(world.chair_a)
    page = client.get(f"/f/{world.fund_a.pk}/assessment/rounds/{hand_made.pk}/").content.decode()
    equity = Factor.objects.get(code="equity")
    assert equity.name_th in page
    assert equity.recommendation_th[:40] in page
    assert '<svg class="radar"' in page


def test_comparison_with_the_previous_round(world):
    first = make_round(world.fund_a, title="รอบแรก", opened_on=dt.date(2025, 10, 1))
    leader = _qs(first, "leader")
    _answer(first, "member", {leader[0]: 2, leader[1]: 2})
    round_close(round=first, actor=None)
    second = make_round(world.fund_a, title="รอบสอง", opened_on=dt.date(2026, 10, 1))
    _answer(second, "member", {leader[0]: 4, leader[1]: 3})
    assert previous_round(second) == first
    assert previous_round(first) is None
    results = round_results(second)
    row = _factor(results, "leader")
    assert (row.previous, row.delta) == (pytest.approx(2.0), pytest.approx(1.5))
    assert results.previous_round == first


def test_the_coordinator_compares_two_areas(world, client, make_user):
    from kongtun.funds.models import Role
    from kongtun.funds.services import role_grant

    rnd_a = make_round(world.fund_a)
    rnd_b = make_round(world.fund_b, title="รอบของกองทุนบี")
    q = _qs(rnd_a, "leader")[0]
    qb = _qs(rnd_b, "leader")[0]
    _answer(rnd_a, "member", {q: 4})
    _answer(rnd_b, "member", {qb: 2})
    role_grant(fund=world.fund_b, user=world.coordinator, role=Role.COORDINATOR, actor=None)
    client.force_login(world.coordinator)
    url = f"/f/{world.fund_a.pk}/assessment/rounds/{rnd_a.pk}/?compare={rnd_b.pk}"
    response = client.get(url)
    assert response.context["results"].previous_round == rnd_b
    assert _factor(response.context["results"], "leader").previous == pytest.approx(2.0)
    assert world.fund_b.name_th in response.content.decode()


def test_a_chair_cannot_compare_with_a_fund_where_they_hold_no_role(world, client):
    rnd_a = make_round(world.fund_a)
    rnd_b = make_round(world.fund_b, title="รอบของกองทุนบี")
    _answer(rnd_b, "member", {_qs(rnd_b, "leader")[0]: 2})
    client.force_login(world.chair_a)
    response = client.get(f"/f/{world.fund_a.pk}/assessment/rounds/{rnd_a.pk}/?compare={rnd_b.pk}")
    assert response.status_code == 200
    assert response.context["results"].previous_round is None
    page = response.content.decode()
    assert world.fund_b.name_th not in page and "รอบของกองทุนบี" not in page
    # and fund B's round itself is not found
    assert client.get(f"/f/{world.fund_b.pk}/assessment/rounds/{rnd_b.pk}/").status_code == 404
    assert client.get(f"/f/{world.fund_a.pk}/assessment/rounds/{rnd_b.pk}/").status_code == 404

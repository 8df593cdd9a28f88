"""Answering on a phone and from paper; bad input refused with the field named."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from kongtun.assessment.models import Answer, Respondent
from kongtun.assessment.services import (
    RespondentInput,
    paper_forms_enter,
    question_update,
    respondent_submit,
    respondent_update,
    round_close,
)
from tests.assessment.samples import make_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def rnd(world):
    return make_round(world.fund_a)


def _qids(rnd) -> list[int]:
    return list(rnd.round_questions.order_by("position").values_list("question_id", flat=True))


def _submit(rnd, answers, **kw):
    return respondent_submit(round=rnd, data=RespondentInput(answers=answers, **kw), actor=None)


@pytest.mark.parametrize("value", [0, 6, -1, 15])
def test_an_answer_outside_the_scale_is_refused_on_its_statement(rnd, value):
    q1, q2 = _qids(rnd)[:2]
    with pytest.raises(ValidationError) as exc:
        _submit(rnd, {q1: 4, q2: value}, group="member")
    assert list(exc.value.message_dict) == [f"q_{q2}"]
    assert (
        "1" in exc.value.message_dict[f"q_{q2}"][0] and "5" in exc.value.message_dict[f"q_{q2}"][0]
    )
    assert Respondent.objects.count() == 0 and Answer.objects.count() == 0


def test_the_database_itself_refuses_an_answer_of_6(rnd):
    respondent = _submit(rnd, {_qids(rnd)[0]: 3}, group="member")
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.create(respondent=respondent, question_id=_qids(rnd)[1], value=6)


def test_a_named_respondent_answers_once_per_round(rnd):
    q = _qids(rnd)[0]
    _submit(rnd, {q: 4}, group="leader", name="สมศรี  ใจดี")
    with pytest.raises(ValidationError) as exc:
        _submit(rnd, {q: 2}, group="leader", name="สมศรี ใจดี")  # spacing differs, same person
    assert list(exc.value.message_dict) == ["name"]
    assert "สมศรี ใจดี" in exc.value.message_dict["name"][0]
    assert Respondent.objects.count() == 1


def test_anonymous_people_may_answer_many_times_and_a_double_tap_counts_once(rnd):
    q = _qids(rnd)[0]
    _submit(rnd, {q: 4}, group="member")
    _submit(rnd, {q: 4}, group="member")
    key = uuid.uuid4()
    first = _submit(rnd, {q: 5}, group="member", submission_key=key)
    again = _submit(rnd, {q: 5}, group="member", submission_key=key)
    assert first.pk == again.pk
    assert Respondent.objects.filter(round=rnd).count() == 3


def test_a_closed_round_refuses_new_answers_and_corrections(rnd):
    q = _qids(rnd)[0]
    respondent = _submit(rnd, {q: 3}, group="member")
    round_close(round=rnd, actor=None)
    with pytest.raises(ValidationError) as exc:
        _submit(rnd, {q: 4}, group="member")
    assert "round" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        respondent_update(
            respondent=respondent, data=RespondentInput(group="member", answers={q: 5})
        )
    assert "round" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        paper_forms_enter(
            round=rnd,
            rows=[RespondentInput(group="member", answers={q: 1}, channel="paper")],
            actor=None,
        )
    assert "round" in exc.value.message_dict
    assert Answer.objects.get(respondent=respondent).value == 3
    with pytest.raises(ValidationError):
        round_close(round=rnd, actor=None)


def test_paper_forms_are_saved_all_together_or_not_at_all(rnd):
    q1, q2 = _qids(rnd)[:2]
    good = RespondentInput(
        group="member", answers={q1: 4, q2: 5}, channel="paper", paper_form_number="1"
    )
    bad = RespondentInput(
        group="volunteer", answers={q1: 7}, channel="paper", paper_form_number="2"
    )
    with pytest.raises(ValidationError) as exc:
        paper_forms_enter(round=rnd, rows=[good, bad], actor=None)
    assert list(exc.value.message_dict) == ["row_2"]
    message = exc.value.message_dict["row_2"][0]
    assert "2" in message and "1" in message  # row 2, question 1
    assert Respondent.objects.count() == 0
    again = RespondentInput(group="member", answers={q1: 3}, channel="paper", paper_form_number="1")
    with pytest.raises(ValidationError) as exc:
        paper_forms_enter(round=rnd, rows=[good, again], actor=None)
    assert "row_2" in exc.value.message_dict  # the same paper form typed twice
    saved = paper_forms_enter(round=rnd, rows=[good], actor=None)
    assert [r.channel for r in saved] == ["paper"]


def test_an_answered_statement_keeps_its_wording(rnd):
    q = rnd.round_questions.order_by("position").first().question
    _submit(rnd, {q.pk: 4}, group="member")
    with pytest.raises(ValidationError) as exc:
        question_update(question=q, text_th=q.text_th + " แก้", text_en=q.text_en, active=True)
    assert "text_th" in exc.value.message_dict
    question_update(question=q, text_th=q.text_th, text_en=q.text_en, active=False)
    q.refresh_from_db()
    assert q.active is False


# --- the pages -------------------------------------------------------------------------------


def test_answer_on_a_phone(rnd, world, client):
    client.force_login(world.member_login_a)  # a plain member may answer
    url = f"/f/{world.fund_a.pk}/assessment/rounds/{rnd.pk}/answer/"
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'type="radio"' in html and "ผู้นำกองทุนมีวิสัยทัศน์" in html
    q1, q2 = _qids(rnd)[:2]
    response = client.post(url, {"group": "member", f"q_{q1}": "5", f"q_{q2}": "๔"})
    assert response.status_code == 302
    assert sorted(Answer.objects.values_list("value", flat=True)) == [4, 5]


def test_phone_page_shows_the_statement_refused(rnd, world, client):
    client.force_login(world.chair_a)
    url = f"/f/{world.fund_a.pk}/assessment/rounds/{rnd.pk}/answer/"
    q1, q2 = _qids(rnd)[:2]
    response = client.post(url, {"group": "member", f"q_{q1}": "4", f"q_{q2}": "6"})
    assert response.status_code == 400
    assert f"q_{q2}" in response.context["form"].errors
    html = response.content.decode()
    assert 'role="alert"' in html and "ข้อ 2" in html  # "statement 2", in Thai
    assert Respondent.objects.count() == 0


def test_phone_page_of_a_closed_round(rnd, world, client):
    round_close(round=rnd, actor=None)
    client.force_login(world.chair_a)
    url = f"/f/{world.fund_a.pk}/assessment/rounds/{rnd.pk}/answer/"
    assert 'name="group"' not in client.get(url).content.decode()
    response = client.post(url, {"group": "member", f"q_{_qids(rnd)[0]}": "4"})
    assert response.status_code == 400
    assert "ปิดแล้ว" in response.content.decode()
    assert Respondent.objects.count() == 0


def test_paper_grid(rnd, world, client):
    client.force_login(world.chair_a)
    url = f"/f/{world.fund_a.pk}/assessment/rounds/{rnd.pk}/paper/"
    q = _qids(rnd)
    data = {
        "rows": "10",
        "r1-form": "101",
        "r1-group": "leader",
        f"r1-q{q[0]}": "3",
        f"r1-q{q[1]}": "๕",
    }
    data |= {"r3-form": "102", "r3-group": "member", f"r3-q{q[0]}": "0"}
    response = client.post(url, data)
    assert response.status_code == 400
    assert Respondent.objects.count() == 0
    assert response.context["grid"].row_errors.keys() == {3}
    data[f"r3-q{q[0]}"] = "2"
    response = client.post(url, data)
    assert response.status_code == 302
    assert list(
        Respondent.objects.order_by("paper_form_number").values_list("paper_form_number", "group")
    ) == [
        ("101", "leader"),
        ("102", "member"),
    ]


def test_the_secretary_corrects_a_typed_form(rnd, world, client):
    q = _qids(rnd)[0]
    respondent = respondent_submit(
        round=rnd,
        data=RespondentInput(
            group="member", answers={q: 2}, channel="paper", paper_form_number="7"
        ),
        actor=None,
    )
    client.force_login(world.chair_a)
    url = f"/f/{world.fund_a.pk}/assessment/rounds/{rnd.pk}/respondents/{respondent.pk}/"
    response = client.post(url, {"group": "member", "paper_form_number": "7", f"q_{q}": "4"})
    assert response.status_code == 302
    assert Answer.objects.get(respondent=respondent).value == 4


def test_treasurer_may_type_in_but_coordinator_and_member_may_not(rnd, world, client):
    url = f"/f/{world.fund_a.pk}/assessment/rounds/{rnd.pk}/paper/"
    client.force_login(world.coordinator)
    assert client.get(url).status_code == 403
    client.force_login(world.member_login_a)
    assert client.get(url).status_code == 403
    assert client.get(f"/f/{world.fund_a.pk}/assessment/rounds/{rnd.pk}/").status_code == 403
    client.force_login(world.treasurer_a)
    assert client.get(url).status_code == 200

"""One response per respondent per round: a login answers once for itself; people without a
login answer with a one-time code printed on a slip, which the answer burns."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from kongtun.assessment.models import Respondent, ResponseCode
from kongtun.assessment.services import (
    RespondentInput,
    code_display,
    codes_create,
    respondent_submit,
)
from tests.assessment.samples import make_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def rnd(world):
    return make_round(world.fund_a)


def _q(rnd) -> int:
    return rnd.round_questions.order_by("position").first().question_id


def _answer_url(world, rnd) -> str:
    return f"/f/{world.fund_a.pk}/assessment/rounds/{rnd.pk}/answer/"


def test_a_login_answers_once_per_round(rnd, world, client):
    client.force_login(world.member_login_a)
    url = _answer_url(world, rnd)
    assert client.post(url, {"group": "member", f"q_{_q(rnd)}": "4"}).status_code == 302
    again = client.post(url, {"group": "member", f"q_{_q(rnd)}": "2"})
    assert again.status_code == 400
    assert "code" in again.context["form"].errors
    assert "ตอบ" in again.content.decode()  # said in Thai
    assert Respondent.objects.filter(round=rnd).count() == 1
    # the page says so before the member types anything
    assert 'role="status"' in client.get(url).content.decode()
    # another round is another matter
    other = make_round(world.fund_a, title="รอบสอง")
    assert (
        client.post(
            _answer_url(world, other), {"group": "member", f"q_{_q(other)}": "4"}
        ).status_code
        == 302
    )


def test_the_database_refuses_a_second_answer_of_the_same_login(rnd, world):
    data = RespondentInput(group="member", answers={_q(rnd): 3})
    first = respondent_submit(round=rnd, data=data, actor=world.member_login_a)
    assert first.self_answered
    with pytest.raises(IntegrityError), transaction.atomic():
        Respondent.objects.create(
            round=rnd,
            group="member",
            channel="phone",
            entered_by=world.member_login_a,
            self_answered=True,
        )


def test_codes_are_made_printed_and_each_answers_once(rnd, world, client):
    client.force_login(world.chair_a)
    codes_url = f"/f/{world.fund_a.pk}/assessment/rounds/{rnd.pk}/codes/"
    assert client.post(codes_url, {"count": "3"}).status_code == 302
    codes = list(ResponseCode.objects.filter(round=rnd))
    assert len(codes) == 3 and len({c.code for c in codes}) == 3
    page = client.get(codes_url).content.decode()
    assert all(code_display(c.code) in page for c in codes)
    url = _answer_url(world, rnd)
    client.post(url, {"group": "committee", f"q_{_q(rnd)}": "5"})  # the chair, for himself
    # a neighbour with a slip answers on the chair's phone; case and dash do not matter
    typed = code_display(codes[0].code).lower()
    assert (
        client.post(url, {"group": "member", "code": typed, f"q_{_q(rnd)}": "3"}).status_code == 302
    )
    burned = client.post(url, {"group": "member", "code": codes[0].code, f"q_{_q(rnd)}": "1"})
    assert burned.status_code == 400 and "code" in burned.context["form"].errors
    wrong = client.post(url, {"group": "member", "code": "AAAA-AAAA", f"q_{_q(rnd)}": "1"})
    assert wrong.status_code == 400 and "code" in wrong.context["form"].errors
    assert list(burned.context["form"].errors["code"]) != list(wrong.context["form"].errors["code"])
    assert Respondent.objects.filter(round=rnd).count() == 2
    codes[0].refresh_from_db()
    assert codes[0].used_at is not None and codes[0].respondent.group == "member"
    # used codes leave the printable slips
    assert code_display(codes[0].code) not in client.get(codes_url).content.decode()


def test_a_code_of_another_round_is_refused(rnd, world):
    other = make_round(world.fund_a, title="รอบสอง")
    [code] = codes_create(round=other, count=1, actor=None)
    with pytest.raises(ValidationError) as exc:
        respondent_submit(
            round=rnd,
            data=RespondentInput(group="member", answers={_q(rnd): 3}, code=code.code),
            actor=world.chair_a,
        )
    assert list(exc.value.message_dict) == ["code"]


def test_the_database_refuses_a_code_answering_twice(rnd, world):
    [code] = codes_create(round=rnd, count=1, actor=None)
    respondent_submit(
        round=rnd,
        data=RespondentInput(group="member", answers={_q(rnd): 3}, code=code.code),
        actor=world.chair_a,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Respondent.objects.create(round=rnd, group="member", channel="phone", code=code)


def test_codes_are_limited_and_only_for_the_committee(rnd, world, client):
    with pytest.raises(ValidationError):
        codes_create(round=rnd, count=0, actor=None)
    with pytest.raises(ValidationError):
        codes_create(round=rnd, count=501, actor=None)
    client.force_login(world.member_login_a)
    codes_url = f"/f/{world.fund_a.pk}/assessment/rounds/{rnd.pk}/codes/"
    assert client.get(codes_url).status_code == 403
    assert client.post(codes_url, {"count": "3"}).status_code == 403
    assert not ResponseCode.objects.exists()

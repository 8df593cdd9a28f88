"""Self-assessment rows of a fund, for the route walk in tests/test_scoping.py."""

from __future__ import annotations

import datetime as dt

from kongtun.assessment.services import RespondentInput, respondent_submit, round_create
from tests.conftest import TODAY


def make_round(fund, *, title: str = "รอบทดสอบ", opened_on: dt.date = dt.date(2026, 10, 1)):
    return round_create(fund=fund, title=title, opened_on=opened_on, actor=None, today=TODAY)


def assessment_samples(fund) -> dict[str, int]:
    rnd = make_round(fund)
    question = rnd.round_questions.order_by("position").first().question
    respondent = respondent_submit(
        round=rnd, data=RespondentInput(group="member", answers={question.pk: 4}), actor=None
    )
    return {"round_id": rnd.pk, "question_id": question.pk, "respondent_id": respondent.pk}

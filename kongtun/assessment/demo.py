"""Demo: two self-assessment rounds per pilot fund, with synthetic respondents.

Round 1 at the end of the study (October 2009, typed in from paper, closed); round 2 a month
before the demo's "today" (answered on phones and on paper, still open). Answers are drawn from
a profile per fund and round, so Banthi and Thaneun differ the way the study describes them:
both have strong leaders and weak social security and equity at first; Banthi (ecology,
holistic health, economics) is stronger on intention, networking and added value, Thaneun
(economics, community) on organization of the community and mobilized resources; both improve
on transparency by round 2. All from ``rng``: same seed, same answers.
"""

from __future__ import annotations

import datetime as dt
import random

from kongtun.assessment.models import Channel, Question, RespondentGroup
from kongtun.assessment.services import (
    RespondentInput,
    paper_forms_enter,
    respondent_submit,
    round_close,
    round_create,
)
from kongtun.funds.models import Fund

# Mean answer per factor (1–5), in factor order: I N F O R M M A L S E C T O R
PROFILES: dict[str, tuple[list[float], list[float]]] = {
    "BANTHI": (
        [4.1, 3.9, 3.8, 3.5, 3.9, 3.6, 3.0, 3.9, 4.3, 2.6, 2.5, 3.7, 3.2, 3.3, 3.8],
        [4.2, 4.0, 3.9, 3.7, 4.0, 3.7, 3.4, 4.1, 4.2, 3.1, 2.8, 3.8, 3.9, 3.5, 3.9],
    ),
    "THANEUN": (
        [3.8, 3.4, 3.6, 4.2, 3.7, 3.8, 3.7, 3.2, 4.2, 2.7, 2.7, 3.5, 3.0, 3.4, 3.6],
        [3.8, 3.6, 3.7, 4.3, 3.7, 3.7, 3.9, 3.5, 4.0, 2.9, 2.8, 3.6, 3.5, 3.5, 3.7],
    ),
}
GROUP_WEIGHTS = {
    RespondentGroup.COMMITTEE: 12,
    RespondentGroup.LEADER: 12,
    RespondentGroup.MEMBER: 55,
    RespondentGroup.VOLUNTEER: 12,
    RespondentGroup.AGENCY: 9,
}
# Committees rate their own fund a little higher; agencies a little lower.
GROUP_SHIFT = {"committee": 0.3, "leader": 0.15, "member": 0.0, "volunteer": 0.05, "agency": -0.15}


def _answers(
    questions: list[Question], means: list[float], group: str, rng: random.Random
) -> dict[int, int | None]:
    bias = rng.gauss(0, 0.35) + GROUP_SHIFT[group]
    out: dict[int, int | None] = {}
    for q in questions:
        if rng.random() < 0.03:
            out[q.pk] = None  # left blank
            continue
        value = means[q.factor.position - 1] + bias + rng.gauss(0, 0.7)
        out[q.pk] = min(5, max(1, round(value)))
    return out


def _respondents(
    rnd: object, fund: Fund, means: list[float], *, rng: random.Random, phone_share: float
) -> None:
    questions = [rq.question for rq in rnd.round_questions.select_related("question__factor")]
    groups, weights = list(GROUP_WEIGHTS), list(GROUP_WEIGHTS.values())
    paper: list[RespondentInput] = []
    for n in range(1, rng.randint(32, 58) + 1):
        group = rng.choices(groups, weights)[0]
        data = RespondentInput(group=group, answers=_answers(questions, means, group, rng))
        if rng.random() < phone_share:
            respondent_submit(round=rnd, data=data, actor=None)
        else:
            data.channel = Channel.PAPER
            data.paper_form_number = str(n)
            data.row = len(paper) + 1
            paper.append(data)
    if paper:
        paper_forms_enter(round=rnd, rows=paper, actor=None)


def step(fund: Fund, *, rng: random.Random, today: dt.date) -> None:
    profile = PROFILES.get(fund.short_code)
    if profile is None:
        return
    first = round_create(
        fund=fund,
        title="ประเมินตนเองหลังจัดตั้งกองทุน (ปลายการศึกษา 2552)",
        opened_on=dt.date(2009, 10, 20),
        note="แบบสอบถามกระดาษ เก็บในเวทีทบทวนหลังการปฏิบัติ",
        actor=None,
        today=today,
    )
    _respondents(first, fund, profile[0], rng=rng, phone_share=0.0)
    round_close(round=first, actor=None)
    when = today - dt.timedelta(days=30)
    second = round_create(
        fund=fund,
        title=f"ประเมินตนเองประจำปี {when.year + 543}",
        opened_on=when,
        actor=None,
        today=today,
    )
    _respondents(second, fund, profile[1], rng=rng, phone_share=0.6)

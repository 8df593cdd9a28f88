"""Reads of the self-assessment, and the results of a round.

How a round is scored (shown on the results page too):

* a respondent's score for a factor is the mean of their answers to that factor's statements
  (statements left blank do not count);
* a factor's score is the mean of the respondents' scores; its spread is their sample standard
  deviation; ``n`` is the number of respondents who answered at least one of its statements;
* the same by respondent group;
* the weakest factors are the ``WEAKEST`` lowest scores (ties included); a score under the
  scale's midpoint (3) is marked too.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, QuerySet

from kongtun.assessment.models import (
    Answer,
    Factor,
    Question,
    Respondent,
    RespondentGroup,
    Round,
    RoundQuestion,
)
from kongtun.funds.access import CAPABILITIES, Cap, funds_for_user
from kongtun.funds.models import Fund, FundRole

WEAKEST = 3
MIDPOINT = 3.0


@dataclass
class Stat:
    mean: float | None = None
    sd: float | None = None
    n: int = 0

    @classmethod
    def of(cls, values: list[float]) -> Stat:
        if not values:
            return cls()
        sd = statistics.stdev(values) if len(values) > 1 else None
        return cls(mean=statistics.fmean(values), sd=sd, n=len(values))


@dataclass
class FactorResult:
    factor: Factor
    total: Stat
    by_group: dict[str, Stat] = field(default_factory=dict)
    previous: float | None = None
    weakest: bool = False

    @property
    def delta(self) -> float | None:
        if self.previous is None or self.total.mean is None:
            return None
        return self.total.mean - self.previous

    @property
    def below_midpoint(self) -> bool:
        return self.total.mean is not None and self.total.mean < MIDPOINT


@dataclass
class RoundResults:
    round: Round
    factors: list[FactorResult]
    respondents: int
    by_group: dict[str, int]
    groups: list[tuple[str, str]]  # (code, label) of the groups that answered
    overall: Stat
    previous_round: Round | None = None
    previous_overall: float | None = None

    @property
    def weakest(self) -> list[FactorResult]:
        return sorted(
            (f for f in self.factors if f.weakest), key=lambda f: (f.total.mean, f.factor.position)
        )

    def means(self) -> list[float | None]:
        return [f.total.mean for f in self.factors]

    def previous_means(self) -> list[float | None]:
        return [f.previous for f in self.factors]


def rounds_of(*, fund: Fund) -> QuerySet[Round]:
    return (
        Round.objects.filter(fund=fund)
        .annotate(respondent_count=Count("respondents"))
        .order_by("-opened_on", "-number")
    )


def round_in_fund(*, fund: Fund, round_id: int) -> Round | None:
    return Round.objects.select_related("fund").filter(pk=round_id, fund=fund).first()


def respondent_in_fund(*, fund: Fund, round_id: int, respondent_id: int) -> Respondent | None:
    return (
        Respondent.objects.select_related("round__fund")
        .filter(pk=respondent_id, round_id=round_id, round__fund=fund)
        .first()
    )


def question_in_fund(*, fund: Fund, question_id: int) -> Question | None:
    return Question.objects.select_related("factor").filter(pk=question_id, fund=fund).first()


def round_questions(*, round: Round) -> list[Question]:
    """The statements of a round in the order they are asked, grouped by factor."""
    rqs = (
        RoundQuestion.objects.filter(round=round)
        .select_related("question__factor")
        .order_by("position")
    )
    return [rq.question for rq in rqs]


def previous_round(round: Round) -> Round | None:
    return (
        Round.objects.filter(fund_id=round.fund_id)
        .exclude(pk=round.pk)
        .filter(opened_on__lte=round.opened_on)
        .exclude(opened_on=round.opened_on, number__gt=round.number)
        .order_by("-opened_on", "-number")
        .first()
    )


def _factor_scores(round: Round) -> tuple[dict[int, dict[int, float]], dict[int, str]]:
    """{factor id: {respondent id: that respondent's mean}}, {respondent id: group}."""
    sums: dict[tuple[int, int], list[int]] = defaultdict(list)
    for rid, fid, value in Answer.objects.filter(respondent__round=round).values_list(
        "respondent_id", "question__factor_id", "value"
    ):
        sums[(fid, rid)].append(value)
    scores: dict[int, dict[int, float]] = defaultdict(dict)
    for (fid, rid), values in sums.items():
        scores[fid][rid] = statistics.fmean(values)
    groups = dict(Respondent.objects.filter(round=round).values_list("id", "group"))
    return scores, groups


def factor_means(round: Round) -> dict[int, float]:
    scores, _groups = _factor_scores(round)
    return {fid: statistics.fmean(r.values()) for fid, r in scores.items() if r}


def round_results(round: Round, *, compare_with: Round | None = None) -> RoundResults:
    """Scores per factor (total and by group), against ``compare_with`` or else the fund's
    previous round."""
    scores, groups = _factor_scores(round)
    other = compare_with if compare_with is not None else previous_round(round)
    other_means = factor_means(other) if other is not None else {}
    factors = list(Factor.objects.order_by("position"))
    results = []
    for f in factors:
        per_resp = scores.get(f.pk, {})
        by_group: dict[str, list[float]] = defaultdict(list)
        for rid, value in per_resp.items():
            by_group[groups[rid]].append(value)
        results.append(
            FactorResult(
                factor=f,
                total=Stat.of(list(per_resp.values())),
                by_group={g: Stat.of(v) for g, v in by_group.items()},
                previous=other_means.get(f.pk),
            )
        )
    scored = sorted((r for r in results if r.total.mean is not None), key=lambda r: r.total.mean)
    if scored:
        cutoff = scored[min(WEAKEST, len(scored)) - 1].total.mean
        for r in scored:
            r.weakest = r.total.mean <= cutoff + 1e-9
    group_counts: dict[str, int] = defaultdict(int)
    for g in groups.values():
        group_counts[g] += 1
    labels = dict(RespondentGroup.choices)
    respondent_means = []
    per_respondent: dict[int, list[float]] = defaultdict(list)
    for per_resp in scores.values():
        for rid, v in per_resp.items():
            per_respondent[rid].append(v)
    respondent_means = [statistics.fmean(v) for v in per_respondent.values()]
    other_overall = None
    if other is not None:
        o_scores, _o_groups = _factor_scores(other)
        o_per: dict[int, list[float]] = defaultdict(list)
        for per_resp in o_scores.values():
            for rid, v in per_resp.items():
                o_per[rid].append(v)
        if o_per:
            other_overall = statistics.fmean(statistics.fmean(v) for v in o_per.values())
    return RoundResults(
        round=round,
        factors=results,
        respondents=len(groups),
        by_group=dict(group_counts),
        groups=[(g, str(labels[g])) for g in RespondentGroup.values if g in group_counts],
        overall=Stat.of(respondent_means),
        previous_round=other,
        previous_overall=other_overall,
    )


def comparable_rounds(*, user: AbstractBaseUser, exclude: Round) -> list[Round]:
    """Rounds the user may read results of (``view_members`` in that round's fund): the same
    fund's other rounds and other areas' rounds, for the comparison picker."""
    funds = funds_for_user(user)
    if not getattr(user, "is_superuser", False):
        allowed_roles = CAPABILITIES[Cap.VIEW_MEMBERS]
        fund_ids = FundRole.objects.filter(
            user=user, revoked_at__isnull=True, role__in=allowed_roles
        ).values_list("fund_id", flat=True)
        funds = funds.filter(pk__in=fund_ids)
    return list(
        Round.objects.filter(fund__in=funds)
        .exclude(pk=exclude.pk)
        .select_related("fund")
        .order_by("fund__name_th", "-opened_on", "-number")
    )


def respondents_of(*, round: Round) -> QuerySet[Respondent]:
    return (
        Respondent.objects.filter(round=round)
        .select_related("entered_by")
        .annotate(answer_count=Count("answers"))
        .order_by("id")
    )

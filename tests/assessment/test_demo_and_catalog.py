"""The demo's rounds are reproducible and the two pilot areas differ; the catalogs are complete."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.db import transaction

from kongtun.assessment import demo as assessment_demo
from kongtun.assessment.models import Answer, Round
from kongtun.assessment.selectors import round_results
from kongtun.development import demo as development_demo
from kongtun.development.models import Activity, DevelopmentProcess
from tests.conftest import TODAY, _fund

ROOT = Path(__file__).resolve().parent.parent.parent


def _load(seed: int) -> tuple[list, dict]:
    with transaction.atomic():
        funds = [_fund("BANTHI", "กองทุนบ้านธิ", "510701"), _fund("THANEUN", "กองทุนทาเหนือ", "510703")]
        for i, fund in enumerate(funds):
            rng = random.Random(seed * 100 + i)
            development_demo.step(fund, rng=rng, today=TODAY)
            assessment_demo.step(fund, rng=rng, today=TODAY)
        answers = list(
            Answer.objects.order_by(
                "respondent__round__fund__short_code", "respondent_id", "question__position"
            ).values_list("respondent__round__fund__short_code", "respondent__group", "value")
        )
        means = {}
        for rnd in Round.objects.select_related("fund"):
            results = round_results(rnd)
            means[(rnd.fund.short_code, rnd.number)] = {
                fr.factor.code: fr.total.mean for fr in results.factors
            }
        processes = DevelopmentProcess.objects.count()
        activities = Activity.objects.filter(held_on__year__in=[2008, 2009]).count()
        transaction.set_rollback(True)
    return answers, {"means": means, "processes": processes, "activities": activities}


@pytest.mark.django_db
def test_demo_is_reproducible_and_the_areas_differ():
    answers, info = _load(7)
    assert answers and answers == _load(7)[0]
    assert info["processes"] == 2 and info["activities"] >= 20
    banthi, thaneun = info["means"][("BANTHI", 1)], info["means"][("THANEUN", 1)]
    # Banthi leans on ecology and holistic health: added value; Thaneun on community.
    assert banthi["added_value"] > thaneun["added_value"]
    assert thaneun["organization"] > banthi["organization"]
    # Both rounds per fund; transparency improved in Banthi by round 2.
    assert info["means"][("BANTHI", 2)]["transparency_teamwork"] > banthi["transparency_teamwork"]
    counts = {}
    for code, _group, _value in answers:
        counts[code] = counts.get(code, 0) + 1
    assert set(counts) == {"BANTHI", "THANEUN"}


@pytest.mark.parametrize("app", ["development", "assessment"])
def test_every_message_has_a_thai_translation(app):
    path = ROOT / "kongtun" / app / "locale" / "th" / "LC_MESSAGES" / "django.po"
    with path.open("rb") as f:
        catalog = read_po(f, locale="th")
    untranslated = [
        m.id
        for m in catalog
        if m.id and not (m.string if isinstance(m.string, str) else m.string[0])
    ]
    assert untranslated == []

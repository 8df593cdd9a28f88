"""The demo is generated from a seed: the same seed gives the same funds and people."""

from __future__ import annotations

import pytest
from django.db import transaction
from stdnum.th import pin

from kongtun.demo import people
from kongtun.demo.loader import load_demo
from kongtun.members.models import Member
from tests.conftest import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_demo(monkeypatch):
    monkeypatch.setattr(
        people,
        "DEMO_FUNDS",
        tuple(people.DemoFund(**{**spec.__dict__, "members": 40}) for spec in people.DEMO_FUNDS),
    )
    monkeypatch.setattr("kongtun.demo.loader.DEMO_FUNDS", people.DEMO_FUNDS)


def _fingerprint() -> list[tuple]:
    return list(
        Member.objects.order_by("fund__short_code", "number").values_list(
            "fund__short_code", "number", "first_name", "national_id", "join_date", "status"
        )
    )


def test_demo_has_both_pilot_funds_with_valid_members(small_demo):
    funds = load_demo(seed=7, today=TODAY)
    assert [f.subdistrict.code for f in funds] == ["510701", "502306"]
    assert funds[0].conceptual_bases == ["ecology", "holistic_health", "economics"]
    members = Member.objects.all()
    assert members.count() == 80
    assert all(pin.is_valid(m.national_id) for m in members)
    assert all(
        funds[0].founded_on <= m.join_date <= TODAY for m in members if m.fund_id == funds[0].pk
    )
    # THANEUN's amended regulation grants a monthly pension: some members receive it every
    # month, one voucher per month, never twice for a month.
    from kongtun.claims.models import Claim, Payout

    pensions = Claim.objects.filter(fund=funds[1], recurring_every="month", status="approved")
    paid = Payout.objects.filter(claim__in=pensions, period__isnull=False)
    assert pensions.exists() and paid.count() > pensions.count()
    assert paid.values("claim", "period").distinct().count() == paid.count()
    # Every member was admissible under the regulation in force on the day of joining (the
    # entry age: Thaneun admits up to 60 full years, Banthi up to 65).
    from kongtun.regulations.engine.engine import check_admission
    from kongtun.regulations.selectors import VersionTimeline, regulation_of

    for fund in funds:
        timeline = VersionTimeline.of(fund)
        for m in members.filter(fund=fund):
            steps = check_admission(
                regulation_of(timeline.on(m.join_date)),
                birth_date=m.birth_date,
                join_date=m.join_date,
            )
            assert steps and all(s.ok for s in steps), (m.number, m.birth_date, m.join_date)


def _run(seed: int) -> list[tuple]:
    with transaction.atomic():
        load_demo(seed=seed, today=TODAY)
        fingerprint = _fingerprint()
        transaction.set_rollback(True)
    return fingerprint


def test_same_seed_same_demo_other_seed_other_people(small_demo):
    first = _run(7)
    assert first and first == _run(7)
    assert first != _run(8)

"""The demo is generated from a seed: the same seed gives the same funds, people, books and
claims; its members are valid and admissible under their fund's regulation."""

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
    """The members, and what every later step wrote: the books line by line, the claims."""
    from kongtun.claims.models import Claim
    from kongtun.ledger.models import JournalLine

    return [
        *Member.objects.order_by("fund__short_code", "number").values_list(
            "fund__short_code", "number", "first_name", "national_id", "join_date", "status"
        ),
        *JournalLine.objects.order_by("entry__fund__short_code", "entry__seq", "id").values_list(
            "entry__fund__short_code", "entry__seq", "entry__date", "account__code", "amount_satang"
        ),
        *Claim.objects.order_by(
            "fund__short_code", "member__number", "event_date", "benefit"
        ).values_list(
            "fund__short_code",
            "member__number",
            "benefit",
            "event_date",
            "status",
            "amount_approved",
        ),
    ]


def test_the_same_seed_gives_the_same_demo_of_two_valid_pilot_funds(small_demo):
    """One load checked in full, a second with the same seed compared with it (two loads: the
    demo's steps are what the suite spends most on)."""
    heard: list[tuple[str, str]] = []
    with transaction.atomic():
        _check_demo(load_demo(seed=7, today=TODAY, progress=lambda *said: heard.append(said)))
        first = _fingerprint()
        transaction.set_rollback(True)
    assert len(first) > 1000
    assert first == _run(7)
    # the command tells each part as it starts: both funds in turn, then the shared study
    parts = [part for fund, part in heard if fund.startswith("Banthi")]
    assert parts[0] == "members" and "contributions" in parts and "reports" in parts
    assert [p for f, p in heard if f.startswith("Thaneun")] == parts and heard[-1] == ("", "aar")


def test_another_seed_gives_other_people():
    import random

    def names(seed: int) -> list[tuple[str, str]]:
        with transaction.atomic():
            spec = people.DemoFund(**{**people.THANEUN.__dict__, "members": 20})
            fund = people.create_demo_fund(spec, rng=random.Random(seed), today=TODAY)
            out = list(Member.objects.filter(fund=fund).values_list("first_name", "national_id"))
            transaction.set_rollback(True)
        return out

    assert names(7) == names(7)
    assert names(7) != names(8)


def _check_demo(funds) -> None:
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
    from kongtun.contributions.models import ContributionPlan
    from kongtun.contributions.services import policy_of
    from kongtun.regulations.engine.engine import check_admission
    from kongtun.regulations.selectors import VersionTimeline, regulation_of

    for fund in funds:
        timeline = VersionTimeline.of(fund)
        # the entrance fee charged and the plans offered are the regulation's
        rules = regulation_of(timeline.on(TODAY)).membership
        assert policy_of(fund).entrance_fee == rules.entrance_fee.amount
        offered = ContributionPlan.objects.filter(fund=fund, active=True)
        assert {(p.amount, p.months) for p in offered} == {
            (p.amount, p.months) for p in rules.plans
        }
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

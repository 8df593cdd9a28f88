"""Two requests at once: a claim is paid once and approved once per person, whatever the timing.
Real threads on real connections (SQLite's IMMEDIATE transactions queue writers; PostgreSQL's
row locks make the second wait and then see the first one's work)."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from kongtun.claims.models import Claim, ClaimApproval, ClaimStatus, Payout
from kongtun.claims.services import claim_pay, claim_review
from kongtun.ledger.models import JournalEntry, SourceType
from tests.claims.helpers import (
    approve_by,
    approved,
    committee,
    file_claim,
    hospital,
    opening_money,
    paid_up,
    with_paper,
)
from tests.conftest import TODAY


@pytest.fixture(autouse=True)
def english():
    """Service messages are asserted in English (pages are tested in Thai)."""
    from django.utils import translation

    with translation.override("en"):
        yield


def _race(fn, args_list):
    barrier = threading.Barrier(len(args_list))
    outcomes, errors = [], []

    def worker(args):
        try:
            barrier.wait(timeout=10)
            fn(*args)
            outcomes.append("done")
        except ValidationError:
            outcomes.append("refused")
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(a,)) for a in args_list]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    return sorted(outcomes)


@pytest.fixture
def setup(books_flushable, world, make_user):
    approved(world.fund_a)
    paid_up(world.members_a[0])
    opening_money(world.fund_a)
    deciders = committee(world, make_user)
    claim = with_paper(file_claim(world.fund_a, hospital(world.members_a[0]), actor=world.chair_a))
    return world, deciders, claim


@pytest.mark.django_db(transaction=True)
def test_two_treasurers_paying_the_same_claim_at_once_make_one_payout(setup):
    _world, deciders, claim = setup
    claim = approve_by(claim, deciders[:2])

    def pay(source):
        claim_pay(
            claim=Claim.objects.get(pk=claim.pk),
            actor=None,
            paid_on=TODAY,
            source=source,
            today=TODAY,
        )

    assert _race(pay, [("cash",), ("bank",)]) == ["done", "refused"]
    assert Payout.objects.count() == 1
    assert JournalEntry.objects.filter(source_type=SourceType.CLAIM).count() == 1
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.PAID


@pytest.mark.django_db(transaction=True)
def test_one_person_approving_twice_at_once_counts_once(setup):
    _world, deciders, claim = setup

    def approve(user):
        claim_review(claim=Claim.objects.get(pk=claim.pk), actor=user, action="approve")

    assert _race(approve, [(deciders[0],), (deciders[0],)]) == ["done", "refused"]
    assert ClaimApproval.objects.filter(claim=claim).count() == 1
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.SUBMITTED


@pytest.mark.django_db(transaction=True)
def test_two_people_approving_at_once_both_count(setup):
    _world, deciders, claim = setup

    def approve(user):
        claim_review(claim=Claim.objects.get(pk=claim.pk), actor=user, action="approve")

    assert _race(approve, [(deciders[0],), (deciders[1],)]) == ["done", "done"]
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.APPROVED

"""A filing deadline in the regulation ("ยื่นคำขอภายใน 90 วันนับแต่วันเกิดเหตุ", issue 14): judged
on the day the claim was filed, also when the claim is decided again later."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kongtun.claims.services import claim_redecide
from tests.claims.helpers import approved, file_claim, hospital, paid_up

pytestmark = pytest.mark.django_db
D = Decimal


def _deadline_90(data):
    data["clauses"].append({"number": "90", "text_th": "ยื่นคำขอภายใน 90 วันนับแต่วันเกิดเหตุ"})
    data["membership"]["filing_deadline"] = {"days": "90", "clause": "90"}


@pytest.fixture
def fund(world):
    approved(world.fund_a, change=_deadline_90)
    for m in world.members_a:
        paid_up(m)
    return world.fund_a


def test_a_claim_filed_in_time_stays_in_time_when_decided_again(fund, world):
    """In hospital 1 May 2567 (3 nights × 100 = 300 baht), filed 30 Jul 2567 (the 90th day):
    eligible. Decided again on 1 Oct 2567, long after the deadline: still judged on the day it
    was filed, still 300 baht."""
    event = dt.date(2024, 5, 1)
    claim = file_claim(fund, hospital(world.members_a[0], on=event), today=dt.date(2024, 7, 30))
    assert claim.eligible and claim.amount_computed == D("300.00")
    again = claim_redecide(claim=claim, actor=None, today=dt.date(2024, 10, 1))
    assert again.eligible and again.amount_computed == D("300.00")


def test_a_late_claim_is_not_eligible_and_says_when_the_deadline_passed(fund, world):
    claim = file_claim(
        fund, hospital(world.members_a[0], on=dt.date(2024, 5, 1)), today=dt.date(2024, 7, 31)
    )
    assert not claim.eligible
    steps = [s for s in claim.trace if s["code"] == "filing_deadline"]
    assert steps[0]["params"]["passed_on"] == "2024-07-31"
    assert steps[0]["clause"] == "90"

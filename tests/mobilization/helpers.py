"""Fund B's capital-mobilization objects, for the route walk in tests/test_scoping.py."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from kongtun.contributions.services import PaymentInput, contributions_record, plan_assign
from kongtun.mobilization.models import MembersRule
from kongtun.mobilization.services import (
    RequestInput,
    agency_create,
    agency_money_record,
    matching_request_create,
)
from tests.conftest import TODAY


def fund_b_books_objects(world) -> dict[str, int]:
    """An entry, an account, an agency and a matching request of fund B."""
    fund = world.fund_b
    member = world.members_b[1]
    plan_assign(
        member=member, plan=fund.contribution_plans.get(months=1), effective_date=member.join_date
    )
    contributions_record(
        fund=fund,
        items=[PaymentInput(member.number, Decimal("30"))],
        paid_on=dt.date(2024, 3, 1),
        actor=None,
        today=TODAY,
    )
    agency = agency_create(fund=fund, name="อบต.บี", kind="local_gov")
    entry = agency_money_record(
        fund=fund,
        agency_id=agency.pk,
        date=dt.date(2024, 4, 1),
        kind="matching_local",
        amount=Decimal("100"),
        actor=None,
        today=TODAY,
    )
    request = matching_request_create(
        fund=fund,
        data=RequestInput(
            agency_id=agency.pk,
            period_start=dt.date(2024, 1, 1),
            period_end=dt.date(2024, 12, 31),
            ratio=Decimal("1"),
            cap_per_member_year=None,
            members_rule=MembersRule.ALL_WHO_PAID,
        ),
        actor=None,
    )
    return {
        "entry_id": entry.pk,
        "account_id": entry.lines.first().account_id,
        "agency_id": agency.pk,
        "request_id": request.pk,
    }

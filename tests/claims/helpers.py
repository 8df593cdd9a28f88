"""Builders shared by the claims and regulation-page tests: an approved regulation, paid-up
contributions, a claim filed and approved through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from kongtun.claims.services import ClaimInput, claim_file, claim_review, evidence_seen_on_paper
from kongtun.contributions.models import ContributionPayment
from kongtun.funds.models import Role
from kongtun.funds.services import role_grant
from kongtun.regulations.engine import load_regulation, regulation_to_dict
from kongtun.regulations.services import (
    version_approve,
    version_save_data,
    version_start_from_prototype,
)
from tests.conftest import TODAY

D = Decimal


def approved(fund, *, prototype="banthi", effective=dt.date(2009, 6, 1), change=None, actor=None):
    """An approved version from a prototype; ``change(data)`` edits its plain data first."""
    version = version_start_from_prototype(fund=fund, prototype=prototype, actor=actor)
    if change is not None:
        data = regulation_to_dict(load_regulation(version.content))
        change(data)
        version = version_save_data(version=version, data=data, actor=actor)
    return version_approve(
        version=version,
        resolution="มติที่ประชุมใหญ่ 1/2552",
        resolution_date=min(effective, TODAY),
        effective_date=effective,
        actor=actor,
        today=TODAY,
    )


def set_amount(code, amount):
    def change(data):
        for b in data["benefits"]:
            if b["code"] == code:
                b["amount"] = amount

    return change


def paid_up(member, months=600):
    """One payment on the join date covering ``months`` months: never in arrears."""
    ContributionPayment.objects.create(
        fund=member.fund,
        member=member,
        paid_on=member.join_date,
        period_start=member.join_date.replace(day=1),
        months=months,
        amount=D(30) * months,
    )


def committee(world, make_user, n=3):
    """n committee users of fund A besides the chair (who may decide claims)."""
    users = []
    for i in range(n):
        u = make_user(f"committee_{i}")
        role_grant(fund=world.fund_a, user=u, role=Role.COMMITTEE, actor=None)
        users.append(u)
    return users


def hospital(member, on=dt.date(2024, 5, 1), nights=3, **kw):
    return ClaimInput(member.number, "hospital", on, nights=nights, **kw)


def file_claim(fund, data, actor=None, today=TODAY):
    return claim_file(fund=fund, data=data, actor=actor, today=today)


def with_paper(claim, actor=None):
    from kongtun.claims.services import required_evidence

    for ev in required_evidence(claim):
        evidence_seen_on_paper(claim=claim, requirement=ev.code, actor=actor)
    return claim


def approve_by(claim, users, **kw):
    for u in users:
        claim = claim_review(claim=claim, actor=u, action="approve", **kw)
    return claim


def opening_money(fund, *, cash="100000", bank="100000", on=dt.date(2009, 6, 1)):
    """Money the fund holds from its founding: cash and bank never go below zero, so a test
    that pays claims needs some (ledger.services.entries_post refuses the payment otherwise)."""
    from kongtun.ledger.services import EntryDraft, LineDraft, account_for, entry_post

    total = D(cash) + D(bank)
    return entry_post(
        fund=fund,
        draft=EntryDraft(
            date=on,
            description="ยอดยกมา",
            lines=[
                LineDraft(account=account_for(fund, "cash"), debit=D(cash)),
                LineDraft(account=account_for(fund, "bank"), debit=D(bank)),
                LineDraft(account=account_for(fund, "capital"), credit=total),
            ],
        ),
        actor=None,
        today=TODAY,
    )

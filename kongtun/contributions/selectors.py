"""Reads for contributions: a member's payments and arrears, the fund's members in arrears."""

from __future__ import annotations

import datetime as dt

from django.db.models import Max, Sum

from kongtun.contributions.models import ContributionPayment, PlanAssignment
from kongtun.contributions.services import month_index, month_start, periods_due
from kongtun.funds.models import Fund
from kongtun.members.models import Member, MemberStatus


def arrears_list(*, fund: Fund, as_of: dt.date) -> list[dict]:
    """Every active or suspended member with unpaid periods, computed in three queries (not
    one per member): plans, months covered, and the members."""
    plans: dict[int, object] = {}
    for row in (
        PlanAssignment.objects.filter(member__fund=fund, effective_date__lte=as_of)
        .select_related("plan")
        .order_by("member_id", "effective_date", "id")
    ):
        plans[row.member_id] = row.plan
    covered = dict(
        ContributionPayment.objects.filter(fund=fund, voided_at__isnull=True, paid_on__lte=as_of)
        .values_list("member_id")
        .annotate(m=Sum("months"))
        .order_by()
    )
    last_paid = dict(
        ContributionPayment.objects.filter(fund=fund, voided_at__isnull=True)
        .values_list("member_id")
        .annotate(d=Max("paid_on"))
        .order_by()
    )
    rows = []
    members = Member.objects.filter(
        fund=fund, status__in=[MemberStatus.ACTIVE, MemberStatus.SUSPENDED], join_date__lte=as_of
    ).select_related("village")
    for member in members:
        plan = plans.get(member.pk)
        if plan is None:
            continue
        due = periods_due(member.join_date, as_of, plan.months)
        paid = covered.get(member.pk, 0) // plan.months
        unpaid = due - paid
        if unpaid > 0:
            rows.append(
                {
                    "member": member,
                    "plan": plan,
                    "periods_unpaid": unpaid,
                    "amount_unpaid": plan.amount * unpaid,
                    "paid_through": month_start(
                        month_index(member.join_date) + covered.get(member.pk, 0) - 1
                    )
                    if covered.get(member.pk)
                    else None,
                    "last_paid": last_paid.get(member.pk),
                }
            )
    rows.sort(key=lambda r: (-r["periods_unpaid"], r["member"].number))
    return rows

"""Reads for contributions: a member's payments and arrears, the fund's members in arrears."""

from __future__ import annotations

import datetime as dt

from django.db.models import Max, QuerySet

from kongtun.contributions.models import ContributionPayment, PlanAssignment
from kongtun.contributions.services import arrears_rule, month_index, month_start
from kongtun.funds.models import Fund
from kongtun.members.models import Member, MemberStatus
from kongtun.regulations.engine.arrears import arrears_on


def _arrears_members(fund: Fund, as_of: dt.date) -> QuerySet[Member]:
    return Member.objects.filter(
        fund=fund,
        status__in=[MemberStatus.ACTIVE, MemberStatus.SUSPENDED],
        join_date__lte=as_of,
    )


def arrears_count(*, fund: Fund, as_of: dt.date) -> int:
    """How many members ``arrears_list`` lists, by the same ``arrears_on``, without what only
    the list shows (plans, last payments, villages, past claims): for the overview's figure."""
    from kongtun.regulations.history import histories

    rule = arrears_rule(fund, as_of)
    counted_from = rule.counted_from if rule else "join"
    members = list(_arrears_members(fund, as_of).only("id", "join_date", "birth_date", "sex"))
    found = histories(members, on=as_of, with_claims=False)
    return sum(
        1
        for m in members
        if arrears_on(found[m.pk], as_of, counted_from=counted_from).unpaid > 0  # type: ignore[arg-type]
    )


def arrears_list(*, fund: Fund, as_of: dt.date) -> list[dict]:
    """Every active or suspended member with unpaid months, counted by ``arrears_on`` — the
    claim check's own count — on the members' histories (a few queries, not one per member).
    ``over_limit``: more unpaid months than the regulation in force allows."""
    from kongtun.regulations.history import histories

    plans: dict[int, object] = {}
    first: dict[int, object] = {}
    for row in (
        PlanAssignment.objects.filter(member__fund=fund)
        .select_related("plan")
        .order_by("member_id", "effective_date", "id")
    ):
        first.setdefault(row.member_id, row.plan)
        if row.effective_date <= as_of:
            plans[row.member_id] = row.plan
    last_paid = dict(
        ContributionPayment.objects.filter(fund=fund, voided_at__isnull=True, paid_on__lte=as_of)
        .values_list("member_id")
        .annotate(d=Max("paid_on"))
        .order_by()
    )
    rule = arrears_rule(fund, as_of)
    counted_from = rule.counted_from if rule else "join"
    members = list(_arrears_members(fund, as_of).select_related("village"))
    found = histories(members, on=as_of, with_claims=False)
    rows = []
    for member in members:
        count = arrears_on(found[member.pk], as_of, counted_from=counted_from)  # type: ignore[arg-type]
        if count.unpaid <= 0:
            continue
        plan = plans.get(member.pk) or first.get(member.pk)
        rows.append(
            {
                "member": member,
                "plan": plan,
                "months_unpaid": count.unpaid,
                "periods_unpaid": count.periods_unpaid,
                "amount_unpaid": plan.amount * count.periods_unpaid if plan else None,
                "over_limit": rule is not None and count.over(rule.max_months),
                "paid_through": month_start(month_index(member.join_date) + count.paid - 1)
                if count.paid
                else None,
                "last_paid": last_paid.get(member.pk),
            }
        )
    rows.sort(key=lambda r: (-r["months_unpaid"], r["member"].number))
    return rows

"""The engine's ``MemberHistory`` built from the database, for one member or many, in four
queries whatever the number of members: contribution payments, status changes, plans, and
the claims already granted (approved or paid) that count against caps."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.db.models import DecimalField, F, OuterRef, Subquery
from django.db.models.functions import Coalesce

from kongtun.claims.models import Claim, ClaimStatus, Payout
from kongtun.contributions.models import ContributionPayment, PlanAssignment
from kongtun.members.models import Member, MemberStatus, MemberStatusChange
from kongtun.regulations.engine import MemberHistory, PastClaim, Payment, StatusChange

#: Claims whose money is committed: they count against per-year and lifetime caps.
GRANTED = (ClaimStatus.APPROVED, ClaimStatus.PAID)


def histories(
    members: Sequence[Member],
    *,
    on: dt.date | None = None,
    exclude_claims: Iterable[int] = (),
    with_claims: bool = True,
) -> dict[int, MemberHistory]:
    """``{member_id: MemberHistory}``. ``on`` picks the contribution plan in force that day
    (default: the latest); ``exclude_claims`` leaves out the claims being decided;
    ``with_claims=False`` skips the past claims (the heaviest query) for reads that never
    look at them, such as the arrears count."""
    ids = [m.pk for m in members]
    payments: dict[int, list[Payment]] = defaultdict(list)
    for member_id, paid_on, months, amount in (
        ContributionPayment.objects.filter(member_id__in=ids, voided_at__isnull=True)
        .order_by("paid_on", "id")
        .values_list("member_id", "paid_on", "months", "amount")
    ):
        payments[member_id].append(Payment(paid_on, months, amount))

    changes: dict[int, list[StatusChange]] = defaultdict(list)
    deaths: dict[int, dt.date] = {}
    for member_id, day, status in (
        MemberStatusChange.objects.filter(member_id__in=ids)
        .order_by("effective_date", "id")
        .values_list("member_id", "effective_date", "status")
    ):
        changes[member_id].append(StatusChange(day, status))
        if status == MemberStatus.DECEASED:
            deaths.setdefault(member_id, day)

    plans: dict[int, list[tuple[dt.date, int]]] = defaultdict(list)
    for member_id, day, months in (
        PlanAssignment.objects.filter(member_id__in=ids)
        .order_by("effective_date", "id")
        .values_list("member_id", "effective_date", "plan__months")
    ):
        plans[member_id].append((day, months))

    claims: dict[int, list[PastClaim]] = defaultdict(list)
    granted = (
        ()
        if not with_claims
        else (
            Claim.objects.filter(member_id__in=ids, status__in=GRANTED)
            .exclude(pk__in=list(exclude_claims))
            .annotate(
                used=Coalesce(
                    Subquery(
                        Payout.objects.filter(claim=OuterRef("pk"), voided_at__isnull=True).values(
                            "amount"
                        )[:1]
                    ),
                    F("amount_approved"),
                    output_field=DecimalField(max_digits=12, decimal_places=2),
                )
            )
            .order_by("event_date", "id")
            .values_list("member_id", "benefit", "event_date", "used", "units")
        )
    )
    for member_id, benefit, event_date, used, units in granted:
        claims[member_id].append(PastClaim(benefit, event_date, Decimal(used), max(1, units)))

    out = {}
    for m in members:
        out[m.pk] = MemberHistory(
            birth_date=m.birth_date,
            sex=m.sex,
            join_date=m.join_date,
            plan_months=_plan_months(plans.get(m.pk, []), on),
            death_date=deaths.get(m.pk),
            payments=tuple(payments.get(m.pk, ())),
            status_changes=tuple(changes.get(m.pk, ())),
            claims=tuple(claims.get(m.pk, ())),
        )
    return out


def _plan_months(rows: list[tuple[dt.date, int]], on: dt.date | None) -> int:
    if not rows:
        return 1
    months = rows[0][1]
    for day, value in rows:
        if on is None or day <= on:
            months = value
    return months


def member_history(
    member: Member, *, on: dt.date | None = None, exclude_claims: Iterable[int] = ()
) -> MemberHistory:
    return histories([member], on=on, exclude_claims=exclude_claims)[member.pk]

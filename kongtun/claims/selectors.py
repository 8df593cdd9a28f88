"""Reads of claims: the filtered list, and what remains of each cap for a member."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from kongtun.claims.models import Claim, Payout
from kongtun.funds.models import Fund
from kongtun.members.models import Member
from kongtun.regulations.describe import benefit_name, cap_text
from kongtun.regulations.engine import MemberHistory, Regulation, year_window
from kongtun.regulations.history import member_history
from kongtun.regulations.models import RegulationVersion
from kongtun.regulations.selectors import regulation_of, version_in_force


def with_live_payout(qs: QuerySet[Claim]) -> QuerySet[Claim]:
    """Claims with the payment that stands (``claim.payout``) fetched in one more query."""
    live = Payout.objects.filter(voided_at__isnull=True)
    return qs.prefetch_related(Prefetch("payouts", queryset=live, to_attr="live_payouts"))


def claim_search(
    *,
    fund: Fund,
    status: str = "",
    benefit: str = "",
    village_id: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    member_id: int | None = None,
) -> QuerySet[Claim]:
    """Claims of a fund, newest first; the period filters the event date."""
    qs = with_live_payout(
        Claim.objects.filter(fund=fund).select_related("member", "member__village")
    )
    if status:
        qs = qs.filter(status=status)
    if benefit:
        qs = qs.filter(benefit=benefit)
    if village_id:
        qs = qs.filter(member__village_id=village_id)
    if date_from:
        qs = qs.filter(event_date__gte=date_from)
    if date_to:
        qs = qs.filter(event_date__lte=date_to)
    if member_id:
        qs = qs.filter(member_id=member_id)
    return qs.order_by("-filed_on", "-fiscal_year", "-number")


def benefit_needs(*, fund: Fund) -> dict[str, frozenset[str]]:
    """For the claim form: the details each benefit asks for, as the latest approved version
    that has the benefit defines it (``services.detail_fields``)."""
    from kongtun.claims.services import detail_fields

    needs: dict[str, frozenset[str]] = {}
    for v in RegulationVersion.objects.filter(fund=fund, status="approved").order_by(
        "-effective_date"
    ):
        reg = regulation_of(v)
        for b in reg.benefits:
            needs.setdefault(b.code, detail_fields(b, reg))
    return needs


def benefit_choices(*, fund: Fund) -> list[tuple[str, str]]:
    """(code, name) of every benefit claimed so far or offered by an approved version."""
    seen: dict[str, str] = {}
    for v in RegulationVersion.objects.filter(fund=fund, status="approved").order_by(
        "-effective_date"
    ):
        for b in regulation_of(v).benefits:
            seen.setdefault(b.code, benefit_name(b))
    for code, name in (
        Claim.objects.filter(fund=fund).values_list("benefit", "benefit_name").distinct()
    ):
        seen.setdefault(code, name)
    return sorted(seen.items(), key=lambda kv: kv[1])


@dataclass
class CapRow:
    benefit: str
    rule: str
    clause: str | None
    period: str  # year | lifetime
    measure: str  # amount | units | times
    limit: Decimal | int
    used: Decimal | int
    remaining: Decimal | int
    year_start: dt.date | None
    year_end: dt.date | None

    @property
    def exhausted(self) -> bool:
        return self.remaining <= 0


def remaining_caps(*, regulation: Regulation, history: MemberHistory, on: dt.date) -> list[CapRow]:
    """For every per-year and lifetime cap (a benefit's own and shared ones): the limit, what
    granted claims used in the cap year containing ``on`` (or ever), and what remains."""
    y = regulation.year
    window = year_window(
        y.kind, on, join_date=history.join_date, start_month=y.start_month, start_day=y.start_day
    )
    rows: list[CapRow] = []

    def used(codes: set[str], period: str, measure: str) -> Decimal | int:
        total: Decimal | int = Decimal("0.00") if measure == "amount" else 0
        for c in history.claims:
            if c.benefit not in codes:
                continue
            if period == "year" and not window[0] <= c.event_date <= window[1]:
                continue
            total += c.amount if measure == "amount" else (c.units if measure == "units" else 1)
        return total

    def add(name: str, cap: object, codes: set[str], per: str, clause: str | None) -> None:
        period = cap.period  # type: ignore[attr-defined]
        if period not in ("year", "lifetime"):
            return
        for measure in ("amount", "units", "times"):
            limit = getattr(cap, measure)
            if limit is None:
                continue
            u = used(codes, period, measure)
            rows.append(
                CapRow(
                    benefit=name,
                    rule=cap_text(cap, per),  # type: ignore[arg-type]
                    clause=clause,
                    period=period,
                    measure=measure,
                    limit=limit,
                    used=u,
                    remaining=max(limit - u, 0),
                    year_start=window[0] if period == "year" else None,
                    year_end=window[1] if period == "year" else None,
                )
            )

    for b in regulation.benefits:
        for cap in b.caps:
            add(benefit_name(b), cap, {b.code}, b.per, cap.clause or b.clause)
    for g in regulation.group_caps:
        names = [benefit_name(b) for code in g.benefits if (b := regulation.benefit(code))]
        add(" + ".join(names), g, set(g.benefits), "event", g.clause)
    return rows


def member_caps(member: Member, *, on: dt.date) -> tuple[RegulationVersion | None, list[CapRow]]:
    version = version_in_force(fund=member.fund, on=on)
    if version is None:
        return None, []
    history = member_history(member, on=on)
    return version, remaining_caps(regulation=regulation_of(version), history=history, on=on)

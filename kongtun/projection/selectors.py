"""Reads of projection runs; always from the fund."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from kongtun.funds.models import Fund
from kongtun.ledger.models import Account, AccountType
from kongtun.ledger.selectors import account_sums
from kongtun.projection.models import ProjectionRun


def role_totals(fund: Fund, start: dt.date, end: dt.date) -> dict[str, float]:
    """Baht by account role over [start, end], each on its natural side (income positive),
    as floats: the projection's own arithmetic (decision 0008)."""
    sums = account_sums(fund=fund, start=start, end=end)
    out: dict[str, float] = {}
    for acc in Account.objects.filter(fund=fund).only("pk", "role", "type"):
        satang = sums.get(acc.pk, 0)
        natural = satang if acc.type in (AccountType.ASSET, AccountType.EXPENSE) else -satang
        out[acc.role] = out.get(acc.role, 0.0) + natural / 100.0
    return out


def runs_of(*, fund: Fund) -> QuerySet[ProjectionRun]:
    return (
        ProjectionRun.objects.filter(fund=fund)
        .select_related("created_by")
        .order_by("-created_at", "-id")
    )


def run_in_fund(*, fund: Fund, run_id: int) -> ProjectionRun | None:
    return ProjectionRun.objects.filter(fund=fund, pk=run_id).first()


def books_check(*, run: ProjectionRun, reg: int = 0) -> list[dict]:
    """The first projected year beside the twelve months of books before the start date, line
    by line (benefits by their ledger account, members' money, matching, deaths). A first year
    far from what the fund lived through says the rates need a look before the long run is
    trusted (the demo and real funds alike: published national rates are not a village)."""
    from django.utils.translation import get_language

    from kongtun.claims.services import benefit_account_role
    from kongtun.ledger.models import Account
    from kongtun.members.models import MemberStatus, MemberStatusChange

    s = run.summary
    if not s or not s.get("regulations"):
        return []
    chosen = s["regulations"][max(0, min(reg, len(s["regulations"]) - 1))]
    start = dt.date.fromisoformat(str(run.parameters["assumptions"]["start"]))
    books = role_totals(run.fund, start - dt.timedelta(days=364), start)
    names = {
        a.role: (a.name_en if (get_language() or "th")[:2] == "en" and a.name_en else a.name_th)
        for a in Account.objects.filter(fund=run.fund)
    }
    projected: dict[str, float] = {}
    for b in chosen["benefits"]:
        role = benefit_account_role(b.get("kind") or "other")
        role = role if role in names else "benefit:other"  # where a payout would be booked
        projected[role] = projected.get(role, 0.0) + (b["values"][0] if b["values"] else 0.0)
    roles = sorted(set(projected) | {r for r, v in books.items() if r.startswith("benefit:") and v})
    rows = [_check_row(names.get(r, r), books.get(r, 0.0), projected.get(r, 0.0)) for r in roles]
    f = chosen["flows"]
    first = lambda key: f[key][0] if f.get(key) else 0.0  # noqa: E731
    rows.append(
        _check_row(
            names.get("contributions", "contributions"),
            books.get("contributions", 0.0) + books.get("entrance_fees", 0.0),
            first("contributions") + first("fees") + first("entrance_fees"),
        )
    )
    rows.append(
        _check_row(
            names.get("matching_central", "matching"),
            books.get("matching_local", 0.0) + books.get("matching_central", 0.0),
            first("matching_local") + first("matching_central"),
            label_extra=names.get("matching_local", ""),
        )
    )
    deaths = MemberStatusChange.objects.filter(
        member__fund=run.fund,
        status=MemberStatus.DECEASED,
        effective_date__gt=start - dt.timedelta(days=365),
        effective_date__lte=start,
    ).count()
    rows.append(_check_row("", float(deaths), s["counts"]["deaths"][0], count=True))
    return rows


def _check_row(
    label: str, actual: float, projected: float, *, count: bool = False, label_extra: str = ""
) -> dict:
    ratio = projected / actual if actual else None
    return {
        "label": label,
        "label_extra": label_extra,
        "count": count,
        "actual": round(actual, 2),
        "projected": round(projected, 2),
        "ratio": round(ratio, 2) if ratio is not None else None,
        "far": (ratio is None and projected > 0) or (ratio is not None and not 0.5 <= ratio <= 2),
    }

"""What anyone may see about a fund, with no login: aggregates and published heads only.

Nothing here returns a name, a national ID, a member number, an address or a health event;
tests/test_public.py scans every public response for the fund's personal data.
"""

from __future__ import annotations

import base64
import datetime as dt
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, Max, Sum
from django.db.models.functions import TruncMonth

from kongtun.funds.models import Fund
from kongtun.ledger.models import AccountType, EntrySeal, JournalLine, MonthClose, satang_to_baht
from kongtun.ledger.reports import month_after
from kongtun.ledger.seal import merkle_proof, merkle_verify, month_leaves
from kongtun.members.models import Member, MemberStatus
from kongtun.regulations.engine import add_months


def public_summary(*, fund: Fund, today: dt.date, months: int = 12) -> dict:
    """The ``months`` calendar months ending with ``today``'s month (which may still be
    open: ``open_from`` says from which month the figures can still change)."""
    end = month_after(today.replace(day=1)) - dt.timedelta(days=1)
    start = add_months(today.replace(day=1), -(months - 1))
    rows = (
        JournalLine.objects.filter(
            fund=fund,
            date__gte=start,
            date__lte=end,
            account__type__in=[AccountType.INCOME, AccountType.EXPENSE],
        )
        .annotate(month=TruncMonth("date"))
        .values("month", "account__type", "account__role", "account__name_th", "account__name_en")
        .annotate(total=Sum("amount_satang"))
        .order_by("month", "account__role")
    )
    by_month: dict[dt.date, dict] = {}
    benefits: dict[str, dict] = {}
    for r in rows:
        month = r["month"].date() if isinstance(r["month"], dt.datetime) else r["month"]
        entry = by_month.setdefault(
            month, {"in": Decimal("0.00"), "out": Decimal("0.00"), "lines": []}
        )
        amount = satang_to_baht(
            -r["total"] if r["account__type"] == AccountType.INCOME else r["total"]
        )
        entry["in" if r["account__type"] == AccountType.INCOME else "out"] += amount
        entry["lines"].append(
            {
                "type": r["account__type"],
                "name_th": r["account__name_th"],
                "name_en": r["account__name_en"],
                "amount": amount,
            }
        )
        if (r["account__role"] or "").startswith("benefit:"):
            b = benefits.setdefault(
                r["account__role"],
                {
                    "name_th": r["account__name_th"],
                    "name_en": r["account__name_en"],
                    "amount": Decimal("0.00"),
                },
            )
            b["amount"] += amount
    counts = dict(
        Member.objects.filter(fund=fund).values_list("status").annotate(n=Count("id")).order_by()
    )
    all_closes = MonthClose.objects.filter(fund=fund)
    closes = list(all_closes.order_by("-month")[:24])
    last = closes[0].month if closes else None
    return {
        "members_active": counts.get(MemberStatus.ACTIVE, 0),
        "members_total": sum(counts.values()),
        "months": sorted(by_month.items()),
        "benefits": sorted(benefits.values(), key=lambda b: -b["amount"]),
        "closes": closes,
        "closes_count": all_closes.count(),
        "first_close": all_closes.order_by("month").values_list("month", flat=True).first(),
        "open_from": month_after(last) if last else fund.founded_on.replace(day=1),
        "since": start,
        "until": end,
    }


def public_summary_key(*, fund: Fund, today: dt.date) -> str:
    """What the public figures depend on: the chain head and last close (a posting or a close
    changes them), the register (a member joins or changes status) and the day. A few indexed
    lookups, against a year of lines summed."""
    from kongtun.ledger.heads import heads_etag
    from kongtun.members.models import MemberStatusChange

    register = Member.objects.filter(fund=fund).aggregate(n=Count("id"), last=Max("id"))
    status = MemberStatusChange.objects.filter(member__fund=fund).aggregate(last=Max("id"))
    return (
        f"public-summary:{heads_etag(fund)}:{register['n']}-{register['last']}-"
        f"{status['last']}:{today.isoformat()}"
    )


def public_summary_cached(*, fund: Fund, today: dt.date) -> dict:
    """``public_summary`` from the cache until the fund's next posting, close or register
    change (issue 17: the public page summed a year of lines on every request)."""
    key = public_summary_key(fund=fund, today=today)
    summary = cache.get(key)
    if summary is None:
        summary = public_summary(fund=fund, today=today)
        cache.set(key, summary, timeout=24 * 3600)
    return summary


def receipt_verification(*, fund: Fund, code: str) -> dict | None:
    """Find the entry behind a receipt's verification code (the first 10 base-32 characters
    of its seal) and prove it sits under its month's published root when that month is
    closed. Returns only what the receipt itself shows, without the payer."""
    code = "".join(ch for ch in code.upper() if ch.isalnum())
    if len(code) != 10:
        return None
    try:
        prefix = base64.b32decode(code[:8]).hex()
    except ValueError:
        return None
    seal = (
        EntrySeal.objects.filter(fund=fund, hash__startswith=prefix).select_related("entry").first()
    )
    if seal is None or seal.verification_code != code:
        return None
    entry = seal.entry
    total = sum(max(0, v) for v in entry.lines.values_list("amount_satang", flat=True))
    month = entry.date.replace(day=1)
    close = MonthClose.objects.filter(fund=fund, month=month).first()
    proof_ok = None
    if close is not None and close.merkle_root:
        next_month = (month + dt.timedelta(days=32)).replace(day=1)
        leaves = month_leaves(fund, month, next_month)
        index = leaves.index(seal.hash) if seal.hash in leaves else -1
        proof_ok = index >= 0 and merkle_verify(
            seal.hash, merkle_proof(leaves, index), close.merkle_root
        )
    reversed_ = hasattr(entry, "reversed_by")
    return {
        "document": entry.source_ref,
        "date": entry.date,
        "amount": satang_to_baht(total),
        "kind": entry.get_source_type_display(),
        "seq": entry.seq,
        "hash": seal.hash,
        "month": month,
        "close": close,
        "proof_ok": proof_ok,
        "reversed": reversed_,
    }

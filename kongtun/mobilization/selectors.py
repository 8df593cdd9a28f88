"""Reads for capital mobilization: what each request asked for, received and still awaits;
what each agency has given; money from agencies in a period. Received money comes from the
journal: an entry that was reversed no longer counts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from kongtun.funds.models import Fund
from kongtun.ledger.models import Account, Agency, JournalEntry, JournalLine, satang_to_baht
from kongtun.ledger.selectors import account_sums
from kongtun.mobilization.models import MatchingReceipt, MatchingRequest, MatchingRequestLine
from kongtun.mobilization.services import MoneyKind

ZERO = Decimal("0.00")
MONEY = DecimalField(max_digits=14, decimal_places=2)


@dataclass(frozen=True)
class RequestTotals:
    members: int
    paid: Decimal
    requested: Decimal
    received: Decimal
    capped: int

    @property
    def outstanding(self) -> Decimal:
        return max(self.requested - self.received, ZERO)

    @property
    def over_received(self) -> Decimal:
        return max(self.received - self.requested, ZERO)


def _received_subquery() -> Subquery:
    return Subquery(
        MatchingReceipt.objects.filter(request=OuterRef("pk"), entry__reversed_by__isnull=True)
        .order_by()
        .values("request")
        .annotate(s=Sum("amount"))
        .values("s"),
        output_field=MONEY,
    )


def requests_of(fund: Fund) -> QuerySet[MatchingRequest]:
    """The fund's requests, newest first, each with ``requested_total``, ``received_total``
    and ``member_count``."""
    requested = (
        MatchingRequestLine.objects.filter(request=OuterRef("pk"))
        .order_by()
        .values("request")
        .annotate(s=Sum("requested"), n=Count("id"))
    )
    return (
        MatchingRequest.objects.filter(fund=fund)
        .select_related("agency")
        .annotate(
            requested_total=Coalesce(
                Subquery(requested.values("s"), output_field=MONEY), Value(ZERO), output_field=MONEY
            ),
            member_count=Coalesce(Subquery(requested.values("n")), Value(0)),
            received_total=Coalesce(_received_subquery(), Value(ZERO), output_field=MONEY),
        )
        .order_by("-number")
    )


def request_totals(request: MatchingRequest) -> RequestTotals:
    sums = request.lines.aggregate(paid=Sum("paid"), requested=Sum("requested"), n=Count("id"))
    capped = request.lines.filter(capped=True).count()
    received = MatchingReceipt.objects.filter(
        request=request, entry__reversed_by__isnull=True
    ).aggregate(s=Sum("amount"))["s"]
    return RequestTotals(
        members=sums["n"] or 0,
        paid=sums["paid"] or ZERO,
        requested=sums["requested"] or ZERO,
        received=received or ZERO,
        capped=capped,
    )


def request_receipts(request: MatchingRequest) -> list[MatchingReceipt]:
    return list(
        MatchingReceipt.objects.filter(request=request)
        .select_related("entry", "entry__reversed_by")
        .order_by("entry__date", "id")
    )


def agencies_with_totals(fund: Fund) -> list[dict]:
    """Every agency of the fund with the money it has given to date (net of reversals: a
    reversal names the same agency), read from cash and bank lines."""
    given = {
        row["entry__agency"]: int(row["s"])
        for row in JournalLine.objects.filter(
            fund=fund, entry__agency__isnull=False, account__role__in=("cash", "bank")
        )
        .values("entry__agency")
        .annotate(s=Sum("amount_satang"))
        .order_by()
    }
    open_requests = dict(
        MatchingRequest.objects.filter(fund=fund)
        .values_list("agency")
        .annotate(n=Count("id"))
        .order_by()
    )
    return [
        {
            "agency": agency,
            "received": satang_to_baht(given.get(agency.pk, 0)),
            "requests": open_requests.get(agency.pk, 0),
        }
        for agency in Agency.objects.filter(fund=fund).order_by("name")
    ]


def agency_entries(agency: Agency) -> QuerySet[JournalEntry]:
    """Entries naming the agency, newest first, with their cash/bank movement."""
    money = (
        JournalLine.objects.filter(entry=OuterRef("pk"), account__role__in=("cash", "bank"))
        .order_by()
        .values("entry")
        .annotate(s=Sum("amount_satang"))
        .values("s")
    )
    return (
        JournalEntry.objects.filter(fund=agency.fund, agency=agency)
        .annotate(money_satang=Subquery(money))
        .select_related("reverses")
        .order_by("-date", "-seq")
    )


def money_by_kind(*, fund: Fund, start: dt.date, end: dt.date) -> list[dict]:
    """Income per kind of money from agencies over a period, from the journal."""
    sums = account_sums(fund=fund, start=start, end=end)
    accounts = {a.role: a for a in Account.objects.filter(fund=fund, role__in=MoneyKind.values)}
    rows = []
    for kind in MoneyKind:
        account = accounts.get(kind.value)
        satang = -sums.get(account.pk, 0) if account else 0
        rows.append({"kind": kind, "account": account, "amount": satang_to_baht(satang)})
    return rows


def requests_list(
    fund: Fund, *, agency: Agency | None = None, limit: int | None = None
) -> list[MatchingRequest]:
    """``requests_of`` as a list, each request with ``outstanding`` (never below zero)."""
    qs = requests_of(fund)
    if agency is not None:
        qs = qs.filter(agency=agency)
    rows = list(qs[:limit] if limit else qs)
    for r in rows:
        r.outstanding = max(r.requested_total - r.received_total, ZERO)
    return rows

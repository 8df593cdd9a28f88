"""Recurring benefits (decision 0021): a pension granted once by an approved claim and then
paid every period — "ได้บำนาญเดือนละ 300 บาท" — without a new claim.

A granted claim's periods start on the first day of its event's month and follow every month
(or every twelve months). A period is due when the member was active on its first day: the
dated status history stops the payments from death, resignation or suspension on (a member
reinstated is paid again from the next period; the periods in between are not owed). Each
period is paid once, through the books, with its own voucher: ``Payout.period`` and a unique
constraint make a second payment of the same period impossible.

Each period's amount is what the regulation in force on its first day gives the member that day
(``period_amounts``): a pension by years of membership or of contributions rises to the next
tier in the month the member reaches it, and a new version's rates apply from its effective
date — as the projection assumes. A committee that approved less than the regulation gave keeps
its amount, and where the regulation no longer grants the pension (a version without it, the
member in arrears that day) the approved amount stands: a granted pension is not withdrawn by the
schedule.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kongtun.claims.models import Claim, ClaimStatus, Payout
from kongtun.core.concurrency import fund_lock, retry_transient
from kongtun.core.models import counter_next
from kongtun.core.thaidates import fiscal_year_be, format_date
from kongtun.funds.models import Fund
from kongtun.ledger.services import closed_month_problem, month_name
from kongtun.members.models import MemberStatus, MemberStatusChange
from kongtun.regulations.engine import add_months

STEP = {"month": 1, "year": 12}
#: A pension stopped (death, resignation, suspension) is listed as stopped for this many
#: months after the stop, so the treasurer sees why it is not due; then no longer.
STOPPED_SHOWN_MONTHS = 3
STOPPING = {
    MemberStatus.DECEASED: "deceased",
    MemberStatus.RESIGNED: "resigned",
    MemberStatus.SUSPENDED: "suspended",
}


def first_period(claim: Claim) -> dt.date:
    return claim.event_date.replace(day=1)


def periods_through(claim: Claim, last: dt.date) -> list[dt.date]:
    """The claim's period starts from its first through ``last`` (inclusive)."""
    step = STEP.get(claim.recurring_every)
    if step is None:
        return []
    out, day = [], first_period(claim)
    while day <= last:
        out.append(day)
        day = add_months(day, step)
    return out


def is_period(claim: Claim, day: dt.date) -> bool:
    step = STEP.get(claim.recurring_every)
    start = first_period(claim)
    if step is None or day < start or day.day != 1:
        return False
    months = (day.year - start.year) * 12 + day.month - start.month
    return months % step == 0


def _status_on(changes: list[MemberStatusChange], day: dt.date) -> MemberStatusChange | None:
    """The status change in force on ``day`` (None: active since joining)."""
    found = None
    for ch in changes:  # by date, then id
        if ch.effective_date <= day:
            found = ch
    return found


@dataclass
class PeriodRow:
    """One period of one granted pension: due, paid, or stopped (with the change that
    stopped it)."""

    claim: Claim
    period: dt.date
    amount: Decimal
    payout: Payout | None = None
    stopped_by: MemberStatusChange | None = None
    #: the regulation version whose rate gives ``amount`` when it differs from the approved one
    rate_version: int | None = None

    @property
    def key(self) -> str:
        return f"{self.claim.pk}:{self.period.isoformat()}"

    @property
    def due(self) -> bool:
        return self.payout is None and self.stopped_by is None

    @property
    def stop_reason(self) -> str:
        return STOPPING.get(self.stopped_by.status, "") if self.stopped_by else ""


def granted_recurring(fund: Fund) -> list[Claim]:
    return list(
        Claim.objects.filter(fund=fund, status=ClaimStatus.APPROVED)
        .exclude(recurring_every="")
        .select_related("member", "member__village")
        .order_by("member__number", "event_date", "id")
    )


def recurring_schedule(
    *, fund: Fund, month: dt.date, claims: list[Claim] | None = None
) -> list[PeriodRow]:
    """For the treasurer: every granted pension's periods up to ``month`` that are due and
    unpaid (earlier ones too: nothing owed is forgotten), and the periods of ``month`` itself
    whether paid or stopped. Three queries whatever the number of pensions."""
    month = month.replace(day=1)
    claims = granted_recurring(fund) if claims is None else claims
    ids = [c.pk for c in claims]
    paid: dict[tuple[int, dt.date], Payout] = {
        (p.claim_id, p.period): p
        for p in Payout.objects.filter(claim_id__in=ids, voided_at__isnull=True).exclude(
            period=None
        )
    }
    changes: dict[int, list[MemberStatusChange]] = defaultdict(list)
    for ch in MemberStatusChange.objects.filter(
        member_id__in={c.member_id for c in claims}
    ).order_by("effective_date", "id"):
        changes[ch.member_id].append(ch)
    rows = []
    for claim in claims:
        for period in periods_through(claim, month):
            ch = _status_on(changes[claim.member_id], period)
            stop = ch if ch is not None and ch.status in STOPPING else None
            row = PeriodRow(
                claim=claim,
                period=period,
                amount=claim.amount_approved or Decimal("0.00"),
                payout=paid.get((claim.pk, period)),
                stopped_by=stop,
            )
            long_stopped = (
                stop is not None
                and row.payout is None
                and stop.effective_date < add_months(period, -STOPPED_SHOWN_MONTHS)
            )
            if (period == month and not long_stopped) or row.due:
                rows.append(row)
    amounts = period_amounts(
        fund=fund, items=[(r.claim, r.period) for r in rows if r.payout is None]
    )
    for r in rows:
        if r.payout is not None:
            r.amount = r.payout.amount
        else:
            r.amount, r.rate_version = amounts[(r.claim.pk, r.period)]
    rows.sort(key=lambda r: (r.claim.member.number, r.claim.pk, r.period))
    return rows


def period_amounts(
    *, fund: Fund, items: list[tuple[Claim, dt.date]]
) -> dict[tuple[int, dt.date], tuple[Decimal, int | None]]:
    """``{(claim id, period): (amount, version number or None)}``: for each period of a granted
    pension, the amount the regulation in force on the period's first day gives the member on
    that day (the version's number is given when it differs from the approved amount). Four
    queries for the members' histories and one for the versions, whatever the number of rows."""
    from kongtun.claims.services import ClaimInput, event_of
    from kongtun.regulations.engine import decide
    from kongtun.regulations.history import histories
    from kongtun.regulations.selectors import VersionTimeline, regulation_of

    out: dict[tuple[int, dt.date], tuple[Decimal, int | None]] = {}
    if not items:
        return out
    claims = {c.pk: c for c, _p in items}
    # the pension claims themselves are left out of the history: a period is not a new claim
    history = histories(
        list({c.member_id: c.member for c in claims.values()}.values()),
        exclude_claims=list(claims),
    )
    timeline = VersionTimeline.of(fund)
    for claim, period in items:
        approved = claim.amount_approved or Decimal("0.00")
        amount, number = approved, None
        version = timeline.on(period)
        if version is not None and approved == claim.amount_computed:
            regulation = regulation_of(version)
            benefit = regulation.benefit(claim.benefit)
            if benefit is not None and benefit.recurring is not None:
                data = ClaimInput.from_claim(claim, event_date=period, months=None)
                decision = decide(
                    regulation,
                    history[claim.member_id],
                    event_of(data, as_of=period, filed_on=period),
                )
                if decision.eligible and decision.amount > 0:
                    amount = decision.amount
                    number = version.number if amount != approved else None
        out[(claim.pk, period)] = (amount, number)
    return out


def parse_keys(keys: list[str]) -> list[tuple[int, dt.date]]:
    """``"<claim id>:<YYYY-MM-DD>"`` pairs from the page's checkboxes (bad ones are dropped:
    the page only offers good ones)."""
    out = []
    for key in keys:
        claim_id, _sep, day = key.partition(":")
        try:
            out.append((int(claim_id), dt.date.fromisoformat(day)))
        except ValueError:
            continue
    return out


@retry_transient
@transaction.atomic
def recurring_pay(
    *,
    fund: Fund,
    items: list[tuple[int, dt.date]],
    paid_on: dt.date,
    source: str,
    actor: AbstractBaseUser | None,
    today: dt.date | None = None,
) -> list[Payout]:
    """Pay the chosen periods of granted pensions: one voucher and one entry each (debit the
    benefit's expense account, credit cash or bank), all or nothing. A period already paid,
    not yet begun, or stopped by the member's status is refused, naming the member and the
    month."""
    from kongtun.claims.services import _post_voucher, _user, payees

    fund_lock(fund.pk)
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if not items:
        errors["periods"] = [_("Choose at least one payment.")]
    if source not in Payout.Source.values:
        errors["source"] = [_("Pay from cash or from the bank.")]
    if paid_on is None:
        errors["paid_on"] = [_("Please enter a date.")]
    elif paid_on > today:
        errors["paid_on"] = [_("The date is in the future.")]
    elif closed := closed_month_problem(fund, paid_on):
        errors["paid_on"] = [closed]
    if errors:
        raise ValidationError(errors)
    claims = {
        c.pk: c
        for c in Claim.objects.select_for_update(of=("self",))
        .select_related("member", "fund")
        .filter(fund=fund, pk__in={claim_id for claim_id, _day in items})
    }
    problems: list[str] = []
    wanted: list[tuple[Claim, dt.date]] = []
    seen: set[tuple[int, dt.date]] = set()
    for claim_id, period in items:
        claim = claims.get(claim_id)
        if claim is None or not claim.recurring_every or claim.status != ClaimStatus.APPROVED:
            problems.append(_("Claim %(id)s is not a granted pension.") % {"id": claim_id})
            continue
        label = _("%(number)s %(name)s, %(month)s") % {
            "number": claim.member.number,
            "name": claim.member.full_name,
            "month": month_name(period),
        }
        if (claim_id, period) in seen:
            problems.append(_("%(who)s is listed twice.") % {"who": label})
            continue
        seen.add((claim_id, period))
        if not is_period(claim, period):
            problems.append(_("%(who)s: not a period of this pension.") % {"who": label})
        elif period > paid_on:
            problems.append(_("%(who)s: the period has not begun.") % {"who": label})
        else:
            wanted.append((claim, period))
    if wanted:
        rows = {
            (r.claim.pk, r.period): r
            for r in recurring_schedule(
                fund=fund,
                month=max(p for _c, p in wanted),
                claims=list({c.pk: c for c, _p in wanted}.values()),
            )
        }
        for claim, period in wanted:
            row = rows.get((claim.pk, period))
            label = _("%(number)s %(name)s, %(month)s") % {
                "number": claim.member.number,
                "name": claim.member.full_name,
                "month": month_name(period),
            }
            if row is None or row.payout is not None:
                problems.append(_("%(who)s: this period is already paid.") % {"who": label})
            elif row.stopped_by is not None:
                problems.append(
                    _("%(who)s: the member is %(status)s since %(date)s; nothing is due.")
                    % {
                        "who": label,
                        "status": row.stopped_by.get_status_display(),
                        "date": format_date(row.stopped_by.effective_date, get_language() or "th"),
                    }
                )
    if problems:
        raise ValidationError({"periods": problems})
    fy = fiscal_year_be(paid_on, fund.fiscal_year_start_month)
    # vouchers numbered in the list's order (by member, then month), whatever order was sent
    wanted.sort(key=lambda cp: (cp[0].member.number, cp[0].pk, cp[1]))
    amounts = period_amounts(fund=fund, items=wanted)
    payouts = []
    for claim, period in wanted:
        amount = amounts[(claim.pk, period)][0]
        assert amount > 0  # an approved claim has its amount (a CHECK)
        number = counter_next(fund_id=fund.pk, key=f"claim_voucher:{fy}")
        ref = f"{fy}/{number:05d}"
        try:
            entry = _post_voucher(
                claim,
                ref,
                paid_on=paid_on,
                source=source,
                amount=amount,
                actor=actor,
                today=today,
                period=period,
            )
        except ValidationError as exc:
            raise ValidationError({"source": exc.message_dict.get("lines", exc.messages)}) from None
        try:
            with transaction.atomic():
                payouts.append(
                    Payout.objects.create(
                        claim=claim,
                        fund=fund,
                        fiscal_year=fy,
                        number=number,
                        paid_on=paid_on,
                        source=source,
                        amount=amount,
                        paid_to=payees(claim, amount),
                        entry=entry,
                        period=period,
                        created_by=_user(actor),
                    )
                )
        except IntegrityError:  # the constraint behind the check above
            raise ValidationError({"periods": [_("This period is already paid.")]}) from None
    return payouts

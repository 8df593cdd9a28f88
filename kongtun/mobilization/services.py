"""Money from other agencies and matching requests (decision 0006).

Every baht received is one balanced journal entry posted through the ledger's ``entry_post``,
naming the agency (``source_type=grant``). A matching request computes, for a period and a
rule, how much each member's contributions call for; money received is recorded against it.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kongtun.contributions.models import ContributionPayment
from kongtun.core.concurrency import fund_lock, retry_transient
from kongtun.core.models import counter_next
from kongtun.core.money import to_money
from kongtun.funds.models import Fund
from kongtun.ledger.models import Agency, JournalEntry, SourceType
from kongtun.ledger.services import EntryDraft, LineDraft, account_for, entry_post
from kongtun.members.models import Member, MemberStatus, MemberStatusChange
from kongtun.mobilization.models import (
    MatchingReceipt,
    MatchingRequest,
    MatchingRequestLine,
    MembersRule,
    RequestStatus,
)

CENT = Decimal("0.01")
MAX_RATIO = Decimal("100")


class MoneyKind(models.TextChoices):
    """What the money is; the value is the role of the income account it is credited to."""

    MATCHING_LOCAL = "matching_local", gettext_lazy("local-government matching money")
    MATCHING_CENTRAL = "matching_central", gettext_lazy("central-government matching money")
    DONATION = "donations", gettext_lazy("donation")
    INTEREST = "interest", gettext_lazy("interest")
    OTHER = "other_income", gettext_lazy("other income")


MATCHING_KINDS = {MoneyKind.MATCHING_LOCAL, MoneyKind.MATCHING_CENTRAL}

# The kind of money an agency usually gives (the form's default).
DEFAULT_KIND = {
    Agency.Kind.LOCAL_GOV: MoneyKind.MATCHING_LOCAL,
    Agency.Kind.CENTRAL_GOV: MoneyKind.MATCHING_CENTRAL,
    Agency.Kind.DONOR: MoneyKind.DONATION,
    Agency.Kind.BANK: MoneyKind.INTEREST,
    Agency.Kind.OTHER: MoneyKind.OTHER,
}


# --- agencies ------------------------------------------------------------------------------


def _agency_errors(fund: Fund, name: str, kind: str, exclude_pk: int | None) -> dict:
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = [_("Please give the agency's name.")]
    elif Agency.objects.filter(fund=fund, name=name.strip()).exclude(pk=exclude_pk).exists():
        errors["name"] = [_("This fund already has an agency with that name.")]
    if kind not in Agency.Kind.values:
        errors["kind"] = [_("Choose the kind of agency.")]
    return errors


@transaction.atomic
def agency_create(*, fund: Fund, name: str, kind: str) -> Agency:
    errors = _agency_errors(fund, name, kind, None)
    if errors:
        raise ValidationError(errors)
    return Agency.objects.create(fund=fund, name=name.strip(), kind=kind)


@transaction.atomic
def agency_update(*, agency: Agency, name: str, kind: str) -> Agency:
    errors = _agency_errors(agency.fund, name, kind, agency.pk)
    if errors:
        raise ValidationError(errors)
    agency.name = name.strip()
    agency.kind = kind
    agency.save(update_fields=["name", "kind"])
    return agency


# --- money in ------------------------------------------------------------------------------


@retry_transient
@transaction.atomic
def agency_money_record(
    *,
    fund: Fund,
    agency_id: int,
    date: dt.date,
    kind: str,
    amount: Decimal,
    into: str = "cash",
    reference: str = "",
    note: str = "",
    request_id: int | None = None,
    actor: AbstractBaseUser | None,
    today: dt.date | None = None,
) -> JournalEntry:
    """Record money from an agency: one entry, debit cash or bank, credit the income account of
    the kind of money, naming the agency; against a matching request when given."""
    fund_lock(fund.pk)
    errors: dict[str, list[str]] = {}
    agency = Agency.objects.filter(pk=agency_id, fund=fund).first()
    if agency is None:
        errors["agency"] = [_("Choose one of this fund's agencies.")]
    if kind not in MoneyKind.values:
        errors["kind"] = [_("Choose the kind of money.")]
    if into not in ("cash", "bank"):
        errors["into"] = [_("Choose cash or bank.")]
    if amount is None or amount <= 0:
        errors["amount"] = [_("The amount must be more than zero.")]
    elif to_money(amount) != amount:
        errors["amount"] = [_("An amount has at most 2 decimals (satang).")]
    request = None
    if request_id is not None:
        request = (
            MatchingRequest.objects.select_for_update().filter(pk=request_id, fund=fund).first()
        )
        if request is None:
            errors["request"] = [_("No such matching request in this fund.")]
        else:
            if agency is not None and request.agency_id != agency.pk:
                errors.setdefault("agency", []).append(
                    _("Matching request %(n)s was made to %(agency)s.")
                    % {"n": request.number, "agency": request.agency.name}
                )
            if request.status != RequestStatus.SUBMITTED:
                errors["request"] = [
                    _("Submit matching request %(n)s before recording money against it.")
                    % {"n": request.number}
                ]
            if kind not in MATCHING_KINDS:
                errors.setdefault("kind", []).append(
                    _("Money against a matching request is matching money.")
                )
    if errors:
        raise ValidationError(errors)
    # The books are kept in the fund's language (Thai), whatever language the poster reads.
    with translation.override(settings.LANGUAGE_CODE):
        description = _("%(kind)s from %(agency)s") % {
            "kind": MoneyKind(kind).label,
            "agency": agency.name,
        }
        if request is not None:
            description += " " + _("(matching request %(n)s)") % {"n": request.number}
    if note.strip():
        description += " — " + note.strip()
    entry = entry_post(
        fund=fund,
        draft=EntryDraft(
            date=date,
            description=description[:300],
            lines=[
                LineDraft(account=account_for(fund, into), debit=amount),
                LineDraft(account=account_for(fund, kind), credit=amount),
            ],
            source_type=SourceType.GRANT,
            source_ref=reference.strip()[:60],
            agency_id=agency.pk,
        ),
        actor=actor,
        today=today,
    )
    if request is not None:
        MatchingReceipt.objects.create(request=request, entry=entry, amount=amount)
    return entry


# --- the matching rule (decision 0006) -----------------------------------------------------


def _round_half_up(value: Fraction | Decimal) -> Decimal:
    """To satang, halves away from zero (amounts here are never negative)."""
    if isinstance(value, Decimal):
        return value.quantize(CENT, rounding=ROUND_HALF_UP)
    satang = value * 100
    whole = satang.numerator // satang.denominator
    if satang - whole >= Fraction(1, 2):
        whole += 1
    return (Decimal(whole) / 100).quantize(CENT)


def months_in_period(start: dt.date, end: dt.date) -> Fraction:
    """Calendar months covered by [start, end] (both days included): a whole month counts 1,
    a part of a month counts its days over the days of that month. 1 Oct – 30 Sep is 12."""
    total = Fraction(0)
    month = start.replace(day=1)
    while month <= end:
        days = calendar.monthrange(month.year, month.month)[1]
        last = month.replace(day=days)
        first_day = max(start, month)
        last_day = min(end, last)
        total += Fraction((last_day - first_day).days + 1, days)
        month = last + dt.timedelta(days=1)
    return total


def cap_for_period(cap_per_year: Decimal | None, start: dt.date, end: dt.date) -> Decimal | None:
    """The cap per member for the whole period: the yearly cap × months in the period / 12,
    rounded half up to satang."""
    if cap_per_year is None:
        return None
    return _round_half_up(Fraction(cap_per_year) * months_in_period(start, end) / 12)


@dataclass(frozen=True)
class ComputedLine:
    member: Member
    paid: Decimal
    requested: Decimal
    capped: bool


def matching_compute(
    *,
    fund: Fund,
    period_start: dt.date,
    period_end: dt.date,
    ratio: Decimal,
    cap_per_member_year: Decimal | None,
    members_rule: str,
) -> list[ComputedLine]:
    """One line per member who paid contributions in the period (by payment date, voided
    payments left out), and, by the rule, was active on the period's last day:
    requested = min(ratio × paid, cap for the period), rounded half up to satang."""
    paid = {
        row["member_id"]: row["total"]
        for row in ContributionPayment.objects.filter(
            fund=fund,
            paid_on__gte=period_start,
            paid_on__lte=period_end,
            voided_at__isnull=True,
        )
        .values("member_id")
        .annotate(total=Sum("amount"))
        .order_by()
    }
    members = Member.objects.filter(fund=fund, pk__in=list(paid)).select_related("village")
    if members_rule == MembersRule.ACTIVE_AT_END:
        latest = (
            MemberStatusChange.objects.filter(member=OuterRef("pk"), effective_date__lte=period_end)
            .order_by("-effective_date", "-id")
            .values("status")[:1]
        )
        members = members.annotate(
            status_at_end=Coalesce(Subquery(latest), Value(MemberStatus.ACTIVE.value))
        ).filter(status_at_end=MemberStatus.ACTIVE, join_date__lte=period_end)
    cap = cap_for_period(cap_per_member_year, period_start, period_end)
    lines = []
    for member in members.order_by("number"):
        total = to_money(paid[member.pk])
        if total <= 0:
            continue
        raw = ratio * total
        capped = cap is not None and raw > cap
        requested = _round_half_up(cap if capped else raw)
        if requested > 0:
            lines.append(ComputedLine(member, total, requested, capped))
    return lines


@dataclass(frozen=True)
class RequestInput:
    agency_id: int
    period_start: dt.date
    period_end: dt.date
    ratio: Decimal
    cap_per_member_year: Decimal | None
    members_rule: str
    reference: str = ""


def _validate_request(
    fund: Fund, data: RequestInput, exclude_pk: int | None
) -> tuple[Agency | None, dict]:
    errors: dict[str, list[str]] = {}
    agency = Agency.objects.filter(pk=data.agency_id, fund=fund).first()
    if agency is None:
        errors["agency"] = [_("Choose one of this fund's agencies.")]
    if data.period_end < data.period_start:
        errors["period_end"] = [_("The end is before the start.")]
    if data.ratio is None or data.ratio <= 0 or data.ratio > MAX_RATIO:
        errors["ratio"] = [_("Give a ratio above 0 and at most 100, e.g. 1.00.")]
    elif data.ratio.quantize(CENT) != data.ratio:
        errors["ratio"] = [_("A ratio has at most 2 decimals.")]
    if data.cap_per_member_year is not None and data.cap_per_member_year <= 0:
        errors["cap_per_member_year"] = [_("Leave the cap empty, or give more than zero.")]
    if data.members_rule not in MembersRule.values:
        errors["members_rule"] = [_("Choose which members count.")]
    if agency is not None and not errors:
        overlap = (
            MatchingRequest.objects.filter(
                fund=fund,
                agency=agency,
                period_start__lte=data.period_end,
                period_end__gte=data.period_start,
            )
            .exclude(pk=exclude_pk)
            .first()
        )
        if overlap is not None:
            errors["period_start"] = [
                _(
                    "Matching request %(n)s to this agency already covers part of this period; "
                    "one period is asked for once."
                )
                % {"n": overlap.number}
            ]
    return agency, errors


def _write_lines(request: MatchingRequest) -> int:
    lines = matching_compute(
        fund=request.fund,
        period_start=request.period_start,
        period_end=request.period_end,
        ratio=request.ratio,
        cap_per_member_year=request.cap_per_member_year,
        members_rule=request.members_rule,
    )
    if not lines:
        raise ValidationError(
            {"period_start": [_("No member paid contributions in this period under this rule.")]}
        )
    MatchingRequestLine.objects.filter(request=request).delete()
    MatchingRequestLine.objects.bulk_create(
        MatchingRequestLine(
            request=request,
            member=line.member,
            paid=line.paid,
            requested=line.requested,
            capped=line.capped,
        )
        for line in lines
    )
    return len(lines)


@retry_transient
@transaction.atomic
def matching_request_create(
    *, fund: Fund, data: RequestInput, actor: AbstractBaseUser | None
) -> MatchingRequest:
    """A draft request with its computed list. Refused when no member qualifies, or when a
    request to the same agency already covers part of the period."""
    fund_lock(fund.pk)
    agency, errors = _validate_request(fund, data, None)
    if errors:
        raise ValidationError(errors)
    request = MatchingRequest.objects.create(
        fund=fund,
        number=counter_next(fund_id=fund.pk, key="matching_request"),
        agency=agency,
        period_start=data.period_start,
        period_end=data.period_end,
        ratio=data.ratio,
        cap_per_member_year=data.cap_per_member_year,
        members_rule=data.members_rule,
        reference=data.reference.strip()[:300],
        computed_at=timezone.now(),
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    _write_lines(request)
    return request


def _lock_draft(request: MatchingRequest) -> MatchingRequest:
    request = MatchingRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != RequestStatus.DRAFT:
        raise ValidationError(
            {"__all__": [_("This request was submitted; its list no longer changes.")]}
        )
    return request


@retry_transient
@transaction.atomic
def matching_request_update(*, request: MatchingRequest, data: RequestInput) -> MatchingRequest:
    """Change a draft's agency, period or rule; its list is computed again."""
    fund_lock(request.fund_id)
    request = _lock_draft(request)
    agency, errors = _validate_request(request.fund, data, request.pk)
    if errors:
        raise ValidationError(errors)
    request.agency = agency
    request.period_start = data.period_start
    request.period_end = data.period_end
    request.ratio = data.ratio
    request.cap_per_member_year = data.cap_per_member_year
    request.members_rule = data.members_rule
    request.reference = data.reference.strip()[:300]
    request.computed_at = timezone.now()
    request.save()
    _write_lines(request)
    return request


@retry_transient
@transaction.atomic
def matching_request_recompute(*, request: MatchingRequest) -> MatchingRequest:
    """Compute a draft's list again from the payments as they are now."""
    fund_lock(request.fund_id)
    request = _lock_draft(request)
    request.computed_at = timezone.now()
    request.save(update_fields=["computed_at"])
    _write_lines(request)
    return request


@retry_transient
@transaction.atomic
def matching_request_submit(
    *, request: MatchingRequest, submitted_on: dt.date, today: dt.date | None = None
) -> MatchingRequest:
    """Mark a draft as sent to the agency: from now on its list is fixed."""
    fund_lock(request.fund_id)
    today = today or timezone.localdate()
    request = _lock_draft(request)
    if submitted_on > today:
        raise ValidationError({"submitted_on": [_("The date is in the future.")]})
    request.status = RequestStatus.SUBMITTED
    request.submitted_on = submitted_on
    request.save(update_fields=["status", "submitted_on"])
    return request

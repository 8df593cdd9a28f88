"""Taking contributions: receipts, payments covering one or many periods, arrears and the
suspension rule. Every baht goes through the ledger's ``entries_post``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kongtun.contributions.models import (
    ContributionPayment,
    ContributionPlan,
    ContributionPolicy,
    PlanAssignment,
    Receipt,
)
from kongtun.core.concurrency import fund_lock, retry_transient
from kongtun.core.models import counter_reserve
from kongtun.core.thaidates import fiscal_year_be, format_date, format_month
from kongtun.funds.models import Fund
from kongtun.ledger.models import SourceType
from kongtun.ledger.services import EntryDraft, LineDraft, account_for, entries_post, entry_reverse
from kongtun.members.models import Member, MemberStatus, MemberStatusChange
from kongtun.members.services import member_set_status
from kongtun.regulations.engine.arrears import ArrearsCount, arrears_crossed_on, arrears_on
from kongtun.regulations.engine.facts import MemberHistory

DEFAULT_PLANS = [
    ("รายเดือน 30 บาท", "Monthly, 30 baht", Decimal("30"), 1),
    ("ราย 3 เดือน 90 บาท", "Every 3 months, 90 baht", Decimal("90"), 3),
    ("ราย 6 เดือน 180 บาท", "Every 6 months, 180 baht", Decimal("180"), 6),
    ("รายปี 360 บาท", "Yearly, 360 baht", Decimal("360"), 12),
]


# --- periods -------------------------------------------------------------------------------


def month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


# One payment covers at most ten years of months (also the import's limit).
MAX_MONTHS_PER_PAYMENT = 120


def month_start(index: int) -> dt.date:
    """The first day of a month index; indexes beyond the calendar (a stored value that no
    longer passes the checks) clamp to its first or last month, so no page fails on them."""
    index = min(max(index, 12), 9998 * 12 + 11)  # month_last of it still exists
    return dt.date(index // 12, index % 12 + 1, 1)


def periods_due(join_date: dt.date, as_of: dt.date, months_per_period: int) -> int:
    """Periods due from the join month through as_of's month, each due at its start."""
    elapsed = max(0, month_index(as_of) - month_index(join_date) + 1)
    return -(-elapsed // months_per_period)  # ceiling


@dataclass(frozen=True)
class ArrearsRule:
    """The regulation in force's arrears clause: the one threshold (decision 0021)."""

    max_months: int
    counted_from: str
    clause: str | None
    version_number: int


def arrears_rule(fund: Fund, on: dt.date) -> ArrearsRule | None:
    """The arrears clause of the regulation version in force on ``on`` (None: the regulation
    has none, so nobody is suspended or refused for arrears)."""
    from kongtun.regulations.selectors import regulation_of, version_in_force

    version = version_in_force(fund=fund, on=on)
    if version is None:
        return None
    arrears = regulation_of(version).membership.arrears
    if arrears is None:
        return None
    return ArrearsRule(
        max_months=arrears.max_months,
        counted_from=arrears.counted_from,
        clause=arrears.clause or regulation_of(version).membership.clause,
        version_number=version.number,
    )


@dataclass(frozen=True)
class Arrears:
    """A member's arrears on a day: ``count`` is the engine's own (``arrears_on``), the one
    the claim check uses; the plan gives the amount."""

    plan: ContributionPlan | None
    count: ArrearsCount
    next_month: dt.date  # first month not yet covered
    rule: ArrearsRule | None = None

    @property
    def periods_due(self) -> int:
        return self.count.periods_due

    @property
    def periods_paid(self) -> int:
        return self.count.periods_paid

    @property
    def periods_unpaid(self) -> int:
        return self.count.periods_unpaid

    @property
    def months_unpaid(self) -> int:
        return self.count.unpaid

    @property
    def months_covered(self) -> int:
        return self.count.paid

    @property
    def over_limit(self) -> bool:
        return self.rule is not None and self.count.over(self.rule.max_months)

    @property
    def amount_unpaid(self) -> Decimal:
        return (self.plan.amount * self.periods_unpaid) if self.plan else Decimal("0.00")


def plan_of(member: Member, on: dt.date) -> ContributionPlan | None:
    row = (
        PlanAssignment.objects.filter(member=member, effective_date__lte=on)
        .select_related("plan")
        .order_by("-effective_date", "-id")
        .first()
    )
    if row is None:  # a plan assigned later than the date still tells what is due
        row = (
            PlanAssignment.objects.filter(member=member)
            .select_related("plan")
            .order_by("effective_date")
            .first()
        )
    return row.plan if row else None


def member_arrears(
    member: Member, *, as_of: dt.date, history: MemberHistory | None = None
) -> Arrears:
    """Calendar months begun from the join month through ``as_of`` against months covered by
    payments made on or before ``as_of``: ``arrears_on`` on the member's history, as the claim
    check computes it; the plan turns unpaid months into periods and an amount."""
    from kongtun.regulations.history import member_history

    history = history or member_history(member, on=as_of)
    rule = arrears_rule(member.fund, as_of)
    count = arrears_on(
        history,
        as_of,
        counted_from=rule.counted_from if rule else "join",  # type: ignore[arg-type]
    )
    all_covered = sum(p.months_covered for p in history.payments)
    return Arrears(
        plan=plan_of(member, as_of),
        count=count,
        next_month=month_start(month_index(member.join_date) + all_covered),
        rule=rule,
    )


# --- setup ---------------------------------------------------------------------------------


@transaction.atomic
def plans_install_default(
    *, fund: Fund, entrance_fee: Decimal = Decimal("0")
) -> list[ContributionPlan]:
    ContributionPolicy.objects.get_or_create(fund=fund, defaults={"entrance_fee": entrance_fee})
    if fund.contribution_plans.exists():
        return list(fund.contribution_plans.all())
    return ContributionPlan.objects.bulk_create(
        ContributionPlan(fund=fund, name_th=th, name_en=en, amount=amount, months=months)
        for th, en, amount, months in DEFAULT_PLANS
    )


@transaction.atomic
def plan_assign(
    *, member: Member, plan: ContributionPlan, effective_date: dt.date
) -> PlanAssignment:
    if plan.fund_id != member.fund_id:
        raise ValidationError({"plan": _("Choose a plan of this fund.")})
    if effective_date < member.join_date:
        effective_date = member.join_date
    row, _created = PlanAssignment.objects.update_or_create(
        member=member, effective_date=effective_date, defaults={"plan": plan}
    )
    return row


def policy_of(fund: Fund) -> ContributionPolicy:
    policy, _created = ContributionPolicy.objects.get_or_create(fund=fund)
    return policy


# --- payments ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PaymentInput:
    """One payment as the treasurer records it; ``row`` numbers it in a batch."""

    member_number: str
    amount: Decimal | None  # None only when checking a row whose amount a form refused
    periods: int | None = None  # None: derived from the amount and the plan
    entrance_fee: bool = False
    row: int = 1


@dataclass(frozen=True)
class _Planned:
    member: Member
    plan: ContributionPlan
    periods: int
    contribution: Decimal
    fee: Decimal
    period_start: dt.date


@dataclass
class _BatchState:
    """What a batch needs to know about its members, loaded in a few queries for the whole
    batch (not per row): status history, plans and months already covered."""

    members: dict[str, Member]
    statuses: dict[int, list[tuple[dt.date, str]]]
    plans: dict[int, list[tuple[dt.date, ContributionPlan]]]
    covered: dict[int, int]

    @classmethod
    def load(cls, fund: Fund, numbers: list[str]) -> _BatchState:
        members = {m.number: m for m in Member.objects.filter(fund=fund, number__in=numbers)}
        ids = [m.pk for m in members.values()]
        statuses: dict[int, list[tuple[dt.date, str]]] = {}
        for member_id, day, status in (
            MemberStatusChange.objects.filter(member_id__in=ids)
            .order_by("effective_date", "id")
            .values_list("member_id", "effective_date", "status")
        ):
            statuses.setdefault(member_id, []).append((day, status))
        plans: dict[int, list[tuple[dt.date, ContributionPlan]]] = {}
        for row in (
            PlanAssignment.objects.filter(member_id__in=ids)
            .select_related("plan")
            .order_by("effective_date", "id")
        ):
            plans.setdefault(row.member_id, []).append((row.effective_date, row.plan))
        covered = dict(
            ContributionPayment.objects.filter(member_id__in=ids, voided_at__isnull=True)
            .values_list("member_id")
            .annotate(m=Sum("months"))
            .order_by()
        )
        return cls(members, statuses, plans, covered)

    def status_on(self, member: Member, day: dt.date) -> str:
        status = MemberStatus.ACTIVE
        for when, value in self.statuses.get(member.pk, []):
            if when <= day:
                status = value
        return status

    def plan_on(self, member: Member, day: dt.date) -> ContributionPlan | None:
        rows = self.plans.get(member.pk, [])
        current = rows[0][1] if rows else None
        for when, plan in rows:
            if when <= day:
                current = plan
        return current


def _plan_payment(
    item: PaymentInput, *, paid_on: dt.date, state: _BatchState, fee: Decimal
) -> tuple[_Planned | None, dict[str, str]]:
    errors: dict[str, str] = {}
    member = state.members.get(item.member_number.strip())
    if member is None:
        return None, {
            "member_number": _("No member %(number)s in this fund.")
            % {"number": item.member_number}
        }
    if paid_on < member.join_date:
        return None, {
            "paid_on": _("The date is before member %(number)s joined.") % {"number": member.number}
        }
    status = state.status_on(member, paid_on)
    if status in (MemberStatus.RESIGNED, MemberStatus.DECEASED):
        return None, {
            "member_number": _("Member %(number)s is %(status)s and cannot pay.")
            % {"number": member.number, "status": MemberStatus(status).label}
        }
    plan = state.plan_on(member, paid_on)
    if plan is None:
        return None, {
            "member_number": _("Member %(number)s has no contribution plan.")
            % {"number": member.number}
        }
    amount = item.amount
    if amount is None or amount <= 0:
        return None, {"amount": _("The amount must be more than zero.")}
    fee_part = fee if item.entrance_fee else Decimal("0")
    contribution = amount - fee_part
    if item.periods is not None:
        periods = item.periods
        if periods < 1:
            errors["periods"] = _("Pay for at least one period.")
        elif contribution != plan.amount * periods:
            errors["amount"] = _("%(periods)s period(s) of this plan are %(expected)s baht.") % {
                "periods": periods,
                "expected": f"{plan.amount * periods + fee_part:,.2f}",
            }
    else:
        periods, rest = divmod(contribution, plan.amount)
        periods = int(periods)
        if rest != 0 or periods < 1:
            errors["amount"] = _(
                "The amount must be a whole number of periods of %(amount)s baht."
            ) % {"amount": f"{plan.amount:,.2f}"}
    most = max(1, MAX_MONTHS_PER_PAYMENT // plan.months)
    if not errors and periods > most:
        errors["periods" if item.periods is not None else "amount"] = _(
            "One payment covers at most %(most)s period(s) of this plan (10 years)."
        ) % {"most": most}
    if errors:
        return None, errors
    already = state.covered.get(member.pk, 0)
    start = month_start(month_index(member.join_date) + already)
    state.covered[member.pk] = already + periods * plan.months
    return _Planned(member, plan, periods, contribution, fee_part, start), {}


def _entrance_fee(fund: Fund) -> Decimal:
    """The fund's entrance fee, read without creating the policy (checking writes nothing)."""
    policy = ContributionPolicy.objects.filter(fund=fund).first()
    return policy.entrance_fee if policy else Decimal("0.00")


def _row_error(item: PaymentInput, field: str, message: str, *, single: bool) -> ValidationError:
    """One refused field of one row. The text is what it always was ("Row 3: …" in a batch);
    ``params`` keep the row, the member number, the field and the bare message, so a page can
    put the error on its row without parsing keys or text."""
    params = {
        "row": item.row,
        "number": item.member_number.strip(),
        "field": field,
        "message": message,
    }
    template = "%(message)s" if single else _("Row %(row)s: %(message)s")
    return ValidationError(template, code=field, params=params)


def repeated_rows(items: Sequence[PaymentInput]) -> dict[str, list[int]]:
    """Member numbers typed in more than one row of a batch, with their rows: at a meeting
    that is usually a slip (two receipts for one person), so it needs a confirmation."""
    rows: dict[str, list[int]] = {}
    for item in items:
        rows.setdefault(item.member_number.strip(), []).append(item.row)
    return {number: found for number, found in rows.items() if len(found) > 1}


def _plan_batch(
    *,
    fund: Fund,
    items: Sequence[PaymentInput],
    paid_on: dt.date,
    today: dt.date,
    repeats_confirmed: bool = False,
) -> list[_Planned]:
    """Every check of a batch, on every row (all problems are reported at once); raises the
    ValidationError keyed ``row<n>.<field>`` (plain ``<field>`` for a single payment). A member
    in several rows is refused on each of them unless ``repeats_confirmed``."""
    errors: dict[str, list[ValidationError]] = {}
    if paid_on > today:
        errors["paid_on"] = [ValidationError(_("The date is in the future."), code="future")]
    if not items:
        errors["items"] = [ValidationError(_("Nothing to record."), code="empty")]
        raise ValidationError(errors)
    state = _BatchState.load(fund, [i.member_number.strip() for i in items])
    fee = _entrance_fee(fund)
    single = len(items) == 1
    repeated = {} if repeats_confirmed else repeated_rows(items)
    planned: list[_Planned] = []
    for item in items:
        plan, row_errors = _plan_payment(item, paid_on=paid_on, state=state, fee=fee)
        others = [r for r in repeated.get(item.member_number.strip(), []) if r != item.row]
        if others:
            row_errors.setdefault(
                "member_number",
                _(
                    "member %(number)s is also in row %(rows)s; confirm that this member "
                    "pays more than once, or remove the extra row"
                )
                % {"number": item.member_number.strip(), "rows": ", ".join(map(str, others))},
            )
        for name, message in row_errors.items():
            key = name if single else f"row{item.row}.{name}"
            errors.setdefault(key, []).append(_row_error(item, name, message, single=single))
        if plan:
            planned.append(plan)
    if errors:
        raise ValidationError(errors)
    return planned


def contributions_check(
    *,
    fund: Fund,
    items: Sequence[PaymentInput],
    paid_on: dt.date,
    today: dt.date | None = None,
    repeats_confirmed: bool = False,
) -> None:
    """Run every check ``contributions_record`` runs and raise the same ValidationError,
    writing nothing: for a page whose form already refused some rows, so the treasurer
    learns about every bad row in one go. An item whose amount the form refused is passed
    with ``amount=None``: its member is still checked, and the amount is refused as usual."""
    _plan_batch(
        fund=fund,
        items=items,
        paid_on=paid_on,
        today=today or timezone.localdate(),
        repeats_confirmed=repeats_confirmed,
    )


@retry_transient
@transaction.atomic
def contributions_record(
    *,
    fund: Fund,
    items: Sequence[PaymentInput],
    paid_on: dt.date,
    actor: AbstractBaseUser | None,
    into: str = "cash",
    today: dt.date | None = None,
    repeats_confirmed: bool = False,
) -> list[Receipt]:
    """Record payments (one or a whole meeting's worth) in one transaction: a receipt each,
    numbered per fiscal year without gaps, one balanced entry each, the months covered.

    Any bad row refuses the whole batch; the error names the row and the field, and every
    bad row is reported (see ``_plan_batch``). The same member in two rows is refused unless
    ``repeats_confirmed`` (the treasurer said so).
    """
    fund_lock(fund.pk)
    today = today or timezone.localdate()
    planned = _plan_batch(
        fund=fund, items=items, paid_on=paid_on, today=today, repeats_confirmed=repeats_confirmed
    )

    money = account_for(fund, "bank" if into == "bank" else "cash")
    income = account_for(fund, "contributions")
    fees = account_for(fund, "entrance_fees")
    fy = fiscal_year_be(paid_on, fund.fiscal_year_start_month)
    first_number = _next_numbers(fund, f"receipt:{fy}", len(planned))
    drafts = []
    receipts = []
    # Books and receipts are written in the fund's language, whatever the poster reads.
    with translation.override(settings.LANGUAGE_CODE):
        for i, p in enumerate(planned):
            number = first_number + i
            covered = format_month(p.period_start, settings.LANGUAGE_CODE, "numeric")
            items_json = [
                {
                    "description": _("Contribution %(periods)s × %(plan)s from %(month)s")
                    % {"periods": p.periods, "plan": str(p.plan), "month": covered},
                    "amount": f"{p.contribution:.2f}",
                }
            ]
            lines = [
                LineDraft(account=money, debit=p.contribution + p.fee, member_id=p.member.pk),
                LineDraft(account=income, credit=p.contribution, member_id=p.member.pk),
            ]
            if p.fee:
                items_json.append({"description": _("Entrance fee"), "amount": f"{p.fee:.2f}"})
                lines.append(LineDraft(account=fees, credit=p.fee, member_id=p.member.pk))
            ref = f"{fy}/{number:05d}"
            drafts.append(
                EntryDraft(
                    date=paid_on,
                    description=_("Receipt %(ref)s: contribution of %(number)s %(name)s")
                    % {"ref": ref, "number": p.member.number, "name": p.member.full_name},
                    lines=lines,
                    source_type=SourceType.RECEIPT,
                    source_ref=ref,
                )
            )
            receipts.append(
                Receipt(
                    fund=fund,
                    fiscal_year=fy,
                    number=number,
                    issued_on=paid_on,
                    member=p.member,
                    payer_name=p.member.full_name,
                    items=items_json,
                    total=p.contribution + p.fee,
                    created_by=actor if actor is not None and actor.is_authenticated else None,
                )
            )
    entries = entries_post(fund=fund, drafts=drafts, actor=actor, today=today)
    for receipt, entry in zip(receipts, entries, strict=True):
        receipt.entry = entry
    receipts = Receipt.objects.bulk_create(receipts)
    ContributionPayment.objects.bulk_create(
        ContributionPayment(
            fund=fund,
            member=p.member,
            paid_on=paid_on,
            period_start=p.period_start,
            months=p.periods * p.plan.months,
            amount=p.contribution,
            receipt=r,
        )
        for p, r in zip(planned, receipts, strict=True)
    )
    _reinstate_paid_up(fund, {p.member.pk for p in planned}, on=paid_on, actor=actor, today=today)
    return receipts


def _next_numbers(fund: Fund, key: str, n: int) -> int:
    return counter_reserve(fund_id=fund.pk, key=key, n=n)


def _reinstate_paid_up(
    fund: Fund, member_ids: set[int], *, on: dt.date, actor: object, today: dt.date
) -> None:
    """Members suspended for arrears whose payment brings them within the regulation's limit
    are active again from the day of the payment."""
    policy = policy_of(fund)
    rule = arrears_rule(fund, on)
    if not policy.reinstate_on_payment or rule is None:
        return
    for member in Member.objects.filter(pk__in=member_ids, status=MemberStatus.SUSPENDED):
        last = member.status_changes.order_by("-effective_date", "-id").first()
        if last is None or not last.reason.startswith(ARREARS_REASON):
            continue  # suspended by the committee for another reason: the committee decides
        if not member_arrears(member, as_of=on).over_limit:
            member_set_status(
                member=member,
                status=MemberStatus.ACTIVE,
                effective_date=max(on, last.effective_date),
                reason=REINSTATE_REASON,
                actor=actor,
                today=today,
            )


ARREARS_REASON = "ค้างชำระเงินสัจจะเกินกำหนด"
REINSTATE_REASON = "ชำระเงินสัจจะที่ค้างแล้ว"


def _status_on(changes: Sequence[MemberStatusChange], day: dt.date) -> str:
    status = MemberStatus.ACTIVE
    for ch in changes:  # ordered by date, then id
        if ch.effective_date <= day:
            status = ch.status
    return status


def _first_open_day(fund: Fund, day: dt.date) -> dt.date:
    """``day``, or the first day of the first open month after it (a published month's
    members are counted as they were)."""
    from kongtun.ledger.models import MonthClose

    closed = set(
        MonthClose.objects.filter(fund=fund, month__gte=day.replace(day=1)).values_list(
            "month", flat=True
        )
    )
    while day.replace(day=1) in closed:
        day = month_start(month_index(day) + 1)
    return day


@retry_transient
@transaction.atomic
def arrears_apply_rule(
    *, fund: Fund, on: dt.date, actor: AbstractBaseUser | None, today: dt.date | None = None
) -> list[Member]:
    """Record in the status history the suspension of every member over the regulation's
    arrears limit on ``on``, dated the day the limit was crossed — not the day this runs — so
    a claim for an event after that day sees the suspension, whenever it was computed.

    A member who has since died or resigned gets the suspension inserted before that change
    (their current status stays); a later decision of the committee (reinstated, suspended)
    is never reordered: the suspension then starts from it. A crossing day in a closed month
    is recorded from the first open day, its real date in the reason."""
    from kongtun.regulations.history import histories

    fund_lock(fund.pk)
    today = today or timezone.localdate()
    rule = arrears_rule(fund, on)
    if rule is None:
        return []
    members = list(
        Member.objects.filter(fund=fund, join_date__lte=on)
        .exclude(status=MemberStatus.SUSPENDED)
        .prefetch_related("status_changes")
        .order_by("number")
    )
    found = histories(members, on=on, with_claims=False)
    suspended = []
    for member in members:
        crossed = arrears_crossed_on(
            found[member.pk],
            on,
            max_months=rule.max_months,
            counted_from=rule.counted_from,  # type: ignore[arg-type]
        )
        if crossed is None:
            continue
        changes = sorted(member.status_changes.all(), key=lambda c: (c.effective_date, c.pk))
        if _status_on(changes, crossed) != MemberStatus.ACTIVE:
            continue
        later = [c for c in changes if c.effective_date > crossed]
        terminal = {MemberStatus.DECEASED, MemberStatus.RESIGNED}
        committee = [c for c in later if c.status not in terminal]
        day = max(crossed, committee[-1].effective_date) if committee else crossed
        if committee and committee[-1].status == MemberStatus.SUSPENDED:
            continue
        day = _first_open_day(fund, day)
        if day > on:
            continue
        reason = ARREARS_REASON
        if day != crossed:
            reason = f"{ARREARS_REASON} (เกินกำหนดตั้งแต่ {format_date(crossed, 'th')})"
        MemberStatusChange.objects.create(
            member=member,
            status=MemberStatus.SUSPENDED,
            effective_date=day,
            reason=reason,
            changed_by=actor if actor is not None and actor.is_authenticated else None,
        )
        if not [c for c in changes if c.effective_date > day]:
            Member.objects.filter(pk=member.pk).update(status=MemberStatus.SUSPENDED)
        suspended.append(member)
    return suspended


@retry_transient
@transaction.atomic
def receipt_void(
    *, receipt: Receipt, reason: str, actor: AbstractBaseUser | None, today: dt.date | None = None
) -> Receipt:
    """Void a receipt: its number stays on record, a reversal is posted, its months are free."""
    fund_lock(receipt.fund_id)
    today = today or timezone.localdate()
    receipt = Receipt.objects.select_for_update().get(pk=receipt.pk)
    if receipt.voided_at is not None:
        raise ValidationError({"receipt": [_("This receipt is already void.")]})
    if not reason.strip():
        raise ValidationError({"reason": [_("Please give the reason.")]})
    reversal = entry_reverse(
        entry=receipt.entry,
        date=max(today, receipt.issued_on),
        reason=reason,
        actor=actor,
        today=today,
    )
    now = timezone.now()
    Receipt.objects.filter(pk=receipt.pk).update(
        void_entry=reversal, voided_at=now, void_reason=reason.strip()
    )
    ContributionPayment.objects.filter(receipt=receipt).update(voided_at=now)
    receipt.refresh_from_db()
    return receipt

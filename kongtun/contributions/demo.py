"""Demo step: years of contributions, matching money, interest and benefit payouts, all
posted through the services users use (receipts → ledger)."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal

from kongtun.contributions.models import ContributionPlan
from kongtun.contributions.services import (
    PaymentInput,
    contributions_record,
    month_index,
    month_start,
    plan_assign,
    policy_of,
)
from kongtun.funds.models import Fund
from kongtun.ledger.models import Agency, SourceType
from kongtun.ledger.services import EntryDraft, LineDraft, account_for, entries_post
from kongtun.members.models import Member, MemberStatus
from kongtun.regulations.engine import load_prototype

# Pay every k months, and how common each habit is.
HABITS = [(1, 0.35), (3, 0.2), (6, 0.15), (12, 0.3)]
MEETING_DAY = 5  # the monthly meeting, when the treasurer takes money


def _exit_date(member: Member) -> dt.date | None:
    """The day a member resigned or died: from that day on they pay nothing (the service
    refuses a payment by a member who has left, the day itself included)."""
    last = None
    for change in member.status_changes.all():
        if change.status in (MemberStatus.RESIGNED, MemberStatus.DECEASED):
            last = change.effective_date
    return last


def step(fund: Fund, *, rng: random.Random, today: dt.date) -> None:
    # The fund's regulation sets the entrance fee and the plans members may choose (Banthi:
    # 20 baht and four plans; Thaneun: 50 baht, 30 a month or 360 a year): no other is offered.
    from kongtun.claims.demo import VERSIONS  # the prototype each demo fund's regulation is

    spec = VERSIONS.get(fund.short_code)
    policy = policy_of(fund)
    if spec is None:  # a fund of the tests: the default plans and a 20 baht fee
        policy.entrance_fee = Decimal("20")
        policy.save()
    else:
        rules = load_prototype(spec["prototype"]).membership
        policy.entrance_fee = rules.entrance_fee.amount if rules.entrance_fee else Decimal("0")
        policy.save()
        allowed = {(p.amount, p.months) for p in rules.plans}
        for plan in ContributionPlan.objects.filter(fund=fund):
            if (plan.amount, plan.months) not in allowed:
                plan.active = False
                plan.save(update_fields=["active"])
    plans = {p.months: p for p in ContributionPlan.objects.filter(fund=fund)}
    payments_by_day: dict[dt.date, list[PaymentInput]] = defaultdict(list)
    members = list(
        Member.objects.filter(fund=fund)
        .prefetch_related("status_changes")
        .order_by("join_date", "id")
    )
    for member in members:
        habit = rng.choices([h for h, _ in HABITS], [w for _, w in HABITS])[0]
        plan = plans[12] if habit == 12 and rng.random() < 0.7 else plans[1]
        plan_assign(member=member, plan=plan, effective_date=member.join_date)
        compliance = rng.uniform(0.7, 1.0)
        exit_day = _exit_date(member)
        end = min(exit_day, today) if exit_day else today
        next_unpaid = month_index(member.join_date)
        step_months = max(habit, plan.months)
        fee_due = True
        for meeting in range(month_index(member.join_date), month_index(min(end, today)) + 1):
            pay_day = max(month_start(meeting).replace(day=MEETING_DAY), member.join_date)
            if (exit_day and pay_day >= exit_day) or pay_day > today or meeting < next_unpaid:
                continue  # gone, not yet, or paid ahead
            if not fee_due and rng.random() > compliance:
                continue  # skipped this meeting: the months stay in arrears
            months = (meeting - next_unpaid) + step_months
            periods = -(-months // plan.months)
            amount = plan.amount * periods + (policy.entrance_fee if fee_due else 0)
            payments_by_day[pay_day].append(
                PaymentInput(member.number, amount, periods=periods, entrance_fee=fee_due)
            )
            fee_due = False
            next_unpaid += periods * plan.months
    for day in sorted(payments_by_day):
        contributions_record(
            fund=fund, items=payments_by_day[day], paid_on=day, actor=None, today=today
        )
    _money_from_agencies(fund, rng=rng, today=today)


def _money_from_agencies(fund: Fund, *, rng: random.Random, today: dt.date) -> None:
    """Yearly matching: CODI matches members' contributions 1:1 (capped at 365 baht a member);
    the local government gives a yearly grant; the bank pays interest; some donations."""
    from django.db.models import Sum

    from kongtun.contributions.models import ContributionPayment

    codi, _ = Agency.objects.get_or_create(
        fund=fund, name="สถาบันพัฒนาองค์กรชุมชน (พอช.)", defaults={"kind": "central_gov"}
    )
    local, _ = Agency.objects.get_or_create(
        fund=fund,
        name=f"องค์การบริหารส่วนตำบล{fund.subdistrict.name_th}",
        defaults={"kind": "local_gov"},
    )
    temple, _ = Agency.objects.get_or_create(
        fund=fund, name="ผู้บริจาคในชุมชน", defaults={"kind": "donor"}
    )
    cash, bank = account_for(fund, "cash"), account_for(fund, "bank")
    drafts: list[EntryDraft] = []
    for year in range(fund.founded_on.year, today.year + 1):
        paid = ContributionPayment.objects.filter(
            fund=fund, paid_on__year=year, voided_at__isnull=True
        )
        total = paid.aggregate(s=Sum("amount"))["s"] or Decimal("0")
        payers = paid.values("member").distinct().count()
        grant_day = dt.date(year, 9, 20)
        if grant_day <= today and total:
            codi_amount = min(total, Decimal(365) * payers).quantize(Decimal("1"))
            drafts.append(
                EntryDraft(
                    date=grant_day,
                    description=f"เงินสมทบจาก พอช. ปี {year + 543}",
                    lines=[
                        LineDraft(account=bank, debit=codi_amount),
                        LineDraft(
                            account=account_for(fund, "matching_central"), credit=codi_amount
                        ),
                    ],
                    source_type=SourceType.GRANT,
                    source_ref=f"พอช./{year + 543}",
                    agency_id=codi.pk,
                )
            )
            local_amount = Decimal(rng.choice([20000, 30000, 50000]))
            drafts.append(
                EntryDraft(
                    date=dt.date(year, 6, 15),
                    description=f"เงินสมทบจาก อปท. ปี {year + 543}",
                    lines=[
                        LineDraft(account=bank, debit=local_amount),
                        LineDraft(account=account_for(fund, "matching_local"), credit=local_amount),
                    ],
                    source_type=SourceType.GRANT,
                    source_ref=f"อบต./{year + 543}",
                    agency_id=local.pk,
                )
            )
        interest_day = dt.date(year, 12, 20)
        if interest_day <= today and year > fund.founded_on.year:
            interest = Decimal(rng.randrange(800, 6000)) + Decimal(rng.randrange(0, 100)) / 100
            drafts.append(
                EntryDraft(
                    date=interest_day,
                    description=f"ดอกเบี้ยเงินฝากธนาคาร ปี {year + 543}",
                    lines=[
                        LineDraft(account=bank, debit=interest),
                        LineDraft(account=account_for(fund, "interest"), credit=interest),
                    ],
                    source_type=SourceType.GRANT,
                    source_ref="ธนาคาร",
                )
            )
        if rng.random() < 0.5 and dt.date(year, 4, 13) <= today and year >= fund.founded_on.year:
            gift = Decimal(rng.choice([2000, 5000, 10000]))
            drafts.append(
                EntryDraft(
                    date=dt.date(year, 4, 13),
                    description="เงินบริจาคงานสงกรานต์",
                    lines=[
                        LineDraft(account=cash, debit=gift),
                        LineDraft(account=account_for(fund, "donations"), credit=gift),
                    ],
                    source_type=SourceType.GRANT,
                    agency_id=temple.pk,
                )
            )
        admin_day = dt.date(year, 12, 28)
        if admin_day <= today:
            admin = Decimal(rng.randrange(1500, 4000))
            drafts.append(
                EntryDraft(
                    date=admin_day,
                    description=f"ค่าใช้จ่ายในการบริหาร ปี {year + 543} (เครื่องเขียน ค่าเดินทาง)",
                    lines=[
                        LineDraft(account=account_for(fund, "admin"), debit=admin),
                        LineDraft(account=cash, credit=admin),
                    ],
                    source_type=SourceType.VOUCHER,
                )
            )
    from kongtun.ledger.demo import with_cover

    drafts = sorted((d for d in drafts if d.date >= fund.founded_on), key=lambda d: d.date)
    entries_post(fund=fund, drafts=with_cover(fund, drafts), actor=None, today=today)

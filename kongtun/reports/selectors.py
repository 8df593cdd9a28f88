"""The figures of the reports: a member's statement, the monthly report and the annual report
for the general assembly (decision 0012).

Money comes from the journal lines only (integer satang), by account type and role tag, never
from another app's own tables: money in by source is the income account the entry credited,
benefits are the ``benefit:<kind>`` expense accounts. Claims and the regulation's caps are
read from the claims app when it is installed, and the report says "not available" otherwise.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kongtun.core.thaidates import BE_OFFSET, years_between
from kongtun.funds.models import Fund, OccupationGroup, Village
from kongtun.ledger.models import (
    Account,
    AccountType,
    JournalLine,
    MonthClose,
    satang_to_baht,
)
from kongtun.ledger.reports import (
    MONEY_ROLES,
    cash_movements,
    fiscal_year_bounds,
    money_flow,
    month_after,
    month_last,
)
from kongtun.ledger.selectors import account_sums, balance_sheet, income_expenditure
from kongtun.members.models import Member, MemberStatus, MemberStatusChange, Sex

ZERO = Decimal("0.00")

#: Life stages (ตามช่วงวงจรชีวิต), in the order of a life; a benefit kind maps to one.
LIFE_STAGES: list[tuple[str, object]] = [
    ("birth", _("birth")),
    ("childhood", _("childhood and education")),
    ("working_age", _("working age: disability and disaster")),
    ("illness", _("illness")),
    ("old_age", _("old age")),
    ("death", _("death and funeral")),
    ("other", _("other benefits")),
]
KIND_STAGE = {
    "birth": "birth",
    "education": "childhood",
    "disability": "working_age",
    "disaster": "working_age",
    "hospital": "illness",
    "outpatient": "illness",
    "old_age": "old_age",
    "death": "death",
}

#: Where money in comes from, by the role of the income account it was credited to.
SOURCES: list[tuple[str, object, tuple[str, ...]]] = [
    ("members", _("members: contributions and entrance fees"), ("contributions", "entrance_fees")),
    ("local", _("local government matching"), ("matching_local",)),
    ("central", _("central government matching (CODI)"), ("matching_central",)),
    ("donations", _("donations"), ("donations",)),
    ("interest", _("interest"), ("interest",)),
    ("other", _("other income"), ()),
]

AGE_BANDS: list[tuple[int, int | None]] = [
    (0, 19),
    (20, 29),
    (30, 39),
    (40, 49),
    (50, 59),
    (60, 69),
    (70, 79),
    (80, None),
]


def stage_of_role(role: str) -> str:
    kind = role.split(":", 1)[1] if role.startswith("benefit:") else role
    return KIND_STAGE.get(kind, "other")


def source_of_role(role: str) -> str:
    for key, _label, roles in SOURCES:
        if role in roles:
            return key
    return "other"


def band_label(band: tuple[int, int | None]) -> str:
    low, high = band
    return f"{low}+" if high is None else f"{low}–{high}"


def band_of(age: int) -> tuple[int, int | None]:
    for band in AGE_BANDS:
        if band[1] is None or age <= band[1]:
            if age >= band[0]:
                return band
    return AGE_BANDS[0]


@dataclass
class MoneyRow:
    label: str
    amount: Decimal
    code: str = ""
    group: str = ""


@dataclass
class GroupRow:
    key: str
    label: str
    amount: Decimal = ZERO
    rows: list[MoneyRow] = field(default_factory=list)


def _money_accounts(fund: Fund) -> list[int]:
    return list(
        Account.objects.filter(fund=fund, role__in=MONEY_ROLES).values_list("pk", flat=True)
    )


def money_balance(fund: Fund, *, before: dt.date) -> Decimal:
    """Cash and bank on hand at the start of ``before``."""
    total = (
        JournalLine.objects.filter(
            fund=fund, account_id__in=_money_accounts(fund), date__lt=before
        ).aggregate(s=Sum("amount_satang"))["s"]
        or 0
    )
    return satang_to_baht(total)


# --- status of members on a date -----------------------------------------------------------


def statuses_on(fund: Fund, on: dt.date) -> dict[int, str]:
    """Each member who had joined by ``on`` → their status that day (dated history)."""
    status = {
        pk: MemberStatus.ACTIVE
        for pk in Member.objects.filter(fund=fund, join_date__lte=on).values_list("pk", flat=True)
    }
    for member_id, new_status in (
        MemberStatusChange.objects.filter(member__fund=fund, effective_date__lte=on)
        .order_by("effective_date", "id")
        .values_list("member_id", "status")
    ):
        if member_id in status:
            status[member_id] = new_status
    return status


def _members_moves(fund: Fund, start: dt.date, end: dt.date) -> dict:
    joined = list(
        Member.objects.filter(fund=fund, join_date__gte=start, join_date__lte=end)
        .select_related("village")
        .order_by("join_date", "number")
    )
    left = list(
        MemberStatusChange.objects.filter(
            member__fund=fund,
            status__in=[MemberStatus.RESIGNED, MemberStatus.DECEASED],
            effective_date__gte=start,
            effective_date__lte=end,
        )
        .select_related("member", "member__village")
        .order_by("effective_date", "id")
    )
    at_end = statuses_on(fund, end)
    return {
        "joined": joined,
        "joined_count": len(joined),
        "left": left,
        "resigned": sum(1 for c in left if c.status == MemberStatus.RESIGNED),
        "deceased": sum(1 for c in left if c.status == MemberStatus.DECEASED),
        "active_at_end": sum(1 for s in at_end.values() if s == MemberStatus.ACTIVE),
        "suspended_at_end": sum(1 for s in at_end.values() if s == MemberStatus.SUSPENDED),
    }


# --- claims (from the claims app when it is there) -----------------------------------------


def _claims_app():
    try:
        from kongtun.claims import models as claim_models
    except ImportError:  # pragma: no cover - the claims app is part of the project
        return None
    return claim_models


def claims_decided(fund: Fund, start: dt.date, end: dt.date) -> list[dict] | None:
    """Claims approved or rejected in the period (by the day of the deciding review)."""
    cm = _claims_app()
    if cm is None:
        return None
    tz = timezone.get_current_timezone()
    lo = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    rows = []
    approved = (
        cm.Claim.objects.filter(fund=fund, approved_at__gte=lo, approved_at__lt=hi)
        .select_related("member")
        .order_by("approved_at")
    )
    for c in approved:
        rows.append(
            {
                "claim": c,
                "decided": "approved",
                "on": timezone.localtime(c.approved_at).date(),
                "amount": c.amount_approved,
            }
        )
    rejections = (
        cm.ClaimApproval.objects.filter(
            claim__fund=fund, action="reject", at__gte=lo, at__lt=hi, claim__status="rejected"
        )
        .select_related("claim", "claim__member")
        .order_by("at")
    )
    seen = set()
    for r in rejections:
        if r.claim_id in seen:
            continue
        seen.add(r.claim_id)
        rows.append(
            {
                "claim": r.claim,
                "decided": "rejected",
                "on": timezone.localtime(r.at).date(),
                "amount": None,
            }
        )
    rows.sort(key=lambda r: (r["on"], r["claim"].pk))
    return rows


def claims_by_benefit(rows: list[dict] | None) -> list[dict] | None:
    """Decided claims counted per benefit — what a public report may show of them (no claim,
    member or event of anyone)."""
    if rows is None:
        return None
    out: dict[str, dict] = {}
    for r in rows:
        b = out.setdefault(
            r["claim"].benefit_name,
            {"benefit": r["claim"].benefit_name, "approved": 0, "rejected": 0, "amount": ZERO},
        )
        b[r["decided"]] += 1
        b["amount"] += r["amount"] or ZERO
    return sorted(out.values(), key=lambda b: b["benefit"])


def public_monthly_report(*, fund: Fund, month: dt.date) -> MonthlyReport | None:
    """The monthly report in its public form, computed now: the same money figures, members
    counted but not named, claims counted per benefit. None while the month is open (its
    figures may still change). What a month close freezes and the public page shows is
    ``reports.published`` (this is only the fallback for months closed before that)."""
    start = month.replace(day=1)
    if not MonthClose.objects.filter(fund=fund, month=start).exists():
        return None
    report = monthly_report(fund=fund, month=start, hide_persons=True)
    report.members = {k: v for k, v in report.members.items() if k not in ("joined", "left")}
    return report


# --- monthly report ------------------------------------------------------------------------


@dataclass
class MonthlyReport:
    fund: Fund
    month: dt.date
    end: dt.date
    opening: Decimal
    closing: Decimal
    money_in: list[GroupRow]
    money_out_benefits: list[GroupRow]
    money_out_other: list[MoneyRow]
    total_in: Decimal
    total_benefits: Decimal
    total_other_out: Decimal
    members: dict
    claims: list[dict] | None
    close: MonthClose | None
    #: Set instead of ``claims`` in the published (public) report.
    claims_summary: list[dict] | None = None
    #: The published report: rendered from the snapshot frozen at close (its SHA-256).
    frozen_sha256: str | None = None

    @property
    def total_out(self) -> Decimal:
        return self.total_benefits + self.total_other_out

    @property
    def balanced(self) -> bool:
        return self.opening + self.total_in - self.total_out == self.closing


def _cash_movements(fund: Fund, start: dt.date, end: dt.date) -> dict[int, int]:
    """Satang per non-money account over the month's entries that moved cash or bank — the
    ledger's one definition (``ledger.reports.cash_movements``), which the months page reads
    too."""
    return cash_movements(fund, start, end).get(start, {})


def without_persons(members: dict) -> dict:
    """Members who joined or left counted, never listed (the counts stay)."""
    return {**members, "joined_count": len(members["joined"]), "joined": [], "left": []}


def monthly_report(*, fund: Fund, month: dt.date, hide_persons: bool = False) -> MonthlyReport:
    """The month's report. With ``hide_persons`` (a viewer without ``view_persons``: the
    network coordinator) members are counted but not listed, and claims are counted and
    summed per benefit — never a member beside a benefit, which is health data."""
    report = _monthly_report(fund=fund, month=month)
    if hide_persons:
        report.members = without_persons(report.members)
        report.claims_summary = claims_by_benefit(report.claims)
        report.claims = None
    return report


def _monthly_report(*, fund: Fund, month: dt.date) -> MonthlyReport:
    start = month.replace(day=1)
    end = month_last(start)
    opening = money_balance(fund, before=start)
    closing = money_balance(fund, before=month_after(start))
    sums = _cash_movements(fund, start, end)
    accounts = {a.pk: a for a in Account.objects.filter(fund=fund, pk__in=list(sums))}

    groups_in = {key: GroupRow(key, str(label)) for key, label, _roles in SOURCES}
    other_in = GroupRow("other_movements", str(_("other receipts")))
    stages = {key: GroupRow(key, str(label)) for key, label in LIFE_STAGES}
    other_out: list[MoneyRow] = []
    for account in sorted(accounts.values(), key=lambda a: a.code):
        satang = sums[account.pk]
        if not satang:
            continue
        side, flow = money_flow(account.type, satang)
        row = MoneyRow(account.display_name, satang_to_baht(flow), account.code)
        if account.type == AccountType.INCOME:
            g = groups_in[source_of_role(account.role)]
            g.rows.append(row)
            g.amount += row.amount
        elif account.role.startswith("benefit:") and account.type == AccountType.EXPENSE:
            g = stages[stage_of_role(account.role)]
            g.rows.append(row)
            g.amount += row.amount
        elif side == "in":  # money came in against a liability, capital or receivable
            other_in.rows.append(row)
            other_in.amount += row.amount
        else:  # an expense, or money went out to a liability, capital or receivable
            other_out.append(row)
    money_in = [g for g in groups_in.values() if g.rows]
    if other_in.rows:
        money_in.append(other_in)
    benefits = [g for g in stages.values() if g.rows]
    return MonthlyReport(
        fund=fund,
        month=start,
        end=end,
        opening=opening,
        closing=closing,
        money_in=money_in,
        money_out_benefits=benefits,
        money_out_other=other_out,
        total_in=sum((g.amount for g in money_in), ZERO),
        total_benefits=sum((g.amount for g in benefits), ZERO),
        total_other_out=sum((r.amount for r in other_out), ZERO),
        members=_members_moves(fund, start, end),
        claims=claims_decided(fund, start, end),
        close=MonthClose.objects.filter(fund=fund, month=start).first(),
    )


# --- annual report -------------------------------------------------------------------------


@dataclass
class CountRow:
    label: str
    count: int
    female: int = 0
    male: int = 0


@dataclass
class AnnualReport:
    fund: Fund
    year_be: int
    start: dt.date
    end: dt.date
    ie: dict
    bs: dict
    benefits_by_type: list[MoneyRow]
    benefits_by_stage: list[MoneyRow]
    benefits_by_village: list[MoneyRow]
    total_benefits: Decimal
    members_total: int
    by_age: list[CountRow]
    by_sex: list[CountRow]
    by_occupation: list[CountRow]
    by_village: list[CountRow]
    members: dict
    closes: list[MonthClose]
    committee: list
    meetings: list
    resolutions: int

    @property
    def year_label(self) -> str:
        """'2568' in Thai; '2025 (B.E. 2568)' in English, beside dates in the Common Era."""
        if (get_language() or "th").startswith("en"):
            return f"{self.end.year} (B.E. {self.year_be})"
        return str(self.year_be)


def fiscal_year_of(fund: Fund, year_be: int) -> tuple[dt.date, dt.date]:
    """First and last day of the fiscal year named ``year_be`` (the B.E. year it ends in)."""
    year = year_be - BE_OFFSET
    start_month = fund.fiscal_year_start_month or 1
    last_day = dt.date(year, 12, 31) if start_month == 1 else dt.date(year, start_month, 1)
    if start_month > 1:
        last_day -= dt.timedelta(days=1)
    return fiscal_year_bounds(fund, last_day)


def _benefit_rows(fund: Fund, start: dt.date, end: dt.date) -> tuple[list, list, list]:
    sums = account_sums(fund=fund, start=start, end=end)
    by_type = []
    by_stage: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for account in Account.objects.filter(
        fund=fund, type=AccountType.EXPENSE, role__startswith="benefit:"
    ).order_by("code"):
        satang = sums.get(account.pk, 0)
        if satang:
            amount = satang_to_baht(satang)
            by_type.append(MoneyRow(account.display_name, amount, account.code))
            by_stage[stage_of_role(account.role)] += amount
    stages = [
        MoneyRow(str(label), by_stage[key], key) for key, label in LIFE_STAGES if by_stage.get(key)
    ]
    villages = {v.pk: v for v in Village.objects.filter(fund=fund)}
    by_village = []
    rows = (
        JournalLine.objects.filter(
            fund=fund, date__gte=start, date__lte=end, account__role__startswith="benefit:"
        )
        .values("member__village")
        .annotate(s=Sum("amount_satang"))
        .order_by("member__village")
    )
    unlinked = 0
    for r in rows:
        if r["member__village"] is None:
            unlinked += r["s"]
            continue
        v = villages[r["member__village"]]
        if r["s"]:
            by_village.append(
                MoneyRow(
                    str(_("Moo %(n)s %(name)s") % {"n": v.number, "name": v.name_th}),
                    satang_to_baht(r["s"]),
                    str(v.number),
                )
            )
    by_village.sort(key=lambda r: int(r.code))
    if unlinked:
        by_village.append(MoneyRow(str(_("not linked to a member")), satang_to_baht(unlinked)))
    return by_type, stages, by_village


def membership_profile(fund: Fund, on: dt.date) -> dict:
    """Members of the fund on a day (active or suspended) by age band and sex, sex,
    occupation group and village."""
    statuses = statuses_on(fund, on)
    ids = [pk for pk, s in statuses.items() if s in (MemberStatus.ACTIVE, MemberStatus.SUSPENDED)]
    members = list(
        Member.objects.filter(pk__in=ids).values_list(
            "birth_date", "sex", "occupation_id", "village_id"
        )
    )
    bands = {band: CountRow(band_label(band), 0) for band in AGE_BANDS}
    occupations: dict[int, int] = defaultdict(int)
    villages: dict[int, int] = defaultdict(int)
    sexes = {Sex.FEMALE: 0, Sex.MALE: 0}
    for birth, sex, occupation_id, village_id in members:
        row = bands[band_of(years_between(birth, on))]
        row.count += 1
        if sex == Sex.FEMALE:
            row.female += 1
        else:
            row.male += 1
        sexes[sex] = sexes.get(sex, 0) + 1
        occupations[occupation_id] += 1
        villages[village_id] += 1
    by_occupation = [
        CountRow(str(o), occupations[o.pk])
        for o in OccupationGroup.objects.filter(fund=fund).order_by("sort_order", "name_th")
        if occupations.get(o.pk)
    ]
    by_occupation.sort(key=lambda r: -r.count)
    by_village = [
        CountRow(str(_("Moo %(n)s %(name)s") % {"n": v.number, "name": v.name_th}), villages[v.pk])
        for v in Village.objects.filter(fund=fund).order_by("number")
        if villages.get(v.pk)
    ]
    return {
        "total": len(members),
        "by_age": list(bands.values()),
        "by_sex": [CountRow(str(label), sexes.get(code, 0)) for code, label in Sex.choices],
        "by_occupation": by_occupation,
        "by_village": by_village,
    }


def _governance_of_year(fund: Fund, start: dt.date, end: dt.date) -> tuple[list, list, int]:
    try:
        from kongtun.governance.models import Meeting, Resolution
        from kongtun.governance.selectors import committee_on
    except ImportError:  # pragma: no cover
        return [], [], 0
    meetings = list(
        Meeting.objects.filter(fund=fund, date__gte=start, date__lte=end).order_by("date")
    )
    resolutions = Resolution.objects.filter(
        fund=fund, meeting__date__gte=start, meeting__date__lte=end
    ).count()
    return committee_on(fund, end), meetings, resolutions


def annual_report(*, fund: Fund, year_be: int, hide_persons: bool = False) -> AnnualReport:
    """The year's report; with ``hide_persons`` members who joined or left are counted only."""
    start, end = fiscal_year_of(fund, year_be)
    by_type, by_stage, by_village = _benefit_rows(fund, start, end)
    profile = membership_profile(fund, end)
    committee, meetings, resolutions = _governance_of_year(fund, start, end)
    return AnnualReport(
        fund=fund,
        year_be=year_be,
        start=start,
        end=end,
        ie=income_expenditure(fund=fund, start=start, end=end),
        bs=balance_sheet(fund=fund, as_of=end),
        benefits_by_type=by_type,
        benefits_by_stage=by_stage,
        benefits_by_village=by_village,
        total_benefits=sum((r.amount for r in by_type), ZERO),
        members_total=profile["total"],
        by_age=profile["by_age"],
        by_sex=profile["by_sex"],
        by_occupation=profile["by_occupation"],
        by_village=profile["by_village"],
        members=(without_persons if hide_persons else dict)(_members_moves(fund, start, end)),
        closes=list(
            MonthClose.objects.filter(fund=fund, month__gte=start, month__lte=end).order_by("month")
        ),
        committee=committee,
        meetings=meetings,
        resolutions=resolutions,
    )


# --- member statement ----------------------------------------------------------------------


@dataclass
class MemberStatement:
    member: Member
    as_of: dt.date
    payments: list[dict]
    total_paid: Decimal
    arrears: object
    claims: list | None
    benefits: list[dict]
    total_benefits: Decimal
    version: object
    caps: list | None


def member_statement(*, member: Member, as_of: dt.date) -> MemberStatement:
    from kongtun.contributions.models import ContributionPayment
    from kongtun.contributions.services import member_arrears, month_index, month_start

    payments = []
    total_paid = ZERO
    for p in (
        ContributionPayment.objects.filter(member=member, paid_on__lte=as_of)
        .select_related("receipt")
        .order_by("paid_on", "period_start")
    ):
        void = p.voided_at is not None
        if not void:
            total_paid += p.amount
        payments.append(
            {
                "paid_on": p.paid_on,
                "period_start": p.period_start,
                "period_end": month_last(month_start(month_index(p.period_start) + p.months - 1)),
                "months": p.months,
                "amount": p.amount,
                "document": p.receipt.display_number if p.receipt_id else p.receipt_ref,
                "void": void,
            }
        )
    benefits = []
    total_benefits = ZERO
    for line in (
        JournalLine.objects.filter(
            fund=member.fund,
            member=member,
            date__lte=as_of,
            account__role__startswith="benefit:",
        )
        .select_related("entry", "account")
        .order_by("date", "entry__seq", "id")
    ):
        amount = satang_to_baht(line.amount_satang)
        total_benefits += amount
        benefits.append(
            {
                "date": line.date,
                "seq": line.entry.seq,
                "entry_id": line.entry_id,
                "document": line.entry.source_ref,
                "benefit": line.account.display_name,
                "description": line.entry.description,
                "amount": amount,
            }
        )
    claims = None
    version, caps = None, None
    cm = _claims_app()
    if cm is not None:
        claims = list(
            cm.Claim.objects.filter(member=member, filed_on__lte=as_of).order_by("event_date", "pk")
        )
        try:
            from kongtun.claims.selectors import member_caps

            version, caps = member_caps(member, on=as_of)
        except ImportError:  # pragma: no cover
            version, caps = None, None
    return MemberStatement(
        member=member,
        as_of=as_of,
        payments=payments,
        total_paid=total_paid,
        arrears=member_arrears(member, as_of=as_of),
        claims=claims,
        benefits=benefits,
        total_benefits=total_benefits,
        version=version,
        caps=caps,
    )


def months_with_books(fund: Fund, today: dt.date) -> list[dt.date]:
    """Months from the fund's founding to this one, newest first (for the month picker)."""
    months = []
    m = fund.founded_on.replace(day=1)
    last = today.replace(day=1)
    while m <= last:
        months.append(m)
        m = month_after(m)
    return months[::-1]


def years_with_books(fund: Fund, today: dt.date) -> list[int]:
    first = fiscal_year_bounds(fund, fund.founded_on)[1].year + BE_OFFSET
    last = fiscal_year_bounds(fund, today)[1].year + BE_OFFSET
    return list(range(last, first - 1, -1))

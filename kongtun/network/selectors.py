"""What a network coordinator reads across the funds they follow (decision 0025): figures from
the roll-up tables only — never journal lines, never a person. A few queries whatever the
number of funds: the funds with their status and latest month, then one grouped query over
the window of months."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Max, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_lazy as _

from kongtun.funds.access import active_roles
from kongtun.funds.models import Fund, Role
from kongtun.network.models import FundMonth, FundStatus
from kongtun.network.rollup import month_index, month_of

ZERO = Decimal("0.00")

#: Regions by the first digit of the province's official (DOPA) code.
REGIONS = {
    "1": ("central", _("Central")),
    "2": ("east", _("East")),
    "3": ("northeast", _("Northeast")),
    "4": ("northeast", _("Northeast")),
    "5": ("north", _("North")),
    "6": ("north", _("North")),
    "7": ("west", _("West")),
    "8": ("south", _("South")),
    "9": ("south", _("South")),
}
GROUPINGS = ("network", "region", "province", "district")
SORTS = {
    "name": lambda r: r.name,
    "members": lambda r: r.members_active,
    "contributions": lambda r: r.contributions,
    "matching": lambda r: r.matching,
    "benefits": lambda r: r.benefits,
    "reserves": lambda r: r.reserves,
    "cover": lambda r: r.months_covered if r.months_covered is not None else Decimal(-1),
    "ruin": lambda r: r.ruin if r.ruin is not None else Decimal(-1),
    "assessment": lambda r: r.assessment_mean if r.assessment_mean is not None else -1.0,
    "stage": lambda r: r.stage or 0,
    "closed": lambda r: r.last_closed or dt.date.min,
}
#: sums carried by a group row (window sums and latest figures)
SUMMED = (
    "members_active",
    "joined",
    "left",
    "contributions",
    "matching",
    "benefits",
    "money_in",
    "reserves",
)


def followed_funds(user: AbstractBaseUser) -> QuerySet[Fund]:
    """The funds the user follows as network coordinator (a superuser: every fund)."""
    if not user.is_authenticated:
        return Fund.objects.none()
    if user.is_superuser:
        return Fund.objects.all()
    ids = active_roles(user).filter(role=Role.COORDINATOR).values("fund_id")
    return Fund.objects.filter(pk__in=ids)


def region_of(province_code: str) -> tuple[str, str]:
    key, label = REGIONS.get(province_code[:1], ("other", _("Other")))
    return key, str(label)


@dataclass
class FundRow:
    fund_id: int
    name: str
    short_code: str
    district: str
    district_code: str
    province: str
    province_code: str
    region: str
    region_key: str
    members_active: int = 0
    members_suspended: int = 0
    joined: int = 0
    left: int = 0
    money_in: Decimal = ZERO
    contributions: Decimal = ZERO
    matching: Decimal = ZERO
    benefits: Decimal = ZERO
    reserves: Decimal = ZERO
    months_covered: Decimal | None = None
    last_closed: dt.date | None = None
    last_verified: dt.date | None = None
    ruin: Decimal | None = None
    ruin_years: int | None = None
    assessment: dict = field(default_factory=dict)
    assessment_mean: float | None = None
    stage: int | None = None
    by_sex: dict = field(default_factory=dict)
    by_age: dict = field(default_factory=dict)
    by_occupation: dict = field(default_factory=dict)
    matching_by_agency: dict = field(default_factory=dict)
    benefits_by_stage: dict = field(default_factory=dict)


@dataclass
class GroupRow:
    key: str
    label: str
    funds: list[FundRow] = field(default_factory=list)
    totals: dict = field(default_factory=dict)
    by_sex: dict = field(default_factory=dict)
    by_age: dict = field(default_factory=dict)
    by_occupation: dict = field(default_factory=dict)
    matching_by_agency: dict = field(default_factory=dict)
    benefits_by_stage: dict = field(default_factory=dict)
    months_covered: Decimal | None = None
    closed: int = 0
    verified: int = 0


@dataclass
class Network:
    until: dt.date | None
    since: dt.date | None
    rows: list[FundRow]
    groups: list[GroupRow]
    grouping: str
    months: list[dt.date]


def _add(target: dict, source: dict) -> None:
    for k, v in source.items():
        target[k] = target.get(k, 0) + (Decimal(v) if isinstance(v, str) else v)


def fund_rows(
    funds: QuerySet[Fund], *, until: dt.date | None = None, window: int = 12
) -> tuple[list[FundRow], dt.date | None, dt.date | None]:
    """One row per fund: its latest closed month's figures and the sums of the ``window``
    months ending with ``until`` (default: the newest month any of the funds closed)."""
    statuses = {
        s.fund_id: s for s in FundStatus.objects.filter(fund__in=funds).select_related("latest")
    }
    if until is None:
        newest = [s.last_closed for s in statuses.values() if s.last_closed]
        until = max(newest) if newest else None
    since = month_of(month_index(until) - window + 1) if until else None
    sums: dict[int, dict] = {}
    mixes: dict[int, tuple[dict, dict]] = defaultdict(lambda: ({}, {}))
    if until:
        window_rows = FundMonth.objects.filter(fund__in=funds, month__gte=since, month__lte=until)
        for row in (
            window_rows.values("fund")
            .annotate(
                joined=Sum("joined"),
                resigned=Sum("resigned"),
                deceased=Sum("deceased"),
                money_in=Sum("money_in"),
                contributions=Sum("contributions"),
                matching=Sum("matching"),
                benefits=Sum("benefits"),
            )
            .order_by()
        ):
            sums[row["fund"]] = row
        for fund_id, agencies, stages in window_rows.values_list(
            "fund", "matching_by_agency", "benefits_by_stage"
        ):
            _add(mixes[fund_id][0], agencies)
            _add(mixes[fund_id][1], stages)
    rows = []
    for f in funds.select_related("subdistrict__parent__parent").order_by("name_th", "pk"):
        district = f.subdistrict.parent
        province = district.parent
        region_key, region = region_of(province.code)
        s = statuses.get(f.pk)
        latest = s.latest if s and s.latest and (not until or s.latest.month <= until) else None
        w = sums.get(f.pk, {})
        row = FundRow(
            fund_id=f.pk,
            name=f.display_name,
            short_code=f.short_code,
            district=district.display_name,
            district_code=district.code,
            province=province.display_name,
            province_code=province.code,
            region=region,
            region_key=region_key,
            joined=w.get("joined") or 0,
            left=(w.get("resigned") or 0) + (w.get("deceased") or 0),
            money_in=w.get("money_in") or ZERO,
            contributions=w.get("contributions") or ZERO,
            matching=w.get("matching") or ZERO,
            benefits=w.get("benefits") or ZERO,
            matching_by_agency=mixes[f.pk][0] if f.pk in mixes else {},
            benefits_by_stage=mixes[f.pk][1] if f.pk in mixes else {},
        )
        if latest is not None:
            row.members_active = latest.members_active
            row.members_suspended = latest.members_suspended
            row.reserves = latest.reserves
            row.months_covered = latest.months_covered
            row.by_sex, row.by_age = latest.by_sex, latest.by_age
            row.by_occupation = latest.by_occupation
        if s is not None:
            row.last_closed, row.last_verified = s.last_closed, s.last_verified
            row.ruin, row.ruin_years = s.ruin_probability, s.ruin_years
            row.assessment = s.assessment
            if s.assessment:
                row.assessment_mean = round(sum(s.assessment.values()) / len(s.assessment), 2)
            row.stage = s.swnt_stage
        rows.append(row)
    return rows, since, until


def _group_key(row: FundRow, grouping: str) -> tuple[str, str]:
    if grouping == "region":
        return row.region_key, row.region
    if grouping == "province":
        return row.province_code, row.province
    if grouping == "district":
        return row.district_code, f"{row.district}, {row.province}"
    return "network", str(_("All funds followed"))


def group_rows(rows: list[FundRow], grouping: str) -> list[GroupRow]:
    groups: dict[str, GroupRow] = {}
    for row in rows:
        key, label = _group_key(row, grouping)
        g = groups.setdefault(key, GroupRow(key, label))
        g.funds.append(row)
        for name in SUMMED:
            g.totals[name] = g.totals.get(name, 0) + getattr(row, name)
        for name in ("by_sex", "by_age", "by_occupation", "matching_by_agency"):
            _add(getattr(g, name), getattr(row, name))
        _add(g.benefits_by_stage, row.benefits_by_stage)
        g.closed += 1 if row.last_closed else 0
        g.verified += 1 if row.last_verified else 0
    for g in groups.values():
        paid = g.totals.get("benefits", 0)
        if paid:
            g.months_covered = (g.totals["reserves"] * 12 / paid).quantize(Decimal("0.1"))
    return sorted(groups.values(), key=lambda g: g.key)


@dataclass
class Filters:
    grouping: str = "province"
    sort: str = "name"
    descending: bool = False
    q: str = ""
    province: str = ""
    stage: int | None = None
    cover_below: Decimal | None = None
    until: dt.date | None = None


def network_view(*, user: AbstractBaseUser, filters: Filters) -> Network:
    funds = followed_funds(user)
    if filters.province:
        funds = funds.filter(subdistrict__code__startswith=filters.province)
    if filters.q:
        funds = funds.filter(
            Q(name_th__icontains=filters.q)
            | Q(name_en__icontains=filters.q)
            | Q(short_code__icontains=filters.q)
        )
    rows, since, until = fund_rows(funds, until=filters.until)
    if filters.stage is not None:
        rows = [r for r in rows if r.stage == filters.stage]
    if filters.cover_below is not None:
        rows = [
            r
            for r in rows
            if r.months_covered is not None and r.months_covered < filters.cover_below
        ]
    key = SORTS.get(filters.sort, SORTS["name"])
    rows.sort(key=key, reverse=filters.descending)
    months = []
    if until:
        months = [month_of(i) for i in range(month_index(since), month_index(until) + 1)]
    return Network(until, since, rows, group_rows(rows, filters.grouping), filters.grouping, months)


def yearly_trends(funds: QuerySet[Fund]) -> list[dict]:
    """By calendar year: money summed over the year's closed months, members and reserves at
    the last closed month of the year (summed over the funds)."""
    per_year = {
        r["year"]: r
        for r in FundMonth.objects.filter(fund__in=funds)
        .annotate(year=ExtractYear("month"))
        .values("year")
        .annotate(
            joined=Sum("joined"),
            resigned=Sum("resigned"),
            deceased=Sum("deceased"),
            money_in=Sum("money_in"),
            contributions=Sum("contributions"),
            matching=Sum("matching"),
            benefits=Sum("benefits"),
        )
        .order_by("year")
    }
    last = (
        FundMonth.objects.filter(fund__in=funds)
        .annotate(year=ExtractYear("month"))
        .values("fund", "year")
        .annotate(last=Max("month"))
        .order_by()
    )
    wanted = {(r["fund"], r["last"]) for r in last}
    at_end: dict[int, dict] = defaultdict(lambda: {"members": 0, "reserves": ZERO, "funds": 0})
    for fund_id, month, members, reserves in FundMonth.objects.filter(
        fund__in=funds, month__in={m for _f, m in wanted}
    ).values_list("fund", "month", "members_active", "reserves"):
        if (fund_id, month) in wanted:
            e = at_end[month.year]
            e["members"] += members
            e["reserves"] += reserves
            e["funds"] += 1
    out = []
    for year, r in sorted(per_year.items()):
        out.append(
            {
                "year": year,
                "funds": at_end[year]["funds"],
                "members": at_end[year]["members"],
                "joined": r["joined"],
                "left": r["resigned"] + r["deceased"],
                "money_in": r["money_in"],
                "contributions": r["contributions"],
                "matching": r["matching"],
                "benefits": r["benefits"],
                "reserves": at_end[year]["reserves"],
            }
        )
    return out

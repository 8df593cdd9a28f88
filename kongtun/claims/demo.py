"""Demo step: each pilot fund's regulation (two approved versions: the founding one and an
amendment) and years of claims — births, hospital stays, outpatient visits, pensions,
scholarships, disasters, deaths of the demo's deceased members paid to their beneficiaries —
each decided by the engine under the version in force on its event date, approved by two
committee members, and paid through the books with a payment voucher.

The governance demo runs first: both versions cite the resolutions on the regulation of the
founding and the amending general assemblies, and approvals given at a monthly committee
meeting cite its resolution approving the claims (when it recorded one). Without those records
(a fund too small for the governance demo) the versions keep their resolutions as text.

Written in bulk (a few statements per table) so the demo stays quick: the decisions are the
engine's, the entries go through ``ledger.services.entries_post`` like every other payment.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from kongtun.claims.models import (
    Claim,
    ClaimApproval,
    ClaimEvidence,
    ClaimStatus,
    Payout,
    ReviewAction,
)
from kongtun.claims.services import (
    REFUSING_STEPS,
    ClaimInput,
    benefit_account_role,
    event_of,
    next_numbers,
    payees,
    policy_of,
    voucher_description,
)
from kongtun.contributions.services import fiscal_year_be
from kongtun.funds.models import Fund, FundRole, Role
from kongtun.governance.models import Resolution
from kongtun.ledger.models import SourceType
from kongtun.ledger.services import EntryDraft, LineDraft, account_for, entries_post
from kongtun.members.models import Member
from kongtun.projection.demo_rates import yearly_rate
from kongtun.regulations.engine import (
    MemberHistory,
    PastClaim,
    Regulation,
    decide,
    regulation_to_dict,
)
from kongtun.regulations.engine.render import render_step
from kongtun.regulations.history import histories
from kongtun.regulations.models import RegulationVersion
from kongtun.regulations.selectors import VersionTimeline, regulation_of
from kongtun.regulations.services import (
    version_approve,
    version_save_data,
    version_start_from_prototype,
)

# (founding version tweaks, amendment date, resolution texts)
VERSIONS = {
    "BANTHI": {
        "prototype": "banthi",
        "founding_changes": {"hospital": "80", "funeral_top": "15000"},
        "founding_resolution": "มติที่ประชุมใหญ่ผู้ก่อตั้งกองทุน ครั้งที่ 1/2552 วาระที่ 3",
        "amendment_date": dt.date(2018, 4, 1),
        "amendment_meeting": dt.date(2018, 3, 18),
        "amendment_resolution": (
            "มติที่ประชุมใหญ่สามัญประจำปี 2561 วาระที่ 5 (ปรับอัตราค่านอนโรงพยาบาลและค่าจัดการศพ)"
        ),
    },
    "THANEUN": {
        "prototype": "thaneun",
        "founding_changes": {"hospital": "100", "funeral_top": "10000"},
        "founding_resolution": "มติที่ประชุมใหญ่สมาชิก ครั้งที่ 1/2552 วาระที่ 2",
        "amendment_date": dt.date(2019, 10, 1),
        "amendment_meeting": dt.date(2019, 9, 15),
        "amendment_resolution": "มติที่ประชุมใหญ่สามัญประจำปี 2562 วาระที่ 4 (ปรับอัตราสวัสดิการ)",
        # From the amendment the pension is granted once and paid every month (decision 0021):
        # "ได้รับเงินบำนาญเดือนละ ... บาท ทุกเดือน".
        "recurring": {"old_age": {"every": "month", "clause": "14"}},
    },
}
CAUSES = [
    "ไข้เลือดออก",
    "ปอดอักเสบ",
    "อุบัติเหตุรถจักรยานยนต์",
    "เบาหวาน",
    "ความดันโลหิตสูง",
    "ผ่าตัดไส้ติ่ง",
    "ท้องร่วงรุนแรง",
    "ไข้หวัดใหญ่",
    "โรคหัวใจ",
    "กระดูกหัก",
]
DETAIL_WORDS = {"birth": "คลอดบุตร", "disaster": "บ้านเสียหายจากน้ำท่วม"}
PAPER = "ฉบับจริงเก็บในแฟ้มกองทุน"


def _founding_content(prototype: Regulation, changes: dict[str, str]) -> dict[str, Any]:
    """The founding version: the prototype with lower hospital and top funeral rates."""
    data = regulation_to_dict(prototype)
    data["title_th"] = data["title_th"] + " (ฉบับก่อตั้ง)"
    for b in data["benefits"]:
        if b["code"] == "hospital":
            b["amount"] = changes["hospital"]
        if b["kind"] == "death" and b.get("tiers"):
            b["tiers"]["bands"][-1]["amount"] = changes["funeral_top"]
    return data


def _regulation_resolution(fund: Fund, day: dt.date) -> Resolution | None:
    """The resolution on the regulation of the meeting held that day, when the governance demo
    recorded it (it runs first); the version then cites it, else its text stands."""
    return (
        Resolution.objects.filter(fund=fund, topic=Resolution.Topic.REGULATION, meeting__date=day)
        .order_by("number")
        .first()
    )


def _versions(fund: Fund, *, today: dt.date, actor: Any) -> VersionTimeline:
    spec = VERSIONS[fund.short_code]
    founding = version_start_from_prototype(
        fund=fund, prototype=spec["prototype"], actor=actor, title="ระเบียบกองทุน ฉบับก่อตั้ง"
    )
    proto = regulation_of(founding)
    version_save_data(
        version=founding, data=_founding_content(proto, spec["founding_changes"]), actor=actor
    )
    founding_day = fund.founded_on - dt.timedelta(days=10)
    version_approve(
        version=founding,
        resolution=spec["founding_resolution"],
        resolution_date=founding_day,
        resolution_record=_regulation_resolution(fund, founding_day),
        effective_date=fund.founded_on,
        actor=actor,
        today=today,
    )
    if spec["amendment_date"] <= today:
        amendment = version_start_from_prototype(
            fund=fund,
            prototype=spec["prototype"],
            actor=actor,
            title="ระเบียบกองทุน แก้ไขเพิ่มเติม ฉบับที่ 2",
        )
        RegulationVersion.objects.filter(pk=amendment.pk).update(previous=founding)
        amendment.refresh_from_db()
        if spec.get("recurring"):
            data = regulation_to_dict(regulation_of(amendment))
            for b in data["benefits"]:
                if b["code"] in spec["recurring"]:
                    b["recurring"] = spec["recurring"][b["code"]]
                    b.pop("caps", None)  # one period per payment: no yearly unit cap
            amendment = version_save_data(version=amendment, data=data, actor=actor)
        version_approve(
            version=amendment,
            resolution=spec["amendment_resolution"],
            resolution_date=spec["amendment_meeting"],
            resolution_record=_regulation_resolution(fund, spec["amendment_meeting"]),
            effective_date=spec["amendment_date"],
            actor=actor,
            today=today,
        )
    return VersionTimeline.of(fund)


# --- events --------------------------------------------------------------------------------


@dataclass
class Candidate:
    member: Member
    data: ClaimInput
    filed_on: dt.date
    paper: bool = True  # evidence seen on paper


@dataclass
class Planned:
    candidate: Candidate
    version: RegulationVersion
    regulation: Regulation
    decision: Any
    status: str
    filer: Any
    approvers: list[Any] = field(default_factory=list)
    approved_on: dt.date | None = None
    paid_on: dt.date | None = None
    rejected_on: dt.date | None = None
    reason: str = ""


def _day_in_year(rng: random.Random, year: int, start: dt.date, end: dt.date) -> dt.date | None:
    lo = max(dt.date(year, 1, 1), start)
    hi = min(dt.date(year, 12, 31), end)
    if lo > hi:
        return None
    return lo + dt.timedelta(days=rng.randrange((hi - lo).days + 1))


def _share_of_year(year: int, start: dt.date, end: dt.date) -> float:
    """The part of ``year`` between ``start`` and ``end`` (both counted)."""
    lo, hi = max(dt.date(year, 1, 1), start), min(dt.date(year, 12, 31), end)
    return max(0, (hi - lo).days + 1) / ((dt.date(year + 1, 1, 1) - dt.date(year, 1, 1)).days)


def _age(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _anniversary(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later (29 Feb → 1 Mar in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return dt.date(day.year + years, 3, 1)


def _pension_attempts(m: Member, pension_from: dt.date, end: dt.date) -> list[dt.date]:
    """When a member would ask for a pension granted once and paid every period: on turning
    60 (or when the benefit began, or on joining), and again on each anniversary of joining
    after that — the day a length of membership or of contributions the regulation asks for
    is reached. ``step`` files the first one the regulation grants; the others are dropped.
    (Asking only once left every member who turned 60 before ten years of contributions
    without a pension for good, and the demo's books at a third of what the regulation pays.)"""
    first = max(pension_from, _anniversary(m.birth_date, 60), m.join_date)
    days = [first]
    years = first.year - m.join_date.year
    while True:
        d = _anniversary(m.join_date, years)
        if d > end:
            break
        if d > first:
            days.append(d)
        years += 1
    return [d for d in days if d <= end]


def _candidates(
    fund: Fund,
    members: list[Member],
    deaths: dict[int, dt.date],
    ends: dict[int, dt.date],
    benefits: set[str],
    *,
    rng: random.Random,
    today: dt.date,
    recurring_from: dict[str, dt.date] | None = None,
) -> list[Candidate]:
    """Plausible events for every member, year by year, from joining to leaving. A benefit
    that became recurring on a day (``recurring_from``) is claimed once from that day on."""
    out: list[Candidate] = []
    thaneun = fund.short_code == "THANEUN"
    recurring_from = recurring_from or {}
    flood_villages = {1, 2, 3}

    def add(m: Member, day: dt.date, benefit: str, **kw: Any) -> None:
        filed = day + dt.timedelta(days=rng.randrange(2, 21))
        if filed > today or day < m.join_date:
            return
        # Evidence missing at first only for recent claims: older ones were completed later.
        paper = rng.random() > 0.1 or filed < today - dt.timedelta(days=60)
        out.append(Candidate(m, ClaimInput(m.number, benefit, day, **kw), filed, paper=paper))

    for m in members:
        end = ends[m.pk]
        for year in range(m.join_date.year, end.year + 1):
            day = _day_in_year(rng, year, m.join_date, end)
            if day is None:
                continue
            age = _age(m.birth_date, day)
            # a year's chances scaled by the part of it the member was in the fund (the year
            # of joining, of leaving, this year so far): else a member who joined in December
            # lived a year's events in a month
            share = _share_of_year(year, m.join_date, end)
            if m.sex == "F" and 18 <= age <= 42 and rng.random() < 0.045 * share:
                twins = rng.random() < 0.02
                add(m, day, "birth", children=2 if twins else 1, cause=DETAIL_WORDS["birth"])
            if rng.random() < (0.07 + 0.002 * max(0, age - 45)) * share:
                d = _day_in_year(rng, year, m.join_date, end) or day
                nights = rng.choices(range(1, 13), [8, 12, 14, 12, 10, 8, 6, 5, 4, 3, 2, 2])[0]
                relative = "child" if thaneun and age < 50 and rng.random() < 0.2 else "self"
                add(
                    m,
                    d,
                    "hospital",
                    nights=nights,
                    relative=relative,
                    subject_name="ด.ช. " + m.first_name if relative == "child" else "",
                    cause=rng.choice(CAUSES),
                )
            if "outpatient" in benefits and rng.random() < 0.06 * share:
                for _visit in range(rng.randrange(1, 3)):
                    d = _day_in_year(rng, year, m.join_date, end)
                    if d:
                        add(m, d, "outpatient", cause=rng.choice(CAUSES))
            pension_from = recurring_from.get("old_age")
            if pension_from and day >= pension_from:
                pass  # granted once, paid every month after: filed below, not each year
            elif "old_age" in benefits and age >= 60:
                if thaneun:
                    d = dt.date(year, 9, 30)  # the pension of the fiscal year, paid at its end
                    if m.join_date <= d <= end and _age(m.birth_date, d) >= 60:
                        add(m, d, "old_age", months=12)
                else:
                    d = dt.date(year, 1, 15)
                    if m.join_date <= d <= end and _age(m.birth_date, d) >= 60:
                        add(m, d, "old_age")
            if 30 <= age <= 60 and rng.random() < 0.03 * share:
                level = rng.choice(["p6", "m3", "m6"] + (["university_entry"] if thaneun else []))
                grade = Decimal(rng.randrange(230, 401)) / 100
                add(
                    m,
                    day,
                    "education",
                    relative="child",
                    subject_name="ด.ญ. " + m.first_name,
                    grade_average=grade,
                    school_level=level,
                )
            # relatives die as Thailand's tables say (the projection's own rates)
            for source, relative in (
                ("spouse_death", "spouse"),
                ("mother_death", "parent"),
                ("father_death", "parent"),
                ("child_death", "child"),
            ):
                if rng.random() < yearly_rate(source, year=year, sex=m.sex, age=age) * share:
                    d = _day_in_year(rng, year, m.join_date, end) or day
                    add(m, d, "funeral", relative=relative, subject_name="ญาติของสมาชิก")
            if "disability" in benefits and rng.random() < 0.002 * share:
                add(m, day, "disability", cause="อัมพาตครึ่งซีก")
        pension_from = recurring_from.get("old_age")
        if "old_age" in benefits and pension_from:
            for d in _pension_attempts(m, pension_from, end):
                add(m, d, "old_age")
        if m.pk in deaths and deaths[m.pk] <= today:
            add(m, deaths[m.pk], "funeral", cause="ถึงแก่กรรม")
        if "disaster" in benefits and m.village.number in flood_villages:
            for flood in (dt.date(2011, 9, 20), dt.date(2022, 10, 3)):
                if m.join_date <= flood <= end and rng.random() < 0.35:
                    add(m, flood, "disaster", cause=DETAIL_WORDS["disaster"])
    out.sort(key=lambda c: (c.data.event_date, c.member.pk))
    return out


# --- the step ------------------------------------------------------------------------------


def _committee(fund: Fund) -> list[Any]:
    deciders = {Role.CHAIR, Role.VICE_CHAIR, Role.TREASURER, Role.SECRETARY, Role.MANAGER}
    deciders.add(Role.COMMITTEE)
    ids = list(
        FundRole.objects.filter(fund=fund, revoked_at__isnull=True, role__in=deciders)
        .order_by("user__username")
        .values_list("user_id", flat=True)
        .distinct()
    )
    users = get_user_model().objects.in_bulk(ids)
    return [users[i] for i in ids]


def _meeting_after(day: dt.date, rng: random.Random) -> dt.date:
    """The committee meets on the 5th of each month; urgent cases within the week."""
    if rng.random() < 0.3:
        return day + dt.timedelta(days=rng.randrange(1, 7))
    nxt = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=5)
    return nxt


def _at(day: dt.date, hour: int = 15) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour, 0))


def step(fund: Fund, *, rng: random.Random, today: dt.date) -> None:
    rng = random.Random(rng.getrandbits(64))  # its own stream: other steps stay as they were
    admin = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    timeline = _versions(fund, today=today, actor=admin)
    policy_of(fund)
    committee = _committee(fund)
    if len(committee) < 3:
        return
    members = list(
        Member.objects.filter(fund=fund).select_related("village").order_by("join_date", "pk")
    )
    hist = histories(members)
    deaths = {pk: h.death_date for pk, h in hist.items() if h.death_date}
    ends = {}
    for m in members:
        h = hist[m.pk]
        gone = [c.on for c in h.status_changes if c.status in ("resigned", "deceased")]
        ends[m.pk] = min(gone[0], today) if gone else today
    benefits = {b.code for v in timeline.versions for b in regulation_of(v).benefits}
    recurring_from: dict[str, dt.date] = {}
    for v in timeline.versions:
        for b in regulation_of(v).benefits:
            if b.recurring is not None:
                recurring_from.setdefault(b.code, v.effective_date)
    candidates = _candidates(
        fund, members, deaths, ends, benefits, rng=rng, today=today, recurring_from=recurring_from
    )

    granted: dict[int, list[PastClaim]] = defaultdict(list)
    asked: set[tuple[int, str]] = set()
    planned: list[Planned] = []
    for c in candidates:
        version = timeline.on(c.data.event_date)
        if version is None:
            continue
        reg = regulation_of(version)
        benefit = reg.benefit(c.data.benefit)
        if benefit is None:
            continue
        if benefit.recurring is not None and (c.member.pk, c.data.benefit) in asked:
            continue  # granted, or asked and waiting: one pension per member
        h: MemberHistory = replace(hist[c.member.pk], claims=tuple(granted[c.member.pk]))
        decision = decide(reg, h, event_of(c.data, as_of=c.filed_on))
        if any(
            s.code in REFUSING_STEPS or s.code == "detail_missing" for s in decision.failed_steps
        ):
            continue  # nobody would file it
        filer, *others = rng.sample(committee, len(committee))
        p = Planned(c, version, reg, decision, ClaimStatus.SUBMITTED, filer)
        meeting = _meeting_after(c.filed_on, rng)
        if not decision.eligible:
            if c.data.benefit == "old_age" or rng.random() > 0.25:
                continue  # the member knew and did not file
            if meeting <= today:
                p.status = ClaimStatus.REJECTED
                p.rejected_on = meeting
                p.approvers = [others[0]]
                p.reason = render_step(decision.failed_steps[0], "th")
        elif meeting <= today and c.paper:
            p.approvers = others[:2]
            p.approved_on = meeting
            p.status = ClaimStatus.APPROVED
            paid = meeting + dt.timedelta(days=rng.randrange(0, 15))
            if benefit.recurring is not None:
                pass  # a pension stays granted: its months are paid below
            elif paid <= today:
                p.paid_on = paid
                p.status = ClaimStatus.PAID
            granted[c.member.pk].append(
                PastClaim(
                    c.data.benefit, c.data.event_date, decision.amount, max(1, decision.units)
                )
            )
        elif meeting <= today:
            p.status = ClaimStatus.MORE_EVIDENCE
            p.approvers = [others[0]]
            p.reason = "ขอสำเนาเอกสารประกอบตามระเบียบ"
        elif rng.random() < 0.5:
            p.approvers = [others[0]]  # one approval so far
        planned.append(p)
        if benefit.recurring is not None:
            asked.add((c.member.pk, c.data.benefit))
    _write(fund, planned, today=today)


def _write(fund: Fund, planned: list[Planned], *, today: dt.date) -> None:
    if not planned:
        return
    by_fy: dict[int, list[Planned]] = defaultdict(list)
    for p in planned:
        by_fy[fiscal_year_be(p.candidate.filed_on, fund.fiscal_year_start_month)].append(p)
    claims: list[Claim] = []
    for fy, items in sorted(by_fy.items()):
        first = next_numbers(fund, f"claim:{fy}", len(items))
        items.sort(key=lambda p: (p.candidate.filed_on, p.candidate.member.pk))
        for i, p in enumerate(items):
            d = p.decision
            c = p.candidate
            benefit = p.regulation.benefit(c.data.benefit)
            assert benefit is not None
            granted = p.status in (ClaimStatus.APPROVED, ClaimStatus.PAID)
            claims.append(
                Claim(
                    fund=fund,
                    fiscal_year=fy,
                    number=first + i,
                    member=c.member,
                    benefit=c.data.benefit,
                    benefit_kind=benefit.kind,
                    benefit_name=benefit.name_th,
                    benefit_name_en=benefit.name_en,
                    event_date=c.data.event_date,
                    relative=c.data.relative,
                    details=c.data.details(),
                    status=p.status,
                    regulation_version=p.version,
                    decided_on=c.filed_on,
                    eligible=d.eligible,
                    amount_computed=d.amount,
                    units=d.units,
                    trace=[s.to_dict() for s in d.steps],
                    clauses=list(d.clauses),
                    amount_proposed=d.amount,
                    amount_approved=d.amount if granted else None,
                    recurring_every=benefit.recurring.every if benefit.recurring else "",
                    approved_at=_at(p.approved_on) if granted and p.approved_on else None,
                    filed_by=p.filer,
                    filed_on=c.filed_on,
                )
            )
    claims = Claim.objects.bulk_create(claims, batch_size=500)
    plans = [p for items in sorted(by_fy.items()) for p in items[1]]
    # The monthly committee meeting's resolution approving the claims, when it recorded one.
    approving = {
        r.meeting.date: r
        for r in Resolution.objects.filter(fund=fund, topic=Resolution.Topic.CLAIMS)
        .select_related("meeting")
        .order_by("number")
    }
    reviews: list[ClaimApproval] = []
    evidence: list[ClaimEvidence] = []
    for claim, p in zip(claims, plans, strict=True):
        claim.member = p.candidate.member
        for user in p.approvers:
            if p.status == ClaimStatus.REJECTED:
                reviews.append(
                    ClaimApproval(
                        claim=claim,
                        round=1,
                        user=user,
                        action=ReviewAction.REJECT,
                        reason=p.reason[:500],
                        at=_at(p.rejected_on or p.candidate.filed_on),
                    )
                )
            elif p.status == ClaimStatus.MORE_EVIDENCE:
                reviews.append(
                    ClaimApproval(
                        claim=claim,
                        round=1,
                        user=user,
                        action=ReviewAction.MORE_EVIDENCE,
                        reason=p.reason,
                        at=_at(_meeting_after(p.candidate.filed_on, random.Random(claim.pk))),
                    )
                )
            else:
                reviews.append(
                    ClaimApproval(
                        claim=claim,
                        round=1,
                        user=user,
                        action=ReviewAction.APPROVE,
                        amount=claim.amount_proposed,
                        resolution=approving.get(p.approved_on) if p.approved_on else None,
                        at=_at(p.approved_on or p.candidate.filed_on, 10),
                    )
                )
        benefit = p.regulation.benefit(claim.benefit)
        if p.candidate.paper and benefit is not None:
            for ev in benefit.evidence:
                evidence.append(
                    ClaimEvidence(
                        claim=claim,
                        requirement=ev.code,
                        description=PAPER,
                        on_paper=True,
                        uploaded_by=p.filer,
                        uploaded_at=_at(p.candidate.filed_on, 9),
                    )
                )
    ClaimApproval.objects.bulk_create(reviews, batch_size=1000)
    ClaimEvidence.objects.bulk_create(evidence, batch_size=1000)
    _pay(fund, [(c, p) for c, p in zip(claims, plans, strict=True) if p.paid_on], today=today)
    _pay_pensions(
        fund,
        [
            (c, p)
            for c, p in zip(claims, plans, strict=True)
            if c.recurring_every and p.status == ClaimStatus.APPROVED and p.approved_on
        ],
        today=today,
    )


def _pay_pensions(fund: Fund, items: list[tuple[Claim, Planned]], *, today: dt.date) -> None:
    """Every month of each granted pension, paid on the committee's meeting day (the 5th) —
    or on the approval for the months owed until then — while the member was active on the
    month's first day; the months after death, resignation or suspension are not paid.
    The current month is left for the treasurer's list."""
    from kongtun.claims.recurring import periods_through, recurring_schedule

    if not items:
        return
    approved_on = {c.pk: p.approved_on for c, p in items}
    this_month = today.replace(day=1)
    last_month = (this_month - dt.timedelta(days=1)).replace(day=1)
    rows = [
        r
        for r in recurring_schedule(fund=fund, month=last_month, claims=[c for c, _p in items])
        if r.due and r.period in periods_through(r.claim, last_month)
    ]
    paid_on = {}
    for r in rows:
        day = max(r.period.replace(day=5), approved_on[r.claim.pk] or r.period)
        if day <= today:
            paid_on[(r.claim.pk, r.period)] = day
    rows = [r for r in rows if (r.claim.pk, r.period) in paid_on]
    rows.sort(key=lambda r: (paid_on[(r.claim.pk, r.period)], r.claim.pk, r.period))
    accounts: dict[str, Any] = {}

    def account(role: str) -> Any:
        if role not in accounts:
            accounts[role] = account_for(fund, role)
        return accounts[role]

    by_fy: dict[int, list[Any]] = defaultdict(list)
    for r in rows:
        day = paid_on[(r.claim.pk, r.period)]
        by_fy[fiscal_year_be(day, fund.fiscal_year_start_month)].append(r)
    drafts: list[EntryDraft] = []
    payouts: list[Payout] = []
    for fy, fy_rows in sorted(by_fy.items()):
        first = next_numbers(fund, f"claim_voucher:{fy}", len(fy_rows))
        for i, r in enumerate(fy_rows):
            claim, day = r.claim, paid_on[(r.claim.pk, r.period)]
            ref = f"{fy}/{first + i:05d}"
            drafts.append(
                EntryDraft(
                    date=day,
                    description=voucher_description(claim, ref, r.period),
                    lines=[
                        LineDraft(
                            account=account(benefit_account_role(claim.benefit_kind)),
                            debit=r.amount,
                            member_id=claim.member_id,
                        ),
                        LineDraft(
                            account=account("cash"), credit=r.amount, member_id=claim.member_id
                        ),
                    ],
                    source_type=SourceType.CLAIM,
                    source_ref=ref,
                )
            )
            payouts.append(
                Payout(
                    claim=claim,
                    fund=fund,
                    fiscal_year=fy,
                    number=first + i,
                    paid_on=day,
                    source="cash",
                    amount=r.amount,
                    paid_to=payees(claim, r.amount),
                    period=r.period,
                )
            )
    if not drafts:
        return
    from kongtun.ledger.demo import with_cover

    order = sorted(range(len(drafts)), key=lambda i: drafts[i].date)
    ordered = [drafts[i] for i in order]
    entries = entries_post(fund=fund, drafts=with_cover(fund, ordered), actor=None, today=today)
    for i, entry in zip(order, entries[: len(order)], strict=True):
        payouts[i].entry = entry
    Payout.objects.bulk_create(payouts, batch_size=500)


def _pay(fund: Fund, items: list[tuple[Claim, Planned]], *, today: dt.date) -> None:
    if not items:
        return
    items.sort(key=lambda cp: (cp[1].paid_on, cp[0].pk))
    accounts: dict[str, Any] = {}

    def account(role: str) -> Any:
        if role not in accounts:
            accounts[role] = account_for(fund, role)
        return accounts[role]

    by_fy: dict[int, list[tuple[Claim, Planned]]] = defaultdict(list)
    for claim, p in items:
        assert p.paid_on is not None
        by_fy[fiscal_year_be(p.paid_on, fund.fiscal_year_start_month)].append((claim, p))
    drafts: list[EntryDraft] = []
    payouts: list[Payout] = []
    for fy, rows in sorted(by_fy.items()):
        first = next_numbers(fund, f"claim_voucher:{fy}", len(rows))
        for i, (claim, p) in enumerate(rows):
            assert p.paid_on is not None
            number = first + i
            ref = f"{fy}/{number:05d}"
            amount = claim.amount_approved
            source = "bank" if amount >= 5000 else "cash"
            drafts.append(
                EntryDraft(
                    date=p.paid_on,
                    description=voucher_description(claim, ref),
                    lines=[
                        LineDraft(
                            account=account(benefit_account_role(claim.benefit_kind)),
                            debit=amount,
                            member_id=claim.member_id,
                        ),
                        LineDraft(
                            account=account(source), credit=amount, member_id=claim.member_id
                        ),
                    ],
                    source_type=SourceType.CLAIM,
                    source_ref=ref,
                )
            )
            payouts.append(
                Payout(
                    claim=claim,
                    fund=fund,
                    fiscal_year=fy,
                    number=number,
                    paid_on=p.paid_on,
                    source=source,
                    amount=amount,
                    paid_to=payees(claim, amount),
                )
            )
    order = sorted(range(len(drafts)), key=lambda i: drafts[i].date)
    from kongtun.ledger.demo import with_cover

    ordered = [drafts[i] for i in order]
    entries = entries_post(fund=fund, drafts=with_cover(fund, ordered), actor=None, today=today)
    for i, entry in zip(order, entries[: len(order)], strict=True):
        payouts[i].entry = entry
    Payout.objects.bulk_create(payouts, batch_size=500)

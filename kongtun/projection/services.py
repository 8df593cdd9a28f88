"""Projection runs: defaults from the fund's own members and books, creating a run (every input
checked, memory estimated, nothing saved when something is refused), running it in a background
thread that writes its progress to the run's row, cancelling it.

A thread started by the request is enough for a single-server app (decision 0008): the work is
numpy in one process (or in worker processes it starts), the row is the only shared state, and a
run left ``running`` by a stopped server is marked failed the next time the page is looked at.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection, transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from kongtun.contributions.models import PlanAssignment
from kongtun.core.templatetags.kongtun import number
from kongtun.core.thaidates import format_date
from kongtun.funds.models import Fund
from kongtun.ledger.models import Account, AccountType
from kongtun.ledger.selectors import account_sums
from kongtun.members.models import Member, MemberStatus, MemberStatusChange
from kongtun.projection import rates
from kongtun.projection.engine import (
    ENTRANT_GROUPS,
    AssumptionError,
    Assumptions,
    Cancelled,
    PlanClass,
    Population,
    ProjectionResult,
    check,
    default_assumptions,
    project,
)
from kongtun.projection.engine.benefits import MAX_NIGHTS, nights_distribution
from kongtun.projection.models import ProjectionRun, RunStatus
from kongtun.projection.selectors import role_totals
from kongtun.regulations.engine import (
    Regulation,
    RegulationFormatError,
    add_months,
    load_regulation,
)
from kongtun.regulations.engine.render import render_error_message

log = logging.getLogger("kongtun.projection")

#: Runs larger than this many seconds (estimated) use two worker processes.
WORKERS_ABOVE_SECONDS = 3.0
#: Tests set this to False so a run finishes inside the request (a thread would not see the
#: test's uncommitted rows).
RUN_IN_BACKGROUND = True


# ---- the fund's own figures -----------------------------------------------------------------


def population_of(*, fund: Fund, start: dt.date) -> Population:
    """The fund's active and suspended members on ``start`` as cells (counts only)."""
    members = list(
        Member.objects.filter(
            fund=fund,
            status__in=[MemberStatus.ACTIVE, MemberStatus.SUSPENDED],
            join_date__lte=start,
        ).values_list("pk", "birth_date", "sex", "join_date")
    )
    plans: dict[int, tuple[float, int]] = {}
    for member_id, amount, months in (
        PlanAssignment.objects.filter(member__fund=fund, effective_date__lte=start)
        .order_by("member_id", "effective_date", "id")
        .values_list("member_id", "plan__amount", "plan__months")
    ):
        plans[member_id] = (float(amount), int(months))
    return Population.from_members(
        ((birth, sex, join, *(plans.get(pk) or (None, None))) for pk, birth, sex, join in members),
        start=start,
        default_plan=PlanClass(30.0, 1),
    )


#: Shape of the prior gamma law of a fund's claim rate: 1, an exponential law whose mean is the
#: national utilisation rate. Weak on purpose: national rates count every admission and visit,
#: while what a fund pays for is the claims its members file — a propensity only the fund's own
#: books show (decision 0024).
PRIOR_SHAPE = 1.0
EXPERIENCE_MONTHS = 36


def _exposure(fund: Fund, start: dt.date, end: dt.date) -> dict[bool, float]:
    """Member-years in (start, end] by age band (True: 60 and over, at the middle of the
    member's time in the window), from join dates and the dated exits (resignation, death)."""
    exits = dict(
        MemberStatusChange.objects.filter(
            member__fund=fund, status__in=[MemberStatus.RESIGNED, MemberStatus.DECEASED]
        )
        .values_list("member_id")
        .annotate(first=Min("effective_date"))
    )
    years = {False: 0.0, True: 0.0}
    for pk, birth, joined in Member.objects.filter(fund=fund, join_date__lte=end).values_list(
        "pk", "birth_date", "join_date"
    ):
        lo, hi = max(joined, start), min(exits.get(pk, end), end)
        if hi <= lo:
            continue
        mid = lo + (hi - lo) / 2
        old = mid.year - birth.year - ((mid.month, mid.day) < (birth.month, birth.day)) >= 60
        years[old] += (hi - lo).days / 365.25
    return years


def _claims_by_band(fund: Fund, kind: str, start: dt.date, end: dt.date) -> dict[bool, int]:
    """Members' own claims of a kind, whatever their decision, by age band at the event."""
    from kongtun.claims.models import Claim, Relative

    counts = {False: 0, True: 0}
    for birth, day in Claim.objects.filter(
        fund=fund,
        benefit_kind=kind,
        relative=Relative.SELF,
        event_date__gt=start,
        event_date__lte=end,
    ).values_list("member__birth_date", "event_date"):
        counts[day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day)) >= 60] += 1
    return counts


def _health_from_experience(*, fund: Fund, a: Assumptions, today: dt.date) -> str:
    """The hospital and outpatient claim rates from the fund's own claims of the last three
    years, weighed with the national rates by the gamma–Poisson model: prior Gamma(α, α/national)
    (α = ``PRIOR_SHAPE``), after *n* claims in *E* member-years the rate's law is
    Gamma(α + n, α/national + E), whose mean is the default and whose spread each scenario draws
    from (``rate_uncertainty``). The weight of the fund's own rate is E / (E + α/national).

    (Limited-fluctuation credibility, full at 1,082 claims, left a village fund at a fifth of
    its own experience: the national "every visit" rates made the first projected year several
    times the books.) A kind the regulation in force does not pay keeps the national rate: no
    claims of it say nothing. Returns the note ('' without exposure)."""
    from kongtun.regulations.selectors import version_in_force

    start = add_months(today, -EXPERIENCE_MONTHS)
    exposure = _exposure(fund, start, today)
    if sum(exposure.values()) < 1:
        return ""
    version = version_in_force(fund=fund, on=today)
    paid_kinds = set()
    if version is not None:
        try:
            paid_kinds = {b.kind for b in load_regulation(version.content).benefits}
        except RegulationFormatError:
            paid_kinds = set()
    parts = []
    shape: dict[str, float] = {}
    for kind, label, fields in (
        ("hospital", _("hospital stays"), ("admissions_under60", "admissions_60plus")),
        ("outpatient", _("outpatient visits"), ("outpatient_under60", "outpatient_60plus")),
    ):
        if kind not in paid_kinds:
            continue
        claims = _claims_by_band(fund, kind, start, today)
        for old, field_name in ((False, fields[0]), (True, fields[1])):
            if exposure[old] < 1:
                continue
            own = claims[old] / exposure[old]
            national = getattr(a, field_name)
            if national <= 0:
                continue
            beta = PRIOR_SHAPE / national
            z = exposure[old] / (exposure[old] + beta)
            setattr(a, field_name, round((PRIOR_SHAPE + claims[old]) / (beta + exposure[old]), 3))
            shape[kind] = shape.get(kind, 0.0) + PRIOR_SHAPE + claims[old]
            parts.append(
                _(
                    "%(what)s, %(band)s: %(n)s claims in %(years)s member-years (%(own)s a "
                    "year), weighed at %(z)s%% against the national %(national)s"
                )
                % {
                    "what": label,
                    "band": _("60 and over") if old else _("under 60"),
                    "n": claims[old],
                    "years": number(exposure[old], 1),
                    "own": number(own, "3g"),
                    "z": round(z * 100),
                    "national": national,
                }
            )
    stays = _nights_from_experience(fund, start, today)
    if stays:
        n = sum(stays.values())
        national = a.mean_nights
        # the national geometric law counts as one stay more (the prior of the rates above)
        prior = nights_distribution(national)
        shares = {
            k: (PRIOR_SHAPE * prior[k - 1] + stays.get(k, 0)) / (PRIOR_SHAPE + n)
            for k in range(1, MAX_NIGHTS + 1)
        }
        a.nights_shares = {k: round(v, 6) for k, v in shares.items() if v >= 5e-7}
        total = sum(a.nights_shares.values())
        a.mean_nights = round(sum(k * v for k, v in a.nights_shares.items()) / total, 2)
        own = sum(k * c for k, c in stays.items()) / n
        parts.append(
            _(
                "nights per stay: the %(n)s stays claimed (%(own)s nights on average), with the "
                "national law of average %(national)s counted as one stay more"
            )
            % {"n": n, "own": f"{own:.2f}", "national": national}
        )
    if not parts:
        return ""
    a.rate_uncertainty.update({k: round(v, 2) for k, v in shape.items() if v > 0})
    return (
        _(
            "The fund's own claims of the last 3 years, weighed with the national rates (a "
            "gamma–Poisson model; national rates count every visit, a fund pays the claims "
            "filed): "
        )
        + "; ".join(parts)
        + "."
    )


def _nights_from_experience(fund: Fund, start: dt.date, end: dt.date) -> dict[int, int]:
    """{nights: stays} of the fund's hospital claims with their nights in (start, end]. A
    per-night benefit capped per stay pays by how the nights fall, not by their average alone:
    the geometric law of the national average put a fifth of the stays at one night where a
    fund's claims showed a tenth, and the money per stay 15% under its books."""
    from kongtun.claims.models import Claim

    stays: dict[int, int] = {}
    for details in Claim.objects.filter(
        fund=fund, benefit_kind="hospital", event_date__gt=start, event_date__lte=end
    ).values_list("details", flat=True):
        value = (details or {}).get("nights")
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            k = min(value, MAX_NIGHTS)
            stays[k] = stays.get(k, 0) + 1
    return stays


#: Events with no published rate whose default is weighed with the fund's own claims: (claim
#: kind, assumption). Disasters are not: they come in bursts (a flood pays a whole village in
#: a week, then nothing for years), so three years of claims say little about the next year.
OWN_RATE_EVENTS = (("education", "education_rate"), ("disability", "disability_rate"))


def _events_from_experience(*, fund: Fund, a: Assumptions, today: dt.date) -> str:
    """Scholarships and disability from the fund's own claims of the last three years, by the
    gamma–Poisson model of the hospital rates with the assumed rate as the prior's mean: after
    *n* claims in *E* member-years the default is (1 + n) / (1/assumed + E), and each scenario
    draws the rate from that law (shape 1 + n: ``rate_uncertainty``).

    Counted: the claims the regulation found eligible, for the member or a relative. The
    projection takes each event as meeting the conditions it cannot see (a child's grades, a
    damage report), so a claim refused for those is no event it would pay. (The assumed 2% of
    members a year with a scholarship, at every age, made a village fund's first projected
    year twice its books.) A kind the regulation in force does not pay keeps its assumption.
    Returns the note ('' when nothing was weighed)."""
    from kongtun.claims.models import Claim
    from kongtun.regulations.selectors import version_in_force

    start = add_months(today, -EXPERIENCE_MONTHS)
    exposure = sum(_exposure(fund, start, today).values())
    version = version_in_force(fund=fund, on=today)
    if exposure < 1 or version is None:
        return ""
    try:
        paid_kinds = {b.kind for b in load_regulation(version.content).benefits}
    except RegulationFormatError:
        return ""
    labels = {"education": _("scholarships"), "disability": _("disability")}
    parts = []
    for kind, field_name in OWN_RATE_EVENTS:
        assumed = getattr(a, field_name)
        if kind not in paid_kinds or assumed <= 0:
            continue
        n = Claim.objects.filter(
            fund=fund, benefit_kind=kind, eligible=True, event_date__gt=start, event_date__lte=today
        ).count()
        beta = PRIOR_SHAPE / assumed
        setattr(a, field_name, round((PRIOR_SHAPE + n) / (beta + exposure), 5))
        # the rate's law is Gamma(α + n, β + E): each scenario draws it (decision 0024)
        a.rate_uncertainty[kind] = float(PRIOR_SHAPE + n)
        parts.append(
            _(
                "%(what)s: %(n)s claims granted in %(years)s member-years, weighed at %(z)s%% "
                "against the assumed %(assumed)s%% a year"
            )
            % {
                "what": labels[kind],
                "n": n,
                "years": f"{exposure:.1f}",
                "z": round(exposure / (exposure + beta) * 100),
                "assumed": f"{assumed * 100:g}",
            }
        )
    if not parts:
        return ""
    return _("The fund's own claims of the last 3 years: ") + "; ".join(parts) + "."


def _net_assets(fund: Fund, on: dt.date) -> float:
    sums = account_sums(fund=fund, end=on)
    total = 0.0
    for acc in Account.objects.filter(
        fund=fund, type__in=[AccountType.ASSET, AccountType.LIABILITY]
    ):
        satang = sums.get(acc.pk, 0)
        total += satang / 100.0  # assets debit positive, liabilities credit negative
    return total


def _matching_agreements(*, fund: Fund, a: Assumptions) -> str:
    """Matching as the fund's latest request to each kind of agency says (its ratio per baht
    and its cap per member a year, decision 0006): a per-head cap does not grow when a draft
    raises contributions. Returns the note ('' when the fund has no request)."""
    from kongtun.ledger.models import Agency
    from kongtun.mobilization.models import MatchingRequest

    parts = []
    for kind, source in ((Agency.Kind.LOCAL_GOV, "local"), (Agency.Kind.CENTRAL_GOV, "central")):
        req = (
            MatchingRequest.objects.filter(fund=fund, agency__kind=kind)
            .select_related("agency")
            .order_by("-period_end", "-pk")
            .first()
        )
        if req is None:
            continue
        setattr(a, f"matching_{source}", float(req.ratio))
        cap = float(req.cap_per_member_year or 0)
        setattr(a, f"matching_{source}_cap", cap)
        parts.append(
            _("%(agency)s: %(ratio)s baht per baht of contributions%(cap)s (request %(number)s)")
            % {
                "agency": req.agency.name,
                "ratio": number(req.ratio, "2g"),
                "cap": (
                    _(", at most %(cap)s baht a member a year") % {"cap": number(cap, 2)}
                    if cap
                    else ""
                ),
                "number": req.number,
            }
        )
    if not parts:
        return ""
    return _("As the fund's latest matching requests say: ") + "; ".join(parts) + "."


@dataclass
class Defaults:
    assumptions: Assumptions
    notes: dict[str, str]  # field → where its default comes from
    population: Population


def projection_defaults(*, fund: Fund, today: dt.date) -> Defaults:
    """Published rates (UN WPP 2024, NHSO) and, for the money and the members, the fund's own
    last years; every default says where it comes from."""
    a = default_assumptions(today)
    notes: dict[str, str] = {}
    pop = population_of(fund=fund, start=today)
    year_ago = today - dt.timedelta(days=365)
    books = role_totals(fund, year_ago + dt.timedelta(days=1), today)
    a.opening_balance = round(_net_assets(fund, today), 2)
    notes["opening_balance"] = _(
        "The fund's assets less its liabilities in the books on %(date)s."
    ) % {"date": format_date(today, get_language() or "th")}
    three_years_ago = add_months(today, -36)
    joined = Member.objects.filter(fund=fund, join_date__gt=three_years_ago, join_date__lte=today)
    n_joined = joined.count()
    a.new_members = round(n_joined / 3.0, 1)
    notes["new_members"] = _("Members who joined in the last 3 years, per year (%(n)s in all).") % {
        "n": n_joined
    }
    recent = list(
        Member.objects.filter(
            fund=fund, join_date__gt=add_months(today, -60), join_date__lte=today
        ).values_list("birth_date", "join_date", "sex")
    )
    if recent:
        shares = dict.fromkeys(ENTRANT_GROUPS, 0.0)
        women = 0
        for birth, join, sex in recent:
            age = (join - birth).days // 365
            group = min(max(15, age // 5 * 5), ENTRANT_GROUPS[-1])
            shares[group] += 1
            women += sex == "F"
        a.entrant_ages = {g: round(v / len(recent) * 100, 1) for g, v in shares.items()}
        if sum(a.entrant_ages.values()) <= 0:
            a.entrant_ages = dict.fromkeys(ENTRANT_GROUPS, 1.0)
        a.entrant_female_share = round(women / len(recent), 3)
        notes["entrant_ages"] = _(
            "Ages on joining of the %(n)s members who joined in the last 5 years."
        ) % {"n": len(recent)}
    else:
        notes["entrant_ages"] = _(
            "No member joined in the last 5 years: every age group alike (assumption)."
        )
    exits = MemberStatusChange.objects.filter(
        member__fund=fund,
        status=MemberStatus.RESIGNED,
        effective_date__gt=three_years_ago,
        effective_date__lte=today,
    ).count()
    if pop.members:
        a.exit_rate = round(min(0.5, exits / (3.0 * (pop.members + exits / 2))), 4)
        notes["exit_rate"] = _(
            "Members who resigned in the last 3 years (%(n)s), per member and year."
        ) % {"n": exits}
    contributions = books.get("contributions", 0.0)
    due = sum(float(n) * pop.plans[p].annual for p, n in zip(pop.plan, pop.count, strict=True))
    if contributions > 0 and due > 0:
        a.compliance = round(min(1.0, contributions / due), 3)
        notes["compliance"] = _(
            "Contributions in the books in the last 12 months over those due from today's members."
        )
        a.matching_local = round(books.get("matching_local", 0.0) / contributions, 3)
        a.matching_central = round(books.get("matching_central", 0.0) / contributions, 3)
        notes["matching"] = _(
            "Matching money in the books in the last 12 months, per baht of members' contributions."
        )
    else:
        a.compliance = 0.9
        notes["compliance"] = _("No contributions in the books yet: 90% assumed.")
        a.matching_local = round(155.71 / 2807.15, 3)
        a.matching_central = round(1058.64 / 2807.15, 3)
        notes["matching"] = _(
            "No contributions in the books yet: the national shares of all funds on 31 Aug 2013 "
            "(CODI: local government 155.71 M, central government 1,058.64 M for 2,807.15 M from "
            "members)."
        )
    agreements = _matching_agreements(fund=fund, a=a)
    if agreements:
        notes["matching"] = agreements
    interest = books.get("interest", 0.0)
    if interest > 0 and a.opening_balance > 0:
        a.interest_rate = round(min(0.1, interest / a.opening_balance), 4)
        notes["interest_rate"] = _(
            "Interest in the books in the last 12 months over today's balance."
        )
    else:
        a.interest_rate = 0.005
        notes["interest_rate"] = _(
            "No interest in the books: 0.5% a year assumed (a savings account)."
        )
    money_in = contributions + books.get("matching_local", 0.0) + books.get("matching_central", 0.0)
    admin = books.get("admin", 0.0)
    a.admin_share = round(min(0.5, admin / money_in), 3) if money_in > 0 and admin > 0 else 0.0
    notes["admin_share"] = (
        _("Administration costs in the books in the last 12 months over money in.")
        if a.admin_share
        else _("No administration costs in the books: none assumed.")
    )
    health = _health_from_experience(fund=fund, a=a, today=today)
    if health:
        notes["health"] = health
    other = _events_from_experience(fund=fund, a=a, today=today)
    if other:
        notes["other_events"] = other
    a.seed = int.from_bytes(os.urandom(4), "big")
    return Defaults(a, notes, pop)


# ---- creating and running ------------------------------------------------------------------

MESSAGES = {
    "not_number": gettext_lazy("Enter a number."),
    "not_probability": gettext_lazy("Must be between 0 and 1 (0% and 100%)."),
    "below_minus_100": gettext_lazy("A yearly change cannot be below −100%."),
    "out_of_range": gettext_lazy("Must be between %(min)s and %(max)s."),
    "too_many_years": gettext_lazy("At most %(max)s years."),
    "too_few": gettext_lazy("At least %(min)s."),
    "too_many_scenarios": gettext_lazy("At most %(max)s scenarios."),
    "incomplete": gettext_lazy("The table needs %(count)s values."),
    "sum_zero": gettext_lazy("Give at least one age group a share above zero."),
    "too_much_memory": gettext_lazy(
        "This run would need about %(needed_mb)s MB of memory; at most %(limit_mb)s MB are "
        "allowed. Use at most %(max_scenarios)s scenarios, or fewer years or regulations."
    ),
    "required": gettext_lazy("Choose at least one regulation."),
}


def assumption_errors(exc: AssumptionError) -> dict[str, list[str]]:
    """Engine errors as translated messages keyed by form field (``mx.F.3`` → ``mx_F_3``)."""
    out: dict[str, list[str]] = {}
    for field, code, params in exc.errors:
        text = str(MESSAGES.get(code, code))
        try:
            text = text % params
        except (KeyError, TypeError, ValueError):
            pass
        out.setdefault(field.replace(".", "_"), []).append(text)
    return out


@dataclass(frozen=True)
class RegulationInput:
    label: str
    source: str  # "version:3", "prototype:banthi", "upload"
    content: str


def _parse(regs: list[RegulationInput]) -> list[tuple[str, Regulation]]:
    parsed = []
    for r in regs:
        try:
            parsed.append((r.label, load_regulation(r.content)))
        except RegulationFormatError as exc:
            first = exc.errors[0]
            raise ValidationError(
                {
                    "upload" if r.source == "upload" else "sources": _(
                        "%(label)s cannot be read: %(path)s: %(message)s (%(count)s problems)."
                    )
                    % {
                        "label": r.label,
                        "path": first.path or "",
                        "message": render_error_message(first, (get_language() or "th")[:2]),
                        "count": len(exc.errors),
                    }
                }
            ) from None
    return parsed


def _benefit_names(reg: Regulation) -> list[dict]:
    return [
        {"code": b.code, "name_th": b.name_th, "name_en": b.name_en or b.name_th, "kind": b.kind}
        for b in reg.benefits
    ]


#: Projections queued or running at once: per fund, and on the whole server (each run can take
#: one or two cores and hundreds of MB; the village server has two cores).
MAX_RUNS_PER_FUND = 1
MAX_RUNS_PER_SERVER = 2
#: Any lock number unique to this purpose (PostgreSQL advisory lock; SQLite serialises writes).
_RUNS_LOCK = 0x4B54_5052


def _runs_limit_check(fund: Fund) -> None:
    """Refuse a new run while the fund, or the server, already has as many as it may run.
    Runs older than ``STALE_AFTER`` lost their thread (server restarted) and do not count."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_RUNS_LOCK])
    since = timezone.now() - STALE_AFTER
    active = ProjectionRun.objects.filter(
        status__in=[RunStatus.QUEUED, RunStatus.RUNNING], created_at__gte=since
    )
    if active.filter(fund=fund).count() >= MAX_RUNS_PER_FUND:
        raise ValidationError(
            {
                "__all__": _(
                    "A projection of this fund is still running: wait until it finishes, or "
                    "cancel it, before starting another."
                )
            }
        )
    if active.count() >= MAX_RUNS_PER_SERVER:
        raise ValidationError(
            {
                "__all__": _(
                    "The server is already running %(count)s projections for other funds: "
                    "try again in a few minutes."
                )
                % {"count": MAX_RUNS_PER_SERVER}
            }
        )


@transaction.atomic
def run_create(
    *,
    fund: Fund,
    actor: object | None,
    assumptions: Assumptions,
    regulations: list[RegulationInput],
    title: str = "",
    population: Population | None = None,
) -> ProjectionRun:
    """Check everything (the assumptions, the regulations, the memory a run would need, the
    runs already going: ``MAX_RUNS_PER_FUND``, ``MAX_RUNS_PER_SERVER``) and save a queued run;
    ``ValidationError`` keyed by field otherwise, nothing saved."""
    if not regulations:
        raise ValidationError({"sources": _("Choose at least one regulation.")})
    if len(regulations) > 6:
        raise ValidationError({"sources": _("Compare at most 6 regulations at once.")})
    parsed = _parse(regulations)
    _runs_limit_check(fund)
    pop = (
        population if population is not None else population_of(fund=fund, start=assumptions.start)
    )
    try:
        est = check(pop, assumptions, len(parsed))
    except AssumptionError as exc:
        raise ValidationError(assumption_errors(exc)) from None
    return ProjectionRun.objects.create(
        fund=fund,
        title=title[:200],
        parameters={
            "assumptions": assumptions.to_dict(),
            "regulations": [
                {
                    "label": r.label,
                    "source": r.source,
                    "content": r.content,
                    "benefits": _benefit_names(reg),
                }
                for r, (_label, reg) in zip(regulations, parsed, strict=True)
            ],
            "population": pop.to_dict(),
            "members": pop.members,
        },
        seed=assumptions.seed,
        scenarios=assumptions.scenarios,
        years=assumptions.years,
        estimated_mb=round(est.total_mb, 1),
        estimated_seconds=round(est.seconds, 1),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


def run_start(run: ProjectionRun, *, background: bool | None = None) -> None:
    """Run now (tests, small runs) or in a thread that reports to the run's row."""
    if background is None:
        background = RUN_IN_BACKGROUND
    if not background:
        run_execute(run.pk)
        run.refresh_from_db()
        return

    def target() -> None:
        close_old_connections()
        try:
            run_execute(run.pk)
        finally:
            connection.close()

    threading.Thread(target=target, name=f"projection-{run.pk}", daemon=True).start()


def result_path(run: ProjectionRun) -> Path:
    return Path(settings.MEDIA_ROOT) / "projection" / f"fund_{run.fund_id}" / f"run_{run.pk}.npz"


def run_execute(run_id: int) -> None:
    """Do the work of a run and record how it ended. Never raises."""
    run = ProjectionRun.objects.get(pk=run_id)
    if run.status != RunStatus.QUEUED:
        return
    ProjectionRun.objects.filter(pk=run_id).update(
        status=RunStatus.RUNNING, started_at=timezone.now(), progress=0.0
    )
    started = time.perf_counter()
    last = [0.0, 0.0]

    def progress(fraction: float) -> None:
        now = time.perf_counter()
        if now - last[0] >= 0.5 or fraction >= 1.0:
            last[0] = now
            ProjectionRun.objects.filter(pk=run_id).update(progress=min(1.0, max(0.0, fraction)))

    def cancelled() -> bool:
        now = time.perf_counter()
        if now - last[1] < 0.5:
            return False
        last[1] = now
        return ProjectionRun.objects.filter(pk=run_id, cancel_requested=True).exists()

    try:
        result = run_result_compute(run, progress=progress, cancelled=cancelled)
        path = result_path(run)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(result.to_npz())
        ProjectionRun.objects.filter(pk=run_id).update(
            status=RunStatus.DONE,
            progress=1.0,
            result_file=str(path.relative_to(settings.MEDIA_ROOT)),
            summary=summarize(result, run.parameters),
            seconds=round(time.perf_counter() - started, 2),
            finished_at=timezone.now(),
        )
    except Cancelled:
        ProjectionRun.objects.filter(pk=run_id).update(
            status=RunStatus.CANCELLED, finished_at=timezone.now()
        )
    except Exception as exc:  # the row says what went wrong; the server keeps going
        log.exception("projection run %s failed", run_id)
        ProjectionRun.objects.filter(pk=run_id).update(
            status=RunStatus.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:2000],
            finished_at=timezone.now(),
        )


def run_result_compute(
    run: ProjectionRun,
    *,
    progress: Callable[[float], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ProjectionResult:
    p = run.parameters
    a = Assumptions.from_dict(p["assumptions"])
    regs = [(r["label"], load_regulation(r["content"])) for r in p["regulations"]]
    pop = Population.from_dict(p["population"])
    workers = 1
    if run.estimated_seconds > WORKERS_ABOVE_SECONDS and (os.cpu_count() or 1) > 1:
        workers = 2
    return project(
        regs,
        pop,
        a,
        workers=workers,
        progress=progress,
        cancelled=cancelled,
        start_method="spawn" if workers > 1 else None,
    )


def run_cancel(run: ProjectionRun) -> None:
    ProjectionRun.objects.filter(
        pk=run.pk, status__in=[RunStatus.QUEUED, RunStatus.RUNNING]
    ).update(cancel_requested=True)
    ProjectionRun.objects.filter(pk=run.pk, status=RunStatus.QUEUED).update(
        status=RunStatus.CANCELLED, finished_at=timezone.now()
    )


STALE_AFTER = dt.timedelta(hours=6)


def run_mark_stale(run: ProjectionRun) -> None:
    """A run still 'running' long after it started lost its thread (server restarted)."""
    if (
        run.status == RunStatus.RUNNING
        and run.started_at
        and timezone.now() - run.started_at > STALE_AFTER
    ):
        ProjectionRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(
            status=RunStatus.FAILED, error=_("The server stopped while this run was going.")
        )
        run.refresh_from_db()


# ---- what the pages show -------------------------------------------------------------------


def _r(values, nd: int = 2) -> list:
    return [round(float(v), nd) for v in values]


def summarize(result: ProjectionResult, parameters: dict) -> dict:
    """JSON for the pages and exports (no per-scenario data)."""
    regs = []
    for r, label in enumerate(result.labels):
        q = result.quantiles(r)
        codes = result.benefit_codes[r]
        names = {b["code"]: b for b in parameters["regulations"][r].get("benefits", [])}
        regs.append(
            {
                "label": label,
                "quantiles": [_r(row, 0) for row in q],
                "mean": _r(result.mean_balance(r), 0),
                "ruin": _r(result.ruin_probability(r), 4),
                "median_negative_year": result.median_negative_year(r),
                "flows": {n: _r(result.flows[r, i]) for i, n in enumerate(result.flow_names)},
                "benefits": [
                    {
                        "code": code,
                        "name_th": names.get(code, {}).get("name_th", code),
                        "name_en": names.get(code, {}).get("name_en", code),
                        "kind": names.get(code, {}).get("kind", ""),
                        "values": _r(result.benefits[r][i]),
                    }
                    for i, code in enumerate(codes)
                ],
                "money_in": _r(result.money_in(r)),
                "money_out": _r(result.money_out(r)),
                "not_modelled": result.info["not_modelled"][r],
                "lifetime_caps": result.info["lifetime_caps"][r],
            }
        )
    return {
        "start_year": result.start_year,
        "years": result.years,
        "scenarios": result.scenarios,
        "regulations": regs,
        "counts": {n: _r(result.counts[i], 3) for i, n in enumerate(result.count_names)},
        "info": {
            k: v
            for k, v in result.info.items()
            if k not in ("not_modelled", "lifetime_caps", "benefit_kinds")
        },
        "quantile_levels": [5, 25, 50, 75, 95],
    }


SOURCE_NOTES = rates.SOURCES

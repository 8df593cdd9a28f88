"""Reads of projection runs; always from the fund."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from kongtun.funds.models import Fund
from kongtun.ledger.models import Account, AccountType
from kongtun.ledger.selectors import account_sums
from kongtun.projection.checks import Facts, explain, reason_text, within
from kongtun.projection.models import ProjectionRun


def role_totals(fund: Fund, start: dt.date, end: dt.date) -> dict[str, float]:
    """Baht by account role over [start, end], each on its natural side (income positive),
    as floats: the projection's own arithmetic (decision 0008)."""
    sums = account_sums(fund=fund, start=start, end=end)
    out: dict[str, float] = {}
    for acc in Account.objects.filter(fund=fund).only("pk", "role", "type"):
        satang = sums.get(acc.pk, 0)
        natural = satang if acc.type in (AccountType.ASSET, AccountType.EXPENSE) else -satang
        out[acc.role] = out.get(acc.role, 0.0) + natural / 100.0
    return out


def runs_of(*, fund: Fund) -> QuerySet[ProjectionRun]:
    return (
        ProjectionRun.objects.filter(fund=fund)
        .select_related("created_by")
        .order_by("-created_at", "-id")
    )


def run_in_fund(*, fund: Fund, run_id: int) -> ProjectionRun | None:
    return ProjectionRun.objects.filter(fund=fund, pk=run_id).first()


def books_check(*, run: ProjectionRun, reg: int = 0) -> list[dict]:
    """The first projected year beside the twelve months of books before the start date, line
    by line (benefits by their ledger account, members' money, matching, deaths). A line more
    than 25 % away carries the reason the books give for it (``checks.explain``: the
    regulation changed, a benefit new or never paid, claims the projection leaves out, one
    event's burst, too few claims to tell, an unusual year against the last three); a far line
    with none says the rates need a look before the long run is trusted."""
    from django.utils.translation import get_language

    from kongtun.members.models import MemberStatus, MemberStatusChange

    s = run.summary
    if not s or not s.get("regulations"):
        return []
    index = max(0, min(reg, len(s["regulations"]) - 1))
    chosen = s["regulations"][index]
    start = dt.date.fromisoformat(str(run.parameters["assumptions"]["start"]))
    lo = start - dt.timedelta(days=364)
    books = role_totals(run.fund, lo, start)
    accounts = list(Account.objects.filter(fund=run.fund))
    english = (get_language() or "th")[:2] == "en"
    names = {a.role: (a.name_en if english and a.name_en else a.name_th) for a in accounts}
    projected: dict[str, float] = {}
    for b in chosen["benefits"]:
        role = _role_of_kind(b.get("kind") or "other", names)
        projected[role] = projected.get(role, 0.0) + (b["values"][0] if b["values"] else 0.0)
    roles = sorted(set(projected) | {r for r, v in books.items() if r.startswith("benefit:") and v})
    history = _BooksHistory(run, index, start, names)
    rows = [
        _check_row(names.get(r, r), history.facts(r, books.get(r, 0.0), projected.get(r, 0.0)), r)
        for r in roles
    ]
    f = chosen["flows"]
    first = lambda key: f[key][0] if f.get(key) else 0.0  # noqa: E731
    money = (("contributions", "entrance_fees"), ("matching_local", "matching_central"))
    rows.append(
        _check_row(
            names.get("contributions", "contributions"),
            history.money_facts(
                money[0],
                books.get("contributions", 0.0) + books.get("entrance_fees", 0.0),
                first("contributions") + first("fees") + first("entrance_fees"),
            ),
            "contributions",
        )
    )
    rows.append(
        _check_row(
            names.get("matching_central", "matching"),
            history.money_facts(
                money[1],
                books.get("matching_local", 0.0) + books.get("matching_central", 0.0),
                first("matching_local") + first("matching_central"),
            ),
            "matching",
            label_extra=names.get("matching_local", ""),
        )
    )
    deaths = MemberStatusChange.objects.filter(
        member__fund=run.fund,
        status=MemberStatus.DECEASED,
        effective_date__gt=start - dt.timedelta(days=365),
        effective_date__lte=start,
    ).count()
    rows.append(
        _check_row(
            "", Facts(float(deaths), s["counts"]["deaths"][0], count=True), "deaths", count=True
        )
    )
    return rows


def _role_of_kind(kind: str, roles: dict[str, str]) -> str:
    """The account a benefit of ``kind`` is booked to (``benefit:other`` when the fund has no
    account of its own for it), as the claims app posts it."""
    from kongtun.claims.services import benefit_account_role

    role = benefit_account_role(kind)
    return role if role in roles else "benefit:other"


#: Keys of a benefit that do not change what it pays (names, clauses, evidence).
_WORDING = {"name_th", "name_en", "clause", "evidence", "text_th", "text_en", "interpretations"}


def _pays(value: object) -> object:
    if isinstance(value, dict):
        return {k: _pays(v) for k, v in value.items() if k not in _WORDING}
    if isinstance(value, list):
        return [_pays(v) for v in value]
    return value


class _BooksHistory:
    """The fund's claims, payments and regulation versions the reasons are read from, fetched
    once per comparison."""

    def __init__(self, run: ProjectionRun, index: int, start: dt.date, names: dict[str, str]):
        from kongtun.claims.models import Claim, ClaimStatus
        from kongtun.ledger.models import JournalLine
        from kongtun.regulations.selectors import VersionTimeline

        self.fund = run.fund
        self.start = start
        self.lo = start - dt.timedelta(days=364)
        self.since = start - dt.timedelta(days=3 * 365 - 1)
        self.names = names
        role_of = {a.pk: a.role for a in Account.objects.filter(fund=run.fund)}
        # payments: debit lines on a benefit account (a cancelled one's reversal takes it back)
        self.lines: dict[str, list[tuple[dt.date, int]]] = {}
        for account_id, day, satang in JournalLine.objects.filter(
            fund=run.fund,
            account_id__in=[pk for pk, r in role_of.items() if r.startswith("benefit:")],
        ).values_list("account_id", "date", "amount_satang"):
            self.lines.setdefault(role_of[account_id], []).append((day, satang))
        self.first_payment = {
            r: min(d for d, v in lines if v > 0)
            for r, lines in self.lines.items()
            if any(v > 0 for _d, v in lines)
        }
        # claims granted, by the day of their event (a flood's claims share it; pensions fall
        # due on the calendar's days, not on events)
        self.events: dict[str, list[dt.date]] = {}
        for kind, day in (
            Claim.objects.filter(
                fund=run.fund,
                status__in=[ClaimStatus.APPROVED, ClaimStatus.PAID],
                event_date__lte=start,
            )
            .exclude(benefit_kind="old_age")
            .values_list("benefit_kind", "event_date")
        ):
            self.events.setdefault(_role_of_kind(kind, names), []).append(day)
        self.timeline = VersionTimeline.of(run.fund)
        params = run.parameters["regulations"][index]
        self.label = params.get("label", "")
        self.projected = _regulation(params.get("content", ""))
        in_force = self.timeline.on(start)
        self.same_rules = in_force is not None and params.get("source") == f"version:{in_force.pk}"
        self.in_force = _regulation(in_force.content) if in_force is not None else None
        self.not_modelled = {
            code for code, _why in run.summary["regulations"][index].get("not_modelled", [])
        }
        self.partly = {
            code
            for code, why in run.summary["regulations"][index].get("not_modelled", [])
            if why == "relatives_partly"
        }

    def _view(self, reg: object, role: str) -> object:
        """What a regulation pays on the lines booked to ``role``: its benefits there and the
        group caps over them, without wording."""
        if reg is None:
            return None
        from kongtun.regulations.engine import regulation_to_dict

        data = regulation_to_dict(reg)
        benefits = {
            b["code"]: _pays(b)
            for b in data.get("benefits", [])
            if _role_of_kind(b.get("kind") or "other", self.names) == role
        }
        caps = [_pays(g) for g in data.get("group_caps", []) if set(g["benefits"]) & set(benefits)]
        return benefits, caps

    def _changed_on(self, role: str) -> dt.date | None:
        from kongtun.regulations.selectors import regulation_of

        for version in self.timeline.versions:
            day = version.effective_date
            if not self.lo < day <= self.start:
                continue
            before = self.timeline.on(day - dt.timedelta(days=1))
            if before is None or self._view(regulation_of(before), role) != self._view(
                regulation_of(version), role
            ):
                return day
        return None

    def _unmodelled(self, role: str) -> float:
        """Books of the window paying claims the projection leaves out: whole benefits it does
        not model, and relatives' claims of those it models for the member only."""
        from kongtun.claims.models import Payout

        total = 0.0
        for code, relative, amount in Payout.objects.filter(
            fund=self.fund,
            voided_at__isnull=True,
            paid_on__gte=self.lo,
            paid_on__lte=self.start,
            claim__benefit__in=self.not_modelled,
        ).values_list("claim__benefit", "claim__relative", "amount"):
            if code in self.partly and relative == "self":
                continue
            if self._role_of_code(code) == role:
                total += float(amount)
        return total

    def _role_of_code(self, code: str) -> str:
        reg = self.projected
        b = reg.benefit(code) if reg is not None else None
        return _role_of_kind(b.kind if b is not None else "other", self.names)

    @staticmethod
    def _burst(days: list[dt.date]) -> tuple[int, int, dt.date] | None:
        """(claims of the busiest event day, all claims, that day) when that day holds at least
        three and half of them (a third over a longer history)."""
        if not days:
            return None
        counts: dict[dt.date, int] = {}
        for d in days:
            counts[d] = counts.get(d, 0) + 1
        day, n = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
        return (n, len(days), day) if n >= 3 else None

    def facts(self, role: str, actual: float, projected: float) -> Facts:
        lines = self.lines.get(role, [])
        window = [v for d, v in lines if self.lo <= d <= self.start]
        payments = sum(1 for v in window if v > 0) - sum(1 for v in window if v < 0)
        recent = [v for d, v in lines if self.since <= d <= self.start]
        paid = [v for v in (recent if any(v > 0 for v in recent) else [v for _d, v in lines])]
        count = sum(1 for v in paid if v > 0) - sum(1 for v in paid if v < 0)
        mean = sum(paid) / 100 / count if count > 0 and sum(paid) > 0 else None
        first = self.first_payment.get(role)
        events = self.events.get(role, [])
        now = self._burst([d for d in events if self.lo <= d <= self.start])
        past = self._burst(events)
        return Facts(
            actual=actual,
            projected=projected,
            payments=max(0, payments),
            mean_payment=mean,
            yearly_average=self._average(lines),
            changed_on=self._changed_on(role),
            projected_rules=(
                ""
                if self.in_force is None
                or self.same_rules
                or self._view(self.projected, role) == self._view(self.in_force, role)
                else self.label
            ),
            never_paid=first is None,
            first_paid=first if first is not None and first > self.lo else None,
            unmodelled=self._unmodelled(role) if self.not_modelled else 0.0,
            burst_now=now if now is not None and now[0] * 2 >= now[1] else None,
            burst_past=past if past is not None and past[0] * 3 >= past[1] else None,
        )

    def _average(self, lines: list[tuple[dt.date, int]]) -> float | None:
        """The books' yearly average over the last three years, when the books go back so far
        (a younger fund has no usual year to compare with)."""
        entries = self._books_start()
        if entries is None or entries > self.since:
            return None
        return sum(v for d, v in lines if self.since <= d <= self.start) / 100 / 3

    def _books_start(self) -> dt.date | None:
        from kongtun.ledger.models import JournalLine

        if not hasattr(self, "_first_entry"):
            self._first_entry = (
                JournalLine.objects.filter(fund=self.fund)
                .order_by("date")
                .values_list("date", flat=True)
                .first()
            )
        return self._first_entry

    def money_facts(self, roles: tuple[str, ...], actual: float, projected: float) -> Facts:
        """Members' money and matching: only the three-year average can explain them."""
        entries = self._books_start()
        average = None
        if entries is not None and entries <= self.since:
            totals = role_totals(self.fund, self.since, self.start)
            average = sum(totals.get(r, 0.0) for r in roles) / 3
        return Facts(actual=actual, projected=projected, yearly_average=average)


def _regulation(content: str) -> object:
    from kongtun.regulations.engine import RegulationFormatError, load_regulation

    try:
        return load_regulation(content)
    except RegulationFormatError:
        return None


def _check_row(
    label: str, facts: Facts, role: str, *, count: bool = False, label_extra: str = ""
) -> dict:
    ratio = facts.projected / facts.actual if facts.actual else None
    far = not within(ratio) and bool(facts.actual or facts.projected)
    reason = explain(facts) if far else None
    return {
        "role": role,
        "label": label,
        "label_extra": label_extra,
        "count": count,
        "actual": round(facts.actual, 2),
        "projected": round(facts.projected, 2),
        "ratio": round(ratio, 2) if ratio is not None else None,
        "far": far,
        "reason_code": reason[0] if reason else "",
        "reason": reason_text(*reason) if reason else "",
    }

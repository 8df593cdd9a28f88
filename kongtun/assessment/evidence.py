"""What the books say next to a factor's score, where the books know it.

The panel is written against ``BooksEvidence``, a small interface of three questions, so that it
does not depend on how the books are kept:

* ``months_closed(fund, start, end)``: for each month of the period, when it was closed and
  when its report was published (``None`` for not yet / not known) — for *Transparency*;
* ``income_by_source(fund, start, end)``: money received, split ``members`` / ``agencies`` /
  ``other`` — for *Mobilized resources*;
* ``benefits_paid(fund, start, end)``: benefits paid out, in baht — for *Social security* and
  *Equity*, per active member.

``books_evidence()`` returns ``None`` while the ledger app (``kongtun.ledger``) is not
installed, and every item then says "not available yet". When it is installed, ``_LedgerBooks``
answers from it; any of its answers that fails (the ledger is young and may change) also gives
"not available yet" rather than a broken page. The Social Security side of *Social security*
and *Equity* does not need the books: it comes from ``social_security.py``.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from django.apps import apps
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kongtun.core.thaidates import format_period
from kongtun.funds.models import Fund

log = logging.getLogger("kongtun.assessment")

#: A month is closed on time when it is closed by this day of the following month.
CLOSE_BY_DAY = 15
AGENCY_ROLES = ("matching_local", "matching_central", "donations")
MEMBER_ROLES = ("contributions", "entrance_fees")

NOT_AVAILABLE = _("not available yet")


@dataclass(frozen=True)
class MonthInfo:
    month: dt.date  # first day
    closed_on: dt.date | None
    published_on: dt.date | None


class BooksEvidence(Protocol):
    def months_closed(self, fund: Fund, start: dt.date, end: dt.date) -> list[MonthInfo]: ...

    def income_by_source(self, fund: Fund, start: dt.date, end: dt.date) -> dict[str, Decimal]: ...

    def benefits_paid(self, fund: Fund, start: dt.date, end: dt.date) -> Decimal: ...


class _LedgerBooks:
    """``BooksEvidence`` answered from ``kongtun.ledger`` (accounts tagged by role, month
    closes). Closing a month publishes its root on the public page (decision 0009), so the
    publication date is the close date."""

    def months_closed(self, fund: Fund, start: dt.date, end: dt.date) -> list[MonthInfo]:
        from django.utils import timezone

        from kongtun.ledger.models import MonthClose

        closes = {
            mc.month: timezone.localtime(mc.closed_at).date()
            for mc in MonthClose.objects.filter(fund=fund, month__gte=start, month__lte=end)
        }
        out, m = [], start.replace(day=1)
        while m <= end:
            out.append(MonthInfo(m, closes.get(m), closes.get(m)))
            m = (m + dt.timedelta(days=32)).replace(day=1)
        return out

    def income_by_source(self, fund: Fund, start: dt.date, end: dt.date) -> dict[str, Decimal]:
        from kongtun.ledger.selectors import income_expenditure

        report = income_expenditure(fund=fund, start=start, end=end)
        split = {"members": Decimal("0.00"), "agencies": Decimal("0.00"), "other": Decimal("0.00")}
        for row in report["income"]:
            role = row.account.role
            key = (
                "members"
                if role in MEMBER_ROLES
                else "agencies"
                if role in AGENCY_ROLES
                else "other"
            )
            split[key] += row.natural
        return split

    def benefits_paid(self, fund: Fund, start: dt.date, end: dt.date) -> Decimal:
        from kongtun.ledger.selectors import income_expenditure

        report = income_expenditure(fund=fund, start=start, end=end)
        return sum(
            (r.natural for r in report["expense"] if r.account.role.startswith("benefit:")),
            Decimal("0.00"),
        )


def books_evidence() -> BooksEvidence | None:
    if not apps.is_installed("kongtun.ledger"):
        return None
    return _LedgerBooks()


@dataclass(frozen=True)
class EvidenceItem:
    label: object
    value: object = None  # text shown; None when not available
    note: object = ""

    @property
    def available(self) -> bool:
        return self.value is not None


def _year_window(as_of: dt.date) -> tuple[dt.date, dt.date]:
    """The twelve whole months before ``as_of``'s month."""
    end = as_of.replace(day=1) - dt.timedelta(days=1)
    start = dt.date(end.year - 1, end.month, 1) + dt.timedelta(days=32)
    return start.replace(day=1), end


def _ask(what: str, call: object) -> object:
    try:
        return call()
    except Exception:  # the books must never break the results page
        log.warning("evidence from the books failed: %s", what, exc_info=True)
        return None


def factor_evidence(
    *, fund: Fund, as_of: dt.date, books: BooksEvidence | None = None, use_books: bool = True
) -> dict[str, list[EvidenceItem]]:
    """Evidence items by factor code, for the twelve whole months before ``as_of``."""
    from kongtun.members.models import Member, MemberStatus

    books = books if books is not None else (books_evidence() if use_books else None)
    start, end = _year_window(as_of)
    period = format_period(start, end, get_language() or "th")
    out: dict[str, list[EvidenceItem]] = {}

    months = _ask("months_closed", lambda: books.months_closed(fund, start, end)) if books else None
    if months is None:
        out["transparency_teamwork"] = [
            EvidenceItem(_("Months closed on time"), None),
            EvidenceItem(_("Monthly reports published on time"), None),
        ]
    else:
        deadline = {
            m.month: (m.month + dt.timedelta(days=32)).replace(day=CLOSE_BY_DAY) for m in months
        }
        on_time = sum(1 for m in months if m.closed_on and m.closed_on <= deadline[m.month])
        published = [m for m in months if m.published_on and m.published_on <= deadline[m.month]]
        out["transparency_teamwork"] = [
            EvidenceItem(
                _("Months closed on time"),
                _("%(n)s of %(total)s") % {"n": on_time, "total": len(months)},
                _("closed by day %(day)s of the next month, %(period)s")
                % {"day": CLOSE_BY_DAY, "period": period},
            ),
            EvidenceItem(
                _("Monthly reports published on time"),
                (_("%(n)s of %(total)s") % {"n": len(published), "total": len(months)})
                if any(m.published_on for m in months)
                else None,
                _("the month's root is published on the public page when it closes"),
            ),
        ]

    income = (
        _ask("income_by_source", lambda: books.income_by_source(fund, start, end))
        if books
        else None
    )
    if income is None:
        out["mobilized_resources"] = [EvidenceItem(_("Share of money from agencies"), None)]
    else:
        total = sum(income.values(), Decimal("0.00"))
        share = (
            f"{(income.get('agencies', 0) * 100 / total):.0f}%"
            if total
            else _("no income recorded")
        )
        out["mobilized_resources"] = [
            EvidenceItem(
                _("Share of money from agencies"),
                share,
                _("local government, CODI and donations, of all money received, %(period)s")
                % {"period": period},
            )
        ]

    active = Member.objects.filter(fund=fund, status=MemberStatus.ACTIVE).count()
    paid = _ask("benefits_paid", lambda: books.benefits_paid(fund, start, end)) if books else None
    per_member = None
    if paid is not None:
        per_member = f"{(paid / active):,.2f}" if active else _("no active member")
    item = EvidenceItem(
        _("Benefits paid per active member (baht)"),
        per_member,
        _("%(period)s; %(n)s active members") % {"period": period, "n": active},
    )
    out["social_security"] = [item]
    out["equity"] = [item]
    return out

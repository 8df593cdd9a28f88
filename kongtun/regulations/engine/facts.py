"""What the engine is told (a member's history and a claimed event) and what it answers.

All plain frozen dataclasses: the Django side builds them from rows, the engine never reads a
database or the clock.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Literal

__all__ = [
    "Decision",
    "Event",
    "MemberHistory",
    "PastClaim",
    "Payment",
    "StatusChange",
    "Step",
]

MemberStatus = Literal["active", "suspended", "resigned", "deceased"]


@dataclass(frozen=True, slots=True)
class Payment:
    """A contribution payment; ``months_covered`` is how many months of contributions it pays.

    ``period_start`` is the first day of the first month it covers (the books' natural key).
    Without it the months are taken in payment order, one after another from the join month.
    Money paid ahead covers future months: for time-based rules (waiting periods, tiers,
    pensions) a month counts only once it has ended, never on the day it is paid.
    """

    paid_on: date
    months_covered: int
    amount: Decimal
    period_start: date | None = None


@dataclass(frozen=True, slots=True)
class StatusChange:
    """From ``on`` (inclusive) the member's status is ``status`` until the next change."""

    on: date
    status: MemberStatus


@dataclass(frozen=True, slots=True)
class PastClaim:
    """A benefit already paid to this member (do not include the claim being decided)."""

    benefit: str
    event_date: date
    amount: Decimal
    units: int = 1


@dataclass(frozen=True, slots=True)
class MemberHistory:
    """Everything about one member that a decision may depend on.

    ``plan_months`` is the member's contribution plan period (1 for 30/month, 3 for 90/3 …):
    contributions for a period are due when the period starts. ``sex`` may be given as
    female/male or as the members app's F/M.
    """

    birth_date: date
    sex: Literal["female", "male", "F", "M"]
    join_date: date
    plan_months: int = 1
    death_date: date | None = None
    payments: tuple[Payment, ...] = ()
    status_changes: tuple[StatusChange, ...] = ()
    claims: tuple[PastClaim, ...] = ()


@dataclass(frozen=True, slots=True)
class Event:
    """A claimed event: which benefit, when it happened, and its details.

    ``as_of`` is the day the claim is decided (the engine has no clock): an event after it is
    refused. Details a benefit does not use are ignored. ``subject_birth_date`` and
    ``subject_sex`` describe the relative when ``relative`` is not ``self``.
    """

    benefit: str
    date: datetime.date
    as_of: datetime.date
    relative: Literal["self", "child", "spouse", "parent"] = "self"
    nights: int | None = None
    children: int | None = None
    months: int | None = None
    grade_average: Decimal | None = None
    school_level: str | None = None
    disability_level: str | None = None
    subject_birth_date: date | None = None
    subject_sex: Literal["female", "male", "F", "M"] | None = None
    #: ``per: day`` (วันละ): the number of days.
    days: int | None = None
    #: The day the claim was filed (for a filing deadline); ``as_of`` when not given.
    filed_on: date | None = None
    #: Discharge from hospital, for a deadline counted from it ("นับแต่วันออกจากโรงพยาบาล").
    discharge_date: date | None = None
    #: The committee allowed a late claim by resolution; ``deadline_resolution`` names it.
    deadline_exception: bool = False
    deadline_resolution: str = ""
    #: The subject's marital status (single, married, widowed, divorced, separated).
    marital_status: str | None = None
    #: Birth dates of the subject's children, for "มีบุตร" and "บุตรที่ยังไม่บรรลุนิติภาวะ".
    children_birth_dates: tuple[date, ...] | None = None


@dataclass(frozen=True, slots=True)
class Step:
    """One check or computation in a decision: structured, rendered by ``render.render_step``.

    ``params`` holds JSON-ready values only (str for money and dates, int, bool, None, lists
    and dicts of those); treat it as read-only.
    """

    code: str
    clause: str | None
    params: dict[str, Any]
    ok: bool

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "clause": self.clause, "params": self.params, "ok": self.ok}


@dataclass(frozen=True, slots=True)
class Decision:
    """The engine's answer: eligible or not, how much, and every step that led there."""

    benefit: str
    eligible: bool
    amount: Decimal
    units: int
    clauses: tuple[str, ...]
    steps: tuple[Step, ...]
    regulation: str = ""

    @property
    def failed_steps(self) -> tuple[Step, ...]:
        return tuple(s for s in self.steps if not s.ok)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form to store with a claim (the regulation version is stored beside it)."""
        return {
            "regulation": self.regulation,
            "benefit": self.benefit,
            "eligible": self.eligible,
            "amount": str(self.amount),
            "units": self.units,
            "clauses": list(self.clauses),
            "steps": [s.to_dict() for s in self.steps],
        }

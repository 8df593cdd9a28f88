"""A regulation version (ระเบียบกองทุน) as immutable data.

The content is fund-independent: the same version can be a prototype, a draft or the rules a
fund adopted; which fund uses it and from when is recorded by the Django side. Every rule
carries the clause (ข้อ) it comes from, so a decision can cite it; a rule without its own
``clause`` inherits the clause of the benefit it belongs to.

Money is ``Decimal`` with 2 places. Values are validated by :mod:`.loader`; constructing these
classes directly skips validation (use :func:`regulation_from_dict` for untrusted input).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from .compiled import CompiledRegulation

__all__ = [
    "FORMAT_VERSION",
    "AgeRange",
    "Arrears",
    "Band",
    "Benefit",
    "BenefitKind",
    "Bound",
    "Cap",
    "Clause",
    "Conditions",
    "EntranceFee",
    "Evidence",
    "Fee",
    "GroupCap",
    "Interpretation",
    "Level",
    "Membership",
    "Plan",
    "Recurring",
    "Regulation",
    "RelativeShare",
    "Requirement",
    "Source",
    "Tiers",
    "WaitingPeriod",
    "YearBasis",
]

FORMAT_VERSION = 1
CENT = Decimal("0.01")

BenefitKind = Literal[
    "birth",
    "hospital",
    "outpatient",
    "disability",
    "old_age",
    "death",
    "education",
    "disaster",
    "other",
]
#: What one unit of a benefit is; the amount is paid per unit (``event``: once per claim).
Per = Literal["event", "delivery", "child", "night", "visit", "month", "year"]
#: Whose event it is, relative to the member.
RelativeKind = Literal["self", "child", "spouse", "parent"]
Sex = Literal["female", "male"]
#: What a waiting period or a tier is measured on.
#: membership: time since the join date; since_first_payment: time since the first payment;
#: contributions: months covered by payments made on or before the event date;
#: age: the subject's age (tiers only).
WaitingBasis = Literal["membership", "since_first_payment", "contributions"]
TierBasis = Literal["membership", "since_first_payment", "contributions", "age"]
Period = Literal["event", "year", "lifetime"]
YearKind = Literal["calendar", "fiscal", "membership"]
FeeCharged = Literal["once", "monthly", "yearly", "per_member_death"]


def _money(value: object) -> object:
    """Normalise a valid amount to 2 places; leave invalid ones for the validator to report."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = Decimal(value)
    if (
        isinstance(value, Decimal)
        and value.is_finite()
        and value.as_tuple().exponent >= -2
        and value.adjusted() < 20  # larger: beyond the ceiling, reported by the loader
    ):
        return value.quantize(CENT)
    return value


def _fix_money(obj: object, *names: str) -> None:
    for name in names:
        value = getattr(obj, name)
        if value is not None:
            object.__setattr__(obj, name, _money(value))


class _Strict:
    """Unknown keys are errors when pydantic validates these dataclasses (catches typos)."""

    __pydantic_config__ = {"extra": "forbid", "coerce_numbers_to_str": True}


@dataclass(frozen=True)
class Interpretation(_Strict):
    """The committee's chosen reading of ambiguous text, kept next to the clause it reads.

    ``assumption`` marks a reading the text does not support on its own (e.g. a number chosen
    for a demo); ``resolution`` names the meeting resolution that adopted it, if any.
    """

    code: str
    text_en: str
    text_th: str = ""
    assumption: bool = False
    resolution: str = ""


@dataclass(frozen=True)
class Clause(_Strict):
    number: str
    text_th: str
    text_en: str = ""
    interpretations: tuple[Interpretation, ...] = ()


@dataclass(frozen=True)
class Source(_Strict):
    """Where the text comes from; ``date`` is the date the source gives (see ``note``)."""

    url: str = ""
    title: str = ""
    date: datetime.date | None = None
    note: str = ""


@dataclass(frozen=True)
class YearBasis(_Strict):
    """What "per year" means for caps: calendar year, fiscal year, or membership year."""

    kind: YearKind = "calendar"
    start_month: int = 1
    start_day: int = 1


@dataclass(frozen=True)
class AgeRange(_Strict):
    """Age in completed years (ปีบริบูรณ์), both ends inclusive."""

    min: int | None = None
    max: int | None = None
    clause: str | None = None


@dataclass(frozen=True)
class EntranceFee(_Strict):
    amount: Decimal
    clause: str | None = None

    def __post_init__(self) -> None:
        _fix_money(self, "amount")


@dataclass(frozen=True)
class Fee(_Strict):
    """A fee other than contributions and the entrance fee (e.g. a levy per member's death)."""

    code: str
    amount: Decimal
    charged: FeeCharged
    name_th: str = ""
    name_en: str = ""
    clause: str | None = None

    def __post_init__(self) -> None:
        _fix_money(self, "amount")


@dataclass(frozen=True)
class Plan(_Strict):
    """A contribution plan: ``amount`` baht every ``months`` months (30/1, 90/3, 360/12)."""

    amount: Decimal
    months: int
    clause: str | None = None

    def __post_init__(self) -> None:
        _fix_money(self, "amount")


@dataclass(frozen=True)
class Arrears(_Strict):
    """Benefits are withheld while more than ``max_months`` months of contributions are unpaid."""

    max_months: int
    counted_from: Literal["join", "first_payment"] = "join"
    clause: str | None = None


@dataclass(frozen=True)
class WaitingPeriod(_Strict):
    """Time (or contributions) needed before a benefit can be claimed."""

    basis: WaitingBasis = "membership"
    years: int = 0
    months: int = 0
    days: int = 0
    clause: str | None = None


@dataclass(frozen=True)
class Requirement(_Strict):
    """A membership condition checked by the committee at admission, not by the engine."""

    text_th: str
    text_en: str = ""
    clause: str | None = None


@dataclass(frozen=True)
class Membership(_Strict):
    clause: str | None = None
    entry_age: AgeRange | None = None
    entrance_fee: EntranceFee | None = None
    fees: tuple[Fee, ...] = ()
    plans: tuple[Plan, ...] = ()
    arrears: Arrears | None = None
    #: Apply to every benefit unless the benefit says ``general_waiting: false``.
    waiting_periods: tuple[WaitingPeriod, ...] = ()
    requirements: tuple[Requirement, ...] = ()


@dataclass(frozen=True)
class RelativeShare(_Strict):
    """Who may be the subject of the event, and the fraction of the member's amount paid."""

    relative: RelativeKind
    fraction: Decimal = Decimal(1)
    clause: str | None = None


@dataclass(frozen=True)
class Conditions(_Strict):
    """Conditions on the subject of the event (the member, or the relative claimed for)."""

    clause: str | None = None
    sex: Sex | None = None
    min_age: int | None = None
    max_age: int | None = None
    min_grade_average: Decimal | None = None
    school_levels: tuple[str, ...] = ()
    disability_levels: tuple[str, ...] = ()


@dataclass(frozen=True)
class Bound(_Strict):
    """A tier boundary measured exactly in years + months + days ("ครบ 2 ปี 1 วัน").

    For the ``contributions`` basis only years and months are allowed (counted in months).
    """

    years: int = 0
    months: int = 0
    days: int = 0
    inclusive: bool = True


@dataclass(frozen=True)
class Band(_Strict):
    """One tier: ``lower`` ≤ measure ≤ ``upper`` (each end inclusive unless it says not)."""

    amount: Decimal
    lower: Bound = Bound()
    upper: Bound | None = None

    def __post_init__(self) -> None:
        _fix_money(self, "amount")


@dataclass(frozen=True)
class Tiers(_Strict):
    basis: TierBasis
    bands: tuple[Band, ...]
    clause: str | None = None


@dataclass(frozen=True)
class Level(_Strict):
    """An amount by school level (education) or by disability level (disability)."""

    level: str
    amount: Decimal

    def __post_init__(self) -> None:
        _fix_money(self, "amount")


@dataclass(frozen=True)
class Cap(_Strict):
    """A limit per event, per year or per lifetime, in baht, in units, or in number of claims."""

    period: Period
    amount: Decimal | None = None
    units: int | None = None
    times: int | None = None
    clause: str | None = None

    def __post_init__(self) -> None:
        _fix_money(self, "amount")


@dataclass(frozen=True)
class GroupCap(_Strict):
    """A cap shared by several benefits (e.g. hospital + outpatient share a yearly cap)."""

    name: str
    benefits: tuple[str, ...]
    period: Literal["year", "lifetime"]
    amount: Decimal | None = None
    units: int | None = None
    times: int | None = None
    name_th: str = ""
    clause: str | None = None

    def __post_init__(self) -> None:
        _fix_money(self, "amount")


@dataclass(frozen=True)
class Evidence(_Strict):
    """A document a claim for the benefit must come with (a birth certificate, a hospital
    discharge paper …). Checked by the committee before approving, not by ``decide``."""

    code: str
    name_th: str
    name_en: str = ""
    clause: str | None = None


@dataclass(frozen=True)
class Recurring(_Strict):
    """A benefit granted once and then paid every period without a new claim ("ได้บำนาญ
    เดือนละ 300 บาท"): the claim decides the amount per period; the claims app schedules the
    payments and stops them on death, resignation or suspension."""

    every: Literal["month", "year"] = "month"
    clause: str | None = None


@dataclass(frozen=True)
class Benefit(_Strict):
    """One benefit. The amount per unit comes from exactly one of amount, tiers or levels."""

    code: str
    kind: BenefitKind
    name_th: str
    name_en: str = ""
    clause: str | None = None
    per: Per = "event"
    amount: Decimal | None = None
    tiers: Tiers | None = None
    levels: tuple[Level, ...] = ()
    relatives: tuple[RelativeShare, ...] = ()
    conditions: Conditions | None = None
    waiting_periods: tuple[WaitingPeriod, ...] = ()
    general_waiting: bool = True
    caps: tuple[Cap, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    #: Paid every period once granted (a pension); None: paid once per claim.
    recurring: Recurring | None = None

    def __post_init__(self) -> None:
        _fix_money(self, "amount")


@dataclass(frozen=True)
class Regulation(_Strict):
    format: int
    code: str
    title_th: str
    title_en: str = ""
    synthetic: bool = False
    source: Source | None = None
    year: YearBasis = YearBasis()
    clauses: tuple[Clause, ...] = ()
    #: General readings and gaps not tied to one clause (e.g. "the text is cut after ข้อ 4").
    notes: tuple[Interpretation, ...] = ()
    membership: Membership = Membership()
    benefits: tuple[Benefit, ...] = ()
    group_caps: tuple[GroupCap, ...] = field(default=())

    def benefit(self, code: str) -> Benefit | None:
        for b in self.benefits:
            if b.code == code:
                return b
        return None

    def clause(self, number: str) -> Clause | None:
        for c in self.clauses:
            if c.number == number:
                return c
        return None

    @cached_property
    def index(self) -> CompiledRegulation:
        """Lookups precomputed once per regulation object, so a decision does no parsing."""
        from .compiled import compile_regulation

        return compile_regulation(self)

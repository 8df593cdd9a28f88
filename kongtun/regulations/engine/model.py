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
    "Continuity",
    "CountedYears",
    "EntranceFee",
    "Evidence",
    "Fee",
    "FilingDeadline",
    "GroupCap",
    "Interpretation",
    "Level",
    "Membership",
    "Part",
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
#: บรรลุนิติภาวะ: 20 years completed (Civil and Commercial Code s.19).
MINOR_AGE = 20

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
#: ``day`` is วันละ (Event.days); ``counted_year`` is "ปีละ … ตามจำนวนปีที่เป็นสมาชิก": the units
#: are the member's years, counted as the benefit's ``counted_years`` says.
Per = Literal[
    "event", "delivery", "child", "night", "day", "visit", "month", "year", "counted_year"
]
#: Units a part of a linked benefit is paid by (taken from the same event).
PartPer = Literal["event", "night", "day"]
#: Whose event it is, relative to the member.
RelativeKind = Literal["self", "child", "spouse", "parent"]
Sex = Literal["female", "male"]
#: What a waiting period or a tier is measured on.
#: membership: time since the join date; since_first_payment: time since the first payment;
#: contributions: months covered by payments made on or before the event date;
#: age: the subject's age (tiers only); continuous: time of unbroken payment up to the event
#: ("ส่งเงินสัจจะต่อเนื่องครบ N ปี", in days; see ``Membership.continuity``).
WaitingBasis = Literal["membership", "since_first_payment", "contributions", "continuous"]
TierBasis = Literal["membership", "since_first_payment", "contributions", "continuous", "age"]
MaritalStatus = Literal["single", "married", "widowed", "divorced", "separated"]
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
class Continuity(_Strict):
    """What "ส่งต่อเนื่อง" means: a month is paid on time when paid before it ends (plus
    ``grace_days``); a month not paid on time is a gap. After a gap the time starts again
    (``reset_after_gap: true``, "ขาดส่งให้เริ่มนับใหม่") or the gap's days are only left out."""

    reset_after_gap: bool = True
    grace_days: int = 0
    clause: str | None = None


@dataclass(frozen=True)
class Requirement(_Strict):
    """A membership condition checked by the committee at admission, not by the engine."""

    text_th: str
    text_en: str = ""
    clause: str | None = None


@dataclass(frozen=True)
class FilingDeadline(_Strict):
    """ "ยื่นคำขอภายใน 90 วันนับแต่วันเกิดเหตุ": the claim must be filed at most ``days`` days
    after the event (or the discharge from hospital), the start day not counted."""

    days: int
    counted_from: Literal["event", "discharge"] = "event"
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
    continuity: Continuity | None = None
    #: For every benefit that does not set its own.
    filing_deadline: FilingDeadline | None = None


@dataclass(frozen=True)
class RelativeShare(_Strict):
    """Who may be the subject of the event, and the fraction of the member's amount paid."""

    relative: RelativeKind
    fraction: Decimal = Decimal(1)
    clause: str | None = None


@dataclass(frozen=True)
class Conditions(_Strict):
    """Conditions on the subject of the event (the member, or the relative claimed for).

    ``applies_to`` names the persons they bind (empty: everyone the benefit covers); each must
    be covered by the benefit. ``has_minor_child``: "บุตรที่ยังไม่บรรลุนิติภาวะ", a child under
    ``MINOR_AGE`` (20, Civil and Commercial Code s.19) on the event date.
    """

    clause: str | None = None
    applies_to: tuple[RelativeKind, ...] = ()
    marital_status: tuple[MaritalStatus, ...] = ()
    has_children: bool | None = None
    has_minor_child: bool | None = None
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
    """One tier: ``lower`` ≤ measure ≤ ``upper`` (each end inclusive unless it says not).

    ``clause``: the band's own clause (a table whose rows are numbered 16.1, 16.2 …)."""

    amount: Decimal
    lower: Bound = Bound()
    upper: Bound | None = None
    clause: str | None = None

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
class CountedYears(_Strict):
    """How years are counted for ``per: counted_year``. ``remainder``: ``more_than_half``
    ("เศษของปีเกินหกเดือนให้นับเป็นหนึ่งปี": more than 6 months counts as a year, exactly 6
    does not), ``down`` (only complete years) or ``any`` (any part of a year counts)."""

    basis: Literal["membership", "since_first_payment", "contributions", "continuous"] = (
        "membership"
    )
    remainder: Literal["down", "more_than_half", "any"] = "down"
    clause: str | None = None


@dataclass(frozen=True)
class Part(_Strict):
    """A second part of the same event paid with the benefit ("ค่าทำขวัญบุตร … และเงินการพัก
    รักษาในโรงพยาบาล … ในการคลอดครั้งเดียวกัน"): its own rate and units, one claim, and the
    benefit's per-year and lifetime caps over both parts together."""

    code: str
    name_th: str
    amount: Decimal
    per: PartPer = "night"
    name_en: str = ""
    clause: str | None = None
    #: Per-event limits of this part: units (nights or days) and baht.
    max_units: int | None = None
    max_amount: Decimal | None = None

    def __post_init__(self) -> None:
        _fix_money(self, "amount", "max_amount")


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
    filing_deadline: FilingDeadline | None = None
    counted_years: CountedYears | None = None
    parts: tuple[Part, ...] = ()
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

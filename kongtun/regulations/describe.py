"""A regulation as readable rows for the pages: what each benefit pays, to whom, when, up to
how much, with the clause of each rule. Thai or English by the active language."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from kongtun.regulations.engine import (
    PROTOTYPES,
    Band,
    Benefit,
    Bound,
    Cap,
    GroupCap,
    Regulation,
    WaitingPeriod,
    load_prototype,
)
from kongtun.regulations.engine.render import (
    _LEVEL,
    _MARITAL,
    _RELATIVE,
    _REMAINDER,
    _SEX,
    _names,
    _units,
    format_baht,
)

if TYPE_CHECKING:
    from kongtun.regulations.models import RegulationVersion

KINDS = {
    "birth": gettext_lazy("birth"),
    "hospital": gettext_lazy("hospital stay"),
    "outpatient": gettext_lazy("outpatient"),
    "disability": gettext_lazy("disability"),
    "old_age": gettext_lazy("old age"),
    "death": gettext_lazy("death"),
    "education": gettext_lazy("education"),
    "disaster": gettext_lazy("disaster"),
    "other": gettext_lazy("other"),
}


def kind_label(kind: str) -> str:
    return str(KINDS.get(kind, kind))


def _per(per: str) -> str:
    return {
        "event": _("per claim"),
        "delivery": _("per delivery"),
        "child": _("per child"),
        "night": _("per night"),
        "day": _("per day"),
        "visit": _("per visit"),
        "counted_year": _("per counted year of membership"),
        "month": _("per month"),
        "year": _("per year"),
    }.get(per, per)


def is_en() -> bool:
    return (get_language() or "th").startswith("en")


def benefit_name(b: Benefit) -> str:
    return b.name_en if is_en() and b.name_en else b.name_th


def kind_note(name: str, kind: str) -> str:
    """The kind to print after a benefit's name, or "" when the name already says it
    ("นอนโรงพยาบาล" is not followed by "(นอนโรงพยาบาล)", nor "Outpatient visit" by
    "(outpatient)")."""
    k = kind.strip().casefold()
    return "" if not k or k in name.casefold() else kind


def created_from_label(version: RegulationVersion) -> str:
    """What a version started from, as people say it: the prototype's title, a copy of
    version N, an imported file, the development process's draft (``created_from`` holds a
    prototype code, ``version:N`` — ``version`` for copies made before the number was kept,
    then ``previous`` says which —, ``import`` or ``development-process:<id>``)."""
    source = version.created_from or ""
    kind, _sep, ref = source.partition(":")
    if source in PROTOTYPES:
        proto = load_prototype(source)
        title = proto.title_en if is_en() and proto.title_en else proto.title_th
        return _("prototype: %(name)s") % {"name": title}
    if kind == "version":
        number = ref if ref.isdigit() else None
        if number is None and version.previous_id is not None:
            number = str(version.previous.number)
        if number is None:
            return _("a copy of an earlier version")
        return _("a copy of version %(n)s") % {"n": number}
    if source == "import":
        return _("an imported file")
    if kind == "development-process":
        return _("the regulation drafted in the fund's development process")
    return source


def _duration(b: Bound | WaitingPeriod) -> str:
    parts = [
        _units(n, unit, ngettext)
        for n, unit in ((b.years, "year"), (b.months, "month"), (b.days, "day"))
        if n
    ]
    return " ".join(parts) or _units(0, "day", ngettext)


def _bound(b: Bound, lower: bool) -> str:
    d = _duration(b)
    if lower:
        return (_("at least %(duration)s") if b.inclusive else _("more than %(duration)s")) % {
            "duration": d
        }
    return (_("up to %(duration)s") if b.inclusive else _("less than %(duration)s")) % {
        "duration": d
    }


def _band(band: Band) -> str:
    parts = []
    lo = band.lower
    if lo.years or lo.months or lo.days or not lo.inclusive:
        parts.append(_bound(lo, True))
    if band.upper is not None:
        parts.append(_bound(band.upper, False))
    return ", ".join(parts) or _("any")


def _basis(basis: str) -> str:
    return {
        "membership": _("by length of membership"),
        "since_first_payment": _("by time since the first payment"),
        "contributions": _("by months of contributions paid"),
        "continuous": _("by time of unbroken payment"),
        "age": _("by age"),
    }.get(basis, basis)


def waiting_text(w: WaitingPeriod) -> str:
    d = _duration(w)
    if w.basis == "membership":
        return _("member for at least %(duration)s") % {"duration": d}
    if w.basis == "since_first_payment":
        return _("at least %(duration)s since the first payment") % {"duration": d}
    if w.basis == "continuous":
        return _("contributions paid without a break for at least %(duration)s") % {"duration": d}
    return _("contributions paid for at least %(duration)s") % {"duration": d}


def cap_text(cap: Cap | GroupCap, per: str = "event") -> str:
    if cap.amount is not None:
        value = _("%(amount)s baht") % {"amount": format_baht(cap.amount)}
    elif cap.units is not None:
        value = _units(cap.units, per if per != "event" else "event", ngettext)
    else:
        value = _units(cap.times, "event", ngettext)
    period = {
        "event": _("at most %(value)s per claim"),
        "year": _("at most %(value)s a year"),
        "lifetime": _("at most %(value)s in a lifetime"),
    }[cap.period]
    return period % {"value": value}


@dataclass
class Rule:
    text: str
    clause: str | None


@dataclass
class BenefitView:
    code: str
    name: str
    kind: str
    clause: str | None
    #: The kind after the name in the heading; empty when the name already says it.
    kind_note: str = ""
    amount: list[Rule] = field(default_factory=list)
    table: list[tuple[str, str]] = field(default_factory=list)  # (band or level, amount)
    table_title: str = ""
    who: list[Rule] = field(default_factory=list)
    conditions: list[Rule] = field(default_factory=list)
    waiting: list[Rule] = field(default_factory=list)
    caps: list[Rule] = field(default_factory=list)
    evidence: list[Rule] = field(default_factory=list)


def describe_benefit(reg: Regulation, b: Benefit) -> BenefitView:
    name, kind = benefit_name(b), kind_label(b.kind)
    view = BenefitView(
        code=b.code, name=name, kind=kind, clause=b.clause, kind_note=kind_note(name, kind)
    )
    per = _per(b.per)
    if b.amount is not None:
        view.amount.append(
            Rule(
                _("%(amount)s baht %(per)s") % {"amount": format_baht(b.amount), "per": per},
                b.clause,
            )
        )
    elif b.tiers is not None:
        view.table_title = _basis(b.tiers.basis)
        view.amount.append(
            Rule(_("by tiers (table), %(per)s") % {"per": per}, b.tiers.clause or b.clause)
        )
        for band in b.tiers.bands:
            text = _band(band)
            if band.clause:
                text = _("%(band)s (clause %(clause)s)") % {"band": text, "clause": band.clause}
            view.table.append((text, format_baht(band.amount)))
    elif b.levels:
        view.table_title = _("by level")
        view.amount.append(Rule(_("by level (table), %(per)s") % {"per": per}, b.clause))
        for lv in b.levels:
            view.table.append((str(_(_LEVEL.get(lv.level, lv.level))), format_baht(lv.amount)))
    if b.recurring is not None:
        view.amount.append(
            Rule(
                _("granted once, paid every month until death, resignation or suspension")
                if b.recurring.every == "month"
                else _("granted once, paid every year until death, resignation or suspension"),
                b.recurring.clause or b.clause,
            )
        )

    if b.per == "counted_year":
        cy = b.counted_years
        basis = cy.basis if cy else "membership"
        rule = cy.remainder if cy else "down"
        view.amount.append(
            Rule(
                _("years counted %(basis)s; %(rule)s")
                % {"basis": _basis(basis), "rule": _(_REMAINDER[rule])},
                (cy.clause if cy else None) or b.clause,
            )
        )
    for part in b.parts:
        name = part.name_en if is_en() and part.name_en else part.name_th
        text = _("with it, in the same event: %(name)s %(amount)s baht %(per)s") % {
            "name": name,
            "amount": format_baht(part.amount),
            "per": _per(part.per),
        }
        if part.max_units is not None:
            text += ", " + _("at most %(cap)s") % {
                "cap": _units(part.max_units, part.per, ngettext)
            }
        if part.max_amount is not None:
            text += ", " + _("at most %(cap)s baht") % {"cap": format_baht(part.max_amount)}
        view.amount.append(Rule(text, part.clause or b.clause))

    relatives = b.relatives or ()
    if not relatives:
        view.who.append(Rule(str(_("the member")), b.clause))
    for r in relatives:
        name = str(_(_RELATIVE.get(r.relative, r.relative)))
        if r.fraction != 1:
            pct = (r.fraction * 100).normalize()
            text = _("%(who)s: %(percent)s%% of the member's amount") % {
                "who": name,
                "percent": f"{pct:f}",
            }
        else:
            text = name
        view.who.append(Rule(text, r.clause or b.clause))

    c = b.conditions
    if c is not None:
        clause = c.clause or b.clause
        if c.applies_to:
            who = _names([str(_(_RELATIVE.get(x, x))) for x in c.applies_to])
            view.conditions.append(
                Rule(_("the conditions below apply to: %(who)s") % {"who": who}, clause)
            )
        if c.marital_status:
            shown = ", ".join(str(_(_MARITAL.get(x, x))) for x in c.marital_status)
            view.conditions.append(
                Rule(_("marital status: %(status)s") % {"status": shown}, clause)
            )
        if c.has_children is not None:
            view.conditions.append(
                Rule(str(_("has children") if c.has_children else _("has no children")), clause)
            )
        if c.has_minor_child is not None:
            view.conditions.append(
                Rule(
                    str(
                        _("has a child under the legal age (under 20 on the day of the event)")
                        if c.has_minor_child
                        else _("has no child under the legal age")
                    ),
                    clause,
                )
            )
        if c.sex:
            view.conditions.append(Rule(str(_(_SEX[c.sex])), clause))
        if c.min_age is not None and c.max_age is not None:
            view.conditions.append(
                Rule(
                    _("age %(min)s to %(max)s years") % {"min": c.min_age, "max": c.max_age}, clause
                )
            )
        elif c.min_age is not None:
            view.conditions.append(
                Rule(_("age at least %(min)s years") % {"min": c.min_age}, clause)
            )
        elif c.max_age is not None:
            view.conditions.append(
                Rule(_("age at most %(max)s years") % {"max": c.max_age}, clause)
            )
        if c.min_grade_average is not None:
            view.conditions.append(
                Rule(_("grade average at least %(min)s") % {"min": c.min_grade_average}, clause)
            )
        for attr, label in (
            ("school_levels", _("school levels: %(levels)s")),
            ("disability_levels", _("disability levels: %(levels)s")),
        ):
            values = getattr(c, attr)
            if values:
                shown = ", ".join(str(_(_LEVEL.get(v, v))) for v in values)
                view.conditions.append(Rule(label % {"levels": shown}, clause))

    dl = b.filing_deadline or reg.membership.filing_deadline
    if dl is not None:
        text = (
            _("the claim is filed within %(days)s days of the discharge from hospital")
            if dl.counted_from == "discharge"
            else _("the claim is filed within %(days)s days of the event")
        ) % {"days": dl.days}
        default = b.clause if b.filing_deadline else reg.membership.clause
        view.waiting.append(Rule(text, dl.clause or default))
    if b.general_waiting:
        for w in reg.membership.waiting_periods:
            view.waiting.append(Rule(waiting_text(w), w.clause or reg.membership.clause))
    for w in b.waiting_periods:
        view.waiting.append(Rule(waiting_text(w), w.clause or b.clause))
    if reg.membership.arrears is not None:
        a = reg.membership.arrears
        view.waiting.append(
            Rule(
                _("not more than %(months)s unpaid")
                % {"months": _units(a.max_months, "month", ngettext)},
                a.clause or reg.membership.clause,
            )
        )

    for cap in b.caps:
        view.caps.append(Rule(cap_text(cap, b.per), cap.clause or b.clause))
    for g in reg.group_caps:
        if b.code in g.benefits:
            others = [
                benefit_name(o)
                for code in g.benefits
                if code != b.code and (o := reg.benefit(code)) is not None
            ]
            text = cap_text(g)
            if others:
                text = _("%(cap)s together with %(others)s") % {
                    "cap": text,
                    "others": _names(others),
                }
            view.caps.append(Rule(text, g.clause))
    for ev in b.evidence:
        view.evidence.append(
            Rule(ev.name_en if is_en() and ev.name_en else ev.name_th, ev.clause or b.clause)
        )
    return view


def describe(reg: Regulation) -> dict[str, Any]:
    """Everything the version page shows besides the clauses."""
    m = reg.membership
    membership: list[Rule] = []
    if m.entry_age is not None:
        a = m.entry_age
        if a.min is not None and a.max is not None:
            text = _("age on joining %(min)s to %(max)s years") % {"min": a.min, "max": a.max}
        elif a.max is not None:
            text = _("age on joining at most %(max)s years") % {"max": a.max}
        else:
            text = _("age on joining at least %(min)s years") % {"min": a.min}
        membership.append(Rule(text, a.clause or m.clause))
    if m.entrance_fee is not None:
        membership.append(
            Rule(
                _("entrance fee %(amount)s baht") % {"amount": format_baht(m.entrance_fee.amount)},
                m.entrance_fee.clause or m.clause,
            )
        )
    for p in m.plans:
        membership.append(
            Rule(
                _("contributions %(amount)s baht every %(months)s")
                % {"amount": format_baht(p.amount), "months": _units(p.months, "month", ngettext)},
                p.clause or m.clause,
            )
        )
    for f in m.fees:
        name = f.name_en if is_en() and f.name_en else (f.name_th or f.code)
        membership.append(
            Rule(f"{name}: {format_baht(f.amount)} " + str(_("baht")), f.clause or m.clause)
        )
    for w in m.waiting_periods:
        membership.append(
            Rule(_("every benefit: %(rule)s") % {"rule": waiting_text(w)}, w.clause or m.clause)
        )
    if m.filing_deadline is not None:
        dl = m.filing_deadline
        text = (
            _("the claim is filed within %(days)s days of the discharge from hospital")
            if dl.counted_from == "discharge"
            else _("the claim is filed within %(days)s days of the event")
        ) % {"days": dl.days}
        membership.append(
            Rule(_("every benefit: %(rule)s") % {"rule": text}, dl.clause or m.clause)
        )
    if m.continuity is not None:
        text = (
            _(
                "payment is unbroken while each month is paid by its end; after a gap it is "
                "counted again from the start"
            )
            if m.continuity.reset_after_gap
            else _(
                "payment is unbroken while each month is paid by its end; a gap's days are left out"
            )
        )
        if m.continuity.grace_days:
            text += " " + _("(%(days)s days of grace)") % {"days": m.continuity.grace_days}
        membership.append(Rule(text, m.continuity.clause or m.clause))
    if m.arrears is not None:
        membership.append(
            Rule(
                _("benefits withheld with more than %(months)s unpaid")
                % {"months": _units(m.arrears.max_months, "month", ngettext)},
                m.arrears.clause or m.clause,
            )
        )
    for r in m.requirements:
        membership.append(
            Rule(r.text_en if is_en() and r.text_en else r.text_th, r.clause or m.clause)
        )
    year = {
        "calendar": _("calendar year (1 January – 31 December)"),
        "fiscal": _("fiscal year from day %(day)s of month %(month)s")
        % {"day": reg.year.start_day, "month": reg.year.start_month},
        "membership": _("membership year (from each anniversary of joining)"),
    }[reg.year.kind]
    notes = [
        {
            "code": n.code,
            "text": n.text_en if is_en() or not n.text_th else n.text_th,
            "assumption": n.assumption,
            "resolution": n.resolution,
        }
        for n in reg.notes
    ]
    return {
        "title": reg.title_en if is_en() and reg.title_en else reg.title_th,
        "synthetic": reg.synthetic,
        "source": reg.source,
        "year": year,
        "membership": membership,
        "benefits": [describe_benefit(reg, b) for b in reg.benefits],
        "notes": notes,
    }


def money(value: Decimal | None) -> str:
    return "" if value is None else format_baht(value)

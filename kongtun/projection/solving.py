"""The solver's page side (decision 0024): the target checked and the answers in plain words,
and one click from an answer to a regulation draft made from the version in force."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kongtun.core.templatetags.kongtun import number
from kongtun.funds.models import Fund
from kongtun.projection.engine import AssumptionError, Assumptions, Population
from kongtun.projection.engine.solver import SolveResult, solve
from kongtun.projection.models import ProjectionRun
from kongtun.regulations.engine import load_regulation
from kongtun.regulations.engine.loader import (
    dump_regulation,
    regulation_from_dict,
    regulation_to_dict,
)

#: Scenarios the solver draws at most (its answers are shares of scenarios: 2,000 give the
#: chance of running out within ±1 percentage point).
SOLVER_SCENARIOS = 2000

MESSAGES = {
    "horizon_beyond": gettext_lazy(
        "The horizon must be between 1 and %(max)s years (the projection's length)."
    ),
    "not_percent": gettext_lazy("Give a percentage between 0 and 100."),
    "unknown_benefits": gettext_lazy("The regulation has no such benefit: %(codes)s."),
}


@dataclass(frozen=True)
class Target:
    horizon: int
    max_risk: float  # 0..1
    scaled: tuple[str, ...]


def target_check(
    *, run: ProjectionRun, reg: int, horizon: Any, risk_percent: Any, scaled: list[str]
) -> Target:
    """The committee's target, every problem named (in the user's language)."""
    errors: dict[str, list[str]] = {}
    a = Assumptions.from_dict(run.parameters["assumptions"])
    try:
        h = int(str(horizon).strip())
    except ValueError:
        errors["horizon"] = [_("Enter a whole number of years.")]
        h = 0
    try:
        r = float(str(risk_percent).strip().replace("%", ""))
        if not math.isfinite(r):
            raise ValueError
    except ValueError:
        errors["risk"] = [str(MESSAGES["not_percent"])]
        r = -1.0
    if "horizon" not in errors and not 1 <= h <= a.years:
        errors["horizon"] = [str(MESSAGES["horizon_beyond"]) % {"max": a.years}]
    if "risk" not in errors and not 0 <= r <= 100:
        errors["risk"] = [str(MESSAGES["not_percent"])]
    codes = [b["code"] for b in run.parameters["regulations"][reg].get("benefits", [])]
    unknown = [c for c in scaled if c not in codes]
    if unknown:
        errors["scaled"] = [str(MESSAGES["unknown_benefits"]) % {"codes": ", ".join(unknown)}]
    if errors:
        raise ValidationError(errors)
    return Target(h, r / 100.0, tuple(scaled))


def run_solve(*, run: ProjectionRun, reg: int, target: Target) -> SolveResult:
    p = run.parameters
    a = Assumptions.from_dict(p["assumptions"])
    a.scenarios = min(a.scenarios, SOLVER_SCENARIOS)
    regulation = load_regulation(p["regulations"][reg]["content"])
    pop = Population.from_dict(p["population"])
    try:
        return solve(
            regulation,
            pop,
            a,
            horizon=target.horizon,
            max_risk=target.max_risk,
            scaled=target.scaled,
        )
    except AssumptionError as exc:
        raise ValidationError(
            {f: [str(MESSAGES.get(c, c)) % prm] for f, c, prm in exc.errors}
        ) from None


def _pct(x: float) -> str:
    return number(x * 100, "1g")


def answer_sentences(result: SolveResult, names: dict[str, str]) -> list[dict]:
    """Plain sentences for each answer, and what a draft would change."""
    h, risk = result.horizon, _pct(result.max_risk)
    out = []
    base = {"h": h, "risk": risk}
    for lever, ans in result.answers.items():
        if ans.already:
            text = _(
                "No change is needed: the chance of running out of money within %(h)s years is "
                "already %(now)s%%, at most %(risk)s%%."
            ) % {**base, "now": _pct(result.risk_now)}
        elif not ans.reached:
            best = {
                "factor": _("contributions × %(v)s") % {"v": number(ans.best_value, 2)},
                "add": _("%(v)s baht more a month") % {"v": number(ans.best_value)},
                "scale": _("benefits × %(v)s") % {"v": number(ans.best_value, 2)},
                "members": _("%(v)s new members a year") % {"v": number(math.ceil(ans.best_value))},
            }[lever]
            text = _(
                "No change of this kind within the allowed range reaches it: the best, %(best)s, "
                "still leaves a %(got)s%% chance of running out within %(h)s years."
            ) % {**base, "best": best, "got": _pct(ans.risk)}
        elif lever == "factor":
            text = _(
                "Raise every plan's contribution %(v)s times: the chance of running out of "
                "money within %(h)s years falls to %(got)s%% (at most %(risk)s%%)."
            ) % {**base, "v": number(ans.value, 2), "got": _pct(ans.risk)}
        elif lever == "add":
            text = _(
                "Add %(v)s baht a month to every member's contribution: the chance of running "
                "out within %(h)s years falls to %(got)s%% (at most %(risk)s%%)."
            ) % {**base, "v": number(math.ceil(ans.value)), "got": _pct(ans.risk)}
        elif lever == "scale":
            text = _(
                "Pay %(v)s%% of today's amounts for %(which)s: the chance of running out within "
                "%(h)s years falls to %(got)s%% (at most %(risk)s%%)."
            ) % {
                **base,
                "v": f"{math.floor(ans.value * 100)}",
                "which": ", ".join(names.get(c, c) for c in result.scaled),
                "got": _pct(ans.risk),
            }
        else:
            text = _(
                "Welcome %(v)s new members a year: the chance of running out within %(h)s years "
                "falls to %(got)s%% (at most %(risk)s%%)."
            ) % {**base, "v": number(math.ceil(ans.value)), "got": _pct(ans.risk)}  # people
        out.append(
            {
                "lever": lever,
                "text": text,
                "draft": lever in ("factor", "add", "scale") and ans.reached and not ans.already,
                "value": ans.value,
            }
        )
    return out


# ---- turning an answer into a draft --------------------------------------------------------


def _money(v: Decimal, up: bool) -> str:
    return str(v.quantize(Decimal("1"), rounding=ROUND_CEILING if up else ROUND_FLOOR))


#: a sum of money in a clause's words: "30 บาท", "1,200 baht", "360.00 บาท"
#: (followed by baht, or written with a thousands comma and not a length of time)
_BAHT = re.compile(
    r"(?<![\d,.])(?:(\d{1,3}(?:,\d{3})+|\d+)(?:\.00)?(?=\s*(?:บาท|baht))"
    r"|(\d{1,3}(?:,\d{3})+)(?:\.00)?(?!\d|\.\d)(?!\s*(?:ปี|เดือน|วัน|คืน|year|month|day|night)))"
)


def _retext(data: dict, changes: dict[str, dict[Decimal, Decimal]]) -> None:
    """Rewrite the sums of money in the words of the clauses whose rules changed (clause
    number → {old amount: new amount}), so the draft's text says what its rules do."""
    for clause in data.get("clauses", []):
        mapping = changes.get(str(clause.get("number")))
        if not mapping:
            continue

        def swap(m: re.Match[str], mapping: dict[Decimal, Decimal] = mapping) -> str:
            written = m.group(1) or m.group(2)
            new = mapping.get(Decimal(written.replace(",", "")))
            if new is None:
                return m.group(0)
            whole = new == new.to_integral_value()
            return f"{int(new):,}" if whole else f"{new:,.2f}"

        for key in ("text_th", "text_en"):
            if clause.get(key):
                clause[key] = _BAHT.sub(swap, clause[key])


def draft_data(data: dict, *, lever: str, value: float, scaled: tuple[str, ...]) -> dict:
    """The regulation's data with the change applied: plan amounts × k or + x a month (whole
    baht, rounded up), or the ticked benefits' amounts and baht caps × s (rounded down); the
    sums in the words of the clauses those rules cite are rewritten to match."""
    v = Decimal(str(value))
    changes: dict[str, dict[Decimal, Decimal]] = {}

    def changed(clause: object, old: Decimal, new: Decimal) -> None:
        if clause:
            changes.setdefault(str(clause), {})[old] = new

    if lever in ("factor", "add"):
        for plan in data.get("membership", {}).get("plans", []):
            amount = Decimal(str(plan["amount"]))
            new = amount * v if lever == "factor" else amount + v * int(plan["months"])
            plan["amount"] = _money(new, True)
            changed(
                plan.get("clause") or data.get("membership", {}).get("clause"),
                amount,
                Decimal(plan["amount"]),
            )
        _retext(data, changes)
        return data

    def scale(node: Any, clause: object) -> None:
        if isinstance(node, dict):
            clause = node.get("clause") or clause
            for key, val in node.items():
                if key == "amount" and isinstance(val, int | float | str | Decimal):
                    old = Decimal(str(val))
                    node[key] = _money(old * v, False)
                    changed(clause, old, Decimal(node[key]))
                elif key not in ("relatives", "conditions", "waiting_periods"):
                    scale(val, clause)
        elif isinstance(node, list):
            for item in node:
                scale(item, clause)

    for b in data.get("benefits", []):
        if b.get("code") in scaled:
            if isinstance(b.get("amount"), int | float | str | Decimal):  # the benefit's own
                old = Decimal(str(b["amount"]))
                b["amount"] = _money(old * v, False)
                changed(b.get("clause"), old, Decimal(b["amount"]))
            for k in ("tiers", "levels", "caps"):
                if k in b:
                    scale(b[k], b.get("clause"))
    _retext(data, changes)
    return data


@transaction.atomic
def solver_draft_create(
    *,
    fund: Fund,
    run: ProjectionRun,
    reg: int,
    lever: str,
    value: float,
    scaled: tuple[str, ...],
    actor: Any,
):
    """A new draft from the version in force with the answer applied (checked like any
    draft; nothing is saved when the change cannot be written)."""
    from kongtun.regulations import services as reg_services
    from kongtun.regulations.selectors import version_in_force

    if lever not in ("factor", "add", "scale") or not math.isfinite(value) or value < 0:
        raise ValidationError({"__all__": [_("This answer cannot be turned into a draft.")]})
    version = version_in_force(fund=fund, on=timezone.localdate())
    if version is None:
        raise ValidationError(
            {"__all__": [_("The fund has no regulation in force to start a draft from.")]}
        )
    regulation = load_regulation(version.content)
    codes = {b.code for b in regulation.benefits}
    missing = [c for c in scaled if c not in codes]
    if lever == "scale" and (missing or not scaled):
        raise ValidationError(
            {"scaled": [str(MESSAGES["unknown_benefits"]) % {"codes": ", ".join(missing) or "—"}]}
        )
    data = draft_data(regulation_to_dict(regulation), lever=lever, value=value, scaled=scaled)
    content = dump_regulation(regulation_from_dict(data))
    title = {
        "factor": _("Contributions × %(v)s (from projection %(run)s)"),
        "add": _("Contributions + %(v)s baht a month (from projection %(run)s)"),
        "scale": _("Benefits × %(v)s (from projection %(run)s)"),
    }[lever] % {
        "v": number(value, 2) if lever != "add" else number(math.ceil(value)),
        "run": run.pk,
    }
    draft = reg_services.version_start_from_version(version=version, actor=actor, title=title)
    return reg_services.version_save_content(version=draft, content=content, actor=actor)

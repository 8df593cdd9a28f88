"""Why a line of the first projected year may stand far from the fund's last twelve months of
books (decision 0024, "Checked against the books"): the reasons are read from the books and the
regulations, never assumed. A line within ±25 % needs none; a line outside with no reason found
is the one to look at before trusting the long run.

Pure: the facts come from ``selectors.books_check``; this module weighs them and words them.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from kongtun.core.thaidates import format_date

#: projected ÷ books outside this band is marked (issue 16: ±25 %).
BAND = (0.75, 1.25)
#: a count is "usual" for a Poisson mean when it lies in the central 95 % of its law.
USUAL = 0.95


def within(ratio: float | None) -> bool:
    return ratio is not None and BAND[0] <= ratio <= BAND[1]


def poisson_range(mean: float, level: float = USUAL) -> tuple[int, int]:
    """The central ``level`` of Poisson(mean): the lowest count ``low`` with P(X < low) ≤ tail
    and the highest ``high`` with P(X > high) ≤ tail, tail = (1 − level) / 2."""
    if mean <= 0:
        return 0, 0
    tail = (1 - level) / 2
    # walk the law from its start in log space (means of a thousand or more stay exact)
    k, cdf = 0, 0.0
    low = None
    log_mean = math.log(mean)
    while True:
        p = math.exp(k * log_mean - mean - math.lgamma(k + 1))
        if low is None and cdf + p > tail:
            low = k
        cdf += p
        if cdf >= 1 - tail:
            return low if low is not None else k, k
        k += 1
        if k > mean + 50 * math.sqrt(mean) + 50:  # numerically done
            return low if low is not None else 0, k


@dataclass
class Facts:
    """What the books and regulations say about one line of the comparison."""

    actual: float  # the last twelve months of books (baht, or deaths for a count)
    projected: float  # the first projected year (mean of the scenarios)
    count: bool = False  # a count of members (deaths), not money
    payments: int | None = None  # payments in the twelve months (benefit lines)
    mean_payment: float | None = None  # the mean payment of the last 3 years (or ever)
    yearly_average: float | None = None  # the books' yearly average over the last 3 years
    changed_on: dt.date | None = None  # the regulation changed this line within the window
    projected_rules: str = ""  # label of a projected regulation that pays it otherwise
    never_paid: bool = False  # no payment of this line in the fund's books, ever
    first_paid: dt.date | None = None  # the first payment ever, when within the window
    unmodelled: float = 0.0  # books paying claims the projection does not model
    burst_now: tuple[int, int, dt.date] | None = None  # (claims on one day, claims, day)
    burst_past: tuple[int, int, dt.date] | None = None  # the same over the fund's history


def explain(f: Facts) -> tuple[str, dict] | None:
    """The first reason the facts give for a line outside the band, as (code, params); None
    when the line is within the band or nothing in the books explains it."""
    ratio = f.projected / f.actual if f.actual else None
    if within(ratio) or (not f.actual and not f.projected):
        return None
    if f.changed_on is not None:
        return "changed", {"date": f.changed_on}
    if f.projected_rules:
        return "rules", {"label": f.projected_rules}
    if f.never_paid and not f.actual:
        return "never", {}
    if f.first_paid is not None and f.actual < f.projected:
        return "new", {"date": f.first_paid}
    if f.unmodelled > 0:
        if f.unmodelled >= f.actual:
            return "unmodelled_all", {}
        rest = f.projected / (f.actual - f.unmodelled)
        if within(rest):
            return "unmodelled", {"amount": f.unmodelled, "ratio": rest}
    if f.burst_now is not None and f.actual > f.projected:
        n, total, day = f.burst_now
        return "burst_now", {"n": n, "total": total, "date": day}
    if f.burst_past is not None and f.actual < f.projected:
        n, total, day = f.burst_past
        return "burst_past", {"n": n, "total": total, "date": day}
    expected = None
    seen = None
    if f.count:
        expected, seen = f.projected, round(f.actual)
    elif f.payments is not None and f.mean_payment:
        expected, seen = f.projected / f.mean_payment, f.payments
    if expected is not None and seen is not None:
        low, high = poisson_range(expected)
        if low <= seen <= high:
            code = "chance_deaths" if f.count else "chance"
            return code, {"n": seen, "expected": expected, "low": low, "high": high}
    if f.yearly_average and within(f.projected / f.yearly_average):
        return "average", {"average": f.yearly_average, "ratio": f.projected / f.yearly_average}
    return None


def _num(value: float, digits: int = 0) -> str:
    return f"{value:,.{digits}f}"


def reason_text(code: str, params: dict) -> str:
    """The reason in the active language."""
    lang = (get_language() or "th")[:2]
    p = dict(params)
    if "date" in p:
        p["date"] = format_date(p["date"], lang)
    if code == "changed":
        return (
            _(
                "The regulation changed on %(date)s: part of these twelve months was paid under "
                "the earlier rules."
            )
            % p
        )
    if code == "rules":
        return (
            _(
                "The projection uses %(label)s, which pays this otherwise than the regulation in "
                "force that the books followed."
            )
            % p
        )
    if code == "never":
        return _("The fund has never paid it: the projected amount rests on assumed rates alone.")
    if code == "new":
        return _("First paid on %(date)s: the books hold less than a year of it.") % p
    if code == "unmodelled":
        return _(
            "%(amount)s baht of these books paid claims the projection leaves out (see “What is "
            "projected, and what is not”); without them projected ÷ books is %(ratio)s."
        ) % {"amount": _num(p["amount"], 2), "ratio": _num(p["ratio"], 2)}
    if code == "unmodelled_all":
        return _(
            "The projection leaves these claims out (see “What is projected, and what is not”)."
        )
    if code == "burst_now":
        return (
            _(
                "%(n)s of the %(total)s claims of these twelve months came from one event on "
                "%(date)s: not a usual year."
            )
            % p
        )
    if code == "burst_past":
        return (
            _(
                "Claims come in bursts: %(n)s of the %(total)s claims ever paid came from one "
                "event on %(date)s; a year without one pays little or nothing."
            )
            % p
        )
    if code in ("chance", "chance_deaths"):
        values = {
            "n": p["n"],
            "expected": _num(p["expected"], 1),
            "low": p["low"],
            "high": p["high"],
        }
        if code == "chance_deaths":
            text = ngettext(
                "%(n)s death in twelve months where about %(expected)s are expected: "
                "anything from %(low)s to %(high)s is usual (19 years in 20), so the difference "
                "is chance, not a sign the rate is wrong.",
                "%(n)s deaths in twelve months where about %(expected)s are expected: "
                "anything from %(low)s to %(high)s is usual (19 years in 20), so the difference "
                "is chance, not a sign the rate is wrong.",
                p["n"],
            )
        else:
            text = ngettext(
                "%(n)s payment in twelve months where about %(expected)s are expected: "
                "anything from %(low)s to %(high)s is usual (19 years in 20), so the difference "
                "is chance, not a sign the rate is wrong.",
                "%(n)s payments in twelve months where about %(expected)s are expected: "
                "anything from %(low)s to %(high)s is usual (19 years in 20), so the difference "
                "is chance, not a sign the rate is wrong.",
                p["n"],
            )
        return text % values
    if code == "average":
        return _(
            "The last three years of books averaged %(average)s baht a year, within 25%% of the "
            "projection (projected ÷ average %(ratio)s): these twelve months were not a usual "
            "year."
        ) % {"average": _num(p["average"], 2), "ratio": _num(p["ratio"], 2)}
    return code

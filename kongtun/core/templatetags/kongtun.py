"""Template filters: Buddhist-Era dates in Thai, baht with satang, amounts in Thai words."""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal

from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _lazy

from kongtun.core.money import amount_in_english_words, amount_in_thai_words, to_money
from kongtun.core.thaidates import BE_OFFSET, current_lang, format_date, format_date_input

register = template.Library()


@register.filter
def thaidate(value: dt.date | None, style: str = "short") -> str:
    """15 มี.ค. 2567 in Thai (Buddhist Era), 15 Mar 2024 in English."""
    return format_date(value, get_language() or "th", style)


@register.filter
def local_name(item: object) -> str:
    """The name in the page's language: ``name_en`` on an English page when there is one,
    else ``name_th`` — for a model or a dict (a regulation's benefit, a book's line)."""

    def get(key: str) -> str:
        value = item.get(key) if isinstance(item, dict) else getattr(item, key, "")
        return value or ""

    if current_lang() == "en" and get("name_en"):
        return get("name_en")
    return get("name_th")


@register.filter
def monthyear(value: dt.date | None) -> str:
    """มี.ค. 2567 in Thai, Mar 2024 in English: a month of contributions."""
    if value is None:
        return ""
    if (get_language() or "th").startswith("th"):
        return format_date(value, "th").split(" ", 1)[1]
    return format_date(value, "en").split(" ", 1)[1]


@register.filter
def fiscalyear(year_be: int | None) -> str:
    """A fiscal year numbered in the Buddhist Era (how the books number it): 2569 in Thai,
    2026 in English, as every other date of the page."""
    if year_be is None:
        return ""
    return str(year_be if current_lang() == "th" else int(year_be) - BE_OFFSET)


@register.filter
def dateinput(value: dt.date | None) -> str:
    return format_date_input(value, get_language() or "th")


@register.filter
def baht(value: Decimal | int | None) -> str:
    """1,234.50 — always two places, thousands separated."""
    if value is None or value == "":
        return ""
    return f"{to_money(value):,.2f}"


@register.filter
def number(value: float | int | Decimal | None, places: int | str = 0) -> str:
    """A figure as people read it: thousands separated, ``places`` decimals at most (trailing
    zeros dropped when ``places`` is given as "1g", "2g" …), a true minus sign, never a raw
    float such as 0.9109999999999999. The one formatter of the projection's pages, PDF and
    spreadsheet labels."""
    if value is None or value == "":
        return ""
    text = str(places)
    trim = text.endswith("g")
    n = int(text.rstrip("g") or 0)
    out = f"{float(value):,.{n}f}"
    if trim and "." in out:
        out = out.rstrip("0").rstrip(".")
    if out.lstrip("-").strip("0,.") == "":
        out = out.lstrip("-")  # no "−0"
    return out.replace("-", "−")


def percent(value: float | None, places: int = 1) -> str:
    """A share (0.911) as a percentage ("91.1%"), through :func:`number`."""
    if value is None:
        return ""
    return number(float(value) * 100, f"{places}g") + "%"


@register.filter
def bahtwords(value: Decimal | None) -> str:
    """The amount in words in the page's language (documents kept in Thai override it)."""
    if value is None:
        return ""
    if (get_language() or "th").startswith("en"):
        return amount_in_english_words(value)
    return amount_in_thai_words(value)


@register.simple_tag(takes_context=True)
def can(context: template.Context, cap: str) -> bool:
    access = context.get("access")
    return bool(access and access.can(cap))


@register.filter
def person(user: object) -> str:
    """A user as people know them: the full name, or the login name when none is recorded."""
    if user is None:
        return ""
    full = getattr(user, "get_full_name", lambda: "")()
    return full or getattr(user, "get_username", lambda: "")()


#: The fund menu: (url name, label, the paths under /f/<id>/ that count as its section).
#: Who sees an item is read off the view itself (``fund_view`` records its capability), so the
#: menu never offers a page that would answer 403.
_NAV = [
    ("fund_dashboard", _lazy("Overview"), ""),
    ("my_record", _lazy("My record"), "me/"),
    ("contributions_overview", _lazy("Contributions"), "contributions/"),
    ("member_list", _lazy("Members"), "members/"),
    ("books_home", _lazy("Books"), "books/"),
    ("claim_list", _lazy("Claims"), "claims/"),
    ("reports_home", _lazy("Reports"), "reports/"),
    ("mobilization_home", _lazy("Agencies"), "mobilization/"),
    ("governance_committee", _lazy("Committee"), "governance/"),
    ("projection_home", _lazy("Projection"), "projection/"),
    ("development_process", _lazy("Development"), "development/"),
    ("aar_fund", _lazy("Lessons learned"), "aar/"),
    ("assessment_home", _lazy("Self-assessment"), "assessment/"),
    ("regulation_list", _lazy("Regulation"), "regulations/"),
    ("imports_start", _lazy("Import"), "imports/"),
    ("network_fund_witness", _lazy("Network"), "network/witness/"),
    ("network_fund_reporting", _lazy("Network reporting"), "network/"),
    ("fund_settings", _lazy("Settings"), ("settings/", "roles/", "villages/", "occupations/")),
]
#: Items a member (who holds no other role) is not offered though the view would answer: the
#: overview redirects them to their own record (already "My record"), and lessons-learned
#: studies are the study team's.
_NAV_NOT_FOR_MEMBERS = frozenset({"fund_dashboard", "aar_fund"})
#: How many items stay in view on a phone; the rest open from "More".
NAV_VISIBLE = 4


@functools.cache
def _nav_capability(name: str) -> object:
    """The capability the view behind a menu item requires: the same for every fund, so
    resolved once per process, not on every page (the URL resolver walks every pattern)."""
    from django.urls import resolve, reverse

    return getattr(resolve(reverse(name, args=[1])).func, "required_capability", None)


def nav_items(access: object, path: str) -> list[dict]:
    """The menu items this person may open, in order, the current section marked."""
    from django.urls import NoReverseMatch, reverse

    fund_id = access.fund.pk
    prefix = f"/f/{fund_id}/"
    items = []
    for name, label, section in _NAV:
        try:
            url = reverse(name, args=[fund_id])
        except NoReverseMatch:
            continue
        if name == "my_record":
            if not access.member_id:
                continue
            section = ("me/", f"members/{access.member_id}/")  # it redirects to the record
        elif access.only_member and name in _NAV_NOT_FOR_MEMBERS:
            continue
        else:
            cap = _nav_capability(name)
            if cap is not None and not access.can(cap):
                continue
        rest = path[len(prefix) :] if path.startswith(prefix) else None
        current = rest is not None and (rest.startswith(section) if section else rest == "")
        current = current and not any(i["current"] for i in items)  # one current section
        items.append({"url": url, "label": label, "current": current})
    return items


@register.inclusion_tag("core/fundnav.html", takes_context=True)
def fund_nav(context: template.Context) -> dict:
    """The fund menu for a phone: the first items and the current section in view, the rest
    behind "More" (a ``<details>``: it works without JavaScript and never scrolls sideways)."""
    access = context.get("access")
    request = context.get("request")
    if access is None or request is None:
        return {"shown": [], "more": []}
    items = nav_items(access, request.path)
    current = next((i for i in items[NAV_VISIBLE:] if i["current"]), None)
    # The current section takes the last place in view, so the bar stays one line on a phone.
    keep = NAV_VISIBLE - 1 if current else NAV_VISIBLE
    return {"shown": items[:keep], "more": items[keep:], "current_more": current}


class _AuditorDetails(template.Node):
    def __init__(self, nodelist: template.NodeList) -> None:
        self.nodelist = nodelist

    def render(self, context: template.Context) -> str:
        from django.utils.html import format_html
        from django.utils.safestring import mark_safe
        from django.utils.translation import gettext

        inner = self.nodelist.render(context)
        return format_html(
            '<details class="for-auditor"><summary>{}</summary><div>{}</div></details>',
            gettext("Details for auditors"),
            mark_safe(inner),
        )


@register.tag("auditor")
def auditor(parser: template.base.Parser, token: template.base.Token) -> _AuditorDetails:
    """``{% auditor %}…{% endauditor %}``: technical detail (fingerprints, file formats,
    sources) folded under "Details for auditors", so the page itself stays plain Thai."""
    nodelist = parser.parse(("endauditor",))
    parser.delete_first_token()
    return _AuditorDetails(nodelist)

"""The main pages of each role on a 360 px phone (issue 13): axe-core finds no serious or
critical violation, no page is wider than the screen (wide tables scroll inside their box), and
the fund menu is reached by keyboard alone — the items in view and those behind "More"."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

# The pages each role opens most, as paths under /f/<id>/ ("" is the overview); "@public"
# is the fund's public page, "@member" the first member's record.
PAGES = {
    "chair": [
        "",
        "members/",
        "@member",
        "claims/",
        "contributions/",
        "contributions/arrears/",
        "books/",
        "books/journal/",
        "books/cash-book/",
        "books/accounts/@cash",
        "reports/",
        "reports/monthly/",
        "regulations/",
        "governance/",
        "development/",
        "assessment/",
        "roles/",
        "occupations/",
        "settings/",
        "members/access-log/",
        "@public",
    ],
    "treasurer": [
        "",
        "contributions/",
        "contributions/batch/",
        "contributions/receipts/",
        "contributions/arrears/",
        "books/",
        "books/journal/",
        "books/months/",
    ],
    "coordinator": ["", "members/", "books/", "books/journal/", "reports/"],
    "member": ["", "me/", "regulations/"],
}


@pytest.fixture
def fund_with_books(e2e_fund):
    """The e2e fund with a meeting's payments in its books (receipts, journal, cash book)."""
    from kongtun.contributions.services import PaymentInput, contributions_record
    from tests.conftest import TODAY

    contributions_record(
        fund=e2e_fund.fund,
        items=[PaymentInput(m.number, Decimal("60"), periods=2) for m in e2e_fund.members[:8]],
        paid_on=dt.date(2026, 11, 5),
        actor=None,
        today=TODAY,
    )
    return e2e_fund


def _url(fund, path: str) -> str:
    if path == "@public":
        return f"/p/{fund.fund.short_code}/"
    if path == "@member":
        return fund.path(f"members/{fund.members[0].pk}/")
    if path.endswith("@cash"):
        from kongtun.ledger.services import account_for

        return fund.path(path.replace("@cash", f"{account_for(fund.fund, 'cash').pk}/"))
    return fund.path(path)


@pytest.mark.parametrize("role", list(PAGES))
def test_main_pages_pass_axe_and_fit_a_phone(role, fund_with_books, open_as, axe):
    fund = fund_with_books
    page = open_as(fund.users[role], fund.path())
    problems = []
    for path in PAGES[role]:
        url = _url(fund, path)
        response = page.goto(fund.url + url)
        if response is None or response.status != 200:
            problems.append(f"{url}: answered {response and response.status}")
            continue
        assert page.evaluate("() => document.documentElement.lang") == "th", url
        width = page.evaluate("() => document.scrollingElement.scrollWidth")
        if width > 360:
            wide = page.evaluate(
                """() => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > 361
                        && !e.closest('.tablewrap') && getComputedStyle(e).position !== 'fixed')
                .slice(0, 3).map(e => e.tagName + '.' + e.className)"""
            )
            problems.append(f"{url}: {width} px wide ({', '.join(wide)})")
        for v in axe(page):
            problems.append(f"{url}: axe {v['impact']} {v['id']} ({v['help']}) at {v['nodes']}")
    assert not problems, f"{role}:\n" + "\n".join(problems)


def _tab_to_all(page, wanted: set[str], limit: int = 40) -> set[str]:
    """Press Tab from the top of a freshly loaded page; the hrefs of the menu links (and
    "SUMMARY" for the More button) that took the focus."""
    reached = set()
    for _ in range(limit):
        page.keyboard.press("Tab")
        href = page.evaluate(
            "() => document.activeElement.closest('.fundnav') ? "
            "(document.activeElement.getAttribute('href') || document.activeElement.tagName) : ''"
        )
        if href:
            reached.add(href)
        if wanted <= reached:
            break
    return reached


def test_the_menu_works_by_keyboard_and_fits_a_phone(fund_with_books, open_as):
    fund = fund_with_books
    page = open_as(fund.users["chair"], fund.path("books/journal/"))
    nav = page.locator("nav.fundnav")
    assert nav.evaluate("n => n.scrollWidth <= n.clientWidth + 1")  # no sideways scrolling
    in_view = nav.locator(".navmain > li > a")
    assert 3 <= in_view.count() <= 5
    current = nav.locator('.navmain > li > a[aria-current="page"]')
    assert current.count() == 1 and "/books/" in current.get_attribute("href")
    shown = {in_view.nth(i).get_attribute("href") for i in range(in_view.count())}
    reached = _tab_to_all(page, shown | {"SUMMARY"})
    assert shown | {"SUMMARY"} <= reached  # every item in view, then "More"
    # "More" opens with Enter and its links are reached by Tab.
    page.locator(".navmore summary").focus()
    page.keyboard.press("Enter")
    more = nav.locator(".navmore a")
    assert more.first.is_visible()
    hidden = {more.nth(i).get_attribute("href") for i in range(more.count())}
    page.locator(".navmore summary").focus()
    reached = set()
    for _ in range(len(hidden) + 2):
        page.keyboard.press("Tab")
        reached.add(page.evaluate("() => document.activeElement.getAttribute('href')"))
    assert hidden <= reached
    assert page.evaluate("() => document.scrollingElement.scrollWidth") <= 360

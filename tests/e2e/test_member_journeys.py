"""Other journeys at 360 px (issue 13): a claim filed and approved by the committee, the
member's own page, the fund's public page and a receipt checked by anyone from its code."""

from __future__ import annotations

import datetime as dt

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

TODAY = dt.date(2026, 11, 25)  # tests/conftest.py's clock


def be(day: dt.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year + 543}"


def pay_one(page, number: str) -> None:
    """One payment through the meeting batch, by keyboard."""
    page.locator("#rows input[name=number]").first.focus()
    page.keyboard.type(number, delay=20)
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector(".messages .success")


def test_a_claim_is_filed_on_a_phone_and_approved_by_two_committee_members(
    e2e_fund, open_as, make_user
):
    from kongtun.claims.models import Claim, ClaimStatus
    from kongtun.funds.models import Role
    from kongtun.funds.services import role_grant
    from tests.claims.helpers import approved, opening_money, paid_up, with_paper

    fund, member = e2e_fund.fund, e2e_fund.members[4]
    approved(fund)
    paid_up(member)
    opening_money(fund)
    deciders = [make_user(f"e2e_committee_{i}") for i in range(2)]
    for u in deciders:
        role_grant(fund=fund, user=u, role=Role.COMMITTEE, actor=None)

    page = open_as(e2e_fund.users["chair"], e2e_fund.path("claims/new/"))
    page.fill("input[name=member_number]", member.number)
    page.select_option("select[name=benefit]", "hospital")
    page.fill("input[name=event_date]", be(TODAY - dt.timedelta(days=10)))
    page.fill("input[name=nights]", "2")
    page.click("button[name=file]")
    page.wait_for_url("**/claims/*/")
    claim = Claim.objects.get(fund=fund)
    assert (
        claim.member == member
        and page.evaluate("() => document.documentElement.scrollWidth") <= 360
    )
    with_paper(claim)  # the documents were seen on paper at the office

    for user in deciders:
        page = open_as(user, e2e_fund.path(f"claims/{claim.pk}/"))
        page.check("input[name=action][value=approve]")
        page.locator("form[action$='/review/'] button").first.click()
        page.wait_for_load_state()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED
    assert "อนุมัติ" in page.locator("main").inner_text()


def test_a_member_reads_their_own_page_and_anyone_checks_their_receipt(
    e2e_fund, open_as, browser, live_server
):
    me = e2e_fund.members[0]  # the member login's record
    pay_one(open_as(e2e_fund.users["treasurer"], e2e_fund.path("contributions/batch/")), me.number)

    page = open_as(e2e_fund.users["member"], e2e_fund.path("me/"))
    text = page.locator("main").inner_text()
    assert me.number in text and me.first_name in text
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    page.locator("main a[href*='/contributions/receipts/']").first.click()  # their receipt
    check_url = page.locator(".verification span.mono").inner_text().strip()
    assert "/verify/" in check_url

    anyone = browser.new_context(viewport={"width": 360, "height": 740}, locale="th-TH")
    try:
        public = anyone.new_page()
        public.goto(live_server.url + f"/p/{e2e_fund.fund.short_code}/")
        assert e2e_fund.fund.name_th in public.locator("main").inner_text()
        assert me.first_name not in public.content()  # no personal data on the public page
        public.goto(check_url.replace("http://testserver", live_server.url))
        assert "อยู่ในบัญชีของกองทุน" in public.locator("main").inner_text()
        assert me.first_name not in public.locator("main").inner_text()
    finally:
        anyone.close()

"""The pensions list on a phone (decision 0019): every due month ticked at once, or none, and
the chosen ones paid — the list reads as cards, without a sideways swipe."""

from __future__ import annotations

import pytest

from tests.claims.test_recurring import pension  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_treasurer_unticks_all_ticks_one_and_pays_it(
    world,
    pension,  # noqa: F811  (the fixture imported above)
    books_flushable,
    make_user,
    open_as,
):
    from kongtun.claims.models import Payout
    from kongtun.funds.models import Role
    from kongtun.funds.services import role_grant

    treasurer = make_user("pension_treasurer")
    role_grant(fund=world.fund_a, user=treasurer, role=Role.TREASURER, actor=None)
    page = open_as(treasurer, f"/f/{world.fund_a.pk}/claims/recurring/?month=2026-11")
    boxes = page.locator("input[name=periods]")
    assert boxes.count() == 4  # August to November
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    tick_all = page.get_by_label("เลือกทุกรายการที่ถึงกำหนด")
    tick_all.uncheck()
    assert [boxes.nth(i).is_checked() for i in range(4)] == [False] * 4
    boxes.nth(0).check()
    assert tick_all.evaluate("b => b.indeterminate")
    page.get_by_role("button", name="จ่ายบำนาญที่เลือก").click()
    page.wait_for_selector(".messages")
    assert Payout.objects.filter(claim=pension).count() == 1

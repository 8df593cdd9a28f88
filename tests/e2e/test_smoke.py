"""The harness itself: a logged-in phone page, the emulated network, axe-core."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_treasurer_opens_the_meeting_batch_on_a_phone(e2e_fund, open_as, network, axe):
    page = open_as(e2e_fund.users["treasurer"], e2e_fund.path("contributions/batch/"))
    assert page.locator("#batch").is_visible()
    assert page.evaluate("() => innerWidth") == 360
    net = network(page)
    net.offline()
    assert page.evaluate("() => navigator.onLine") is False
    net.online()
    assert page.evaluate("() => navigator.onLine") is True
    assert isinstance(axe(page), list)

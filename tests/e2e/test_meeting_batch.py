"""The monthly meeting on a phone and patchy Wi-Fi (issue 13): 50 payments typed by keyboard
at a human pace — number, Enter, Enter, never waiting for the page — are saved exactly as
typed, once, whatever the latency, a reload or a dropped connection."""

from __future__ import annotations

from decimal import Decimal

import pytest

from scripts.e2e_batch import Net, Row, differences, rows_for, type_batch

pytestmark = pytest.mark.django_db(transaction=True)

PLAN = Decimal("30.00")


def saved_payments(fund) -> list[tuple[str, Decimal]]:
    """What the server recorded: (member number, receipt total) per standing receipt."""
    from kongtun.contributions.models import Receipt

    return [
        (r.member.number, r.total)
        for r in Receipt.objects.filter(fund=fund, voided_at__isnull=True).select_related("member")
    ]


def batch_page(e2e_fund, open_as, latency: int = 0):
    page = open_as(e2e_fund.users["treasurer"], e2e_fund.path("contributions/batch/"))
    return page, Net(page, latency)


def test_fifty_payments_at_400_ms_latency_are_saved_as_typed(e2e_fund, open_as):
    page, net = batch_page(e2e_fund, open_as, latency=400)
    rows = rows_for([m.number for m in e2e_fund.members[:50]], PLAN)
    type_batch(page, rows, key_delay=180, net=net)
    assert page.locator(".messages .success").count() == 1, page.locator("main").inner_text()
    assert differences(rows, saved_payments(e2e_fund.fund)) == []

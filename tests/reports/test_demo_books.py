"""The demo: every ended month closed with its published root, intact books, a committee with
the demo logins, gap-free resolutions cited by the regulation versions and claim approvals, and
receipts that verify on the public page."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Sum

from kongtun.claims.demo import VERSIONS
from kongtun.claims.models import ClaimApproval
from kongtun.contributions.models import Receipt
from kongtun.demo import people
from kongtun.demo.loader import load_demo
from kongtun.governance.models import Meeting, Resolution
from kongtun.governance.selectors import committee_on, is_committee_member
from kongtun.ledger.models import JournalLine, MonthClose
from kongtun.ledger.seal import verify
from kongtun.regulations.models import RegulationVersion
from kongtun.reports.demo import months_to_close
from tests.conftest import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_demo(monkeypatch):
    monkeypatch.setattr(
        people,
        "DEMO_FUNDS",
        tuple(people.DemoFund(**{**spec.__dict__, "members": 40}) for spec in people.DEMO_FUNDS),
    )
    monkeypatch.setattr("kongtun.demo.loader.DEMO_FUNDS", people.DEMO_FUNDS)
    return load_demo(seed=7, today=TODAY)


@pytest.mark.slow
def test_demo_books_committee_and_public_verification(small_demo, client):
    """One demo load (it takes a while) for everything the demo promises."""
    for fund in small_demo:
        closes = list(MonthClose.objects.filter(fund=fund).order_by("month"))
        assert closes[0].month == fund.founded_on.replace(day=1)
        assert closes[-1].month == dt.date(2026, 10, 1)  # the last full month before TODAY
        assert months_to_close(fund, TODAY) == []
        assert all(c.merkle_root and c.chain_head for c in closes if c.entry_count)
        assert verify(fund).ok
        # the treasurer's cash box never holds less than nothing, day by day
        running, lowest = 0, 0
        cash = JournalLine.objects.filter(fund=fund, account__role="cash")
        for _day, moved in (
            cash.values_list("date").annotate(s=Sum("amount_satang")).order_by("date")
        ):
            running += moved
            lowest = min(lowest, running)
        assert lowest >= 0 and cash.exists()

        public = client.get(f"/p/{fund.short_code}/").content.decode()
        assert closes[-1].merkle_root in public
        receipt = (
            Receipt.objects.filter(fund=fund, voided_at__isnull=True)
            .select_related("entry__seal")
            .order_by("-issued_on")
            .first()
        )
        code = receipt.entry.seal.verification_code
        page = client.get(f"/p/{fund.short_code}/verify/", {"code": code}).content.decode()
        assert receipt.display_number in page and "✓" in page and "✗" not in page

    User = get_user_model()
    for fund, chair in zip(small_demo, ("banthi.chair", "thaneun.chair"), strict=True):
        today = committee_on(fund, TODAY)
        assert {t.user.username for t in today if t.user} == {
            u for u, _r in people.COMMITTEE[fund.short_code.lower()]
        }
        assert is_committee_member(fund, User.objects.get(username=chair), TODAY)
        # the login carries the name of the member record its committee term is linked to
        term = next(t for t in today if t.user and t.user.username == chair)
        assert term.user.get_full_name() == f"{term.member.first_name} {term.member.last_name}"
        assert committee_on(fund, fund.founded_on - dt.timedelta(days=1)) == []
        assert Meeting.objects.filter(fund=fund, kind="assembly").count() >= 15
        assert Meeting.objects.filter(fund=fund, kind="committee", date__gt=TODAY).exists()
        numbers = defaultdict(list)
        for year, number in Resolution.objects.filter(fund=fund).values_list(
            "fiscal_year", "number"
        ):
            numbers[year].append(number)
        assert all(sorted(n) == list(range(1, len(n) + 1)) for n in numbers.values())
        assert Resolution.objects.filter(fund=fund, topic="appointment").count() >= 4
        # the founding and amended regulation cite the general assemblies' resolutions, and
        # approvals given at a monthly committee meeting cite its resolution on claims
        versions = list(RegulationVersion.objects.filter(fund=fund).order_by("number"))
        assert len(versions) == 2
        for v in versions:
            assert v.resolution_record.topic == "regulation"
            assert v.resolution_date == v.resolution_record.meeting.date
        assert versions[1].resolution_date == VERSIONS[fund.short_code]["amendment_meeting"]
        cited = ClaimApproval.objects.filter(claim__fund=fund, resolution__isnull=False)
        assert cited.exists()
        assert all(
            r.resolution.topic == "claims" and r.at.date() == r.resolution.meeting.date
            for r in cited.select_related("resolution__meeting")
        )

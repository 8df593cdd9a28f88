"""The public page and receipt verification: anyone can check, nobody sees personal data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kongtun.contributions.services import PaymentInput, contributions_record, plan_assign
from kongtun.ledger.services import month_close
from kongtun.members.models import Beneficiary, Member
from tests.conftest import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid(world):
    fund = world.fund_a
    fund.founded_on = dt.date(2015, 1, 1)
    fund.save()
    monthly = fund.contribution_plans.get(months=1)
    for m in world.members_a:
        plan_assign(member=m, plan=monthly, effective_date=m.join_date)
    receipts = contributions_record(
        fund=fund,
        items=[PaymentInput(m.number, Decimal("90")) for m in world.members_a],
        paid_on=dt.date(2015, 3, 5),
        actor=None,
        today=TODAY,
    )
    for month in range(1, 4):
        month_close(fund=fund, month=dt.date(2015, month, 1), actor=None, today=TODAY)
    return receipts


def personal_strings(fund) -> list[str]:
    """Names, national IDs (whole, formatted, and their tail), phones, addresses and
    beneficiaries. (Member numbers like 00002 are left out: they collide with document
    numbers such as receipt 2558/00002, which the public check shows by design.)"""
    values = []
    for m in Member.objects.filter(fund=fund):
        values += [
            m.first_name,
            m.last_name,
            m.national_id,
            m.national_id_formatted,
            m.national_id[-6:],
            m.phone,
        ]
        values += [a for a in [m.address] if a]
    values += list(Beneficiary.objects.filter(member__fund=fund).values_list("name", flat=True))
    return [v for v in values if v]


def test_public_page_shows_figures_and_heads_but_no_personal_data(world, paid, client):
    page = client.get(f"/p/{world.fund_a.short_code}/", {"year": "2558"}).content.decode()
    assert "270.00" in page  # money in, March 2015
    assert paid[0].entry.fund.month_closes.get(month=dt.date(2015, 3, 1)).merkle_root in page
    for value in personal_strings(world.fund_a):
        assert value not in page, f"personal data on the public page: {value!r}"


def test_a_receipt_verifies_publicly_with_its_month_proof(world, paid, client):
    receipt = paid[1]
    code = receipt.entry.seal.verification_code
    page = client.get(f"/p/{world.fund_a.short_code}/verify/", {"code": code}).content.decode()
    assert receipt.display_number in page and "90.00" in page
    assert "✓" in page and "✗" not in page
    for value in personal_strings(world.fund_a):
        assert value not in page


def test_a_wrong_code_or_another_funds_code_finds_nothing(world, paid, client):
    code = paid[0].entry.seal.verification_code
    assert (
        "errors"
        in client.get(f"/p/{world.fund_b.short_code}/verify/", {"code": code}).content.decode()
    )
    wrong = ("A" if code[0] != "A" else "B") + code[1:]
    assert (
        "errors"
        in client.get(f"/p/{world.fund_a.short_code}/verify/", {"code": wrong}).content.decode()
    )


def test_the_receipt_prints_its_verification_code_and_qr(world, paid, client):
    client.force_login(world.treasurer_a)
    receipt = paid[0]
    page = client.get(f"/f/{world.fund_a.pk}/contributions/receipts/{receipt.pk}/").content.decode()
    assert receipt.entry.seal.verification_code in page and "<svg" in page


def test_the_year_filter_offers_plain_years_and_shows_that_year(world, paid, client):
    page = client.get(f"/p/{world.fund_a.short_code}/").content.decode()
    assert 'value="2015"' in page and ">2558<" in page and "2,558" not in page
    year = client.get(f"/p/{world.fund_a.short_code}/", {"year": "2015"}).content.decode()
    assert "270.00" in year  # March 2015's money, shown for the year chosen


def test_receipts_year_filter_values_are_plain_numbers(world, paid, client):
    client.force_login(world.treasurer_a)
    page = client.get(f"/f/{world.fund_a.pk}/contributions/receipts/").content.decode()
    assert 'value="2558"' in page and "2,558" not in page


def test_twelve_months_are_twelve_and_the_open_month_is_marked(world, paid, client):
    contributions_record(  # April 2015 is not closed
        fund=world.fund_a,
        items=[PaymentInput(world.members_a[0].number, Decimal("30"))],
        paid_on=dt.date(2015, 4, 5),
        actor=None,
        today=TODAY,
    )
    html = client.get(f"/p/{world.fund_a.short_code}/", {"year": "2558"}).content.decode()
    assert "ตั้งแต่ ม.ค. 2558 ถึง ธ.ค. 2558" in html
    assert "มี.ค. 2558</td>" in html  # closed: no mark
    assert "เม.ย. 2558 <small" in html and html.count("ยังไม่ปิดงวด ตัวเลขอาจเปลี่ยน") == 1
    assert '<span class="num">3</span>' in html  # three months closed and published

"""The treasurer's pages: the meeting batch, one payment, receipts, arrears."""

from __future__ import annotations

import datetime as dt

import pytest

from kongtun.contributions.models import Receipt
from kongtun.contributions.services import plan_assign
from kongtun.funds.models import Role
from kongtun.funds.services import role_grant
from kongtun.ledger.models import JournalEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def fund(world):
    monthly = world.fund_a.contribution_plans.get(months=1)
    for m in world.members_a:
        plan_assign(member=m, plan=monthly, effective_date=m.join_date)
    return world.fund_a


def test_meeting_batch_records_every_row_in_one_go(world, fund, client):
    client.force_login(world.treasurer_a)
    url = f"/f/{fund.pk}/contributions/batch/"
    assert client.get(url).status_code == 200
    numbers = [m.number for m in world.members_a]
    response = client.post(
        url,
        {
            "paid_on": "05/03/2558",
            "into": "cash",
            "number": [*numbers, ""],
            "amount": ["30", "60.-", "๙๐", ""],
        },
    )
    assert response.status_code == 302
    receipts = list(Receipt.objects.filter(fund=fund).order_by("number"))
    assert [r.total for r in receipts] == [30, 60, 90]
    assert JournalEntry.objects.filter(fund=fund).count() == 3


def test_a_bad_row_keeps_every_row_on_screen_and_saves_nothing(world, fund, client):
    client.force_login(world.treasurer_a)
    url = f"/f/{fund.pk}/contributions/batch/"
    response = client.post(
        url,
        {
            "paid_on": "05/03/2558",
            "into": "cash",
            "number": [world.members_a[0].number, "nobody"],
            "amount": ["30", "30"],
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "nobody" in page and world.members_a[0].number in page
    assert not Receipt.objects.exists()


def test_lookup_answers_only_for_this_funds_members(world, fund, client):
    client.force_login(world.treasurer_a)
    ok = client.get(
        f"/f/{fund.pk}/contributions/lookup/", {"number": world.members_a[0].number}
    ).json()
    assert ok["found"] and ok["amount"] == "30.00"
    other = client.get(
        f"/f/{fund.pk}/contributions/lookup/", {"number": world.members_b[0].number}
    ).json()
    assert not other["found"] or other["name"] != world.members_b[0].full_name


def test_receipt_shows_amount_in_thai_words_and_can_be_voided(world, fund, client):
    client.force_login(world.treasurer_a)
    client.post(
        f"/f/{fund.pk}/contributions/pay/",
        {
            "member_number": world.members_a[0].number,
            "paid_on": "05/03/2558",
            "amount": "90",
            "into": "cash",
        },
    )
    receipt = Receipt.objects.get(fund=fund)
    page = client.get(f"/f/{fund.pk}/contributions/receipts/{receipt.pk}/").content.decode()
    assert "เก้าสิบบาทถ้วน" in page and "2558/00001" in page and "5 มีนาคม 2558" in page
    client.post(f"/f/{fund.pk}/contributions/receipts/{receipt.pk}/void/", {"reason": "บันทึกซ้ำ"})
    receipt.refresh_from_db()
    assert receipt.voided_at is not None


def test_auditor_reads_receipts_but_cannot_take_money(world, fund, client, make_user):
    auditor = make_user("auditor_a")
    role_grant(fund=fund, user=auditor, role=Role.AUDITOR, actor=None)
    client.force_login(auditor)
    assert client.get(f"/f/{fund.pk}/contributions/receipts/").status_code == 200
    assert client.get(f"/f/{fund.pk}/contributions/batch/").status_code == 403
    response = client.post(
        f"/f/{fund.pk}/contributions/pay/",
        {"member_number": world.members_a[0].number, "paid_on": "05/03/2558", "amount": "30"},
    )
    assert response.status_code == 403 and not Receipt.objects.exists()


def test_member_page_shows_payments_and_arrears(world, fund, client):
    client.force_login(world.chair_a)
    member = world.members_a[0]
    page = client.get(f"/f/{fund.pk}/members/{member.pk}/").content.decode()
    assert "มี.ค. 2558" in page  # next month to pay: the join month, March 2015
    assert dt.date.today().year > 2015


def test_member_login_sees_own_receipt_only(world, fund, client):
    client.force_login(world.treasurer_a)
    client.post(
        f"/f/{fund.pk}/contributions/batch/",
        {
            "paid_on": "05/03/2558",
            "into": "cash",
            "number": [world.members_a[0].number, world.members_a[1].number],
            "amount": ["30", "30"],
        },
    )
    own, other = Receipt.objects.filter(fund=fund).order_by("number")
    client.force_login(world.member_login_a)
    assert client.get(f"/f/{fund.pk}/contributions/receipts/{own.pk}/").status_code == 200
    assert client.get(f"/f/{fund.pk}/contributions/receipts/{other.pk}/").status_code == 404

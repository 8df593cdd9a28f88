"""The treasurer's pages: the meeting batch, one payment, receipts, arrears."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.conf import settings

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


# --- a refused meeting batch: every bad row at once, named, in the user's language -------


def _post_batch(client, fund, numbers, amounts, paid_on="05/03/2558", **extra):
    return client.post(
        f"/f/{fund.pk}/contributions/batch/",
        {"paid_on": paid_on, "into": "cash", "number": numbers, "amount": amounts, **extra},
    )


def _text(response):
    return html.unescape(response.content.decode())


def test_a_refused_batch_names_every_bad_row_keeps_names_and_saves_nothing(world, fund, client):
    client.force_login(world.treasurer_a)
    good, other = world.members_a[0], world.members_a[1]
    before = Receipt.objects.count()
    response = _post_batch(
        client,
        fund,
        [good.number, other.number, "99-9999", other.number, good.number],
        ["30", "-50", "30", "abc", "1,000.555"],
        repeats_confirmed="on",  # the same members on purpose (tests/contributions/test_meeting_batch.py)
    )
    assert response.status_code == 400
    page = _text(response)
    assert "ต้องแก้ไข 4 แถว" in page  # the summary counts the rows to fix
    assert f"แถวที่ 2 (สมาชิกเลขที่ {other.number}) จำนวนเงิน: จำนวนเงินต้องมากกว่าศูนย์" in page
    assert "แถวที่ 3 (สมาชิกเลขที่ 99-9999) เลขที่สมาชิก: ไม่พบสมาชิกเลขที่ 99-9999" in page
    assert f"แถวที่ 4 (สมาชิกเลขที่ {other.number}) จำนวนเงิน: จำนวนเงินต้องเป็นตัวเลข" in page
    assert f"แถวที่ 5 (สมาชิกเลขที่ {good.number}) จำนวนเงิน: จำนวนเงินมีทศนิยมได้ไม่เกิน 2" in page
    assert "แถวที่ 1 " not in page  # the good row is not blamed
    assert good.full_name in page and other.full_name in page  # names stay on screen
    assert 'value="-50" inputmode="decimal" autocomplete="off" aria-label' in page
    assert page.count('aria-invalid="true"') == 4
    assert Receipt.objects.count() == before and not JournalEntry.objects.exists()


def test_a_negative_amount_alone_is_put_on_its_row_and_not_totalled(world, fund, client):
    client.force_login(world.treasurer_a)
    member = world.members_a[0]
    response = _post_batch(client, fund, [member.number], ["-50"])
    assert response.status_code == 400
    page = _text(response)
    assert f"แถวที่ 1 (สมาชิกเลขที่ {member.number}) จำนวนเงิน: จำนวนเงินต้องมากกว่าศูนย์" in page
    assert member.full_name in page
    assert '<th class="num" id="total">0.00</th>' in page
    assert "ไม่นับรวม 1 แถวที่จำนวนเงินไม่ถูกต้อง" in page
    assert not Receipt.objects.exists()


def test_a_service_refusal_of_a_single_row_lands_on_that_row(world, fund, client):
    """One row the form accepts but the service refuses (45 is not whole periods of 30)."""
    client.force_login(world.treasurer_a)
    member = world.members_a[0]
    response = _post_batch(client, fund, [member.number], ["45"])
    assert response.status_code == 400
    page = _text(response)
    assert f"แถวที่ 1 (สมาชิกเลขที่ {member.number}) จำนวนเงิน:" in page
    assert "ต้องแก้ไข 1 แถว" in page and member.full_name in page
    assert not Receipt.objects.exists()


def test_unknown_member_without_amount_and_amount_without_member(world, fund, client):
    client.force_login(world.treasurer_a)
    response = _post_batch(client, fund, ["99-9999", ""], ["", "420"])
    assert response.status_code == 400
    page = _text(response)
    assert "แถวที่ 1 (สมาชิกเลขที่ 99-9999) เลขที่สมาชิก: ไม่พบสมาชิกเลขที่ 99-9999" in page
    assert "แถวที่ 1 (สมาชิกเลขที่ 99-9999) จำนวนเงิน: กรุณากรอกจำนวนเงิน" in page
    assert "แถวที่ 2 เลขที่สมาชิก: กรุณาพิมพ์เลขที่สมาชิก" in page
    assert not Receipt.objects.exists()


def test_a_refused_batch_speaks_english_to_an_english_reader(world, fund, client):
    client.force_login(world.treasurer_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    member = world.members_a[0]
    response = _post_batch(client, fund, [member.number, "99-9999"], ["-50", "30"])
    assert response.status_code == 400
    page = _text(response)
    assert "2 rows need correcting. Nothing was saved." in page
    assert f"Row 1 (member {member.number}), amount: The amount must be more than zero." in page
    assert "Row 2 (member 99-9999), member number: No member 99-9999 in this fund." in page
    assert not Receipt.objects.exists()


def test_the_batch_page_works_without_the_script(world, fund, client):
    """Empty rows to type into are on the page; blank rows are skipped when posting."""
    client.force_login(world.treasurer_a)
    page = client.get(f"/f/{fund.pk}/contributions/batch/").content.decode()
    assert page.count('name="number"') >= 5 and "contributions/batch.js" in page
    numbers = [world.members_a[0].number, "", world.members_a[1].number, ""]
    response = _post_batch(client, fund, numbers, ["30", "", "60", ""])
    assert response.status_code == 302
    assert sorted(r.total for r in Receipt.objects.filter(fund=fund)) == [30, 60]

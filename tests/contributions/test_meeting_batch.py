"""The meeting batch on the server's side (issue 13): numbers however typed, the same member
twice only when confirmed, one record per batch key however often it is saved, and the
meeting's receipts printed together."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from kongtun.contributions.models import Receipt
from kongtun.contributions.services import plan_assign

pytestmark = pytest.mark.django_db

THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


@pytest.fixture
def fund(world):
    monthly = world.fund_a.contribution_plans.get(months=1)
    for m in world.members_a:
        plan_assign(member=m, plan=monthly, effective_date=m.join_date)
    return world.fund_a


def post(client, fund, numbers, amounts, **extra):
    return client.post(
        f"/f/{fund.pk}/contributions/batch/",
        {"paid_on": "05/03/2558", "into": "cash", "number": numbers, "amount": amounts, **extra},
        **extra.pop("headers", {}),
    )


def test_numbers_typed_without_zeros_or_in_thai_digits_are_recorded_for_their_member(
    world, fund, client
):
    client.force_login(world.treasurer_a)
    a, b, c = world.members_a  # numbers 00001..00003 (the fund's default pattern)
    response = post(client, fund, ["1", "๐๐๐๐๒", c.number.translate(THAI)], ["30", "30", "60"])
    assert response.status_code == 302
    saved = [(r.member_id, r.total) for r in Receipt.objects.filter(fund=fund)]
    assert saved == [(a.pk, 30), (b.pk, 30), (c.pk, 60)]


def test_a_name_that_fits_several_members_is_refused_naming_them(world, fund, client):
    client.force_login(world.treasurer_a)
    response = post(client, fund, ["สมศรี"], ["30"])  # every member of fund A is สมศรี<i>
    assert response.status_code == 400
    page = response.content.decode()
    assert "แถวที่ 1" in page and world.members_a[0].number in page and world.members_a[1].number in page
    assert not Receipt.objects.exists()


def test_the_same_member_twice_needs_a_confirmation_naming_the_rows(world, fund, client):
    client.force_login(world.treasurer_a)
    a, b, _c = world.members_a
    numbers, amounts = [a.number, b.number, "1"], ["30", "30", "30"]
    refused = post(client, fund, numbers, amounts)
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "แถวที่ 1 (สมาชิกเลขที่ 00001)" in page and "แถวที่ 3 (สมาชิกเลขที่ 00001)" in page
    assert "อยู่ในแถวที่ 3 ด้วย" in page and "อยู่ในแถวที่ 1 ด้วย" in page
    assert not Receipt.objects.exists()
    saved = post(client, fund, numbers, amounts, repeats_confirmed="on")
    assert saved.status_code == 302
    assert [r.member_id for r in Receipt.objects.filter(fund=fund)] == [a.pk, b.pk, a.pk]


def test_a_save_repeated_after_a_lost_answer_records_once_however_the_rows_were_typed(
    world, fund, client
):
    """The phone sent the batch, the answer was lost; the page restored from the device sends
    it again with the same key — the late look-up having turned "1" into "00001"."""
    client.force_login(world.treasurer_a)
    a, b, _c = world.members_a
    first = post(client, fund, ["1", b.number, ""], ["30", "30", ""], idempotency_key="k-meeting-1")
    assert first.status_code == 302
    again = client.post(
        f"/f/{fund.pk}/contributions/batch/",
        {
            "paid_on": "05/03/2558",
            "into": "cash",
            "number": [a.number, b.number],
            "amount": ["30.00", "30"],
            "idempotency_key": "k-meeting-1",
        },
        headers={"Accept": "application/json"},
    )
    assert again.status_code == 200
    assert again.json()["replayed"] is True and again.json()["saved"] == 2
    assert Receipt.objects.filter(fund=fund).count() == 2


def test_the_page_script_gets_json_and_the_meetings_receipts_to_print(world, fund, client):
    client.force_login(world.treasurer_a)
    numbers = [m.number for m in world.members_a]
    response = client.post(
        f"/f/{fund.pk}/contributions/batch/",
        {"paid_on": "05/03/2558", "into": "cash", "number": numbers, "amount": ["30"] * 3},
        headers={"Accept": "application/json"},
    )
    answer = response.json()
    assert answer["saved"] == 3 and answer["replayed"] is False
    listing = client.get(answer["next"]).content.decode()
    assert "receipts-batch" in listing and all(n in listing for n in numbers)
    assert "ใบเสร็จ 3 ฉบับของการประชุม" in listing
    pdf = client.get(answer["next"].replace("/receipts/?", "/receipts/print/?"))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.content))
    assert len(reader.pages) == 1  # three receipts on one A4 page
    text = reader.pages[0].extract_text()
    assert all(r.display_number in text for r in Receipt.objects.filter(fund=fund))
    assert "สามสิบบาทถ้วน" in text


def test_the_print_of_a_meeting_is_the_treasurers_and_stays_in_the_fund(world, fund, client):
    client.force_login(world.treasurer_a)
    post(client, fund, [world.members_a[0].number], ["30"])
    url = f"/f/{fund.pk}/contributions/receipts/print/?year=2558&from=1&to=1"
    assert client.get(url).status_code == 200
    client.force_login(world.member_login_a)
    assert client.get(url).status_code == 403
    client.force_login(world.chair_b)
    assert client.get(url).status_code == 404  # no role in fund A
    client.force_login(world.treasurer_a)
    assert client.get(url.replace(f"/f/{fund.pk}/", f"/f/{world.fund_b.pk}/")).status_code == 404


def test_lookup_offers_a_choice_and_shows_only_name_number_and_plan(world, fund, client):
    client.force_login(world.treasurer_a)
    answer = client.get(f"/f/{fund.pk}/contributions/lookup/", {"q": "สมศรี"}).json()
    assert answer["found"] and len(answer["matches"]) == 3
    assert set(answer["matches"][0]) == {
        "number", "name", "status", "payable", "plan", "amount", "periods_unpaid"
    }
    one = client.get(f"/f/{fund.pk}/contributions/lookup/", {"q": "๒"}).json()
    assert one["number"] == world.members_a[1].number and one["q"] == "๒"
    body = str(answer)
    assert world.members_a[0].national_id not in body

"""The claim form and the API ask for the engine's newer inputs (decision 0020) only when the
chosen benefit reads them: days for a benefit paid per day, the discharge date when the filing
deadline counts from it, marital status and children's birth dates for a condition on them."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from kongtun.api.models import api_token_create
from kongtun.claims.models import Claim
from kongtun.claims.selectors import benefit_needs
from tests.claims.helpers import approved, paid_up

pytestmark = pytest.mark.django_db

NEW = {"days", "discharge_date", "marital_status", "children_birth_dates"}


def change(data):
    for b in data["benefits"]:
        if b["code"] == "hospital":  # "ภายใน 30 วันนับแต่วันออกจากโรงพยาบาล"
            b["filing_deadline"] = {"days": 30, "counted_from": "discharge", "clause": "11"}
    data["benefits"].append(
        {
            "code": "sick_days",
            "kind": "other",
            "name_th": "ชดเชยรายได้รายวัน",
            "name_en": "Daily allowance",
            "clause": "13",
            "per": "day",
            "amount": 200,
        }
    )
    data["benefits"].append(
        {
            "code": "widow",
            "kind": "other",
            "name_th": "ช่วยเหลือหม้ายที่มีบุตรยังไม่บรรลุนิติภาวะ",
            "name_en": "Widow with a minor child",
            "clause": "14",
            "amount": 1000,
            "conditions": {
                "marital_status": ["widowed"],
                "has_minor_child": True,
                "clause": "14",
            },
        }
    )


@pytest.fixture
def fund(world):
    approved(world.fund_a, change=change)
    for m in world.members_a:
        paid_up(m)
    return world.fund_a


def shown(page: str) -> set[str]:
    return {
        name
        for name, attrs in re.findall(r'<div data-field="(\w+)"([^>]*)>', page)
        if "hidden" not in attrs
    }


def test_each_benefit_asks_for_the_new_details_it_reads(fund):
    need = benefit_needs(fund=fund)
    assert need["sick_days"] & NEW == {"days"}
    assert need["hospital"] & NEW == {"discharge_date"} and "nights" in need["hospital"]
    assert need["widow"] & NEW == {"marital_status", "children_birth_dates"}
    for code in ("funeral", "birth", "outpatient"):
        assert not need[code] & NEW, code


@pytest.mark.parametrize(
    ("benefit", "asked"),
    [
        ("sick_days", {"days"}),
        ("hospital", {"discharge_date"}),
        ("widow", {"marital_status", "children_birth_dates"}),
        ("funeral", set()),
    ],
)
def test_the_page_shows_only_what_the_benefit_reads(fund, world, client, benefit, asked):
    client.force_login(world.chair_a)
    page = client.get(f"/f/{fund.pk}/claims/new/?benefit={benefit}").content.decode()
    assert shown(page) & NEW == asked


def file(client, fund, member, **fields):
    data = {"member_number": member.number, "relative": "self", "file": "1", **fields}
    return client.post(f"/f/{fund.pk}/claims/new/", data)


def test_a_per_day_benefit_is_paid_for_the_days_given(fund, world, client):
    client.force_login(world.chair_a)
    day = timezone.localdate() - dt.timedelta(days=3)
    response = file(
        client, fund, world.members_a[0], benefit="sick_days", event_date=day.isoformat(), days="4"
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    claim = Claim.objects.get()
    assert claim.amount_computed == Decimal("800.00") and claim.units == 4
    assert claim.details == {"days": 4}


def test_a_per_day_benefit_without_days_names_the_field(fund, world, client):
    client.force_login(world.chair_a)
    day = timezone.localdate() - dt.timedelta(days=3)
    response = file(client, fund, world.members_a[0], benefit="sick_days", event_date=str(day))
    assert response.status_code == 400
    assert "days" in response.context["form"].errors
    assert not Claim.objects.exists()


def test_the_discharge_date_keeps_a_long_stay_within_the_deadline(fund, world, client):
    client.force_login(world.chair_a)
    today = timezone.localdate()
    admitted = today - dt.timedelta(days=50)  # 50 days ago: late if counted from admission
    response = file(
        client,
        fund,
        world.members_a[0],
        benefit="hospital",
        event_date=str(admitted),
        nights="2",
        discharge_date=str(today - dt.timedelta(days=5)),
        days="9",  # not asked for a stay: dropped
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    claim = Claim.objects.get()
    assert claim.eligible is True
    assert claim.details == {"nights": 2, "discharge_date": str(today - dt.timedelta(days=5))}
    deadline = next(s for s in claim.trace if s["code"] == "filing_deadline")
    assert deadline["ok"] and deadline["params"]["counted_from"] == "discharge"


def test_a_stay_without_its_discharge_date_names_the_field(fund, world, client):
    client.force_login(world.chair_a)
    admitted = timezone.localdate() - dt.timedelta(days=10)
    response = file(
        client, fund, world.members_a[0], benefit="hospital", event_date=str(admitted), nights="2"
    )
    assert response.status_code == 400
    assert "discharge_date" in response.context["form"].errors
    assert not Claim.objects.exists()


def test_marital_status_and_childrens_birth_dates_answer_the_condition(fund, world, client):
    client.force_login(world.chair_a)
    day = timezone.localdate() - dt.timedelta(days=3)
    minor = (timezone.localdate() - dt.timedelta(days=365 * 8)).isoformat()
    response = file(
        client,
        fund,
        world.members_a[0],
        benefit="widow",
        event_date=str(day),
        marital_status="widowed",
        children_birth_dates=f"1980-01-01, {minor}",
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    claim = Claim.objects.get()
    assert claim.eligible is True and claim.amount_computed == Decimal("1000.00")
    assert claim.details["marital_status"] == "widowed"
    assert claim.details["children_birth_dates"] == ["1980-01-01", minor]


def test_a_bad_childs_birth_date_is_named_by_its_place(fund, world, client):
    client.force_login(world.chair_a)
    day = timezone.localdate() - dt.timedelta(days=3)
    response = file(
        client,
        fund,
        world.members_a[0],
        benefit="widow",
        event_date=str(day),
        marital_status="widowed",
        children_birth_dates="1980-01-01\nnot a date",
    )
    assert response.status_code == 400
    [error] = response.context["form"].errors["children_birth_dates"]
    assert "2" in error and "not a date" in error
    assert not Claim.objects.exists()


def auth(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, name='t')}"}


def test_the_api_carries_the_new_details(fund, world, client):
    url = f"/api/v1/funds/{fund.pk}/claims"
    day = str(timezone.localdate() - dt.timedelta(days=3))
    m = world.members_a[0]
    answer = client.post(
        f"{url}/decide",
        {"member_id": m.pk, "benefit": "sick_days", "event_date": day, "days": 3},
        content_type="application/json",
        **auth(world.chair_a),
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["amount"] == "600.00"
    widow = {"member_id": m.pk, "benefit": "widow", "event_date": day}
    refused = client.post(
        f"{url}/decide",
        {**widow, "marital_status": "married", "children_birth_dates": ["2020-02-02"]},
        content_type="application/json",
        **auth(world.chair_a),
    )
    assert refused.status_code == 200 and refused.json()["eligible"] is False
    missing = client.post(
        f"{url}/decide",
        {**widow, "marital_status": "widowed"},
        content_type="application/json",
        **auth(world.chair_a),
    )
    assert missing.status_code == 400 and "children_birth_dates" in missing.json()["errors"]
    bad = client.post(
        url,
        {"member_id": m.pk, "benefit": "widow", "event_date": day, "marital_status": "engaged"},
        content_type="application/json",
        **auth(world.chair_a),
    )
    assert bad.status_code == 400 and "marital_status" in bad.json()["errors"]
    filed = client.post(
        url,
        {
            "member_id": m.pk,
            "benefit": "widow",
            "event_date": day,
            "marital_status": "widowed",
            "children_birth_dates": ["2020-02-02"],
        },
        content_type="application/json",
        **auth(world.chair_a),
    )
    assert filed.status_code in (200, 201), filed.content
    assert Claim.objects.get().eligible is True

"""The JSON API: same rules as the pages, errors naming the field, an OpenAPI document."""

from __future__ import annotations

import pytest

from kongtun.api.models import api_token_create
from kongtun.members.models import Member, PersonalDataAccess
from tests.conftest import make_nid

pytestmark = pytest.mark.django_db


@pytest.fixture
def bearer(world):
    def _for(user) -> dict:
        return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, name='t')}"}

    return _for


def _payload(**kw) -> dict:
    body = {
        "title": "นาย",
        "first_name": "สมชาย",
        "last_name": "ใจงาม",
        "national_id": make_nid("310170023200"),
        "birth_date": "1968-02-29",
        "sex": "M",
        "village_number": 2,
        "occupation": "farmer",
        "join_date": "2018-07-01",
        "beneficiaries": [{"name": "สมหญิง ใจงาม", "relationship": "คู่สมรส", "share_percent": "100"}],
    }
    body.update(kw)
    return body


def test_openapi_document_is_served_and_names_the_member_endpoints(client):
    doc = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/funds/{fund_id}/members" in doc["paths"]
    docs_page = client.get("/api/v1/docs").content.decode()
    assert "cdn." not in docs_page  # offline: scripts come from the installed package


def test_register_list_and_read_a_member(world, client, bearer):
    auth = bearer(world.chair_a)
    url = f"/api/v1/funds/{world.fund_a.pk}/members"
    created = client.post(url, _payload(), content_type="application/json", **auth)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["national_id"] is None and body["national_id_masked"].endswith(
        body["national_id_masked"][-4:]
    )
    listing = client.get(url, {"q": "สมชาย"}, **auth).json()
    assert [m["number"] for m in listing["results"]] == [body["number"]]
    detail = client.get(f"{url}/{body['id']}", {"reveal": "true"}, **auth).json()
    assert detail["national_id"] == _payload()["national_id"]
    revealed = PersonalDataAccess.objects.filter(
        items__member_id=body["id"], items__kind="national_id", user=world.chair_a
    )
    assert revealed.count() == 1


def test_bad_input_names_the_field_in_the_callers_language_and_saves_nothing(world, client, bearer):
    auth = bearer(world.chair_a)
    before = Member.objects.count()
    url = f"/api/v1/funds/{world.fund_a.pk}/members"
    response = client.post(
        url,
        _payload(national_id="3101700232001", join_date="2001-01-01"),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
        **auth,
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"national_id", "join_date"}
    assert "founded" in errors["join_date"][0]
    assert Member.objects.count() == before


def test_treasurer_cannot_see_full_ids_and_member_login_only_itself(world, client, bearer):
    url = f"/api/v1/funds/{world.fund_a.pk}/members/{world.members_a[1].pk}"
    treasurer = client.get(url, {"reveal": "true"}, **bearer(world.treasurer_a)).json()
    assert treasurer["national_id"] is None
    member_auth = bearer(world.member_login_a)
    assert client.get(url, **member_auth).status_code == 404
    own = client.get(
        f"/api/v1/funds/{world.fund_a.pk}/members/{world.members_a[0].pk}", **member_auth
    )
    assert own.status_code == 200
    assert client.get(f"/api/v1/funds/{world.fund_a.pk}/members", **member_auth).status_code == 403


def test_status_change_through_the_api(world, client, bearer):
    url = f"/api/v1/funds/{world.fund_a.pk}/members/{world.members_a[1].pk}/status"
    ok = client.post(
        url,
        {"status": "resigned", "effective_date": "2024-01-31", "reason": "ย้ายบ้าน"},
        content_type="application/json",
        **bearer(world.chair_a),
    )
    assert ok.status_code == 201
    assert ok.json()["status"] == "resigned"
    assert ok.json()["status_history"][-1]["reason"] == "ย้ายบ้าน"


def test_revoked_or_unknown_tokens_are_refused(world, client):
    assert client.get("/api/v1/funds", HTTP_AUTHORIZATION="Bearer nope").status_code == 401


def test_a_retried_write_with_an_idempotency_key_registers_the_member_once(world, client, bearer):
    auth = bearer(world.chair_a)
    url = f"/api/v1/funds/{world.fund_a.pk}/members"
    before = Member.objects.filter(fund=world.fund_a).count()
    first = client.post(
        url, _payload(), content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1", **auth
    )
    again = client.post(
        url, _payload(), content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1", **auth
    )
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert Member.objects.filter(fund=world.fund_a).count() == before + 1
    # the same key for another body is refused, and writes nothing
    other = client.post(
        url,
        _payload(first_name="สมปอง", national_id=make_nid("310170023201")),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k-1",
        **auth,
    )
    assert other.status_code == 400 and other.json()["detail"] == "validation_error"
    assert Member.objects.filter(fund=world.fund_a).count() == before + 1
    # without a key, each call is its own write (the national ID then refuses the second)
    assert "Idempotency-Key" in client.get("/api/v1/openapi.json").content.decode()

"""Claims over the JSON API: the pages' access rules (another fund's claims unreadable and
unwritable, a coordinator sees no person, a member only their own), idempotent filing, the
engine's decision without filing, and bad input named by its field."""

from __future__ import annotations

import pytest

from kongtun.api.models import api_token_create
from kongtun.claims.models import Claim, ClaimEvidence
from kongtun.members.models import PersonalDataAccessItem
from tests.claims.helpers import approved, paid_up

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(world):
    approved(world.fund_a)
    approved(world.fund_b)
    for m in world.members_a + world.members_b:
        paid_up(m)
    return world


def auth(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, name='t')}"}


def body(member, **kw) -> dict:
    data = {
        "member_id": member.pk,
        "benefit": "hospital",
        "event_date": "2024-05-01",
        "nights": 3,
        "evidence": [{"requirement": "hospital_certificate", "description": "ใบรับรองแพทย์"}],
    }
    data.update(kw)
    return data


def post(client, url, data, user, **headers):
    return client.post(url, data, content_type="application/json", **auth(user), **headers)


def test_the_committee_files_reads_and_lists_a_claim_with_its_evidence(setup, client):
    w = setup
    url = f"/api/v1/funds/{w.fund_a.pk}/claims"
    made = post(client, url, body(w.members_a[1]), w.chair_a)
    assert made.status_code == 201, made.content
    claim = made.json()
    assert claim["eligible"] is True and claim["amount_computed"] == "300.00"
    assert claim["evidence"][0]["requirement"] == "hospital_certificate"
    assert claim["evidence"][0]["on_paper"] is True and claim["evidence_missing"] == []
    assert any(s["code"] == "arrears" and s["ok"] for s in claim["trace"])
    got = client.get(f"{url}/{claim['id']}", **auth(w.chair_a)).json()
    assert got["number"] == claim["number"] and got["approvals"] == []
    listed = client.get(url, **auth(w.chair_a)).json()
    assert [c["id"] for c in listed["results"]] == [claim["id"]]
    assert client.get(f"{url}/{claim['id']}/approvals", **auth(w.chair_a)).json() == []
    # every look at the claim is in the personal-data access log
    assert PersonalDataAccessItem.objects.filter(
        member=w.members_a[1], kind="health", access__user=w.chair_a
    ).exists()


def test_the_same_key_files_one_claim_and_answers_the_same(setup, client):
    w = setup
    url = f"/api/v1/funds/{w.fund_a.pk}/claims"
    first = post(client, url, body(w.members_a[1]), w.chair_a, HTTP_IDEMPOTENCY_KEY="c-1")
    again = post(client, url, body(w.members_a[1]), w.chair_a, HTTP_IDEMPOTENCY_KEY="c-1")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert Claim.objects.filter(fund=w.fund_a).count() == 1
    other = post(client, url, body(w.members_a[1], nights=4), w.chair_a, HTTP_IDEMPOTENCY_KEY="c-1")
    assert other.status_code == 400 and other.json()["detail"] == "validation_error"
    assert Claim.objects.filter(fund=w.fund_a).count() == 1


def test_another_funds_claims_cannot_be_read_or_written(setup, client):
    w = setup
    mine = post(client, f"/api/v1/funds/{w.fund_a.pk}/claims", body(w.members_a[1]), w.chair_a)
    claim_id = mine.json()["id"]
    a = f"/api/v1/funds/{w.fund_a.pk}/claims"
    b = f"/api/v1/funds/{w.fund_b.pk}/claims"
    assert client.get(a, **auth(w.chair_b)).status_code == 404
    assert client.get(f"{a}/{claim_id}", **auth(w.chair_b)).status_code == 404
    assert client.get(f"{b}/{claim_id}", **auth(w.chair_b)).status_code == 404
    assert post(client, a, body(w.members_a[1]), w.chair_b).status_code == 404
    # fund B's chair naming fund A's member in fund B: no such member there
    wrong = post(client, b, body(w.members_a[1]), w.chair_b)
    assert wrong.status_code == 400 and "member_id" in wrong.json()["errors"]
    assert post(client, f"{a}/decide", body(w.members_a[1]), w.chair_b).status_code == 404
    assert Claim.objects.count() == 1


def test_a_coordinator_sees_no_persons_claims(setup, client):
    w = setup
    made = post(client, f"/api/v1/funds/{w.fund_a.pk}/claims", body(w.members_a[1]), w.chair_a)
    url = f"/api/v1/funds/{w.fund_a.pk}/claims"
    assert client.get(url, **auth(w.coordinator)).status_code == 403
    assert client.get(f"{url}/{made.json()['id']}", **auth(w.coordinator)).status_code == 403
    assert post(client, f"{url}/decide", body(w.members_a[1]), w.coordinator).status_code == 403
    assert post(client, url, body(w.members_a[1]), w.coordinator).status_code == 403


def test_a_member_reads_only_their_own_claims(setup, client):
    w = setup
    url = f"/api/v1/funds/{w.fund_a.pk}/claims"
    other = post(client, url, body(w.members_a[1]), w.chair_a).json()
    own = post(client, url, body(w.members_a[0], evidence=[]), w.member_login_a)
    assert own.status_code == 201, own.content
    listed = client.get(url, **auth(w.member_login_a)).json()
    assert [c["id"] for c in listed["results"]] == [own.json()["id"]]
    assert client.get(f"{url}/{other['id']}", **auth(w.member_login_a)).status_code == 404
    assert post(client, url, body(w.members_a[1], evidence=[]), w.member_login_a).status_code == 403


def test_a_decision_without_filing(setup, client):
    w = setup
    url = f"/api/v1/funds/{w.fund_a.pk}/claims/decide"
    answer = post(client, url, body(w.members_a[1], nights=2), w.chair_a)
    assert answer.status_code == 200, answer.content
    d = answer.json()
    assert d["eligible"] is True and d["amount"] == "200.00" and d["units"] == 2
    assert d["trace"] and all(s["text"] for s in d["trace"])
    assert d["evidence_required"][0]["code"] == "hospital_certificate"
    assert not Claim.objects.exists() and not ClaimEvidence.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"event_date": "2099-01-01"}, "event_date"),
        ({"member_id": 999999}, "member_id"),
        ({"nights": 0}, "nights"),
        ({"benefit": "no_such"}, "benefit"),
        ({"evidence": [{"requirement": "no_such_paper"}]}, "evidence[0].requirement"),
    ],
)
def test_bad_input_is_refused_naming_the_field(setup, client, change, field):
    w = setup
    url = f"/api/v1/funds/{w.fund_a.pk}/claims"
    answer = post(client, url, body(w.members_a[1], **change), w.chair_a)
    assert answer.status_code == 400, answer.content
    assert field in answer.json()["errors"]
    assert not Claim.objects.exists()


def test_a_value_of_the_wrong_type_names_the_field(setup, client):
    w = setup
    url = f"/api/v1/funds/{w.fund_a.pk}/claims"
    answer = post(client, url, body(w.members_a[1], event_date="yesterday"), w.chair_a)
    assert answer.status_code in (400, 422)
    assert "event_date" in answer.content.decode()


def test_the_openapi_document_names_the_claim_endpoints(client):
    doc = client.get("/api/v1/openapi.json").json()
    paths = doc["paths"]
    assert "/api/v1/funds/{fund_id}/claims" in paths
    assert "post" in paths["/api/v1/funds/{fund_id}/claims/decide"]
    params = [p["name"] for p in paths["/api/v1/funds/{fund_id}/claims"]["post"]["parameters"]]
    assert "Idempotency-Key" in params

"""The API's doors: a bearer token writes without CSRF, a browser session keeps CSRF; tokens
expire, can be revoked and listed by their owner, and their last use is recorded."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from kongtun.api.models import ApiToken, api_token_create
from kongtun.members.models import Member
from tests.test_api import _payload

pytestmark = pytest.mark.django_db


@pytest.fixture
def csrf_client() -> Client:
    """Unlike Django's default test client, checks CSRF as a browser's request is checked."""
    return Client(enforce_csrf_checks=True)


def members_url(world) -> str:
    return f"/api/v1/funds/{world.fund_a.pk}/members"


def test_a_bearer_token_writes_without_a_csrf_token(world, csrf_client):
    token = api_token_create(user=world.chair_a, name="app")
    response = csrf_client.post(
        members_url(world),
        _payload(),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 201, response.content
    number = response.json()["number"]
    assert Member.objects.filter(fund=world.fund_a, number=number).exists()
    # the status change too
    member_id = response.json()["id"]
    changed = csrf_client.post(
        f"{members_url(world)}/{member_id}/status",
        {"status": "resigned", "effective_date": "2026-11-01", "reason": "ย้ายบ้าน"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert changed.status_code == 201, changed.content


def test_a_browser_session_still_needs_the_csrf_token(world, csrf_client):
    csrf_client.force_login(world.chair_a)
    before = Member.objects.count()
    refused = csrf_client.post(members_url(world), _payload(), content_type="application/json")
    assert refused.status_code == 403
    assert Member.objects.count() == before
    # with the token a page would carry, the same write is accepted
    csrf_client.get("/accounts/tokens/")  # a page with a form sets the csrftoken cookie
    token = csrf_client.cookies["csrftoken"].value
    accepted = csrf_client.post(
        members_url(world), _payload(), content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert accepted.status_code == 201, accepted.content


def test_a_session_with_a_bearer_header_of_another_kind_keeps_csrf(world, csrf_client):
    """A cross-site form cannot add Authorization; a request that authenticates only by the
    cookie is checked, whatever else it carries."""
    csrf_client.force_login(world.chair_a)
    refused = csrf_client.post(
        members_url(world),
        _payload(),
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer not-a-token",
    )
    assert refused.status_code == 403


def test_without_any_login_a_write_is_unauthorised_not_a_csrf_error(world, csrf_client):
    response = csrf_client.post(members_url(world), _payload(), content_type="application/json")
    assert response.status_code == 401


def test_tokens_expire_and_revoke(world, client):
    soon = timezone.now() + dt.timedelta(days=1)
    token = api_token_create(user=world.chair_a, name="short", expires_at=soon)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert client.get("/api/v1/funds", **auth).status_code == 200
    row = ApiToken.objects.get(name="short")
    assert row.last_used_at is not None
    with time_machine.travel(soon + dt.timedelta(seconds=1)):
        assert client.get("/api/v1/funds", **auth).status_code == 401
    # revoked on the owner's page
    client.force_login(world.chair_a)
    page = client.get("/accounts/tokens/")
    assert page.status_code == 200 and "short" in page.content.decode()
    client.post("/accounts/tokens/", {"revoke": str(row.pk)})
    row.refresh_from_db()
    assert row.revoked_at is not None
    client.logout()
    assert client.get("/api/v1/funds", **auth).status_code == 401


def test_the_tokens_page_lists_only_ones_own_and_revokes_only_ones_own(world, client):
    api_token_create(user=world.chair_b, name="someone-elses")
    other = ApiToken.objects.get(name="someone-elses")
    client.force_login(world.chair_a)
    page = client.get("/accounts/tokens/").content.decode()
    assert "someone-elses" not in page
    client.post("/accounts/tokens/", {"revoke": str(other.pk)})
    other.refresh_from_db()
    assert other.revoked_at is None


def test_the_tokens_page_creates_a_token_shown_once_with_an_expiry(world, client):
    client.force_login(world.chair_a)
    client.cookies["django_language"] = "en"
    last_day = timezone.localdate() + dt.timedelta(days=30)
    response = client.post(
        "/accounts/tokens/", {"name": "phone", "expires_on": last_day.isoformat(), "create": "1"}
    )
    assert response.status_code == 200
    token = response.context["shown"]
    assert token and token in response.content.decode()
    row = ApiToken.objects.get(name="phone")
    assert row.valid_until == last_day
    assert client.get("/accounts/tokens/").content.decode().count(token) == 0
    # a year at most
    too_far = timezone.localdate() + dt.timedelta(days=400)
    refused = client.post(
        "/accounts/tokens/", {"name": "x", "expires_on": too_far.isoformat(), "create": "1"}
    )
    assert "At most a year" in refused.content.decode()
    assert not ApiToken.objects.filter(name="x").exists()


def test_the_command_gives_a_token_an_expiry(world):
    out = io.StringIO()
    call_command("api_token_create", "chair_a", "--name", "cron", "--expires", "7", stdout=out)
    row = ApiToken.objects.get(name="cron")
    assert row.valid_until == timezone.localdate() + dt.timedelta(days=6)
    assert len(out.getvalue().strip()) > 30


def test_a_body_that_is_not_json_gets_the_documented_400(world, client):
    """Found by the fuzz run (tests/test_api_fuzz.py): ninja's own 400 lacked ``errors``."""
    token = api_token_create(user=world.chair_a, name="app")
    response = client.post(
        members_url(world),
        b"\xd8\x84]vX",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 400
    assert response.json()["errors"]["__all__"]

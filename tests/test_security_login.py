"""Login throttling: after too many wrong passwords for one login name or from one address,
even the right password is refused for a while, with a Thai page saying so; an administrator
can unlock early."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def attempt(client: Client, username: str, password: str, address: str = "10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_eleven_wrong_passwords_then_the_right_one_is_refused_in_thai(world, client):
    assert settings.AXES_FAILURE_LIMIT <= 10
    for _ in range(11):
        attempt(client, "chair_a", "wrong-password")
    response = attempt(client, "chair_a", PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert "ระงับการเข้าสู่ระบบชั่วคราว" in page
    assert f"{settings.AXES_FAILURE_LIMIT} ครั้ง" in page
    assert not logged_in(client)


def test_the_account_is_locked_from_every_address(world):
    first = Client()
    for i in range(settings.AXES_FAILURE_LIMIT):
        attempt(first, "chair_a", f"wrong-{i}", address="10.0.0.1")
    other = Client()
    assert attempt(other, "chair_a", PASSWORD, address="10.9.9.9").status_code == 429
    assert not logged_in(other)
    # another login from a fresh address is not affected
    assert attempt(other, "chair_b", PASSWORD, address="10.9.9.9").status_code == 302
    assert logged_in(other)


def test_one_address_guessing_many_accounts_is_locked(world):
    guesser = Client()
    for i in range(settings.AXES_FAILURE_LIMIT):
        attempt(guesser, f"user{i}", "password1", address="10.0.0.7")
    response = attempt(guesser, "chair_b", PASSWORD, address="10.0.0.7")
    assert response.status_code == 429
    assert not logged_in(guesser)


def test_a_few_mistakes_do_not_lock_and_a_success_clears_them(world, client):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, "chair_a", "wrong")
    assert attempt(client, "chair_a", PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, "chair_a", "wrong")
    assert attempt(client, "chair_a", PASSWORD).status_code == 302


def test_the_lock_ends_after_the_cool_off_or_when_an_administrator_unlocks(world, client):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "chair_a", "wrong")
    assert attempt(client, "chair_a", PASSWORD).status_code == 429
    later = timezone.now() + dt.timedelta(hours=settings.AXES_COOLOFF_TIME, minutes=1)
    with time_machine.travel(later, tick=False):
        assert attempt(Client(), "chair_a", PASSWORD, address="10.0.0.2").status_code == 302
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "chair_a", "wrong")
    assert attempt(client, "chair_a", PASSWORD).status_code == 429
    call_command("axes_reset_username", "chair_a", stdout=io.StringIO())
    call_command("axes_reset_ip", "10.0.0.1", stdout=io.StringIO())
    assert attempt(client, "chair_a", PASSWORD).status_code == 302

"""Shared fixtures: two funds (A and B) built through the services, with users in each."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model

from kongtun.funds.models import Role
from kongtun.funds.services import AreaInput, FundInput, fund_create, role_grant
from kongtun.members.services import BeneficiaryInput, MemberInput, member_create

# The browser tests (tests/e2e) run only through `make e2e`, which sets KONGTUN_E2E=1.
collect_ignore = [] if os.environ.get("KONGTUN_E2E") == "1" else ["e2e"]

_DB_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
    "live_server",
}


def pytest_collection_modifyitems(config, items):
    """With KONGTUN_DB_TESTS_ONLY=1 (CI's second run, on PostgreSQL) keep only the tests that
    use a database: a test that never opens one (the pure regulation engine, the projection's
    numpy kernel, parsers) cannot behave differently on another database, and has already
    run on SQLite in the same CI."""
    if os.environ.get("KONGTUN_DB_TESTS_ONLY") != "1":
        return
    keep, drop = [], []
    for item in items:
        uses_db = item.get_closest_marker("django_db") is not None or bool(
            _DB_FIXTURES & set(getattr(item, "fixturenames", ()))
        )
        (keep if uses_db else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


TODAY = dt.date(2026, 11, 25)
PASSWORD = "test-pass-123"


@pytest.fixture(autouse=True)
def _clock_on_today():
    """Every test runs on TODAY, from noon in Bangkok, the clock still ticking: what services
    stamp from the clock (approvals, receipts, closes) agrees with the fixed TODAY the tests
    pass them, whatever the hour or the day the suite runs."""
    noon = dt.datetime.combine(TODAY, dt.time(12), tzinfo=ZoneInfo("Asia/Bangkok"))
    with time_machine.travel(noon, tick=True):
        yield


@pytest.fixture(autouse=True)
def _thai_first():
    """Every test starts in the default language: a request another test sent in English
    (cookie or Accept-Language) leaves English active in the worker's thread otherwise, and a
    service's message would then depend on which tests ran before on that worker."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


# Valid Thai national IDs (check digit computed by the standard mod-11 rule).
def make_nid(body12: str) -> str:
    check = (11 - sum(int(d) * (13 - i) for i, d in enumerate(body12)) % 11) % 10
    return body12 + str(check)


@pytest.fixture(autouse=True)
def _empty_cache():
    """The public page caches its figures by the fund's chain head: each test starts empty
    (ids and heads repeat between tests)."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """PBKDF2 costs ~0.3 s a user; tests only need passwords to work."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def make_user(db):
    def _make(username: str, **extra) -> object:
        user = get_user_model().objects.create_user(username=username, password=PASSWORD, **extra)
        return user

    return _make


def _fund(short: str, name: str, sub: str, village_count: int = 3):
    return fund_create(
        data=FundInput(
            name_th=name,
            short_code=short,
            province_code="51",
            district=AreaInput("5107", "บ้านธิ"),
            subdistrict=AreaInput(sub, "ทดสอบ" + short),
            founded_on=dt.date(2009, 6, 1),
            conceptual_bases=["economics"],
            village_count=village_count,
        ),
        actor=None,
        today=TODAY,
    )


def member_input(fund, *, nid: str, first: str = "สมศรี", last: str = "ใจดี", **kw) -> MemberInput:
    village = fund.villages.order_by("number").first()
    occupation = fund.occupation_groups.get(code="farmer")
    data = dict(
        title="นาง",
        first_name=first,
        last_name=last,
        national_id=nid,
        birth_date=dt.date(1970, 5, 17),
        sex="F",
        village_id=village.pk,
        occupation_id=occupation.pk,
        join_date=dt.date(2015, 3, 1),
        beneficiaries=[BeneficiaryInput("สมชาย ใจดี", "คู่สมรส", Decimal("100"))],
    )
    data.update(kw)
    return MemberInput(**data)


class World:
    """Fund A and fund B, each with a chair, treasurer, member login and a few members."""

    def __init__(self, make_user) -> None:
        self.fund_a = _fund("FUNDA", "กองทุนเอ", "510701")
        self.fund_b = _fund("FUNDB", "กองทุนบี", "510702")
        self.members_a = [
            member_create(
                fund=self.fund_a,
                data=member_input(self.fund_a, nid=make_nid(f"31017002307{i}"), first=f"สมศรี{i}"),
                actor=None,
                today=TODAY,
            )
            for i in range(3)
        ]
        self.members_b = [
            member_create(
                fund=self.fund_b,
                data=member_input(self.fund_b, nid=make_nid(f"11017002307{i}"), first=f"บุญมี{i}"),
                actor=None,
                today=TODAY,
            )
            for i in range(3)
        ]
        self.chair_a = make_user("chair_a")
        self.chair_b = make_user("chair_b")
        self.treasurer_a = make_user("treasurer_a")
        self.member_login_a = make_user("member_a")
        self.coordinator = make_user("coord")
        role_grant(fund=self.fund_a, user=self.chair_a, role=Role.CHAIR, actor=None)
        role_grant(fund=self.fund_b, user=self.chair_b, role=Role.CHAIR, actor=None)
        role_grant(fund=self.fund_a, user=self.treasurer_a, role=Role.TREASURER, actor=None)
        role_grant(fund=self.fund_a, user=self.coordinator, role=Role.COORDINATOR, actor=None)
        role_grant(
            fund=self.fund_a,
            user=self.member_login_a,
            role=Role.MEMBER,
            actor=None,
            member_id=self.members_a[0].pk,
        )


@pytest.fixture
def world(db, make_user) -> World:
    return World(make_user)


@pytest.fixture
def login(client):
    def _login(user) -> object:
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def books_flushable(transactional_db):
    """For transactional tests: lets Django's flush empty the append-only books afterwards
    (the triggers come back through post_migrate, which the flush emits)."""
    yield
    from django.db import connection

    from kongtun.ledger.triggers import uninstall_on

    uninstall_on(connection)

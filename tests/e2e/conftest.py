"""Browser tests (``make e2e``): Debian's Chromium driven by Playwright against a live server.

Not part of ``make test``: ``tests/conftest.py`` leaves this folder out unless ``KONGTUN_E2E=1``
(the Makefile's ``e2e`` target sets it). Without Playwright or Chromium every test here is
skipped with the reason.

What the fixtures give:

- ``e2e_fund``: a small fund (60 members with Thai names, numbers ``VV-SSSS``, a monthly plan
  of 30 baht each) with a chair, a treasurer, a coordinator and a member login — built through
  the services, seconds not minutes; the books are emptied after each test (``books_flushable``).
- ``open_as(role)``: a logged-in page at 360 × 740, as a phone at the meeting.
- ``network(page)``: ``.latency(ms)``, ``.offline()``, ``.online()`` through the DevTools
  protocol (``Network.emulateNetworkConditions``), as a patchy fund-office router.
- ``axe(page)``: runs axe-core (``node_modules``, from the npm registry by ``npm ci``) and returns
  the serious and critical violations.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test
# (fixtures, read-backs) are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("KONGTUN_CHROMIUM", "/usr/bin/chromium")
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 360, "height": 740}

try:
    from playwright.sync_api import Browser, Page, sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None

BENCH_LINES: list[str] = []  # printed at the end of the run (pytest_terminal_summary)


def _missing() -> str:
    if sync_playwright is None:
        return "Playwright is not installed: run `make e2e` (pip install -r requirements-e2e.txt)"
    if not (shutil.which(CHROMIUM) or Path(CHROMIUM).exists()):
        return f"Chromium not found at {CHROMIUM}: apt-get install chromium"
    return ""


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    reason = _missing()
    if reason:
        for item in items:
            if "tests/e2e" in str(item.fspath):
                item.add_marker(pytest.mark.skip(reason=reason))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    for line in BENCH_LINES:
        terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    reason = _missing()
    if reason:
        pytest.skip(reason)
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield b
        b.close()


@dataclass
class E2EFund:
    fund: Any
    members: list[Any]
    users: dict[str, Any] = field(default_factory=dict)
    url: str = ""

    def path(self, rest: str = "") -> str:
        return f"/f/{self.fund.pk}/{rest}"


# Thai names to type by: a few share a first or last name so a partial name finds several.
FIRST = ["สมศรี", "สมชาย", "บุญมี", "มาลี", "ประเสริฐ", "วันเพ็ญ", "สมหญิง", "ทองดี", "จันทร์เพ็ญ", "สุดใจ"]
LAST = ["ใจดี", "รักษ์ไทย", "มีสุข", "ทองคำ", "ศรีสวัสดิ์", "บุญมา"]


@pytest.fixture
def e2e_fund(live_server, books_flushable, make_user) -> E2EFund:
    """A fund of 60 members in 3 villages, numbered ``{village:02d}-{seq:04d}``, each on the
    30-baht monthly plan since joining in 2015."""
    from kongtun.contributions.services import plan_assign
    from kongtun.funds.models import Role
    from kongtun.funds.services import role_grant
    from kongtun.members.services import member_create
    from tests.conftest import TODAY, _fund, make_nid, member_input

    fund = _fund("E2E", "กองทุนสวัสดิการทดสอบ", "510703")
    fund.member_number_pattern = "{village:02d}-{seq:04d}"
    fund.save(update_fields=["member_number_pattern"])
    villages = list(fund.villages.order_by("number"))
    monthly = fund.contribution_plans.get(months=1)
    members = []
    for i in range(60):
        data = member_input(
            fund,
            nid=make_nid(f"31{i:02d}70023071"),
            first=FIRST[i % len(FIRST)],
            last=LAST[(i // len(FIRST)) % len(LAST)],
            village_id=villages[i % len(villages)].pk,
        )
        m = member_create(fund=fund, data=data, actor=None, today=TODAY)
        plan_assign(member=m, plan=monthly, effective_date=dt.date(2026, 1, 1))
        members.append(m)
    users = {}
    for role, name in [
        (Role.CHAIR, "e2e_chair"),
        (Role.TREASURER, "e2e_treasurer"),
        (Role.COORDINATOR, "e2e_coordinator"),
    ]:
        users[role.value] = user = make_user(name)
        role_grant(fund=fund, user=user, role=role, actor=None)
    users["member"] = make_user("e2e_member")
    role_grant(
        fund=fund, user=users["member"], role=Role.MEMBER, actor=None, member_id=members[0].pk
    )
    return E2EFund(fund=fund, members=members, users=users, url=live_server.url)


@pytest.fixture
def open_as(browser, live_server) -> Iterator[Callable[..., Page]]:
    """``open_as(user, path)``: a page at 360 × 740, logged in as ``user`` (a session made on
    the server, no login form), Thai, at ``live_server.url + path``."""
    from django.conf import settings
    from django.test import Client

    contexts = []

    def _open(user: Any, path: str = "/", **context_args: Any) -> Page:
        client = Client()
        client.force_login(user)
        host = live_server.url.split("//", 1)[1].split(":")[0]
        context = browser.new_context(viewport=PHONE, locale="th-TH", **context_args)
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "domain": host,
                    "path": "/",
                }
            ]
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.goto(live_server.url + path)
        return page

    yield _open
    for c in contexts:
        c.close()


class Network:
    """The page's connection as the DevTools protocol emulates it."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.send("Network.enable")
        self._latency = 0

    def _apply(self, *, offline: bool) -> None:
        self.cdp.send(
            "Network.emulateNetworkConditions",
            {
                "offline": offline,
                "latency": self._latency,
                "downloadThroughput": -1,
                "uploadThroughput": -1,
            },
        )

    def latency(self, ms: int) -> Network:
        """Every request waits ``ms`` milliseconds before its answer starts."""
        self._latency = ms
        self._apply(offline=False)
        return self

    def offline(self) -> None:
        self._apply(offline=True)

    def online(self) -> None:
        self._apply(offline=False)


@pytest.fixture
def network() -> Callable[[Page], Network]:
    return Network


def run_axe(page: Page) -> list[dict]:
    """axe-core's serious and critical violations on the page as it is now."""
    if not AXE_JS.exists():
        pytest.skip("axe-core is not installed: run `make e2e` (npm ci)")
    if not page.evaluate("() => !!window.axe"):
        page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}))"
    )
    return [v for v in result if v["impact"] in ("serious", "critical")]


@pytest.fixture
def axe() -> Callable[[Page], list[dict]]:
    return run_axe

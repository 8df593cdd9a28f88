"""Pages a treasurer reads without help (issue 13): every page each role can reach, rendered.

On a small fund with something on every page (the coordinator scan's fund: receipts, a cancelled
receipt, claims paid and a payment cancelled, a journal voucher and its reversal, money from an
agency, a matching request, a member who left, closed months, a committee, a development process,
a self-assessment round), each role opens every fund route and every link the pages show. A Thai
page fails on a Common-Era year, on an English message left untranslated, or on a technical word
outside the "details for auditors" disclosure; any link shown that answers 403 or 404 fails too
(people are shown only what they may open).
"""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import User

from kongtun.funds.models import Role
from kongtun.funds.services import role_grant
from tests.test_coordinator_scan import SKIP, build_fund, fill_all, fund_objects, report_urls
from tests.test_scoping import FUND_ROUTE, routes

pytestmark = pytest.mark.django_db

#: A Gregorian year standing alone: not part of an amount (1,950.00), a number (12026) or a code.
CE_YEAR = re.compile(
    r"(?<![\dA-Za-z,./:\-])(19\d\d|20\d\d)(?![\dA-Za-z,]|\.\d)"
)  # not inside a code or a hash
#: Two English words in a row: a message the Thai catalog does not translate.
ENGLISH = re.compile(r"\b[A-Za-z][a-z]+(?:[ -][A-Za-z][a-z]+)+\b")
#: Words a treasurer should not meet outside the auditors' disclosure.
JARGON = re.compile(
    r"SHA-?256|Merkle|\bseed\b|\bhash|HMAC|\{village|\{seq|YAML|\bmaster\b|\bJSON\b"
    r"|\b[a-z]+_[a-z_]+\b",
    re.IGNORECASE,
)
#: English a Thai page may show: the brand on the language switch, file kinds, units.
ENGLISH_OK = re.compile(r"^(EN|PDF|XLSX|CSV|QR|ID|OK|API)$|^x+(-x+)+$")


class _Text(HTMLParser):
    """Text nodes a person reads: not scripts, styles or attributes, not what sits inside
    ``<details class="for-auditor">`` (technical detail, shown on request), and not text
    marked ``lang="en"`` (the English original shown beside the Thai on purpose)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self.lang = ""
        self._skip: list[str] = []  # open tags whose text is not checked
        self._depth: dict[str, int] = {}

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attr = dict(attrs)
        if tag == "html":
            self.lang = attr.get("lang") or ""
        if tag == "a" and attr.get("href"):
            self.links.append(attr["href"])
        classes = (attr.get("class") or "").split()
        english = (attr.get("lang") or "").startswith("en")  # English on purpose, marked so
        if (
            tag in ("script", "style", "textarea")
            or (tag == "details" and "for-auditor" in classes)
            or (english and tag != "html")
        ):
            self._skip.append(tag)
            self._depth[tag] = 0
        elif self._skip and tag == self._skip[-1]:
            self._depth[tag] += 1

    def handle_endtag(self, tag: str) -> None:
        if self._skip and tag == self._skip[-1]:
            if self._depth[tag]:
                self._depth[tag] -= 1
            else:
                self._skip.pop()

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.parts.append(" ".join(data.split()))


def read(html: str) -> _Text:
    parser = _Text()
    parser.feed(html)
    return parser


def problems(text: _Text, names: re.Pattern) -> list[str]:
    """Login names are people's own words (``chair_a``): not checked."""
    out = []
    for part in text.parts:
        part = names.sub("", part)
        for m in CE_YEAR.finditer(part):
            out.append(f"Common-Era year {m[0]!r} in {part[:80]!r}")
        for m in JARGON.finditer(part):
            out.append(f"technical word {m[0]!r} in {part[:80]!r}")
        for m in ENGLISH.finditer(part):
            if not ENGLISH_OK.match(m[0]):
                out.append(f"English {m[0]!r} in {part[:80]!r}")
    return out


EXPORT = re.compile(r"format=(pdf|xlsx|csv)|\.(pdf|xlsx|csv|png|json)(\?|$)|/(pdf|xlsx|csv)/")


def crawl(client, fund, start: list[str], limit: int = 1500) -> tuple[dict, dict]:
    names = re.compile(
        "|".join(re.escape(u) for u in User.objects.values_list("username", flat=True))
    )
    """Opens the start URLs (any answer) and every link shown on a page (which must open).
    Returns (url → problems of the Thai page, link → (status, page that showed it))."""
    allowed = (f"/f/{fund.pk}/", f"/p/{fund.short_code}/")
    found: dict[str, list[str]] = {}
    broken: dict[str, tuple[int, str]] = {}
    seen: dict[str, int] = {}  # url → status
    shapes: dict[str, int] = {}
    queue: deque[tuple[str, str | None]] = deque((url, None) for url in start)
    while queue and len(seen) < limit:
        url, shown_on = queue.popleft()
        if url in seen or SKIP.search(url):
            continue
        path, _, query = url.partition("?")
        keys = sorted(k.split("=", 1)[0] for k in query.split("&") if k)
        shape = re.sub(r"\d+", "N", path) + "?" + "&".join(keys)
        if shown_on is not None:
            shapes[shape] = shapes.get(shape, 0) + 1
            if shapes[shape] > 3:
                continue
        response = client.get(url)
        seen[url] = response.status_code
        if shown_on is not None and response.status_code in (403, 404):
            broken[url] = (response.status_code, shown_on)
        if response.status_code != 200:
            continue
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        text = read(response.content.decode())
        if text.lang == "th" and (bad := problems(text, names)):
            found[url] = bad
        for link in text.links:
            link = link.split("#", 1)[0]
            if link.startswith("?"):
                link = url.split("?", 1)[0] + link
            if not (link.startswith(allowed) or link in ("/", "/accounts/tokens/")):
                continue
            if link not in seen:
                queue.append((link, url))
            elif seen[link] in (403, 404):
                broken.setdefault(link, (seen[link], url))
    return found, broken


ROLES = ["chair", "treasurer", "auditor", "member", "coordinator"]


@pytest.fixture
def built(world, make_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    built = build_fund(world, make_user)
    # The development sample is a row only; the crawl follows its link, so the file exists.
    sample = settings.MEDIA_ROOT / "development" / str(built.fund.pk) / "sample.txt"
    sample.parent.mkdir(parents=True)
    sample.write_text("บันทึกการประชุม", encoding="utf-8")
    return built


def _user(role: str, world, make_user):
    if role == "auditor":
        user = make_user("auditor_a")
        role_grant(fund=world.fund_a, user=user, role=Role.AUDITOR, actor=None)
        return user
    return {
        "chair": world.chair_a,
        "treasurer": world.treasurer_a,
        "member": world.member_login_a,
        "coordinator": world.coordinator,
    }[role]


def test_every_page_is_plain_thai_and_every_link_opens(world, built, client, make_user):
    """Every role in turn on one built fund (building it is most of the cost)."""
    values = fund_objects(world, built)
    start = ["/"]
    for route in routes():
        if FUND_ROUTE.search(route):
            start += [u for u in fill_all(route, values) if not EXPORT.search(u)]
    start += [u for u in report_urls(built) if not EXPORT.search(u) and "lang=en" not in u]
    failures = []
    for role in ROLES:
        client.force_login(_user(role, world, make_user))
        found, broken = crawl(client, built.fund, start)
        client.logout()
        if not found and not broken:
            continue
        listing = "\n".join(
            f"{url}: {'; '.join(sorted(set(bad))[:5])}" for url, bad in sorted(found.items())
        )
        links = "\n".join(
            f"{url} → {code} (shown on {on})" for url, (code, on) in sorted(broken.items())
        )
        failures.append(
            f"{role}: {len(found)} pages not plain Thai:\n{listing}\n\n"
            f"{len(broken)} links shown that do not open:\n{links}"
        )
    assert not failures, "\n\n".join(failures)

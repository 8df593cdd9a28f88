"""A user of one fund can neither read nor write another fund's data, through any URL.

The test walks every URL pattern of the project. A pattern that takes a fund is requested with
fund B's objects by fund A's chair (who may do everything in A), by GET and by POST; anything
but 403/404 fails, and no row anywhere may change. A new URL pattern that takes an object id
this test does not know, or that takes no fund and is not listed as fund-free, fails the suite:
whoever adds a view must say how it is scoped.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

from kongtun.api.models import api_token_create

pytestmark = pytest.mark.django_db

# Patterns that take no fund, with why that is safe.
FUND_FREE = {
    "": "home: lists only the user's own funds",
    "accounts/login/": "login",
    "accounts/logout/": "logout",
    "accounts/tokens/": "the user's own API tokens (tests/test_security_api.py)",
    "i18n/setlang/": "language switch",
    "jsi18n/": "translation catalog",
    "funds/new/": "create a fund (superuser or funds.add_fund)",
    "aar/": "lists only the studies whose team the user is on (tests/aar/test_access.py)",
    "api/v1/funds": "lists only the caller's funds",
    "api/v1/": "API root (ninja answers 404)",
    "api/v1/openapi.json": "API description",
    "api/v1/docs": "API docs page",
    "p/<slug:short_code>/": "public page: aggregates only (tests/test_public.py)",
    "p/<slug:short_code>/verify/": "public receipt check: no personal data (tests/test_public.py)",
    "p/<slug:short_code>/heads.json": "published heads: hashes and counts (tests/ledger/test_public_heads.py)",
    "network/": "network view: only funds the user follows as coordinator, figures only (tests/network/test_network_views.py)",
    "network/compare/": "two funds the user follows; any other answers 404 (tests/network/test_network_views.py)",
    "network/trends/": "yearly figures of funds the user follows (tests/network/test_network_views.py)",
    "network/export.<str:fmt>": "the network view as XLSX/PDF, same scope (tests/network/test_network_views.py)",
    "network/packages/": "packages of funds the user follows as coordinator (tests/network/test_packages.py)",
    "api/v1/network/packages": "push of a package: kept only for a fund the token's user follows (tests/network/test_packages.py)",
    "p/<slug:short_code>/month/<str:month>/": (
        "published monthly report of a closed month: no names (tests/reports/test_public_month.py)"
    ),
}


def walk(patterns, prefix: str = ""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p


FUND_ROUTE = re.compile(r"<(?:\w+:)?fund_id>")


def routes() -> list[str]:
    return [route for route, _ in walk(get_resolver().url_patterns)]


def fill(route: str, objects: dict[str, int]) -> str:
    def sub(m: re.Match) -> str:
        name = m.group(2)
        if name not in objects:
            raise AssertionError(
                f"URL {route!r} takes <{name}>: add a fund-B sample for it to tests/test_scoping.py"
            )
        return str(objects[name])

    path = re.sub(r"<(?:(\w+):)?(\w+)>", sub, route)
    return "/" + path.lstrip("^").rstrip("$")


def snapshot() -> dict[str, int]:
    """Row counts and a fingerprint of every table of ours: nothing may change."""
    counts = {}
    for model in apps.get_models():
        if model._meta.app_label in {"sessions", "admin", "contenttypes"}:
            continue
        if model._meta.app_label == "api" and model.__name__ == "ApiToken":
            continue  # last_used_at moves on every token call
        rows = list(model.objects.order_by("pk").values())
        counts[model._meta.label] = hash(json.dumps(rows, default=str, sort_keys=True))
    return counts


# A body every write endpoint accepts, so the request reaches the view's scoping check.
VALID_BODY = {
    "first_name": "ทดสอบ",
    "last_name": "ทดสอบ",
    "national_id": "1101700230705",
    "birth_date": "1980-01-01",
    "sex": "F",
    "village_number": 1,
    "occupation": "farmer",
    "join_date": "2020-01-01",
    "status": "resigned",
    "effective_date": "2024-01-01",
    "reason": "x",
    # a claim (api/claims.py): fund B's member, filed or decided through fund A's door
    "member_id": 1,
    "benefit": "hospital",
    "event_date": "2024-01-01",
}


def _fund_b_receipt(world):
    from kongtun.contributions.services import PaymentInput, contributions_record, plan_assign

    member = world.members_b[0]
    plan_assign(
        member=member,
        plan=world.fund_b.contribution_plans.get(months=1),
        effective_date=member.join_date,
    )
    [receipt] = contributions_record(
        fund=world.fund_b,
        items=[PaymentInput(member.number, Decimal("30"))],
        paid_on=member.join_date,
        actor=None,
    )
    return receipt


def _fund_b_invitation(fund):
    from kongtun.funds.models import RoleInvitation

    return RoleInvitation.objects.create(fund=fund, username="someone", role="secretary")


def fund_b_objects(world) -> dict[str, int]:
    from tests.aar.samples import aar_samples
    from tests.assessment.samples import assessment_samples
    from tests.claims.samples import claims_samples
    from tests.development.samples import development_samples
    from tests.governance.samples import governance_samples
    from tests.imports.samples import imports_samples
    from tests.mobilization.helpers import fund_b_books_objects
    from tests.projection.samples import projection_samples

    b = world.fund_b
    return {
        **development_samples(b),
        **assessment_samples(b),
        "fund_id": b.pk,
        "month": "2026-01",
        "member_id": world.members_b[0].pk,
        "role_id": b.roles.first().pk,
        "invitation_id": _fund_b_invitation(b).pk,
        "receipt_id": _fund_b_receipt(world).pk,
        **fund_b_books_objects(world),
        **imports_samples(world),
        **governance_samples(world),
        **claims_samples(world),
        **projection_samples(world),
        **aar_samples(world),
    }


def test_every_route_is_either_fund_scoped_or_known_fund_free():
    unexplained = [
        r
        for r in routes()
        if not FUND_ROUTE.search(r) and not r.startswith("admin/") and r not in FUND_FREE
    ]
    assert unexplained == [], "new routes without a fund: scope them or explain them in FUND_FREE"


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("own_fund_in_url", [False, True])
def test_fund_a_chair_cannot_reach_fund_b_through_any_page(world, client, method, own_fund_in_url):
    """With B's fund id, and with A's fund id but B's object ids (a view that checks the fund
    but fetches the object without it)."""
    client.force_login(world.chair_a)
    objects = fund_b_objects(world)
    if own_fund_in_url:
        objects["fund_id"] = world.fund_a.pk
    before = snapshot()
    checked = 0
    for route in routes():
        if not FUND_ROUTE.search(route) or route.startswith("api/"):
            continue
        if own_fund_in_url and route.count("<") == 1:
            continue  # only the fund id: A's own page
        url = fill(route, objects)
        response = getattr(client, method)(
            url,
            {
                "number": "1",
                "name_th": "x",
                "status": "resigned",
                "effective_date": "01/01/2567",
                "reason": "x",
                "username": "chair_a",
                "role": "chair",
            },
        )
        # 405: a POST-only action asked by GET answers before it looks anything up.
        allowed = (403, 404, 405) if method == "get" else (403, 404)
        assert response.status_code in allowed, (
            f"{method.upper()} {url} gave {response.status_code}"
        )
        checked += 1
    assert checked >= (3 if own_fund_in_url else 10)
    assert snapshot() == before


@pytest.mark.parametrize("own_fund_in_url", [False, True])
def test_fund_a_chair_cannot_reach_fund_b_through_the_api(world, client, own_fund_in_url):
    token = api_token_create(user=world.chair_a, name="t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    objects = fund_b_objects(world)
    if own_fund_in_url:
        objects["fund_id"] = world.fund_a.pk
    before = snapshot()
    api_routes = [r for r in routes() if r.startswith("api/") and FUND_ROUTE.search(r)]
    assert len(api_routes) >= 4, "the API routes should be found"
    for route in api_routes:
        if own_fund_in_url and route.count("<") == 1:
            continue
        path = fill(route, objects)
        for method in ("get", "post", "put"):
            if method == "get":
                response = client.get(path, **auth)
            else:
                response = getattr(client, method)(
                    path, data=json.dumps(VALID_BODY), content_type="application/json", **auth
                )
            assert response.status_code in (403, 404, 405), (
                f"{method} {path}: {response.status_code}"
            )
    assert snapshot() == before


def test_fund_list_shows_only_own_funds(world, client):
    client.force_login(world.chair_a)
    page = client.get("/").content.decode()
    assert world.fund_b.name_th not in page
    token = api_token_create(user=world.chair_a, name="t")
    funds = client.get("/api/v1/funds", HTTP_AUTHORIZATION=f"Bearer {token}").json()["results"]
    assert [f["id"] for f in funds] == [world.fund_a.pk]


def test_member_login_sees_only_its_own_record(world, client):
    client.force_login(world.member_login_a)
    own, other = world.members_a[0], world.members_a[1]
    assert client.get(f"/f/{world.fund_a.pk}/members/{own.pk}/").status_code == 200
    assert client.get(f"/f/{world.fund_a.pk}/members/{other.pk}/").status_code == 404
    assert client.get(f"/f/{world.fund_a.pk}/members/").status_code == 403
    response = client.get(f"/f/{world.fund_a.pk}/")
    assert response.status_code == 302 and response["Location"].endswith(f"/members/{own.pk}/")


def test_coordinator_reads_but_cannot_write(world, client):
    client.force_login(world.coordinator)
    fund = world.fund_a
    assert client.get(f"/f/{fund.pk}/members/").status_code == 200
    assert client.get(f"/f/{fund.pk}/members/new/").status_code == 403
    before = snapshot()
    response = client.post(
        f"/f/{fund.pk}/members/{world.members_a[0].pk}/status/",
        {"status": "resigned", "effective_date": "01/01/2567", "reason": "x"},
    )
    assert response.status_code == 403
    assert snapshot() == before


def test_anonymous_users_are_sent_to_login(world, client):
    response = client.get(f"/f/{world.fund_a.pk}/members/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get("/api/v1/funds").status_code == 401


def test_admin_is_for_superusers_only(world, client, make_user):
    staff = make_user("staff", is_staff=True)
    client.force_login(staff)
    assert client.get("/admin/").status_code == 302
    client.force_login(make_user("root", is_staff=True, is_superuser=True))
    assert client.get("/admin/").status_code == 200


def test_coordinator_follows_funds_not_people(world, client):
    """A network coordinator sees who the members are, not their contact details, birth
    dates, beneficiaries or claims (health events)."""
    from kongtun.core.thaidates import format_date
    from tests.claims.helpers import approved, file_claim, hospital

    approved(world.fund_a)
    claim = file_claim(world.fund_a, hospital(world.members_a[0]))
    member = world.members_a[0]
    member.phone, member.address = "0812345678", "12 หมู่ 3 ตำบลบ้านธิ"
    member.save()
    client.force_login(world.coordinator)
    fund = world.fund_a
    page = client.get(f"/f/{fund.pk}/members/{member.pk}/").content.decode()
    assert member.full_name in page
    assert "0812345678" not in page and "12 หมู่ 3" not in page
    born = format_date(member.birth_date, "th", "long")
    assert "อายุ" in page and born not in page
    assert client.get(f"/f/{fund.pk}/claims/").status_code == 403
    assert client.get(f"/f/{fund.pk}/claims/{claim.pk}/").status_code == 404
    assert client.get(f"/f/{fund.pk}/reports/members/{member.pk}/").status_code == 404
    body = client.get(f"/api/v1/funds/{fund.pk}/members/{member.pk}").json()
    assert (body["phone"], body["address"], body["birth_date"]) == ("", "", None)

    client.force_login(world.chair_a)  # the committee sees them
    page = client.get(f"/f/{fund.pk}/members/{member.pk}/").content.decode()
    assert "0812345678" in page and born in page

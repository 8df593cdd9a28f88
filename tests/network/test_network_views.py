"""The network pages: a coordinator sees the funds they follow and nothing else, grouped,
sorted, compared and exported, as figures with no person; funds push their packages."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from kongtun.api.models import api_token_create
from kongtun.contributions.services import PaymentInput, contributions_record, plan_assign
from kongtun.funds.models import Role
from kongtun.funds.services import role_grant
from kongtun.ledger.book_services import months_close_through
from kongtun.network.models import ReceivedPackage, ReportPackage
from kongtun.network.packages import key_register, package_file, signing_key_ensure
from tests.conftest import TODAY

pytestmark = pytest.mark.django_db


def _pay_and_close(fund, members, amount: str, periods: int = 1) -> None:
    fund.founded_on = dt.date(2025, 1, 1)
    fund.save()
    plan = fund.contribution_plans.get(months=1)
    for m in members:
        plan_assign(member=m, plan=plan, effective_date=m.join_date)
    for month in (1, 2, 3):
        contributions_record(
            fund=fund,
            items=[PaymentInput(m.number, Decimal(amount), periods=periods) for m in members],
            paid_on=dt.date(2026, month, 5),
            actor=None,
            today=TODAY,
        )
    months_close_through(fund=fund, through=dt.date(2026, 3, 1), actor=None, today=TODAY)


@pytest.fixture
def network(world):
    _pay_and_close(world.fund_a, world.members_a, "30")
    _pay_and_close(world.fund_b, world.members_b, "60", periods=2)
    return world


def names(world) -> list[str]:
    return [m.first_name for m in (*world.members_a, *world.members_b)] + [
        m.national_id for m in (*world.members_a, *world.members_b)
    ]


def test_a_coordinator_sees_only_the_funds_they_follow_and_no_person(network, client):
    world = network
    client.force_login(world.coordinator)
    page = client.get("/network/", {"by": "province"}).content.decode()
    assert world.fund_a.name_th in page and world.fund_b.name_th not in page
    assert "270.00" in page  # fund A: three members × 30 baht × three months
    for text in names(world):
        assert text not in page
    # another fund's id in the compare and trends pages: not revealed
    a, b = world.fund_a.pk, world.fund_b.pk
    assert client.get("/network/compare/", {"a": a, "b": b}).status_code == 404
    assert client.get("/network/trends/", {"fund": b}).status_code == 404
    # and the fund's own pages of another fund
    assert client.get(f"/f/{b}/network/witness/").status_code == 404
    # a chair who follows nothing as coordinator sees no fund in the network view
    client.force_login(world.chair_a)
    page = client.get("/network/").content.decode()
    assert world.fund_a.name_th not in page
    assert client.get(f"/f/{a}/network/witness/").status_code == 403


def test_two_funds_grouped_sorted_compared_exported(network, client):
    world = network
    role_grant(fund=world.fund_b, user=world.coordinator, role=Role.COORDINATOR, actor=None)
    client.force_login(world.coordinator)
    page = client.get("/network/", {"by": "network", "sort": "contributions", "desc": "on"})
    text = page.content.decode()
    assert text.index(world.fund_b.name_th) < text.index(world.fund_a.name_th)  # 540 > 270
    assert "810.00" in text  # the network's contributions: 270 + 540
    one = client.get("/network/", {"by": "district", "q": "FUNDB"}).content.decode()
    assert world.fund_b.name_th in one and world.fund_a.name_th not in one
    compare = client.get(
        "/network/compare/", {"a": world.fund_a.pk, "b": world.fund_b.pk}
    ).content.decode()
    assert "270.00" in compare and "540.00" in compare
    trends = client.get("/network/trends/").content.decode()
    assert "2569" in trends and "810.00" in trends  # 2026 in the Buddhist Era
    xlsx = client.get("/network/export.xlsx", {"by": "region"})
    book = load_workbook(io.BytesIO(xlsx.content))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    funds = {r[1]: r for r in rows[3:]}
    assert set(funds) == {"FUNDA", "FUNDB"}
    assert funds["FUNDB"][8] == 540.0  # contributions
    groups = list(book.worksheets[1].iter_rows(values_only=True))
    assert groups[1][1] == 2  # one region (both in province 51), two funds
    pdf = client.get("/network/export.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    for body in (xlsx.content, pdf.content):
        for name in names(world):
            assert name.encode() not in body


def test_the_network_page_reads_a_few_queries_for_many_funds(
    network, client, django_assert_max_num_queries
):
    from tests.network.test_scale_fixes import _many_funds

    _many_funds(network, 60)
    client.force_login(network.coordinator)
    with django_assert_max_num_queries(15):
        assert client.get("/network/", {"by": "district"}).status_code == 200


def test_a_fund_pushes_its_packages_and_the_coordinator_page_shows_them(network, client):
    world = network
    fund = world.fund_a
    key = signing_key_ensure(fund=fund)
    client.force_login(world.chair_a)  # the fund's side signs its closed months
    client.post(f"/f/{fund.pk}/network/")
    assert ReportPackage.objects.filter(fund=fund).count() == 15  # January 2025 to March 2026
    download = client.get(f"/f/{fund.pk}/network/package/2026-02/")
    assert json.loads(download.content)["signature"]
    key_register(fund=fund, public_key=key.public_key, actor=world.coordinator)
    token = api_token_create(user=world.coordinator, name="push")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    url = "/api/v1/network/packages"
    for package in ReportPackage.objects.filter(fund=fund).order_by("month"):
        raw = package_file(package)
        response = client.post(url, data=raw, content_type="application/json", **auth)
        assert response.status_code == 201, response.content
    again = client.post(url, data=raw, content_type="application/json", **auth)
    assert again.status_code == 200
    bad = raw.replace(b"90.00", b"99.00")
    refused = client.post(url, data=bad, content_type="application/json", **auth)
    assert refused.status_code == 409 and refused.json()["reason"] == "bad_signature"
    assert ReceivedPackage.objects.filter(fund=fund, via="push").count() == 15
    client.force_login(world.coordinator)
    page = client.get(f"/f/{fund.pk}/network/witness/").content.decode()
    assert "2569" in page or "2026" in page
    assert key.public_key in page
    # uploaded as a file on the network's page: kept once; a changed file: refused and shown
    upload = client.post(
        "/network/packages/",
        {"file": io.BytesIO(bad)},
        follow=True,
    ).content.decode()
    assert "ลายเซ็นไม่ถูกต้อง" in upload or "bad signature" in upload


def test_the_chair_of_another_fund_cannot_push_for_a_fund(network, client):
    world = network
    fund = world.fund_a
    key = signing_key_ensure(fund=fund)
    key_register(fund=fund, public_key=key.public_key, actor=world.coordinator)
    client.force_login(world.chair_a)
    client.post(f"/f/{fund.pk}/network/")
    token = api_token_create(user=world.chair_b, name="push")
    package = ReportPackage.objects.filter(fund=fund).first()
    response = client.post(
        "/api/v1/network/packages",
        data=package_file(package),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 409 and response.json()["reason"] == "unknown_fund"
    assert not ReceivedPackage.objects.exists()

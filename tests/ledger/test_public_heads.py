"""The heads of the books, published at every change (issue 11): on the public page and as
``/p/<code>/heads.json``; receipts and vouchers print their entry's number beside the code."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from kongtun.contributions.services import PaymentInput, contributions_record
from kongtun.ledger.models import EntrySeal
from tests import test_public
from tests.conftest import TODAY

pytestmark = pytest.mark.django_db

paid = test_public.paid  # the fixture: three receipts, March 2015 closed
personal_strings = test_public.personal_strings


def heads(client, fund) -> dict:
    response = client.get(f"/p/{fund.short_code}/heads.json")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    return json.loads(response.content)


def test_heads_json_gives_every_closed_month_and_the_current_head(world, paid, client):
    fund = world.fund_a
    doc = heads(client, fund)
    last = EntrySeal.objects.filter(fund=fund).order_by("-seq").first()
    assert doc["fund"] == "FUNDA" and doc["format"] == "kongtun-heads/1"
    assert doc["head"]["seq"] == last.seq and doc["head"]["hash"] == last.hash
    assert doc["head"]["entries"] == EntrySeal.objects.filter(fund=fund).count()
    assert doc["head"]["closed_through"] == "2015-03" and doc["generated_at"]
    march = doc["months"][-1]
    close = fund.month_closes.get(month=dt.date(2015, 3, 1))
    assert march == {
        "month": "2015-03",
        "entries": close.entry_count,
        "root": close.merkle_root,
        "head_seq": close.head_seq,
        "chain_head": close.chain_head,
        "closed_at": close.closed_at.isoformat(),
    }
    text = json.dumps(doc, ensure_ascii=False)
    for value in personal_strings(fund):
        assert value not in text


def test_the_head_changes_with_every_entry_and_a_cache_never_serves_an_older_one(
    world, paid, client
):
    fund = world.fund_a
    first = client.get(f"/p/{fund.short_code}/heads.json")
    assert "no-cache" in first["Cache-Control"] and first["ETag"]
    same = client.get(f"/p/{fund.short_code}/heads.json", HTTP_IF_NONE_MATCH=first["ETag"])
    assert same.status_code == 304
    contributions_record(
        fund=fund,
        items=[PaymentInput(world.members_a[0].number, Decimal("30"))],
        paid_on=dt.date(2015, 4, 5),
        actor=None,
        today=TODAY,
    )
    after = client.get(f"/p/{fund.short_code}/heads.json", HTTP_IF_NONE_MATCH=first["ETag"])
    assert after.status_code == 200
    new_head = json.loads(after.content)["head"]
    assert new_head["seq"] == json.loads(first.content)["head"]["seq"] + 1
    page = client.get(f"/p/{fund.short_code}/").content.decode()
    assert new_head["hash"] in page and "heads.json" in page


def test_the_receipt_prints_its_entry_number_beside_the_code(world, paid, client):
    client.force_login(world.treasurer_a)
    receipt = paid[0]
    page = client.get(f"/f/{world.fund_a.pk}/contributions/receipts/{receipt.pk}/").content.decode()
    seal = receipt.entry.seal
    assert f"{receipt.entry.seq} · {seal.verification_code}" in page
    assert f"code={seal.verification_code}&amp;n={receipt.entry.seq}" in page


def test_the_public_check_refuses_a_code_at_another_number(world, paid, client):
    entry = paid[1].entry
    url = f"/p/{world.fund_a.short_code}/verify/"
    good = client.get(url, {"code": entry.seal.verification_code, "n": entry.seq})
    assert "✓" in good.content.decode()
    bad = client.get(url, {"code": entry.seal.verification_code, "n": entry.seq + 1})
    assert "✓" not in bad.content.decode() and "errors" in bad.content.decode()

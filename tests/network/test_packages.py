"""Report packages: signed at month close by the fund, checked by the network (its witness):
a bad signature, an unknown fund, a month received with other figures, and books that went
backwards or lost entries are refused and shown, never kept."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from kongtun.contributions.services import PaymentInput, contributions_record, plan_assign
from kongtun.ledger.book_services import months_close_through
from kongtun.network.models import PackageRefusal, ReceivedPackage, ReportPackage
from kongtun.network.packages import (
    PackageRefused,
    _sign,
    canonical,
    key_register,
    package_file,
    package_receive,
    signing_key_ensure,
)
from tests.conftest import TODAY

pytestmark = pytest.mark.django_db
Reason = PackageRefusal.Reason


@pytest.fixture
def reporting(world):
    """Fund A pays in January to March 2026 and closes them; it has its signing key, and the
    coordinator registered its public key with the network."""
    fund = world.fund_a
    fund.founded_on = dt.date(2026, 1, 1)
    fund.save()
    key = signing_key_ensure(fund=fund)
    plan = fund.contribution_plans.get(months=1)
    for m in world.members_a:
        plan_assign(member=m, plan=plan, effective_date=m.join_date)
    for month in (1, 2, 3):
        contributions_record(
            fund=fund,
            items=[PaymentInput(m.number, Decimal("30")) for m in world.members_a],
            paid_on=dt.date(2026, month, 5),
            actor=None,
            today=TODAY,
        )
    months_close_through(fund=fund, through=dt.date(2026, 3, 1), actor=None, today=TODAY)
    key_register(fund=fund, public_key=key.public_key, actor=world.coordinator)
    return fund


def packages(fund) -> dict[str, ReportPackage]:
    return {f"{p.month:%Y-%m}": p for p in ReportPackage.objects.filter(fund=fund)}


def receive(raw: bytes, world) -> ReceivedPackage:
    return package_receive(raw=raw, via="upload", actor=world.coordinator)


def forged(fund, body: dict) -> bytes:
    """A package signed with the fund's own key over a body changed by hand: what a fund's
    machine restored from an older copy (or changed) would send."""
    text = canonical(body)
    key = signing_key_ensure(fund=fund)
    return canonical({"kongtun_package": 1, "body": text, "signature": _sign(key, text)}).encode()


def refused(raw: bytes, world) -> PackageRefusal:
    with pytest.raises(PackageRefused) as caught:
        receive(raw, world)
    return caught.value.refusal


def test_each_close_signs_a_package_the_network_checks_and_keeps(reporting, world):
    made = packages(reporting)
    assert sorted(made) == ["2026-01", "2026-02", "2026-03"]
    for label in sorted(made):
        kept = receive(package_file(made[label]), world)
        assert f"{kept.month:%Y-%m}" == label
    march = json.loads(made["2026-03"].body)
    assert march["report"]["total_in"] == "90.00"
    assert [m["month"] for m in march["months"]] == ["2026-01", "2026-02", "2026-03"]
    # the same package pushed twice (a retry) is kept once
    receive(package_file(made["2026-03"]), world)
    assert ReceivedPackage.objects.filter(fund=reporting).count() == 3
    assert not PackageRefusal.objects.exists()


def test_a_changed_figure_breaks_the_signature(reporting, world):
    package = packages(reporting)["2026-01"]
    body = json.loads(package.body)
    body["report"]["total_in"] = "9000.00"
    raw = canonical(
        {"kongtun_package": 1, "body": canonical(body), "signature": package.signature}
    ).encode()
    refusal = refused(raw, world)
    assert refusal.reason == Reason.BAD_SIGNATURE and refusal.fund == reporting
    assert not ReceivedPackage.objects.exists()


def test_another_key_is_refused_and_an_unknown_fund_too(reporting, world):
    other = world.fund_b
    other.founded_on = dt.date(2026, 1, 1)
    other.save()
    signing_key_ensure(fund=other)
    months_close_through(fund=other, through=dt.date(2026, 1, 1), actor=None, today=TODAY)
    theirs = packages(other)["2026-01"]
    # fund B is not followed by this coordinator: unknown, and nothing says it exists
    refusal = refused(package_file(theirs), world)
    assert refusal.reason == Reason.UNKNOWN_FUND and refusal.fund is None
    # fund B's package relabelled as fund A's, signed by B's key
    body = json.loads(theirs.body)
    body["fund"] = reporting.short_code
    text = canonical(body)
    raw = canonical(
        {"kongtun_package": 1, "body": text, "signature": _sign(other.signing_key, text)}
    ).encode()
    assert refused(raw, world).reason == Reason.BAD_SIGNATURE
    assert refused(b"not json", world).reason == Reason.MALFORMED


def test_a_month_received_with_other_figures_is_refused(reporting, world):
    package = packages(reporting)["2026-02"]
    receive(package_file(package), world)
    body = json.loads(package.body)
    body["report"]["total_in"] = "60.00"
    body["report_sha256"] = "0" * 64
    refusal = refused(forged(reporting, body), world)
    assert refusal.reason == Reason.DIFFERENT_FIGURES
    assert ReceivedPackage.objects.get(fund=reporting).body == package.body


def test_books_that_went_back_are_refused_as_a_rollback(reporting, world):
    made = packages(reporting)
    receive(package_file(made["2026-01"]), world)
    receive(package_file(made["2026-02"]), world)
    # March from books restored from a copy older than February's close
    body = json.loads(made["2026-03"].body)
    body["months"] = [m for m in body["months"] if m["month"] != "2026-02"]
    refusal = refused(forged(reporting, body), world)
    assert refusal.reason == Reason.ROLLBACK and "2026-02" in refusal.detail
    # or with February's root rewritten
    body = json.loads(made["2026-03"].body)
    body["months"][1]["root"] = "f" * 64
    assert refused(forged(reporting, body), world).reason == Reason.ROLLBACK
    assert ReceivedPackage.objects.filter(fund=reporting).count() == 2


def test_books_that_lost_entries_are_refused_as_a_truncation(reporting, world):
    made = packages(reporting)
    receive(package_file(made["2026-02"]), world)
    held = ReceivedPackage.objects.get(fund=reporting)
    body = json.loads(made["2026-03"].body)
    body["head_seq"] = held.head_seq - 1  # the newest entries removed
    refusal = refused(forged(reporting, body), world)
    assert refusal.reason == Reason.TRUNCATION
    body = json.loads(made["2026-03"].body)
    body["months"][1]["entries"] -= 1  # an entry of February gone
    assert refused(forged(reporting, body), world).reason == Reason.TRUNCATION


def test_a_package_before_the_key_is_registered_is_refused(world):
    fund = world.fund_a
    fund.founded_on = dt.date(2026, 1, 1)
    fund.save()
    signing_key_ensure(fund=fund)
    months_close_through(fund=fund, through=dt.date(2026, 1, 1), actor=None, today=TODAY)
    refusal = refused(package_file(packages(fund)["2026-01"]), world)
    assert refusal.reason == Reason.NO_KEY


@pytest.mark.django_db(transaction=True)
def test_network_push_sends_each_package_once_over_http(
    reporting, world, live_server, books_flushable
):
    from django.core.management import call_command

    from kongtun.api.models import api_token_create

    token = api_token_create(user=world.coordinator, name="push")
    call_command("network_push", live_server.url, fund=reporting.short_code, token=token)
    kept = ReceivedPackage.objects.filter(fund=reporting, via="push")
    assert sorted(f"{p.month:%Y-%m}" for p in kept) == ["2026-01", "2026-02", "2026-03"]
    assert not ReportPackage.objects.filter(fund=reporting, pushed_at__isnull=True).exists()
    call_command("network_push", live_server.url, fund=reporting.short_code, token=token)
    assert kept.count() == 3  # nothing left to send

    from django.core.management import CommandError

    other = api_token_create(user=world.chair_b, name="push")
    ReportPackage.objects.filter(fund=reporting).update(pushed_at=None)
    with pytest.raises(CommandError, match="unknown_fund"):
        call_command("network_push", live_server.url, fund=reporting.short_code, token=other)

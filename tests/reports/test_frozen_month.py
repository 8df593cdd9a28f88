"""Published means frozen: a closed month's report is the snapshot stored with its close (its
SHA-256 in the MonthClose row); the public page and PDF render it and never recompute; what a
published report counts cannot be dated into a closed month afterwards."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone, translation

from kongtun.claims.models import Claim
from kongtun.claims.services import claim_pay
from kongtun.ledger import triggers
from kongtun.ledger.book_services import months_close_through
from kongtun.ledger.models import MonthClose
from kongtun.members.models import Member, MemberStatusChange
from kongtun.members.services import member_create, member_set_status, member_update
from kongtun.reports.selectors import monthly_report
from tests.claims.helpers import (
    approve_by,
    approved,
    committee,
    file_claim,
    hospital,
    opening_money,
    paid_up,
    with_paper,
)
from tests.conftest import TODAY, make_nid, member_input
from tests.reports.conftest import Books

pytestmark = pytest.mark.django_db
MARCH = "/p/{code}/month/2024-03/"


def report_bytes(content: bytes) -> bytes:
    """The published report on the page (the page around it carries a fresh CSRF token)."""
    start = content.index(b'<article class="printdoc report">')
    return content[start : content.index(b"</article>", start)]


def _refused(exc: pytest.ExceptionInfo, field: str) -> str:
    return " ".join(exc.value.message_dict[field])


def test_a_resignation_back_dated_into_a_closed_month_is_refused_and_the_report_stays(
    published, world, client
):
    url = MARCH.format(code=published.short_code)
    before = report_bytes(client.get(url).content)
    member = world.members_a[0]
    with translation.override("th"), pytest.raises(ValidationError) as exc:
        member_set_status(
            member=member,
            status="resigned",
            effective_date=dt.date(2024, 3, 25),
            reason="ลาออก แจ้งช้า",
            actor=None,
            today=TODAY,
        )
    text = _refused(exc, "effective_date")
    assert "เดือน มี.ค. 2567 ปิดงวดแล้ว" in text and "ตั้งแต่ 1 เม.ย. 2567" in text
    assert not MemberStatusChange.objects.filter(member=member).exists()
    stored = published.month_closes.get(month=Books.month).report_json
    # Back-dated into the open month, with its reason: accepted.
    member_set_status(
        member=member,
        status="resigned",
        effective_date=dt.date(2024, 4, 1),
        reason="ลาออกตั้งแต่ 25 มี.ค. 2567 แจ้งช้า",
        actor=None,
        today=TODAY,
    )
    assert report_bytes(client.get(url).content) == before  # byte for byte
    assert published.month_closes.get(month=Books.month).report_json == stored


def test_the_published_page_renders_the_snapshot_not_todays_data(published, world, client):
    """Even data that reached the database around the services (an old import, a raw
    insert) cannot change a published month: the page and the PDF show the snapshot."""
    url = MARCH.format(code=published.short_code)
    before = report_bytes(client.get(url).content)
    live_before = monthly_report(fund=published, month=Books.month).members
    MemberStatusChange.objects.create(
        member=world.members_a[0],
        status="resigned",
        effective_date=dt.date(2024, 3, 25),
        reason="บันทึกย้อนหลัง",
    )
    Member.objects.filter(pk=world.members_a[0].pk).update(status="resigned")
    live = monthly_report(fund=published, month=Books.month).members
    assert live["resigned"] == live_before["resigned"] + 1  # the live figures did move
    assert report_bytes(client.get(url).content) == before
    frozen = json.loads(published.month_closes.get(month=Books.month).report_json)
    assert frozen["members"]["resigned"] == live_before["resigned"]
    pdf = client.get(url, {"format": "pdf"})  # rendered from the same snapshot
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_the_snapshot_is_hashed_into_the_close_and_checked(published, client, capsys):
    close = published.month_closes.get(month=Books.month)
    assert close.report_sha256 == hashlib.sha256(close.report_json.encode()).hexdigest()
    data = json.loads(close.report_json)
    assert (data["month"], data["closing"], data["opening"]) == ("2024-03", "12561.84", "15000.00")
    assert data["members"]["resigned"] == 1 and data["members"]["joined_count"] == 1
    url = MARCH.format(code=published.short_code)
    page = client.get(url).content.decode()
    assert close.report_sha256 in page  # published next to the month root
    call_command("ledger_check", fund=published.short_code)
    assert "ledger OK" in capsys.readouterr().out

    # Someone with the database changes the stored report (the row is append-only: they
    # would have to drop the triggers first).
    triggers.uninstall_on(connection)
    try:
        MonthClose.objects.filter(pk=close.pk).update(
            report_json=close.report_json.replace("12561.84", "99999.99")
        )
    finally:
        triggers.install_on(connection)
    with translation.override("th"):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="th")
    assert response.status_code == 409
    body = response.content.decode()
    assert "99,999.99" not in body and "ไม่ตรงกับลายนิ้วมือ" in body
    with pytest.raises(CommandError):
        call_command("ledger_check", fund=published.short_code)
    assert "published_report_changed" in capsys.readouterr().err


def test_a_join_cannot_be_dated_into_a_closed_month(published, world):
    fund = published
    data = member_input(fund, nid=make_nid("310170023080"), join_date=dt.date(2024, 3, 10))
    with translation.override("th"), pytest.raises(ValidationError) as exc:
        member_create(fund=fund, data=data, actor=None, today=TODAY)
    assert "เดือน มี.ค. 2567 ปิดงวดแล้ว" in _refused(exc, "join_date")
    data.join_date = dt.date(2024, 4, 10)
    member = member_create(fund=fund, data=data, actor=None, today=TODAY)
    # Moving the join into a closed month, or out of one, is refused too.
    data = member_input(fund, nid=make_nid("310170023080"), join_date=dt.date(2024, 2, 20))
    with pytest.raises(ValidationError) as exc:
        member_update(member=member, data=data, actor=None, today=TODAY)
    assert "join_date" in exc.value.message_dict
    newcomer = world.newcomer  # joined 15 Mar 2024, a closed month
    data = member_input(
        fund, nid=newcomer.national_id, first="สมหมาย", join_date=dt.date(2024, 4, 15)
    )
    with pytest.raises(ValidationError) as exc:
        member_update(member=newcomer, data=data, actor=None, today=TODAY)
    assert "join_date" in exc.value.message_dict


def test_a_claim_cannot_be_paid_into_a_closed_month(world, make_user):
    fund = world.fund_a
    approved(fund)
    paid_up(world.members_a[0])
    fund.founded_on = dt.date(2024, 2, 1)  # few months to close
    fund.save()
    opening_money(fund, on=dt.date(2024, 2, 1))
    claim = with_paper(file_claim(fund, hospital(world.members_a[0], on=dt.date(2024, 3, 3))))
    claim = approve_by(claim, committee(world, make_user)[:2])
    Claim.objects.filter(pk=claim.pk).update(  # decided at the March meeting
        approved_at=timezone.make_aware(dt.datetime(2024, 3, 21, 10))
    )
    claim.refresh_from_db()
    months_close_through(fund=fund, through=dt.date(2024, 3, 1), actor=None, today=TODAY)
    with translation.override("th"), pytest.raises(ValidationError) as exc:
        claim_pay(claim=claim, actor=None, paid_on=dt.date(2024, 3, 25), today=TODAY)
    assert "เดือน มี.ค. 2567 ปิดงวดแล้ว" in _refused(exc, "paid_on")
    claim_pay(claim=claim, actor=None, paid_on=dt.date(2024, 4, 2), today=TODAY)

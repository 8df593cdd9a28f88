"""The personal-data access log (Thailand's PDPA): every look at a member's full national ID,
contacts, beneficiaries, claims, evidence files and statements, and every export of them, is
recorded with who, which members, what, when and why when asked; the chair and the auditor read
and export the log; a member sees who looked at their own record."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kongtun.api.models import api_token_create
from kongtun.claims.models import ClaimEvidence
from kongtun.funds.access import fund_access
from kongtun.funds.models import Role
from kongtun.funds.services import role_grant
from kongtun.members.models import PersonalDataAccess
from kongtun.members.services import personal_data_access_log
from tests.claims.helpers import approve_by, approved, committee, file_claim, hospital, paid_up
from tests.claims.test_pages import png

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def looks(**filters):
    return PersonalDataAccess.objects.filter(**filters).distinct()


def kinds_of(look, member) -> set[str]:
    return set(look.items.filter(member=member).values_list("kind", flat=True))


def only_look(**filters):
    found = list(looks(**filters))
    assert len(found) == 1, found
    return found[0]


# --- each look is logged ---------------------------------------------------------------------


def test_the_edit_page_shows_the_full_id_and_is_logged(world, client):
    member = world.members_a[1]
    client.force_login(world.chair_a)
    page = client.get(f"/f/{world.fund_a.pk}/members/{member.pk}/edit/").content.decode()
    assert member.national_id in page
    look = only_look(user=world.chair_a)
    assert kinds_of(look, member) == {"national_id", "contacts", "beneficiaries"}
    assert look.fund == world.fund_a and look.roles == "chair"
    assert look.path.endswith(f"/members/{member.pk}/edit/")


def test_showing_the_full_national_id_asks_why_and_logs_the_reason(world, client):
    member = world.members_a[1]
    url = f"/f/{world.fund_a.pk}/members/{member.pk}/reveal/"
    client.force_login(world.chair_a)
    refused = client.post(url, {"reason": "   "})
    assert refused.status_code == 400
    body = refused.content.decode()
    assert member.national_id_formatted not in body
    assert "โปรดระบุเหตุผล" in body  # the page says, in Thai, that a reason is needed
    assert not looks(items__kind="national_id").exists()
    shown = client.post(url, {"reason": "ตรวจแบบคำขอรับสวัสดิการ"})
    assert shown.status_code == 200 and member.national_id_formatted in shown.content.decode()
    look = only_look(items__kind="national_id")
    assert look.reason == "ตรวจแบบคำขอรับสวัสดิการ" and kinds_of(look, member) == {"national_id"}


def test_the_member_page_logs_contacts_for_the_committee_and_nothing_for_a_coordinator(
    world, client
):
    member = world.members_a[2]
    client.force_login(world.coordinator)
    assert client.get(f"/f/{world.fund_a.pk}/members/{member.pk}/").status_code == 200
    assert not looks().exists()  # the coordinator saw no personal data
    client.force_login(world.treasurer_a)
    client.get(f"/f/{world.fund_a.pk}/members/{member.pk}/")
    look = only_look(user=world.treasurer_a)
    assert kinds_of(look, member) == {"contacts", "beneficiaries", "health"}


@pytest.fixture
def claim(world, make_user):
    approved(world.fund_a)
    paid_up(world.members_a[0])
    today = timezone.localdate()
    return file_claim(
        world.fund_a,
        hospital(world.members_a[0], on=today - timezone.timedelta(days=10)),
        today=today,
    )


def test_claim_list_detail_evidence_and_voucher_are_logged(world, client, claim, make_user):
    fund, member = world.fund_a, world.members_a[0]
    base = f"/f/{fund.pk}/claims/"
    client.force_login(world.chair_a)
    assert client.get(base).status_code == 200
    look = only_look(user=world.chair_a)
    assert kinds_of(look, member) == {"health"} and look.member_count == 1
    before = set(looks().values_list("pk", flat=True))
    assert client.get(f"{base}{claim.pk}/").status_code == 200
    detail = looks().exclude(pk__in=before).get()
    assert kinds_of(detail, member) == {"health"} and detail.path == f"{base}{claim.pk}/"
    # evidence download
    client.post(
        f"{base}{claim.pk}/evidence/",
        {"file": png(), "requirement": "hospital_certificate", "description": "ใบรับรองแพทย์"},
    )
    ev = ClaimEvidence.objects.get()
    before = set(looks().values_list("pk", flat=True))
    assert client.get(f"{base}{claim.pk}/evidence/{ev.pk}/").status_code == 200
    download = looks().exclude(pk__in=before).get()
    assert kinds_of(download, member) == {"evidence"}
    # the payment voucher names the member and the benefit
    with_paper_and_pay(world, claim, make_user)
    before = set(looks().values_list("pk", flat=True))
    assert client.get(f"{base}{claim.pk}/voucher/").status_code == 200
    voucher = looks().exclude(pk__in=before).get()
    assert kinds_of(voucher, member) == {"health"}


def with_paper_and_pay(world, claim, make_user):
    from kongtun.claims.services import claim_pay
    from tests.claims.helpers import opening_money, with_paper

    opening_money(claim.fund)
    with_paper(claim)
    claim = approve_by(claim, committee(world, make_user, n=2))
    claim_pay(
        claim=claim,
        actor=world.treasurer_a,
        paid_on=timezone.localdate(),
        source="cash",
        amount=claim.amount_approved,
        note="",
    )


def test_the_statement_and_its_spreadsheet_are_logged(world, client):
    member = world.members_a[0]
    url = f"/f/{world.fund_a.pk}/reports/members/{member.pk}/"
    client.force_login(world.chair_a)
    assert client.get(url).status_code == 200
    look = only_look()
    assert kinds_of(look, member) == {"statement"}
    response = client.get(url, {"format": "xlsx"})
    assert response.status_code == 200
    export = looks().exclude(pk=look.pk).get()
    assert kinds_of(export, member) == {"statement", "export"}
    assert "format=xlsx" in export.path


def test_the_api_logs_one_look_for_a_page_of_members_and_one_for_a_record(world, client):
    token = api_token_create(user=world.chair_a, name="t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    url = f"/api/v1/funds/{world.fund_a.pk}/members"
    assert client.get(url, **auth).status_code == 200
    look = only_look()
    assert look.member_count == 3 and look.items.count() == 3  # birth dates of the page
    assert set(look.items.values_list("member_id", flat=True)) == {m.pk for m in world.members_a}
    member = world.members_a[1]
    got = client.get(f"{url}/{member.pk}", {"reveal": "true", "reason": "audit"}, **auth)
    assert got.json()["national_id"] == member.national_id
    record = looks().exclude(pk=look.pk).get()
    assert kinds_of(record, member) == {"national_id", "contacts", "beneficiaries"}
    assert record.reason == "audit"


def test_a_look_at_many_members_costs_the_same_queries_as_a_look_at_one(world):
    access = fund_access(world.chair_a, world.fund_a.pk)
    with CaptureQueriesContext(connection) as one:
        personal_data_access_log(access=access, members=world.members_a[:1], kinds=["contacts"])
    with CaptureQueriesContext(connection) as three:
        personal_data_access_log(
            access=access, members=world.members_a, kinds=["contacts", "health"]
        )
    assert len(three) == len(one)
    assert PersonalDataAccess.objects.count() == 2


def test_unknown_kinds_are_refused(world):
    access = fund_access(world.chair_a, world.fund_a.pk)
    with pytest.raises(ValueError):
        personal_data_access_log(access=access, members=world.members_a, kinds=["shoe size"])


# --- reading the log ---------------------------------------------------------------------------


@pytest.fixture
def logged(world, client, make_user):
    """The chair edits member 1, the treasurer opens member 2's page."""
    client.force_login(world.chair_a)
    client.get(f"/f/{world.fund_a.pk}/members/{world.members_a[1].pk}/edit/")
    client.force_login(world.treasurer_a)
    client.get(f"/f/{world.fund_a.pk}/members/{world.members_a[2].pk}/")
    client.logout()
    return client


def log_url(world) -> str:
    return f"/f/{world.fund_a.pk}/members/access-log/"


def test_the_chair_reads_the_log_with_filters(world, logged, make_user):
    client = logged
    client.force_login(world.chair_a)
    page = client.get(log_url(world)).content.decode()
    assert world.members_a[1].number in page and world.members_a[2].number in page
    assert "treasurer_a" in page and "chair_a" in page
    by_member = client.get(log_url(world), {"member": world.members_a[1].number}).content.decode()
    assert f">{world.members_a[1].number}<" in by_member
    assert f">{world.members_a[2].number}<" not in by_member
    by_person = client.get(log_url(world), {"person": world.treasurer_a.pk}).content.decode()
    assert f">{world.members_a[2].number}<" in by_person
    assert f">{world.members_a[1].number}<" not in by_person
    by_kind = client.get(log_url(world), {"kind": "national_id"}).content.decode()
    assert f">{world.members_a[1].number}<" in by_kind
    assert f">{world.members_a[2].number}<" not in by_kind
    # Buddhist-Era dates: today (25 Nov 2026) is 25/11/2569
    today = client.get(log_url(world), {"date_from": "25/11/2569", "date_to": "25/11/2569"})
    assert f">{world.members_a[1].number}<" in today.content.decode()
    tomorrow = client.get(log_url(world), {"date_from": "26/11/2569"}).content.decode()
    assert f">{world.members_a[1].number}<" not in tomorrow
    backwards = client.get(log_url(world), {"date_from": "26/11/2569", "date_to": "1/11/2569"})
    assert backwards.status_code == 200 and 'role="alert"' in backwards.content.decode()


def test_the_log_is_paginated(world, client):
    access = fund_access(world.chair_a, world.fund_a.pk)
    for _ in range(55):
        personal_data_access_log(access=access, members=world.members_a[:1], kinds=["contacts"])
    client.force_login(world.chair_a)
    first = client.get(log_url(world)).content.decode()
    assert first.count(f">{world.members_a[0].number}<") == 50 and "page=2" in first
    second = client.get(log_url(world), {"page": 2}).content.decode()
    assert second.count(f">{world.members_a[0].number}<") == 5


def test_the_log_exports_as_spreadsheet_and_csv(world, logged):
    client = logged
    auditor = world.treasurer_a.__class__.objects.create_user("auditor_a", password="x")
    role_grant(fund=world.fund_a, user=auditor, role=Role.AUDITOR, actor=None)
    client.force_login(auditor)
    xlsx = client.get(log_url(world), {"format": "xlsx"})
    assert xlsx.status_code == 200 and "spreadsheetml" in xlsx["Content-Type"]
    ws = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(ws.iter_rows(values_only=True))
    # one row per member and kind: the edit showed three kinds, the page three
    assert len(rows) == 1 + 3 + 3
    numbers = {r[6] for r in rows[1:]}
    assert numbers == {world.members_a[1].number, world.members_a[2].number}
    assert any("2569" in str(r[0]) for r in rows[1:])  # Buddhist Era in Thai
    got = client.get(log_url(world), {"format": "csv", "person": world.chair_a.pk})
    assert got.status_code == 200 and got["Content-Type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(got.content.decode("utf-8-sig"))))
    assert len(table) == 1 + 3 and {r[3] for r in table[1:]} == {"chair_a"}


def test_a_typed_reason_that_looks_like_a_formula_stays_text(world, client):
    access = fund_access(world.chair_a, world.fund_a.pk)
    personal_data_access_log(
        access=access, members=world.members_a[:1], kinds=["national_id"], reason="=HYPERLINK(1)"
    )
    client.force_login(world.chair_a)
    ws = openpyxl.load_workbook(
        io.BytesIO(client.get(log_url(world), {"format": "xlsx"}).content)
    ).active
    cell = ws.cell(row=2, column=9)
    # text, shown as typed, never a live formula (core.spreadsheet.safe_workbook)
    assert cell.data_type == "s" and cell.quotePrefix


@pytest.mark.parametrize("who", ["coordinator", "treasurer_a", "member_login_a"])
def test_other_roles_cannot_open_the_log(world, client, who):
    client.force_login(getattr(world, who))
    assert client.get(log_url(world)).status_code == 403
    assert client.get(log_url(world), {"format": "csv"}).status_code == 403
    client.force_login(world.chair_b)  # another fund's chair
    assert client.get(log_url(world)).status_code == 404


# --- the member sees who looked --------------------------------------------------------------


def test_a_member_sees_who_looked_at_their_record_and_not_at_others(world, client):
    chair = world.chair_a
    chair.first_name, chair.last_name = "ประยูร", "ประธาน"
    chair.save()
    own = world.members_a[0]
    client.force_login(chair)
    client.post(f"/f/{world.fund_a.pk}/members/{own.pk}/reveal/", {"reason": "ตรวจสอบ"})
    client.force_login(world.treasurer_a)
    client.get(f"/f/{world.fund_a.pk}/members/{world.members_a[1].pk}/")  # someone else's
    client.force_login(world.member_login_a)
    page = client.get(f"/f/{world.fund_a.pk}/members/{own.pk}/").content.decode()
    assert "who-saw" in page
    section = page.split('id="who-saw"', 1)[1].split("</section>", 1)[0]
    assert "ประยูร ประธาน" in section and ("ประธาน" in section or "chair" in section)
    assert "treasurer_a" not in section  # the treasurer looked at another member
    assert "member_a" not in section  # the member's own looks are not listed
    # the committee does not see the member's list of looks on the member page
    client.force_login(chair)
    assert (
        'id="who-saw"' not in client.get(f"/f/{world.fund_a.pk}/members/{own.pk}/").content.decode()
    )

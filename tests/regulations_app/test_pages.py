"""The regulation pages: the common edits through forms (amounts, tiers, waiting periods, caps,
clauses and interpretations), the YAML path with errors by line, the check before a vote,
approval, export and import; members read approved versions only."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kongtun.regulations.models import RegulationVersion, VersionStatus
from kongtun.regulations.selectors import regulation_of
from kongtun.regulations.services import version_start_from_prototype
from tests.claims.helpers import approved
from tests.regulations_app.formdata import form_data

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def draft(world):
    return version_start_from_prototype(fund=world.fund_a, prototype="banthi", actor=world.chair_a)


def base(v) -> str:
    return f"/f/{v.fund_id}/regulations/{v.pk}/"


def edit(client, url, changes, drop=()):
    page = client.get(url)
    assert page.status_code == 200
    data = form_data(page.content.decode())
    for key in drop:
        data.pop(key, None)
    data.update(changes)
    return client.post(url, data)


def benefit_index(v, code):
    return [b.code for b in regulation_of(v).benefits].index(code)


def test_list_and_start_a_draft_from_a_prototype(world, client):
    client.force_login(world.chair_a)
    page = client.get(f"/f/{world.fund_a.pk}/regulations/").content.decode()
    assert "prototype:trat_mettatham" in page
    response = client.post(
        f"/f/{world.fund_a.pk}/regulations/new/", {"source": "prototype:samyaek"}
    )
    v = RegulationVersion.objects.get()
    assert response.status_code == 302 and response["Location"] == base(v)
    assert (v.status, v.created_from) == (VersionStatus.DRAFT, "samyaek")


def test_the_version_page_shows_benefit_tables_and_interpretations_next_to_clauses(
    world, client, draft
):
    client.force_login(world.chair_a)
    page = client.get(base(draft)).content.decode()
    assert "ค่าจัดการศพ" in page and "20,000" in page  # the funeral tier table
    assert "ครบ 1 ปีพอดียังอยู่ขั้นที่ 1" in page  # the reading of clause 16, next to it
    client.cookies["django_language"] = "en"
    page = client.get(base(draft)).content.decode()
    assert "Funeral benefit" in page and "at least 5 years 1 day" in page


def test_edit_a_benefit_amount_through_the_form(world, client, draft):
    client.force_login(world.chair_a)
    i = benefit_index(draft, "hospital")
    response = edit(client, base(draft) + f"edit/benefits/{i}/", {"amount": "120"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert regulation_of(draft).benefit("hospital").amount == D("120.00")
    # everything else is kept
    assert [c.units for c in regulation_of(draft).benefit("hospital").caps] == [7, None]


def test_a_pension_is_made_recurring_through_the_form_and_kept_on_other_edits(world, client, draft):
    client.force_login(world.chair_a)
    i = benefit_index(draft, "old_age")  # banthi: "ปีละ" — a yearly pension
    url = base(draft) + f"edit/benefits/{i}/"
    assert edit(client, url, {"recurring_every": "year"}).status_code == 302
    draft.refresh_from_db()
    assert regulation_of(draft).benefit("old_age").recurring.every == "year"
    assert edit(client, url, {"name_en": "Yearly pension"}).status_code == 302
    draft.refresh_from_db()
    assert regulation_of(draft).benefit("old_age").recurring.every == "year"  # kept
    assert edit(client, url, {"recurring_every": ""}).status_code == 302
    draft.refresh_from_db()
    assert regulation_of(draft).benefit("old_age").recurring is None


def test_edit_tiers_waiting_periods_caps_and_evidence(world, client, draft):
    client.force_login(world.chair_a)
    i = benefit_index(draft, "funeral")
    response = edit(
        client,
        base(draft) + f"edit/benefits/{i}/",
        {
            "band-3-amount": "25000",  # ข้อ 16(4): 20,000 → 25,000
            "wait-0-basis": "membership",
            "wait-0-years": "1",
            "wait-0-clause": "16",
            "cap-0-period": "lifetime",
            "cap-0-measure": "times",
            "cap-0-value": "1",
            "cap-0-clause": "16",
            "ev-0-code": "death_certificate",
            "ev-0-name_th": "สำเนาใบมรณบัตร",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    draft.refresh_from_db()
    b = regulation_of(draft).benefit("funeral")
    assert b.tiers.bands[3].amount == D("25000.00") and len(b.tiers.bands) == 4
    assert (b.waiting_periods[0].years, b.waiting_periods[0].clause) == (1, "16")
    assert (b.caps[0].period, b.caps[0].times) == ("lifetime", 1)


def test_a_filing_deadline_and_a_tiers_own_clause_are_edited_and_shown(world, client, draft):
    """ "ยื่นคำขอภายใน 90 วันนับแต่วันเกิดเหตุ" set through the benefit form, and the last funeral
    tier citing its own clause: both kept in the draft and shown on the version page."""
    client.force_login(world.chair_a)
    i = benefit_index(draft, "funeral")
    url = base(draft) + f"edit/benefits/{i}/"
    response = edit(
        client,
        url,
        {
            "deadline_days": "90",
            "deadline_from": "event",
            "deadline_clause": "16",
            "band-3-clause": "16",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    draft.refresh_from_db()
    b = regulation_of(draft).benefit("funeral")
    assert (b.filing_deadline.days, b.filing_deadline.clause) == (90, "16")
    assert b.tiers.bands[3].clause == "16"
    page = client.get(base(draft)).content.decode()
    assert "ยื่นคำขอภายใน 90 วันนับแต่วันเกิดเหตุ" in page
    assert "(ข้อ 16)" in page
    # Saving the form again keeps both (the form shows what the draft holds).
    assert edit(client, url, {}).status_code == 302
    draft.refresh_from_db()
    assert regulation_of(draft).benefit("funeral") == b
    refused = edit(client, url, {"deadline_days": "0"})
    assert refused.status_code == 400


def test_units_caps_must_be_whole_numbers(world, client, draft):
    client.force_login(world.chair_a)
    i = benefit_index(draft, "hospital")
    before = RegulationVersion.objects.get(pk=draft.pk).content
    response = edit(client, base(draft) + f"edit/benefits/{i}/", {"cap-0-value": "7.5"})
    assert response.status_code == 400
    assert RegulationVersion.objects.get(pk=draft.pk).content == before


def test_an_edit_the_engine_refuses_shows_why_and_saves_nothing(world, client, draft):
    client.force_login(world.chair_a)
    i = benefit_index(draft, "hospital")
    before = RegulationVersion.objects.get(pk=draft.pk).content
    response = edit(client, base(draft) + f"edit/benefits/{i}/", {"amount": ""})
    assert response.status_code == 400
    assert "benefits[1].amount" in response.content.decode()
    assert RegulationVersion.objects.get(pk=draft.pk).content == before


def test_general_page_edits_fee_and_general_waiting_period(world, client, draft):
    client.force_login(world.chair_a)
    response = edit(client, base(draft) + "edit/", {"entrance_fee": "50", "wait-0-days": "90"})
    assert response.status_code == 302
    reg = regulation_of(RegulationVersion.objects.get(pk=draft.pk))
    assert reg.membership.entrance_fee.amount == D("50.00")
    assert reg.membership.waiting_periods[0].days == 90


def test_a_clause_and_the_committees_reading_are_edited_and_shown(world, client, draft):
    client.force_login(world.chair_a)
    i = [c["number"] for c in draft.clauses].index("11")
    response = edit(
        client,
        base(draft) + f"edit/clauses/{i}/",
        {
            "text_th": "สมาชิกนอนโรงพยาบาล ได้รับคืนละ 100 บาท",
            "int-0-code": "night_counting",
            "int-0-text_en": "A night counts when the member stays past midnight.",
            "int-0-text_th": "นับเป็นหนึ่งคืนเมื่อนอนพักเกินเที่ยงคืน",
            "int-0-resolution": "มติ 3/2567",
        },
    )
    assert response.status_code == 302
    page = client.get(base(draft)).content.decode()
    assert "นับเป็นหนึ่งคืนเมื่อนอนพักเกินเที่ยงคืน" in page and "มติ 3/2567" in page


def test_renumbering_a_clause_moves_the_rules_citing_it(world, client, draft):
    client.force_login(world.chair_a)
    i = [c["number"] for c in draft.clauses].index("11")
    assert edit(client, base(draft) + f"edit/clauses/{i}/", {"number": "11/1"}).status_code == 302
    assert (
        regulation_of(RegulationVersion.objects.get(pk=draft.pk)).benefit("hospital").clause
        == "11/1"
    )


def test_the_yaml_editor_names_the_line_of_an_error(world, client, draft):
    client.force_login(world.chair_a)
    text = draft.content.replace("    amount: 100\n", "    amount: -100\n", 1)
    line = text.splitlines().index("    amount: -100") + 1
    response = client.post(base(draft) + "edit/yaml/", {"content": text})
    assert response.status_code == 400
    assert f"บรรทัด {line}" in response.content.decode()
    ok = client.post(
        base(draft) + "edit/yaml/",
        {"content": draft.content.replace("amount: 100\n", "amount: 110\n", 1)},
    )
    assert ok.status_code == 302
    assert regulation_of(RegulationVersion.objects.get(pk=draft.pk)).benefit(
        "hospital"
    ).amount == D("110.00")


def test_the_check_lists_warnings_before_a_vote_and_approval_asks_to_confirm_them(
    world, client, draft
):
    client.force_login(world.chair_a)
    overlapping = draft.content.replace(
        "- {lower: {years: 1, days: 1}, upper: {years: 2}, amount: 5000}",
        "- {lower: {months: 6}, upper: {years: 2}, amount: 5000}",
    )
    assert client.post(base(draft) + "edit/yaml/", {"content": overlapping}).status_code == 302
    client.cookies["django_language"] = "en"
    page = client.get(base(draft) + "check/").content.decode()
    assert "overlap" in page and "Clause 16" in page
    approval = {
        "resolution": "General assembly 1/2567",
        "resolution_date": "2024-03-01",
        "effective_date": "2024-04-01",
    }
    assert client.post(base(draft) + "approve/", approval).status_code == 400
    # Overlapping tiers are refused even when the meeting saw the warning: the service says so.
    refused = client.post(base(draft) + "approve/", {**approval, "warnings_read": "on"})
    assert refused.status_code == 400
    assert "Tiers overlap; correct the draft before approving it" in refused.content.decode()
    # A gap between tiers is a warning the meeting may accept.
    gap = draft.content.replace(
        "- {lower: {years: 1, days: 1}, upper: {years: 2}, amount: 5000}",
        "- {lower: {years: 1, months: 6}, upper: {years: 2}, amount: 5000}",
    )
    assert client.post(base(draft) + "edit/yaml/", {"content": gap}).status_code == 302
    assert "gap between tiers" in client.get(base(draft) + "check/").content.decode()
    assert client.post(base(draft) + "approve/", approval).status_code == 400
    response = client.post(base(draft) + "approve/", {**approval, "warnings_read": "on"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.effective_date) == (VersionStatus.APPROVED, dt.date(2024, 4, 1))
    # approved: no more editing pages, only amendments
    assert client.get(base(draft) + "edit/").status_code == 404
    assert client.post(base(draft) + "edit/yaml/", {"content": draft.content}).status_code == 404


def test_export_and_import_through_the_pages(world, client):
    v = approved(world.fund_a)
    client.force_login(world.chair_a)
    response = client.get(base(v) + "export/")
    assert response["Content-Disposition"] == 'attachment; filename="regulation-funda-v1.yaml"'
    assert response.content.decode() == v.content
    upload = SimpleUploadedFile("reg.yaml", response.content)
    assert (
        client.post(f"/f/{world.fund_a.pk}/regulations/import/", {"file": upload}).status_code
        == 302
    )
    assert RegulationVersion.objects.filter(fund=world.fund_a, created_from="import").count() == 1
    bad = SimpleUploadedFile(
        "bad.yaml",
        b"format: 1\ncode: x\ntitle_th: t\nbenefits:\n  - code: b\n    kind: birth\n    name_th: n\n    amont: 5\n",
    )
    response = client.post(f"/f/{world.fund_a.pk}/regulations/import/", {"file": bad})
    assert response.status_code == 400 and "บรรทัด 8" in response.content.decode()


def test_members_read_approved_versions_but_not_drafts_and_cannot_edit(world, client, draft):
    v = approved(world.fund_b) and approved(world.fund_a, effective=dt.date(2010, 1, 1))
    client.force_login(world.member_login_a)
    assert client.get(base(v)).status_code == 200
    assert client.get(base(v) + "export/").status_code == 200
    assert client.get(base(draft)).status_code == 404
    assert client.get(base(draft) + "edit/").status_code == 403
    client.force_login(world.treasurer_a)  # committee, not chair or manager: reads drafts
    assert client.get(base(draft)).status_code == 200
    assert client.get(base(draft) + "edit/").status_code == 403

"""What a reader sees on a version's page and on a claim's explanation: the clauses in the
reader's language (the other one only on request), where the version started from in words,
benefit headings that do not repeat themselves, shared caps named rather than coded, and
amendments still in draft kept from those who cannot open drafts. Also the dates the
approval refuses: before the fund was founded, before the approving meeting, a meeting more
than a year before the founding."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.html import escape

from kongtun.regulations.models import RegulationVersion
from kongtun.regulations.selectors import regulation_of
from kongtun.regulations.services import (
    earliest_meeting,
    version_approve,
    version_import,
    version_start_from_prototype,
    version_start_from_version,
)
from tests.claims.helpers import approved, file_claim, hospital, paid_up
from tests.conftest import TODAY
from tests.governance.helpers import recorded_resolution

pytestmark = pytest.mark.django_db


def page_of(client, v, query: str = "") -> str:
    response = client.get(f"/f/{v.fund_id}/regulations/{v.pk}/{query}")
    assert response.status_code == 200
    return response.content.decode()


def text_of(html: str) -> str:
    """The page as a reader sees it: tags removed, spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def draft(world):
    return version_start_from_prototype(fund=world.fund_a, prototype="banthi", actor=world.chair_a)


# --- clauses in the reader's language ----------------------------------------------------------


def test_a_thai_reader_sees_the_thai_clauses_only(world, client, draft):
    clauses = [c for c in regulation_of(draft).clauses if c.text_en]
    assert clauses
    client.force_login(world.member_login_a)
    approved_v = approved(world.fund_a)
    page = page_of(client, approved_v)
    assert "This regulation is called" not in page
    for c in clauses:
        assert escape(c.text_th) in page and escape(c.text_en) not in page
    # the other language is an explicit choice
    assert "แสดงข้อความภาษาอังกฤษด้วย" in page
    both = page_of(client, approved_v, "?both=1")
    assert all(escape(c.text_th) in both and escape(c.text_en) in both for c in clauses)
    assert "ซ่อนข้อความภาษาอังกฤษ" in both


def test_an_english_reader_sees_the_english_text_or_the_thai_when_there_is_none(
    world, client, draft
):
    reg = regulation_of(draft)
    client.force_login(world.chair_a)
    client.cookies["django_language"] = "en"
    page = page_of(client, draft)
    for c in reg.clauses:
        if c.text_en:
            assert escape(c.text_en) in page and escape(c.text_th) not in page
        else:
            assert escape(c.text_th) in page
    assert "Show the Thai text too" in page
    both = page_of(client, draft, "?both=1")
    assert all(escape(c.text_th) in both for c in reg.clauses)


# --- where the version started from ------------------------------------------------------------


def started_from(html: str) -> str:
    m = re.search(r"<dt>(?:เริ่มจาก|started from)</dt><dd>(.*?)</dd>", html)
    assert m is not None
    return m.group(1)


def test_started_from_names_the_prototype_the_copied_version_or_the_import(world, client):
    first = approved(world.fund_a)
    copy = version_start_from_version(version=first, actor=None)
    imported = version_import(fund=world.fund_a, content=first.content, actor=None)
    client.force_login(world.chair_a)

    assert started_from(page_of(client, first)) == (
        "ต้นแบบ: ระเบียบกองทุนสวัสดิการชุมชนตำบลบ้านธิ (ตัวอย่างสังเคราะห์สำหรับสาธิต)"
    )
    assert started_from(page_of(client, copy)) == "สำเนาจากฉบับที่ 1"
    assert started_from(page_of(client, imported)) == "ไฟล์ระเบียบที่นำเข้า"
    # a copy made before the copied number was kept: the version it amends says which
    RegulationVersion.objects.filter(pk=copy.pk).update(created_from="version")
    assert started_from(page_of(client, copy)) == "สำเนาจากฉบับที่ 1"

    client.cookies["django_language"] = "en"
    assert started_from(page_of(client, first)) == (
        "prototype: Banthi Sub-district Community Welfare Fund regulation (synthetic demo)"
    )
    assert started_from(page_of(client, copy)) == "a copy of version 1"
    assert started_from(page_of(client, imported)) == "an imported file"


def test_a_copy_of_a_draft_says_which_draft(world, client, draft):
    again = version_start_from_version(version=draft, actor=None)
    client.force_login(world.chair_a)
    assert started_from(page_of(client, again)) == f"สำเนาจากฉบับที่ {draft.number}"


def test_the_development_process_draft_is_named(world, client):
    from kongtun.regulations.services import regulation_adopt_first_version

    v = regulation_adopt_first_version(
        fund=world.fund_a,
        text=approved(world.fund_b).content,
        effective_from=dt.date(2009, 6, 1),
        actor=None,
        source="development-process:7",
        resolution="ที่ประชุมก่อตั้งกองทุน",
        today=TODAY,
    )
    client.force_login(world.chair_a)
    assert started_from(page_of(client, v)) == "ร่างระเบียบจากกระบวนการพัฒนากองทุน"


# --- benefit headings --------------------------------------------------------------------------


def test_benefit_headings_do_not_repeat_the_name(world, client, draft):
    client.force_login(world.chair_a)
    page = page_of(client, draft)
    headings = [text_of(h).strip() for h in re.findall(r"<h3>(.*?)</h3>", page)]
    assert "นอนโรงพยาบาล" in headings and "ผู้ป่วยนอก" in headings
    assert "เงินทำขวัญบุตร (การเกิด)" in headings  # the kind adds something: kept
    for h in headings:
        m = re.fullmatch(r"(.+) \((.+)\)", h)
        assert m is None or m.group(1) != m.group(2), h
    # the shared cap names the other benefits, not the benefit itself again
    assert "รวมกับ ผู้ป่วยนอก" in page and "รวมกับ นอนโรงพยาบาล, ผู้ป่วยนอก" not in page

    client.cookies["django_language"] = "en"
    headings = [text_of(h).strip() for h in re.findall(r"<h3>(.*?)</h3>", page_of(client, draft))]
    assert "Hospital stay" in headings and "Outpatient visit" in headings
    assert "Hospital stay (hospital stay)" not in headings


# --- shared caps named on the claim pages ------------------------------------------------------


def test_the_claim_explanation_names_the_shared_cap(world, client):
    approved(world.fund_a)
    m = world.members_a[0]
    paid_up(m)
    claim = file_claim(world.fund_a, hospital(m, on=dt.date(2024, 5, 1)))
    client.force_login(world.chair_a)
    page = text_of(client.get(f"/f/{world.fund_a.pk}/claims/{claim.pk}/").content.decode())
    assert "(เพดานร่วม ค่ารักษาพยาบาลรวม)" in page
    assert "medical" not in page
    client.cookies["django_language"] = "en"
    page = text_of(client.get(f"/f/{world.fund_a.pk}/claims/{claim.pk}/").content.decode())
    assert "(shared cap of Hospital stay and Outpatient visit)" in page


# --- amendments still in draft -----------------------------------------------------------------


def test_a_member_sees_only_approved_amendments(world, client):
    first = approved(world.fund_a)
    draft = version_start_from_version(version=first, actor=None)

    client.force_login(world.member_login_a)
    page = page_of(client, first)
    assert "แก้ไขโดย" not in page and f"/regulations/{draft.pk}/" not in page
    assert client.get(f"/f/{world.fund_a.pk}/regulations/{draft.pk}/").status_code == 404

    client.force_login(world.chair_a)
    page = page_of(client, first)
    assert "แก้ไขโดย" in page and f"/regulations/{draft.pk}/" in page
    assert re.search(r"ฉบับที่ 2</a> <span class=\"badge draft\">ร่าง</span>", page)

    version_approve(
        version=draft,
        resolution="มติ 2/2561",
        resolution_date=dt.date(2018, 3, 1),
        effective_date=dt.date(2018, 4, 1),
        actor=None,
        today=TODAY,
    )
    client.force_login(world.member_login_a)
    page = page_of(client, first)
    assert "แก้ไขโดย" in page and f"/regulations/{draft.pk}/" in page


# --- the approval's dates ----------------------------------------------------------------------


def approve(v, **kw):
    data = {
        "resolution": "มติที่ประชุมใหญ่ 1/2552",
        "resolution_date": dt.date(2009, 5, 20),
        "effective_date": dt.date(2009, 6, 1),
        "actor": None,
        "today": TODAY,
    }
    data.update(kw)
    with translation.override("en"):
        return version_approve(version=v, **data)


def refused(v, **kw) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as exc:
        approve(v, **kw)
    v.refresh_from_db()
    assert v.is_draft
    return exc.value.message_dict


def test_a_version_is_not_in_force_before_the_fund_was_founded(world, draft):
    errors = refused(draft, resolution_date=dt.date(1957, 1, 1), effective_date=dt.date(1957, 1, 1))
    assert "effective_date" in errors and "1 Jun 2009" in errors["effective_date"][0]
    assert "founded" in errors["effective_date"][0]
    errors = refused(draft, effective_date=dt.date(2009, 5, 31))
    assert list(errors) == ["effective_date"]


def test_a_version_is_not_in_force_before_the_meeting_that_approved_it(world, draft):
    errors = refused(draft, resolution_date=dt.date(2018, 3, 1), effective_date=dt.date(2018, 2, 1))
    assert list(errors) == ["effective_date"]
    assert "1 Mar 2018" in errors["effective_date"][0]
    # in force from the meeting's day is fine
    v = approve(draft, resolution_date=dt.date(2018, 3, 1), effective_date=dt.date(2018, 3, 1))
    assert v.effective_date == dt.date(2018, 3, 1)


def test_the_meeting_of_a_recorded_resolution_counts_too(world, draft):
    r = recorded_resolution(world.fund_a, dt.date(2024, 3, 10), "แก้ไขระเบียบ")
    errors = refused(draft, resolution_record=r, effective_date=dt.date(2024, 3, 1))
    assert list(errors) == ["effective_date"] and "10 Mar 2024" in errors["effective_date"][0]


def test_the_founding_meeting_may_be_up_to_a_year_before_the_founding(world, draft):
    assert earliest_meeting(world.fund_a) == dt.date(2008, 6, 1)
    errors = refused(draft, resolution_date=dt.date(2008, 5, 31))
    assert list(errors) == ["resolution_date"] and "1 Jun 2008" in errors["resolution_date"][0]
    v = approve(draft, resolution_date=dt.date(2008, 6, 1))
    assert v.resolution_date == dt.date(2008, 6, 1)


def test_the_approval_page_names_the_field_in_thai(world, client, draft):
    client.force_login(world.chair_a)
    url = f"/f/{world.fund_a.pk}/regulations/{draft.pk}/approve/"
    response = client.post(
        url,
        {
            "resolution": "มติที่ประชุมใหญ่ 1/2500",
            "resolution_date": "01/01/2500",
            "effective_date": "01/01/2500",
            "warnings_read": "on",
        },
    )
    assert response.status_code == 400
    page = text_of(response.content.decode())
    assert "กองทุนก่อตั้งเมื่อ 1 มิ.ย. 2552 ระเบียบจะมีผลใช้บังคับก่อนวันก่อตั้งไม่ได้" in page
    assert "การประชุมที่อนุมัติระเบียบต้องไม่เกิดก่อนวันก่อตั้งเกินหนึ่งปี" in page
    response = client.post(
        url,
        {
            "resolution": "มติที่ประชุมใหญ่ 1/2561",
            "resolution_date": "01/03/2561",
            "effective_date": "01/02/2561",
            "warnings_read": "on",
        },
    )
    assert response.status_code == 400
    assert "ที่ประชุมอนุมัติระเบียบฉบับนี้เมื่อ 1 มี.ค. 2561" in text_of(response.content.decode())
    draft.refresh_from_db()
    assert draft.is_draft

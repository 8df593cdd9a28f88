"""What a user sees of the exchange: the download and import page, and a Thai transcript
uploaded in TIS-620/Windows-874 or as .docx through the session page."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from lxml import etree

from kongtun.aar.models import Code, Transcript
from kongtun.aar.qda import schema_errors
from kongtun.aar.search import kwic_search
from kongtun.aar.services import team_member_add
from kongtun.funds.models import Role
from kongtun.funds.services import role_grant

from ..conftest import _fund
from .documents import dele, docx, ins, p, r
from .qda_helpers import small_study


@pytest.fixture
def site(db, make_user):
    fund = _fund("XCHG", "กองทุนหน้าเว็บ", "510707")
    other = _fund("XCHO", "กองทุนอื่น", "510706")
    lead, coder, outsider, chair = (
        make_user("lead"),
        make_user("coder"),
        make_user("outsider"),
        make_user("chair"),
    )
    role_grant(fund=other, user=outsider, role=Role.CHAIR, actor=None)
    role_grant(fund=fund, user=chair, role=Role.CHAIR, actor=None)
    study, fg, *_ = small_study(fund, lead)
    team_member_add(study=study, user=coder, role="coder")
    return {
        "fund": fund,
        "study": study,
        "fg": fg,
        "lead": lead,
        "coder": coder,
        "outsider": outsider,
        "chair": chair,
        "other": other,
    }


def url(site, name, *args):
    return reverse(name, args=[site["fund"].pk, site["study"].pk, *args])


def test_team_downloads_a_valid_project_and_codebook(client, site):
    client.force_login(site["coder"])
    page = client.get(url(site, "aar_exchange"))
    assert page.status_code == 200
    assert "Import" not in page.content.decode() and "นำเข้า" not in page.content.decode()
    data = client.get(url(site, "aar_export_qdpx"))
    assert data.status_code == 200 and "attachment" in data["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(data.content)) as z:
        assert schema_errors(etree.fromstring(z.read("project.qde")), "project") == []
    qdc = client.get(url(site, "aar_export_qdc"))
    assert schema_errors(etree.fromstring(qdc.content), "codebook") == []


def test_only_the_lead_imports(client, site):
    data = (
        '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
        '<Code guid="6a3f7e8c-0000-4000-8000-000000000099" name="รหัสใหม่" isCodable="true"/>'
        "</Codes></CodeBook>"
    ).encode()
    client.force_login(site["coder"])
    refused = client.post(url(site, "aar_exchange"), {"file": SimpleUploadedFile("b.qdc", data)})
    assert refused.status_code == 403
    client.force_login(site["lead"])
    done = client.post(
        url(site, "aar_exchange"), {"file": SimpleUploadedFile("b.qdc", data)}, follow=True
    )
    assert done.status_code == 200
    assert Code.objects.filter(study=site["study"], name_th="รหัสใหม่").exists()


def test_a_refused_import_names_the_reason_on_the_page(client, site):
    client.force_login(site["lead"])
    page = client.post(
        url(site, "aar_exchange"),
        {"file": SimpleUploadedFile("x.qdpx", b"not a zip at all")},
    )
    assert page.status_code == 200
    assert "zip" in page.content.decode()  # the reason, in Thai or English
    assert 'role="alert"' in page.content.decode() or "errorlist" in page.content.decode()


@pytest.mark.parametrize("who", ["outsider", "chair"])
def test_others_do_not_reach_the_exchange(client, site, who):
    """Another fund's chair, and this fund's committee (not allowed to read): 404."""
    client.force_login(site[who])
    for name in ("aar_exchange", "aar_export_qdpx", "aar_export_qdc"):
        assert client.get(url(site, name)).status_code == 404


def test_cp874_transcript_uploaded_on_the_session_page(client, site):
    client.force_login(site["lead"])
    text = "ผู้นำชุมชน: ความโปร่งใสของกรรมการทำให้ชาวบ้านเชื่อมั่น\nอสอ.: น้ำใจช่วยกัน"
    upload = SimpleUploadedFile("fg.txt", text.encode("cp874"))
    response = client.post(
        url(site, "aar_session", site["fg"].pk),
        {"action": "transcript", "title": "ไฟล์ภาษาไทยแบบเก่า", "file": upload},
    )
    assert response.status_code == 302
    transcript = Transcript.objects.get(title="ไฟล์ภาษาไทยแบบเก่า")
    assert transcript.text == text  # converted, not mojibake
    assert transcript.turns.count() == 2
    assert any(h.transcript_id == transcript.pk for h in kwic_search(site["study"], "โปร่งใส").hits)


def test_mojibake_upload_is_refused_on_the_page(client, site):
    client.force_login(site["lead"])
    upload = SimpleUploadedFile("fg.txt", "Café crème déjà vu à côté".encode("latin-1"))
    response = client.post(
        url(site, "aar_session", site["fg"].pk),
        {"action": "transcript", "title": "เสีย", "file": upload},
    )
    assert response.status_code == 200
    assert not Transcript.objects.filter(title="เสีย").exists()


def test_docx_with_tracked_changes_uploaded_and_the_user_told(client, site):
    client.force_login(site["lead"])
    body = p(r("ผู้นำชุมชน: กรรมการ"), dele("ไม่"), ins("ได้"), r("ปิดประกาศบัญชี")) + p(r("อสอ.: ใช่"))
    upload = SimpleUploadedFile("fg.docx", docx(body))
    response = client.post(
        url(site, "aar_session", site["fg"].pk),
        {"action": "transcript", "title": "เวิร์ด", "file": upload},
        follow=True,
    )
    assert response.status_code == 200
    assert Transcript.objects.get(title="เวิร์ด").text == ("ผู้นำชุมชน: กรรมการได้ปิดประกาศบัญชี\nอสอ.: ใช่")
    assert len(list(response.context["messages"])) == 1  # "insertions kept, deletions dropped"


def test_keyword_in_context_page(client, site):
    client.force_login(site["coder"])
    page = client.get(url(site, "aar_kwic"), {"q": "โปร่งใส"})
    assert page.status_code == 200
    body = page.content.decode()
    assert "<mark>โปร่งใส</mark>" in body
    assert "ความ" in body and "ของกรรมการ" in body  # the words either side
    assert page.context["result"].total == 2


def test_keyword_in_context_for_the_committee_shows_pseudonyms(client, site):
    from kongtun.aar.services import (
        committee_permission_set,
        participant_add,
        transcript_create,
    )

    participant_add(
        session=site["fg"],
        target_group="working_team",
        name="สมศรี ใจดี",
        pseudonym="ผู้ให้ข้อมูล ก",
        consent_given=True,
    )
    transcript_create(session=site["fg"], text="สมศรี ใจดี: กรรมการโปร่งใสมาก\nผู้นำ: จริง")
    client.force_login(site["chair"])
    assert client.get(url(site, "aar_kwic"), {"q": "โปร่งใส"}).status_code == 404
    committee_permission_set(study=site["study"], fund=site["fund"], allowed=True)
    page = client.get(url(site, "aar_kwic"), {"q": "โปร่งใส"})
    assert page.status_code == 200
    body = page.content.decode()
    assert "สมศรี" not in body and "ผู้ให้ข้อมูล ก" in body
    client.force_login(site["outsider"])
    assert client.get(url(site, "aar_kwic"), {"q": "โปร่งใส"}).status_code == 404

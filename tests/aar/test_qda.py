"""REFI-QDA exchange: exports valid against the standard's schemas, Thai intact, names that
may not leave the app replaced by pseudonyms, the round trip, and the files refused whole."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import translation
from lxml import etree

from kongtun.aar.models import Code, Memo, Segment, Session, TargetGroup, Transcript
from kongtun.aar.qda import (
    CODEBOOK_NS,
    PROJECT_NS,
    codebook_export_qdc,
    qda_import,
    schema_errors,
    study_export_qdpx,
)
from kongtun.aar.services import (
    code_save,
    memo_add,
    participant_add,
    segment_code,
    study_create,
    team_member_add,
    transcript_create,
)

from ..conftest import _fund
from .qda_helpers import FG_TEXT, small_study

NS = {"q": PROJECT_NS}
NAMED_TEXT = "สมศรี ใจดี: เราช่วยกันดูบัญชี ความโปร่งใสสำคัญ\nบุญมี มีสุข: ใช่ครับ สมศรีพูดถูก"


@pytest.fixture
def coded(db, make_user):
    fund = _fund("QDA", "กองทุนแลกเปลี่ยน", "510709")
    lead, coder = make_user("lead"), make_user("coder2")
    study, fg, _interview, t1, _t2 = small_study(fund, lead)
    team_member_add(study=study, user=coder, role="coder")
    participant_add(
        session=fg,
        target_group=TargetGroup.WORKING_TEAM,
        name="สมศรี ใจดี",
        pseudonym="ผู้ให้ข้อมูล ก",
        consent_given=True,
    )
    participant_add(
        session=fg,
        target_group=TargetGroup.COMMUNITY_LEADER,
        name="บุญมี มีสุข",
        pseudonym="ผู้ให้ข้อมูล ข",
        consent_given=True,
        consent_named=True,
    )
    t3 = transcript_create(session=fg, text=NAMED_TEXT, title="ถอดเทป ๓", actor=lead)
    factor = Code.objects.filter(study=study, kind="factor", parent__isnull=False).first()
    own = code_save(
        study=study,
        code=None,
        name_th="ความไว้วางใจ",
        definition="สมาชิกเชื่อใจกรรมการ",
        colour="#1f78b4",
        parent=None,
    )
    child = code_save(study=study, code=None, name_th="บัญชีเปิดเผย", colour="#33a02c", parent=own)
    s = FG_TEXT.index("ความโปร่งใส")
    seg = segment_code(
        transcript=t1, start=s, end=s + len("ความโปร่งใสของกรรมการ"), coder=lead, codes=[factor, own]
    )
    segment_code(transcript=t1, start=s, end=s + len("ความโปร่งใส"), coder=coder, codes=[factor])
    n = NAMED_TEXT.index("บุญมี")
    segment_code(transcript=t3, start=n, end=len(NAMED_TEXT), coder=coder, codes=[child])
    # a segment that starts inside the name that must not leave the app
    segment_code(transcript=t3, start=3, end=NAMED_TEXT.index("\n"), coder=lead, codes=[own])
    memo_add(study=study, author=lead, text="รหัสนี้ใช้กับเรื่องความเชื่อใจ", code=own)
    memo_add(study=study, author=coder, text="ตัวอย่างที่ชัดที่สุด สมศรีเล่า", segment=seg)
    memo_add(study=study, author=lead, text="บรรยากาศเป็นกันเอง", session=fg)
    return {"study": study, "fund": fund, "lead": lead, "coder": coder, "t1": t1, "t3": t3}


def unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {name: z.read(name) for name in z.namelist()}


def qde(data: bytes) -> etree._Element:
    return etree.fromstring(unzip(data)["project.qde"])


def canonical(data: bytes) -> dict:
    """What must survive a round trip: codes, texts, codings and notes, by content."""
    files = unzip(data)
    root = etree.fromstring(files["project.qde"])
    paths = {}
    codes = set()

    def walk(el, path):
        for code in el.findall("q:Code", NS):
            p = (*path, code.get("name"))
            paths[code.get("guid")] = p
            codes.add((p, code.get("color"), code.findtext("q:Description", "", NS)))
            walk(code, p)

    walk(root.find("q:CodeBook/q:Codes", NS), ())
    users = {u.get("guid"): u.get("id") for u in root.iterfind("q:Users/q:User", NS)}
    texts, codings = set(), set()
    for source in root.iterfind("q:Sources/q:TextSource", NS):
        text = files["Sources/" + source.get("plainTextPath").removeprefix("internal://")].decode()
        texts.add((source.get("name"), text))
        for sel in source.iterfind("q:PlainTextSelection", NS):
            start, end = int(sel.get("startPosition")), int(sel.get("endPosition"))
            for coding in sel.iterfind("q:Coding", NS):
                code = paths[coding.find("q:CodeRef", NS).get("targetGUID")]
                codings.add((text[start:end], start, end, code, users[coding.get("creatingUser")]))
    notes = {n.findtext("q:PlainTextContent", "", NS) for n in root.iterfind("q:Notes/q:Note", NS)}
    cases = {
        (c.get("name"), tuple(sorted(v.findtext("*[2]", "", None) or "" for v in c)))
        for c in root.iterfind("q:Cases/q:Case", NS)
    }
    return {"codes": codes, "texts": texts, "codings": codings, "notes": notes, "cases": cases}


def test_export_follows_the_refi_qda_project_schema(coded):
    data = study_export_qdpx(study=coded["study"])
    root = qde(data)
    assert schema_errors(root, "project") == []
    assert etree.QName(root).namespace == PROJECT_NS
    files = unzip(data)
    for source in root.iterfind("q:Sources/q:TextSource", NS):
        path = source.get("plainTextPath")
        assert path.startswith("internal://")
        assert "Sources/" + path.removeprefix("internal://") in files
    # codes hierarchical with colours and definitions
    own = root.find("q:CodeBook/q:Codes/q:Code[@name='ความไว้วางใจ']", NS)
    assert own.get("color") == "#1f78b4" and own.get("isCodable") == "true"
    assert own.findtext("q:Description", None, NS) == "สมาชิกเชื่อใจกรรมการ"
    assert own.find("q:Code[@name='บัญชีเปิดเผย']", NS) is not None
    # a case per session, with the fund and target group as variables
    variables = {v.get("guid"): v.get("name") for v in root.iterfind("q:Variables/q:Variable", NS)}
    case = root.find("q:Cases/q:Case[@name='สนทนากลุ่มคณะทำงาน']", NS)
    values = {
        variables[v.find("q:VariableRef", NS).get("targetGUID")]: v[1].text
        for v in case.iterfind("q:VariableValue", NS)
    }
    assert values["กองทุน (fund)"] == "กองทุนแลกเปลี่ยน"
    with translation.override("th"):
        group = str(TargetGroup.WORKING_TEAM.label)
    assert values["กลุ่มเป้าหมาย (target group)"] == group
    assert values["รหัสกองทุน (fund code)"] == "QDA"
    assert values["วันที่จัด (date held)"] == "2026-10-05"  # Gregorian, xsd:date
    assert len(case.findall("q:SourceRef", NS)) == 2
    # memos are notes, referenced from the code, the selection and the session's source
    assert len(root.findall("q:Notes/q:Note", NS)) == 3
    assert own.find("q:NoteRef", NS) is not None


def test_export_keeps_thai_text_exactly_and_counts_characters(coded):
    data = study_export_qdpx(study=coded["study"])
    root, files = qde(data), unzip(data)
    t1 = coded["t1"]
    source = root.find(f"q:Sources/q:TextSource[@guid='{t1.guid}']", NS)
    text = files[f"Sources/{t1.guid}.txt"].decode("utf-8")
    assert text == t1.text == FG_TEXT
    starts = {
        (int(s.get("startPosition")), int(s.get("endPosition")))
        for s in source.iterfind("q:PlainTextSelection", NS)
    }
    s = FG_TEXT.index("ความโปร่งใส")
    assert (s, s + len("ความโปร่งใสของกรรมการ")) in starts  # code points, end exclusive


def test_codebook_export_follows_the_codebook_schema(coded):
    root = etree.fromstring(codebook_export_qdc(study=coded["study"]))
    assert schema_errors(root, "codebook") == []
    assert etree.QName(root).namespace == CODEBOOK_NS
    names = {c.get("name") for c in root.iter(f"{{{CODEBOOK_NS}}}Code")}
    assert {"ความไว้วางใจ", "บัญชีเปิดเผย", "ปัจจัยเอื้อ INFORMAL SECTOR"} <= names


def test_names_without_consent_never_leave_the_app(coded):
    data = study_export_qdpx(study=coded["study"])
    everything = b"".join(unzip(data).values()).decode("utf-8")
    assert "สมศรี" not in everything  # full name and first name alike
    assert "ผู้ให้ข้อมูล ก" in everything
    assert "บุญมี มีสุข" in everything  # consented to be named
    # selections moved with the replaced names still cover the same words
    t3 = coded["t3"]
    root = qde(data)
    text = unzip(data)[f"Sources/{t3.guid}.txt"].decode()
    assert text.startswith("ผู้ให้ข้อมูล ก: เราช่วยกันดูบัญชี")
    spans = {
        text[int(s.get("startPosition")) : int(s.get("endPosition"))]
        for s in root.iterfind(
            f"q:Sources/q:TextSource[@guid='{t3.guid}']/q:PlainTextSelection", NS
        )
    }
    assert "บุญมี มีสุข: ใช่ครับ ผู้ให้ข้อมูล กพูดถูก" in spans
    assert "ผู้ให้ข้อมูล ก: เราช่วยกันดูบัญชี ความโปร่งใสสำคัญ" in spans  # began inside the name


def test_round_trip_export_import_export(coded, make_user):
    first = study_export_qdpx(study=coded["study"])
    other = study_create(title="นำเข้า", funds=[coded["fund"]], lead=coded["lead"])
    team_member_add(study=other, user=coded["coder"], role="coder")
    report = qda_import(study=other, data=first, filename="a.qdpx", actor=coded["lead"])
    assert report.transcripts == 3 and report.sessions == 2 and report.memos == 3
    assert report.codes_created == 2  # the seeded codebook matched by name
    second = study_export_qdpx(study=other)
    assert schema_errors(qde(second), "project") == []
    a, b = canonical(first), canonical(second)
    assert a["codes"] == b["codes"]
    assert a["texts"] == b["texts"]
    assert a["codings"] == b["codings"] and len(a["codings"]) == 5
    assert a["notes"] == b["notes"]
    assert a["cases"] == b["cases"]
    # the coders kept their own segments (two-coder agreement still possible)
    assert set(
        Segment.objects.filter(transcript__session__study=other).values_list(
            "coder__username", flat=True
        )
    ) == {"lead", "coder2"}


def test_importing_the_same_sources_twice_is_refused(coded):
    data = study_export_qdpx(study=coded["study"])
    with pytest.raises(ValidationError) as caught:
        qda_import(study=coded["study"], data=data, filename="a.qdpx", actor=coded["lead"])
    assert caught.value.code == "again"


def counts(study):
    return (
        Code.objects.filter(study=study).count(),
        Session.objects.filter(study=study).count(),
        Transcript.objects.filter(session__study=study).count(),
        Segment.objects.filter(transcript__session__study=study).count(),
        Memo.objects.filter(study=study).count(),
    )


def refused(study, actor, data: bytes, filename: str = "x.qdpx") -> ValidationError:
    before = counts(study)
    with pytest.raises(ValidationError) as caught:
        qda_import(study=study, data=data, filename=filename, actor=actor)
    assert counts(study) == before  # nothing half-imported
    return caught.value


def rezip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, content in files.items():
            z.writestr(name, content)
    return buf.getvalue()


@pytest.fixture
def target(coded):
    study = study_create(title="ปลายทาง", funds=[coded["fund"]], lead=coded["lead"])
    return study, coded["lead"], study_export_qdpx(study=coded["study"])


def test_refuses_a_file_that_is_not_a_zip(target):
    study, lead, _data = target
    assert refused(study, lead, "ไม่ใช่ไฟล์ zip".encode()).code == "not_zip"


def test_refuses_a_zip_without_project_qde(target):
    study, lead, data = target
    files = unzip(data)
    files.pop("project.qde")
    error = refused(study, lead, rezip(files))
    assert error.code == "no_project" and "project.qde" in error.messages[0]


def test_refuses_a_project_that_fails_the_schema(target):
    study, lead, data = target
    files = unzip(data)
    files["project.qde"] = files["project.qde"].replace(b' isCodable="true"', b"", 1)
    error = refused(study, lead, rezip(files))
    assert error.code == "schema" and "isCodable" in error.messages[0]


def test_refuses_references_to_undefined_guids(target):
    study, lead, data = target
    files = unzip(data)
    root = etree.fromstring(files["project.qde"])
    ref = next(root.iter(f"{{{PROJECT_NS}}}CodeRef"))
    ref.set("targetGUID", "00000000-0000-0000-0000-00000000dead")
    files["project.qde"] = etree.tostring(root)
    error = refused(study, lead, rezip(files))
    assert error.code == "guid" and "00000000-0000-0000-0000-00000000dead" in error.messages[0]


def test_refuses_a_selection_outside_its_text(target):
    study, lead, data = target
    files = unzip(data)
    root = etree.fromstring(files["project.qde"])
    sel = next(root.iter(f"{{{PROJECT_NS}}}PlainTextSelection"))
    sel.set("endPosition", "100000")
    files["project.qde"] = etree.tostring(root)
    error = refused(study, lead, rezip(files))
    assert error.code == "offsets" and "100000" in error.messages[0]


def test_refuses_a_source_missing_from_the_zip(target):
    study, lead, data = target
    files = {k: v for k, v in unzip(data).items() if not k.startswith("Sources/")}
    assert refused(study, lead, rezip(files)).code == "source"


def test_a_late_failure_leaves_nothing_behind(target):
    """The codes are written before the sources; a source refused then undoes them too."""
    study, lead, data = target
    files = unzip(data)
    name = next(k for k in files if k.startswith("Sources/"))
    files[name] += " ข้อความเสีย \ufffd".encode()  # read in the wrong encoding somewhere
    assert refused(study, lead, rezip(files)).code == "source"


QUALCODER_LIKE = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="งานวิจัยจากเครื่องมืออื่น" origin="QualCoder 3.5">
<Users><User guid="6a3f7e8c-0000-4000-8000-000000000001" name="researcher"/></Users>
<CodeBook><Codes>
<Code guid="6a3f7e8c-0000-4000-8000-000000000010" name="ความโปร่งใส" isCodable="true" color="#F0A">
<Description>การเปิดเผยบัญชี</Description>
<Code guid="6a3f7e8c-0000-4000-8000-000000000011" name="ปิดประกาศ" isCodable="true"/>
</Code></Codes></CodeBook>
<Sources>
<TextSource guid="6a3f7e8c-0000-4000-8000-000000000020" name="สัมภาษณ์ ๑">
<PlainTextContent>ผู้ให้ข้อมูล: กรรมการปิดประกาศบัญชีทุกเดือน ทุกคนเห็น</PlainTextContent>
<PlainTextSelection guid="6a3f7e8c-0000-4000-8000-000000000030" startPosition="13" endPosition="30"
 creatingUser="6a3f7e8c-0000-4000-8000-000000000001">
<Coding guid="6a3f7e8c-0000-4000-8000-000000000040" creatingUser="6a3f7e8c-0000-4000-8000-000000000001">
<CodeRef targetGUID="6a3f7e8c-0000-4000-8000-000000000011"/></Coding>
<NoteRef targetGUID="6a3f7e8c-0000-4000-8000-000000000050"/>
</PlainTextSelection>
<Coding guid="6a3f7e8c-0000-4000-8000-000000000041"><CodeRef targetGUID="6a3f7e8c-0000-4000-8000-000000000010"/></Coding>
</TextSource>
<PictureSource guid="6a3f7e8c-0000-4000-8000-000000000021" name="ภาพประชุม" path="internal://x.jpg"/>
</Sources>
<Notes><Note guid="6a3f7e8c-0000-4000-8000-000000000050" name="บันทึก">
<PlainTextContent>ตรงนี้ชัดเจน</PlainTextContent></Note></Notes>
</Project>"""


def test_imports_a_project_written_by_another_tool(target):
    study, lead, _ = target
    report = qda_import(
        study=study,
        data=rezip({"project.qde": QUALCODER_LIKE.encode()}),
        filename="other.qdpx",
        actor=lead,
    )
    assert report.transcripts == 1 and report.memos == 1 and report.codes_created == 2
    assert any("ภาพประชุม" in line for line in report.skipped)  # pictures are not imported
    code = Code.objects.get(study=study, name_th="ความโปร่งใส", parent=None)
    assert code.colour == "#ff00aa" and code.definition == "การเปิดเผยบัญชี"
    assert code.children.get().name_th == "ปิดประกาศ"
    transcript = Transcript.objects.get(session__study=study)
    assert transcript.text == "ผู้ให้ข้อมูล: กรรมการปิดประกาศบัญชีทุกเดือน ทุกคนเห็น"
    segments = {
        (s.start, s.end, s.coder.username): {c.code.name_th for c in s.codings.all()}
        for s in Segment.objects.filter(transcript=transcript)
    }
    # "researcher" is on no team: the work is the importer's; whole-source coding kept
    assert segments == {
        (13, 30, "lead"): {"ปิดประกาศ"},
        (0, len(transcript.text), "lead"): {"ความโปร่งใส"},
    }
    assert Memo.objects.get(study=study).segment.start == 13


def test_codebook_import(target):
    study, lead, _ = target
    qdc = codebook_export_qdc(study=Code.objects.get(name_th="ความไว้วางใจ").study)
    before = Code.objects.filter(study=study).count()
    report = qda_import(study=study, data=qdc, filename="book.qdc", actor=lead)
    assert report.codes_created == 2
    assert Code.objects.filter(study=study).count() == before + 2
    assert Code.objects.get(study=study, name_th="บัญชีเปิดเผย").parent.name_th == "ความไว้วางใจ"


def test_codebook_that_fails_its_schema_is_refused(target):
    study, lead, _ = target
    bad = b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes/></CodeBook>'
    assert refused(study, lead, bad, "x.qdc").code == "schema"


def test_commands_export_and_import(coded, tmp_path):
    study = coded["study"]
    qdpx, qdc = tmp_path / "s.qdpx", tmp_path / "s.qdc"
    call_command("aar_export", str(study.pk), "-o", str(qdpx))
    call_command("aar_export_codebook", str(study.pk), "-o", str(qdc))
    assert schema_errors(qde(qdpx.read_bytes()), "project") == []
    assert schema_errors(etree.fromstring(qdc.read_bytes()), "codebook") == []
    out = io.StringIO()
    call_command("aar_import", str(qdpx), "--fund", "QDA", "--user", "lead", stdout=out)
    assert "3" in out.getvalue()
    bad = tmp_path / "bad.qdpx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(CommandError, match=r"bad\.qdpx"):
        call_command("aar_import", str(bad), "--study", str(study.pk))

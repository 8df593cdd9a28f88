"""Reading uploaded transcripts: Thai in UTF-8 and in TIS-620/Windows-874, Word and
LibreOffice documents with tables, images and tracked changes, and the files refused."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from kongtun.aar.textfiles import TRANSCRIPT_MAX_BYTES, Turn, read_transcript_file

from .documents import dele, docx, drawing, ins, odt, p, r, table

THAI = "ผู้ประสานงาน: กองทุนของเรามีความโปร่งใสของกรรมการ น้ำใจของสมาชิกสำคัญ\nผู้นำชุมชน: ใช่ครับ"


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def refusal(name: str, data: bytes) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        read_transcript_file(upload(name, data))
    return caught.value


def test_utf8_with_and_without_bom_and_crlf():
    plain = read_transcript_file(upload("fg.txt", THAI.encode()))
    bom = read_transcript_file(
        upload("fg.txt", b"\xef\xbb\xbf" + THAI.replace("\n", "\r\n").encode())
    )
    assert plain.text == bom.text == THAI
    assert bom.text[0] == "ผ"  # the BOM is not part of the text


def test_utf16_with_bom():
    assert read_transcript_file(upload("fg.txt", THAI.encode("utf-16"))).text == THAI


def test_cp874_file_is_converted_exactly():
    data = THAI.encode("cp874")
    assert data != THAI.encode()  # real single-byte Thai: e.g. ก is 0xA1
    assert data[:1] == "ผ".encode("cp874") == b"\xbc"
    result = read_transcript_file(upload("fg.txt", data))
    assert result.text == THAI
    assert result.encoding == "cp874"
    assert result.notes  # the user is told it was converted


def test_tis620_bytes_are_read_the_same_as_cp874():
    data = "สวัสดิการชุมชน ตำบลบ้านธิ".encode("tis-620")
    assert read_transcript_file(upload("a.txt", data)).text == "สวัสดิการชุมชน ตำบลบ้านธิ"


def test_latin1_file_is_refused_not_stored_as_mojibake():
    # "Café crème, déjà vu" in Latin-1 decodes under cp874 into Thai marks floating after
    # vowels and spaces: it must be refused, not converted.
    data = "Café crème, déjà vu; à côté; résumé été".encode("latin-1")
    data.decode("cp874")  # decodes without error — the danger
    error = refusal("notes.txt", data)
    assert error.code == "encoding"
    with translation.override("en"):
        assert "UTF-8" in str(error.messages[0])


def test_bytes_no_thai_codec_knows_are_refused():
    assert refusal("x.txt", b"\xff\xfe\xfd\x81\x82 abc").code == "encoding"


def test_binary_file_named_txt_is_refused():
    assert refusal("x.txt", b"PK\x03\x04\x00\x00binary").code == "encoding"


def test_speaker_turns_found_with_offsets_of_the_speech():
    result = read_transcript_file(upload("fg.txt", THAI.encode()))
    first, second = result.turns
    assert first.speaker == "ผู้ประสานงาน"
    assert result.text[first.start : first.end].startswith("กองทุนของเรา")
    assert result.text[first.start : first.end].endswith("สำคัญ")
    assert second == Turn("ผู้นำชุมชน", result.text.index("ใช่ครับ"), len(result.text))


def test_times_and_a_single_label_are_not_turns():
    text = "ประชุมเวลา 10:30 น.\nเริ่ม 13:00 น. ที่ศาลา"
    assert read_transcript_file(upload("a.txt", text.encode())).turns == []
    one = "หมายเหตุ: เอกสารนี้สังเคราะห์\nไม่มีผู้พูด"
    assert read_transcript_file(upload("a.txt", one.encode())).turns == []


@pytest.mark.parametrize("data", [b"", b"   \n\r\n\t ", "\ufeff".encode()])
def test_empty_transcript_refused(data):
    assert refusal("empty.txt", data).code == "empty"


def test_empty_docx_refused():
    assert refusal("empty.docx", docx(p() + table(["", ""]))).code == "empty"


def test_oversize_file_refused_before_reading():
    data = b"a" * (TRANSCRIPT_MAX_BYTES + 1)
    error = refusal("big.txt", data)
    assert error.code == "too_big"
    with translation.override("en"):
        assert "5.0" in error.messages[0]  # names the limit


def test_docx_with_tracked_changes_keeps_insertions_drops_deletions():
    body = p(r("กรรมการ"), dele("ไม่"), ins("ได้"), r("ทำบัญชีทุกเดือน"))
    with translation.override("en"):
        result = read_transcript_file(upload("fg.docx", docx(body)))
    assert result.text == "กรรมการได้ทำบัญชีทุกเดือน"
    notes = " ".join(result.notes)
    assert "insertions were kept" in notes and "deletions" in notes


def test_docx_with_table_and_image():
    body = (
        p(r("การสนทนากลุ่ม ครั้งที่ ๑"), drawing())
        + table(["ผู้นำชุมชน", "เรามีความโปร่งใส"], ["อสม.", "น้ำใจช่วยกัน"])
        + p(r("จบ"))
    )
    with translation.override("en"):
        result = read_transcript_file(upload("fg.docx", docx(body)))
    assert result.text == ("การสนทนากลุ่ม ครั้งที่ ๑\nผู้นำชุมชน: เรามีความโปร่งใส\nอสม.: น้ำใจช่วยกัน\nจบ")
    assert [t.speaker for t in result.turns] == ["ผู้นำชุมชน", "อสม."]
    notes = " ".join(result.notes)
    assert "1 images or drawings were skipped" in notes
    assert "tables were read row by row" in notes


def test_docx_three_column_table_keeps_every_cell():
    body = table(["ลำดับ", "ผู้พูด", "ข้อความ"], ["1", "ก", "ข"])
    result = read_transcript_file(upload("t.docx", docx(body)))
    assert result.text == "ลำดับ | ผู้พูด | ข้อความ\n1 | ก | ข"


def test_docx_that_is_not_a_zip_or_lacks_the_document_is_refused():
    assert refusal("x.docx", "สวัสดี".encode()).code == "damaged"
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/other.xml", "<x/>")
    assert refusal("x.docx", buf.getvalue()).code == "damaged"


def test_docx_with_an_external_entity_is_not_resolved():
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(
            "word/document.xml",
            '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            "<w:body><w:p><w:r><w:t>ก&amp;&x;</w:t></w:r></w:p></w:body></w:document>",
        )
    try:
        result = read_transcript_file(upload("x.docx", buf.getvalue()))
    except ValidationError:
        return
    assert "root:" not in result.text


def test_odt_with_tracked_changes_table_and_image():
    body = (
        '<text:tracked-changes><text:changed-region text:id="ct1"><text:deletion>'
        "<office:change-info/><text:p>ไม่</text:p></text:deletion></text:changed-region>"
        '<text:changed-region text:id="ct2"><text:insertion><office:change-info/>'
        "</text:insertion></text:changed-region></text:tracked-changes>"
        '<text:h text:outline-level="1">บันทึกการประชุม</text:h>'
        '<text:p>กรรมการ<text:change text:change-id="ct1"/>'
        '<text:change-start text:change-id="ct2"/>ได้<text:change-end text:change-id="ct2"/>'
        'ทำบัญชี<text:s text:c="2"/>ทุกเดือน<text:note><text:note-body><text:p>เชิงอรรถ</text:p>'
        "</text:note-body></text:note></text:p>"
        '<text:p><draw:frame draw:name="รูป1"><draw:image xlink:href="Pictures/image1.png"/>'
        "</draw:frame>หลังรูป</text:p>"
        "<table:table><table:table-row><table:table-cell><text:p>ผู้นำชุมชน</text:p></table:table-cell>"
        "<table:table-cell><text:p>เรา<text:span>โปร่งใส</text:span></text:p></table:table-cell>"
        "</table:table-row><table:table-row><table:table-cell><text:p>อสม.</text:p>"
        "</table:table-cell><table:table-cell><text:p>ช่วยกัน</text:p></table:table-cell>"
        "</table:table-row></table:table>"
        "<text:list><text:list-item><text:p>ข้อหนึ่ง</text:p></text:list-item></text:list>"
    )
    with translation.override("en"):
        result = read_transcript_file(upload("fg.odt", odt(body)))
    assert result.text == (
        "บันทึกการประชุม\nกรรมการได้ทำบัญชี  ทุกเดือน\nหลังรูป\nผู้นำชุมชน: เราโปร่งใส\nอสม.: ช่วยกัน\nข้อหนึ่ง"
    )
    assert "ไม่" not in result.text and "เชิงอรรถ" not in result.text
    notes = " ".join(result.notes)
    assert "deletions dropped" in notes and "images" in notes and "tables" in notes


def test_empty_odt_refused():
    assert refusal("e.odt", odt("<text:p/>")).code == "empty"


@pytest.mark.parametrize("name", ["old.doc", "scan.pdf", "x.rtf", "photo.jpg"])
def test_other_formats_refused_with_what_to_do(name):
    error = refusal(name, b"whatever")
    assert error.code == "format"
    assert name in error.messages[0]


def test_thai_text_kept_exactly_including_decomposed_sara_am():
    # SARA AM written as NIKHAHIT + SARA AA (as some keyboards produce) stays as written.
    text = "น\u0e49\u0e4d\u0e32ใจ และ น้ำใจ"
    assert read_transcript_file(upload("a.txt", text.encode())).text == text

"""Reading an uploaded transcript (.txt, .docx, .odt) into plain text and speaker turns.

Thai documents still travel in TIS-620 / Windows-874 (cp874, a superset of TIS-620), and a
byte string in cp874 decodes "successfully" as Latin-1 or as mojibake in many other codecs.
So a .txt is read as UTF-8 (with or without a BOM; UTF-16 with a BOM too) and, only when that
fails, as cp874 — kept only if the result reads as Thai (every tone mark and upper/lower vowel
sits on a consonant). Anything else is refused with a message saying how to save the file:
nothing is ever stored as mojibake.

.docx and .odt are read from their XML with lxml (no python-docx/odfpy: the tracked-change
and table rules below need the XML anyway). Tables are read row by row, cells separated by
" | " — a two-cell row whose first cell is short becomes "speaker: speech" so a transcript kept
as a table still yields speaker turns. Images, drawings and text boxes are skipped. Tracked
changes: insertions are kept, deletions dropped (what the document says once the changes are
accepted); ``notes`` on the result tells the user each of these things happened.

Text is kept exactly as written (no Unicode normalisation) except line ends, which become
``\\n`` so the offsets of coded segments mean the same everywhere.
"""

from __future__ import annotations

import codecs
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from lxml import etree

#: The largest transcript file accepted (a docx with photos in it is still well within).
TRANSCRIPT_MAX_BYTES = 5 * 1024 * 1024  # as forms.MAX_TRANSCRIPT_UPLOAD, the page's limit
#: The most a document's XML part may unpack to (a zip bomb is refused before it is read).
XML_MAX_BYTES = 50 * 1024 * 1024

EXTENSIONS = (".txt", ".docx", ".odt")

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
DRAW = "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}"
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"

_THAI_CONSONANT = re.compile("[\u0e01-\u0e2e]")
#: Thai marks that must follow a consonant (or another such mark): MAI HAN-AKAT, the upper and
#: lower vowels, MAITAIKHU, the tone marks, THANTHAKHAT, NIKHAHIT, YAMAKKAN.
_THAI_MARKS = set("\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a") | set(
    "\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e4d\u0e4e"
)
_SPEAKER_LINE = re.compile(r"^[ \t]*([^:：\n]{1,60}?)[ \t]*[:：][ \t]*(\S.*)$", re.MULTILINE)


@dataclass(frozen=True)
class Turn:
    """One speaker's turn: ``start``/``end`` are offsets of the speech in the text (the label
    "name:" is not part of it)."""

    speaker: str
    start: int
    end: int


@dataclass
class TranscriptText:
    text: str
    turns: list[Turn] = field(default_factory=list)
    encoding: str = "utf-8"
    #: What the reader did that the user should know (tracked changes, images, tables).
    notes: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return self.text


def refuse(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def read_transcript_file(uploaded: IO[bytes], *, name: str | None = None) -> TranscriptText:
    """The text and speaker turns of an uploaded .txt/.docx/.odt, or ``ValidationError`` with
    a message in the user's language saying what is wrong with the file."""
    name = name or getattr(uploaded, "name", "") or ""
    size = getattr(uploaded, "size", None)
    if size is not None and size > TRANSCRIPT_MAX_BYTES:
        raise _too_big()
    data = uploaded.read(TRANSCRIPT_MAX_BYTES + 1)
    if len(data) > TRANSCRIPT_MAX_BYTES:
        raise _too_big()
    lower = name.lower()
    if lower.endswith(".txt") or not lower:
        result = decode_text(data)
    elif lower.endswith(".docx"):
        result = _read_docx(data)
    elif lower.endswith(".odt"):
        result = _read_odt(data)
    elif lower.endswith((".doc", ".rtf", ".pdf")):
        raise refuse(
            _(
                "%(name)s is in an older or print format Kongtun cannot read. Open it and save "
                "it as .docx, .odt or plain text (.txt, UTF-8), then upload that."
            )
            % {"name": name},
            "format",
        )
    else:
        raise refuse(
            _("%(name)s is not a transcript file Kongtun reads: use .txt, .docx or .odt.")
            % {"name": name},
            "format",
        )
    result.text = _normalise_lines(result.text)
    if not result.text.strip():
        raise refuse(_("The transcript is empty: the file holds no text."), "empty")
    result.turns = speaker_turns(result.text)
    return result


def _too_big() -> ValidationError:
    return refuse(
        _("The file is larger than %(limit)s; split the transcript into parts.")
        % {"limit": filesizeformat(TRANSCRIPT_MAX_BYTES)},
        "too_big",
    )


def _normalise_lines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


# --- plain text -------------------------------------------------------------------------------


def decode_text(data: bytes) -> TranscriptText:
    """Decode a .txt: UTF-8 (BOM or not), UTF-16 with a BOM, or Thai cp874 that reads as Thai."""
    if data.startswith(codecs.BOM_UTF8):
        return TranscriptText(_strict(data[3:], "utf-8"), encoding="utf-8-sig")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return TranscriptText(_strict(data, "utf-16"), encoding="utf-16")
    if b"\x00" in data:
        raise _unreadable()
    try:
        return TranscriptText(data.decode("utf-8"), encoding="utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp874")
    except UnicodeDecodeError:
        raise _unreadable() from None
    if not reads_as_thai(text):
        raise _unreadable()
    return TranscriptText(
        text,
        encoding="cp874",
        notes=[_("The file was in the Thai encoding TIS-620/Windows-874; it was converted.")],
    )


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise _unreadable() from None


def _unreadable() -> ValidationError:
    return refuse(
        _(
            "The file's characters could not be read as Thai text (it is neither UTF-8 nor "
            "TIS-620/Windows-874 Thai). Open it in a text editor and save it as UTF-8, then "
            "upload it again."
        ),
        "encoding",
    )


def reads_as_thai(text: str) -> bool:
    """True when the non-ASCII part of ``text`` is Thai and every Thai mark follows a consonant
    or another mark: how cp874 bytes that were really Latin-1 or another codec are told apart
    (they decode into marks floating after spaces and vowels)."""
    thai = 0
    misplaced = 0
    previous = ""
    for ch in text:
        if "\u0e00" <= ch <= "\u0e7f":
            thai += 1
            if ch in _THAI_MARKS and not (
                _THAI_CONSONANT.match(previous) or previous in _THAI_MARKS
            ):
                misplaced += 1
        previous = ch
    return thai > 0 and misplaced <= max(1, thai // 200)


# --- .docx ------------------------------------------------------------------------------------


def _parser() -> etree.XMLParser:
    """No entities, no network, no DTD: a document's XML may only say what it says."""
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=False
    )


def _zip_part(data: bytes, part: str, kind: str) -> etree._Element:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise refuse(
            _("The file is not a valid %(kind)s document (it may be damaged or renamed).")
            % {"kind": kind},
            "damaged",
        ) from None
    with archive:
        try:
            info = archive.getinfo(part)
        except KeyError:
            raise refuse(
                _("The file is not a valid %(kind)s document (it has no %(part)s).")
                % {"kind": kind, "part": part},
                "damaged",
            ) from None
        if info.file_size > XML_MAX_BYTES:
            raise _too_big()
        try:
            raw = archive.read(info)
            return etree.fromstring(raw, parser=_parser())
        except (zipfile.BadZipFile, etree.XMLSyntaxError, OSError, EOFError):
            raise refuse(
                _("The file is not a valid %(kind)s document (it may be damaged or renamed).")
                % {"kind": kind},
                "damaged",
            ) from None


class _Counts:
    def __init__(self) -> None:
        self.inserted = 0
        self.deleted = 0
        self.images = 0
        self.tables = 0

    def notes(self) -> list[str]:
        notes = []
        if self.inserted or self.deleted:
            notes.append(
                _(
                    "The document had tracked changes: insertions were kept and deletions "
                    "dropped (%(ins)s insertions, %(dels)s deletions), as if all changes were "
                    "accepted."
                )
                % {"ins": self.inserted, "dels": self.deleted}
            )
        if self.images:
            notes.append(
                _("%(n)s images or drawings were skipped: only text is kept.") % {"n": self.images}
            )
        if self.tables:
            notes.append(
                _("%(n)s tables were read row by row, cells separated by “ | ”.")
                % {"n": self.tables}
            )
        return notes


def _read_docx(data: bytes) -> TranscriptText:
    root = _zip_part(data, "word/document.xml", ".docx")
    body = root.find(f"{W}body")
    counts = _Counts()
    lines: list[str] = []
    if body is not None:
        for block in body:
            lines.extend(_docx_block(block, counts))
    return TranscriptText("\n".join(lines), encoding="docx", notes=counts.notes())


def _docx_block(el: etree._Element, counts: _Counts) -> Iterator[str]:
    tag = el.tag
    if tag == f"{W}p":
        yield _docx_runs(el, counts)
    elif tag == f"{W}tbl":
        counts.tables += 1
        for row in el.iter(f"{W}tr"):
            if _ancestor_table(row) is not el:
                continue  # a table inside a cell is read as part of that cell
            cells = [
                " ".join(
                    p for p in (_docx_runs(para, counts) for para in _cell_paragraphs(tc)) if p
                )
                for tc in row.findall(f"{W}tc")
            ]
            yield _table_row(cells)
    elif tag in (f"{W}sdt", f"{W}customXml", f"{W}ins", f"{W}moveTo"):
        if tag in (f"{W}ins", f"{W}moveTo"):
            counts.inserted += 1
        content = el.find(f"{W}sdtContent") if tag == f"{W}sdt" else el
        for child in content if content is not None else ():
            yield from _docx_block(child, counts)
    elif tag in (f"{W}del", f"{W}moveFrom"):
        counts.deleted += 1


def _ancestor_table(el: etree._Element) -> etree._Element | None:
    parent = el.getparent()
    while parent is not None and parent.tag != f"{W}tbl":
        parent = parent.getparent()
    return parent


def _cell_paragraphs(tc: etree._Element) -> Iterator[etree._Element]:
    yield from tc.iter(f"{W}p")


def _docx_runs(p: etree._Element, counts: _Counts) -> str:
    """A paragraph's text: runs in order, insertions kept, deletions, field codes and drawings
    left out."""
    out: list[str] = []

    def walk(el: etree._Element) -> None:
        for child in el:
            tag = child.tag
            if not isinstance(tag, str):
                continue
            if tag == f"{W}t":
                out.append(child.text or "")
            elif tag == f"{W}tab":
                out.append("\t")
            elif tag in (f"{W}br", f"{W}cr"):
                out.append("\n")
            elif tag == f"{W}noBreakHyphen":
                out.append("-")
            elif tag in (f"{W}del", f"{W}moveFrom"):
                counts.deleted += 1
            elif tag in (f"{W}ins", f"{W}moveTo"):
                counts.inserted += 1
                walk(child)
            elif tag in (f"{W}drawing", f"{W}pict", f"{W}object"):
                counts.images += 1
            elif tag in (f"{W}delText", f"{W}instrText", f"{W}pPr", f"{W}rPr", f"{MC}Fallback"):
                continue
            else:
                walk(child)

    walk(p)
    return "".join(out)


def _table_row(cells: list[str]) -> str:
    cells = [c.strip() for c in cells]
    if len(cells) == 2 and cells[0] and cells[1] and len(cells[0]) <= 60 and ":" not in cells[0]:
        return f"{cells[0]}: {cells[1]}"
    return " | ".join(c for c in cells if c)


# --- .odt -------------------------------------------------------------------------------------


def _read_odt(data: bytes) -> TranscriptText:
    root = _zip_part(data, "content.xml", ".odt")
    text_root = root.find(f"{OFFICE}body/{OFFICE}text")
    counts = _Counts()
    lines: list[str] = []
    if text_root is not None:
        for block in text_root:
            lines.extend(_odt_block(block, counts))
    return TranscriptText("\n".join(lines), encoding="odt", notes=counts.notes())


def _odt_block(el: etree._Element, counts: _Counts) -> Iterator[str]:
    tag = el.tag
    if tag in (f"{TEXT}p", f"{TEXT}h"):
        yield _odt_inline(el, counts)
    elif tag == f"{TEXT}tracked-changes":
        # The deleted text lives here; insertions are already in the body between
        # change-start/change-end marks.
        for region in el.iter(f"{TEXT}changed-region"):
            if region.find(f"{TEXT}deletion") is not None:
                counts.deleted += 1
            if region.find(f"{TEXT}insertion") is not None:
                counts.inserted += 1
    elif tag == f"{TABLE}table":
        counts.tables += 1
        for row in el.iter(f"{TABLE}table-row"):
            if _odt_ancestor_table(row) is not el:
                continue
            cells = []
            for cell in row.findall(f"{TABLE}table-cell"):
                parts = [
                    _odt_inline(p, counts)
                    for p in cell.iter(f"{TEXT}p", f"{TEXT}h")
                    if _odt_ancestor_table(p) is el
                ]
                cells.append(" ".join(p for p in parts if p))
            yield _table_row(cells)
    elif tag in (f"{TEXT}list", f"{TEXT}list-item", f"{TEXT}section", f"{TEXT}list-header"):
        for child in el:
            yield from _odt_block(child, counts)
    elif tag == f"{DRAW}frame":
        counts.images += 1


def _odt_ancestor_table(el: etree._Element) -> etree._Element | None:
    parent = el.getparent()
    while parent is not None and parent.tag != f"{TABLE}table":
        parent = parent.getparent()
    return parent


def _odt_inline(p: etree._Element, counts: _Counts) -> str:
    out: list[str] = [p.text or ""]

    def walk(el: etree._Element) -> None:
        for child in el:
            tag = child.tag
            if not isinstance(tag, str):
                out.append(child.tail or "")
                continue
            if tag == f"{TEXT}s":
                out.append(" " * int(child.get(f"{TEXT}c", "1") or 1))
            elif tag == f"{TEXT}tab":
                out.append("\t")
            elif tag == f"{TEXT}line-break":
                out.append("\n")
            elif tag in (f"{DRAW}frame", f"{DRAW}a"):
                if child.find(f".//{DRAW}image") is not None or tag == f"{DRAW}frame":
                    counts.images += 1
            elif tag in (f"{TEXT}note", f"{OFFICE}annotation", f"{TEXT}change"):
                pass  # footnotes, comments, and the mark where deleted text was
            else:
                out.append(child.text or "")
                walk(child)
            out.append(child.tail or "")

    walk(p)
    return "".join(out)


# --- speaker turns ----------------------------------------------------------------------------


def speaker_turns(text: str) -> list[Turn]:
    """Turns from lines "name: speech" (Thai or ASCII colon); a line without a label continues
    the turn before it. Empty when fewer than two lines are labelled (then the text is not a
    transcript of turns and guessing would mislabel it). Labels that are times ("10:30") or
    carry a URL scheme are not speakers."""
    matches = [m for m in _SPEAKER_LINE.finditer(text) if _is_speaker(m.group(1), m.group(2))]
    if len(matches) < 2:
        return []
    turns = []
    for i, m in enumerate(matches):
        start = m.start(2)
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            turns.append(Turn(m.group(1).strip(), start, end))
    return turns


def _is_speaker(label: str, speech: str) -> bool:
    label = label.strip()
    if not label or "/" in label or label.startswith(("http", "www")):
        return False
    if label[-1].isdigit() and speech[:1].isdigit():
        return False  # a time, 10:30
    return any(unicodedata.category(ch).startswith("L") for ch in label)

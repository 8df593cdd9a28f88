"""Exchange with QDA tools in the REFI-QDA 1.0 standard (decision 0023).

- ``study_export_qdpx``: the study as a .qdpx — a zip holding ``project.qde`` (the Project
  schema's XML: users, the codebook with its hierarchy, colours and definitions, the case
  variables, one case per session with its fund, target group, kind, date and stage, the text
  sources with their coded selections, and the memos as notes) and ``Sources/<guid>.txt``, each
  transcript's plain text in UTF-8, which ``plainTextPath="internal://<guid>.txt"`` points to.
  Selections count positions in characters (Unicode code points; for Thai text these are also
  UTF-16 units), from 0, the end exclusive.
- ``codebook_export_qdc``: the codebook alone (the Codebook schema).
- ``qda_import``: a .qdpx or .qdc from another tool into a study — codes (matched by name under
  the same parent, else created), text sources as transcripts of sessions made from the cases,
  codings as segments of the coder (a REFI user matched to the study's team by login name, else
  the person importing), notes as memos on the code, segment or session they are attached to.
  One transaction; a file that is not a zip, lacks ``project.qde``, fails the schema, refers to
  GUIDs it does not define, or holds a selection outside its text is refused with the reason and
  nothing is written.

Both directions are checked against the standard's own XSD files (``refi/Project.xsd``,
``refi/Codebook.xsd``, MIT licence, REFI). Participants' names never leave the app unless the
participant consented to be named: every exported text has them replaced by the pseudonym, and
the coded selections' positions are moved to match.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
import uuid
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from lxml import etree

from kongtun.aar.graphemes import snap
from kongtun.aar.models import (
    Code,
    CodeKind,
    Coding,
    Memo,
    Participant,
    Segment,
    Session,
    SessionKind,
    Study,
    StudyFund,
    TargetGroup,
    TeamMember,
    Transcript,
)
from kongtun.aar.services import transcript_create

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
XSD_DIR = Path(__file__).resolve().parent / "refi"
ORIGIN = "Kongtun"

#: A .qdpx may unpack to at most this much (a zip bomb is refused before it is read).
MAX_UNPACKED = 200 * 1024 * 1024
MAX_MEMBERS = 20_000
#: The upload page's limit (``core.uploads.upload_limit``).
MAX_UPLOAD = 50 * 1024 * 1024

Kind = Literal["project", "codebook"]


@functools.cache
def schema(kind: Kind) -> etree.XMLSchema:
    name = "Project.xsd" if kind == "project" else "Codebook.xsd"
    return etree.XMLSchema(etree.parse(str(XSD_DIR / name)))


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=True,
        remove_comments=True,
    )


def schema_errors(root: etree._Element, kind: Kind) -> list[str]:
    """The schema's complaints about ``root`` (line and message), first ten."""
    xsd = schema(kind)
    if xsd.validate(root):
        return []
    return [f"line {e.line}: {e.message}" for e in list(xsd.error_log)[:10]]


def _guid(value: uuid.UUID | str) -> str:
    return str(value)


def _derived(base: uuid.UUID, name: str) -> str:
    """A stable GUID for something Kongtun keeps no GUID of (a user in this study, a coding)."""
    return str(uuid.uuid5(base, name))


def _when(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _th(label: object) -> str:
    with translation.override("th"):
        return str(label)


# --- names that may not leave the app -------------------------------------------------------


class Redactor:
    """Replaces the names of participants who did not consent to be named with their
    pseudonyms, and maps offsets in the original text to offsets in the redacted one."""

    def __init__(self, study: Study) -> None:
        pairs: dict[str, str] = {}
        for name, pseudonym in (
            Participant.objects.filter(session__study=study, consent_named=False)
            .exclude(name="")
            .values_list("name", "pseudonym")
        ):
            name = " ".join(name.split())
            if not name:
                continue
            pairs[name] = pseudonym
            first = name.split(" ")[0]
            if len(first) >= 2 and first != name:
                pairs.setdefault(first, pseudonym)
        self.pairs = pairs
        self.pattern = (
            re.compile("|".join(re.escape(n) for n in sorted(pairs, key=len, reverse=True)))
            if pairs
            else None
        )

    def text(self, text: str) -> str:
        return self.redact(text)[0]

    def redact(self, text: str) -> tuple[str, list[tuple[int, int, int, int]]]:
        """The redacted text and its replacements ``(old_start, old_end, new_start, new_end)``."""
        if self.pattern is None:
            return text, []
        out, spans, last, shift = [], [], 0, 0
        for m in self.pattern.finditer(text):
            new = self.pairs[m.group(0)]
            out.append(text[last : m.start()])
            out.append(new)
            new_start = m.start() + shift
            spans.append((m.start(), m.end(), new_start, new_start + len(new)))
            shift += len(new) - (m.end() - m.start())
            last = m.end()
        out.append(text[last:])
        return "".join(out), spans

    @staticmethod
    def move(offset: int, spans: list[tuple[int, int, int, int]], *, end: bool) -> int:
        """``offset`` of the original text in the redacted one; an offset inside a replaced
        name moves to the start (or, for an end, the end) of its replacement."""
        shift = 0
        for old_start, old_end, new_start, new_end in spans:
            if offset <= old_start:
                break
            if offset < old_end:
                return new_end if end else new_start
            shift = new_end - old_end
        return offset + shift


# --- export ---------------------------------------------------------------------------------


def _el(parent: etree._Element, tag: str, ns: str = PROJECT_NS, **attrs: str | None):
    el = etree.SubElement(parent, f"{{{ns}}}{tag}")
    for key, value in attrs.items():
        if value is not None:
            el.set(key, value)
    return el


def _text_el(parent: etree._Element, tag: str, text: str, ns: str = PROJECT_NS):
    el = _el(parent, tag, ns)
    el.text = text
    return el


def _xml_safe(text: str) -> str:
    """XML 1.0 cannot carry most control characters; they are dropped from names and notes
    (transcripts travel as files and are kept exactly)."""
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", "", text)


@dataclass
class _Export:
    study: Study
    redactor: Redactor
    users: dict[int, str] = field(default_factory=dict)

    def user(self, user_id: int | None) -> str | None:
        if user_id is None:
            return None
        if user_id not in self.users:
            self.users[user_id] = _derived(self.study.guid, f"user:{user_id}")
        return self.users[user_id]


def _codes_by_parent(study: Study) -> dict[int | None, list[Code]]:
    children: dict[int | None, list[Code]] = defaultdict(list)
    for code in Code.objects.filter(study=study).order_by("kind", "position", "id"):
        children[code.parent_id].append(code)
    return children


def _code_tree(
    parent_el: etree._Element,
    children: dict[int | None, list[Code]],
    parent_id: int | None,
    ns: str,
    redact: Redactor,
    notes: dict[int, list[str]] | None = None,
) -> None:
    for code in children.get(parent_id, []):
        el = _el(
            parent_el,
            "Code",
            ns,
            guid=_guid(code.guid),
            name=_xml_safe(code.name_th),
            isCodable="true",
            color=code.colour,
        )
        if code.definition:
            _text_el(el, "Description", _xml_safe(redact.text(code.definition)), ns)
        for note_guid in (notes or {}).get(code.pk, []):
            _el(el, "NoteRef", ns, targetGUID=note_guid)
        _code_tree(el, children, code.pk, ns, redact, notes)


VARIABLES = [
    ("fund", "กองทุน (fund)", "Text"),
    ("fund_code", "รหัสกองทุน (fund code)", "Text"),
    ("target_group", "กลุ่มเป้าหมาย (target group)", "Text"),
    ("kind", "ประเภทเวที (session kind)", "Text"),
    ("held_on", "วันที่จัด (date held)", "Date"),
    ("stage", "ขั้นตอน SW-NT ที่ทบทวน (SW-NT stage reviewed)", "Text"),
]


def project_document(study: Study) -> tuple[etree._Element, dict[str, str]]:
    """``project.qde`` as an element tree, and the plain-text files of ``Sources/`` by name."""
    ex = _Export(study=study, redactor=Redactor(study))
    redact = ex.redactor
    root = etree.Element(f"{{{PROJECT_NS}}}Project", nsmap={None: PROJECT_NS})
    root.set("name", _xml_safe(redact.text(study.title)))
    root.set("origin", ORIGIN)
    root.set("creationDateTime", _when(study.created_at) or "")
    root.set("modifiedDateTime", _when(timezone.now()) or "")
    if study.created_by_id:
        root.set("creatingUserGUID", ex.user(study.created_by_id) or "")

    sessions = list(
        Session.objects.filter(study=study)
        .select_related("fund", "stage")
        .order_by("held_on", "id")
    )
    transcripts = list(
        Transcript.objects.filter(session__study=study).order_by("session__held_on", "id")
    )
    segments = list(
        Segment.objects.filter(transcript__session__study=study)
        .prefetch_related("codings__code")
        .order_by("transcript_id", "start", "end", "id")
    )
    memos = list(Memo.objects.filter(study=study).order_by("created_at", "id"))
    team = list(TeamMember.objects.filter(study=study).values_list("user_id", flat=True).distinct())
    for user_id in team:
        ex.user(user_id)
    for segment in segments:
        ex.user(segment.coder_id)
    for memo in memos:
        ex.user(memo.author_id)

    notes_on_code: dict[int, list[str]] = defaultdict(list)
    notes_on_segment: dict[int, list[str]] = defaultdict(list)
    notes_on_session: dict[int, list[str]] = defaultdict(list)
    for memo in memos:
        target = (
            notes_on_code[memo.code_id]
            if memo.code_id
            else notes_on_segment[memo.segment_id]
            if memo.segment_id
            else notes_on_session[memo.session_id]
        )
        target.append(_guid(memo.guid))

    # Users
    users_el = _el(root, "Users")
    User = get_user_model()
    people = {u.pk: u for u in User.objects.filter(pk__in=list(ex.users))}
    for user_id, guid in sorted(ex.users.items()):
        person = people.get(user_id)
        if person is None:
            continue
        full = (person.get_full_name() or "").strip() if hasattr(person, "get_full_name") else ""
        _el(
            users_el,
            "User",
            guid=guid,
            name=_xml_safe(full or person.get_username()),
            id=person.get_username(),
        )
    if not len(users_el):
        root.remove(users_el)

    # CodeBook
    children = _codes_by_parent(study)
    if children.get(None):
        codes_el = _el(_el(root, "CodeBook"), "Codes")
        _code_tree(codes_el, children, None, PROJECT_NS, redact, notes_on_code)

    # Variables and cases (one case per session)
    variable_guid = {key: _derived(study.guid, f"variable:{key}") for key, _, _ in VARIABLES}
    by_session: dict[int, list[Transcript]] = defaultdict(list)
    for t in transcripts:
        by_session[t.session_id].append(t)
    if sessions:
        variables_el = _el(root, "Variables")
        for key, name, kind in VARIABLES:
            _el(variables_el, "Variable", guid=variable_guid[key], name=name, typeOfVariable=kind)
        cases_el = _el(root, "Cases")
        for session in sessions:
            case = _el(
                cases_el,
                "Case",
                guid=_guid(session.guid),
                name=_xml_safe(redact.text(session.title)),
            )
            if session.place:
                _text_el(case, "Description", _xml_safe(redact.text(session.place)))
            values = {
                "fund": session.fund.name_th,
                "fund_code": session.fund.short_code,
                "target_group": _th(session.get_target_group_display()),
                "kind": _th(session.get_kind_display()),
                "held_on": session.held_on.isoformat(),
                "stage": str(session.stage) if session.stage_id else "",
            }
            for key, _name, kind in VARIABLES:
                if not values[key]:
                    continue
                vv = _el(case, "VariableValue")
                _el(vv, "VariableRef", targetGUID=variable_guid[key])
                _text_el(vv, "DateValue" if kind == "Date" else "TextValue", _xml_safe(values[key]))
            for t in by_session.get(session.pk, []):
                _el(case, "SourceRef", targetGUID=_guid(t.guid))

    # Sources
    files: dict[str, str] = {}
    segments_by_transcript: dict[int, list[Segment]] = defaultdict(list)
    for segment in segments:
        segments_by_transcript[segment.transcript_id].append(segment)
    if transcripts:
        sources_el = _el(root, "Sources")
        for t in transcripts:
            text, spans = redact.redact(t.text)
            name = f"{t.guid}.txt"
            files[name] = text
            source = _el(
                sources_el,
                "TextSource",
                guid=_guid(t.guid),
                name=_xml_safe(redact.text(t.title or str(t.session))),
                plainTextPath=f"internal://{name}",
                creatingUser=ex.user(t.created_by_id),
                creationDateTime=_when(t.created_at),
            )
            if t.synthetic:
                _text_el(source, "Description", "ข้อความสังเคราะห์ (synthetic, for demonstration)")
            for segment in segments_by_transcript.get(t.pk, []):
                start = Redactor.move(segment.start, spans, end=False)
                end = Redactor.move(segment.end, spans, end=True)
                selection = _el(
                    source,
                    "PlainTextSelection",
                    guid=_guid(segment.guid),
                    name=_xml_safe(text[start:end][:60]),
                    startPosition=str(start),
                    endPosition=str(end),
                    creatingUser=ex.user(segment.coder_id),
                    creationDateTime=_when(segment.created_at),
                )
                for coding in sorted(segment.codings.all(), key=lambda c: c.code_id):
                    c = _el(
                        selection,
                        "Coding",
                        guid=_derived(segment.guid, f"coding:{coding.code.guid}"),
                        creatingUser=ex.user(segment.coder_id),
                        creationDateTime=_when(coding.created_at),
                    )
                    _el(c, "CodeRef", targetGUID=_guid(coding.code.guid))
                for note_guid in notes_on_segment.get(segment.pk, []):
                    _el(selection, "NoteRef", targetGUID=note_guid)
            for note_guid in notes_on_session.get(t.session_id, []):
                _el(source, "NoteRef", targetGUID=note_guid)

    # Notes (memos)
    if memos:
        notes_el = _el(root, "Notes")
        for memo in memos:
            note = _el(
                notes_el,
                "Note",
                guid=_guid(memo.guid),
                name=_xml_safe(redact.text(memo.text.splitlines()[0][:60])),
                creatingUser=ex.user(memo.author_id),
                creationDateTime=_when(memo.created_at),
            )
            _text_el(note, "PlainTextContent", _xml_safe(redact.text(memo.text)))

    if study.purpose:
        _text_el(root, "Description", _xml_safe(redact.text(study.purpose)))
    # Session memos of sessions without a transcript hang on the project.
    with_source = {t.session_id for t in transcripts}
    for session_id, guids in notes_on_session.items():
        if session_id not in with_source:
            for note_guid in guids:
                _el(root, "NoteRef", targetGUID=note_guid)
    return root, files


def _serialise(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def study_export_qdpx(*, study: Study) -> bytes:
    """The study as a REFI-QDA project file (.qdpx), checked against the Project schema."""
    root, files = project_document(study)
    errors = schema_errors(root, "project")
    if errors:  # a bug here, never the user's data
        raise AssertionError("export fails the REFI-QDA Project schema: " + "; ".join(errors))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("project.qde", _serialise(root))
        for name, text in files.items():
            z.writestr(f"Sources/{name}", text.encode("utf-8"))
    return buf.getvalue()


def codebook_document(study: Study) -> etree._Element:
    root = etree.Element(f"{{{CODEBOOK_NS}}}CodeBook", nsmap={None: CODEBOOK_NS})
    root.set("origin", ORIGIN)
    children = _codes_by_parent(study)
    if not children.get(None):
        raise ValidationError(_("The study's codebook has no codes to export."), code="empty")
    _code_tree(_el(root, "Codes", CODEBOOK_NS), children, None, CODEBOOK_NS, Redactor(study))
    return root


def codebook_export_qdc(*, study: Study) -> bytes:
    """The study's codebook as a REFI-QDA codebook file (.qdc), checked against its schema."""
    root = codebook_document(study)
    errors = schema_errors(root, "codebook")
    if errors:
        raise AssertionError("export fails the REFI-QDA Codebook schema: " + "; ".join(errors))
    return _serialise(root)


def export_filename(study: Study, ext: str) -> str:
    return f"aar-{study.pk}.{ext}"


# --- import ---------------------------------------------------------------------------------


@dataclass
class ImportReport:
    study: Study
    codes_created: int = 0
    codes_matched: int = 0
    sessions: int = 0
    transcripts: int = 0
    segments: int = 0
    codings: int = 0
    memos: int = 0
    #: What was not brought in, and why (in the user's language).
    skipped: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return _(
            "%(codes)s codes (%(matched)s already in the codebook), %(transcripts)s transcripts "
            "in %(sessions)s sessions, %(segments)s coded segments with %(codings)s codings, "
            "%(memos)s memos."
        ) % {
            "codes": self.codes_created + self.codes_matched,
            "matched": self.codes_matched,
            "transcripts": self.transcripts,
            "sessions": self.sessions,
            "segments": self.segments,
            "codings": self.codings,
            "memos": self.memos,
        }


def refuse(message: str, code: str = "invalid") -> ValidationError:
    return ValidationError(message, code=code)


@dataclass
class _Package:
    kind: Kind
    root: etree._Element
    archive: zipfile.ZipFile | None


def _open(data: bytes, filename: str) -> _Package:
    """The file's XML, checked against its schema; a .qdpx's zip kept open for its sources."""
    lower = filename.lower()
    if zipfile.is_zipfile(io.BytesIO(data)):
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
        if len(infos) > MAX_MEMBERS or sum(i.file_size for i in infos) > MAX_UNPACKED:
            raise refuse(_("The file unpacks to more than Kongtun reads (200 MB)."), "too_big")
        qde = [i for i in infos if i.filename.lower() == "project.qde"]
        if not qde:
            raise refuse(
                _(
                    "The file is a zip but holds no project.qde: it is not a REFI-QDA project "
                    "(.qdpx)."
                ),
                "no_project",
            )
        root = _parse(archive.read(qde[0]), "project.qde")
        kind: Kind = "project"
    elif lower.endswith(".qdc") or (not lower.endswith(".qdpx") and data.lstrip()[:1] == b"<"):
        root = _parse(data, filename)
        archive = None
        kind = "codebook"
    else:
        raise refuse(
            _("The file is not a zip: a REFI-QDA project (.qdpx) is a zip file."), "not_zip"
        )
    expected = PROJECT_NS if kind == "project" else CODEBOOK_NS
    if etree.QName(root).namespace != expected:
        raise refuse(
            _("The file's XML is not in the REFI-QDA 1.0 %(kind)s namespace (%(ns)s).")
            % {"kind": kind, "ns": expected},
            "schema",
        )
    errors = schema_errors(root, kind)
    if errors:
        raise refuse(
            _("The file does not follow the REFI-QDA 1.0 %(kind)s schema: %(errors)s")
            % {"kind": kind, "errors": "; ".join(errors[:5])},
            "schema",
        )
    return _Package(kind, root, archive)


def _parse(raw: bytes, name: str) -> etree._Element:
    try:
        return etree.fromstring(raw, parser=_parser())
    except etree.XMLSyntaxError as error:
        raise refuse(
            _("%(name)s is not well-formed XML: %(error)s") % {"name": name, "error": error},
            "schema",
        ) from None


_REF_ATTRS = ("creatingUser", "modifyingUser", "creatingUserGUID", "modifyingUserGUID")


def _check_guids(root: etree._Element, kind: Kind) -> None:
    """Every GUID the file refers to is defined in it, and none is defined twice."""
    defined: dict[str, str] = {}
    duplicates = []
    refs: list[tuple[str, str]] = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        tag = etree.QName(el).localname
        guid = el.get("guid")
        if guid and not (kind == "codebook" and tag == "MemberCode"):
            key = guid.strip("{}").lower()
            if key in defined:
                duplicates.append(guid)
            defined[key] = tag
        target = el.get("targetGUID")
        if target:
            refs.append((target, tag))
        if kind == "codebook" and tag == "MemberCode" and guid:
            refs.append((guid, tag))
        for attr in (
            *_REF_ATTRS,
            "fromSyncPoint",
            "toSyncPoint",
            "originGUID",
            "representedGUID",
            "sourceVertex",
            "targetVertex",
        ):
            value = el.get(attr)
            if value:
                refs.append((value, f"{tag}/@{attr}"))
    if duplicates:
        raise refuse(
            _("The file defines the same GUID more than once: %(guids)s")
            % {"guids": ", ".join(sorted(set(duplicates))[:5])},
            "guid",
        )
    missing = sorted({(g, where) for g, where in refs if g.strip("{}").lower() not in defined})
    if missing:
        listed = ", ".join(f"{g} ({where})" for g, where in missing[:5])
        raise refuse(
            _("The file refers to GUIDs it does not define: %(guids)s") % {"guids": listed},
            "guid",
        )


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname


def _children(el: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in el if isinstance(c.tag, str) and _local(c) == name]


def _child(el: etree._Element, name: str) -> etree._Element | None:
    found = _children(el, name)
    return found[0] if found else None


def _key(guid: str) -> str:
    return guid.strip("{}").lower()


def _uuid_or_new(guid: str | None) -> uuid.UUID:
    try:
        return uuid.UUID(_key(guid or ""))
    except ValueError:
        return uuid.uuid4()


@dataclass
class _Source:
    guid: str
    name: str
    text: str
    element: etree._Element


def _source_text(pkg: _Package, el: etree._Element, what: str) -> str:
    content = _child(el, "PlainTextContent")
    path = el.get("plainTextPath")
    if content is not None:
        return content.text or ""
    if not path:
        raise refuse(
            _("%(what)s has neither plain text nor a plainTextPath.") % {"what": what}, "source"
        )
    if not path.startswith("internal://") or pkg.archive is None:
        raise refuse(
            _(
                "%(what)s points to %(path)s outside the file; only sources inside the .qdpx "
                "(internal://) can be imported."
            )
            % {"what": what, "path": path},
            "source",
        )
    member = "Sources/" + path.removeprefix("internal://")
    names = {i.filename: i for i in pkg.archive.infolist()}
    if member not in names:
        raise refuse(
            _("%(what)s: the file has no %(member)s.") % {"what": what, "member": member},
            "source",
        )
    raw = pkg.archive.read(names[member])
    try:
        return raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        raise refuse(
            _("%(what)s: %(member)s is not UTF-8 text.") % {"what": what, "member": member},
            "source",
        ) from None


def _variables(root: etree._Element) -> dict[str, str]:
    """Variable GUID → which of ours it is (by its name, Thai or English)."""
    out = {}
    variables = _child(root, "Variables")
    for var in _children(variables, "Variable") if variables is not None else []:
        name = (var.get("name") or "").lower()
        if "code" in name or "รหัส" in name:
            out[_key(var.get("guid", ""))] = "fund_code"
        elif "fund" in name or "กองทุน" in name:
            out[_key(var.get("guid", ""))] = "fund"
        elif "target" in name or "กลุ่มเป้าหมาย" in name or "group" in name:
            out[_key(var.get("guid", ""))] = "target_group"
        elif "kind" in name or "ประเภท" in name or "type" in name:
            out[_key(var.get("guid", ""))] = "kind"
        elif "date" in name or "วันที่" in name:
            out[_key(var.get("guid", ""))] = "held_on"
    return out


def _values(el: etree._Element, variables: dict[str, str]) -> dict[str, str]:
    out = {}
    for vv in _children(el, "VariableValue"):
        ref = _child(vv, "VariableRef")
        which = variables.get(_key(ref.get("targetGUID", ""))) if ref is not None else None
        value = next((c.text or "" for c in vv if _local(c) != "VariableRef"), "")
        if which and value.strip():
            out.setdefault(which, value.strip())
    return out


def _choice(value: str | None, choices: Iterable[tuple[str, object]]) -> str | None:
    if not value:
        return None
    value = value.strip().lower()
    for code, label in choices:
        with translation.override("th"):
            th = str(label).lower()
        with translation.override("en"):
            en = str(label).lower()
        if value in (code.lower(), th, en):
            return code
    return None


def _colour(value: str | None) -> str:
    if not value:
        return "#888888"
    value = value.strip()
    if re.fullmatch(r"#[0-9a-fA-F]{3}", value):
        return "#" + "".join(ch * 2 for ch in value[1:]).lower()
    return value.lower() if re.fullmatch(r"#[0-9a-fA-F]{6}", value) else "#888888"


@transaction.atomic
def qda_import(
    *, study: Study, data: bytes, filename: str, actor: AbstractBaseUser
) -> ImportReport:
    """Bring a .qdpx or .qdc into ``study`` in one transaction (see the module doc). Raises
    ``ValidationError`` with the reason, writing nothing, for a file it refuses."""
    pkg = _open(data, filename)
    _check_guids(pkg.root, pkg.kind)
    report = ImportReport(study=study)
    root = pkg.root

    # Read every source's text and check every selection before anything is written.
    sources: list[_Source] = []
    if pkg.kind == "project":
        sources_el = _child(root, "Sources")
        for el in list(sources_el) if sources_el is not None else []:
            if not isinstance(el.tag, str):
                continue
            if _local(el) != "TextSource":
                report.skipped.append(
                    _("%(name)s (%(kind)s): Kongtun imports text sources only.")
                    % {"name": el.get("name") or el.get("guid"), "kind": _local(el)}
                )
                continue
            what = _("Source “%(name)s”") % {"name": el.get("name") or el.get("guid")}
            text = _source_text(pkg, el, what)
            if not text.strip():
                raise refuse(_("%(what)s is empty.") % {"what": what}, "source")
            for sel in _children(el, "PlainTextSelection"):
                start, end = int(sel.get("startPosition")), int(sel.get("endPosition"))
                if not (0 <= start < end <= len(text)):
                    raise refuse(
                        _(
                            "%(what)s: the selection “%(sel)s” runs from %(start)s to %(end)s, "
                            "outside the text (0–%(n)s)."
                        )
                        % {
                            "what": what,
                            "sel": sel.get("name") or sel.get("guid"),
                            "start": start,
                            "end": end,
                            "n": len(text),
                        },
                        "offsets",
                    )
            sources.append(_Source(el.get("guid"), el.get("name") or "", text, el))
        existing = set(
            Transcript.objects.filter(session__study=study).values_list("guid", flat=True)
        )
        again = [s.name or s.guid for s in sources if _uuid_or_new(s.guid) in existing]
        if again:
            raise refuse(
                _("These sources are already in the study (imported before): %(names)s")
                % {"names": ", ".join(again[:5])},
                "again",
            )

    users = _user_map(root, study, actor)

    # Codes
    code_map: dict[str, Code] = {}
    note_targets: dict[str, tuple[str, object]] = {}

    def codes(parent_el: etree._Element, parent: Code | None) -> None:
        for el in _children(parent_el, "Code"):
            name = " ".join((el.get("name") or "").split())[:200] or _("(unnamed code)")
            code = Code.objects.filter(study=study, parent=parent, name_th=name).first()
            if code is None:
                description = _child(el, "Description")
                code = Code.objects.create(
                    study=study,
                    parent=parent,
                    kind=CodeKind.OWN,
                    name_th=name,
                    definition=(description.text or "").strip() if description is not None else "",
                    colour=_colour(el.get("color")),
                    guid=_uuid_or_new(el.get("guid")),
                )
                report.codes_created += 1
            else:
                report.codes_matched += 1
            code_map[_key(el.get("guid"))] = code
            for ref in _children(el, "NoteRef"):
                note_targets.setdefault(_key(ref.get("targetGUID")), ("code", code))
            codes(el, code)

    codes_el = _child(_child(root, "CodeBook"), "Codes") if pkg.kind == "project" else None
    if pkg.kind == "codebook":
        codes_el = _child(root, "Codes")
    if codes_el is not None:
        codes(codes_el, None)
    if pkg.kind == "codebook":
        return report

    # Sessions from cases
    variables = _variables(root)
    funds = [
        link.fund
        for link in StudyFund.objects.filter(study=study).select_related("fund").order_by("id")
    ]
    if not funds:
        raise refuse(_("The study covers no fund to hold the sessions."), "study")
    case_of_source: dict[str, etree._Element] = {}
    cases_el = _child(root, "Cases")
    for case in _children(cases_el, "Case") if cases_el is not None else []:
        for ref in _children(case, "SourceRef"):
            case_of_source.setdefault(_key(ref.get("targetGUID")), case)
    session_for: dict[str, Session] = {}
    loose: Session | None = None

    def session_of(source: _Source) -> Session:
        nonlocal loose
        case = case_of_source.get(_key(source.guid))
        if case is None:
            if loose is None:
                loose = _session(
                    study,
                    funds,
                    title=(root.get("name") or filename)[:280] + _(" (imported)"),
                    values=_values(source.element, variables),
                    guid=None,
                    actor=actor,
                    report=report,
                )
            return loose
        key = _key(case.get("guid"))
        if key not in session_for:
            values = {**_values(source.element, variables), **_values(case, variables)}
            description = _child(case, "Description")
            session_for[key] = _session(
                study,
                funds,
                title=case.get("name") or _("Imported case"),
                values=values,
                guid=case.get("guid"),
                actor=actor,
                report=report,
                place=(description.text or "").strip() if description is not None else "",
            )
        return session_for[key]

    # Transcripts, segments, codings
    for source in sources:
        session = session_of(source)
        try:
            transcript = transcript_create(
                session=session,
                text=source.text,
                title=source.name,
                source_name=filename[:255],
                actor=actor,
            )
        except ValidationError as error:
            raise refuse(
                _("Source “%(name)s”: %(error)s")
                % {"name": source.name, "error": " ".join(error.messages)},
                "source",
            ) from None
        Transcript.objects.filter(pk=transcript.pk).update(guid=_uuid_or_new(source.guid))
        report.transcripts += 1
        for ref in _children(source.element, "NoteRef"):
            note_targets.setdefault(_key(ref.get("targetGUID")), ("session", session))
        text = transcript.text
        whole = _children(source.element, "Coding")
        selections = [
            (sel, int(sel.get("startPosition")), int(sel.get("endPosition")))
            for sel in _children(source.element, "PlainTextSelection")
        ]
        if whole:
            selections.append((source.element, 0, len(text)))
        for sel, start, end in selections:
            start, end = snap(text, start, forward=False), snap(text, end, forward=True)
            codings = _children(sel, "Coding") if sel is not source.element else whole
            by_coder: dict[int, list[Code]] = defaultdict(list)
            for coding in codings:
                coder = users.get(
                    _key(coding.get("creatingUser") or sel.get("creatingUser") or ""), actor
                )
                ref = _child(coding, "CodeRef")
                by_coder[coder.pk].append(code_map[_key(ref.get("targetGUID"))])
                for note in _children(coding, "NoteRef"):
                    note_targets.setdefault(_key(note.get("targetGUID")), ("selection", None))
            notes = _children(sel, "NoteRef") if sel is not source.element else []
            if notes and not by_coder:
                by_coder[users.get(_key(sel.get("creatingUser") or ""), actor).pk] = []
            first_segment = None
            for i, (coder_id, coder_codes) in enumerate(sorted(by_coder.items())):
                segment, created = Segment.objects.get_or_create(
                    transcript=transcript,
                    coder_id=coder_id,
                    start=start,
                    end=end,
                    defaults={
                        "guid": _uuid_or_new(sel.get("guid"))
                        if i == 0 and sel is not source.element
                        else uuid.uuid4()
                    },
                )
                report.segments += created
                first_segment = first_segment or segment
                for code in coder_codes:
                    _coding, made = Coding.objects.get_or_create(segment=segment, code=code)
                    report.codings += made
            for note in notes:
                note_targets.setdefault(_key(note.get("targetGUID")), ("segment", first_segment))

    # Notes → memos
    notes_el = _child(root, "Notes")
    for note in _children(notes_el, "Note") if notes_el is not None else []:
        target = note_targets.get(_key(note.get("guid")))
        name = note.get("name") or note.get("guid")
        if target is None or target[1] is None:
            report.skipped.append(
                _("Note “%(name)s”: not attached to a code, a coded selection or a source.")
                % {"name": name}
            )
            continue
        text = _source_text(pkg, note, _("Note “%(name)s”") % {"name": name}).strip()
        if not text:
            continue
        kind, obj = target
        Memo.objects.create(
            study=study,
            author=users.get(_key(note.get("creatingUser") or ""), actor),
            text=text,
            code=obj if kind == "code" else None,
            segment=obj if kind == "segment" else None,
            session=obj if kind == "session" else None,
            guid=_uuid_or_new(note.get("guid")),
        )
        report.memos += 1
    return report


def _user_map(
    root: etree._Element, study: Study, actor: AbstractBaseUser
) -> dict[str, AbstractBaseUser]:
    """REFI users → the study's team members with the same login name (the ``id`` the export
    writes, or the ``name``); anyone else's work is the importing person's."""
    team = {
        m.user.get_username(): m.user
        for m in TeamMember.objects.filter(study=study, revoked_at__isnull=True).select_related(
            "user"
        )
    }
    out: dict[str, AbstractBaseUser] = {}
    users_el = _child(root, "Users")
    for user in _children(users_el, "User") if users_el is not None else []:
        match = team.get(user.get("id") or "") or team.get(user.get("name") or "")
        out[_key(user.get("guid"))] = match or actor
    return out


def _session(
    study: Study,
    funds: list,
    *,
    title: str,
    values: dict[str, str],
    guid: str | None,
    actor: AbstractBaseUser,
    report: ImportReport,
    place: str = "",
) -> Session:
    fund = funds[0]
    wanted_code, wanted_name = values.get("fund_code"), values.get("fund")
    for candidate in funds:
        if candidate.short_code == wanted_code or candidate.name_th == wanted_name:
            fund = candidate
            break
    target = _choice(values.get("target_group"), TargetGroup.choices)
    kind = _choice(values.get("kind"), SessionKind.choices)
    try:
        held_on = dt.date.fromisoformat((values.get("held_on") or "")[:10])
    except ValueError:
        held_on = timezone.localdate()
    if target is None:
        target = TargetGroup.WORKING_TEAM
        report.skipped.append(
            _("Case “%(title)s”: no target group Kongtun knows; set to “%(group)s”, check it.")
            % {"title": title, "group": TargetGroup.WORKING_TEAM.label}
        )
    session = Session.objects.create(
        study=study,
        fund=fund,
        kind=kind or SessionKind.FOCUS_GROUP,
        title=" ".join(title.split())[:300],
        target_group=target,
        held_on=held_on,
        place=place[:300],
        guid=_uuid_or_new(guid) if guid else uuid.uuid4(),
        created_by=actor,
    )
    report.sessions += 1
    return session

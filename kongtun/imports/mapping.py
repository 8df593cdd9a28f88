"""Which column holds what: the fields an import needs, their Thai and English names as
treasurers write them, and a guess of the header row and of each field's column.

The guess is only preselected: the user confirms or changes it on the mapping page (or with
``--map`` on the command line).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_BRACKETS = re.compile(r"\(.*?\)|\[.*?\]")
_PUNCT = re.compile(r"[\s.\-_/:#*,'\"()\[\]]+")


def normalize_header(value: object) -> str:
    """'จำนวนเงิน (บาท)' → 'จำนวนเงิน'; 'Member No.' → 'memberno'."""
    text = str(value or "").translate(_THAI_DIGITS).casefold()
    stripped = _BRACKETS.sub("", text)
    if _PUNCT.sub("", stripped):  # keep the bracketed part when it is all there is
        text = stripped
    return _PUNCT.sub("", text)


@dataclass(frozen=True)
class Field:
    name: str
    label: Promise
    synonyms: tuple[str, ...]
    required: bool = False
    help: Promise | str = ""

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(normalize_header(s) for s in self.synonyms)


# Headers that are never a field: the running row number of the book.
IGNORED = {normalize_header(s) for s in ("ลำดับ", "ลำดับที่", "ที่", "no", "#", "อายุ", "age")}

NATIONAL_ID_SYNONYMS = (
    "เลขบัตรประชาชน",
    "เลขประจำตัวประชาชน",
    "เลขบัตรประจำตัวประชาชน",
    "บัตรประชาชน",
    "เลขบัตร",
    "national id",
    "id card",
    "citizen id",
    "pid",
)

CONTRIBUTION_FIELDS: tuple[Field, ...] = (
    Field(
        "member_number",
        _("member number"),
        (
            "เลขที่สมาชิก",
            "รหัสสมาชิก",
            "เลขสมาชิก",
            "เลขทะเบียนสมาชิก",
            "ทะเบียนสมาชิก",
            "สมาชิกเลขที่",
            "รหัส",
            "เลขที่",
            "member no",
            "member number",
            "member id",
            "member code",
            "member",
        ),
        required=True,
    ),
    Field(
        "name",
        _("name (checked against the register)"),
        ("ชื่อ-สกุล", "ชื่อ-นามสกุล", "ชื่อสมาชิก", "ชื่อ", "name", "full name", "member name"),
        help=_("Each row's name must be the member's (titles and spacing aside)."),
    ),
    Field(
        "national_id",
        _("national ID (checked against the register)"),
        NATIONAL_ID_SYNONYMS,
        help=_("Each row's ID must be valid and the member's."),
    ),
    Field(
        "paid_on",
        _("date paid"),
        (
            "วันที่ชำระ",
            "วันที่จ่าย",
            "วันที่ส่ง",
            "วันที่ส่งเงิน",
            "วันที่ฝาก",
            "วันที่รับเงิน",
            "วันที่รับ",
            "วันเดือนปี",
            "ว/ด/ป",
            "วันที่",
            "date paid",
            "paid on",
            "payment date",
            "date",
        ),
        required=True,
    ),
    Field(
        "amount",
        _("amount"),
        (
            "จำนวนเงิน",
            "ยอดเงิน",
            "เงินสัจจะ",
            "ยอดชำระ",
            "ยอดส่ง",
            "จำนวนเงินสัจจะ",
            "เงิน",
            "บาท",
            "ยอด",
            "amount",
            "baht",
            "paid",
        ),
        required=True,
    ),
    Field(
        "months",
        _("months covered"),
        ("จำนวนเดือน", "เดือน", "months", "month", "no of months"),
        help=_("Empty: worked out from the amount and the member's plan."),
    ),
    Field(
        "periods",
        _("periods of the plan"),
        ("จำนวนงวด", "งวด", "periods", "period"),
        help=_("Use either months or periods."),
    ),
    Field(
        "receipt_ref",
        _("receipt number"),
        (
            "เลขที่ใบเสร็จ",
            "ใบเสร็จเลขที่",
            "เลขใบเสร็จ",
            "ใบเสร็จ",
            "เล่มที่/เลขที่",
            "receipt no",
            "receipt number",
            "receipt",
        ),
    ),
)

MEMBER_FIELDS: tuple[Field, ...] = (
    Field(
        "number",
        _("member number"),
        CONTRIBUTION_FIELDS[0].synonyms,
        help=_("Empty: numbered by the fund's pattern."),
    ),
    Field("title", pgettext_lazy("person", "title"), ("คำนำหน้า", "คำนำหน้าชื่อ", "title", "prefix")),
    Field(
        "full_name",
        _("full name (title, first and last name in one column)"),
        ("ชื่อ-สกุล", "ชื่อ-นามสกุล", "ชื่อสกุล", "ชื่อนามสกุล", "ชื่อสมาชิก", "name", "full name"),
    ),
    Field("first_name", _("first name"), ("ชื่อ", "ชื่อจริง", "first name", "given name")),
    Field("last_name", _("last name"), ("นามสกุล", "สกุล", "last name", "surname", "family name")),
    Field(
        "national_id",
        _("national ID"),
        NATIONAL_ID_SYNONYMS,
        required=True,
    ),
    Field(
        "birth_date",
        _("birth date"),
        ("วันเกิด", "วันเดือนปีเกิด", "ว/ด/ป เกิด", "วันที่เกิด", "birth date", "date of birth", "dob"),
        required=True,
    ),
    Field(
        "sex",
        _("sex"),
        ("เพศ", "sex", "gender"),
        help=_("Empty: taken from the title (นาย, นาง, นางสาว…)."),
    ),
    Field(
        "village",
        _("village number"),
        ("หมู่ที่", "หมู่", "ม", "หมู่บ้าน", "village", "village no", "moo"),
        required=True,
    ),
    Field("address", _("address"), ("ที่อยู่", "บ้านเลขที่", "address", "house no")),
    Field(
        "phone", _("phone"), ("เบอร์โทรศัพท์", "เบอร์โทร", "โทรศัพท์", "โทร", "phone", "mobile", "tel")
    ),
    Field(
        "occupation",
        _("occupation group"),
        ("กลุ่มอาชีพ", "อาชีพ", "occupation", "occupation group", "job"),
        help=_("Empty: the group “other”."),
    ),
    Field(
        "join_date",
        _("join date"),
        (
            "วันที่สมัคร",
            "วันสมัคร",
            "วันที่เป็นสมาชิก",
            "วันที่เข้าเป็นสมาชิก",
            "สมัครวันที่",
            "join date",
            "joined",
            "date joined",
        ),
        required=True,
    ),
    Field(
        "beneficiary",
        _("beneficiary"),
        ("ผู้รับผลประโยชน์", "ผู้รับประโยชน์", "ชื่อผู้รับผลประโยชน์", "beneficiary"),
    ),
    Field(
        "relationship",
        _("beneficiary's relationship"),
        ("ความสัมพันธ์", "เกี่ยวข้องเป็น", "ความเกี่ยวพัน", "relationship"),
    ),
)

FIELDS = {"contributions": CONTRIBUTION_FIELDS, "members": MEMBER_FIELDS}


def _score(header: str, key: str) -> float:
    if not header or header in IGNORED:
        return 0.0
    if header == key:
        return 3.0 + len(key) / 100
    if len(key) >= 3 and (header.startswith(key) or header.endswith(key)):
        return 1.0 + len(key) / 100
    return 0.0


def field_scores(header: list, fields: tuple[Field, ...]) -> list[tuple[float, str, int]]:
    """(score, field name, column index) for every plausible pair, best first."""
    normalized = [normalize_header(h) for h in header]
    pairs = []
    for f in fields:
        keys = f.keys
        for col, h in enumerate(normalized):
            score = max((_score(h, k) for k in keys), default=0.0)
            if score:
                pairs.append((score, f.name, col))
    pairs.sort(key=lambda p: (-p[0], p[2]))
    return pairs


def find_header(rows: list[tuple[int, list]], fields: tuple[Field, ...]) -> int | None:
    """Index (in ``rows``) of the header row: the first row naming the most fields (≥ 2)."""
    best, best_count = None, 1
    for i, (_number, cells) in enumerate(rows):
        texts = [c for c in cells if isinstance(c, str) and c.strip()]
        if len(texts) < 2:
            continue
        count = len({name for _s, name, _c in field_scores(texts, fields)})
        if count > best_count:
            best, best_count = i, count
    return best


def guess_mapping(header: list, fields: tuple[Field, ...]) -> dict[str, int]:
    """field name → column index: the best-scoring pairs, each field and column used once."""
    mapping: dict[str, int] = {}
    used: set[int] = set()
    names = {f.name for f in fields}
    for _score_value, name, col in field_scores(header, fields):
        if name in mapping or col in used:
            continue
        mapping[name] = col
        used.add(col)
    # "ชื่อ" is the first name when a last-name column exists, the full name otherwise.
    if {"first_name", "full_name"} <= names and "last_name" not in mapping:
        if "first_name" in mapping and "full_name" not in mapping:
            mapping["full_name"] = mapping.pop("first_name")
    if {"first_name", "full_name", "last_name"} <= names and "last_name" in mapping:
        if "full_name" in mapping and "first_name" not in mapping:
            mapping["first_name"] = mapping.pop("full_name")
    return mapping


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA (as spreadsheets name columns)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters

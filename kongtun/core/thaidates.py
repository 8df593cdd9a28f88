"""Dates are stored Gregorian and shown in the Buddhist Era (พ.ศ. = ค.ศ. + 543) in Thai.

Parsing accepts what Thai treasurers write (decision 0001): ``15/3/2567``, ``15/03/67``,
``15 มี.ค. 2567``, ``15 มีนาคม 2567``, Thai digits, ISO ``2024-03-15`` and Gregorian
``15/03/2024``. A four-digit year above 2400 is Buddhist Era; a two-digit year is Buddhist
Era 25xx, because that is how Thai paper books abbreviate years.
"""

from __future__ import annotations

import datetime as dt
import re

from pythainlp.util import thai_strftime
from pythainlp.util.date import thai_abbr_months, thai_full_months

BE_OFFSET = 543
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_EN_ABBR = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

_MONTHS: dict[str, int] = {}
for _i, (_abbr, _full) in enumerate(zip(thai_abbr_months, thai_full_months, strict=True), 1):
    _MONTHS[_abbr.replace(".", "")] = _i
    _MONTHS[_full] = _i
for _i, _name in enumerate(_EN_ABBR, 1):
    _MONTHS[_name.lower()] = _i

_NUMERIC = re.compile(r"^(\d{1,2})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{2}|\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_NAMED = re.compile(r"^(\d{1,2})\s*([^\d\s]+)\s*(?:พ\.?ศ\.?)?\s*(\d{2}|\d{4})$")


class DateParseError(ValueError):
    """``code`` is one of: empty, format, month, year, not_a_date."""

    def __init__(self, code: str, text: str) -> None:
        super().__init__(f"{code}: {text!r}")
        self.code = code
        self.text = text


def _year(raw: str, text: str) -> int:
    year = int(raw)
    if len(raw) == 2:
        return 2500 + year - BE_OFFSET
    if year > 2400:
        return year - BE_OFFSET
    if 1800 <= year <= 2200:
        return year
    raise DateParseError("year", text)


def parse_date(text: object) -> dt.date:
    """Parse one date as written in Thai books; raises DateParseError with a reason code."""
    if isinstance(text, dt.datetime):
        return text.date()
    if isinstance(text, dt.date):
        return text
    raw = str(text or "").translate(_THAI_DIGITS).strip()
    if not raw:
        raise DateParseError("empty", raw)
    if m := _ISO.match(raw):
        year, month, day = int(m[1]), int(m[2]), int(m[3])
        if year > 2400:
            year -= BE_OFFSET
    elif m := _NUMERIC.match(raw):
        day, month, year = int(m[1]), int(m[2]), _year(m[3], raw)
    elif m := _NAMED.match(raw):
        key = m[2].replace(".", "").strip().lower()
        month = _MONTHS.get(key) or _MONTHS.get(key[:3], 0)
        if not month:
            raise DateParseError("month", raw)
        day, year = int(m[1]), _year(m[3], raw)
    else:
        raise DateParseError("format", raw)
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise DateParseError("not_a_date", raw) from None


def current_lang() -> str:
    """ "th" or "en": the language the dates and names of this request are written in."""
    from django.utils.translation import get_language

    return "en" if (get_language() or "th").startswith("en") else "th"


def format_date(value: dt.date | None, lang: str = "th", style: str = "short") -> str:
    """'15 มี.ค. 2567' in Thai, '15 Mar 2024' in English; style 'long' spells the month."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:  # the day it was where the fund is, not in UTC
            from django.utils import timezone

            value = timezone.localtime(value)
        value = value.date()
    if lang.startswith("th"):
        return thai_strftime(
            dt.datetime(value.year, value.month, value.day),
            "%-d %B %Y" if style == "long" else "%-d %b %Y",
        )
    if style == "long":
        return f"{value.day} {value.strftime('%B')} {value.year}"
    return f"{value.day} {_EN_ABBR[value.month - 1]} {value.year}"


def format_month(value: dt.date | None, lang: str = "th", style: str = "short") -> str:
    """A month as people read it: 'ธ.ค. 2568' / 'Dec 2025' (short), 'ธันวาคม 2568' (long),
    '12/2568' / '12/2025' (numeric) — always Buddhist Era in Thai."""
    if value is None:
        return ""
    if style == "numeric":
        year = value.year + BE_OFFSET if lang.startswith("th") else value.year
        return f"{value.month:02d}/{year}"
    return format_date(value.replace(day=1), lang, style).split(" ", 1)[1]


def format_period(start: dt.date, end: dt.date, lang: str = "th", style: str = "numeric") -> str:
    """Two months as a span: '12/2568 – 11/2569' in Thai."""
    return f"{format_month(start, lang, style)} – {format_month(end, lang, style)}"


def format_years(first: int, last: int, lang: str = "th") -> str:
    """A span of calendar years given Gregorian: '2568–2573' in Thai, '2025–2030' in English."""
    shift = BE_OFFSET if lang.startswith("th") else 0
    return f"{first + shift}–{last + shift}"


def format_date_input(value: dt.date | None, lang: str = "th") -> str:
    """The text put back into a form field: dd/mm/yyyy, in the Buddhist Era for Thai."""
    if value is None:
        return ""
    year = value.year + BE_OFFSET if lang.startswith("th") else value.year
    return f"{value.day:02d}/{value.month:02d}/{year}"


def years_between(start: dt.date, end: dt.date) -> int:
    """Whole years completed from start to end (age, years of membership)."""
    years = end.year - start.year
    if (end.month, end.day) < (start.month, start.day):
        years -= 1
    return years


def fiscal_year_be(day: dt.date, start_month: int) -> int:
    """Fiscal years are named by the Buddhist-Era year they end in (Thai government style):
    with an October start, 1 Oct 2024 – 30 Sep 2025 is FY 2568. The one rule every receipt,
    voucher, resolution and report numbers by."""
    year = day.year + 1 if start_month > 1 and day.month >= start_month else day.year
    return year + BE_OFFSET


def parse_month(text: str) -> dt.date | None:
    """'2567-03' (Buddhist Era) or '2024-03' → 1 March 2024; None for anything else."""
    m = re.fullmatch(r"(\d{4})-(\d{1,2})", text or "")
    if not m:
        return None
    year, month = int(m[1]), int(m[2])
    if year > 2400:
        year -= BE_OFFSET
    if not 1 <= month <= 12 or not 1900 <= year <= 2200:
        return None
    return dt.date(year, month, 1)

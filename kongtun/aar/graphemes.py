"""Where a segment may begin or end in Thai text: never inside a grapheme cluster.

Thai writes tone marks and most vowels as combining marks above or below the consonant
(``ก่``, ``กี``, ``กุ``), and SARA AM (``ำ``) joins the consonant before it (``น้ำ``). Cutting
before any of them leaves a mark floating on nothing. The rules kept here are those of Unicode's
extended grapheme clusters (UAX #29) that occur in text Kongtun stores: no break inside CR LF
(GB3), before Extend or ZWJ (GB9) and before SpacingMark (GB9a, which is where SARA AM and
LAO AM sit). The ``regex`` package's ``\\X`` would say the same; this avoids a dependency.

Offsets are Python string indices (Unicode code points), the unit REFI-QDA counts in.
"""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

#: Spacing marks that Unicode classes as letters (Lo) but that join the previous cluster.
_JOINS_PREVIOUS = {"\u0e33", "\u0eb3", "\u200d"}


def is_boundary(text: str, offset: int) -> bool:
    """True when ``offset`` falls between two grapheme clusters of ``text`` (or at an end)."""
    if offset <= 0 or offset >= len(text):
        return offset == 0 or offset == len(text)
    ch = text[offset]
    if text[offset - 1] == "\r" and ch == "\n":
        return False
    if ch in _JOINS_PREVIOUS:
        return False
    return unicodedata.category(ch) not in {"Mn", "Mc", "Me"}


def snap(text: str, offset: int, *, forward: bool) -> int:
    """The nearest boundary at or after (``forward``) or at or before ``offset``."""
    offset = max(0, min(offset, len(text)))
    step = 1 if forward else -1
    while not is_boundary(text, offset):
        offset += step
    return offset


def check_span(text: str, start: int, end: int) -> None:
    """Refuse a span outside the text, empty, or cutting a grapheme cluster; the message
    names the field and shows the characters around the cut."""
    errors: dict[str, str] = {}
    if start < 0 or start > len(text):
        errors["start"] = _("The start (%(start)s) falls outside the text (0–%(n)s).") % {
            "start": start,
            "n": len(text),
        }
    if end < 0 or end > len(text):
        errors["end"] = _("The end (%(end)s) falls outside the text (0–%(n)s).") % {
            "end": end,
            "n": len(text),
        }
    if errors:
        raise ValidationError(errors)
    if end <= start:
        raise ValidationError(
            {"end": _("The segment is empty: its end must come after its start.")}
        )
    for field, offset in (("start", start), ("end", end)):
        if not is_boundary(text, offset):
            raise ValidationError(
                {
                    field: _(
                        "The %(field)s at %(offset)s would split “%(cluster)s”: a tone mark "
                        "or vowel stays with its consonant."
                    )
                    % {
                        "field": _("start") if field == "start" else _("end"),
                        "offset": offset,
                        "cluster": text[
                            snap(text, offset, forward=False) : snap(text, offset, forward=True)
                        ],
                    }
                }
            )

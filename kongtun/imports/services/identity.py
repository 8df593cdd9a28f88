"""Who is who: a book row's national ID and name checked against the member on that row.

A contributions book names each payer three ways: the member number, often the national ID,
and the name. The number decides whose payment it is; the ID and the name, when the file has
them, must agree with the register — a mistyped number otherwise pays into another member's
account without anyone noticing (issue 11).

- The ID must be a valid Thai national ID (python-stdnum's ``th.pin`` through
  ``members.services.national_id_clean``, the registration's own rule and words) and be the
  one registered for that member number; when it is another member's, the row says whose.
- The name is compared after PyThaiNLP's ``normalize`` (``members.services.normalize_name``:
  tone marks and vowels typed twice or out of order, NFC, zero-width characters), without
  spaces, case, or the title (นาย, นาง, นางสาว, น.ส., Mr…): "นาง สมศรี  ใจดี" is "สมศรี ใจดี".
  A first name that starts like a title (นางนวล) still matches, as the name is also compared
  with its title kept.

Results are cached per (member, cell), so a book repeating a member costs one check.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kongtun.funds.models import Fund
from kongtun.imports.readers import cell_text
from kongtun.imports.services.common import THAI_DIGITS, TITLES
from kongtun.members.models import Member
from kongtun.members.services import national_id_clean, normalize_name

_INVISIBLE = str.maketrans("", "", "\u200b\u200c\u200d\ufeff")


def _title_variants(plain: str) -> set[str]:
    keys = {"".join(plain.split())}
    for prefix, _title, _sex in TITLES:
        if plain.startswith(prefix):
            rest = "".join(plain[len(prefix) :].split())
            if rest:
                keys.add(rest)
    keys.discard("")
    return keys


_TITLE_KEYS = frozenset(prefix for prefix, _title, _sex in TITLES)


def name_keys(text: str) -> set[str]:
    """The ways a written name may match the register: as written, and without each title
    it could start with; spaces, case and Thai spelling variants removed."""
    return _title_variants(normalize_name(text).casefold())


def _quick_key(text: str) -> str:
    return "".join(text.translate(_INVISIBLE).split()).casefold()


def id_digits(value: object) -> str:
    """The cell as the digits of an ID (dashes, spaces and Thai digits allowed)."""
    text = cell_text(value).translate(THAI_DIGITS)
    return text.replace("-", "").replace(" ", "")


class MemberIdentities:
    """The register's IDs and names, by slot (the importer's position of each member)."""

    def __init__(self, fund: Fund, member_ids: list[int], *, ids: bool, names: bool) -> None:
        slot_of_pk = {pk: slot for slot, pk in enumerate(member_ids)}
        self.numbers: list[str] = [""] * len(member_ids)
        self.nids: list[str] = [""] * len(member_ids)
        self.names: list[str] = [""] * len(member_ids)
        self.registered: list[tuple[str, str, str]] = [("", "", "")] * len(member_ids)
        self.quick_keys: dict[int, str] = {}
        self.thai_keys: dict[int, set[str]] = {}
        self.owner: dict[str, int] = {}
        for pk, number, nid, title, first, last in Member.objects.filter(fund=fund).values_list(
            "pk", "number", "national_id", "title", "first_name", "last_name"
        ):
            slot = slot_of_pk.get(pk)
            if slot is None:
                continue
            self.numbers[slot] = number
            if ids:
                self.nids[slot] = nid
                self.owner[nid] = slot
            if names:
                self.names[slot] = f"{title}{first} {last}".strip()
                self.registered[slot] = (title, first, last)
        self._ids: dict[tuple[int, object], str | None] = {}
        self._names: dict[tuple[int, object], str | None] = {}

    def national_id_problem(self, slot: int, value: object) -> str | None:
        """Why this row's ID is not the member's (in the user's language), or None."""
        key = (slot, value)
        if key in self._ids:
            return self._ids[key]
        reason = self._id_reason(slot, value)
        self._ids[key] = reason
        return reason

    def _id_reason(self, slot: int, value: object) -> str | None:
        digits = id_digits(value)
        number = self.numbers[slot]
        if not digits:
            return _(
                "The national ID is missing; the file has a national ID column, so every "
                "payment row needs the payer's ID."
            )
        try:
            nid = national_id_clean(digits)
        except ValidationError as exc:
            return " ".join(exc.message_dict.get("national_id", [str(exc)]))
        if not self.nids[slot] or nid == self.nids[slot]:
            return None
        other = self.owner.get(nid)
        if other is not None:
            return _(
                "This national ID is member %(other)s's, not member %(number)s's: check the "
                "member number or the ID."
            ) % {"other": self.numbers[other], "number": number}
        return _(
            "This national ID is not the one registered for member %(number)s: check the "
            "member number or the ID."
        ) % {"number": number}

    def name_problem(self, slot: int, value: object) -> str | None:
        """Why this row's name is not the member's, or None (an empty cell is not checked)."""
        key = (slot, value)
        if key in self._names:
            return self._names[key]
        text = cell_text(value)
        reason = None
        if text and self.names[slot] and not self._same_name(slot, text):
            reason = _(
                "The name does not match member %(number)s in the register (%(name)s): check "
                "the member number or the name."
            ) % {"number": self.numbers[slot], "name": self.names[slot]}
        self._names[key] = reason
        return reason

    def _same_name(self, slot: int, text: str) -> bool:
        """Quick first — spaces, case and a title before the register's name, no PyThaiNLP
        (a hundredth of the time; most rows are typed as registered) — then the full form."""
        core = self.quick_keys.get(slot)
        title, first, last = self.registered[slot]
        if core is None:
            core = self.quick_keys[slot] = _quick_key(first + last)
        typed = _quick_key(text)
        if typed.endswith(core):
            before = typed[: len(typed) - len(core)]
            if not before or before in _TITLE_KEYS or before == _quick_key(title):
                return True
        keys = self.thai_keys.get(slot)
        if keys is None:
            keys = self.thai_keys[slot] = name_keys(f"{first} {last}") | name_keys(
                f"{title}{first} {last}"
            )
        return bool(name_keys(text) & keys)


def id_shown(value: object) -> str:
    """An ID cell as a problem list shows it: masked like everywhere else (the last three
    digits, x-xxxx-xxxxx-12-3 for thirteen digits), since the list is shown and downloaded."""
    digits = id_digits(value)
    if len(digits) == 13 and digits.isdigit():
        return f"x-xxxx-xxxxx-{digits[10:12]}-{digits[12]}"
    return "x" * max(0, len(digits) - 3) + digits[-3:]

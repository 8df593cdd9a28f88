"""One Thai word per English message: Django merges every app's catalog into one (the first
app in INSTALLED_APPS wins, the project's own ``locale/`` over all), so a message translated
two ways in two catalogs shows one of them on every page — the other app's word, silently.
A message that must read differently in two places carries a context (pgettext)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent


def catalogs() -> list[Path]:
    return [
        ROOT / "locale/th/LC_MESSAGES/django.po",
        *sorted(ROOT.glob("kongtun/*/locale/th/LC_MESSAGES/django.po")),
    ]


def test_a_message_has_one_thai_translation_in_every_catalog() -> None:
    seen: dict[tuple[str | None, str], dict[str, str]] = defaultdict(dict)
    for path in catalogs():
        with path.open("rb") as f:
            for m in read_po(f):
                if not m.id:
                    continue
                msgid = m.id if isinstance(m.id, str) else m.id[0]
                text = m.string if isinstance(m.string, str) else m.string[0]
                if text:
                    seen[(m.context, msgid)][str(path.relative_to(ROOT))] = text
    assert len(seen) > 1000
    conflicts = {key: where for key, where in seen.items() if len(set(where.values())) > 1}
    assert conflicts == {}

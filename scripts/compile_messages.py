"""Compile every gettext catalog (.po → .mo) with Babel, so a fresh machine needs no GNU
gettext tools (Django's compilemessages would call msgfmt)."""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    count = 0
    for po_path in sorted(ROOT.glob("**/locale/*/LC_MESSAGES/*.po")):
        if ".venv" in po_path.parts:
            continue
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as f:
            catalog = read_po(f, locale=po_path.parts[-3])
        with mo_path.open("wb") as f:
            write_mo(f, catalog, use_fuzzy=False)
        count += 1
    if count:
        print(f"compiled {count} message catalog(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Every environment variable the settings read is documented in the README (datasette's habit)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_setting_read_from_the_environment_is_in_the_readme():
    settings_src = (ROOT / "kongtun" / "settings.py").read_text()
    names = set(re.findall(r'os\.environ(?:\.get|\.setdefault)?\(\s*"([A-Z_]+)"', settings_src))
    names -= {"PYTHAINLP_OFFLINE", "PYTHAINLP_READ_ONLY"}  # set by us, not by the user
    assert "DATABASE_URL" in names
    readme = (ROOT / "README.md").read_text()
    missing = sorted(n for n in names if f"`{n}`" not in readme)
    assert missing == []

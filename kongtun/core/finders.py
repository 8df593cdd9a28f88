"""Serve the Thai font from its PyPI package (fontpkg-sarabun) as static files.

Nothing third-party is committed and nothing is fetched at run time: the font arrives with
``pip install`` and is found here under ``static/fonts/sarabun/``.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from django.contrib.staticfiles.finders import BaseFinder
from django.contrib.staticfiles.utils import matches_patterns
from django.core.files.storage import FileSystemStorage

PREFIX = "fonts/sarabun"
WANTED = ("Sarabun-Regular.ttf", "Sarabun-Bold.ttf", "Sarabun-Italic.ttf", "Sarabun-SemiBold.ttf")


def sarabun_dir() -> Path:
    spec = importlib.util.find_spec("fontpkg_sarabun")
    if spec is None or not spec.origin:
        raise RuntimeError("fontpkg-sarabun is not installed; run `make install`")
    return Path(spec.origin).parent / "files"


def font_path(name: str = "Sarabun-Regular.ttf") -> Path:
    return sarabun_dir() / name


class FontPackageFinder(BaseFinder):
    def __init__(self, *args: object, **kwargs: object) -> None:
        self.location = sarabun_dir()
        self.storage = FileSystemStorage(location=str(self.location))
        self.storage.prefix = PREFIX

    def check(self, **kwargs: object) -> list:
        return []

    def find(self, path: str, find_all: bool = False, **kwargs: object) -> str | list[str]:
        if path.startswith(PREFIX + "/"):
            name = path[len(PREFIX) + 1 :]
            if name in WANTED and (self.location / name).exists():
                found = str(self.location / name)
                return [found] if find_all else found
        return [] if find_all else ""

    def list(self, ignore_patterns: list[str] | None):
        for name in WANTED:
            if not matches_patterns(name, ignore_patterns or []):
                yield name, self.storage

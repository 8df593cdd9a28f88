"""The prototype regulations shipped in ``kongtun/regulations/prototypes/*.yaml``."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from .loader import load_regulation
from .model import Regulation

__all__ = ["PROTOTYPES", "PROTOTYPE_DIR", "load_prototype"]

PROTOTYPE_DIR = Path(__file__).resolve().parent.parent / "prototypes"
#: Codes of the shipped templates: five real regulations and two synthetic pilot-fund demos.
PROTOTYPES = (
    "chamung",
    "cukp_funeral",
    "samyaek",
    "thaytalad",
    "trat_mettatham",
    "banthi",
    "thaneun",
)


@cache
def load_prototype(code: str) -> Regulation:
    """Load a shipped template by code (cached: regulations are immutable)."""
    if code not in PROTOTYPES:
        raise KeyError(code)
    return load_regulation((PROTOTYPE_DIR / f"{code}.yaml").read_text(encoding="utf-8"))

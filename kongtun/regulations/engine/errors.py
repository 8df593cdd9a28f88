"""Errors in a regulation document, as data: where (path, line), what (code), with what."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .messages import ERRORS, english_duration, format_message

__all__ = ["FormatError", "RegulationFormatError"]


@dataclass(frozen=True, slots=True)
class FormatError:
    """One problem. ``path`` is like ``benefits[2].tiers.bands[1].amount`` ("" = the document).

    ``message`` is English; ``render.render_error`` gives the Thai (or English) text from
    ``code`` and ``params``.
    """

    path: str
    code: str
    params: dict[str, Any] = field(default_factory=dict)
    line: int | None = None

    @property
    def message(self) -> str:
        return format_message(ERRORS.get(self.code, self.code), self.params, english_duration)

    def __str__(self) -> str:
        where = self.path or "(document)"
        if self.line is not None:
            where += f" (line {self.line})"
        return f"{where}: {self.message}"


class RegulationFormatError(ValueError):
    """Raised by the loader with every problem found, not only the first."""

    def __init__(self, errors: Iterable[FormatError]) -> None:
        self.errors: tuple[FormatError, ...] = tuple(errors)
        super().__init__(
            f"{len(self.errors)} error(s) in regulation:\n"
            + "\n".join(f"- {e}" for e in self.errors)
        )

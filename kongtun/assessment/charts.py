"""The radar chart of a round's factor scores, as inline SVG drawn on the server (no JavaScript,
no chart library, printable, readable by WeasyPrint for the PDF)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from kongtun.assessment.models import SCALE_MAX, SCALE_MIN


@dataclass(frozen=True)
class Series:
    label: str
    values: list[float | None]  # one per axis, on the 1–5 scale
    colour: str
    dashed: bool = False


def _point(cx: float, cy: float, r: float, i: int, n: int) -> tuple[float, float]:
    angle = -math.pi / 2 + 2 * math.pi * i / n
    return round(cx + r * math.cos(angle), 1), round(cy + r * math.sin(angle), 1)


def radar_svg(
    axes: list[str],
    series: list[Series],
    *,
    title: str,
    size: int = 520,
    highlight: set[int] | None = None,
) -> SafeString:
    """``axes`` are short labels (the factor numbers); ``highlight`` marks axes (weakest
    factors) in red. Scores map from 1 (centre) to 5 (outer ring)."""
    n = len(axes)
    if n < 3:
        return mark_safe("")
    highlight = highlight or set()
    pad = 46
    cx = cy = size / 2
    radius = size / 2 - pad
    span = SCALE_MAX - SCALE_MIN

    def r_of(value: float) -> float:
        return radius * (min(max(value, SCALE_MIN), SCALE_MAX) - SCALE_MIN) / span

    out: list[str] = [
        format_html(
            '<svg class="radar" viewBox="0 0 {} {}" role="img" aria-label="{}" '
            'xmlns="http://www.w3.org/2000/svg" font-family="Sarabun, sans-serif">',
            size,
            size,
            title,
        )
    ]
    for level in range(SCALE_MIN, SCALE_MAX + 1):
        pts = " ".join(f"{x},{y}" for x, y in (_point(cx, cy, r_of(level), i, n) for i in range(n)))
        out.append(
            format_html(
                '<polygon points="{}" fill="none" stroke="{}" stroke-width="1"/>',
                pts,
                "#9aa5b1" if level == 3 else "#dde2e8",
            )
        )
        if level > SCALE_MIN:
            lx, ly = _point(cx, cy, r_of(level), 0, n)
            out.append(
                format_html(
                    '<text x="{}" y="{}" font-size="12" fill="#7b8794">{}</text>',
                    lx + 4,
                    ly + 4,
                    level,
                )
            )
    for i, label in enumerate(axes):
        x, y = _point(cx, cy, radius, i, n)
        out.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#dde2e8" stroke-width="1"/>',
                cx,
                cy,
                x,
                y,
            )
        )
        lx, ly = _point(cx, cy, radius + 22, i, n)
        weak = i in highlight
        out.append(
            format_html(
                '<text x="{}" y="{}" font-size="17" font-weight="{}" text-anchor="middle" '
                'dominant-baseline="middle" fill="{}">{}</text>',
                lx,
                ly,
                700 if weak else 600,
                "#a61b1b" if weak else "#1f2933",
                label,
            )
        )
    for s in series:
        pts = []
        for i, v in enumerate(s.values):
            pts.append(_point(cx, cy, r_of(v if v is not None else SCALE_MIN), i, n))
        out.append(
            format_html(
                '<polygon points="{}" fill="{}" fill-opacity="{}" stroke="{}" stroke-width="2.5"{}>'
                "<title>{}</title></polygon>",
                " ".join(f"{x},{y}" for x, y in pts),
                s.colour,
                "0.08" if s.dashed else "0.2",
                s.colour,
                mark_safe(' stroke-dasharray="6 4"') if s.dashed else "",
                s.label,
            )
        )
        if not s.dashed:
            for (x, y), v in zip(pts, s.values, strict=True):
                if v is not None:
                    out.append(
                        format_html('<circle cx="{}" cy="{}" r="3.5" fill="{}"/>', x, y, s.colour)
                    )
    out.append("</svg>")
    return mark_safe("".join(str(p) for p in out))  # every piece above is escaped

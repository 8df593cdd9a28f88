"""Charts as inline SVG drawn on the server: no JavaScript, no CDN, the same picture in the
page and in the PDF. Labels are escaped; numbers are formatted by the caller."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

FONT = 'font-family="Sarabun, sans-serif"'
ACCENT = "#1d6b4f"
FEMALE = "#b5487a"
MALE = "#2f6ea5"
INK = "#1f2933"
MUTED = "#5f6b7a"
GRID = "#d9dee5"


def _fmt_amount(value: Decimal | int | float) -> str:
    return f"{Decimal(value):,.2f}" if isinstance(value, Decimal) else f"{value:,}"


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bar_chart(
    rows: Sequence[tuple[str, Decimal | int]],
    *,
    title: str,
    fmt: Callable[[Decimal | int], str] = _fmt_amount,
    colour: str = ACCENT,
    label_width: int = 230,
) -> SafeString:
    """Horizontal bars, one per row, longest scaled to the full width."""
    width, bar_area, row_h, top = 680, 300, 26, 8
    height = top + row_h * max(len(rows), 1) + 6
    peak = max((float(v) for _l, v in rows), default=0) or 1
    parts = [
        f'<svg class="chart bars" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg" {FONT}>',
        f"<title>{escape(title)}</title>",
    ]
    if not rows:
        parts.append(f'<text x="0" y="20" font-size="13" fill="{MUTED}">—</text>')
    for i, (label, value) in enumerate(rows):
        y = top + i * row_h
        w = max(float(value) / peak * bar_area, 0)
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 17}" font-size="13" fill="{INK}" '
            f'text-anchor="end">{escape(_short(str(label), 34))}</text>'
            f'<rect x="{label_width}" y="{y + 4}" width="{w:.1f}" height="17" rx="3" '
            f'fill="{colour}"/>'
            f'<text x="{label_width + w + 6:.1f}" y="{y + 17}" font-size="12.5" '
            f'fill="{INK}">{escape(fmt(value))}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def pyramid(
    rows: Sequence[object], *, title: str, female_label: str, male_label: str
) -> SafeString:
    """A population pyramid: one band per row (youngest at the bottom), men to the left and
    women to the right of the band labels. ``rows`` have ``label``, ``male``, ``female``."""
    width, centre_w, row_h, top, legend_h = 680, 70, 24, 8, 28
    half = (width - centre_w) / 2 - 40
    bands = list(rows)[::-1]
    height = top + row_h * len(bands) + legend_h + 6
    peak = max((max(r.male, r.female) for r in bands), default=0) or 1
    left_edge = (width - centre_w) / 2
    right_edge = left_edge + centre_w
    parts = [
        f'<svg class="chart pyramid" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg" {FONT}>',
        f"<title>{escape(title)}</title>",
    ]
    for i, r in enumerate(bands):
        y = top + i * row_h
        wm = r.male / peak * half
        wf = r.female / peak * half
        parts.append(
            f'<rect x="{left_edge - wm:.1f}" y="{y + 3}" width="{wm:.1f}" height="18" '
            f'fill="{MALE}"/>'
            f'<rect x="{right_edge}" y="{y + 3}" width="{wf:.1f}" height="18" fill="{FEMALE}"/>'
            f'<text x="{width / 2}" y="{y + 17}" font-size="12.5" fill="{INK}" '
            f'text-anchor="middle">{escape(r.label)}</text>'
            f'<text x="{left_edge - wm - 5:.1f}" y="{y + 17}" font-size="12" fill="{INK}" '
            f'text-anchor="end">{r.male}</text>'
            f'<text x="{right_edge + wf + 5:.1f}" y="{y + 17}" font-size="12" '
            f'fill="{INK}">{r.female}</text>'
        )
    ly = top + row_h * len(bands) + 18
    parts.append(
        f'<line x1="{left_edge}" y1="{top}" x2="{left_edge}" y2="{ly - 14}" stroke="{GRID}"/>'
        f'<line x1="{right_edge}" y1="{top}" x2="{right_edge}" y2="{ly - 14}" stroke="{GRID}"/>'
        f'<rect x="{left_edge - 120}" y="{ly - 10}" width="12" height="12" fill="{MALE}"/>'
        f'<text x="{left_edge - 102}" y="{ly}" font-size="13" fill="{INK}">'
        f"{escape(male_label)}</text>"
        f'<rect x="{right_edge + 20}" y="{ly - 10}" width="12" height="12" fill="{FEMALE}"/>'
        f'<text x="{right_edge + 38}" y="{ly}" font-size="13" fill="{INK}">'
        f"{escape(female_label)}</text>"
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))

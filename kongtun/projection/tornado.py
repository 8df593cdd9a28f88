"""The sensitivity tornado chart as inline SVG (decision 0024): for each assumption, a bar from
its −20 % value to its +20 % value around today's, the widest on top.

Drawn at two sizes like the other charts (``charts.to_svg_pair``): wide, with the names to the
left of the bars, and for a phone, with each name above its bar, so neither needs a sideways
swipe; the stylesheet shows the one that fits. The title is the page's heading; the drawing
keeps it as its accessible name."""

from __future__ import annotations

from django.utils.html import escape

from kongtun.projection.charts import NARROW, is_narrow

WIDE = 640


def tornado_svg(
    rows: list[tuple[str, float, float]],
    base: float,
    *,
    title: str,
    fmt,
    low_label: str,
    high_label: str,
) -> str:
    """The chart wide and for a phone. ``rows``: (label, value at −20 %, value at +20 %);
    ``fmt`` formats an axis value."""
    rows = sorted(rows, key=lambda r: -abs(r[2] - r[1]))
    return "".join(
        _drawn(rows, base, title=title, fmt=fmt, low=low_label, high=high_label, width=width)
        for width in (WIDE, NARROW)
    )


def _drawn(rows, base: float, *, title: str, fmt, low: str, high: str, width: int) -> str:
    narrow = is_narrow(width)
    W, right, bar = width, 24, 22
    left = 10 if narrow else 190
    name_h = 16 if narrow else 0  # the name's own line above the bar on a phone
    top = 8
    row_h = bar + name_h
    H = top + row_h * len(rows) + 44
    lo = min([base, *(min(r[1], r[2]) for r in rows)])
    hi = max([base, *(max(r[1], r[2]) for r in rows)])
    if hi - lo < 1e-12:
        lo, hi = lo - 1, hi + 1
    span = hi - lo

    def x(v: float) -> float:
        return left + (v - lo) / span * (W - left - right)

    css = "chart tornado narrow" if narrow else "chart tornado wide"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{css}" viewBox="0 0 {W} {H}" '
        f'role="img" aria-label="{escape(title)}" font-family="Sarabun, sans-serif">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (label, v_lo, v_hi) in enumerate(rows):
        y = top + i * row_h
        if narrow:
            parts.append(f'<text x="{left}" y="{y + 12}" font-size="12">{escape(label)}</text>')
        else:
            parts.append(
                f'<text x="{left - 6}" y="{y + bar * 0.65}" text-anchor="end" font-size="12">'
                f"{escape(label)}</text>"
            )
        y += name_h
        for v, cls in ((v_lo, "low"), (v_hi, "high")):
            a, b = sorted((x(base), x(v)))
            fill = "#7aa6c2" if cls == "low" else "#d08c5b"
            parts.append(
                f'<rect x="{a:.1f}" y="{y + 3}" width="{max(b - a, 0.5):.1f}" height="{bar - 6}" '
                f'fill="{fill}"><title>{escape(label)}: {escape(fmt(v))}</title></rect>'
            )
    axis = H - 44
    parts.append(
        f'<line x1="{x(base):.1f}" y1="{top}" x2="{x(base):.1f}" y2="{axis}" '
        'stroke="#222" stroke-width="1"/>'
    )
    # the ends and today's value under the axis; today's is left out where it would overlap
    ticks = [(lo, "start"), (hi, "end")]
    room = (W - left - right) * 0.22
    if x(base) - x(lo) > room and x(hi) - x(base) > room:
        ticks.append((base, "middle"))
    for v, anchor in ticks:
        parts.append(
            f'<text x="{x(v):.1f}" y="{axis + 16}" text-anchor="{anchor}" font-size="11">'
            f"{escape(fmt(v))}</text>"
        )
    key_y = H - 6
    second = left + 22 + 8 * len(low)
    parts.append(
        f'<rect x="{left}" y="{key_y - 9}" width="10" height="10" fill="#7aa6c2"/>'
        f'<text x="{left + 14}" y="{key_y}" font-size="11">{escape(low)}</text>'
        f'<rect x="{second}" y="{key_y - 9}" width="10" height="10" fill="#d08c5b"/>'
        f'<text x="{second + 14}" y="{key_y}" font-size="11">{escape(high)}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)

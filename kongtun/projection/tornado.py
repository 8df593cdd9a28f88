"""The sensitivity tornado chart as inline SVG (decision 0024): for each assumption, a bar from
its −20 % value to its +20 % value around today's, the widest on top."""

from __future__ import annotations

from django.utils.html import escape


def tornado_svg(
    rows: list[tuple[str, float, float]],
    base: float,
    *,
    title: str,
    fmt,
    low_label: str,
    high_label: str,
) -> str:
    """``rows``: (label, value at −20 %, value at +20 %); ``fmt`` formats an axis value."""
    rows = sorted(rows, key=lambda r: -abs(r[2] - r[1]))
    W, left, right, top, bar = 640, 190, 20, 40, 22
    H = top + bar * len(rows) + 40
    lo = min([base, *(min(r[1], r[2]) for r in rows)])
    hi = max([base, *(max(r[1], r[2]) for r in rows)])
    if hi - lo < 1e-12:
        lo, hi = lo - 1, hi + 1
    span = hi - lo

    def x(v: float) -> float:
        return left + (v - lo) / span * (W - left - right)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart tornado" viewBox="0 0 {W} {H}" '
        f'role="img" aria-label="{escape(title)}">',
        f'<text x="{W / 2}" y="18" text-anchor="middle" font-size="14">{escape(title)}</text>',
    ]
    for i, (label, v_lo, v_hi) in enumerate(rows):
        y = top + i * bar
        parts.append(
            f'<text x="{left - 6}" y="{y + bar * 0.65}" text-anchor="end" font-size="12">'
            f"{escape(label)}</text>"
        )
        for v, cls in ((v_lo, "low"), (v_hi, "high")):
            a, b = sorted((x(base), x(v)))
            fill = "#7aa6c2" if cls == "low" else "#d08c5b"
            parts.append(
                f'<rect x="{a:.1f}" y="{y + 3}" width="{max(b - a, 0.5):.1f}" height="{bar - 6}" '
                f'fill="{fill}"><title>{escape(label)}: {escape(fmt(v))}</title></rect>'
            )
    parts.append(
        f'<line x1="{x(base):.1f}" y1="{top - 4}" x2="{x(base):.1f}" y2="{H - 30}" '
        'stroke="#222" stroke-width="1"/>'
    )
    for v, anchor in ((lo, "start"), (base, "middle"), (hi, "end")):
        parts.append(
            f'<text x="{x(v):.1f}" y="{H - 14}" text-anchor="{anchor}" font-size="11">'
            f"{escape(fmt(v))}</text>"
        )
    parts.append(
        f'<rect x="{left}" y="{H - 8}" width="10" height="8" fill="#7aa6c2"/>'
        f'<text x="{left + 14}" y="{H}" font-size="11">{escape(low_label)}</text>'
        f'<rect x="{left + 160}" y="{H - 8}" width="10" height="8" fill="#d08c5b"/>'
        f'<text x="{left + 174}" y="{H}" font-size="11">{escape(high_label)}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)

"""Charts of a projection, drawn on the server: a fan chart of the balance (5–95, 25–75,
median), the probability of running out of money, and both for several regulations at once.

One drawing (a list of shapes) is rendered twice: as inline SVG (pages, the PDF through
WeasyPrint, the SVG download) and as PNG with Pillow and the Sarabun font (no SVG rasterizer
is needed, nothing is fetched). No JavaScript, no chart library.
"""

from __future__ import annotations

import io
import itertools
import math
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from kongtun.core.finders import font_path
from kongtun.core.templatetags.kongtun import number

WIDTH, HEIGHT = 720, 360
#: The phone drawing (decision 0024): drawn for a 360 px screen at its own size, so the chart
#: fits without a sideways swipe and its text stays 12 px; its title is the page's heading.
NARROW = 360


def is_narrow(width: int) -> bool:
    """A drawing laid out for a phone (every chart and the tornado ask this one question)."""
    return width < 500


MARGIN = {"left": 64, "right": 16, "top": 48, "bottom": 40}
INK = "#1f2933"
MUTED = "#5f6b7a"
GRID = "#e3e7ec"
BAD = "#a61b1b"
PALETTE = ("#1d6b4f", "#2f5fa7", "#b0601c", "#7a3f9a", "#a61b1b", "#4b5563")
BAND_OUTER = 0.22
BAND_INNER = 0.45


LEGEND_ROW = 18


@dataclass
class Drawing:
    width: int = WIDTH
    height: int = HEIGHT
    title: str = ""
    shapes: list[tuple] = field(default_factory=list)
    legend_rows: int = 0

    @property
    def narrow(self) -> bool:
        return is_narrow(self.width)

    def poly(self, pts, fill, opacity=1.0):
        self.shapes.append(("poly", pts, fill, opacity))

    def line(self, pts, stroke, width=1.0, dash=False):
        self.shapes.append(("line", pts, stroke, width, dash))

    def rect(self, x, y, w, h, fill, opacity=1.0):
        self.shapes.append(("rect", x, y, w, h, fill, opacity))

    def text(self, x, y, s, size=12, anchor="start", fill=INK, bold=False):
        self.shapes.append(("text", x, y, s, size, anchor, fill, bold))


def nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    if hi <= lo:
        hi = lo + 1
    raw = (hi - lo) / n
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    first = math.floor(lo / step) * step
    ticks = [round(first, 10)]
    while ticks[-1] < hi - step * 1e-9:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def _unit(values: list[float], lang: str) -> tuple[float, str]:
    big = max((abs(v) for v in values), default=0)
    if big >= 1e6:
        return 1e6, "ล้านบาท" if lang == "th" else "million baht"
    if big >= 1e3:
        return 1e3, "พันบาท" if lang == "th" else "thousand baht"
    return 1.0, "บาท" if lang == "th" else "baht"


def _fmt(v: float) -> str:
    return number(v, "1g" if abs(v) >= 10 else "2g")


class _Frame:
    def __init__(self, d: Drawing, x0: float, x1: float, y0: float, y1: float) -> None:
        self.d = d
        self.x0, self.x1, self.y0, self.y1 = x0, x1, y0, y1
        self.left = MARGIN["left"]
        self.right = d.width - MARGIN["right"]
        self.top = 30 if d.narrow else MARGIN["top"]
        self.bottom = d.height - MARGIN["bottom"] - d.legend_rows * LEGEND_ROW

    def x(self, v: float) -> float:
        return round(
            self.left + (v - self.x0) / (self.x1 - self.x0 or 1) * (self.right - self.left), 1
        )

    def y(self, v: float) -> float:
        return round(
            self.bottom - (v - self.y0) / (self.y1 - self.y0 or 1) * (self.bottom - self.top), 1
        )


def _axes(
    d: Drawing, f: _Frame, years: list[int], yticks: list[float], ylabel, unit_div: float, pct=False
):
    for v in yticks:
        y = f.y(v)
        d.line([(f.left, y), (f.right, y)], GRID)
        label = f"{_fmt(v * 100)}%" if pct else _fmt(v / unit_div)
        d.text(f.left - 6, y + 4, label, 12, "end", MUTED)
    step = 5 if len(years) > 12 else 1
    if len(years) > 60 or (d.narrow and len(years) > 12):
        step = 10
    elif d.narrow and len(years) > 6:
        step = 2
    for i, yr in enumerate(years):
        if i % step == 0 or (i == len(years) - 1 and len(years) <= 12):
            x = f.x(i)
            d.line([(x, f.bottom), (x, f.bottom + 4)], MUTED)
            d.text(x, f.bottom + 18, str(yr), 12, "middle", MUTED)
    d.line([(f.left, f.top), (f.left, f.bottom)], MUTED)
    d.line([(f.left, f.bottom), (f.right, f.bottom)], MUTED)
    if not d.narrow:
        d.text(f.left, 20, d.title, 13, "start", INK, bold=True)
    d.text(f.left - 6, f.top - 12, ylabel, 12, "end", MUTED)


def fan_chart(
    series: list[dict],
    years: list[int],
    *,
    title: str,
    lang: str,
    labels: dict[str, str],
    width: int = WIDTH,
) -> Drawing:
    """``series``: [{"label", "quantiles": 5 rows (5, 25, 50, 75, 95) of T+1 values}]; one
    regulation gets both bands, several get their 5–95 band and median each."""
    single = len(series) == 1
    rows = 1 if single else len(series)
    d = Drawing(
        title=title,
        width=width,
        height=(280 if is_narrow(width) else HEIGHT) + rows * LEGEND_ROW,
        legend_rows=rows,
    )
    values = [v for s in series for row in (s["quantiles"][0], s["quantiles"][4]) for v in row] + [
        0.0
    ]
    lo, hi = min(values), max(values)
    pad = (hi - lo) * 0.05 or 1
    yticks = nice_ticks(lo - pad, hi + pad)
    f = _Frame(d, 0, len(years) - 1, yticks[0], yticks[-1])
    div, unit = _unit(yticks, lang)
    _axes(d, f, years, yticks, unit, div)
    for k, s in enumerate(series):
        colour = PALETTE[k % len(PALETTE)]
        q = s["quantiles"]
        xs = list(range(len(years)))

        def band(lo_row, hi_row, opacity, q=q, xs=xs, colour=colour):
            pts = [(f.x(i), f.y(q[hi_row][i])) for i in xs] + [
                (f.x(i), f.y(q[lo_row][i])) for i in reversed(xs)
            ]
            d.poly(pts, colour, opacity)

        band(0, 4, BAND_OUTER if single else 0.16)
        if single:
            band(1, 3, BAND_INNER)
        d.line([(f.x(i), f.y(q[2][i])) for i in xs], colour, 2.2)
    zero = f.y(0.0)
    if f.top <= zero <= f.bottom:
        d.line([(f.left, zero), (f.right, zero)], BAD, 1.2, dash=True)
    # legend, under the axis
    y = f.bottom + 34
    x = 8 if d.narrow else f.left
    if single:
        for text, opacity in ((labels["band90"], BAND_OUTER), (labels["band50"], BAND_INNER)):
            d.rect(x, y - 9, 14, 10, PALETTE[0], opacity)
            d.text(x + 18, y, text, 12, "start", MUTED)
            x += (30 if d.narrow else 40) + 7 * len(text)
        d.line([(x, y - 4), (x + 16, y - 4)], PALETTE[0], 2.2)
        d.text(x + 20, y, labels["median"], 12, "start", MUTED)
    else:
        for k, s in enumerate(series):
            colour = PALETTE[k % len(PALETTE)]
            d.rect(x, y - 9, 16, 10, colour, 0.16)
            d.line([(x, y - 4), (x + 16, y - 4)], colour, 2.2)
            d.text(x + 22, y, s["label"], 12, "start", MUTED)
            y += LEGEND_ROW
    return d


def ruin_chart(
    series: list[dict], years: list[int], *, title: str, lang: str, width: int = WIDTH
) -> Drawing:
    """Probability of having run out of money by each year, one line per regulation."""
    rows = len(series) if len(series) > 1 else 0
    d = Drawing(
        width=width,
        height=(230 if is_narrow(width) else 250) + rows * LEGEND_ROW,
        title=title,
        legend_rows=rows,
    )
    yticks = [0, 0.25, 0.5, 0.75, 1.0]
    f = _Frame(d, 0, len(years) - 1, 0, 1)
    _axes(d, f, years, yticks, "", 1.0, pct=True)
    y = f.bottom + 34
    x = 8 if d.narrow else f.left
    for k, s in enumerate(series):
        colour = PALETTE[k % len(PALETTE)]
        d.line([(f.x(i), f.y(p)) for i, p in enumerate(s["ruin"])], colour, 2.2)
        if rows:
            d.line([(x, y - 4), (x + 16, y - 4)], colour, 2.2)
            d.text(x + 22, y, s["label"], 12, "start", MUTED)
            y += LEGEND_ROW
    return d


# ---- rendering --------------------------------------------------------------------------------


def to_svg_pair(make, args: dict, *, wide: Drawing | None = None, css: str = "") -> SafeString:
    """The chart twice, for a page: drawn wide (shown from 640 px) and drawn for a phone
    (``NARROW``), the stylesheet showing one; ``make(**args, width=...)`` draws it."""
    wide = wide if wide is not None else make(**args)
    narrow = make(**args, width=NARROW)
    return mark_safe(
        to_svg(wide, css_class=f"chart wide {css}".strip())
        + to_svg(narrow, css_class=f"chart narrow {css}".strip())
    )


def to_svg(d: Drawing, *, css_class: str = "chart") -> SafeString:
    out = [
        f'<svg class="{css_class}" viewBox="0 0 {d.width} {d.height}" role="img" '
        f'aria-label="{escape(d.title)}" xmlns="http://www.w3.org/2000/svg" '
        'font-family="Sarabun, sans-serif">'
    ]
    if d.title:
        out.append(f"<title>{escape(d.title)}</title>")
    for s in d.shapes:
        kind = s[0]
        if kind == "poly":
            _, pts, fill, op = s
            p = " ".join(f"{x},{y}" for x, y in pts)
            out.append(f'<polygon points="{p}" fill="{fill}" fill-opacity="{op}" stroke="none"/>')
        elif kind == "line":
            _, pts, stroke, width, dash = s
            p = " ".join(f"{x},{y}" for x, y in pts)
            extra = ' stroke-dasharray="6 4"' if dash else ""
            out.append(
                f'<polyline points="{p}" fill="none" stroke="{stroke}" stroke-width="{width}"'
                f' stroke-linejoin="round"{extra}/>'
            )
        elif kind == "rect":
            _, x, y, w, h, fill, op = s
            out.append(
                f'<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{fill}" '
                f'fill-opacity="{op}"/>'
            )
        elif kind == "text":
            _, x, y, text, size, anchor, fill, bold = s
            weight = ' font-weight="600"' if bold else ""
            out.append(
                f'<text x="{x}" y="{y}" font-size="{size}" text-anchor="{anchor}" '
                f'fill="{fill}"{weight}>'
                f"{escape(text)}</text>"
            )
    out.append("</svg>")
    return mark_safe("".join(out))


def _rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return tuple(int(colour[i : i + 2], 16) for i in (0, 2, 4))  # type: ignore[return-value]


def to_png(d: Drawing, *, scale: float = 2.0) -> bytes:
    """The same drawing as a PNG (Pillow; Thai shaped by libraqm when Pillow has it)."""
    from PIL import Image, ImageDraw, ImageFont

    W, H = int(d.width * scale), int(d.height * scale)
    img = Image.new("RGBA", (W, H), (255, 255, 255, 255))
    fonts: dict[tuple[int, bool], ImageFont.FreeTypeFont] = {}

    def font(size: int, bold: bool) -> ImageFont.FreeTypeFont:
        key = (size, bold)
        if key not in fonts:
            path = font_path("Sarabun-SemiBold.ttf" if bold else "Sarabun-Regular.ttf")
            try:
                fonts[key] = ImageFont.truetype(
                    str(path), int(size * scale), layout_engine=ImageFont.Layout.RAQM
                )
            except (OSError, KeyError):
                fonts[key] = ImageFont.truetype(str(path), int(size * scale))
        return fonts[key]

    def P(pts):
        return [(x * scale, y * scale) for x, y in pts]

    for s in d.shapes:
        kind = s[0]
        if kind in ("poly", "rect"):
            if kind == "poly":
                _, pts, fill, op = s
            else:
                _, x, y, w, h, fill, op = s
                pts = [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]
            layer = Image.new("RGBA", (W, H), (0, 0, 0, 0))
            ImageDraw.Draw(layer).polygon(P(pts), fill=(*_rgb(fill), int(255 * op)))
            img = Image.alpha_composite(img, layer)
        elif kind == "line":
            _, pts, stroke, width, dash = s
            draw = ImageDraw.Draw(img)
            pts = P(pts)
            w = max(1, round(width * scale))
            if not dash:
                draw.line(pts, fill=_rgb(stroke), width=w, joint="curve")
            else:
                for (x0, y0), (x1, y1) in itertools.pairwise(pts):
                    length = math.hypot(x1 - x0, y1 - y0)
                    on, off = 6 * scale, 4 * scale
                    t = 0.0
                    while t < length:
                        t1 = min(length, t + on)
                        draw.line(
                            [
                                (x0 + (x1 - x0) * t / length, y0 + (y1 - y0) * t / length),
                                (x0 + (x1 - x0) * t1 / length, y0 + (y1 - y0) * t1 / length),
                            ],
                            fill=_rgb(stroke),
                            width=w,
                        )
                        t = t1 + off
        elif kind == "text":
            _, x, y, text, size, anchor, fill, bold = s
            anchor_code = {"start": "ls", "middle": "ms", "end": "rs"}[anchor]
            ImageDraw.Draw(img).text(
                (x * scale, y * scale),
                text,
                font=font(size, bold),
                fill=_rgb(fill),
                anchor=anchor_code,
            )
    buf = io.BytesIO()
    img.convert("RGB").save(buf, "PNG", optimize=True)
    return buf.getvalue()

"""The whole process of one area on one picture: an inline SVG drawn on the server.

One row per stage (its number on the left), a bar for the time the stage ran, a dot per
activity (hollow when planned, crossed out when cancelled), a line for the day the fund was
founded; months along the top in the Buddhist Era in Thai. No JavaScript, no library.
"""

from __future__ import annotations

import datetime as dt

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kongtun.core.thaidates import BE_OFFSET, format_date
from kongtun.development.models import ActivityStatus, DevelopmentProcess, Stage, StageStatus
from kongtun.development.selectors import stage_span

_TH_MONTHS = ["ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.",
              "พ.ย.", "ธ.ค."]  # fmt: skip
_EN_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

KIND_COLOURS = {
    "meeting": "#1d6b4f",
    "study_visit": "#2f6fb3",
    "hearing": "#b35c1e",
    "focus_group": "#7a4bb0",
    "training": "#a8871a",
    "other": "#5f6b7a",
}


def _month_start(d: dt.date) -> dt.date:
    return d.replace(day=1)


def _next_month(d: dt.date) -> dt.date:
    return dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1)


def _month_label(d: dt.date, english: bool) -> str:
    if english:
        return f"{_EN_MONTHS[d.month - 1]} {d.year % 100:02d}"
    return f"{_TH_MONTHS[d.month - 1]} {(d.year + BE_OFFSET) % 100:02d}"


def timeline_svg(process: DevelopmentProcess, stages: list[Stage]) -> SafeString:
    english = (get_language() or "th").startswith("en")
    lang = "en" if english else "th"
    dates: list[dt.date] = [process.started_on]
    if process.founded_on:
        dates.append(process.founded_on)
    spans = {}
    for st in stages:
        spans[st.pk] = stage_span(st)
        dates += [d for d in spans[st.pk] if d]
        dates += [a.held_on for a in st.activities.all()]
    first, last = _month_start(min(dates)), _next_month(max(dates))
    months = []
    m = first
    while m < last:
        months.append(m)
        m = _next_month(m)
    total_days = max(1, (last - first).days)

    left, top, row_h, width = 34, 40, 32, 640
    plot_w = width - left - 10
    height = top + row_h * len(stages) + 24

    def x(d: dt.date) -> float:
        return round(left + plot_w * (d - first).days / total_days, 1)

    parts: list[str] = [
        format_html(
            '<svg class="timeline" viewBox="0 0 {} {}" role="img" aria-label="{}" '
            'xmlns="http://www.w3.org/2000/svg">',
            width,
            height,
            _("Timeline of the development process"),
        )
    ]
    step = 1 if len(months) <= 14 else 2 if len(months) <= 28 else 3 if len(months) <= 42 else 6
    for i, m in enumerate(months):
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" class="grid"/>',
                x(m),
                top - 6,
                x(m),
                height - 22,
            )
        )
        if i % step == 0:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" class="month">{}</text>',
                    x(m) + 2,
                    top - 14,
                    _month_label(m, english),
                )
            )
    for row, st in enumerate(stages):
        y = top + row * row_h
        parts.append(
            format_html(
                '<text x="4" y="{}" class="stage-no">{}</text>', y + row_h / 2 + 5, st.position
            )
        )
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" class="row"/>',
                left,
                y + row_h,
                width - 10,
                y + row_h,
            )
        )
        start, end = spans[st.pk]
        if start:
            end = end or start
            cls = "span done" if st.status == StageStatus.DONE else "span"
            if st.status == StageStatus.SKIPPED:
                cls = "span skipped"
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" rx="3" class="{}">'
                    "<title>{}</title></rect>",
                    x(start),
                    y + 8,
                    max(4.0, x(end) - x(start)),
                    row_h - 16,
                    cls,
                    f"{st.position}. {st.display_name}: {format_date(start, lang)} – "
                    f"{format_date(end, lang)}",
                )
            )
        for a in st.activities.all():
            colour = KIND_COLOURS.get(a.kind, "#5f6b7a")
            fill = colour if a.status == ActivityStatus.DONE else "#fff"
            cx, cy = x(a.held_on), y + row_h / 2
            tip = f"{format_date(a.held_on, lang)} · {a.get_kind_display()} · {a.title}"
            parts.append(
                format_html(
                    '<circle cx="{}" cy="{}" r="5" fill="{}" stroke="{}" stroke-width="2">'
                    "<title>{}</title></circle>",
                    cx,
                    cy,
                    fill,
                    colour,
                    tip,
                )
            )
            if a.status == ActivityStatus.CANCELLED:
                parts.append(
                    format_html(
                        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#a61b1b" stroke-width="2"/>',
                        cx - 6,
                        cy - 6,
                        cx + 6,
                        cy + 6,
                    )
                )
    if process.founded_on:
        fx = x(process.founded_on)
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" class="founded"/>',
                fx,
                top - 6,
                fx,
                height - 8,
            )
        )
        parts.append(
            format_html(
                '<text x="{}" y="{}" class="founded-label" text-anchor="end">{}</text>',
                fx - 4,
                height - 6,
                _("fund founded"),
            )
        )
    parts.append("</svg>")
    return mark_safe("".join(str(p) for p in parts))  # every piece above is escaped


def kind_legend() -> list[tuple[str, str]]:
    from kongtun.development.models import ActivityKind

    return [(escape(KIND_COLOURS[k]), str(label)) for k, label in ActivityKind.choices]

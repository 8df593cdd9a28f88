"""Reports as PDF: WeasyPrint (Pango and HarfBuzz shape Thai: tone marks sit on their vowels;
libthai's dictionary finds the word breaks, with ``lang="th"``) with the Sarabun font from its
PyPI package loaded by ``file://`` — through ``reports.fonts`` so that SARA AM copies out of the
PDF as typed (see there)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from kongtun.reports.fonts import pdf_font_path


def font_urls() -> dict[str, str]:
    return {
        "font_regular": "file://" + str(pdf_font_path("Sarabun-Regular.ttf")),
        "font_bold": "file://" + str(pdf_font_path("Sarabun-Bold.ttf")),
    }


def render_pdf(template: str, context: dict) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        template, {**context, **font_urls(), "printed_at": timezone.localtime()}
    )
    return HTML(string=html, base_url=None).write_pdf()

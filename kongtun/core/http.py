"""Small HTTP helpers shared by the apps' views."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import content_disposition_header


def file_response(
    content: bytes, content_type: str, filename: str, *, inline: bool
) -> HttpResponse:
    """A generated document (PDF, XLSX) named for the reader's browser; Django writes the
    header, including a name that is not ASCII."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(not inline, filename)
    return response

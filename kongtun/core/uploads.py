"""Uploads over the limit are refused before they are read in full (issue 12) — one mechanism
for every page that takes a file.

Django reads a whole multipart body to a temporary file before any form can look at a file's
size, so a 2 GB "photo" of a claim would be written to disk first. Here:

- a view says how big its files may be with ``@upload_limit(BYTES)`` (the default, for a view
  that says nothing, is ``UPLOAD_MAX_BYTES``: ``settings.KONGTUN_UPLOAD_MAX_BYTES``, 25 MB);
- ``UploadLimitMiddleware`` (before ``CsrfViewMiddleware``, which would read the body) refuses a
  request whose ``Content-Length`` is over the limit without reading a byte of it, and reads
  the others through ``LimitedUploadHandler``, which drops a file as soon as it passes the
  limit;
- either way the answer is one clear page (HTTP 413) in the user's language, naming the limit
  — JSON ``{"detail": …}`` under ``/api/``. Nothing of the file is stored.

Forms keep their own size checks (the service's rule, with its own words) for files within a
few kilobytes of the limit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

UPLOAD_MAX_BYTES = 25 * 1024 * 1024
MULTIPART_SLACK = 64 * 1024  # the form's other fields and the multipart boundaries
_METHODS = {"POST", "PUT", "PATCH"}

V = TypeVar("V", bound=Callable)


def default_max_bytes() -> int:
    return int(getattr(settings, "KONGTUN_UPLOAD_MAX_BYTES", UPLOAD_MAX_BYTES))


def upload_limit(max_bytes: int) -> Callable[[V], V]:
    """Mark a view: each file it receives may be at most ``max_bytes``. The mark survives
    decorators that use ``functools.wraps``, in any order."""

    def mark(view: V) -> V:
        view.upload_max_bytes = max_bytes  # type: ignore[attr-defined]
        return view

    return mark


def view_max_bytes(view: Callable) -> int:
    return int(getattr(view, "upload_max_bytes", 0) or default_max_bytes())


class LimitedUploadHandler(FileUploadHandler):
    """First in the chain: counts each file's bytes and drops the file (``SkipFile``: the
    rest of it is skipped, the other handlers keep nothing) once it passes the limit."""

    def __init__(self, request: HttpRequest, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.received = 0

    def new_file(self, *args: object, **kwargs: object) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.limit:
            self.request.upload_refused = self.file_name  # type: ignore[union-attr]
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def size_text(limit: int) -> str:
    """5 MB, 512 KB: whole units as the forms write them, else Django's format."""
    for shift, unit in ((20, "MB"), (10, "KB")):
        if limit >= 1 << shift and not limit % (1 << shift):
            return f"{limit >> shift} {unit}"
    return str(filesizeformat(limit))


def too_large(request: HttpRequest, limit: int) -> HttpResponse:
    """The one answer to a file over the limit, in the user's language."""
    message = _(
        "The file is larger than %(size)s, the most this page accepts; nothing was stored. "
        "Choose a smaller file (a photo taken at a lower size, a PDF of fewer pages)."
    ) % {"size": size_text(limit)}
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=413)
    back = request.META.get("HTTP_REFERER", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = ""
    return render(
        request, "core/upload_too_large.html", {"message": message, "back": back}, status=413
    )


class UploadLimitMiddleware:
    """Place before ``django.middleware.csrf.CsrfViewMiddleware`` in ``MIDDLEWARE``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable, args: tuple, kwargs: dict
    ) -> HttpResponse | None:
        if request.method not in _METHODS or not (request.content_type or "").startswith(
            "multipart/"
        ):
            return None
        limit = view_max_bytes(view_func)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit + MULTIPART_SLACK:
            return too_large(request, limit)  # not a byte of the body read
        request.upload_handlers.insert(0, LimitedUploadHandler(request, limit))
        request.POST  # noqa: B018 - read now, through the limit (the CSRF check reads it next)
        if getattr(request, "upload_refused", None):
            return too_large(request, limit)
        return None

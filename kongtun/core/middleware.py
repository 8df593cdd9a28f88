"""Thai by default: pages follow the language the user chose (cookie), never the browser's
Accept-Language, because village phones often ship with English system settings. The API
honours Accept-Language, as API clients expect.

Also: no caching of anything a logged-in user sees (``NoStoreMiddleware``), and the client's
address for login throttling (``client_ip``)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_cache_control


class LanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        lang = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if lang not in self.supported:
            lang = settings.LANGUAGE_CODE
            if request.path.startswith("/api/"):
                lang = translation.get_language_from_request(request) or lang
        translation.activate(lang)
        request.LANGUAGE_CODE = lang
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", lang)
        return response


class NoStoreMiddleware:
    """``Cache-Control: no-store, private`` on every response to a logged-in user (pages and
    API alike): a shared village computer or a proxy keeps no copy of members' details, and
    the Back button after logging out shows nothing. Anonymous pages (the public page, the
    login page) keep whatever caching they had."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)  # the API's bearer token sets it too
        if (
            user is not None
            and user.is_authenticated
            and "no-store" not in response.get("Cache-Control", "")
        ):
            patch_cache_control(response, no_store=True, no_cache=True, private=True)
            response.headers.pop("Expires", None)
        return response


def client_ip(request: HttpRequest) -> str | None:
    """The client's address for login throttling: REMOTE_ADDR, or behind our own reverse proxy
    (``KONGTUN_BEHIND_PROXY=1``) the last X-Forwarded-For entry — the one our proxy appended;
    earlier entries are whatever the client claimed."""
    if getattr(settings, "BEHIND_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = forwarded.split(",")[-1].strip()
        if last:
            return last
    return request.META.get("REMOTE_ADDR")


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """django-axes' answer once a login name or an address is locked: a Thai (or English)
    page saying why and for how long, status 429."""
    from django.shortcuts import render

    minutes = max(1, round(float(settings.AXES_COOLOFF_TIME) * 60))
    return render(
        request,
        "registration/locked_out.html",
        {"failure_limit": settings.AXES_FAILURE_LIMIT, "cooloff_minutes": minutes},
        status=429,
    )

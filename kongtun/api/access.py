"""The API's door to a fund: the same ``fund_access`` as the pages, refused with 403 without
the capability (and 404, from ``fund_access``, for a fund the caller holds no role in)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.errors import HttpError

from kongtun.funds.access import Cap, FundAccess, fund_access


def api_access(request: HttpRequest, fund_id: int, cap: Cap) -> FundAccess:
    access = fund_access(request.auth, fund_id)
    if not access.can(cap):
        raise HttpError(403, "forbidden")
    return access

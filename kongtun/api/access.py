"""The API's door to a fund: the same ``fund_access`` as the pages, refused with 403 without
the capability (and 404, from ``fund_access``, for a fund the caller holds no role in)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Header
from ninja.errors import HttpError

from kongtun.funds.access import Cap, FundAccess, fund_access


def api_access(request: HttpRequest, fund_id: int, cap: Cap) -> FundAccess:
    access = fund_access(request.auth, fund_id)
    if not access.can(cap):
        raise HttpError(403, "forbidden")
    return access


#: The ``Idempotency-Key`` header of write calls (decision 0016), described in the OpenAPI.
IDEMPOTENCY_KEY = Header(
    None,
    alias="Idempotency-Key",
    description="A unique text (up to 100 characters) per intended write: a retry with the "
    "same key returns the first result instead of writing twice.",
    max_length=100,
)

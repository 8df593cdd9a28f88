"""``POST /api/v1/network/packages``: a fund's machine pushes a signed report package
(``manage.py network_push``) with a network coordinator's API token; the body is the package
file itself. Kept: 201; the same package again: 200; refused: 409 with the reason."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema, Status

from kongtun.network.packages import MAX_PACKAGE_BYTES, PackageRefused, package_receive

router = Router(tags=["network"])


class PackageOut(Schema):
    fund: str
    month: str
    kept: bool
    reason: str = ""
    detail: str = ""


@router.post("/network/packages", response={200: PackageOut, 201: PackageOut, 409: PackageOut})
def push_package(request: HttpRequest) -> Status:
    raw = request.body[: MAX_PACKAGE_BYTES + 1]
    try:
        kept = package_receive(raw=raw, via="push", actor=request.auth)
    except PackageRefused as exc:
        r = exc.refusal
        return Status(
            409,
            {
                "fund": r.fund_code,
                "month": r.month,
                "kept": False,
                "reason": r.reason,
                "detail": r.detail,
            },
        )
    body = {"fund": kept.fund.short_code, "month": f"{kept.month:%Y-%m}", "kept": True}
    return Status(200 if getattr(kept, "already", False) else 201, body)

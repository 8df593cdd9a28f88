from __future__ import annotations

from django.http import HttpRequest

from kongtun.funds.access import funds_for_user


def kongtun(request: HttpRequest) -> dict:
    """The funds in the top bar, and the fund being looked at (set by the fund_view decorator)."""
    access = getattr(request, "fund_access", None)
    user = getattr(request, "user", None)
    return {
        "access": access,
        "current_fund": access.fund if access else None,
        "my_funds": (lambda: list(funds_for_user(user))) if user is not None else list,
    }

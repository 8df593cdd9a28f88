"""Long lists come in pages (issue 13): the one way every list page splits its rows.

A phone on a slow line should not load an account ledger of two thousand rows. Every list view
calls ``paginate`` and its template includes ``_pager.html``; the page size may be chosen with
``?per=`` but stays between ``MIN_PER_PAGE`` and ``MAX_PER_PAGE``. Ledgers with a running
balance use ``running_page``: each page opens with the balance brought forward from the rows
before it and ends with the balance it carries to the next.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PER_PAGE = 50
MIN_PER_PAGE = 10
MAX_PER_PAGE = 200


def per_page(request: HttpRequest, default: int = PER_PAGE) -> int:
    """The page size asked for with ``?per=``, kept within bounds (junk gives the default)."""
    if "per" not in request.GET:
        return default
    try:
        asked = int(request.GET["per"])
    except (TypeError, ValueError):
        return default
    return max(MIN_PER_PAGE, min(MAX_PER_PAGE, asked))


def query_without_page(request: HttpRequest) -> str:
    """The other filters of the list, kept on the pager's links."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def paginate(
    request: HttpRequest, items: Any, default: int = PER_PAGE, *, open_last: bool = False
) -> Page:
    """The page of ``items`` (a queryset or a list) asked for by ``?page=``; an out-of-range
    or junk number gives the nearest page. Without ``?page=`` the first page, or the last with
    ``open_last`` (a ledger oldest first opens on its newest rows). ``page.query`` holds the
    list's other filters."""
    paginator = Paginator(items, per_page(request, default))
    asked = request.GET.get("page")
    if asked is None and open_last:
        asked = paginator.num_pages
    page = paginator.get_page(asked)
    page.query = query_without_page(request)  # type: ignore[attr-defined]
    return page


@dataclass(frozen=True)
class RunningPage:
    """A page of a ledger with a running balance."""

    page: Page
    brought_forward: Decimal
    carried_forward: Decimal
    is_last: bool


def running_page(
    request: HttpRequest,
    rows: Sequence[Any],
    opening: Decimal,
    balance: Callable[[Any], Decimal],
    default: int = PER_PAGE,
    *,
    open_last: bool = False,
) -> RunningPage:
    """``paginate`` for rows that carry a running ``balance``: the balance before the page's
    first row (the opening on page one) and after its last one."""
    page = paginate(request, rows, default, open_last=open_last)
    start = page.start_index()  # 1-based; 0 when there are no rows
    before = balance(rows[start - 2]) if start > 1 else opening
    after = balance(rows[page.end_index() - 1]) if rows else opening
    return RunningPage(page, before, after, not page.has_next())

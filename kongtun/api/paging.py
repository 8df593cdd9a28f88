"""One page shape for every API list (``count``, ``page``, ``pages``, ``results``), with a
bounded page size: a list never returns a whole network's rows in one response (issue 17).

Used as django-ninja pagination: ``@paginate(Pages)`` on a view returning ``Rows`` (a queryset
and how to build one result from a row), so only the page's rows are read and built."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PaginationBase

MAX_PAGE_SIZE = 500


@dataclass(frozen=True)
class Rows:
    """A queryset and the function that turns one of its rows into the result's dict."""

    queryset: QuerySet
    build: Callable[[Any], Any]


class Pages(PaginationBase):
    """Page numbers from 1; a page past the last gives the last page (as the pages do)."""

    items_attribute = "results"

    class Input(Schema):
        page: int = Field(1, ge=1)
        page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)

    class Output(Schema):
        count: int
        page: int
        pages: int
        results: list[Any]

    def paginate_queryset(
        self, queryset: Rows | QuerySet, pagination: Input, request: HttpRequest, **params: Any
    ) -> dict:
        rows = queryset if isinstance(queryset, Rows) else Rows(queryset, lambda row: row)
        size = pagination.page_size
        count = rows.queryset.count()
        pages = max(1, math.ceil(count / size))
        page = min(pagination.page, pages)
        start = (page - 1) * size
        return {
            "count": count,
            "page": page,
            "pages": pages,
            "results": [rows.build(row) for row in rows.queryset[start : start + size]],
        }

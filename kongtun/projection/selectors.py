"""Reads of projection runs; always from the fund."""

from __future__ import annotations

from django.db.models import QuerySet

from kongtun.funds.models import Fund
from kongtun.projection.models import ProjectionRun


def runs_of(*, fund: Fund) -> QuerySet[ProjectionRun]:
    return (
        ProjectionRun.objects.filter(fund=fund)
        .select_related("created_by")
        .order_by("-created_at", "-id")
    )


def run_in_fund(*, fund: Fund, run_id: int) -> ProjectionRun | None:
    return ProjectionRun.objects.filter(fund=fund, pk=run_id).first()

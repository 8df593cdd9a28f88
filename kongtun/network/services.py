"""Keeping the roll-ups (decision 0025): a month close writes its month's row and the fund's
status in the close's transaction; ``fund_rollup_rebuild`` recomputes every closed month."""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal

from django.db import transaction

from kongtun.funds.models import Fund
from kongtun.ledger.models import MonthClose
from kongtun.network.models import FundMonth, FundStatus
from kongtun.network.rollup import closed_months, fund_months_compute, month_index, month_of


def _latest_projection(fund: Fund) -> tuple[Decimal | None, int | None]:
    """The latest finished projection's chance that the money runs out by its last year."""
    from kongtun.projection.models import ProjectionRun, RunStatus

    run = (
        ProjectionRun.objects.filter(fund=fund, status=RunStatus.DONE)
        .order_by("-created_at", "-id")
        .only("summary")
        .first()
    )
    try:
        first = run.summary["regulations"][0]
        ruin = first["ruin"][-1]
        return Decimal(str(ruin)).quantize(Decimal("0.0001")), len(first["ruin"])
    except (AttributeError, KeyError, IndexError, TypeError):
        return None, None


def _latest_assessment(fund: Fund) -> tuple[dict, dt.date | None]:
    from kongtun.assessment.models import Round, RoundStatus
    from kongtun.assessment.selectors import factor_means

    rnd = (
        Round.objects.filter(fund=fund, status=RoundStatus.CLOSED)
        .order_by("-opened_on", "-id")
        .first()
    )
    if rnd is None:
        return {}, None
    from kongtun.assessment.models import Factor

    codes = dict(Factor.objects.values_list("pk", "code"))
    means = factor_means(rnd)
    return {codes[f]: round(m, 2) for f, m in means.items() if f in codes}, rnd.opened_on


def _swnt_stage(fund: Fund) -> tuple[int | None, str]:
    """The furthest SW-NT stage begun or done in the fund's development process."""
    from kongtun.development.models import Stage, StageStatus

    stage = (
        Stage.objects.filter(
            process__fund=fund, status__in=[StageStatus.IN_PROGRESS, StageStatus.DONE]
        )
        .order_by("-position")
        .values_list("position", "code")
        .first()
    )
    return (stage[0], stage[1]) if stage else (None, "")


def _last_verified(fund: Fund) -> dt.date | None:
    """The last closed month the latest clean verification covered."""
    from kongtun.ledger.seal import checkpoint_latest

    cp = checkpoint_latest(fund)
    if cp is None or not cp.closes:
        return None
    months = MonthClose.objects.filter(fund=fund).order_by("month").values_list("month", flat=True)
    return months[cp.closes - 1] if cp.closes <= months.count() else None


def fund_status_update(*, fund: Fund) -> FundStatus:
    """The fund's latest figures: its newest roll-up row and what is not monthly."""
    ruin, years = _latest_projection(fund)
    scores, scored_on = _latest_assessment(fund)
    stage, code = _swnt_stage(fund)
    latest = FundMonth.objects.filter(fund=fund).order_by("-month").first()
    status, _created = FundStatus.objects.update_or_create(
        fund=fund,
        defaults={
            "latest": latest,
            "last_closed": latest.month if latest else None,
            "last_verified": _last_verified(fund),
            "ruin_probability": ruin,
            "ruin_years": years,
            "assessment": scores,
            "assessment_on": scored_on,
            "swnt_stage": stage,
            "swnt_code": code,
        },
    )
    return status


@transaction.atomic
def fund_rollup_rebuild(*, fund: Fund) -> int:
    """Recompute every closed month of the fund from its books; returns the rows written."""
    rows = fund_months_compute(fund=fund, months=closed_months(fund))
    FundStatus.objects.filter(fund=fund).update(latest=None)
    FundMonth.objects.filter(fund=fund).delete()
    FundMonth.objects.bulk_create([FundMonth(fund=fund, **row) for row in rows], batch_size=500)
    fund_status_update(fund=fund)
    return len(rows)


def _benefits_rolled(fund: Fund, month: dt.date) -> list[int] | None:
    """The eleven months before ``month`` from the roll-ups (satang), when every one of them
    since the fund's founding is rolled up; None sends the caller to the lines."""
    first = max(month_of(month_index(month) - 11), fund.founded_on.replace(day=1))
    rows = dict(
        FundMonth.objects.filter(fund=fund, month__gte=first, month__lt=month).values_list(
            "month", "benefits"
        )
    )
    wanted = [month_of(i) for i in range(month_index(first), month_index(month))]
    if any(m not in rows for m in wanted):
        return None
    padding = [0] * (11 - len(wanted))
    return padding + [int(rows[m] * 100) for m in wanted]


_deferred: ContextVar[bool] = ContextVar("network_rollups_deferred", default=False)


@contextmanager
def rollups_deferred() -> Iterator[None]:
    """Closes inside skip their roll-up row: for scripts that close years of months at once
    (the demo, the synthetic network) and then call ``fund_rollup_rebuild`` once per fund,
    which writes the same rows in a few queries."""
    token = _deferred.set(True)
    try:
        yield
    finally:
        _deferred.reset(token)


def month_closed(*, close: MonthClose) -> None:
    """At a month close (post_save, inside the close's transaction): the month's row and the
    fund's status; then the signed report package when the fund has its signing key."""
    from kongtun.ledger.book_services import closing_many

    fund = close.fund
    if _deferred.get() or closing_many():  # the rows: once for all the months (below)
        from kongtun.network.packages import package_make_at_close

        package_make_at_close(close=close)
        return
    [row] = fund_months_compute(
        fund=fund, months=[close.month], benefits_before=_benefits_rolled(fund, close.month)
    )
    FundMonth.objects.update_or_create(fund=fund, month=close.month, defaults=row)
    fund_status_update(fund=fund)
    from kongtun.network.packages import package_make_at_close

    package_make_at_close(close=close)


def months_closed(*, fund: Fund, months: list[dt.date]) -> None:
    """After ``months_close_through``: the roll-up rows of all its months from one reading of
    the lines (one month at a time, each close read them again), then the fund's status."""
    if _deferred.get() or not months:
        return
    months = sorted(months)
    rows = fund_months_compute(
        fund=fund, months=months, benefits_before=_benefits_rolled(fund, months[0])
    )
    for month, row in zip(months, rows, strict=True):
        FundMonth.objects.update_or_create(fund=fund, month=month, defaults=row)
    fund_status_update(fund=fund)


def assessment_mean(scores: dict) -> float | None:
    return round(statistics.fmean(scores.values()), 2) if scores else None

"""Shared building blocks: gap-free per-fund counters, idempotency keys."""

from __future__ import annotations

from django.conf import settings
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _


class Counter(models.Model):
    """A named gap-free sequence per fund (member numbers, receipt numbers per fiscal year).

    Rows are locked with SELECT … FOR UPDATE (PostgreSQL) or by SQLite's IMMEDIATE write lock,
    so two treasurers never draw the same number, and a rolled-back transaction gives its
    number back: no gaps.
    """

    fund = models.ForeignKey("funds.Fund", on_delete=models.PROTECT, related_name="+")
    key = models.CharField(max_length=64)
    value = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["fund", "key"], name="counter_unique_key")]
        verbose_name = _("counter")

    def __str__(self) -> str:
        return f"{self.fund_id}:{self.key}={self.value}"


def counter_reserve(*, fund_id: int, key: str, n: int = 1) -> int:
    """Reserve n consecutive numbers of a gap-free counter and return the first; must run
    inside the caller's transaction (the row stays locked until it commits or rolls back)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("counter_reserve must run inside a transaction")
    from kongtun.core.concurrency import fund_lock

    fund_lock(fund_id)  # the lock order: the fund first, then its counters
    Counter.objects.get_or_create(fund_id=fund_id, key=key)
    counter = Counter.objects.select_for_update().get(fund_id=fund_id, key=key)
    first = counter.value + 1
    counter.value += n
    counter.save(update_fields=["value"])
    return first


def counter_next(*, fund_id: int, key: str) -> int:
    """Draw the next number; must run inside the caller's transaction."""
    return counter_reserve(fund_id=fund_id, key=key)


class IdempotencyKey(models.Model):
    """A submission already carried out: its key, a digest of what was submitted and the
    result to hand back when the same submission arrives again (``core.concurrency.run_once``)."""

    fund = models.ForeignKey("funds.Fund", on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(max_length=64)
    key = models.CharField(max_length=100)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    content = models.CharField(max_length=64)
    result = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["fund", "scope", "key"], name="idempotency_unique_key")
        ]
        verbose_name = _("submission key")

    def __str__(self) -> str:
        return f"{self.fund_id}:{self.scope}:{self.key}"

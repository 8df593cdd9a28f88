"""A saved projection run: what was assumed, which regulations, the seed, its progress, and the
result (a compressed ``.npz`` under ``MEDIA_ROOT/projection/`` plus a small JSON summary)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kongtun.funds.models import Fund


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")
    CANCELLED = "cancelled", _("cancelled")


class ProjectionRun(models.Model):
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="projection_runs")
    title = models.CharField(_("title"), max_length=200, blank=True)
    #: {"assumptions": {...}, "regulations": [{"label", "source", "content"}], "population": {...}}
    parameters = models.JSONField(default=dict)
    seed = models.BigIntegerField(_("seed"))
    scenarios = models.PositiveIntegerField(_("scenarios"))
    years = models.PositiveSmallIntegerField(_("years"))
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    progress = models.FloatField(_("progress"), default=0.0)
    cancel_requested = models.BooleanField(default=False)
    error = models.TextField(blank=True)
    #: Path of the .npz relative to MEDIA_ROOT.
    result_file = models.CharField(max_length=300, blank=True)
    #: Per regulation: quantiles, ruin probability, means (JSON numbers), for the pages.
    summary = models.JSONField(default=dict, blank=True)
    estimated_mb = models.FloatField(default=0.0)
    estimated_seconds = models.FloatField(default=0.0)
    seconds = models.FloatField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["fund", "-created_at", "-id"]
        verbose_name = _("projection run")
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__gte=0, progress__lte=1), name="projection_progress_range"
            ),
            models.CheckConstraint(
                condition=Q(years__gte=1, years__lte=100), name="projection_years_range"
            ),
        ]
        indexes = [models.Index(fields=["fund", "created_at"])]

    def __str__(self) -> str:
        return self.title or f"#{self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in (RunStatus.DONE, RunStatus.FAILED, RunStatus.CANCELLED)

    @property
    def labels(self) -> list[str]:
        return [r["label"] for r in self.parameters.get("regulations", [])]

"""The SW-NT development process of a community: stages, activities, who took part, evidence.

A process belongs to one fund record (decision 0010): a community that has no fund yet gets a
fund record whose process is still "in progress"; founding the fund is an event of the process.
Every row reaches its fund through ``process.fund``. Nothing is deleted: stages are skipped,
activities cancelled.
"""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from kongtun.funds.models import Fund, OccupationGroup


def _is_english() -> bool:
    return (get_language() or "th").startswith("en")


class DefaultStage(models.Model):
    """A stage of the SW-NT Model as the study describes it; copied into every new process.
    Reference content (like ``funds.Area``): shared by all funds, edited by a superuser."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), unique=True)
    name_th = models.CharField(_("name (Thai)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    quote_th = models.TextField(_("the study's words (Thai)"))
    quote_en = models.TextField(_("the study's words (English)"))

    class Meta:
        ordering = ["position"]
        verbose_name = _("SW-NT model stage")

    def __str__(self) -> str:
        return f"{self.position}. {self.name_th}"


class ProcessStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("in development")
    FOUNDED = "founded", _("fund founded")


class DevelopmentProcess(models.Model):
    """One community's path from consensus to concrete benefits (the SW-NT Model)."""

    fund = models.OneToOneField(
        Fund, on_delete=models.PROTECT, related_name="development_process", verbose_name=_("fund")
    )
    working_team = models.CharField(
        _("working team"),
        max_length=300,
        blank=True,
        help_text=_("Who accompanies the community, e.g. the academic centre and its partners."),
    )
    started_on = models.DateField(_("started on"))
    status = models.CharField(
        _("status"), max_length=12, choices=ProcessStatus.choices, default=ProcessStatus.IN_PROGRESS
    )
    founded_on = models.DateField(_("fund founded on"), null=True, blank=True)
    founding_note = models.CharField(
        _("founding meeting"),
        max_length=300,
        blank=True,
        help_text=_("Which meeting founded the fund, e.g. the first general assembly."),
    )
    notes = models.TextField(_("notes"), blank=True)
    # The regulation drafted during the process (the regulation engine's YAML). On founding it
    # is handed to the regulations app as the fund's first version (see handoff.py).
    regulation_draft = models.TextField(_("regulation draft"), blank=True)
    regulation_prototype = models.CharField(_("started from prototype"), max_length=40, blank=True)
    regulation_draft_updated_at = models.DateTimeField(null=True, blank=True)
    regulation_handed_over_at = models.DateTimeField(
        _("became the fund's first regulation"), null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("development process")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="in_progress", founded_on__isnull=True)
                | Q(status="founded", founded_on__isnull=False),
                name="devprocess_founded_has_date",
            ),
            models.CheckConstraint(
                condition=Q(founded_on__isnull=True) | Q(founded_on__gte=F("started_on")),
                name="devprocess_founded_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fund} · {self.get_status_display()}"


class StageStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("not started")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")
    SKIPPED = "skipped", _("skipped")


class Stage(models.Model):
    """A stage of one community's process: a copy of the model's stage, or one of its own."""

    process = models.ForeignKey(DevelopmentProcess, on_delete=models.PROTECT, related_name="stages")
    code = models.SlugField(
        max_length=40, blank=True, help_text=_("The model stage it comes from; empty if added.")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    name_th = models.CharField(_("name (Thai)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    quote_th = models.TextField(_("description (Thai)"), blank=True)
    quote_en = models.TextField(_("description (English)"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=StageStatus.choices, default=StageStatus.NOT_STARTED
    )
    started_on = models.DateField(_("started on"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["process", "position", "id"]
        verbose_name = _("stage")
        constraints = [
            models.UniqueConstraint(
                fields=["process", "code"], condition=~Q(code=""), name="stage_unique_code"
            ),
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(completed_on__gte=F("started_on")),
                name="stage_completed_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(completed_on__isnull=False),
                name="stage_done_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.display_name}"

    @property
    def display_name(self) -> str:
        return self.name_en if _is_english() and self.name_en else self.name_th

    @property
    def description(self) -> str:
        return self.quote_en if _is_english() and self.quote_en else self.quote_th


class ActivityKind(models.TextChoices):
    MEETING = "meeting", _("meeting")
    STUDY_VISIT = "study_visit", _("study visit")
    HEARING = "hearing", _("public hearing")
    FOCUS_GROUP = "focus_group", _("focus group")
    TRAINING = "training", _("training")
    OTHER = "other", _("other activity")


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    DONE = "done", _("held")
    CANCELLED = "cancelled", _("cancelled")


class Activity(models.Model):
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="activities")
    kind = models.CharField(_("kind"), max_length=12, choices=ActivityKind.choices)
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("date"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ActivityStatus.choices, default=ActivityStatus.DONE
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["held_on", "id"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("held_on")),
                name="activity_ends_after_start",
            )
        ]
        indexes = [models.Index(fields=["stage", "held_on"])]

    def __str__(self) -> str:
        return f"{self.held_on} {self.title}"

    @property
    def participant_total(self) -> int:
        return sum(p.count for p in self.participations.all())


class ParticipantGroup(models.TextChoices):
    """The study's target groups, plus the organizations that took part."""

    WORKING_TEAM = "working_team", _("working team")
    COMMUNITY_LEADER = "community_leader", _("community leaders")
    INFORMAL_WORKER = "informal_worker", _("informal workers")
    OHS_VOLUNTEER = "ohs_volunteer", _("occupational-health volunteers")
    LOCAL_ORGANIZATION = "local_org", _("local organizations")
    EXTERNAL_AGENCY = "external_agency", _("external agencies")


class Participation(models.Model):
    """How many people of one group (informal workers: of one occupation) took part."""

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="participations")
    group = models.CharField(_("group"), max_length=20, choices=ParticipantGroup.choices)
    occupation = models.ForeignKey(
        OccupationGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("occupation group"),
    )
    count = models.PositiveSmallIntegerField(_("number of people"))
    note = models.CharField(
        pgettext_lazy("participants", "who"),
        max_length=300,
        blank=True,
        help_text=_("e.g. which agencies or organizations"),
    )

    class Meta:
        ordering = ["activity", "group", "occupation__sort_order"]
        verbose_name = _("participation")
        constraints = [
            models.CheckConstraint(condition=Q(count__gte=1), name="participation_count_positive"),
            models.CheckConstraint(
                condition=Q(group="informal_worker") | Q(occupation__isnull=True),
                name="participation_occupation_only_for_workers",
            ),
            models.CheckConstraint(
                condition=Q(group__in=ParticipantGroup.values), name="participation_group_valid"
            ),
            models.UniqueConstraint(
                fields=["activity", "group"],
                condition=Q(occupation__isnull=True),
                name="participation_unique_group",
            ),
            models.UniqueConstraint(
                fields=["activity", "group", "occupation"],
                condition=Q(occupation__isnull=False),
                name="participation_unique_occupation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_group_display()} {self.count}"


def evidence_path(instance: EvidenceFile, filename: str) -> str:
    """development/<fund id>/<random>.<ext>: the original name is kept in the row, not on disk."""
    ext = PurePath(filename).suffix.lower()[:10]
    fund_id = instance.activity.stage.process.fund_id
    return f"development/{fund_id}/{uuid.uuid4().hex}{ext}"


class EvidenceFile(models.Model):
    """A file that shows an activity happened: minutes, attendance sheet, photo, recording."""

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    description = models.CharField(_("what it is"), max_length=300, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["activity", "uploaded_at", "id"]
        verbose_name = _("evidence file")

    def __str__(self) -> str:
        return self.original_name

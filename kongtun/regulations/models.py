"""A fund's regulation (ระเบียบกองทุน) as dated versions.

The YAML text in ``content`` is the source of truth (the format of
``docs/regulation-format.md``); ``clauses`` is a parsed copy for display and search. A draft is
edited freely; approval records the meeting resolution (a ``governance.Resolution`` of the fund
when the meeting is on record, else as text) and the effective date, and from then on
the row never changes: an amendment is a new version (a database trigger refuses any UPDATE
of an approved row, see ``triggers.py``). A claim is decided under the approved version in
force on its event date (``selectors.version_in_force``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kongtun.funds.models import Fund


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    APPROVED = "approved", _("approved")


class RegulationVersion(models.Model):
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="regulation_versions")
    number = models.PositiveIntegerField(_("version number"))
    title = models.CharField(_("version title"), max_length=300)
    status = models.CharField(
        _("status"), max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    #: The YAML document: the rules themselves (source of truth).
    content = models.TextField(_("regulation (YAML)"))
    #: Parsed from ``content`` on every save: [{number, text_th, text_en, interpretations}].
    clauses = models.JSONField(default=list, editable=False)
    effective_date = models.DateField(_("in force from"), null=True, blank=True)
    resolution = models.CharField(
        _("meeting resolution"),
        max_length=300,
        blank=True,
        help_text=_("e.g. General assembly 1/2567, agenda 4"),
    )
    resolution_date = models.DateField(_("date of the meeting"), null=True, blank=True)
    #: The resolution on the fund's governance record, when the meeting is recorded in Kongtun;
    #: ``resolution`` and ``resolution_date`` then hold its label and its meeting's date.
    resolution_record = models.ForeignKey(
        "governance.Resolution",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="regulation_versions",
        verbose_name=_("resolution on record"),
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_from = models.CharField(
        _("started from"),
        max_length=40,
        blank=True,
        help_text=_("The prototype code, 'version' (a copy of an earlier version) or 'import'."),
    )
    previous = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="amendments",
        verbose_name=_("amends"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["fund", "-number"]
        verbose_name = _("regulation version")
        constraints = [
            models.UniqueConstraint(fields=["fund", "number"], name="regversion_unique_number"),
            models.UniqueConstraint(
                fields=["fund", "effective_date"],
                condition=Q(status="approved"),
                name="regversion_one_per_effective_date",
            ),
            models.CheckConstraint(
                condition=Q(status="draft")
                | (
                    Q(effective_date__isnull=False)
                    & Q(resolution_date__isnull=False)
                    & Q(approved_at__isnull=False)
                    & ~Q(resolution="")
                ),
                name="regversion_approved_has_resolution",
            ),
        ]
        indexes = [models.Index(fields=["fund", "status", "effective_date"])]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    @property
    def is_draft(self) -> bool:
        return self.status == VersionStatus.DRAFT

    @property
    def file_name(self) -> str:
        return f"regulation-{self.fund.short_code.lower()}-v{self.number}.yaml"

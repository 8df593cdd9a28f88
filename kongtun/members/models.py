"""Members, their beneficiaries and the dated history of their status. Nothing is deleted."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kongtun.funds.models import Fund, OccupationGroup, Village


class Sex(models.TextChoices):
    FEMALE = "F", _("female")
    MALE = "M", _("male")


class MemberStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    SUSPENDED = "suspended", _("suspended")
    RESIGNED = "resigned", _("resigned")
    DECEASED = "deceased", _("deceased")


TITLES = [
    ("นาย", _("Mr.")),
    ("นาง", _("Mrs.")),
    ("นางสาว", _("Miss")),
    ("เด็กชาย", _("Master")),
    ("เด็กหญิง", _("Miss (girl)")),
]


class Member(models.Model):
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="members")
    number = models.CharField(_("member number"), max_length=30)
    title = models.CharField(pgettext_lazy("person", "title"), max_length=20, blank=True)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    # Normalized "first last" (PyThaiNLP normalize, lower case) so typing variants match.
    name_search = models.CharField(max_length=210, editable=False, db_index=True)
    national_id = models.CharField(_("national ID"), max_length=13)
    birth_date = models.DateField(_("birth date"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="members", verbose_name=_("village")
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    occupation = models.ForeignKey(
        OccupationGroup,
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name=_("occupation group"),
    )
    join_date = models.DateField(_("join date"))
    # Current status, derived from the latest MemberStatusChange by member_set_status only.
    status = models.CharField(
        _("status"), max_length=10, choices=MemberStatus.choices, default=MemberStatus.ACTIVE
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["fund", "number"]
        verbose_name = _("member")
        constraints = [
            models.UniqueConstraint(fields=["fund", "number"], name="member_unique_number"),
            models.UniqueConstraint(fields=["fund", "national_id"], name="member_unique_nid"),
            models.CheckConstraint(
                condition=Q(national_id__regex=r"^[0-9]{13}$"), name="member_nid_13_digits"
            ),
            models.CheckConstraint(
                condition=Q(join_date__gte=models.F("birth_date")),
                name="member_joined_after_birth",
            ),
        ]
        indexes = [
            models.Index(fields=["fund", "village", "number"]),
            models.Index(fields=["fund", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.full_name}"

    def age_on(self, day: dt.date) -> int:
        """Completed years of age on ``day``."""
        b = self.birth_date
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))

    @property
    def age_today(self) -> int:
        from django.utils import timezone

        return self.age_on(timezone.localdate())

    @property
    def full_name(self) -> str:
        return f"{self.title}{self.first_name} {self.last_name}".strip()

    @property
    def national_id_masked(self) -> str:
        """Only the last four digits, as on a receipt: x-xxxx-xxxxx-12-3."""
        nid = self.national_id
        return f"x-xxxx-xxxxx-{nid[10:12]}-{nid[12]}" if len(nid) == 13 else "—"

    @property
    def national_id_formatted(self) -> str:
        nid = self.national_id
        return f"{nid[0]}-{nid[1:5]}-{nid[5:10]}-{nid[10:12]}-{nid[12]}"


class Beneficiary(models.Model):
    """Who receives a death benefit, with a share; the shares of a member total 100%."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="beneficiaries")
    name = models.CharField(_("beneficiary name"), max_length=200)
    relationship = models.CharField(_("relationship"), max_length=60, blank=True)
    share_percent = models.DecimalField(_("share (%)"), max_digits=5, decimal_places=2)
    position = models.PositiveSmallIntegerField(default=0)
    # Replacing the beneficiary list retires the old rows instead of deleting them.
    replaced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["member", "position"]
        verbose_name = _("beneficiary")
        constraints = [
            models.CheckConstraint(
                condition=Q(share_percent__gt=0, share_percent__lte=100),
                name="beneficiary_share_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.share_percent}%)"


class MemberStatusChange(models.Model):
    """One dated change of status, with its reason and who made it. Append-only."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="status_changes")
    status = models.CharField(_("status"), max_length=10, choices=MemberStatus.choices)
    effective_date = models.DateField(_("effective date"))
    reason = models.CharField(_("reason"), max_length=300)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["member", "effective_date", "id"]
        verbose_name = _("status change")

    def __str__(self) -> str:
        return f"{self.member_id} {self.status} {self.effective_date}"


class PersonalDataAccess(models.Model):
    """Who saw which member's personal data, and when (Thailand's PDPA)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    field = models.CharField(max_length=40)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.user_id} saw {self.field} of {self.member_id} at {self.at}"

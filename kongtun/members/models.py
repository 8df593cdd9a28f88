"""Members, their beneficiaries and the dated history of their status. Nothing is deleted."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kongtun.funds.models import Fund, OccupationGroup, Role, Village


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


class AccessKind(models.TextChoices):
    """What kind of personal data a look showed (Thailand's PDPA asks who accessed what)."""

    NATIONAL_ID = "national_id", _("full national ID")
    CONTACTS = "contacts", _("address, phone and birth date")
    BENEFICIARIES = "beneficiaries", _("beneficiaries")
    HEALTH = "health", _("claims (health)")
    EVIDENCE = "evidence", _("claim evidence file")
    STATEMENT = "statement", _("member statement")
    EXPORT = "export", _("export")


def role_labels(roles: list[str] | str) -> list[str]:
    """Roles as people read them ("chair"), from the codes a look stored."""
    if isinstance(roles, str):
        roles = [r for r in roles.split(",") if r]
    return [str(Role(r).label) if r in Role.values else r for r in roles]


class PersonalDataAccess(models.Model):
    """One look at members' personal data: who, with which roles, when, from which page, and
    why when the page asked. The members and kinds it showed are its ``items`` (a list page
    writes one look with its fifty members). Append-only: written by
    ``members.services.personal_data_access_log`` only."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    #: The viewer's roles in the fund at the time, comma-separated (roles are revoked later).
    roles = models.CharField(max_length=200, blank=True)
    #: The kinds shown, comma-separated, in AccessKind order (the items hold them per member).
    kinds = models.CharField(max_length=200)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    #: The page or API call (path and query) that showed the data.
    path = models.CharField(max_length=300, blank=True)
    member_count = models.PositiveIntegerField(default=0)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("personal-data access")
        indexes = [models.Index(fields=["fund", "at"])]

    def __str__(self) -> str:
        return f"{self.user_id} saw {self.kinds} of {self.member_count} at {self.at}"

    @property
    def kind_labels(self) -> list[str]:
        return [str(AccessKind(k).label) for k in self.kinds.split(",") if k in AccessKind.values]

    @property
    def role_labels(self) -> list[str]:
        return role_labels(self.roles)

    @property
    def at_local(self) -> dt.datetime:
        return timezone.localtime(self.at)


class PersonalDataAccessItem(models.Model):
    """One member and one kind of data shown by a look."""

    access = models.ForeignKey(PersonalDataAccess, on_delete=models.PROTECT, related_name="items")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=AccessKind.choices)

    class Meta:
        ordering = ["access", "member", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["access", "member", "kind"], name="pdaccess_item_unique"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=AccessKind.values), name="pdaccess_item_kind_valid"
            ),
        ]
        indexes = [models.Index(fields=["member", "kind"])]

    def __str__(self) -> str:
        return f"{self.access_id}: {self.kind} of {self.member_id}"

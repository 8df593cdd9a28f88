"""Funds, their areas, villages and occupation groups, and who holds which role in which fund."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from kongtun.core.money import DEFAULT_MAX_PER_LINE, MAX_AMOUNT


class Area(models.Model):
    """An administrative area with its official code (DOPA): province 2, district 4,
    subdistrict 6 digits; each code starts with its parent's."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("province")
        DISTRICT = "district", _("district")
        SUBDISTRICT = "subdistrict", _("subdistrict")

    code = models.CharField(_("official code"), max_length=6, unique=True)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    name_th = models.CharField(_("name (Thai)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("area")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(level="province", code__regex=r"^[0-9]{2}$", parent__isnull=True)
                    | Q(level="district", code__regex=r"^[0-9]{4}$", parent__isnull=False)
                    | Q(level="subdistrict", code__regex=r"^[0-9]{6}$", parent__isnull=False)
                ),
                name="area_code_matches_level",
            )
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if (get_language() or "th").startswith("en") and self.name_en:
            return self.name_en
        return self.name_th


class ConceptualBasis(models.TextChoices):
    """The study's conceptual bases (ฐานคิด) a fund is built on."""

    ECOLOGY = "ecology", _("ecology")
    HOLISTIC_HEALTH = "holistic_health", _("holistic health")
    ECONOMICS = "economics", _("economics")
    COMMUNITY = "community", _("community")


class Fund(models.Model):
    name_th = models.CharField(_("name (Thai)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    short_code = models.SlugField(
        _("short code"),
        max_length=20,
        unique=True,
        help_text=_("Letters and digits used in document numbers, e.g. BANTHI."),
    )
    subdistrict = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        related_name="funds",
        limit_choices_to={"level": Area.Level.SUBDISTRICT},
        verbose_name=_("subdistrict"),
    )
    founded_on = models.DateField(_("founding date"))
    conceptual_bases = models.JSONField(_("conceptual bases"), default=list, blank=True)
    fiscal_year_start_month = models.PositiveSmallIntegerField(
        _("fiscal year starts in month"), default=1
    )
    member_number_pattern = models.CharField(
        _("member number pattern"),
        max_length=40,
        default="{seq:05d}",
        help_text=_(
            "{seq} is the running number; {year} the Buddhist Era year of joining; "
            "{village} the village number. Example: {village:02d}-{seq:04d}"
        ),
    )
    max_amount_per_line = models.DecimalField(
        _("largest amount per line of the books (baht)"),
        max_digits=12,
        decimal_places=2,
        default=DEFAULT_MAX_PER_LINE,
        help_text=_(
            "No single amount above this is accepted (a typing mistake of a few zeros is "
            "caught). At most 1,000,000,000.00 baht."
        ),
    )
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name_th"]
        verbose_name = _("fund")
        constraints = [
            models.CheckConstraint(
                condition=Q(fiscal_year_start_month__gte=1, fiscal_year_start_month__lte=12),
                name="fund_fiscal_month_valid",
            ),
            models.CheckConstraint(
                condition=Q(max_amount_per_line__gt=0, max_amount_per_line__lte=MAX_AMOUNT),
                name="fund_max_amount_per_line_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if (get_language() or "th").startswith("en") and self.name_en:
            return self.name_en
        return self.name_th

    def conceptual_basis_labels(self) -> list[str]:
        labels = dict(ConceptualBasis.choices)
        return [str(labels.get(code, code)) for code in self.conceptual_bases]


class Village(models.Model):
    """A village (หมู่บ้าน) of the fund's area, by its number (หมู่ที่)."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="villages")
    number = models.PositiveSmallIntegerField(_("village number"))
    name_th = models.CharField(_("village name"), max_length=120)

    class Meta:
        ordering = ["fund", "number"]
        verbose_name = _("village")
        constraints = [
            models.UniqueConstraint(fields=["fund", "number"], name="village_unique_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="village_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{pgettext_lazy('village number prefix', 'Moo')} {self.number} {self.name_th}"


class OccupationGroup(models.Model):
    """Informal-sector occupation groups; a default list per fund, editable."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="occupation_groups")
    code = models.SlugField(max_length=40)
    name_th = models.CharField(_("name (Thai)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    active = models.BooleanField(_("in use"), default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["fund", "sort_order", "name_th"]
        verbose_name = _("occupation group")
        constraints = [
            models.UniqueConstraint(fields=["fund", "code"], name="occupation_unique_code")
        ]

    def __str__(self) -> str:
        if (get_language() or "th").startswith("en") and self.name_en:
            return self.name_en
        return self.name_th


class Role(models.TextChoices):
    CHAIR = "chair", _("chair")
    VICE_CHAIR = "vice_chair", _("vice-chair")
    TREASURER = "treasurer", _("treasurer")
    SECRETARY = "secretary", _("secretary")
    AUDITOR = "auditor", _("auditor")
    MANAGER = "manager", _("manager")
    COMMITTEE = "committee", _("committee member")
    MEMBER = "member", _("member")
    COORDINATOR = "coordinator", _("network coordinator")


class FundRole(models.Model):
    """A user's role in one fund. Revoking keeps the row (who could do what, when)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="fund_roles"
    )
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="roles")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    member = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="user_roles",
        help_text=_("For the member role: the member record this login may see."),
    )
    granted_at = models.DateTimeField(auto_now_add=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("role in fund")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "fund", "role"],
                condition=Q(revoked_at__isnull=True),
                name="fundrole_unique_active",
            ),
            models.CheckConstraint(
                condition=Q(role="member", member__isnull=False) | ~Q(role="member"),
                name="fundrole_member_has_record",
            ),
        ]
        indexes = [models.Index(fields=["user", "fund"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.fund}"


class RoleInvitation(models.Model):
    """A role offered to a login name that has no link to the fund yet. The chair does not
    learn whether such a login exists on the server (decision 0002): the role waits here and
    becomes a ``FundRole`` when a login of that name next signs in."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="role_invitations")
    username = models.CharField(_("username"), max_length=150)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    invited_at = models.DateTimeField(auto_now_add=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_role = models.OneToOneField(
        FundRole, on_delete=models.PROTECT, null=True, blank=True, related_name="invitation"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("role invitation")
        ordering = ["-invited_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["fund", "username", "role"],
                condition=Q(accepted_at__isnull=True, cancelled_at__isnull=True),
                name="roleinvitation_one_pending",
            ),
            models.CheckConstraint(
                condition=Q(role="member", member__isnull=False) | ~Q(role="member"),
                name="roleinvitation_member_has_record",
            ),
        ]
        indexes = [models.Index(fields=["username"])]

    def __str__(self) -> str:
        return f"{self.username} · {self.get_role_display()} · {self.fund}"

    @property
    def pending(self) -> bool:
        return self.accepted_at is None and self.cancelled_at is None

"""Committee terms, meetings, attendance and numbered resolutions (มติ) — the governance
record of a fund (decision 0012).

A ``CommitteeTerm`` says who held which position from when to when, and which resolution
appointed (and ended) them. It is not a login permission: ``funds.FundRole`` is. The services
keep the two in step (appointing can grant the matching role, ending revokes the role that
term granted). Nothing here is deleted: a term ends with a date, a resolution stays numbered.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kongtun.funds.models import Fund, FundRole
from kongtun.members.models import Member


class Position(models.TextChoices):
    """The committee's positions; the values are the matching ``funds.Role`` values."""

    CHAIR = "chair", _("chair")
    VICE_CHAIR = "vice_chair", _("vice-chair")
    TREASURER = "treasurer", _("treasurer")
    SECRETARY = "secretary", _("secretary")
    AUDITOR = "auditor", _("auditor")
    MANAGER = "manager", _("manager")
    COMMITTEE = "committee", _("committee member")


#: Positions one person holds at a time; auditors and committee members may be many.
SINGLE_SEAT = frozenset(
    {Position.CHAIR, Position.VICE_CHAIR, Position.TREASURER, Position.SECRETARY, Position.MANAGER}
)
POSITION_ORDER = {p.value: i for i, p in enumerate(Position)}


class MeetingKind(models.TextChoices):
    COMMITTEE = "committee", _("committee meeting")
    ASSEMBLY = "assembly", _("general assembly")


class GovernancePolicy(models.Model):
    """A fund's quorum rules. "More than 50 percent" is more than half; "at least 50" is half
    or more. Committee meetings count the committee in office on the meeting day; general
    assemblies count the members active that day."""

    fund = models.OneToOneField(Fund, on_delete=models.PROTECT, related_name="governance_policy")
    committee_quorum_percent = models.PositiveSmallIntegerField(
        _("committee quorum (percent of the committee in office)"), default=50
    )
    committee_quorum_more_than = models.BooleanField(
        _("committee: more than that share (not just equal to it)"), default=True
    )
    assembly_quorum_percent = models.PositiveSmallIntegerField(
        _("general assembly quorum (percent of active members)"), default=50
    )
    assembly_quorum_more_than = models.BooleanField(
        _("general assembly: more than that share (not just equal to it)"), default=True
    )

    class Meta:
        verbose_name = _("quorum rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(committee_quorum_percent__gte=1, committee_quorum_percent__lte=100)
                & Q(assembly_quorum_percent__gte=1, assembly_quorum_percent__lte=100),
                name="govpolicy_percent_1_100",
            )
        ]

    def __str__(self) -> str:
        return f"{self.fund_id}: {self.committee_quorum_percent}/{self.assembly_quorum_percent}"


class Meeting(models.Model):
    """A committee meeting or a general assembly, numbered per fund, kind and fiscal year
    (ครั้งที่ 3/2567)."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="meetings")
    kind = models.CharField(_("kind of meeting"), max_length=10, choices=MeetingKind.choices)
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year (B.E.)"))
    number = models.PositiveIntegerField(_("meeting number"))
    date = models.DateField(_("date"))
    title = models.CharField(pgettext_lazy("document", "title"), max_length=200, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    agenda = models.TextField(_("agenda"), blank=True, help_text=_("One item per line."))
    minutes = models.TextField(_("minutes"), blank=True)
    #: General assemblies: the head count of members present (names are not kept).
    members_present = models.PositiveIntegerField(_("members present"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["fund", "-date", "-id"]
        verbose_name = _("meeting")
        constraints = [
            models.UniqueConstraint(
                fields=["fund", "kind", "fiscal_year", "number"], name="meeting_unique_number"
            )
        ]
        indexes = [models.Index(fields=["fund", "date"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.display_number}"

    @property
    def display_number(self) -> str:
        return f"{self.number}/{self.fiscal_year}"

    @property
    def agenda_items(self) -> list[str]:
        return [line.strip() for line in self.agenda.splitlines() if line.strip()]


class Resolution(models.Model):
    """มติ: a numbered decision of a meeting, per fund and fiscal year without gaps."""

    class Topic(models.TextChoices):
        GENERAL = "general", _("general")
        REGULATION = "regulation", _("regulation")
        APPOINTMENT = "appointment", _("committee appointment")
        CLAIMS = "claims", _("claims and benefits")
        FINANCE = "finance", _("money and accounts")
        OTHER = "other", pgettext_lazy("resolution topic", "other")

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="resolutions")
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="resolutions")
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year (B.E.)"))
    number = models.PositiveIntegerField(_("resolution number"))
    agenda_item = models.PositiveSmallIntegerField(_("agenda item"), null=True, blank=True)
    topic = models.CharField(
        _("topic"), max_length=12, choices=Topic.choices, default=Topic.GENERAL
    )
    title = models.CharField(pgettext_lazy("document", "title"), max_length=200)
    text = models.TextField(_("resolution"), blank=True)
    votes_for = models.PositiveIntegerField(_("votes for"), null=True, blank=True)
    votes_against = models.PositiveIntegerField(_("votes against"), null=True, blank=True)
    abstentions = models.PositiveIntegerField(_("abstentions"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["fund", "-fiscal_year", "-number"]
        verbose_name = _("resolution")
        constraints = [
            models.UniqueConstraint(
                fields=["fund", "fiscal_year", "number"], name="resolution_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"{_('Resolution')} {self.display_number} {self.title}"

    @property
    def display_number(self) -> str:
        return f"{self.number}/{self.fiscal_year}"


class CommitteeTerm(models.Model):
    """Who held a position from ``start_date`` to ``end_date`` (inclusive; empty = still in
    office), appointed by a resolution. Linked to a member record and a login when they
    exist."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="committee_terms")
    position = models.CharField(
        pgettext_lazy("committee", "position"), max_length=12, choices=Position.choices
    )
    person_name = models.CharField(_("name"), max_length=200)
    member = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="committee_terms",
        verbose_name=_("member record"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="committee_terms",
        verbose_name=_("login"),
    )
    start_date = models.DateField(_("in office from"))
    end_date = models.DateField(_("in office until"), null=True, blank=True)
    appointed_by = models.ForeignKey(
        Resolution,
        on_delete=models.PROTECT,
        related_name="appointments",
        verbose_name=_("appointed by resolution"),
    )
    ended_by = models.ForeignKey(
        Resolution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="term_endings",
        verbose_name=_("ended by resolution"),
    )
    end_reason = models.CharField(_("why the term ended"), max_length=300, blank=True)
    #: The login role this term granted (revoked when the term ends); empty when the user
    #: already held it or no login is linked.
    fund_role = models.ForeignKey(
        FundRole, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["fund", "start_date", "id"]
        verbose_name = _("committee term")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="term_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True, ended_by__isnull=True)
                | Q(end_date__isnull=False, ended_by__isnull=False),
                name="term_end_has_resolution",
            ),
        ]
        indexes = [models.Index(fields=["fund", "start_date", "end_date"])]

    def __str__(self) -> str:
        return f"{self.get_position_display()} {self.person_name}"

    def in_office(self, on: object) -> bool:
        return self.start_date <= on and (self.end_date is None or self.end_date >= on)


class Attendance(models.Model):
    """Who attended a meeting: a committee member (by the term they held that day) or a
    guest by name."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="attendance")
    term = models.ForeignKey(
        CommitteeTerm, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["meeting", "id"]
        verbose_name = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "term"],
                condition=Q(term__isnull=False),
                name="attendance_once_per_term",
            )
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id} {self.name}"

"""Capital mobilization (การระดมทุน): matching requests to agencies and the money received
against them. Agencies themselves are ``ledger.Agency``; money is always a journal entry.

A request keeps the list it computed (one line per member) so what was submitted to the agency
stays on record even if payments are voided later; while it is a draft it can be recomputed.
The exact rule is decision 0006.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kongtun.funds.models import Fund
from kongtun.ledger.models import Agency, JournalEntry
from kongtun.members.models import Member


class MembersRule(models.TextChoices):
    ACTIVE_AT_END = "active_at_end", _("members active at the end of the period")
    ALL_WHO_PAID = "all_who_paid", _("every member who paid in the period")


class RequestStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")


class MatchingRequest(models.Model):
    """A request to an agency for matching money: for a period, by a rule."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="matching_requests")
    number = models.PositiveIntegerField(_("request number"))
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="matching_requests", verbose_name=_("agency")
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    ratio = models.DecimalField(
        _("baht matched per baht paid"), max_digits=6, decimal_places=2, default=Decimal("1.00")
    )
    cap_per_member_year = models.DecimalField(
        _("cap per member per year"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    members_rule = models.CharField(
        _("members"), max_length=16, choices=MembersRule.choices, default=MembersRule.ACTIVE_AT_END
    )
    reference = models.CharField(_("resolution or letter"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.DRAFT
    )
    computed_at = models.DateTimeField(_("computed at"))
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["fund", "-number"]
        verbose_name = _("matching request")
        constraints = [
            models.UniqueConstraint(
                fields=["fund", "number"], name="matchingrequest_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="matchingrequest_period_order",
            ),
            models.CheckConstraint(condition=Q(ratio__gt=0), name="matchingrequest_ratio_positive"),
            models.CheckConstraint(
                condition=Q(cap_per_member_year__isnull=True) | Q(cap_per_member_year__gt=0),
                name="matchingrequest_cap_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.agency_id} {self.period_start}–{self.period_end}"


class MatchingRequestLine(models.Model):
    """One member on a request: contributions paid in the period and the amount requested."""

    request = models.ForeignKey(MatchingRequest, on_delete=models.PROTECT, related_name="lines")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    paid = models.DecimalField(_("contributions paid"), max_digits=12, decimal_places=2)
    requested = models.DecimalField(_("amount requested"), max_digits=12, decimal_places=2)
    capped = models.BooleanField(_("cap applied"), default=False)

    class Meta:
        ordering = ["request", "id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "member"], name="requestline_unique_member"),
            models.CheckConstraint(condition=Q(paid__gt=0), name="requestline_paid_positive"),
            models.CheckConstraint(
                condition=Q(requested__gt=0), name="requestline_requested_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.member_id} {self.requested}"


class MatchingReceipt(models.Model):
    """Money received from the agency against a request: the journal entry that posted it.
    A reversed entry no longer counts as received."""

    request = models.ForeignKey(MatchingRequest, on_delete=models.PROTECT, related_name="receipts")
    entry = models.OneToOneField(
        JournalEntry, on_delete=models.PROTECT, related_name="matching_receipt"
    )
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["request", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="matchingreceipt_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.entry_id} {self.amount}"

"""Claims (การขอรับสวัสดิการ): filed with evidence, decided by the engine under the regulation
version in force on the event date, approved by several committee members, paid through the
books with a payment voucher (ใบสำคัญจ่าย).

Nothing is deleted. A claim's decision snapshot (eligible, amount, trace, clauses, version) is
what the committee approved; re-deciding (after more evidence) starts a new approval round, and
approvals of earlier rounds stay on record but no longer count.
"""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from kongtun.funds.models import Fund
from kongtun.ledger.models import JournalEntry
from kongtun.members.models import Member
from kongtun.regulations.models import RegulationVersion


class ClaimPolicy(models.Model):
    """How a fund decides claims."""

    fund = models.OneToOneField(Fund, on_delete=models.PROTECT, related_name="claim_policy")
    approvals_required = models.PositiveSmallIntegerField(
        _("approvals needed"),
        default=2,
        help_text=_("Distinct committee members who must approve a claim (never the claimant)."),
    )

    class Meta:
        verbose_name = _("claim policy")
        constraints = [
            models.CheckConstraint(
                condition=Q(approvals_required__gte=1, approvals_required__lte=9),
                name="claimpolicy_approvals_1_9",
            )
        ]

    def __str__(self) -> str:
        return f"{self.fund_id}: {self.approvals_required}"


class ClaimStatus(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("claim status", "submitted")
    MORE_EVIDENCE = "more_evidence", pgettext_lazy("claim status", "more evidence asked")
    APPROVED = "approved", pgettext_lazy("claim status", "approved")
    REJECTED = "rejected", pgettext_lazy("claim status", "rejected")
    PAID = "paid", pgettext_lazy("claim status", "paid")


class Relative(models.TextChoices):
    SELF = "self", _("the member")
    CHILD = "child", _("child")
    SPOUSE = "spouse", _("spouse")
    PARENT = "parent", _("parent")


class Claim(models.Model):
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="claims")
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year (B.E.)"))
    number = models.PositiveIntegerField(_("claim number"))
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="claims")
    benefit = models.CharField(_("benefit"), max_length=40)
    #: Snapshots from the regulation, for lists and the books (the account is by kind).
    benefit_kind = models.CharField(max_length=20)
    benefit_name = models.CharField(max_length=200)
    benefit_name_en = models.CharField(max_length=200, blank=True)
    event_date = models.DateField(_("event date"))
    relative = models.CharField(
        _("whose event"), max_length=10, choices=Relative.choices, default=Relative.SELF
    )
    #: nights, children, months, grade_average, school_level, disability_level,
    #: subject_name, subject_birth_date, subject_sex, cause, note.
    details = models.JSONField(_("details"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=14, choices=ClaimStatus.choices, default=ClaimStatus.SUBMITTED
    )
    round = models.PositiveSmallIntegerField(default=1)

    # The decision snapshot (the engine's answer, stored as it was shown).
    regulation_version = models.ForeignKey(
        RegulationVersion, on_delete=models.PROTECT, related_name="claims"
    )
    decided_on = models.DateField(_("decided on"))
    eligible = models.BooleanField(_("eligible"))
    amount_computed = models.DecimalField(
        _("amount under the regulation"), max_digits=12, decimal_places=2
    )
    units = models.PositiveIntegerField(default=0)
    #: "month" or "year" for a recurring benefit (a pension): once approved, the amount is
    #: paid every period (``Payout.period``) until death, resignation or suspension.
    recurring_every = models.CharField(_("paid every"), max_length=5, blank=True)
    trace = models.JSONField(default=list)
    clauses = models.JSONField(default=list)

    # What the committee decides to pay (≤ computed; less only with a written reason).
    amount_proposed = models.DecimalField(
        _("amount to pay"), max_digits=12, decimal_places=2, default=0
    )
    reduction_reason = models.CharField(_("why less is paid"), max_length=500, blank=True)
    amount_approved = models.DecimalField(
        _("amount approved"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    filed_on = models.DateField(_("filed on"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["fund", "-fiscal_year", "-number"]
        verbose_name = _("claim")
        constraints = [
            models.UniqueConstraint(
                fields=["fund", "fiscal_year", "number"], name="claim_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(amount_proposed__gte=0) & Q(amount_proposed__lte=F("amount_computed")),
                name="claim_proposed_within_computed",
            ),
            models.CheckConstraint(
                condition=Q(amount_proposed=F("amount_computed")) | ~Q(reduction_reason=""),
                name="claim_less_needs_reason",
            ),
            models.CheckConstraint(
                condition=Q(amount_approved__isnull=True)
                | (Q(amount_approved__gt=0) & Q(amount_approved__lte=F("amount_computed"))),
                name="claim_approved_within_computed",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["approved", "paid"])
                | (Q(amount_approved__isnull=False) & Q(eligible=True)),
                name="claim_approved_has_amount",
            ),
            models.CheckConstraint(
                condition=Q(recurring_every__in=["", "month", "year"]),
                name="claim_recurring_every",
            ),
        ]
        indexes = [
            models.Index(fields=["fund", "status"]),
            models.Index(fields=["fund", "event_date"]),
            models.Index(fields=["member", "benefit", "event_date"]),
        ]

    def __str__(self) -> str:
        return self.display_number

    @property
    def display_number(self) -> str:
        return f"{self.fiscal_year}/{self.number:05d}"

    @property
    def benefit_label(self) -> str:
        """The benefit's name in the reader's language, as the regulation wrote it."""
        if (get_language() or "th").startswith("en") and self.benefit_name_en:
            return self.benefit_name_en
        return self.benefit_name

    @property
    def is_open(self) -> bool:
        return self.status in (ClaimStatus.SUBMITTED, ClaimStatus.MORE_EVIDENCE)

    @property
    def payout(self) -> Payout | None:
        """The payment that stands (not cancelled), if any. Lists prefetch it
        (``selectors.with_live_payout``) into ``live_payouts``."""
        if hasattr(self, "live_payouts"):
            return self.live_payouts[0] if self.live_payouts else None
        return self.payouts.filter(voided_at__isnull=True).first()


def evidence_path(instance: ClaimEvidence, filename: str) -> str:
    """claims/<fund>/<claim>/<random>.<ext>: the stored name never comes from the user."""
    ext = PurePosixPath(filename).suffix.lower()[:8]
    return f"claims/{instance.claim.fund_id}/{instance.claim_id}/{uuid.uuid4().hex}{ext}"


class ClaimEvidence(models.Model):
    """A document for a claim: an uploaded file (image or PDF), or a paper document the
    committee saw and keeps in the fund's files (no upload)."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="evidence")
    #: The regulation's evidence code this document answers ("" = other).
    requirement = models.CharField(_("document for"), max_length=40, blank=True)
    description = models.CharField(
        pgettext_lazy("evidence", "description"), max_length=200, blank=True
    )
    file = models.FileField(upload_to=evidence_path, max_length=200, blank=True)
    original_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=60, blank=True)
    size = models.PositiveIntegerField(default=0)
    on_paper = models.BooleanField(_("paper document seen"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["claim", "uploaded_at", "id"]
        verbose_name = _("evidence")
        constraints = [
            models.CheckConstraint(
                condition=Q(on_paper=True) | ~Q(file=""), name="evidence_file_or_paper"
            ),
            models.CheckConstraint(condition=Q(size__lte=5 * 1024 * 1024), name="evidence_size"),
        ]

    def __str__(self) -> str:
        return self.original_name or self.description


class ReviewAction(models.TextChoices):
    APPROVE = "approve", _("approve")
    REJECT = "reject", _("reject")
    MORE_EVIDENCE = "more_evidence", _("ask for more evidence")


class ClaimApproval(models.Model):
    """One committee member's review of a claim in one round. A person approves a round once;
    a review may cite the resolution of the meeting that decided the claim."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="reviews")
    round = models.PositiveSmallIntegerField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(_("decision"), max_length=14, choices=ReviewAction.choices)
    amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    #: The committee's resolution (มติ) when the claim was decided at a meeting on record.
    resolution = models.ForeignKey(
        "governance.Resolution",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claim_reviews",
        verbose_name=_("resolution"),
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["claim", "at", "id"]
        verbose_name = _("claim review")
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "round", "user"],
                condition=Q(action="approve"),
                name="claimapproval_once_per_round",
            ),
            models.CheckConstraint(
                condition=Q(action="approve") | ~Q(reason=""), name="claimapproval_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.claim_id} r{self.round} {self.user_id} {self.action}"


class Payout(models.Model):
    """The payment of an approved claim: one voucher (ใบสำคัญจ่าย) and one journal entry.
    A recurring benefit's claim has one payment per period (``period``), each its own voucher.

    A payment made in error (wrong person, wrong amount, money returned) is cancelled, never
    deleted: its voucher number stays on record, a reversing entry is posted
    (``void_entry``) and the claim is approved-unpaid again. A claim has at most one payment
    that is not cancelled (a database constraint)."""

    class Source(models.TextChoices):
        CASH = "cash", _("cash")
        BANK = "bank", _("bank")

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="payouts")
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="+")
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year (B.E.)"))
    number = models.PositiveIntegerField(_("voucher number"))
    paid_on = models.DateField(pgettext_lazy("payout", "paid on"))
    source = models.CharField(_("paid from"), max_length=4, choices=Source.choices)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    #: [{"name", "relationship", "share_percent", "amount"}]: who received how much.
    paid_to = models.JSONField(default=list)
    note = models.CharField(_("why less is paid"), max_length=500, blank=True)
    entry = models.OneToOneField(JournalEntry, on_delete=models.PROTECT, related_name="payout")
    #: For a recurring benefit: the first day of the month (or year) this payment covers.
    period = models.DateField(_("period paid"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    void_entry = models.OneToOneField(
        JournalEntry, on_delete=models.PROTECT, related_name="voided_payout", null=True, blank=True
    )
    voided_at = models.DateTimeField(null=True, blank=True)
    void_reason = models.CharField(_("why the payment is cancelled"), max_length=300, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["fund", "fiscal_year", "number"]
        verbose_name = _("payment voucher")
        constraints = [
            models.UniqueConstraint(
                fields=["fund", "fiscal_year", "number"], name="payout_unique_number"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payout_amount_positive"),
            models.UniqueConstraint(
                fields=["claim"],
                condition=Q(voided_at__isnull=True, period__isnull=True),
                name="payout_one_live",
            ),
            # A pension's period is paid once: never twice for the same month or year.
            models.UniqueConstraint(
                fields=["claim", "period"],
                condition=Q(voided_at__isnull=True, period__isnull=False),
                name="payout_one_per_period",
            ),
            models.CheckConstraint(
                condition=Q(voided_at__isnull=True)
                | (Q(void_entry__isnull=False) & ~Q(void_reason="")),
                name="payout_void_has_reversal_and_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.display_number

    @property
    def display_number(self) -> str:
        return f"{self.fiscal_year}/{self.number:05d}"

    @property
    def is_void(self) -> bool:
        return self.voided_at is not None

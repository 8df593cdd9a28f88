"""Contributions (เงินสัจจะ): plans, who is on which plan, payments and their receipts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from kongtun.funds.models import Fund
from kongtun.ledger.models import JournalEntry
from kongtun.members.models import Member


class ContributionPlan(models.Model):
    """An amount per period: 30 baht a month, or 90 / 180 / 360 for 3 / 6 / 12 months."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="contribution_plans")
    name_th = models.CharField(_("name (Thai)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    amount = models.DecimalField(_("amount per period"), max_digits=10, decimal_places=2)
    months = models.PositiveSmallIntegerField(_("months per period"))
    active = models.BooleanField(pgettext_lazy("plan", "offered"), default=True)

    class Meta:
        ordering = ["fund", "months", "amount"]
        verbose_name = _("contribution plan")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="plan_amount_positive"),
            models.CheckConstraint(
                condition=Q(months__gte=1, months__lte=12), name="plan_months_1_12"
            ),
        ]

    def __str__(self) -> str:
        if (get_language() or "th").startswith("en") and self.name_en:
            return self.name_en
        return self.name_th


class ContributionPolicy(models.Model):
    """A fund's rules around contributions: the entrance fee, and whether paying the arrears
    reinstates a member suspended for them. How many unpaid months suspend a member is the
    regulation's arrears clause, the one source (decision 0021)."""

    fund = models.OneToOneField(Fund, on_delete=models.PROTECT, related_name="contribution_policy")
    entrance_fee = models.DecimalField(
        _("entrance fee"), max_digits=10, decimal_places=2, default=0
    )
    reinstate_on_payment = models.BooleanField(
        _("reinstate when the arrears are paid"), default=True
    )

    class Meta:
        verbose_name = _("contribution policy")
        constraints = [
            models.CheckConstraint(condition=Q(entrance_fee__gte=0), name="policy_fee_not_negative")
        ]

    def __str__(self) -> str:
        return f"{self.fund}"


class PlanAssignment(models.Model):
    """Which plan a member is on from a date on (history kept: a change is a new row)."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="plan_assignments")
    plan = models.ForeignKey(ContributionPlan, on_delete=models.PROTECT, related_name="+")
    effective_date = models.DateField(_("from"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["member", "effective_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "effective_date"], name="planassignment_unique_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.plan_id} {self.effective_date}"


class Receipt(models.Model):
    """ใบเสร็จรับเงิน: numbered per fund per fiscal year without gaps. Voiding keeps the number
    and posts a reversal."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="receipts")
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year (B.E.)"))
    number = models.PositiveIntegerField(_("receipt number"))
    issued_on = models.DateField(_("date"))
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, null=True, blank=True, related_name="receipts"
    )
    payer_name = models.CharField(_("received from"), max_length=200)
    items = models.JSONField(default=list)  # [{"description": str, "amount": "30.00"}]
    total = models.DecimalField(_("total"), max_digits=12, decimal_places=2)
    entry = models.OneToOneField(
        JournalEntry, on_delete=models.PROTECT, related_name="receipt", null=True
    )
    void_entry = models.OneToOneField(
        JournalEntry, on_delete=models.PROTECT, related_name="voided_receipt", null=True, blank=True
    )
    voided_at = models.DateTimeField(null=True, blank=True)
    void_reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["fund", "fiscal_year", "number"]
        verbose_name = _("receipt")
        constraints = [
            models.UniqueConstraint(
                fields=["fund", "fiscal_year", "number"], name="receipt_unique_number"
            ),
            models.CheckConstraint(condition=Q(total__gt=0), name="receipt_total_positive"),
        ]

    def __str__(self) -> str:
        return self.display_number

    @property
    def display_number(self) -> str:
        return f"{self.fiscal_year}/{self.number:05d}"


class ImportBatch(models.Model):
    """One imported file: what was in it and who imported it."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="import_batches")
    filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.filename


class ContributionPayment(models.Model):
    """Months of contributions paid by one member. ``period_start`` (first day of the first
    month covered) is the natural key: a member cannot pay the same month twice, so importing
    a file again doubles nothing."""

    class Source(models.TextChoices):
        RECEIPT = "receipt", _("receipt")
        IMPORT = "import", _("imported")

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="contributions")
    paid_on = models.DateField(_("paid on"))
    period_start = models.DateField(_("first month covered"))
    months = models.PositiveSmallIntegerField(_("months covered"))
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.RECEIPT)
    receipt = models.ForeignKey(
        Receipt, on_delete=models.PROTECT, null=True, blank=True, related_name="payments"
    )
    import_batch = models.ForeignKey(
        ImportBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="payments"
    )
    receipt_ref = models.CharField(_("receipt number in the old books"), max_length=40, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["member", "period_start"]
        verbose_name = _("contribution payment")
        constraints = [
            models.UniqueConstraint(
                fields=["fund", "member", "period_start"],
                condition=Q(voided_at__isnull=True),
                name="payment_unique_month",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(condition=Q(months__gte=1), name="payment_months_positive"),
        ]
        indexes = [models.Index(fields=["fund", "paid_on"])]

    def __str__(self) -> str:
        return f"{self.member_id} {self.period_start} ×{self.months}"

"""The network's tables (decision 0025): figures per fund and month maintained at month close
(``FundMonth``), each fund's latest state (``FundStatus``), and what a network instance keeps
of the funds that report to it (``FundKey``, ``ReportPackage``, ``PackageRefusal``).

Roll-ups hold figures only: counts and amounts, never a person. Network pages read these
tables, never journal lines at request time."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kongtun.funds.models import Fund

MONEY = {"max_digits": 16, "decimal_places": 2, "default": 0}


class FundMonth(models.Model):
    """One fund's closed month: members at its end and its money, as the books say."""

    fund = models.ForeignKey(Fund, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    members_active = models.PositiveIntegerField(default=0)
    members_suspended = models.PositiveIntegerField(default=0)
    joined = models.PositiveIntegerField(default=0)
    resigned = models.PositiveIntegerField(default=0)
    deceased = models.PositiveIntegerField(default=0)
    #: active members at the month's end: {"F": n, "M": n}, {"0–19": n, …}, {occupation: n}
    by_sex = models.JSONField(default=dict)
    by_age = models.JSONField(default=dict)
    by_occupation = models.JSONField(default=dict)
    money_in = models.DecimalField(**MONEY)
    contributions = models.DecimalField(**MONEY)
    matching = models.DecimalField(**MONEY)
    #: matching and grants received by the kind of agency: {"local_gov": "1200.00", …}
    matching_by_agency = models.JSONField(default=dict)
    benefits = models.DecimalField(**MONEY)
    #: benefits paid by life stage: {"death": "3000.00", …}
    benefits_by_stage = models.JSONField(default=dict)
    other_out = models.DecimalField(**MONEY)
    reserves = models.DecimalField(**MONEY)
    #: reserves ÷ the average monthly benefits of the twelve months ending here; None when
    #: nothing was paid in them
    months_covered = models.DecimalField(max_digits=10, decimal_places=1, null=True)

    class Meta:
        ordering = ["fund", "month"]
        constraints = [
            models.UniqueConstraint(fields=["fund", "month"], name="fundmonth_unique"),
            models.CheckConstraint(condition=Q(month__day=1), name="fundmonth_first_day"),
        ]
        indexes = [models.Index(fields=["month", "fund"])]

    def __str__(self) -> str:
        return f"{self.fund_id} {self.month:%Y-%m}"


class FundStatus(models.Model):
    """Each fund's latest figures for the network pages: one row per fund."""

    fund = models.OneToOneField(Fund, on_delete=models.CASCADE, related_name="network_status")
    latest = models.ForeignKey(FundMonth, on_delete=models.SET_NULL, null=True, related_name="+")
    last_closed = models.DateField(null=True)
    last_verified = models.DateField(null=True)
    #: the latest finished projection: the share of futures in which the money runs out
    ruin_probability = models.DecimalField(max_digits=5, decimal_places=4, null=True)
    ruin_years = models.PositiveSmallIntegerField(null=True)
    #: the latest closed self-assessment round: {factor code: mean score 1–5}
    assessment = models.JSONField(default=dict)
    assessment_on = models.DateField(null=True)
    #: the SW-NT stage the fund's development process is at (position 1–8), and its code
    swnt_stage = models.PositiveSmallIntegerField(null=True)
    swnt_code = models.CharField(max_length=40, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.fund_id} through {self.last_closed}"


class SigningKey(models.Model):
    """This fund's own Ed25519 signing key, made once on the fund's machine (decision 0025:
    kept in the database, so it travels in the encrypted backups with the books it signs)."""

    fund = models.OneToOneField(Fund, on_delete=models.CASCADE, related_name="signing_key")
    private_pem = models.TextField()
    public_key = models.CharField(max_length=64)  # raw 32 bytes, hex
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.fund_id} {self.public_key[:16]}"


class RegisteredKey(models.Model):
    """On the network: a fund's public key, registered once by a coordinator who follows it.
    Packages signed by any other key are refused."""

    fund = models.OneToOneField(Fund, on_delete=models.CASCADE, related_name="registered_key")
    public_key = models.CharField(_("public key"), max_length=64)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    registered_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.fund_id} {self.public_key[:16]}"


class ReportPackage(models.Model):
    """The signed report package this fund made at a month close, kept to be pushed to the
    network or saved as a file (``body`` is the canonical JSON signed; ``signature`` hex)."""

    fund = models.ForeignKey(Fund, on_delete=models.CASCADE, related_name="report_packages")
    month = models.DateField()
    body = models.TextField()
    signature = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)
    pushed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["fund", "month"]
        constraints = [
            models.UniqueConstraint(fields=["fund", "month"], name="package_unique_month")
        ]

    def __str__(self) -> str:
        return f"{self.fund_id} {self.month:%Y-%m}"


class ReceivedPackage(models.Model):
    """A fund's package as the network received, checked and kept it: the witness's copy of
    the fund's published heads. Never changed once kept."""

    fund = models.ForeignKey(Fund, on_delete=models.CASCADE, related_name="received_packages")
    month = models.DateField()
    head_seq = models.PositiveBigIntegerField(null=True)
    chain_head = models.CharField(max_length=64, blank=True)
    entries = models.PositiveBigIntegerField()  # entries in the books at close
    entry_count = models.PositiveIntegerField()  # the month's entries
    merkle_root = models.CharField(max_length=64, blank=True)
    report_sha256 = models.CharField(max_length=64)
    body = models.TextField()
    signature = models.CharField(max_length=128)
    via = models.CharField(max_length=8)  # "push" or "upload"
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["fund", "month"]
        constraints = [
            models.UniqueConstraint(fields=["fund", "month"], name="received_unique_month")
        ]

    def __str__(self) -> str:
        return f"{self.fund_id} {self.month:%Y-%m}"


class PackageRefusal(models.Model):
    """A package the network refused, and why: shown to the coordinators of the fund."""

    class Reason(models.TextChoices):
        MALFORMED = "malformed", _("not a report package")
        UNKNOWN_FUND = "unknown_fund", _("unknown fund")
        NO_KEY = "no_key", _("no key registered")
        BAD_SIGNATURE = "bad_signature", _("bad signature")
        DIFFERENT_FIGURES = "different", _("month already received with different figures")
        ROLLBACK = "rollback", _("books went backwards (rollback)")
        TRUNCATION = "truncation", _("books lost entries (truncation)")

    fund = models.ForeignKey(Fund, on_delete=models.CASCADE, null=True, related_name="+")
    fund_code = models.CharField(max_length=20, blank=True)
    month = models.CharField(max_length=7, blank=True)
    reason = models.CharField(max_length=16, choices=Reason.choices)
    detail = models.CharField(max_length=400, blank=True)
    via = models.CharField(max_length=8)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.fund_code} {self.month} {self.reason}"

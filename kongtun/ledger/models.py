"""The books: an append-only double-entry journal per fund.

Amounts are stored as whole satang (signed: debit positive, credit negative) so sums are exact
and fast on SQLite and PostgreSQL alike; services and pages speak Decimal baht (decision 0004).
Entries and lines can never be updated or deleted: database triggers refuse it (see
``triggers.py``); a correction is a reversing entry pointing at the original.
"""

from __future__ import annotations

import base64
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kongtun.core.money import MAX_SATANG
from kongtun.funds.models import Fund

CENTS = Decimal("0.01")


def satang_to_baht(satang: int) -> Decimal:
    return (Decimal(satang) * CENTS).quantize(CENTS)


class AccountType(models.TextChoices):
    ASSET = "asset", _("asset")
    LIABILITY = "liability", _("liability")
    EQUITY = "equity", _("fund capital")
    INCOME = "income", _("income")
    EXPENSE = "expense", _("expense")


class Account(models.Model):
    """One line of the chart of accounts of a fund (editable per fund)."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="accounts")
    code = models.CharField(_("account code"), max_length=10)
    name_th = models.CharField(_("name (Thai)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=150, blank=True)
    type = models.CharField(_("type"), max_length=10, choices=AccountType.choices)
    # Tags the code relies on: "cash", "bank", "contributions", "entrance_fees",
    # "matching_local", "matching_central", "donations", "interest", "benefit:<kind>",
    # "admin", "community", "capital", "receivable_agency". One account per tag per fund.
    role = models.CharField(_("used for"), max_length=40, blank=True)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["fund", "code"]
        verbose_name = _("account")
        constraints = [
            models.UniqueConstraint(fields=["fund", "code"], name="account_unique_code"),
            models.UniqueConstraint(
                fields=["fund", "role"], condition=~Q(role=""), name="account_unique_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.display_name}"

    @property
    def display_name(self) -> str:
        if (get_language() or "th").startswith("en") and self.name_en:
            return self.name_en
        return self.name_th

    @property
    def role_use(self) -> object:
        """What Kongtun posts here by itself, in words ("" for an account of the fund's own)."""
        from kongtun.ledger.chart import role_use

        return role_use(self.role or "")

    @property
    def debit_normal(self) -> bool:
        return self.type in (AccountType.ASSET, AccountType.EXPENSE)


class Agency(models.Model):
    """Who gives money besides members: local government, CODI, donors, banks."""

    class Kind(models.TextChoices):
        LOCAL_GOV = "local_gov", _("local government")
        CENTRAL_GOV = "central_gov", _("central government (CODI)")
        DONOR = "donor", _("donor")
        BANK = "bank", _("bank")
        OTHER = "other", _("other")

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="agencies")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)

    class Meta:
        ordering = ["fund", "name"]
        verbose_name = _("agency")
        constraints = [models.UniqueConstraint(fields=["fund", "name"], name="agency_unique_name")]

    def __str__(self) -> str:
        return self.name


class SourceType(models.TextChoices):
    RECEIPT = "receipt", _("receipt")
    VOUCHER = "voucher", _("payment voucher")
    GRANT = "grant", _("money from an agency")
    CLAIM = "claim", _("benefit payout")
    IMPORT = "import", _("imported books")
    MANUAL = "manual", _("journal voucher")
    REVERSAL = "reversal", _("reversal")
    OPENING = "opening", _("opening balance")


class JournalEntry(models.Model):
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="journal_entries")
    seq = models.PositiveBigIntegerField(_("entry number"))
    date = models.DateField(_("date"))
    description = models.CharField(_("description"), max_length=300)
    source_type = models.CharField(_("source"), max_length=10, choices=SourceType.choices)
    source_ref = models.CharField(_("document"), max_length=60, blank=True)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="entries"
    )
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["fund", "seq"]
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")
        constraints = [
            models.UniqueConstraint(fields=["fund", "seq"], name="entry_unique_seq"),
        ]
        indexes = [models.Index(fields=["fund", "date"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.date} {self.description}"


class JournalLine(models.Model):
    """One leg of an entry. ``fund`` and ``date`` repeat the entry's so balances are one
    index scan without a join (the entry's lines are written in the same INSERT batch)."""

    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="lines")
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="+")
    date = models.DateField()
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="lines")
    amount_satang = models.BigIntegerField(help_text="debit positive, credit negative")
    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    memo = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["entry", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(amount_satang=0), name="line_not_zero"),
            # The hard ceiling per line (core.money.MAX_SATANG), so no balance can overflow.
            models.CheckConstraint(
                condition=Q(amount_satang__gte=-MAX_SATANG, amount_satang__lte=MAX_SATANG),
                name="line_within_ceiling",
            ),
        ]
        indexes = [models.Index(fields=["fund", "account", "date", "amount_satang"])]

    def __str__(self) -> str:
        return f"{self.account_id} {self.amount_satang}"

    @property
    def debit(self) -> Decimal | None:
        return satang_to_baht(self.amount_satang) if self.amount_satang > 0 else None

    @property
    def credit(self) -> Decimal | None:
        return satang_to_baht(-self.amount_satang) if self.amount_satang < 0 else None


class EntrySeal(models.Model):
    """The hash chain of a fund's books, one seal per entry in posting order (decision 0009):
    ``hash = SHA-256(prev_hash ‖ canonical content of the entry and its lines)``. Kept apart
    from the entries so sealing never needs an UPDATE; append-only like the entries."""

    entry = models.OneToOneField(JournalEntry, on_delete=models.PROTECT, related_name="seal")
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="+")
    seq = models.PositiveBigIntegerField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    # Keyed BLAKE2b of the hash with the server's secret: someone who can write to the
    # database but does not hold the key cannot forge a seal for an inserted entry.
    mac = models.CharField(max_length=32)
    # Seal format (decision 0009): 1 before line dates and funds were hashed, 2 since.
    version = models.PositiveSmallIntegerField(db_default=2)
    # The month close the books had when this entry was sealed, "YYYY-MM:<root>" ("" before
    # any close): hashed with the entry, so removing that close later is caught.
    anchor = models.CharField(max_length=72, db_default="", blank=True)

    class Meta:
        ordering = ["fund", "seq"]
        constraints = [models.UniqueConstraint(fields=["fund", "seq"], name="seal_unique_seq")]

    def __str__(self) -> str:
        return f"{self.fund_id}#{self.seq} {self.hash[:12]}"

    @property
    def verification_code(self) -> str:
        """What a receipt prints: the entry's hash in base 32, first 10 characters — enough to
        find and check it, useless for guessing other entries."""
        return base64.b32encode(bytes.fromhex(self.hash))[:10].decode()


class MonthClose(models.Model):
    """A closed month: nothing more may be dated in it. Closing publishes the month's Merkle
    root over its entries' seals, the chain head at that moment, and the month's report."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="month_closes")
    month = models.DateField(help_text="first day of the closed month")
    closed_at = models.DateTimeField(auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    entry_count = models.PositiveIntegerField(null=True)
    merkle_root = models.CharField(max_length=64, null=True)
    chain_head = models.CharField(max_length=64, null=True)
    head_seq = models.PositiveBigIntegerField(null=True)
    # The month's published report, frozen at close (decision 0012): canonical JSON of exactly
    # the figures the public page and its PDF show, and its SHA-256. The public page renders
    # from it and checks the hash; null only for months closed before Kongtun kept it.
    report_json = models.TextField(null=True)
    report_sha256 = models.CharField(max_length=64, null=True)

    class Meta:
        ordering = ["fund", "month"]
        constraints = [
            models.UniqueConstraint(fields=["fund", "month"], name="monthclose_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.fund_id} {self.month:%Y-%m}"


class VerifiedCheckpoint(models.Model):
    """A verification that found nothing, up to entry ``seq`` (decision 0013): the next
    ``ledger_verify`` reads only the entries after it, checking that this entry's hash and
    the month closes seen then are unchanged; ``--full`` reads everything again. Keyed like
    the seals: a checkpoint written behind the application is ignored."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="+")
    seq = models.PositiveBigIntegerField()
    hash = models.CharField(max_length=64)
    closes = models.PositiveIntegerField()
    closes_hash = models.CharField(max_length=64)
    full = models.BooleanField()
    verified_at = models.DateTimeField(auto_now_add=True)
    mac = models.CharField(max_length=32)

    class Meta:
        ordering = ["fund", "seq"]

    def __str__(self) -> str:
        return f"{self.fund_id} verified through #{self.seq}"

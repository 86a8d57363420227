"""A small double-entry ledger: accounts, journal entries and their postings.

Amounts on postings are signed: a debit is positive, a credit negative. Every entry balances per
currency (the service refuses otherwise, and on PostgreSQL a deferred constraint trigger checks it
again at commit). Entries are never changed: a correction is a new, reversing entry.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.fields import CurrencyField


class AccountKind(models.TextChoices):
    ASSET = "asset", _("Asset")
    LIABILITY = "liability", _("Liability")
    INCOME = "income", _("Income")
    EXPENSE = "expense", _("Expense")
    EQUITY = "equity", _("Equity")


class AccountPurpose(models.TextChoices):
    """What an account is for, so services can find it without parsing codes."""

    BANK = "bank", _("Agency bank account")
    ESCROW = "escrow", _("Sale proceeds held in escrow for a case")
    STATE_PROCEEDS = "state_proceeds", _("Confiscated proceeds due to the state")
    OWNER_REFUND = "owner_refund", _("Proceeds to be returned to the owner")
    STORAGE_EXPENSE = "storage_expense", _("Storage and upkeep costs")
    ACCRUED_COSTS = "accrued_costs", _("Accrued storage costs payable")
    RECEIVABLE = "receivable", _("Buyers' balances (invoiced, less paid)")
    PREMIUM_INCOME = "premium_income", _("Buyer's premium earned")
    VAT_PAYABLE = "vat_payable", _("VAT payable on sales")
    SALE_COSTS = "sale_costs", _("Costs of sale recovered from the proceeds")
    STORAGE_FEE_INCOME = "storage_fee_income", _("Storage fees charged to buyers")
    DEFAULT_DAMAGES = "default_damages", _("Deposits kept for a buyer's default")
    # Confiscated proceeds assigned by a disposition decision, owed to its payees until paid.
    VICTIM_COMPENSATION = "victim_compensation", _("Compensation owed to victims")
    SOCIAL_REUSE_GRANTS = "social_reuse_grants", _("Social-reuse grants owed")
    PUBLIC_BODIES = "public_bodies", _("Proceeds owed to public bodies")
    FOREIGN_STATES = "foreign_states", _("Proceeds owed to foreign states (returned assets)")
    OTHER = "other", _("Other")


class Account(models.Model):
    code = models.CharField(_("code"), max_length=96, unique=True)
    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=12, choices=AccountKind.choices)
    purpose = models.CharField(_("purpose"), max_length=20, choices=AccountPurpose.choices,
                               default=AccountPurpose.OTHER)
    currency = CurrencyField(_("currency"))
    case = models.ForeignKey("custody.Case", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="ledger_accounts", verbose_name=_("case"))
    created_at = models.DateTimeField(_("opened"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("ledger account")
        verbose_name_plural = _("ledger accounts")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["purpose", "case", "currency"], name="ledger_one_account_per_purpose_case",
                                    condition=Q(case__isnull=False)),
            models.UniqueConstraint(fields=["purpose", "currency"], name="ledger_one_global_account_per_purpose",
                                    condition=Q(case__isnull=True) & ~Q(purpose="other")),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class EntryKind(models.TextChoices):
    """What kind of business event an entry records: the prefix of its idempotency key, which the
    service that posts it chooses (ledger.services)."""

    ESCROW_IN = "escrow-in", _("Sale proceeds into escrow")
    ESCROW_STATE = "escrow-state", _("Escrow to the state (confiscation)")
    ESCROW_OWNER = "escrow-owner", _("Escrow to the owner (release)")
    COST = "cost", _("Storage and upkeep cost")
    REVERSAL = "reversal", _("Reversal (correction)")
    PAYMENT = "payment", _("Payment received toward an invoice")
    SALE = "sale", _("Sale of an asset: gross proceeds, premium, tax, costs and net")
    STORAGE_FEE = "storage-fee", _("Storage fee charged to a buyer")
    REFUND = "refund", _("Refund to a buyer")
    FORFEIT = "forfeit", _("Deposit kept for a buyer's default")
    DISPOSITION = "disposition", _("Confiscated proceeds assigned by a disposition decision")
    DISPOSITION_RELEASE = "disposition-release", _("Unpaid proceeds of a revoked decision back to the fund")
    ALLOCATION = "allocation", _("Payment of an allocation to its payee")
    CLAIM = "claim", _("Payment of a granted claim to its claimant")


class JournalEntry(models.Model):
    """One business event (a sale's proceeds, a confiscation, a refund) as balanced postings."""

    occurred_at = models.DateTimeField(_("date"), default=timezone.now)
    memo = models.CharField(_("memo"), max_length=255)
    source = models.CharField(_("source"), max_length=96, blank=True,
                              help_text=_("What caused the entry, e.g. direct_sale:12 or asset:40:confiscate."))
    case = models.ForeignKey("custody.Case", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="journal_entries", verbose_name=_("case"))
    asset = models.ForeignKey("custody.Asset", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="journal_entries", verbose_name=_("asset"),
                              help_text=_("The asset whose proceeds or costs the entry records, if any."))
    idempotency_key = models.CharField(_("idempotency key"), max_length=128, unique=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("by"))
    created_at = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)
    # A correction is a new entry mirroring the one it corrects; one reversal at most per entry
    # (the one-to-one field's unique index says so in the database too).
    reverses = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="reversed_by", verbose_name=_("reverses"))

    class Meta:
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["source"])]
        constraints = [
            models.CheckConstraint(condition=~Q(reverses=models.F("id")), name="ledger_entry_not_its_own_reversal"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.memo}"

    @property
    def kind(self) -> str:
        prefix = self.idempotency_key.split(":", 1)[0]
        return prefix if prefix in EntryKind.values else ""

    def get_kind_display(self) -> str:
        return str(EntryKind(self.kind).label) if self.kind else str(_("Other"))

    @property
    def source_type(self) -> str:
        """The kind of record that caused the entry: the part of `source` before its first colon
        (`direct_sale`, `order`, `asset`, `entry`; later `invoice`, `stripe_event`, `transfer`)."""
        return self.source.split(":", 1)[0] if ":" in self.source else ""

    @property
    def source_id(self) -> str:
        """That record's id (and, for some sources, a qualifier after it): what follows the colon."""
        return self.source.split(":", 1)[1] if ":" in self.source else self.source


class Posting(models.Model):
    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="postings")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="postings")
    # Signed: debit > 0, credit < 0.
    amount = models.DecimalField(_("amount"), max_digits=18, decimal_places=2)
    currency = CurrencyField(_("currency"))

    class Meta:
        verbose_name = _("posting")
        verbose_name_plural = _("postings")
        ordering = ["entry_id", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="ledger_posting_not_zero"),
        ]

    def __str__(self) -> str:
        side = _("Dr") if self.amount > 0 else _("Cr")
        return f"{side} {self.account.code} {abs(self.amount)} {self.currency}"

    @property
    def debit(self):
        return self.amount if self.amount > 0 else None

    @property
    def credit(self):
        return -self.amount if self.amount < 0 else None

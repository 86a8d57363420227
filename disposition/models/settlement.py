"""Settlement of a sale: the award of a won lot, its invoice and the payments toward it.

The award's, the invoice's and a payment's life cycles are django-fsm state machines (the
`@transition` decorators are the tables of allowed moves); `disposition.services` calls them,
records who decided and why, and saves, in one transaction. Invoice numbers come from a counter
row per year (`InvoiceCounter`), locked in the transaction that inserts the invoice, so that a
rollback takes the number back too.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, transition

from auctions.models import Lot
from common.fields import CurrencyField, StateField

MONEY = {"max_digits": 14, "decimal_places": 2}


class AwardStatus(models.TextChoices):
    SCREENING_HOLD = "screening_hold", _("On hold: screening hit")
    INVOICED = "invoiced", _("Invoiced")
    REFUSED = "refused", _("Refused")
    DEFAULTED = "defaulted", _("Defaulted: not paid by the deadline")


# An award that is over: the lot may be awarded again (a second-chance offer accepted).
CLOSED_AWARD_STATES = [AwardStatus.DEFAULTED, AwardStatus.REFUSED]


def _has_decision_reason(award: Award) -> bool:
    return bool((award.decision_reason or "").strip())


class Award(ConcurrentTransitionMixin, models.Model):
    """A won lot handed to its winner: invoiced at once, or held when the winner matches the
    screening list or a party of the lot's cases, until the auction manager decides. A lot has one
    live award at most; after a default, a second-chance offer accepted awards it again."""

    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="settlement_awards",
                            verbose_name=_("lot"))
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="awards",
                              verbose_name=_("buyer"))
    hammer_price = models.DecimalField(_("hammer price"), **MONEY)
    currency = CurrencyField(_("currency"))
    status = StateField(_("status"), max_length=20, choices=AwardStatus.choices,
                        default=AwardStatus.SCREENING_HOLD, protected=True)
    screening_hit = models.BooleanField(_("screening hit"), default=False)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    created_at = models.DateTimeField(_("awarded"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["-created_at", "-id"]
        permissions = [("decide_award", _("Can release or refuse an award on hold"))]
        constraints = [
            models.CheckConstraint(condition=Q(hammer_price__gte=0), name="award_hammer_not_negative"),
            models.CheckConstraint(condition=Q(decided_by__isnull=True) | ~Q(decision_reason=""),
                                   name="award_decision_has_reason"),
            models.UniqueConstraint(fields=["lot"], condition=~Q(status__in=["defaulted", "refused"]),
                                    name="award_one_live_per_lot"),
        ]

    def __str__(self) -> str:
        return f"{self.lot}"

    # ---- the table of allowed moves ----------------------------------------------------------

    @transition(field=status, source=AwardStatus.SCREENING_HOLD, target=AwardStatus.INVOICED)
    def issue_invoice(self) -> None:
        """No screening hit (or the hold released): the invoice is issued in the same transaction."""

    @transition(field=status, source=AwardStatus.SCREENING_HOLD, target=AwardStatus.INVOICED,
                conditions=[_has_decision_reason], permission="disposition.decide_award")
    def release(self) -> None:
        self.decided_at = timezone.now()

    @transition(field=status, source=AwardStatus.SCREENING_HOLD, target=AwardStatus.REFUSED,
                conditions=[_has_decision_reason], permission="disposition.decide_award")
    def refuse(self) -> None:
        self.decided_at = timezone.now()

    @transition(field=status, source=AwardStatus.INVOICED, target=AwardStatus.DEFAULTED)
    def default(self) -> None:
        """The invoice was not paid by its deadline (the default sweep)."""


class InvoiceCounter(models.Model):
    """The last invoice number issued in a year. Its row is locked (SELECT … FOR UPDATE) by the
    transaction that issues an invoice, so numbers follow each other without gap or duplicate."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("invoice counter")
        verbose_name_plural = _("invoice counters")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class InvoiceStatus(models.TextChoices):
    ISSUED = "issued", _("Issued, awaiting payment")
    PART_PAID = "part_paid", _("Part-paid")
    PAID = "paid", _("Paid")
    COLLECTED = "collected", _("Paid and collected")
    DEFAULTED = "defaulted", _("Cancelled: not paid by the deadline")
    CANCELLED = "cancelled", _("Cancelled")


UNPAID_STATES = [InvoiceStatus.ISSUED, InvoiceStatus.PART_PAID]


def _fully_paid(invoice: Invoice) -> bool:
    return invoice.amount_paid >= invoice.total


class Invoice(ConcurrentTransitionMixin, models.Model):
    """What the buyer owes for a won lot (or for an asset sold directly). The amounts are computed
    once, by `disposition.amounts.invoice_amounts`, and kept as issued; `amount_paid` is the sum of
    the confirmed payments (the captured deposit among them), and storage fees accrue on it when
    the lot is not collected in time. The buyer's legal name and address are copied as they were at
    issue: personal data, shown to the buyer and to staff only.

    The life cycle: issued → part-paid → paid (only ever by a verified Stripe event or a transfer a
    second officer confirmed) → collected at the handover; or, unpaid at the deadline, defaulted."""

    award = models.OneToOneField(Award, on_delete=models.PROTECT, related_name="invoice", verbose_name=_("award"),
                                 null=True, blank=True)
    direct_sale = models.OneToOneField("valuation.DirectSale", on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="invoice", verbose_name=_("direct sale"))
    number = models.CharField(_("number"), max_length=20, editable=False)
    year = models.PositiveIntegerField(_("year"), editable=False)
    sequence = models.PositiveIntegerField(_("sequence"), editable=False)
    # A direct sale's buyer may have no account: the invoice then names them only.
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="invoices",
                              verbose_name=_("buyer"), null=True, blank=True)
    buyer_name = models.CharField(_("buyer's legal name"), max_length=255)
    buyer_address = models.TextField(_("buyer's address"))
    currency = CurrencyField(_("currency"))
    hammer_price = models.DecimalField(_("hammer price"), **MONEY)
    premium_percent = models.DecimalField(_("buyer's premium (%)"), max_digits=5, decimal_places=2)
    premium = models.DecimalField(_("buyer's premium"), **MONEY)
    tax_percent = models.DecimalField(_("VAT (%)"), max_digits=5, decimal_places=2)
    tax = models.DecimalField(_("VAT"), **MONEY)
    total = models.DecimalField(_("total"), **MONEY)
    deposit = models.DecimalField(_("deposit held"), **MONEY)
    amount_due = models.DecimalField(_("amount due"), **MONEY)
    issued_at = models.DateTimeField(_("issued"), default=timezone.now, editable=False)
    due_on = models.DateField(_("payment deadline"))
    status = StateField(_("status"), max_length=16, choices=InvoiceStatus.choices, default=InvoiceStatus.ISSUED,
                        protected=True)
    amount_paid = models.DecimalField(_("paid"), **MONEY, default=0)
    storage_fees = models.DecimalField(_("storage fees"), **MONEY, default=0,
                                       help_text=_("Accrued when the lot is not collected by its deadline."))
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    collect_by = models.DateField(_("collect by"), null=True, blank=True)
    collected_at = models.DateTimeField(_("collected"), null=True, blank=True)
    closed_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    close_reason = models.TextField(_("reason for the cancellation"), blank=True)
    # A card payment that needs the buyer: the code Stripe gave (authentication_required,
    # card_declined) and the PaymentIntent the buyer completes on the invoice page with Elements.
    payment_problem = models.CharField(_("payment problem"), max_length=32, blank=True)
    payment_intent_id = models.CharField(_("Stripe PaymentIntent for paying on the page"), max_length=255,
                                         blank=True)

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-year", "-sequence"]
        permissions = [("record_payment", _("Can record a bank transfer toward an invoice")),
                       ("confirm_payment", _("Can confirm a bank transfer another officer recorded"))]
        constraints = [
            models.UniqueConstraint(fields=["number"], name="invoice_number_unique"),
            models.UniqueConstraint(fields=["year", "sequence"], name="invoice_sequence_unique"),
            models.CheckConstraint(condition=Q(sequence__gte=1), name="invoice_sequence_positive"),
            models.CheckConstraint(condition=Q(total=F("hammer_price") + F("premium") + F("tax")),
                                   name="invoice_total_adds_up"),
            models.CheckConstraint(condition=Q(amount_due__gte=0) & Q(deposit__gte=0),
                                   name="invoice_amounts_not_negative"),
            models.CheckConstraint(condition=Q(amount_paid__gte=0) & Q(storage_fees__gte=0),
                                   name="invoice_paid_and_fees_not_negative"),
            models.CheckConstraint(condition=(Q(award__isnull=False) & Q(direct_sale__isnull=True))
                                   | (Q(award__isnull=True) & Q(direct_sale__isnull=False)),
                                   name="invoice_for_an_award_or_a_direct_sale"),
            models.CheckConstraint(condition=~Q(status__in=["paid", "collected"])
                                   | Q(amount_paid__gte=F("total"), paid_at__isnull=False),
                                   name="invoice_paid_means_paid"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def amount_owed(self):
        """What the buyer still owes: the total and any storage fees, less what was paid."""
        return max(self.total + self.storage_fees - self.amount_paid, 0)

    @property
    def lot(self):
        return self.award.lot if self.award_id else None

    @property
    def title(self) -> str:
        if self.award_id:
            return self.award.lot.title
        return str(self.direct_sale.asset) if self.direct_sale_id else self.number

    # ---- the table of allowed moves ----------------------------------------------------------

    @transition(field=status, source=UNPAID_STATES, target=InvoiceStatus.PART_PAID)
    def record_part_payment(self) -> None:
        pass

    @transition(field=status, source=UNPAID_STATES, target=InvoiceStatus.PAID, conditions=[_fully_paid])
    def mark_paid(self) -> None:
        self.paid_at = timezone.now()
        self.payment_problem = ""

    @transition(field=status, source=InvoiceStatus.PAID, target=InvoiceStatus.COLLECTED)
    def mark_collected(self) -> None:
        self.collected_at = timezone.now()

    @transition(field=status, source=UNPAID_STATES, target=InvoiceStatus.DEFAULTED)
    def default(self) -> None:
        self.closed_at = timezone.now()

    @transition(field=status, source=UNPAID_STATES, target=InvoiceStatus.CANCELLED,
                permission="disposition.decide_award")
    def cancel(self) -> None:
        self.closed_at = timezone.now()


class PaymentMethod(models.TextChoices):
    DEPOSIT = "deposit", _("Deposit captured")
    SAVED_CARD = "saved_card", _("Saved card, charged off-session")
    CARD = "card", _("Card, paid on the invoice page")
    TRANSFER = "transfer", _("Bank transfer")


class PaymentStatus(models.TextChoices):
    RECORDED = "recorded", _("Recorded, awaiting a second officer")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")


def _confirmer_is_not_recorder(payment: Payment) -> bool:
    return payment.confirmed_by_id is not None and payment.confirmed_by_id != payment.recorded_by_id


def _has_rejection_reason(payment: Payment) -> bool:
    return bool((payment.rejection_reason or "").strip())


class Payment(ConcurrentTransitionMixin, models.Model):
    """Money received toward an invoice. A card payment (deposit captured, saved card, card on the
    page) is recorded confirmed from the verified Stripe event that reports it, once per
    PaymentIntent; a bank transfer is recorded by one finance officer and counts only once a second
    officer or an approver confirms it (four eyes). Each confirmed payment posts one journal entry."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments",
                                verbose_name=_("invoice"))
    method = models.CharField(_("method"), max_length=12, choices=PaymentMethod.choices)
    amount = models.DecimalField(_("amount"), **MONEY)
    currency = CurrencyField(_("currency"))
    status = StateField(_("status"), max_length=12, choices=PaymentStatus.choices, default=PaymentStatus.RECORDED,
                        protected=True)
    reference = models.CharField(_("bank reference"), max_length=140, blank=True)
    received_on = models.DateField(_("received on"), null=True, blank=True)
    stripe_payment_intent_id = models.CharField(_("Stripe PaymentIntent"), max_length=255, blank=True)
    stripe_event_id = models.CharField(_("Stripe event"), max_length=255, blank=True,
                                       help_text=_("The verified webhook event that reported the payment."))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("confirmed by"))
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for the rejection"), blank=True)
    journal_entry = models.OneToOneField("ledger.JournalEntry", on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="+", verbose_name=_("posted as"))

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_positive"),
            # One payment per Stripe charge, however often its event is delivered.
            models.UniqueConstraint(fields=["stripe_payment_intent_id"], condition=~Q(stripe_payment_intent_id=""),
                                    name="payment_once_per_payment_intent"),
            models.CheckConstraint(condition=Q(method="transfer") | ~Q(stripe_payment_intent_id=""),
                                   name="payment_card_has_payment_intent"),
            # Four eyes on transfers: the officer who confirms is not the one who recorded.
            models.CheckConstraint(condition=~Q(method="transfer") | Q(confirmed_by__isnull=True)
                                   | ~Q(confirmed_by=F("recorded_by")), name="payment_transfer_four_eyes"),
            models.CheckConstraint(condition=~Q(status="confirmed") | Q(journal_entry__isnull=False),
                                   name="payment_confirmed_is_posted"),
        ]

    def __str__(self) -> str:
        return f"{self.invoice} {self.get_method_display()} {self.amount} {self.currency}"

    @transition(field=status, source=PaymentStatus.RECORDED, target=PaymentStatus.CONFIRMED)
    def confirm(self) -> None:
        """A card payment from its verified event (system step)."""
        self.confirmed_at = timezone.now()

    @transition(field=status, source=PaymentStatus.RECORDED, target=PaymentStatus.CONFIRMED,
                conditions=[_confirmer_is_not_recorder], permission="disposition.confirm_payment")
    def confirm_transfer(self) -> None:
        self.confirmed_at = timezone.now()

    @transition(field=status, source=PaymentStatus.RECORDED, target=PaymentStatus.REJECTED,
                conditions=[_confirmer_is_not_recorder, _has_rejection_reason],
                permission="disposition.confirm_payment")
    def reject(self) -> None:
        self.confirmed_at = timezone.now()

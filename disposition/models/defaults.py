"""A buyer's default and what follows it: the deposit kept up to the agency's loss and the rest
refunded, and the lot offered to the next-highest bidder (a second chance).

`BuyerDefault` is opened by the default sweep when an invoice is still unpaid after its deadline.
The deposit is taken toward it at once (captured, or the saved card charged); the loss is known
when the lot is next sold (the second-chance invoice or the relisted lot's invoice paid) or given up:
then `default_settle` keeps min(what the defaulter paid, loss) as default damages and refunds the
rest (`Refund`: through Stripe for a card payment, by a bank transfer that finance records for a
transfer). Each step is a django-fsm transition with an audit row.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, transition

from auctions.models import Lot
from common.fields import CurrencyField, StateField

from .settlement import MONEY, Award, Invoice, Payment


class DefaultStatus(models.TextChoices):
    PENDING = "pending", _("Deposit kept pending the loss")
    SETTLED = "settled", _("Settled: damages kept, the rest refunded")


class BuyerDefault(ConcurrentTransitionMixin, models.Model):
    """An invoice left unpaid at its deadline, and the reckoning of the agency's loss."""

    invoice = models.OneToOneField(Invoice, on_delete=models.PROTECT, related_name="buyer_default",
                                   verbose_name=_("defaulted invoice"))
    award = models.OneToOneField(Award, on_delete=models.PROTECT, related_name="buyer_default",
                                 verbose_name=_("award"))
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="defaults",
                              verbose_name=_("buyer"))
    currency = CurrencyField(_("currency"))
    status = StateField(_("status"), max_length=12, choices=DefaultStatus.choices, default=DefaultStatus.PENDING,
                        protected=True)
    costs = models.DecimalField(_("costs of the default"), **MONEY, default=0,
                                help_text=_("The fixed cost of a default and any cost the manager records."))
    deposit_error = models.TextField(_("deposit not taken"), blank=True,
                                     help_text=_("Why the deposit could not be taken yet (retried hourly)."))
    relisted_lot = models.ForeignKey(Lot, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                     verbose_name=_("relisted as"))
    next_invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                     verbose_name=_("next sale's invoice"))
    loss = models.DecimalField(_("loss"), **MONEY, null=True, blank=True)
    kept = models.DecimalField(_("damages kept"), **MONEY, null=True, blank=True)
    refunded = models.DecimalField(_("to refund"), **MONEY, null=True, blank=True)
    forfeit_entry = models.OneToOneField("ledger.JournalEntry", on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="+", verbose_name=_("journal entry of the damages"))
    created_at = models.DateTimeField(_("defaulted"), default=timezone.now, editable=False)
    settled_at = models.DateTimeField(_("settled"), null=True, blank=True)

    class Meta:
        verbose_name = _("buyer's default")
        verbose_name_plural = _("buyers' defaults")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(costs__gte=0), name="default_costs_not_negative"),
            models.CheckConstraint(condition=~Q(status="settled") | Q(loss__isnull=False, kept__isnull=False,
                                                                     refunded__isnull=False),
                                   name="default_settled_has_amounts"),
        ]

    def __str__(self) -> str:
        return f"{self.invoice}"

    @transition(field=status, source=DefaultStatus.PENDING, target=DefaultStatus.SETTLED)
    def settle(self) -> None:
        self.settled_at = timezone.now()


class RefundMethod(models.TextChoices):
    CARD = "card", _("To the card (Stripe)")
    TRANSFER = "transfer", _("By bank transfer")


class RefundStatus(models.TextChoices):
    PENDING = "pending", _("To be refunded")
    FAILED = "failed", _("Refused by Stripe: retried")
    DONE = "done", _("Refunded")


class Refund(ConcurrentTransitionMixin, models.Model):
    """Money given back to a buyer for one payment: a Stripe refund on the payment's PaymentIntent,
    or a bank transfer that a finance officer makes and records. Posted once done."""

    buyer_default = models.ForeignKey(BuyerDefault, on_delete=models.PROTECT, related_name="refunds",
                                      verbose_name=_("default"))
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds",
                                verbose_name=_("payment refunded"))
    method = models.CharField(_("method"), max_length=10, choices=RefundMethod.choices)
    amount = models.DecimalField(_("amount"), **MONEY)
    currency = CurrencyField(_("currency"))
    status = StateField(_("status"), max_length=10, choices=RefundStatus.choices, default=RefundStatus.PENDING,
                        protected=True)
    stripe_refund_id = models.CharField(_("Stripe refund"), max_length=255, blank=True)
    reference = models.CharField(_("bank reference"), max_length=140, blank=True)
    error = models.TextField(_("last error"), blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+", verbose_name=_("recorded by"))
    done_at = models.DateTimeField(_("refunded"), null=True, blank=True)
    journal_entry = models.OneToOneField("ledger.JournalEntry", on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="+", verbose_name=_("journal entry"))
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_positive"),
            models.CheckConstraint(condition=~Q(status="done") | Q(journal_entry__isnull=False),
                                   name="refund_done_is_posted"),
            models.CheckConstraint(condition=~Q(status="done", method="card") | ~Q(stripe_refund_id=""),
                                   name="refund_card_done_has_stripe_id"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} ({self.get_method_display()})"

    @transition(field=status, source=[RefundStatus.PENDING, RefundStatus.FAILED], target=RefundStatus.DONE)
    def mark_done(self) -> None:
        self.done_at = timezone.now()
        self.error = ""

    @transition(field=status, source=[RefundStatus.PENDING, RefundStatus.FAILED], target=RefundStatus.FAILED)
    def fail(self) -> None:
        pass


class OfferStatus(models.TextChoices):
    OPEN = "open", _("Offered, awaiting the bidder")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Expired")


class SecondChanceOffer(ConcurrentTransitionMixin, models.Model):
    """A defaulted lot offered to the next-highest bidder at their own highest maximum, until a
    deadline. Accepting awards them the lot (a new award and invoice)."""

    defaulted_award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="second_chance_offers",
                                        verbose_name=_("defaulted award"))
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="second_chance_offers",
                            verbose_name=_("lot"))
    bidder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="second_chance_offers",
                               verbose_name=_("bidder"))
    amount = models.DecimalField(_("price offered"), **MONEY)
    currency = CurrencyField(_("currency"))
    expires_at = models.DateTimeField(_("answer by"))
    status = StateField(_("status"), max_length=10, choices=OfferStatus.choices, default=OfferStatus.OPEN,
                        protected=True)
    award = models.OneToOneField(Award, on_delete=models.PROTECT, null=True, blank=True, related_name="offer",
                                 verbose_name=_("award on acceptance"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("offered by"))
    created_at = models.DateTimeField(_("offered"), default=timezone.now, editable=False)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("second-chance offer")
        verbose_name_plural = _("second-chance offers")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="offer_amount_positive"),
            models.UniqueConstraint(fields=["lot"], condition=Q(status="open"), name="offer_one_open_per_lot"),
            models.UniqueConstraint(fields=["lot", "bidder"], name="offer_once_per_bidder_and_lot"),
            models.CheckConstraint(condition=~Q(status="accepted") | Q(award__isnull=False),
                                   name="offer_accepted_has_award"),
        ]

    def __str__(self) -> str:
        return f"{self.lot} → {self.bidder}"

    @transition(field=status, source=OfferStatus.OPEN, target=OfferStatus.ACCEPTED)
    def accept(self) -> None:
        self.answered_at = timezone.now()

    @transition(field=status, source=OfferStatus.OPEN, target=OfferStatus.DECLINED)
    def decline(self) -> None:
        self.answered_at = timezone.now()

    @transition(field=status, source=OfferStatus.OPEN, target=OfferStatus.EXPIRED)
    def expire(self) -> None:
        pass

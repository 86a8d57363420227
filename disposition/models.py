"""Settlement of a sale: the award of a won lot and its invoice.

The award's life cycle is a django-fsm state machine (the `@transition` decorators are the table of
allowed moves); `disposition.services` calls them, records who decided and why, and saves, in one
transaction. Invoice numbers come from a counter row per year (`InvoiceCounter`), locked in the
transaction that inserts the invoice, so that a rollback takes the number back too.
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


def _has_decision_reason(award: Award) -> bool:
    return bool((award.decision_reason or "").strip())


class Award(ConcurrentTransitionMixin, models.Model):
    """A won lot handed to its winner: invoiced at once, or held when the winner matches the
    screening list or a party of the lot's cases, until the auction manager decides."""

    lot = models.OneToOneField(Lot, on_delete=models.PROTECT, related_name="settlement_award",
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


class Invoice(models.Model):
    """What the buyer owes for a won lot. The amounts are computed once, by
    `disposition.amounts.invoice_amounts`, and kept as issued. The buyer's legal name and address
    are copied as they were at issue: personal data, shown to the buyer and to staff only."""

    award = models.OneToOneField(Award, on_delete=models.PROTECT, related_name="invoice", verbose_name=_("award"))
    number = models.CharField(_("number"), max_length=20, editable=False)
    year = models.PositiveIntegerField(_("year"), editable=False)
    sequence = models.PositiveIntegerField(_("sequence"), editable=False)
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="invoices",
                              verbose_name=_("buyer"))
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

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-year", "-sequence"]
        constraints = [
            models.UniqueConstraint(fields=["number"], name="invoice_number_unique"),
            models.UniqueConstraint(fields=["year", "sequence"], name="invoice_sequence_unique"),
            models.CheckConstraint(condition=Q(sequence__gte=1), name="invoice_sequence_positive"),
            models.CheckConstraint(condition=Q(total=F("hammer_price") + F("premium") + F("tax")),
                                   name="invoice_total_adds_up"),
            models.CheckConstraint(condition=Q(amount_due__gte=0) & Q(deposit__gte=0),
                                   name="invoice_amounts_not_negative"),
        ]

    def __str__(self) -> str:
        return self.number

"""Payments toward an invoice: the one way money reaches an invoice.

`payment_record_confirmed` records a card payment that a verified Stripe event reported (the
deposit captured, the saved card charged, the card paid on the invoice page), once per
PaymentIntent. Bank transfers are recorded by one finance officer and confirmed by another
(transfers.py); both end in `payment_apply`, which posts the payment, adds it to the invoice and
moves the invoice on: part-paid, or paid, when the sale is posted and the collection deadline set.
An invoice is never paid from anything else (a browser's redirect after paying says nothing).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.exceptions import DomainError
from common.transitions import save_or_conflict, transition_run

from ..amounts import add_business_days
from ..events import invoice_log_write, payment_log_write
from ..models import UNPAID_STATES, Invoice, InvoiceStatus, Payment, PaymentMethod, PaymentStatus
from . import postings

CARD_METHODS = {PaymentMethod.DEPOSIT, PaymentMethod.SAVED_CARD, PaymentMethod.CARD}


def invoice_locked(invoice_id: int) -> Invoice:
    """The invoice row, locked for the caller's transaction, with what its entries need."""
    return (Invoice.objects.select_for_update(of=("self",))
            .select_related("award__lot", "direct_sale__asset").get(pk=invoice_id))


def payment_record_confirmed(*, invoice_id: int, method: str, amount: Decimal, currency: str,
                             stripe_payment_intent_id: str, stripe_event_id: str = "",
                             now: datetime | None = None) -> Payment:
    """Record the card payment a verified Stripe event reported, and apply it to the invoice.
    Idempotent per PaymentIntent: a second event for the same charge returns the payment already
    recorded and changes nothing. Runs in the caller's transaction (the event's processing)."""
    if method not in CARD_METHODS:
        raise DomainError(f"{method} is not a card payment.")
    if not stripe_payment_intent_id:
        raise DomainError("A card payment needs its Stripe PaymentIntent.")
    amount = Decimal(amount)
    if amount <= 0:
        raise DomainError(_("A payment must be more than zero."))
    with transaction.atomic():
        existing = Payment.objects.filter(stripe_payment_intent_id=stripe_payment_intent_id).first()
        if existing is not None:
            return existing
        invoice = invoice_locked(invoice_id)
        if currency.upper() != invoice.currency:
            raise DomainError(f"Payment in {currency.upper()} for invoice {invoice.number} in {invoice.currency}.")
        try:
            with transaction.atomic():
                payment = Payment.objects.create(
                    invoice=invoice, method=method, amount=amount, currency=invoice.currency,
                    stripe_payment_intent_id=stripe_payment_intent_id, stripe_event_id=stripe_event_id[:255])
        except IntegrityError:  # the same charge, recorded a moment ago by another delivery
            return Payment.objects.get(stripe_payment_intent_id=stripe_payment_intent_id)
        moved = transition_run(payment, "confirm", save=False)
        payment_apply(payment=payment, invoice=invoice, moved=moved, now=now)
    return payment


def payment_apply(*, payment: Payment, invoice: Invoice, moved=None, actor=None,
                  now: datetime | None = None) -> Payment:
    """Apply a payment just confirmed (in memory, not yet saved) to its invoice, which the caller
    holds locked: post it, add it to what was paid, and move the invoice on. A payment that reaches
    an invoice already cancelled (a late transfer) is recorded and posted all the same, since the
    money is in the bank; it is then the refund's to give back."""
    payment.journal_entry = postings.payment_post(payment=payment, actor=actor)
    save_or_conflict(payment)
    reference = payment.reference or payment.stripe_payment_intent_id
    payment_log_write(payment=payment, action="confirm", moved=moved, actor=actor,
                      note=f"{payment.amount} {payment.currency} {reference}")
    invoice.amount_paid += payment.amount
    moved_invoice = None
    if invoice.status in UNPAID_STATES:
        if invoice.amount_paid >= invoice.total:
            moved_invoice = transition_run(invoice, "mark_paid", save=False)
            if now is not None:
                invoice.paid_at = now
            invoice.collect_by = add_business_days(timezone.localdate(invoice.paid_at),
                                                   settings.DISPOSITION_COLLECTION_BUSINESS_DAYS)
            postings.sale_post(invoice=invoice, actor=actor)
        else:
            moved_invoice = transition_run(invoice, "record_part_payment", save=False)
    save_or_conflict(invoice)
    if moved_invoice is not None:
        invoice_log_write(invoice=invoice, action=moved_invoice.to_state, moved=moved_invoice, actor=actor,
                          note=_("%(paid)s of %(total)s %(cur)s paid") % {
                              "paid": invoice.amount_paid, "total": invoice.total, "cur": invoice.currency})
    if invoice.status == InvoiceStatus.PAID and moved_invoice is not None:
        from .. import tasks

        invoice_id = invoice.pk
        transaction.on_commit(lambda: tasks.invoice_paid_notify.delay(invoice_id=invoice_id))
    return payment


def payments_confirmed(invoice: Invoice):
    return invoice.payments.filter(status=PaymentStatus.CONFIRMED)

"""Settlement's part of the Stripe webhook: a PaymentIntent that succeeded for an invoice (the deposit
captured toward it, the saved card charged, the card paid on the invoice page) is recorded as a
confirmed payment. Registered with auctions' handlers by event type (auctions.services.deposits),
so the bidding engine knows nothing of invoices; it runs inside the event's transaction."""

from __future__ import annotations

from decimal import Decimal

from auctions.models import Deposit, StripeEvent
from auctions.services.deposits import stripe_amount, stripe_event_handler

from .models import UNPAID_STATES, Invoice, Payment, PaymentMethod
from .services import payments


def _amount_received(obj: dict) -> Decimal:
    """What Stripe took: `amount_received`; localstripe, which lacks it, shows the charge and what
    was refunded of it (a partial capture gives the rest of a hold back as a refund)."""
    currency = obj.get("currency") or ""
    if obj.get("amount_received") is not None:
        return stripe_amount(obj["amount_received"], currency)
    charge = obj.get("latest_charge")
    if isinstance(charge, dict) and charge.get("amount") is not None:
        return stripe_amount(charge["amount"] - (charge.get("amount_refunded") or 0), currency)
    return stripe_amount(obj.get("amount") or 0, currency)


def _deposit_invoice_id(deposit: Deposit) -> int | None:
    """The invoice a captured deposit pays toward when its PaymentIntent does not say: the buyer's
    first unpaid invoice in that auction."""
    return (Invoice.objects.filter(buyer_id=deposit.bidder_id, award__lot__auction_id=deposit.auction_id,
                                   status__in=UNPAID_STATES, currency=deposit.currency)
            .order_by("sequence").values_list("pk", flat=True).first())


@stripe_event_handler("payment_intent.succeeded")
def invoice_payment_intent_succeeded(*, event: StripeEvent, obj: dict) -> str | None:
    intent_id = str(obj.get("id") or "")
    if not intent_id:
        return None
    metadata = obj.get("metadata") or {}
    invoice_id = metadata.get("invoice_id")
    deposit = Deposit.objects.filter(payment_intent_id=intent_id).first()
    if deposit is not None:
        method = PaymentMethod.DEPOSIT
        invoice_id = invoice_id or _deposit_invoice_id(deposit)
    elif metadata.get("deposit_id"):
        method = PaymentMethod.SAVED_CARD
    else:
        method = PaymentMethod.CARD
    if not invoice_id:
        return None
    if Payment.objects.filter(stripe_payment_intent_id=intent_id).exists():
        return f"stale: {intent_id} already recorded"
    payment = payments.payment_record_confirmed(
        invoice_id=int(invoice_id), method=method, amount=_amount_received(obj), currency=str(obj.get("currency")),
        stripe_payment_intent_id=intent_id, stripe_event_id=event.event_id)
    invoice = Invoice.objects.get(pk=payment.invoice_id)
    return f"invoice {invoice.number}: {payment.method} {payment.amount} {payment.currency}, {invoice.status}"

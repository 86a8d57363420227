"""Card payments of invoices through Stripe.

Once an invoice is issued, `invoice_collect` takes what the buyer's deposit allows: a deposit held on
the card is captured toward the invoice (no more than the total; Stripe gives the rest of the hold
back), a card saved in place of a lapsing hold is charged off-session for what is owed. A charge
that needs the buyer (the bank asks them to authenticate, or the card is declined) is recorded on
the invoice (`payment_problem`), the buyer is e-mailed, and the invoice page lets them pay
on-session with Stripe Elements (`invoice_card_payment_start`).

None of this marks the invoice paid: the verified `payment_intent.succeeded` event does
(disposition.webhooks), through `payments.payment_record_confirmed`. Every PaymentIntent made here
carries the invoice's id in its metadata, so that its event finds the invoice. Stripe is called
outside any transaction.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from auctions.exceptions import DepositError, SavedCardChargeError
from auctions.models import Deposit, DepositStatus
from auctions.services import deposits
from common.exceptions import DomainError

from ..events import invoice_log_write
from ..models import UNPAID_STATES, Invoice, InvoiceStatus, Payment, PaymentMethod
from .payments import invoice_locked

log = logging.getLogger(__name__)
ZERO = Decimal("0.00")
# PaymentIntent states in which the buyer can still pay it with a card of their choice.
_REUSABLE = ("requires_payment_method", "requires_confirmation")
_UNDER_WAY = ("succeeded", "processing")


def _metadata(invoice: Invoice) -> dict[str, str]:
    return {"invoice_id": str(invoice.pk), "invoice_number": invoice.number}


def invoice_deposit(invoice: Invoice) -> Deposit | None:
    """The buyer's deposit for the auction of the invoice's lot (a direct sale has none)."""
    if invoice.award_id is None or invoice.buyer_id is None:
        return None
    return Deposit.objects.filter(bidder_id=invoice.buyer_id, auction_id=invoice.award.lot.auction_id,
                                  currency=invoice.currency).first()


def invoice_deposit_pending(invoice: Invoice) -> Decimal:
    """The part of the deposit on its way to the invoice: held or captured, but not yet recorded as
    a payment (its event has not arrived). The buyer is not asked to pay it a second time."""
    if invoice.deposit <= 0 or invoice.payments.filter(method=PaymentMethod.DEPOSIT).exists():
        return ZERO
    deposit = invoice_deposit(invoice)
    if deposit is None or deposit.status not in (DepositStatus.HELD, DepositStatus.CAPTURED):
        return ZERO
    if Payment.objects.filter(stripe_payment_intent_id=deposit.payment_intent_id).exclude(invoice=invoice).exists():
        return ZERO  # captured toward another invoice of the same auction
    return min(invoice.deposit, deposit.amount, invoice.total)


def invoice_card_amount(invoice: Invoice) -> Decimal:
    """What the buyer pays by card now: what is owed, less a deposit still on its way."""
    return max(invoice.amount_owed - invoice_deposit_pending(invoice), ZERO)


def invoice_payable_by_card(invoice: Invoice) -> bool:
    """Issued or part-paid, or paid with storage fees still owed, and something left to pay."""
    open_state = invoice.status in UNPAID_STATES or (invoice.status == InvoiceStatus.PAID and invoice.storage_fees > 0)
    return open_state and invoice.buyer_id is not None and invoice_card_amount(invoice) > 0


# ---- after the invoice is issued: the deposit -------------------------------------------------


def invoice_collect(*, invoice_id: int) -> str:
    """Collect what the buyer's deposit allows toward a newly issued invoice: capture the held
    deposit (up to the total), or charge the saved card off-session for what is owed. Safe to run
    twice: a captured deposit is not captured again, a saved card charged (or refused) for this
    invoice is not charged again, and Stripe is given an idempotency key per invoice. Returns what
    it did (for the log)."""
    invoice = Invoice.objects.select_related("award__lot").get(pk=invoice_id)
    if invoice.status not in UNPAID_STATES or invoice.amount_owed <= 0:
        return "nothing owed"
    deposit = invoice_deposit(invoice)
    if deposit is None:
        return "no deposit"
    if deposit.status == DepositStatus.HELD:
        if not deposit.payment_intent_id:
            return "deposit held without a card hold"
        try:
            deposits.deposit_capture(deposit_id=deposit.pk, amount=min(deposit.amount, invoice.amount_owed),
                                     metadata=_metadata(invoice), idempotency_key=f"invoice-{invoice.pk}-deposit")
        except DepositError as exc:  # recorded on the deposit; the hold stands and the next run tries again
            log.warning("deposit %s not captured toward invoice %s: %s", deposit.pk, invoice.number, exc)
            return f"deposit not captured: {exc}"
        return "deposit captured"
    if deposit.status != DepositStatus.CARD_SAVED:
        return f"deposit {deposit.status}"
    if invoice.payment_intent_id or invoice.payment_problem or invoice.payments.filter(
            method=PaymentMethod.SAVED_CARD).exists():
        return "saved card charged before"
    try:
        intent = deposits.deposit_charge_saved_card(
            deposit_id=deposit.pk, amount=invoice_card_amount(invoice),
            description=_("Invoice %(number)s") % {"number": invoice.number},
            idempotency_key=f"invoice-{invoice.pk}-saved-card", metadata=_metadata(invoice))
    except SavedCardChargeError as exc:
        invoice_payment_problem_record(invoice_id=invoice.pk, code=exc.code)
        return exc.code
    _invoice_intent_record(invoice_id=invoice.pk, intent_id=intent.id)
    return "saved card charged"


def invoice_payment_problem_record(*, invoice_id: int, code: str) -> Invoice:
    """A charge that needs the buyer: kept on the invoice (its page explains it) and the buyer is
    e-mailed how to pay on-session."""
    with transaction.atomic():
        invoice = invoice_locked(invoice_id)
        if invoice.status not in UNPAID_STATES:
            return invoice
        Invoice.objects.filter(pk=invoice.pk).update(payment_problem=code[:32], payment_intent_id="")
        invoice.payment_problem, invoice.payment_intent_id = code[:32], ""
        invoice_log_write(invoice=invoice, action="payment_problem", note=code)
        from .. import tasks

        transaction.on_commit(lambda: tasks.invoice_payment_problem_notify.delay(invoice_id=invoice_id))
    return invoice


def _invoice_intent_record(*, invoice_id: int, intent_id: str) -> None:
    Invoice.objects.filter(pk=invoice_id).update(payment_intent_id=intent_id)


# ---- on the invoice page: the buyer pays on-session -----------------------------------------


@dataclass(frozen=True)
class CardPaymentStep:
    """Where the buyer's card payment stands after the server confirmed it: `succeeded` or
    `processing` (the page says it is confirming, until the event records it), or
    `requires_action` (the page lets Stripe.js authenticate with `client_secret`)."""

    status: str
    client_secret: str = ""


def invoice_card_intent_status(invoice: Invoice) -> str:
    """The status Stripe gives the invoice's current PaymentIntent ("" if none or unknown)."""
    if not invoice.payment_intent_id:
        return ""
    stripe = deposits.stripe_api()
    try:
        return stripe.PaymentIntent.retrieve(invoice.payment_intent_id).status
    except stripe.StripeError:
        return ""


def invoice_card_payment_start(*, invoice_id: int, buyer, payment_method: str) -> CardPaymentStep:
    """The buyer pays what is owed with the card Stripe.js tokenised (`payment_method`: a card or
    PaymentMethod id): the invoice's PaymentIntent is created, or reused with its amount brought to
    what is owed now, given the card and confirmed. Nothing is recorded as paid here."""
    invoice = Invoice.objects.select_related("award__lot").filter(pk=invoice_id, buyer=buyer).first()
    if invoice is None:
        raise DomainError(_("This invoice does not exist."))
    if not invoice_payable_by_card(invoice):
        raise DomainError(_("Nothing is owed on this invoice."))
    payment_method = (payment_method or "").strip()
    if not payment_method.startswith(("pm_", "card_", "src_")):
        raise DomainError(_("Enter your card details."), field="card")
    amount = invoice_card_amount(invoice)
    minor = deposits.minor_units(amount, invoice.currency)
    stripe = deposits.stripe_api()
    try:
        intent = None
        if invoice.payment_intent_id:
            intent = stripe.PaymentIntent.retrieve(invoice.payment_intent_id)
            if intent.status in _UNDER_WAY:
                return CardPaymentStep(status=intent.status)
            if intent.status == "requires_action":  # an authentication left half-way: start afresh
                stripe.PaymentIntent.cancel(intent.id)
            if intent.status not in _REUSABLE:
                intent = None
        if intent is None:
            intent = stripe.PaymentIntent.create(amount=minor, currency=invoice.currency.lower(),
                                                 payment_method_types=["card"], metadata=_metadata(invoice))
            _invoice_intent_record(invoice_id=invoice.pk, intent_id=intent.id)
        changes = {"payment_method": payment_method}
        if intent.amount != minor:
            changes["amount"] = minor
        stripe.PaymentIntent.modify(intent.id, **changes)
        intent = stripe.PaymentIntent.confirm(intent.id)
    except stripe.CardError as exc:
        raise DomainError(_("Your card was refused: %(reason)s") % {
            "reason": getattr(exc, "user_message", None) or str(exc)}, field="card") from None
    except stripe.StripeError as exc:
        log.warning("card payment of invoice %s not started: %s", invoice.number, exc)
        raise DomainError(_("The payment could not be started. Please try again in a moment.")) from None
    if intent.status == "requires_action":
        return CardPaymentStep(status=intent.status, client_secret=intent.client_secret)
    if intent.status in ("requires_payment_method", "canceled"):
        raise DomainError(_("Your card was refused. Try another card."), field="card")
    return CardPaymentStep(status=intent.status)

"""Bank transfers toward an invoice, with four eyes.

Finance records a transfer it sees on the agency's bank statement (amount, the bank's reference,
the day it arrived): a payment in the `recorded` state, which counts for nothing yet. A second
officer, finance or an approver, who is not the one who recorded it, confirms it (it is then posted
and applied to the invoice by `payments.payment_apply`: part-paid, or paid and the sale posted) or
rejects it with a reason. The database backs the rule (constraint `payment_transfer_four_eyes`).
Several transfers may settle one invoice (part-payments); the invoice shows what remains.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from common.exceptions import DomainError, NotPermitted
from common.transitions import check_expected_status, require_perm, save_or_conflict, transition_run

from ..events import payment_log_write
from ..models import UNPAID_STATES, InvoiceStatus, Payment, PaymentMethod, PaymentStatus
from .payments import invoice_locked, payment_apply

CENT = Decimal("0.01")


def _amount(value) -> Decimal:
    if isinstance(value, float):
        raise DomainError(_("Amounts are decimals, never floating-point numbers."), field="amount")
    try:
        amount = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError):
        raise DomainError(_("We could not read “%(text)s” as an amount.") % {"text": value}, field="amount") from None
    if not amount.is_finite() or amount <= 0:
        raise DomainError(_("The amount must be more than zero."), field="amount")
    if amount != amount.quantize(CENT):
        raise DomainError(_("Amounts are in cents: %(amount)s has too many decimals.") % {"amount": amount},
                          field="amount")
    return amount.quantize(CENT)


def _refusal_for(invoice) -> str | None:
    """Why no transfer may be recorded toward this invoice now, or None."""
    if invoice.status in (InvoiceStatus.DEFAULTED, InvoiceStatus.CANCELLED):
        return _("Invoice %(number)s is cancelled (%(status)s): a transfer cannot be recorded toward it. If the "
                 "money arrived all the same, it is a refund's to give back.") % {
            "number": invoice.number, "status": invoice.get_status_display()}
    if invoice.status not in UNPAID_STATES or invoice.amount_owed <= 0:
        return _("Invoice %(number)s is already paid in full.") % {"number": invoice.number}
    return None


def transfer_refusal(invoice) -> str | None:
    """Why the invoice takes no transfer now (for the admin, which hides the action then)."""
    return _refusal_for(invoice)


def payment_transfer_record(*, actor, invoice_id: int, amount, reference: str, received_on: date) -> Payment:
    """Record a bank transfer toward an invoice (finance): a payment awaiting a second officer."""
    require_perm(actor, "disposition.record_payment",
                 _("Your role does not allow recording bank transfers."))
    amount = _amount(amount)
    reference = (reference or "").strip()
    if not reference:
        raise DomainError(_("Give the bank's reference of the transfer."), field="reference")
    if len(reference) > 140:
        raise DomainError(_("A bank reference has at most 140 characters."), field="reference")
    if received_on is None:
        raise DomainError(_("Give the day the transfer arrived."), field="received_on")
    with transaction.atomic():
        invoice = invoice_locked(invoice_id)
        why = _refusal_for(invoice)
        if why:
            raise DomainError(why)
        if amount > invoice.amount_owed:
            raise DomainError(_("%(amount)s %(cur)s is more than the %(owed)s %(cur)s still owed on invoice "
                                "%(number)s.") % {"amount": amount, "owed": invoice.amount_owed,
                                                  "cur": invoice.currency, "number": invoice.number},
                              field="amount")
        payment = Payment.objects.create(invoice=invoice, method=PaymentMethod.TRANSFER, amount=amount,
                                         currency=invoice.currency, reference=reference, received_on=received_on,
                                         recorded_by=actor)
        payment_log_write(payment=payment, action="record", actor=actor,
                          note=f"{amount} {invoice.currency} {reference} ({received_on.isoformat()})")
    return payment


def confirm_refusal(user, payment: Payment) -> str | None:
    """Why `user` may not confirm or reject this transfer (four eyes), or None."""
    if payment.method != PaymentMethod.TRANSFER:
        return _("Only bank transfers are confirmed by hand; card payments are confirmed by Stripe's event.")
    if payment.status != PaymentStatus.RECORDED:
        return _("This transfer is already %(status)s.") % {"status": payment.get_status_display().lower()}
    if user is not None and payment.recorded_by_id == user.pk:
        return _("You recorded this transfer: another finance officer or an approver confirms or rejects it "
                 "(four eyes).")
    return None


def _payment_locked(payment_id: int) -> Payment:
    # The invoice first, then the payment: the order every payment path locks in.
    invoice_id = Payment.objects.filter(pk=payment_id).values_list("invoice_id", flat=True).first()
    if invoice_id is None:
        raise DomainError(_("There is no such payment."))
    invoice = invoice_locked(invoice_id)
    payment = Payment.objects.select_for_update().get(pk=payment_id)
    payment.invoice = invoice
    return payment


def _transfer_for_second_officer(payment_id: int, *, actor, expected_status: str | None) -> Payment:
    """The recorded transfer, locked, once the second officer may decide on it (four eyes)."""
    payment = _payment_locked(payment_id)
    check_expected_status(payment, expected_status)
    why = confirm_refusal(actor, payment)
    if why:
        raise NotPermitted(why) if payment.recorded_by_id == actor.pk else DomainError(why)
    return payment


def payment_transfer_confirm(*, actor, payment_id: int, expected_status: str | None = None,
                             now: datetime | None = None) -> Payment:
    """A second officer confirms a recorded transfer: it is posted (Dr bank, Cr buyers' balances)
    and applied to the invoice, which becomes part-paid or paid (and then the sale is posted)."""
    require_perm(actor, "disposition.confirm_payment", _("Your role does not allow confirming bank transfers."))
    with transaction.atomic():
        payment = _transfer_for_second_officer(payment_id, actor=actor, expected_status=expected_status)
        payment.confirmed_by = actor
        moved = transition_run(payment, "confirm_transfer", actor=actor, label=_("confirm"), save=False)
        payment_apply(payment=payment, invoice=payment.invoice, moved=moved, actor=actor, now=now)
    return payment


def payment_transfer_reject(*, actor, payment_id: int, reason: str, expected_status: str | None = None) -> Payment:
    """A second officer rejects a recorded transfer (not on the statement, wrong amount, another
    payer's), with the reason: nothing is posted and the invoice is unchanged."""
    require_perm(actor, "disposition.confirm_payment", _("Your role does not allow rejecting bank transfers."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why the transfer is rejected."), field="reason")
    with transaction.atomic():
        payment = _transfer_for_second_officer(payment_id, actor=actor, expected_status=expected_status)
        payment.confirmed_by, payment.rejection_reason = actor, reason
        moved = transition_run(payment, "reject", actor=actor, label=_("reject"), save=False)
        save_or_conflict(payment)
        payment_log_write(payment=payment, action="reject", moved=moved, actor=actor, note=reason)
    return payment

"""A buyer's default: an invoice unpaid at its deadline is cancelled, the deposit taken and kept up
to the agency's actual loss, the rest refunded, and the bidder put on probation.

- `invoices_default_due` (hourly): every invoice still issued or part-paid once its payment day has
  ended in the agency's time zone is defaulted (`invoice_default`): the invoice, its award and its
  lot move on, a `BuyerDefault` is opened, the bidder's default is counted (auctions suspends them at
  DISPOSITION_DEFAULTS_BEFORE_BAR), and, once that commits, the deposit is taken toward the invoice.
- `default_deposit_take`: the buyer's deposit for the auction is captured (or the saved card charged
  its amount), outside any transaction, and recorded as a payment toward the defaulted invoice.
- `default_settle`: once the loss is known (the lot sold again, or given up), keep min(paid, loss)
  as default damages (ledger "forfeit": Dr buyers' balances, Cr default damages) and refund the rest
  (a `Refund` per payment: through Stripe for a card payment, by transfer for a transfer).
- `refund_send`: the Stripe refund, outside any transaction; posted (ledger "refund": Dr buyers'
  balances, Cr bank) once Stripe accepts it, its error recorded and retried otherwise.
"""

from __future__ import annotations

import logging
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from auctions.exceptions import DepositError, SavedCardChargeError, TransitionRefused
from auctions.models import Deposit, DepositStatus, LotStatus
from auctions.services import auctions as auction_services
from auctions.services import bidders as bidder_services
from auctions.services import deposits as deposit_services
from common.exceptions import DomainError
from common.transitions import require_perm, save_or_conflict, transition_run
from ledger.models import AccountPurpose, JournalEntry
from ledger.services import Line, account_for, ledger_post

from ..events import award_log_write, invoice_log_write
from ..models import (
    UNPAID_STATES,
    BuyerDefault,
    DefaultStatus,
    Invoice,
    InvoiceStatus,
    Payment,
    PaymentMethod,
    PaymentStatus,
    Refund,
    RefundMethod,
    RefundStatus,
)
from .payments import payment_record_confirmed
from .postings import ZERO, invoice_case

log = logging.getLogger(__name__)

PAID_STATES = [InvoiceStatus.PAID, InvoiceStatus.COLLECTED]


# --------------------------------------------------------------------------------------------
# The default itself
# --------------------------------------------------------------------------------------------


def invoices_default_due(*, now: datetime | None = None) -> list[int]:
    """Default every invoice of a won lot still unpaid after its payment day (the whole day, in the
    agency's time zone). Safe to run twice. Returns the ids of the invoices it defaulted."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    due = list(Invoice.objects.filter(status__in=UNPAID_STATES, due_on__lt=today, award__isnull=False)
               .order_by("due_on", "pk").values_list("pk", flat=True))
    done = []
    for invoice_id in due:
        if invoice_default(invoice_id=invoice_id, now=now) is not None:
            done.append(invoice_id)
    return done


def invoice_default(*, invoice_id: int, now: datetime | None = None) -> BuyerDefault | None:
    """Cancel one unpaid invoice past its deadline: the invoice, the award and the lot are marked
    defaulted, each with its audit row, the bidder's default is counted, and the deposit is taken
    once this commits. None if the invoice was paid (or defaulted) meanwhile."""
    now = now or timezone.now()
    with transaction.atomic():
        invoice = (Invoice.objects.select_for_update(of=("self",)).select_related("award__lot").get(pk=invoice_id))
        if invoice.status not in UNPAID_STATES or invoice.due_on >= timezone.localdate(now):
            return None
        moved = transition_run(invoice, "default", save=False)
        invoice.close_reason = _("Not paid by %(due)s.") % {"due": invoice.due_on.isoformat()}
        save_or_conflict(invoice)
        invoice_log_write(invoice=invoice, action="default", moved=moved,
                          note=_("%(paid)s of %(total)s %(cur)s paid by the deadline") % {
                              "paid": invoice.amount_paid, "total": invoice.total, "cur": invoice.currency})
        award = invoice.award
        award_moved = transition_run(award, "default", save=False)
        save_or_conflict(award)
        award_log_write(award=award, action="default", moved=award_moved, note=invoice.number)
        auction_services.lot_mark_defaulted(lot_id=award.lot_id, note=invoice.number)
        buyer_default = BuyerDefault.objects.create(
            invoice=invoice, award=award, buyer_id=invoice.buyer_id, currency=invoice.currency,
            costs=Decimal(settings.DISPOSITION_DEFAULT_COSTS))
        bidder_services.bidder_record_default(
            user_id=invoice.buyer_id, reason=_("invoice %(number)s not paid") % {"number": invoice.number},
            bar_after=settings.DISPOSITION_DEFAULTS_BEFORE_BAR)
        from .. import tasks

        default_id = buyer_default.pk
        transaction.on_commit(lambda: tasks.default_deposit_take.delay(default_id=default_id))
        transaction.on_commit(lambda: tasks.invoice_defaulted_notify.delay(invoice_id=invoice_id))
    return buyer_default


def _deposit_of(buyer_default: BuyerDefault) -> Deposit | None:
    lot = buyer_default.award.lot
    return Deposit.objects.filter(bidder_id=buyer_default.buyer_id, auction_id=lot.auction_id,
                                  currency=buyer_default.currency).first()


def default_deposit_take(*, default_id: int) -> Payment | None:
    """Take the defaulter's deposit toward the defaulted invoice, unless it was already: capture the
    card hold (or charge the saved card its amount), outside any transaction, then record it as a
    payment (posted: Dr bank, Cr buyers' balances). A refusal is kept on the default and retried by
    the hourly task. Returns the deposit's payment, or None (no deposit, or not taken)."""
    buyer_default = BuyerDefault.objects.select_related("award__lot", "invoice").get(pk=default_id)
    invoice = buyer_default.invoice
    taken = invoice.payments.filter(method__in=[PaymentMethod.DEPOSIT, PaymentMethod.SAVED_CARD],
                                    status=PaymentStatus.CONFIRMED).first()
    if taken is not None or buyer_default.status != DefaultStatus.PENDING:
        return taken
    deposit = _deposit_of(buyer_default)
    if deposit is None or deposit.status not in (DepositStatus.HELD, DepositStatus.CARD_SAVED,
                                                 DepositStatus.CAPTURED):
        return None
    method = PaymentMethod.SAVED_CARD if deposit.status == DepositStatus.CARD_SAVED else PaymentMethod.DEPOSIT
    try:
        intent = deposit_services.deposit_take(deposit_id=deposit.pk,
                                               idempotency_key=f"default-deposit:{invoice.pk}")
    except (DepositError, SavedCardChargeError, TransitionRefused) as exc:
        BuyerDefault.objects.filter(pk=default_id).update(deposit_error=str(exc)[:2000])
        return None
    with transaction.atomic():
        payment = payment_record_confirmed(invoice_id=invoice.pk, method=method, amount=deposit.amount,
                                           currency=deposit.currency, stripe_payment_intent_id=intent.id)
        BuyerDefault.objects.filter(pk=default_id).update(deposit_error="")
    return payment


# --------------------------------------------------------------------------------------------
# The loss known: damages kept, the rest refunded
# --------------------------------------------------------------------------------------------


def default_loss(*, buyer_default: BuyerDefault, next_invoice: Invoice | None) -> Decimal:
    """The agency's actual loss: the shortfall of the next sale (all of the defaulted total when the
    lot was not sold again), never below zero, plus the costs of the default."""
    next_total = next_invoice.total if next_invoice is not None else ZERO
    return max(buyer_default.invoice.total - next_total, ZERO) + buyer_default.costs


def _refund_plan(payments: list[Payment], to_refund: Decimal) -> list[tuple[Payment, Decimal]]:
    """Which payments give back `to_refund`: the deposit last, so that it is what is kept."""
    plan = []
    ordered = sorted(payments, key=lambda p: (p.method in (PaymentMethod.DEPOSIT, PaymentMethod.SAVED_CARD), -p.pk))
    for payment in ordered:
        if to_refund <= 0:
            break
        amount = min(payment.amount, to_refund)
        plan.append((payment, amount))
        to_refund -= amount
    return plan


def default_settle(*, default_id: int, next_invoice_id: int | None = None, actor=None) -> BuyerDefault:
    """Settle a default once the loss is known: keep min(what the defaulter paid, loss) as default
    damages and refund the rest, payment by payment (card refunds go to Stripe once this commits;
    transfer refunds wait for finance). Idempotent: a settled default is returned as it is."""
    with transaction.atomic():
        buyer_default = (BuyerDefault.objects.select_for_update(of=("self",))
                         .select_related("invoice__award__lot", "award").get(pk=default_id))
        if buyer_default.status != DefaultStatus.PENDING:
            return buyer_default
        invoice = buyer_default.invoice
        next_invoice = Invoice.objects.filter(pk=next_invoice_id).first() if next_invoice_id else None
        if next_invoice is not None and next_invoice.status not in PAID_STATES:
            raise DomainError(_("The next sale is not paid yet: the loss is not known."))
        payments = list(invoice.payments.filter(status=PaymentStatus.CONFIRMED).order_by("pk"))
        paid = sum((p.amount for p in payments), ZERO)
        loss = default_loss(buyer_default=buyer_default, next_invoice=next_invoice)
        kept = min(paid, loss)
        buyer_default.loss, buyer_default.kept, buyer_default.refunded = loss, kept, paid - kept
        buyer_default.next_invoice = next_invoice
        currency = invoice.currency
        if kept > 0:
            buyer_default.forfeit_entry = ledger_post(
                memo=_("Default damages kept from the deposit of invoice %(number)s (loss %(loss)s %(cur)s)")
                % {"number": invoice.number, "loss": loss, "cur": currency},
                lines=[Line(account_for(purpose=AccountPurpose.RECEIVABLE, currency=currency), kept),
                       Line(account_for(purpose=AccountPurpose.DEFAULT_DAMAGES, currency=currency), -kept)],
                actor=actor, idempotency_key=f"forfeit:{invoice.pk}", source=f"invoice:{invoice.pk}",
                case=invoice_case(invoice))
        moved = transition_run(buyer_default, "settle", save=False)
        save_or_conflict(buyer_default)
        refunds = [Refund.objects.create(
            buyer_default=buyer_default, payment=payment, amount=amount, currency=currency,
            method=RefundMethod.TRANSFER if payment.method == PaymentMethod.TRANSFER else RefundMethod.CARD)
            for payment, amount in _refund_plan(payments, paid - kept)]
        invoice_log_write(invoice=invoice, action="default_settle", actor=actor,
                          note=_("%(moved)s: loss %(loss)s, kept %(kept)s, refunded %(refund)s %(cur)s%(next)s") % {
                              "moved": moved.to_state, "loss": loss, "kept": kept, "refund": paid - kept,
                              "cur": currency,
                              "next": f" (next sale {next_invoice.number})" if next_invoice else ""})
        from .. import tasks

        for refund in refunds:
            if refund.method == RefundMethod.CARD:
                refund_id = refund.pk
                transaction.on_commit(lambda refund_id=refund_id: tasks.refund_send.delay(refund_id=refund_id))
    return buyer_default


def _refund_post(refund: Refund, *, source: str, actor=None) -> JournalEntry:
    invoice = refund.buyer_default.invoice
    return ledger_post(
        memo=_("Refund of %(method)s toward defaulted invoice %(number)s")
        % {"method": refund.payment.get_method_display(), "number": invoice.number},
        lines=[Line(account_for(purpose=AccountPurpose.RECEIVABLE, currency=refund.currency), refund.amount),
               Line(account_for(purpose=AccountPurpose.BANK, currency=refund.currency), -refund.amount)],
        actor=actor, idempotency_key=f"refund:{refund.pk}", source=source[:96], case=invoice_case(invoice))


def refund_send(*, refund_id: int) -> Refund:
    """Refund a card payment through Stripe (a refund on its PaymentIntent, with an idempotency key:
    sending twice refunds once), outside any transaction; then record and post it. Stripe's refusal
    is recorded on the refund and retried by the hourly task."""
    refund = Refund.objects.select_related("payment").get(pk=refund_id)
    if refund.method != RefundMethod.CARD or refund.status == RefundStatus.DONE:
        return refund
    stripe = deposit_services.stripe_api()
    try:
        result = stripe.Refund.create(payment_intent=refund.payment.stripe_payment_intent_id,
                                      amount=deposit_services.minor_units(refund.amount, refund.currency),
                                      idempotency_key=f"refund:{refund.pk}",
                                      metadata={"refund_id": str(refund.pk)})
        error = "" if result.status in ("succeeded", "pending") else f"Stripe refund {result.id}: {result.status}"
    except stripe.StripeError as exc:
        result, error = None, deposit_services.stripe_error_message(exc)
    with transaction.atomic():
        refund = Refund.objects.select_for_update(of=("self",)).select_related(
            "payment", "buyer_default__invoice__award__lot").get(pk=refund_id)
        if refund.status == RefundStatus.DONE:
            return refund
        refund.attempts += 1
        if error:
            refund.error = error[:2000]
            moved = transition_run(refund, "fail", save=False)
        else:
            refund.stripe_refund_id = result.id
            refund.journal_entry = _refund_post(refund, source=f"stripe_refund:{result.id}")
            moved = transition_run(refund, "mark_done", save=False)
        save_or_conflict(refund)
        invoice_log_write(invoice=refund.buyer_default.invoice, action=f"refund_{moved.to_state}",
                          note=f"{refund.amount} {refund.currency} {refund.stripe_refund_id or error}"[:500])
    return refund


def refund_transfer_record(*, refund_id: int, actor, reference: str) -> Refund:
    """A finance officer records the bank transfer that refunded a transfer payment: posted then."""
    require_perm(actor, "disposition.record_payment")
    reference = (reference or "").strip()
    if not reference:
        raise DomainError(_("Give the bank reference of the refund."), field="reference")
    with transaction.atomic():
        refund = Refund.objects.select_for_update(of=("self",)).select_related(
            "payment", "buyer_default__invoice__award__lot").get(pk=refund_id)
        if refund.method != RefundMethod.TRANSFER:
            raise DomainError(_("A card refund is made through Stripe."))
        refund.reference, refund.done_by = reference[:140], actor
        refund.journal_entry = _refund_post(refund, source=f"refund_transfer:{refund.pk}", actor=actor)
        moved = transition_run(refund, "mark_done", save=False)
        save_or_conflict(refund)
        invoice_log_write(invoice=refund.buyer_default.invoice, action="refund_done", moved=None, actor=actor,
                          note=f"{moved.to_state}: {refund.amount} {refund.currency} {reference}"[:500])
    return refund


def refunds_retry() -> list[int]:
    """Send again every card refund Stripe refused or that was never sent (the hourly task)."""
    ids = list(Refund.objects.filter(method=RefundMethod.CARD, status__in=[RefundStatus.PENDING,
                                                                           RefundStatus.FAILED])
               .values_list("pk", flat=True))
    for refund_id in ids:
        refund_send(refund_id=refund_id)
    return ids


def defaults_settle_due() -> list[int]:
    """Settle each pending default whose loss has become known: the lot awarded again (a
    second-chance offer accepted, or the relisted lot) and that invoice paid; or the relisted lot
    unsold, the agency having given up. The hourly task; also retries deposits not yet taken."""
    settled = []
    pending = BuyerDefault.objects.filter(status=DefaultStatus.PENDING).select_related("award", "relisted_lot")
    for buyer_default in pending:
        if buyer_default.deposit_error:
            default_deposit_take(default_id=buyer_default.pk)
        lots = [buyer_default.award.lot_id] + ([buyer_default.relisted_lot_id] if buyer_default.relisted_lot_id
                                               else [])
        next_invoice = (Invoice.objects.filter(award__lot_id__in=lots, status__in=PAID_STATES,
                                               award__created_at__gt=buyer_default.award.created_at)
                        .exclude(award=buyer_default.award_id).order_by("paid_at").first())
        relisted_unsold = (buyer_default.relisted_lot is not None
                           and buyer_default.relisted_lot.status in (LotStatus.UNSOLD, LotStatus.CANCELLED))
        if next_invoice is not None or relisted_unsold:
            default_settle(default_id=buyer_default.pk, next_invoice_id=next_invoice.pk if next_invoice else None)
            settled.append(buyer_default.pk)
    return settled

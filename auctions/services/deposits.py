"""Deposits: the card hold an auction may require before bidding (a Stripe PaymentIntent with manual
capture), its release for bidders who won nothing, and the Stripe webhook events that report on
it. Stripe is called outside any transaction; every change of state is recorded on the Deposit."""

from __future__ import annotations

import json
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from common.transitions import save_or_conflict, transition_run

from ..events import auction_log_write
from ..exceptions import DepositError, DomainError, NotPermitted, TransitionRefused
from ..models import Auction, AuctionStatus, Deposit, DepositStatus, StripeEvent


def _stripe():
    import stripe

    stripe.api_key = settings.STRIPE_SECRET_KEY
    if settings.STRIPE_API_BASE:
        stripe.api_base = settings.STRIPE_API_BASE
    return stripe


def _minor_units(amount: Decimal, currency: str) -> int:
    zero_decimal = {"JPY", "KRW", "VND", "CLP", "XOF", "XAF", "UGX", "RWF", "PYG", "ISK"}
    factor = 1 if currency.upper() in zero_decimal else 100
    return int((amount * factor).to_integral_value())


def deposit_place(*, bidder, auction_id: int, payment_method: str) -> Deposit:
    """Place the auction's deposit as a card hold: a PaymentIntent with manual capture, confirmed
    at once with the bidder's payment method. The Stripe call happens outside any transaction; each
    state change is recorded on the Deposit."""
    with transaction.atomic():
        auction = Auction.objects.get(pk=auction_id)
        if auction.status != AuctionStatus.PUBLISHED:
            raise TransitionRefused(_("This auction is not open."))
        if not auction.requires_deposit:
            raise TransitionRefused(_("This auction requires no deposit."))
        deposit = Deposit.objects.select_for_update().filter(bidder=bidder, auction=auction).first()
        if deposit is not None and deposit.status == DepositStatus.HELD:
            return deposit
        if deposit is not None and deposit.status in (DepositStatus.RELEASED, DepositStatus.CAPTURED):
            raise TransitionRefused(_("Your deposit for this auction has already been settled."))
        amount = auction.required_deposit()
        if amount <= 0:
            raise TransitionRefused(_("This auction's deposit is not set yet."))
        if deposit is None:
            deposit = Deposit.objects.create(bidder=bidder, auction=auction, amount=amount, currency=auction.currency)
            auction_log_write(subject="deposit", obj=deposit, action="create", to_state=deposit.status, actor=bidder,
                              auction_id=auction.pk)
        elif deposit.status == DepositStatus.FAILED:
            transition_run(deposit, "retry", save=False)
            deposit.amount = amount
            save_or_conflict(deposit)
    stripe = _stripe()
    try:
        intent = stripe.PaymentIntent.create(
            amount=_minor_units(deposit.amount, deposit.currency), currency=deposit.currency.lower(),
            capture_method="manual", payment_method=payment_method, confirm=True,
            metadata={"deposit_id": str(deposit.pk), "auction_id": str(auction_id), "bidder_id": str(bidder.pk)},
        )
    except stripe.StripeError as exc:
        message = getattr(exc, "user_message", None) or str(exc) or "Stripe error"
        _deposit_transition(deposit.pk, "fail", error=message)
        raise DepositError(_("The card hold was refused: %(reason)s") % {"reason": message}) from None
    _deposit_record_intent(deposit.pk, intent.id)
    if intent.status == "requires_capture":
        return _deposit_transition(deposit.pk, "mark_held")
    if intent.status in ("requires_payment_method", "canceled"):
        message = ((intent.get("last_payment_error") or {}).get("message")) or intent.status
        _deposit_transition(deposit.pk, "fail", error=message)
        raise DepositError(_("The card hold was refused: %(reason)s") % {"reason": message})
    # Anything else (3-D Secure, processing) stays pending; the webhook reports the outcome.
    return Deposit.objects.get(pk=deposit.pk)


@transaction.atomic
def _deposit_record_intent(deposit_id: int, intent_id: str) -> None:
    Deposit.objects.filter(pk=deposit_id).update(payment_intent_id=intent_id, updated_at=timezone.now())


@transaction.atomic
def _deposit_transition(deposit_id: int, transition: str, *, error: str = "", actor=None) -> Deposit:
    deposit = Deposit.objects.select_for_update().get(pk=deposit_id)
    if not can_proceed(getattr(deposit, transition)):
        return deposit  # already there (a webhook and our own call may both report the same change)
    moved = transition_run(deposit, transition, save=False)
    if error:
        deposit.last_error = error[:2000]
    save_or_conflict(deposit)
    auction_log_write(subject="deposit", obj=deposit, action=transition, moved=moved, actor=actor, note=error[:500],
                      auction_id=deposit.auction_id)
    return deposit


def deposit_release(*, deposit_id: int) -> Deposit:
    """Cancel the card hold of a bidder who won nothing. Idempotent."""
    deposit = Deposit.objects.get(pk=deposit_id)
    if deposit.status in (DepositStatus.RELEASED, DepositStatus.CAPTURED, DepositStatus.FAILED):
        return deposit
    if deposit.payment_intent_id:
        stripe = _stripe()
        try:
            intent = stripe.PaymentIntent.retrieve(deposit.payment_intent_id)
            if intent.status != "canceled":
                stripe.PaymentIntent.cancel(deposit.payment_intent_id)
        except stripe.StripeError as exc:
            Deposit.objects.filter(pk=deposit_id).update(last_error=str(exc)[:2000], updated_at=timezone.now())
            raise DepositError(str(exc)) from None
    return _deposit_transition(deposit_id, "release")


# --------------------------------------------------------------------------------------------
# Stripe webhook events
# --------------------------------------------------------------------------------------------


def stripe_event_receive(*, payload: bytes, signature: str) -> StripeEvent:
    """A webhook call, in dj-stripe's order: store the raw event, verify Stripe's signature, then
    process each genuine event id once. The outcome (or the refusal) is recorded on the stored row."""
    try:
        data = json.loads(payload)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        data = {"raw": payload[:100_000].decode("utf-8", errors="replace")}
    event_id = str(data.get("id") or "")[:255]
    stored = StripeEvent.objects.create(event_id=event_id, type=str(data.get("type") or "")[:100], payload=data,
                                        signature=(signature or "")[:500])
    stripe = _stripe()
    problem = ""
    if not settings.STRIPE_WEBHOOK_SECRET:
        problem = "webhook secret not configured"
    else:
        try:
            stripe.Webhook.construct_event(payload, signature, settings.STRIPE_WEBHOOK_SECRET)
        except (ValueError, stripe.SignatureVerificationError) as exc:
            problem = f"invalid signature: {exc}"[:500]
    if not problem and not event_id:
        problem = "not an event"
    if problem:
        StripeEvent.objects.filter(pk=stored.pk).update(processed_at=timezone.now(), outcome="refused", error=problem)
        raise NotPermitted(_("Invalid signature."))
    try:
        with transaction.atomic():
            StripeEvent.objects.filter(pk=stored.pk).update(verified=True)
    except IntegrityError:  # delivered before: the first copy is the one processed
        StripeEvent.objects.filter(pk=stored.pk).update(processed_at=timezone.now(), outcome="duplicate delivery")
        stored = StripeEvent.objects.get(event_id=event_id, verified=True)
        if stored.processed_at is not None:
            return stored
    return stripe_event_process(event_id=event_id)


HANDLED_EVENTS = {
    "payment_intent.amount_capturable_updated": "mark_held",
    "payment_intent.canceled": "release",
    "payment_intent.payment_failed": "fail",
}


def stripe_event_process(*, event_id: str) -> StripeEvent:
    with transaction.atomic():
        event = StripeEvent.objects.select_for_update().get(event_id=event_id, verified=True)
        if event.processed_at is not None:
            return event
        transition = HANDLED_EVENTS.get(event.type)
        obj = (event.payload.get("data") or {}).get("object") or {}
        outcome, error = "ignored", ""
        if transition:
            deposit = Deposit.objects.filter(payment_intent_id=obj.get("id", "")).first()
            if deposit is None:
                outcome = "no matching deposit"
            else:
                message = ((obj.get("last_payment_error") or {}).get("message") or "") if transition == "fail" else ""
                try:
                    result = _deposit_transition(deposit.pk, transition, error=message)
                    outcome = f"deposit {deposit.pk}: {result.status}"
                except DomainError as exc:
                    error = str(exc)
        event.processed_at, event.outcome, event.error = timezone.now(), outcome, error
        event.save(update_fields=["processed_at", "outcome", "error"])
    return event

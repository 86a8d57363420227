"""Deposits: the card hold an auction may require before bidding (a Stripe PaymentIntent with manual
capture), its replacement by a saved card when the hold would lapse before the lot is settled, the
off-session charge of that card, its release for bidders who won nothing, and the Stripe webhook
events that report on it. Stripe is called outside any transaction; every change of state is
recorded on the Deposit."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from common.transitions import save_or_conflict, transition_run

from ..events import auction_log_write
from ..exceptions import DepositError, NotPermitted, SavedCardChargeError, TransitionRefused
from ..models import Auction, AuctionStatus, Deposit, DepositStatus, Lot, StripeEvent

log = logging.getLogger(__name__)


def _stripe():
    import stripe

    stripe.api_key = settings.STRIPE_SECRET_KEY
    if settings.STRIPE_API_BASE:
        stripe.api_base = settings.STRIPE_API_BASE
    return stripe


ZERO_DECIMAL_CURRENCIES = {"JPY", "KRW", "VND", "CLP", "XOF", "XAF", "UGX", "RWF", "PYG", "ISK"}


def _minor_units(amount: Decimal, currency: str) -> int:
    factor = 1 if currency.upper() in ZERO_DECIMAL_CURRENCIES else 100
    return int((amount * factor).to_integral_value())


def stripe_amount(minor: int, currency: str) -> Decimal:
    """An amount Stripe gave in the currency's minor units, as a Decimal of the currency."""
    if currency.upper() in ZERO_DECIMAL_CURRENCIES:
        return Decimal(int(minor))
    return (Decimal(int(minor)) / 100).quantize(Decimal("0.01"))


# What the apps above call Stripe through (the key and base come from the settings).
stripe_api = _stripe
minor_units = _minor_units


def stripe_error_message(exc) -> str:
    """What to tell a person about a Stripe error: Stripe's own message for them where it gives one."""
    return _stripe_message(exc)


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
        if deposit is not None and deposit.status in (DepositStatus.HELD, DepositStatus.CARD_SAVED):
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
        held = _deposit_transition(deposit.pk, "mark_held")
        if deposit_hold_would_lapse(deposit=held):
            # Known already: the hold would lapse before the lot is settled. A failure is recorded on
            # the deposit and retried by deposits_replace_lapsing; the hold stands meanwhile.
            return deposit_replace_hold(deposit_id=held.pk)
        return held
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
    """Give back the deposit of a bidder who won nothing: cancel the card hold, or, when the hold was
    replaced by a saved card, detach that card from the bidder's Stripe Customer (the agency keeps no
    card it will not charge). Idempotent."""
    deposit = Deposit.objects.get(pk=deposit_id)
    if deposit.status in (DepositStatus.RELEASED, DepositStatus.CAPTURED, DepositStatus.FAILED):
        return deposit
    stripe = _stripe()
    try:
        if deposit.payment_intent_id and deposit.hold_canceled_at is None:
            intent = stripe.PaymentIntent.retrieve(deposit.payment_intent_id)
            if intent.status != "canceled":
                stripe.PaymentIntent.cancel(deposit.payment_intent_id)
        # The same card may still secure the bidder's deposit in another auction.
        still_used = (Deposit.objects.filter(status=DepositStatus.CARD_SAVED,
                                             payment_method_id=deposit.payment_method_id)
                      .exclude(pk=deposit.pk).exists())
        if deposit.status == DepositStatus.CARD_SAVED and deposit.payment_method_id and not still_used:
            method = stripe.PaymentMethod.retrieve(deposit.payment_method_id)
            if getattr(method, "customer", None):
                stripe.PaymentMethod.detach(deposit.payment_method_id)
    except stripe.StripeError as exc:
        Deposit.objects.filter(pk=deposit_id).update(last_error=str(exc)[:2000], updated_at=timezone.now())
        raise DepositError(str(exc)) from None
    return _deposit_transition(deposit_id, "release")


# --------------------------------------------------------------------------------------------
# Holds that would lapse before settlement: replaced by a saved card
# --------------------------------------------------------------------------------------------


def deposit_settles_by(*, auction: Auction) -> datetime:
    """When the auction's lots are settled at the latest: its last lot's end (soft close included)
    plus the payment window."""
    last_end = Lot.objects.filter(auction=auction).aggregate(last=Max("ends_at"))["last"]
    closes = max(filter(None, [last_end, auction.closes_at]))
    return closes + timedelta(days=settings.DEPOSIT_PAYMENT_WINDOW_DAYS)


def deposit_hold_lapses_at(*, deposit: Deposit) -> datetime:
    """When the card hold is to be treated as gone: Stripe's limit less the safety margin."""
    start = deposit.held_at or deposit.created_at
    return start + timedelta(days=settings.DEPOSIT_HOLD_DAYS - settings.DEPOSIT_HOLD_MARGIN_DAYS)


def deposit_hold_would_lapse(*, deposit: Deposit, settles_by: datetime | None = None) -> bool:
    """Whether the deposit's card hold would lapse before its auction's lots are settled."""
    if deposit.status != DepositStatus.HELD:
        return False
    settles_by = settles_by or deposit_settles_by(auction=deposit.auction)
    return settles_by > deposit_hold_lapses_at(deposit=deposit)


def _deposit_record_failure(deposit_id: int, action: str, message: str) -> Deposit:
    with transaction.atomic():
        deposit = Deposit.objects.select_for_update().get(pk=deposit_id)
        deposit.last_error = message[:2000]
        deposit.save(update_fields=["last_error", "updated_at"])
        auction_log_write(subject="deposit", obj=deposit, action=action, from_state=deposit.status,
                          to_state=deposit.status, note=message[:500], auction_id=deposit.auction_id)
    return deposit


def _stripe_message(exc) -> str:
    return getattr(exc, "user_message", None) or str(exc) or "Stripe error"


def deposit_replace_hold(*, deposit_id: int) -> Deposit:
    """Replace a card hold by the same card saved for an off-session charge: a Stripe Customer for the
    bidder (their earlier one if they have one), a SetupIntent (usage off_session) confirmed with
    the hold's payment method, and only then the hold cancelled, so the deposit always has one or
    the other. A Stripe failure is recorded on the deposit (last_error and a log row) and the hold
    kept; calling again resumes where it stopped."""
    deposit = Deposit.objects.get(pk=deposit_id)
    if deposit.status == DepositStatus.CARD_SAVED:
        return _deposit_cancel_replaced_hold(deposit.pk)
    if deposit.status != DepositStatus.HELD:
        return deposit
    stripe = _stripe()
    try:
        customer_id = deposit.stripe_customer_id or (
            Deposit.objects.filter(bidder_id=deposit.bidder_id).exclude(stripe_customer_id="")
            .values_list("stripe_customer_id", flat=True).first())
        if not customer_id:
            customer_id = stripe.Customer.create(metadata={"bidder_id": str(deposit.bidder_id)}).id
        if customer_id != deposit.stripe_customer_id:
            Deposit.objects.filter(pk=deposit.pk).update(stripe_customer_id=customer_id, updated_at=timezone.now())
        setup = stripe.SetupIntent.retrieve(deposit.setup_intent_id) if deposit.setup_intent_id else None
        if setup is None or setup.status != "succeeded":
            method = stripe.PaymentIntent.retrieve(deposit.payment_intent_id).payment_method
            setup = stripe.SetupIntent.create(
                customer=customer_id, usage="off_session",
                metadata={"deposit_id": str(deposit.pk), "auction_id": str(deposit.auction_id)})
            Deposit.objects.filter(pk=deposit.pk).update(setup_intent_id=setup.id, updated_at=timezone.now())
            setup = stripe.SetupIntent.confirm(setup.id, payment_method=getattr(method, "id", method))
        if setup.status != "succeeded":
            return _deposit_record_failure(
                deposit.pk, "save_card_failed",
                f"The card could not be saved without the bidder (SetupIntent {setup.id}: {setup.status}).")
        method_id = getattr(setup.payment_method, "id", setup.payment_method)
        if getattr(stripe.PaymentMethod.retrieve(method_id), "customer", None) != customer_id:
            stripe.PaymentMethod.attach(method_id, customer=customer_id)
    except stripe.StripeError as exc:
        return _deposit_record_failure(deposit.pk, "save_card_failed",
                                       f"The card could not be saved: {_stripe_message(exc)}")
    with transaction.atomic():
        deposit = Deposit.objects.select_for_update().get(pk=deposit_id)
        if deposit.status != DepositStatus.HELD:
            return deposit
        moved = transition_run(deposit, "save_card", save=False)
        deposit.stripe_customer_id, deposit.setup_intent_id, deposit.payment_method_id = (
            customer_id, setup.id, method_id)
        save_or_conflict(deposit)
        auction_log_write(subject="deposit", obj=deposit, action="save_card", moved=moved,
                          note=f"hold {deposit.payment_intent_id} replaced by saved card {method_id}",
                          auction_id=deposit.auction_id)
    return _deposit_cancel_replaced_hold(deposit.pk)


def _deposit_cancel_replaced_hold(deposit_id: int) -> Deposit:
    deposit = Deposit.objects.get(pk=deposit_id)
    if deposit.hold_canceled_at is not None or not deposit.payment_intent_id:
        return deposit
    stripe = _stripe()
    try:
        if stripe.PaymentIntent.retrieve(deposit.payment_intent_id).status != "canceled":
            stripe.PaymentIntent.cancel(deposit.payment_intent_id)
    except stripe.StripeError as exc:
        return _deposit_record_failure(deposit.pk, "cancel_hold_failed",
                                       f"The replaced hold could not be cancelled: {_stripe_message(exc)}")
    Deposit.objects.filter(pk=deposit_id).update(hold_canceled_at=timezone.now(), last_error="",
                                                 updated_at=timezone.now())
    return Deposit.objects.get(pk=deposit_id)


def deposits_replace_lapsing(*, now: datetime | None = None) -> list[int]:
    """Every held deposit of an auction not yet settled whose hold would lapse before settlement is
    replaced by the saved card; replacements that stopped half-way (hold not cancelled) are resumed.
    Safe to run twice. Returns the ids of the deposits it worked on."""
    now = now or timezone.now()
    worked: list[int] = []
    settles: dict[int, datetime] = {}
    held = (Deposit.objects.filter(status=DepositStatus.HELD,
                                   auction__status__in=[AuctionStatus.PUBLISHED, AuctionStatus.CLOSED])
            .select_related("auction").order_by("pk"))
    for deposit in held:
        if deposit.auction_id not in settles:
            settles[deposit.auction_id] = deposit_settles_by(auction=deposit.auction)
        if settles[deposit.auction_id] > now and deposit_hold_would_lapse(
                deposit=deposit, settles_by=settles[deposit.auction_id]):
            deposit_replace_hold(deposit_id=deposit.pk)
            worked.append(deposit.pk)
    unfinished = (Deposit.objects.filter(status=DepositStatus.CARD_SAVED, hold_canceled_at__isnull=True)
                  .exclude(payment_intent_id="").values_list("pk", flat=True))
    for deposit_id in unfinished:
        _deposit_cancel_replaced_hold(deposit_id)
        worked.append(deposit_id)
    return worked


def deposit_charge_saved_card(*, deposit_id: int, amount: Decimal, description: str,
                              idempotency_key: str | None = None, metadata: dict[str, str] | None = None):
    """Charge the deposit's saved card off-session (a PaymentIntent with off_session and confirm) for
    `amount` in the deposit's currency, and return the PaymentIntent. When the charge needs the
    buyer (the bank asks for authentication, or the card is declined) the refusal is recorded on the
    deposit and raised as SavedCardChargeError; the buyer then pays on-session."""
    deposit = Deposit.objects.get(pk=deposit_id)
    if deposit.status != DepositStatus.CARD_SAVED:
        raise TransitionRefused(_("This deposit has no saved card to charge."))
    amount = Decimal(amount)
    if amount <= 0:
        raise TransitionRefused(_("The amount to charge must be more than zero."))
    stripe = _stripe()
    # localstripe refuses `description` on a PaymentIntent, so it travels in the metadata.
    params = dict(amount=_minor_units(amount, deposit.currency), currency=deposit.currency.lower(),
                  customer=deposit.stripe_customer_id, payment_method=deposit.payment_method_id,
                  off_session=True, confirm=True,
                  metadata={**(metadata or {}), "deposit_id": str(deposit.pk),
                            "auction_id": str(deposit.auction_id), "description": description[:500]})
    if idempotency_key:
        params["idempotency_key"] = idempotency_key
    code, intent_id = "", ""
    try:
        intent = stripe.PaymentIntent.create(**params)
    except stripe.CardError as exc:
        code = "authentication_required" if exc.code == "authentication_required" else "card_declined"
        error = getattr(exc, "error", None)
        intent_id = getattr(getattr(error, "payment_intent", None), "id", "") or ""
    else:
        intent_id = intent.id
        if intent.status == "requires_action":  # what localstripe answers where Stripe raises the error
            code = "authentication_required"
        elif intent.status in ("requires_payment_method", "canceled"):
            code = "card_declined"
    if code:
        if code == "authentication_required":
            message = _("The bank asks the buyer to confirm this payment, so the saved card cannot be charged "
                        "without them. The buyer must pay on-session.")
        else:
            message = _("The saved card was declined. The buyer must pay on-session with another card.")
        _deposit_record_failure(deposit.pk, "charge_saved_card_failed",
                                f"{code}: {amount} {deposit.currency} ({description[:200]}) {intent_id}".strip())
        raise SavedCardChargeError(message, code=code, payment_intent_id=intent_id)
    with transaction.atomic():
        deposit = Deposit.objects.select_for_update().get(pk=deposit_id)
        deposit.last_error = ""
        deposit.save(update_fields=["last_error", "updated_at"])
        auction_log_write(subject="deposit", obj=deposit, action="charge_saved_card", from_state=deposit.status,
                          to_state=deposit.status,
                          note=f"{intent.id}: {amount} {deposit.currency} ({description[:200]})",
                          auction_id=deposit.auction_id)
    return intent


# --------------------------------------------------------------------------------------------
# The deposit captured toward an invoice
# --------------------------------------------------------------------------------------------


def deposit_capture(*, deposit_id: int, amount: Decimal, metadata: dict[str, str] | None = None,
                    idempotency_key: str | None = None) -> Deposit:
    """Capture `amount` of a held deposit (never more than the hold: Stripe gives the rest back, a
    partial capture) and move the deposit to captured. `metadata` is added to the PaymentIntent
    first, so the `payment_intent.succeeded` event names what the money pays for. Idempotent: a
    hold Stripe already captured is only moved on here. The Stripe calls happen outside any
    transaction; a refusal is recorded on the deposit and raised as DepositError."""
    deposit = Deposit.objects.get(pk=deposit_id)
    if deposit.status == DepositStatus.CAPTURED:
        return deposit
    if deposit.status != DepositStatus.HELD or not deposit.payment_intent_id:
        raise TransitionRefused(_("This deposit is not held on a card."))
    amount = min(Decimal(amount), deposit.amount)
    if amount <= 0:
        raise TransitionRefused(_("The amount to capture must be more than zero."))
    stripe = _stripe()
    try:
        intent = stripe.PaymentIntent.retrieve(deposit.payment_intent_id)
        if intent.status == "requires_capture":
            if metadata:
                stripe.PaymentIntent.modify(deposit.payment_intent_id, metadata=metadata)
            params = {"amount_to_capture": _minor_units(amount, deposit.currency)}
            if idempotency_key:
                params["idempotency_key"] = idempotency_key
            intent = stripe.PaymentIntent.capture(deposit.payment_intent_id, **params)
    except stripe.StripeError as exc:
        _deposit_record_failure(deposit.pk, "capture_failed", f"The hold could not be captured: {_stripe_message(exc)}")
        raise DepositError(_stripe_message(exc)) from None
    if intent.status != "succeeded":
        message = f"The hold could not be captured (PaymentIntent {intent.id}: {intent.status})."
        _deposit_record_failure(deposit.pk, "capture_failed", message)
        raise DepositError(message)
    return _deposit_transition(deposit.pk, "capture")


# --------------------------------------------------------------------------------------------
# Stripe webhook events
# --------------------------------------------------------------------------------------------
#
# In dj-stripe's order: the raw event is stored first, its signature verified (a forged or
# malformed call is refused and kept on record), and each genuine event id is processed once, in a
# Celery task, in one transaction with its effect. What an event does is up to the handlers
# registered for its type: the deposits' below, and those of the apps above this one (settlement
# registers its invoice handler), so that auctions never imports them. A handler returns what it
# did (the outcome kept on the event) or None when the event is none of its business; an older
# event arriving after a newer one changes nothing and says "stale".

StripeEventHandler = Callable[..., "str | None"]
_EVENT_HANDLERS: dict[str, list[StripeEventHandler]] = {}


def stripe_event_handler(*types: str) -> Callable[[StripeEventHandler], StripeEventHandler]:
    """Register `handler(*, event, obj)` for these event types (`obj` is the event's data object)."""
    def register(handler: StripeEventHandler) -> StripeEventHandler:
        for type_ in types:
            handlers = _EVENT_HANDLERS.setdefault(type_, [])
            if handler not in handlers:
                handlers.append(handler)
        return handler
    return register


def stripe_event_receive(*, payload: bytes, signature: str, remote_addr: str | None = None) -> StripeEvent:
    """A webhook call: store the raw event (committed at once: the view runs outside a transaction),
    verify Stripe's signature, then have a worker process the genuine event once this commits.
    A call with no signature of Stripe's shape is not stored with its body; a refusal is recorded
    without the body (stripe_event_refused_record) and raised as NotPermitted."""
    try:
        data = json.loads(payload)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        data = {"raw": payload[:100_000].decode("utf-8", errors="replace")}
    event_id = str(data.get("id") or "")[:255]
    event_type = str(data.get("type") or "")[:100]
    signature = (signature or "")[:500]
    stored = None
    if settings.STRIPE_WEBHOOK_SECRET and "v1=" in signature:  # may be Stripe's: keep the raw event first
        stored = StripeEvent.objects.create(event_id=event_id, type=event_type, payload=data, signature=signature,
                                            size=len(payload), remote_addr=remote_addr)
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
        stripe_event_refused_record(stored=stored, event_id=event_id, event_type=event_type, signature=signature,
                                    size=len(payload), remote_addr=remote_addr, problem=problem)
        raise NotPermitted(_("Invalid signature."))
    try:
        with transaction.atomic():
            StripeEvent.objects.filter(pk=stored.pk).update(verified=True)
    except IntegrityError:  # delivered before: the first copy is the one processed
        StripeEvent.objects.filter(pk=stored.pk).update(processed_at=timezone.now(), outcome="duplicate delivery")
        stored = StripeEvent.objects.get(event_id=event_id, verified=True)
        if stored.processed_at is not None:
            return stored
    stripe_event_enqueue(stored_id=stored.pk)
    return stored


def stripe_event_refused_record(*, stored: StripeEvent | None = None, event_id: str = "", event_type: str = "",
                                signature: str = "", size: int, remote_addr: str | None, problem: str) -> None:
    """Record a refused webhook call without its body: what it claimed to be, its size, where it came
    from, when and why. At most STRIPE_WEBHOOK_REFUSED_PER_HOUR are recorded an hour (a flood is
    logged, not stored); stripe_event_refused_prune deletes them after STRIPE_WEBHOOK_REFUSED_KEEP_DAYS."""
    recent = StripeEvent.objects.filter(verified=False, outcome="refused",
                                        received_at__gte=timezone.now() - timedelta(hours=1))
    if recent.count() >= settings.STRIPE_WEBHOOK_REFUSED_PER_HOUR:
        if stored is not None:
            StripeEvent.objects.filter(pk=stored.pk).delete()
        log.warning("stripe webhook: refused call from %s not recorded (over the hourly cap): %s", remote_addr,
                    problem)
        return
    fields = {"payload": {}, "processed_at": timezone.now(), "outcome": "refused", "error": problem[:500],
              "size": size, "remote_addr": remote_addr}
    if stored is not None:
        StripeEvent.objects.filter(pk=stored.pk).update(**fields)
    else:
        StripeEvent.objects.create(event_id=event_id[:255], type=event_type[:100], signature=signature[:500],
                                   **fields)


def stripe_event_refused_prune(*, now: datetime | None = None) -> int:
    """Delete the refused webhook calls older than STRIPE_WEBHOOK_REFUSED_KEEP_DAYS; returns how many."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.STRIPE_WEBHOOK_REFUSED_KEEP_DAYS)
    deleted, _by_model = StripeEvent.objects.filter(verified=False, outcome="refused", received_at__lt=cutoff).delete()
    return deleted


def stripe_event_enqueue(*, stored_id: int) -> None:
    """Process the stored event in a worker once the current transaction commits."""
    from .. import tasks

    transaction.on_commit(lambda: tasks.stripe_event_process.delay(stored_id=stored_id))


def stripe_event_retry(*, stored_id: int) -> StripeEvent:
    """Process again a verified event whose processing failed (its error is kept until then)."""
    event = StripeEvent.objects.get(pk=stored_id, verified=True)
    if event.processed_at is None:
        stripe_event_enqueue(stored_id=event.pk)
    return event


def stripe_event_process(*, stored_id: int) -> StripeEvent:
    """Process one verified event, in one transaction with its effect: the stored row is locked (a
    second delivery waits, then finds it done), the handlers of its type run, and the outcome is
    recorded with them. An error rolls the effect back and is kept on the row, unprocessed, so the
    event can be processed again. A worker killed half-way leaves nothing behind: its task is
    delivered again (acks late) and starts over."""
    with transaction.atomic():
        event = StripeEvent.objects.select_for_update().get(pk=stored_id, verified=True)
        if event.processed_at is not None:
            return event
        handlers = _EVENT_HANDLERS.get(event.type, [])
        if not handlers:
            return _event_done(event, "ignored", "")
        obj = (event.payload.get("data") or {}).get("object") or {}
        try:
            with transaction.atomic():
                outcomes = [outcome for handler in handlers if (outcome := handler(event=event, obj=obj))]
        except Exception as exc:  # kept on the event, which stays unprocessed and can be retried
            log.exception("Stripe event %s (%s) failed", event.event_id, event.type)
            event.outcome, event.error = "error", f"{type(exc).__name__}: {exc}"[:5000]
            event.save(update_fields=["outcome", "error"])
            return event
        return _event_done(event, "; ".join(outcomes)[:255] or "no matching record", "")


def _event_done(event: StripeEvent, outcome: str, error: str) -> StripeEvent:
    event.processed_at, event.outcome, event.error = timezone.now(), outcome, error
    event.save(update_fields=["processed_at", "outcome", "error"])
    return event


_DEPOSIT_MOVES = {
    "payment_intent.amount_capturable_updated": ("mark_held", DepositStatus.HELD),
    "payment_intent.canceled": ("release", DepositStatus.RELEASED),
    "payment_intent.payment_failed": ("fail", DepositStatus.FAILED),
    "payment_intent.succeeded": ("capture", DepositStatus.CAPTURED),
}


@stripe_event_handler(*_DEPOSIT_MOVES)
def _deposit_event(*, event: StripeEvent, obj: dict) -> str | None:
    """A deposit's hold reported on: held, cancelled, failed or captured."""
    deposit = Deposit.objects.filter(payment_intent_id=obj.get("id") or "-").first()
    if deposit is None:
        return None
    transition, target = _DEPOSIT_MOVES[event.type]
    if transition == "release" and deposit.status == DepositStatus.CARD_SAVED:
        # The hold we cancelled ourselves once the card was saved: the deposit stands.
        Deposit.objects.filter(pk=deposit.pk, hold_canceled_at__isnull=True).update(hold_canceled_at=timezone.now())
        return f"deposit {deposit.pk}: hold replaced by saved card"
    if deposit.status == target:
        return f"deposit {deposit.pk}: {deposit.status}"
    message = ((obj.get("last_payment_error") or {}).get("message") or "") if transition == "fail" else ""
    moved = _deposit_transition(deposit.pk, transition, error=message)
    if moved.status != target:  # an older event after a newer one: the newer state stands
        return f"stale: deposit {deposit.pk} is {moved.status}"
    return f"deposit {deposit.pk}: {moved.status}"


# --------------------------------------------------------------------------------------------
# Capture: the deposit taken toward a won lot (settlement calls it, e.g. when the buyer defaults)
# --------------------------------------------------------------------------------------------


def deposit_take(*, deposit_id: int, idempotency_key: str | None = None):
    """Capture a held deposit (the card hold becomes a charge of its amount) and return the
    PaymentIntent; for a deposit whose hold was replaced by a saved card, charge that card
    off-session for the deposit's amount. Stripe is called outside any transaction; a refusal is
    recorded on the deposit and raised (DepositError or SavedCardChargeError)."""
    deposit = Deposit.objects.get(pk=deposit_id)
    if deposit.status == DepositStatus.CARD_SAVED:
        return deposit_charge_saved_card(deposit_id=deposit.pk, amount=deposit.amount,
                                         description=f"deposit {deposit.pk} kept", idempotency_key=idempotency_key)
    if deposit.status not in (DepositStatus.HELD, DepositStatus.CAPTURED) or not deposit.payment_intent_id:
        raise TransitionRefused(_("This deposit is not held on a card."))
    stripe = _stripe()
    try:
        intent = stripe.PaymentIntent.retrieve(deposit.payment_intent_id)
        if intent.status == "requires_capture":
            params = {"idempotency_key": idempotency_key} if idempotency_key else {}
            intent = stripe.PaymentIntent.capture(deposit.payment_intent_id, **params)
    except stripe.StripeError as exc:
        _deposit_record_failure(deposit.pk, "capture_failed", _stripe_message(exc))
        raise DepositError(_stripe_message(exc)) from None
    if intent.status != "succeeded":
        message = f"PaymentIntent {intent.id} is {intent.status}"
        _deposit_record_failure(deposit.pk, "capture_failed", message)
        raise DepositError(message)
    _deposit_transition(deposit.pk, "capture")
    return intent

"""Card holds lapse after about seven days: a deposit hold that would lapse before its lot is settled
is replaced by the card saved with a SetupIntent (then charged off-session after the award), on the
real `stripe` library against the localstripe stand-in."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import stripe
from django.urls import reverse
from django.utils import timezone

from auctions import tasks
from auctions.exceptions import SavedCardChargeError
from auctions.models import Deposit, DepositStatus, Lot, LotStatus, StripeEvent
from auctions.services import bidding, closing, deposits
from tests.auctions.factories import make_bidder
from tests.auctions.test_deposits import _event, _signed, stripe_settings  # noqa: F401 - fixtures

pytestmark = [pytest.mark.stripe, pytest.mark.django_db, pytest.mark.usefixtures("stripe_settings")]

D = Decimal


@pytest.fixture
def deposit_auction(open_lot_factory):
    return open_lot_factory(2, deposit_rule="fixed", deposit_amount=D("250.00"))


def _last_end(lots) -> timezone.datetime:
    return max(Lot.objects.filter(pk__in=[lot.pk for lot in lots]).values_list("ends_at", flat=True))


def _held(auction, bidder, *, days_before_close: float, lots, payment_method: str = "pm_card_visa") -> Deposit:
    """A hold placed now (the lots end soon, so nothing lapses), then dated back as if it had been
    placed `days_before_close` days before the auction's last lot ends."""
    deposit = deposits.deposit_place(bidder=bidder, auction_id=auction.pk, payment_method=payment_method)
    assert deposit.status == DepositStatus.HELD
    Deposit.objects.filter(pk=deposit.pk).update(held_at=_last_end(lots) - timedelta(days=days_before_close))
    return Deposit.objects.get(pk=deposit.pk)


def _log(deposit, action):
    return deposit.auction.log.filter(subject="deposit", subject_id=deposit.pk, action=action)


def test_a_hold_placed_six_days_before_close_is_replaced_by_the_saved_card_and_one_day_is_kept(
        deposit_auction, auction_manager):
    auction, lots = deposit_auction
    early, late = (make_bidder(reviewer=auction_manager, auctions=[auction]) for _ in range(2))
    early_deposit = _held(auction, early, days_before_close=6, lots=lots)
    late_deposit = _held(auction, late, days_before_close=1, lots=lots)

    # When the periodic task runs
    assert tasks.deposits_replace_lapsing() == [early_deposit.pk]

    # Then the early hold (it lapses 6 days after it began, the lots settle 8 days after) is replaced
    early_deposit.refresh_from_db()
    assert early_deposit.status == DepositStatus.CARD_SAVED
    assert early_deposit.stripe_customer_id.startswith("cus_")
    assert early_deposit.setup_intent_id.startswith("seti_") and early_deposit.payment_method_id.startswith("pm_")
    assert early_deposit.hold_canceled_at is not None and early_deposit.last_error == ""
    setup = stripe.SetupIntent.retrieve(early_deposit.setup_intent_id)
    assert (setup.status, setup.usage, setup.customer) == ("succeeded", "off_session", early_deposit.stripe_customer_id)
    assert stripe.PaymentMethod.retrieve(early_deposit.payment_method_id).customer == early_deposit.stripe_customer_id
    assert stripe.PaymentIntent.retrieve(early_deposit.payment_intent_id).status == "canceled"
    entry = _log(early_deposit, "save_card").get()
    assert (entry.from_state, entry.to_state) == ("held", "card_saved")
    # and the bidder may still bid
    bidding.lot_place_bid(lot_id=lots[0].pk, bidder=early, max_amount="200")

    # The late hold (placed 1 day before close, lapses after the payment window) is kept as it was
    late_deposit.refresh_from_db()
    assert late_deposit.status == DepositStatus.HELD and not late_deposit.setup_intent_id
    assert stripe.PaymentIntent.retrieve(late_deposit.payment_intent_id).status == "requires_capture"


def test_the_task_is_idempotent(deposit_auction, auction_manager):
    auction, lots = deposit_auction
    bidder = make_bidder(reviewer=auction_manager, auctions=[auction])
    deposit = _held(auction, bidder, days_before_close=6, lots=lots)
    assert deposits.deposits_replace_lapsing() == [deposit.pk]
    saved = Deposit.objects.get(pk=deposit.pk)

    # Running it again changes nothing at Stripe nor in the register
    assert deposits.deposits_replace_lapsing() == []
    assert deposits.deposit_replace_hold(deposit_id=deposit.pk).setup_intent_id == saved.setup_intent_id
    again = Deposit.objects.get(pk=deposit.pk)
    assert (again.status, again.setup_intent_id, again.payment_method_id) == (
        DepositStatus.CARD_SAVED, saved.setup_intent_id, saved.payment_method_id)
    assert _log(deposit, "save_card").count() == 1


def test_the_replacement_runs_every_hour_on_beat(settings):
    job = settings.CELERY_BEAT_SCHEDULE["auctions-deposits-replace-lapsing"]
    assert job["task"] == tasks.deposits_replace_lapsing.name and job["schedule"] <= 3600


def test_a_hold_known_to_lapse_at_placement_is_replaced_at_once(settings, client, deposit_auction, auction_manager):
    # Given holds that last two days (less the one-day margin) and lots settling two days after close
    settings.DEPOSIT_HOLD_DAYS = 2
    auction, lots = deposit_auction
    bidder = make_bidder(reviewer=auction_manager, auctions=[auction])
    client.force_login(bidder)
    deposit_url = reverse("auctions:auction_deposit", args=[auction.slug])
    lot_url = reverse("auctions:lot_detail", args=[lots[0].pk])
    # When the bidder places the deposit on the page
    response = client.post(deposit_url, {"payment_method": "pm_card_visa", "confirm": "on", "next": lot_url},
                           follow=True)
    # Then the card is saved instead of held, they are told so, and they may bid
    page = response.content.decode()
    assert "Your card is saved for the deposit" in page and 'name="max_amount"' in page
    assert "secured by your saved card" in client.get(deposit_url).content.decode()
    deposit = Deposit.objects.get(bidder=bidder, auction=auction)
    assert deposit.status == DepositStatus.CARD_SAVED
    assert stripe.PaymentIntent.retrieve(deposit.payment_intent_id).status == "canceled"
    # Placing it again does not hold the card again
    assert deposits.deposit_place(bidder=bidder, auction_id=auction.pk, payment_method="pm_card_visa").pk == deposit.pk


def test_a_failed_setup_intent_keeps_the_hold_and_records_the_error(deposit_auction, auction_manager):
    auction, lots = deposit_auction
    bidder = make_bidder(reviewer=auction_manager, auctions=[auction])
    # This test card is held, but Stripe refuses to save it (its attachment is declined)
    deposit = _held(auction, bidder, days_before_close=6, lots=lots, payment_method="pm_card_visa_chargeDeclined")

    for _ in range(2):  # and the next run tries again, with the same result
        deposits.deposits_replace_lapsing()
        deposit.refresh_from_db()
        assert deposit.status == DepositStatus.HELD and deposit.hold_canceled_at is None
        assert "declined" in deposit.last_error
        assert stripe.PaymentIntent.retrieve(deposit.payment_intent_id).status == "requires_capture"
    assert _log(deposit, "save_card_failed").count() == 2
    bidding.lot_place_bid(lot_id=lots[0].pk, bidder=bidder, max_amount="200")


def _saved(auction, bidder, lots) -> Deposit:
    deposit = _held(auction, bidder, days_before_close=6, lots=lots)
    return deposits.deposit_replace_hold(deposit_id=deposit.pk)


def _with_saved_card(deposit: Deposit, card_number: str) -> Deposit:
    """Put another test card on a saved-card deposit (one that localstripe lets us save but that
    declines, or asks for authentication, when charged)."""
    method = stripe.PaymentMethod.create(type="card", card={"number": card_number, "exp_month": 12,
                                                             "exp_year": 2030, "cvc": "123"})
    stripe.PaymentMethod.attach(method.id, customer=deposit.stripe_customer_id)
    Deposit.objects.filter(pk=deposit.pk).update(payment_method_id=method.id)
    return Deposit.objects.get(pk=deposit.pk)


def test_the_saved_card_is_charged_off_session(deposit_auction, auction_manager):
    auction, lots = deposit_auction
    deposit = _saved(auction, make_bidder(reviewer=auction_manager, auctions=[auction]), lots)
    assert deposit.status == DepositStatus.CARD_SAVED

    intent = deposits.deposit_charge_saved_card(deposit_id=deposit.pk, amount=D("1234.56"),
                                                description="Invoice 2026-0001")
    assert (intent.status, intent.amount, intent.currency) == ("succeeded", 123456, "eur")
    assert (intent.customer, intent.payment_method) == (deposit.stripe_customer_id, deposit.payment_method_id)
    assert stripe.PaymentIntent.retrieve(intent.id).status == "succeeded"
    assert "Invoice 2026-0001" in _log(deposit, "charge_saved_card").get().note


@pytest.mark.parametrize(("card", "code", "words"), [
    ("4000000000000341", "card_declined", "declined"),
    ("4000002760003184", "authentication_required", "confirm this payment"),
])
def test_a_charge_that_needs_the_buyer_is_refused_with_a_clear_message(
        deposit_auction, auction_manager, card, code, words):
    auction, lots = deposit_auction
    deposit = _with_saved_card(_saved(auction, make_bidder(reviewer=auction_manager, auctions=[auction]), lots), card)

    with pytest.raises(SavedCardChargeError) as refused:
        deposits.deposit_charge_saved_card(deposit_id=deposit.pk, amount=D("500.00"), description="Invoice 7")
    assert refused.value.code == code and words in str(refused.value) and "on-session" in str(refused.value)
    deposit.refresh_from_db()
    assert deposit.last_error.startswith(code) and deposit.status == DepositStatus.CARD_SAVED
    assert _log(deposit, "charge_saved_card_failed").count() == 1


def test_stripe_s_authentication_required_error_is_refused_the_same_way(
        deposit_auction, auction_manager, monkeypatch):
    # Stripe itself (unlike localstripe, which answers requires_action) raises a CardError
    auction, lots = deposit_auction
    deposit = _saved(auction, make_bidder(reviewer=auction_manager, auctions=[auction]), lots)

    def refuse(**params):
        assert params["off_session"] is True and params["confirm"] is True
        raise stripe.CardError("This payment requires authentication.", None, "authentication_required")

    monkeypatch.setattr(stripe.PaymentIntent, "create", refuse)
    with pytest.raises(SavedCardChargeError) as refused:
        deposits.deposit_charge_saved_card(deposit_id=deposit.pk, amount=D("10"), description="Invoice 8")
    assert refused.value.code == "authentication_required"


def test_a_losing_bidder_s_saved_card_is_detached_at_close_and_the_winner_s_kept(
        client, deposit_auction, auction_manager, django_capture_on_commit_callbacks):
    auction, lots = deposit_auction
    loser, winner = (make_bidder(reviewer=auction_manager, auctions=[auction]) for _ in range(2))
    lost = _saved(auction, loser, lots)
    won = _saved(auction, winner, lots)
    bidding.lot_place_bid(lot_id=lots[0].pk, bidder=loser, max_amount="200")
    bidding.lot_place_bid(lot_id=lots[0].pk, bidder=winner, max_amount="900")

    # Stripe reports the hold we cancelled ourselves: the saved card stands
    body, signature = _signed(_event("evt_replaced", "payment_intent.canceled", lost.payment_intent_id))
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/api/v1/stripe/webhook/", body, content_type="application/json",
                           HTTP_STRIPE_SIGNATURE=signature).status_code == 200
    assert "saved card" in StripeEvent.objects.get(event_id="evt_replaced", verified=True).outcome
    assert Deposit.objects.get(pk=lost.pk).status == DepositStatus.CARD_SAVED

    with django_capture_on_commit_callbacks(execute=True):
        closing.lots_close_due(now=_last_end(lots))

    lost.refresh_from_db()
    won.refresh_from_db()
    assert Lot.objects.get(pk=lots[0].pk).status == LotStatus.AWAITING_PAYMENT
    assert lost.status == DepositStatus.RELEASED
    assert not stripe.PaymentMethod.retrieve(lost.payment_method_id).customer
    assert won.status == DepositStatus.CARD_SAVED
    assert stripe.PaymentMethod.retrieve(won.payment_method_id).customer == won.stripe_customer_id
    # Releasing again is harmless
    assert deposits.deposit_release(deposit_id=lost.pk).status == DepositStatus.RELEASED


def test_a_saved_card_that_still_secures_another_deposit_is_not_detached(
        open_lot_factory, deposit_auction, auction_manager):
    auction, lots = deposit_auction
    other_auction, _other_lots = open_lot_factory(1, deposit_rule="fixed", deposit_amount=D("100.00"))
    bidder = make_bidder(reviewer=auction_manager, auctions=[auction, other_auction])
    deposit = _saved(auction, bidder, lots)
    elsewhere = Deposit.objects.create(bidder=bidder, auction=other_auction, amount=D("100"), currency="EUR")
    Deposit.objects.filter(pk=elsewhere.pk).update(
        status=DepositStatus.CARD_SAVED, stripe_customer_id=deposit.stripe_customer_id,
        setup_intent_id=deposit.setup_intent_id, payment_method_id=deposit.payment_method_id)

    assert deposits.deposit_release(deposit_id=deposit.pk).status == DepositStatus.RELEASED
    assert stripe.PaymentMethod.retrieve(deposit.payment_method_id).customer == deposit.stripe_customer_id

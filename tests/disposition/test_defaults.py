"""A buyer's default: the invoice unpaid at its deadline is cancelled (not a minute before its day
ends in the agency's time zone), the deposit is kept up to the agency's loss and the rest refunded
through Stripe (localstripe), and after N defaults the bidder may not bid."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
import stripe
from django.urls import reverse

from auctions.exceptions import NotEligible
from auctions.models import AuctionLogEntry, BidderProfile, BidderStatus, Lot, LotStatus
from auctions.services import bidders, bidding, deposits
from disposition.models import (
    AwardStatus,
    BuyerDefault,
    DefaultStatus,
    Invoice,
    InvoiceStatus,
    PaymentMethod,
    Refund,
    RefundStatus,
)
from disposition.services import defaults, payments, second_chance
from ledger.models import AccountPurpose, JournalEntry
from ledger.services import account_balance, account_for
from tests.auctions.conftest import localstripe_url  # noqa: F401 - fixture
from tests.disposition.helpers import win

pytestmark = pytest.mark.django_db
D = Decimal


def _day_ends(day: datetime.date, settings) -> datetime.datetime:
    """Midnight after `day` in the agency's time zone."""
    return datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min,
                                     tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))


def _pay(invoice, amount, intent, method=PaymentMethod.CARD):
    return payments.payment_record_confirmed(invoice_id=invoice.pk, method=method, amount=D(amount),
                                             currency=invoice.currency, stripe_payment_intent_id=intent)


def test_an_unpaid_invoice_is_defaulted_once_its_payment_day_has_ended(lot, bidder_factory, settings, mailoutbox,
                                                                        django_capture_on_commit_callbacks):
    alice = bidder_factory()
    invoice = win(lot, alice, "500").invoice
    ends = _day_ends(invoice.due_on, settings)
    # A minute before midnight in the agency's zone (an hour before, in UTC in winter), nothing happens
    assert defaults.invoices_default_due(now=ends - datetime.timedelta(minutes=1)) == []
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.ISSUED
    # Once the day has ended, the invoice is cancelled, and the award and the lot with it
    with django_capture_on_commit_callbacks(execute=True):
        assert defaults.invoices_default_due(now=ends + datetime.timedelta(minutes=1)) == [invoice.pk]
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.DEFAULTED and invoice.closed_at
    assert invoice.award.status == AwardStatus.DEFAULTED
    assert Lot.objects.get(pk=lot.pk).status == LotStatus.DEFAULTED
    assert BuyerDefault.objects.get(invoice=invoice).status == DefaultStatus.PENDING
    # And the bidder is flagged, told, and the steps are logged; running the sweep again changes nothing
    assert BidderProfile.objects.get(user=alice).defaults_count == 1
    assert any(invoice.number in m.subject and "cancelled" in m.subject for m in mailoutbox)
    logged = set(AuctionLogEntry.objects.filter(lot_id=lot.pk).values_list("subject", "action"))
    assert {("invoice", "default"), ("award", "default"), ("lot", "default")} <= logged
    assert defaults.invoices_default_due(now=ends + datetime.timedelta(days=3)) == []


def test_a_paid_invoice_is_not_defaulted(lot, bidder_factory, settings):
    invoice = win(lot, bidder_factory(), "500").invoice
    _pay(invoice, invoice.total, "pi_paid")
    assert defaults.invoices_default_due(now=_day_ends(invoice.due_on, settings) + datetime.timedelta(days=1)) == []
    assert Invoice.objects.get(pk=invoice.pk).status == InvoiceStatus.PAID


def test_the_bidder_is_barred_after_the_set_number_of_defaults(open_lot_factory, auction_manager, settings, client):
    from tests.auctions.factories import make_bidder

    settings.DISPOSITION_DEFAULTS_BEFORE_BAR = 2
    auction, lots = open_lot_factory(3)
    alice = make_bidder(reviewer=auction_manager, auctions=[auction])
    bidding.lot_place_bid(lot_id=lots[2].pk, bidder=alice, max_amount="150")
    # Given Alice won two lots and paid for neither
    for lot in lots[:2]:
        invoice = win(lot, alice, "500").invoice
        defaults.invoices_default_due(now=_day_ends(invoice.due_on, settings) + datetime.timedelta(hours=1))
    profile = BidderProfile.objects.get(user=alice)
    # Then she is suspended, and her next bid is refused with the reason
    assert (profile.status, profile.defaults_count) == (BidderStatus.SUSPENDED, 2)
    with pytest.raises(NotEligible) as refused:
        bidding.lot_place_bid(lot_id=lots[2].pk, bidder=alice, max_amount="300")
    assert refused.value.code == "suspended" and "suspended" in str(refused.value)
    # And her account page says why
    client.force_login(alice)
    page = client.get(reverse("auctions:profile")).content.decode()
    assert "did not pay for 2 won lots" in page
    # When an auction manager lifts it, she may bid again
    bidders.bidder_suspension_lift(profile_id=profile.pk, actor=auction_manager, reason="Paid her debts")
    bidding.lot_place_bid(lot_id=lots[2].pk, bidder=alice, max_amount="300")
    assert BidderProfile.objects.get(user=alice).defaults_count == 0


def test_a_refund_stripe_refuses_is_recorded_and_retried(lot, bidder_factory, settings, monkeypatch):
    # Given a defaulted invoice of 100 part-paid 50 by card, the lot then given up (loss: the whole total)
    settings.DISPOSITION_DEFAULT_COSTS = D("0")
    invoice = win(lot, bidder_factory(), "500").invoice
    _pay(invoice, "50.00", "pi_part")
    after = _day_ends(invoice.due_on, settings) + datetime.timedelta(hours=1)
    assert defaults.invoices_default_due(now=after) == [invoice.pk]
    buyer_default = BuyerDefault.objects.get(invoice=invoice)
    settled = defaults.default_settle(default_id=buyer_default.pk)
    # The whole 50 is kept: the loss (the total) is above it
    assert (settled.kept, settled.refunded) == (D("50.00"), D("0.00")) and not Refund.objects.exists()
    # Given instead a refund due (a payment whose refund Stripe refuses at first)
    refund = Refund.objects.create(buyer_default=buyer_default, payment=invoice.payments.get(), amount=D("40.00"),
                                   currency=invoice.currency, method="card")
    calls = []

    def refuse(**kwargs):
        calls.append(kwargs)
        raise stripe.InvalidRequestError("No such payment_intent: 'pi_part'", param="payment_intent")

    monkeypatch.setattr(stripe.Refund, "create", refuse)
    defaults.refund_send(refund_id=refund.pk)
    refund.refresh_from_db()
    assert refund.status == RefundStatus.FAILED and "No such payment_intent" in refund.error
    assert refund.journal_entry is None
    # When Stripe accepts it on the retry, it is recorded and posted once
    monkeypatch.setattr(stripe.Refund, "create",
                        lambda **kwargs: calls.append(kwargs) or stripe.Refund.construct_from(
                            {"id": "re_ok", "status": "succeeded"}, "sk"))
    assert defaults.refunds_retry() == [refund.pk]
    refund.refresh_from_db()
    assert (refund.status, refund.stripe_refund_id, refund.attempts) == (RefundStatus.DONE, "re_ok", 2)
    assert refund.journal_entry.source == "stripe_refund:re_ok"
    assert {c["idempotency_key"] for c in calls} == {f"refund:{refund.pk}"}
    assert defaults.refunds_retry() == []


@pytest.fixture
def stripe_settings(settings, localstripe_url):  # noqa: F811 - the fixture imported above
    settings.STRIPE_API_BASE = localstripe_url
    settings.STRIPE_SECRET_KEY = "sk_test_localstripe"
    return settings


@pytest.mark.stripe
def test_the_deposit_is_kept_up_to_the_loss_and_the_rest_refunded(
        stripe_settings, open_lot_factory, auction_manager, django_capture_on_commit_callbacks):
    from tests.auctions.factories import make_bidder

    stripe_settings.DISPOSITION_DEFAULT_COSTS = D("30.00")
    # Given an auction with a 250.00 deposit and no premium; Alice (max 1000) wins at 925 over Bob's 900
    auction, (lot,) = open_lot_factory(1, deposit_rule="fixed", deposit_amount=D("250.00"),
                                       buyers_premium_percent=D("0"))
    alice = make_bidder(reviewer=auction_manager, auctions=[auction])
    bob = make_bidder(reviewer=auction_manager, auctions=[auction])
    held = deposits.deposit_place(bidder=alice, auction_id=auction.pk, payment_method="pm_card_visa")
    deposits.deposit_place(bidder=bob, auction_id=auction.pk, payment_method="pm_card_visa")
    bidding.lot_place_bid(lot_id=lot.pk, bidder=bob, max_amount="900")
    invoice = win(lot, alice, "1000").invoice
    assert invoice.total == D("925.00") and invoice.deposit == D("250.00")
    # When Alice does not pay by the deadline
    with django_capture_on_commit_callbacks(execute=True):
        defaults.invoices_default_due(now=_day_ends(invoice.due_on, stripe_settings) + datetime.timedelta(hours=1))
    # Then her deposit is captured at Stripe and recorded toward the defaulted invoice
    sc = deposits._stripe()
    assert sc.PaymentIntent.retrieve(held.payment_intent_id).status == "succeeded"
    payment = invoice.payments.get()
    assert (payment.method, payment.amount, payment.stripe_payment_intent_id) == (
        PaymentMethod.DEPOSIT, D("250.00"), held.payment_intent_id)
    buyer_default = BuyerDefault.objects.get(invoice=invoice)
    # And nothing is kept or refunded while the loss is unknown
    assert defaults.defaults_settle_due() == []
    # When Bob takes the second chance at 900 and pays
    with django_capture_on_commit_callbacks(execute=True):
        offer = second_chance.second_chance_offer_create(actor=auction_manager, award_id=invoice.award_id)
        second_chance.second_chance_offer_accept(offer_id=offer.pk, user=bob)
    bobs = Invoice.objects.get(buyer=bob)
    _pay(bobs, bobs.total, "pi_bob_pays")
    # Then the loss is 25 short + 30 costs = 55: that much of the deposit is kept, 195 refunded
    with django_capture_on_commit_callbacks(execute=True):
        assert defaults.defaults_settle_due() == [buyer_default.pk]
    buyer_default.refresh_from_db()
    assert (buyer_default.loss, buyer_default.kept, buyer_default.refunded) == (D("55.00"), D("55.00"), D("195.00"))
    assert buyer_default.next_invoice == bobs and buyer_default.status == DefaultStatus.SETTLED
    refund = Refund.objects.get(buyer_default=buyer_default)
    assert (refund.status, refund.amount, refund.payment) == (RefundStatus.DONE, D("195.00"), payment)
    # And Stripe holds the refund on Alice's PaymentIntent
    at_stripe = sc.Refund.retrieve(refund.stripe_refund_id)
    assert (at_stripe.amount, at_stripe.payment_intent) == (19500, held.payment_intent_id)
    # And the ledger: damages 55 credited, Alice's balance squared, each entry naming its source
    cur = invoice.currency
    assert account_balance(account_for(purpose=AccountPurpose.DEFAULT_DAMAGES, currency=cur)) == D("-55.00")
    forfeit = JournalEntry.objects.get(idempotency_key=f"forfeit:{invoice.pk}")
    assert forfeit.source == f"invoice:{invoice.pk}" and buyer_default.forfeit_entry == forfeit
    assert refund.journal_entry.source == f"stripe_refund:{refund.stripe_refund_id}"
    for entry in (forfeit, refund.journal_entry):
        assert sum(p.amount for p in entry.postings.all()) == 0
    assert account_balance(account_for(purpose=AccountPurpose.RECEIVABLE, currency=cur)) == D("0.00")
    # Bank: 250 deposit + 900 from Bob - 195 refunded
    assert account_balance(account_for(purpose=AccountPurpose.BANK, currency=cur)) == D("955.00")
    # Settling again changes nothing
    assert defaults.default_settle(default_id=buyer_default.pk).kept == D("55.00")
    assert Refund.objects.count() == 1

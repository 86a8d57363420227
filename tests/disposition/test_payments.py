"""Money reaching an invoice: a card payment reported by a verified Stripe event is recorded once per
PaymentIntent, posted to the ledger, and moves the invoice to part-paid or paid; a paid invoice posts
the sale (premium, VAT, costs and the net into the case's escrow for an asset sold early)."""

from decimal import Decimal

import pytest

from auctions.models import AuctionLogEntry
from disposition.models import InvoiceStatus, Payment, PaymentMethod, PaymentStatus
from disposition.services import payments
from ledger.models import AccountPurpose, JournalEntry, Posting
from ledger.services import account_balance, account_for
from tests.disposition.helpers import win

pytestmark = pytest.mark.django_db
D = Decimal


def _pay(invoice, amount, intent, method=PaymentMethod.CARD):
    return payments.payment_record_confirmed(invoice_id=invoice.pk, method=method, amount=D(amount),
                                             currency=invoice.currency, stripe_payment_intent_id=intent,
                                             stripe_event_id=f"evt_{intent}")


def test_a_part_payment_then_the_rest_pays_the_invoice_and_posts_the_sale(lot, bidder_factory, settings):
    # Given an invoice of 110.00 (100 hammer + 10 % premium) and 5 % costs of sale
    settings.DISPOSITION_SALE_COST_PERCENT = D("5")
    lot.auction.buyers_premium_percent = D("10")
    lot.auction.save(update_fields=["buyers_premium_percent"])
    invoice = win(lot, bidder_factory(), "100").invoice
    assert invoice.total == D("110.00")
    # When 40.00 arrives, the invoice is part-paid and shows what remains
    _pay(invoice, "40.00", "pi_1")
    invoice.refresh_from_db()
    assert (invoice.status, invoice.amount_paid, invoice.amount_owed) == (InvoiceStatus.PART_PAID, D("40.00"),
                                                                        D("70.00"))
    # And when the rest arrives it is paid, with a collection deadline
    _pay(invoice, "70.00", "pi_2")
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID and invoice.paid_at and invoice.collect_by
    assert invoice.amount_owed == 0
    # Then the bank holds 110, the buyer owes nothing, and the case's escrow holds the net 95.00
    cur = invoice.currency
    asset = lot.assets.get()
    assert account_balance(account_for(purpose=AccountPurpose.BANK, currency=cur)) == D("110.00")
    assert account_balance(account_for(purpose=AccountPurpose.RECEIVABLE, currency=cur)) == D("0.00")
    escrow = account_for(purpose=AccountPurpose.ESCROW, currency=cur, case=asset.case)
    assert account_balance(escrow) == D("-95.00")
    assert account_balance(account_for(purpose=AccountPurpose.PREMIUM_INCOME, currency=cur)) == D("-10.00")
    assert account_balance(account_for(purpose=AccountPurpose.SALE_COSTS, currency=cur)) == D("-5.00")
    sale = JournalEntry.objects.get(idempotency_key=f"sale:{invoice.pk}:{asset.pk}")
    assert sale.source == f"invoice:{invoice.pk}" and sale.asset == asset and "gross 100.00" in sale.memo
    # And each payment's entry names the Stripe event that reported it
    assert set(JournalEntry.objects.filter(idempotency_key__startswith="payment:").values_list("source", flat=True)) \
        == {"stripe_event:evt_pi_1", "stripe_event:evt_pi_2"}
    assert AuctionLogEntry.objects.filter(subject="invoice", subject_id=invoice.pk, to_state="paid").exists()


def test_the_same_charge_reported_twice_is_recorded_once(lot, bidder_factory):
    invoice = win(lot, bidder_factory(), "100").invoice
    first = _pay(invoice, invoice.total, "pi_same")
    again = _pay(invoice, invoice.total, "pi_same")
    assert first.pk == again.pk and first.status == PaymentStatus.CONFIRMED
    invoice.refresh_from_db()
    assert invoice.amount_paid == invoice.total and Payment.objects.count() == 1
    assert Posting.objects.filter(entry__idempotency_key__startswith="payment:").count() == 2


def test_a_confiscated_asset_s_net_goes_to_the_state_fund(lot, bidder_factory):
    asset = lot.assets.get()
    type(asset).objects.filter(pk=asset.pk).update(confiscated_at=lot.ends_at)
    invoice = win(lot, bidder_factory(), "100").invoice
    _pay(invoice, invoice.total, "pi_x")
    fund = account_for(purpose=AccountPurpose.STATE_PROCEEDS, currency=invoice.currency)
    assert account_balance(fund) == -invoice.hammer_price

"""The sale price on the page of an asset sold at auction in a lot of two: its share of the hammer
price, as the sale was posted (disposition.services.postings.sale_shares)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from auctions.services import auctions
from cms.models import AssetPage
from cms.record import asset_page_sync
from common.money import format_money
from custody import services as custody_services
from disposition.models import PaymentMethod
from disposition.services import payments
from tests.auctions.factories import asset_for_sale, make_auction, make_bidder
from tests.disposition.helpers import win

from .test_pages import html_of, text_of

pytestmark = pytest.mark.django_db


def test_each_asset_of_a_lot_shows_its_share_of_the_hammer_price(client, case, case_officer, approver,
                                                                 auction_manager, custodian):
    pair = [asset_for_sale(case=case, officer=case_officer, approver=approver, manager=auction_manager,
                           title=f"Seized car {n}") for n in range(2)]
    auction = make_auction(manager=auction_manager)
    lot = auctions.lot_create(actor=auction_manager, auction=auction, title="Two cars",
                              starting_price=Decimal("100.00"), asset_ids=[asset.pk for asset in pair])
    auctions.auction_schedule(auction_id=auction.pk, actor=auction_manager)
    auctions.auction_publish(auction_id=auction.pk, actor=approver)
    invoice = win(lot, make_bidder(reviewer=auction_manager, auctions=[auction]), "1000").invoice
    payments.payment_record_confirmed(invoice_id=invoice.pk, method=PaymentMethod.CARD, amount=invoice.total,
                                      currency=invoice.currency, stripe_payment_intent_id="pi_lot",
                                      stripe_event_id="evt_lot")
    invoice.refresh_from_db()
    for asset in pair:  # handed over: recorded sold (early, so SOLD with the proceeds in escrow)
        custody_services.asset_record_sale(asset_id=asset.pk, actor=custodian, reason="Handed over",
                                           system_step=True)
        asset_page_sync(asset_id=asset.pk)

    half = invoice.hammer_price / 2
    for asset in pair:
        text = text_of(html_of(client, AssetPage.objects.get(asset=asset).url))
        assert format_money(half, invoice.currency) in text
        assert format_money(invoice.hammer_price, invoice.currency) not in text

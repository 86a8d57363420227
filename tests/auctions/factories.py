"""Builders for auctions tests. Assets reach `for sale` through the custody and valuation services, as
in real life (seizure order, early-sale request, endorsement by another person, court authorisation)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from auctions.models import Auction, BidderProfile, Lot, TermsAcceptance
from auctions.services import auctions, bidders
from custody import services as custody
from tests.factories import AssetFactory, CourtOrderFactory, UserFactory
from valuation import services as valuation

_counter = {"n": 0}


def _next() -> int:
    _counter["n"] += 1
    return _counter["n"]


def asset_for_sale(*, case, officer, approver, manager, title: str = "Seized car", category: str = "vehicle"):
    asset = AssetFactory(case=case, actor=officer, title=title, category=category)
    seizure = CourtOrderFactory(case=case, order_type="seizure", assets=[asset])
    custody.asset_transition(asset_id=asset.pk, transition="seize", actor=officer, order_id=seizure.pk)
    valuation.early_sale_request(asset_id=asset.pk, actor=officer, reason="depreciation",
                                 justification="Loses value fast in storage.")
    valuation.early_sale_endorse(asset_id=asset.pk, actor=approver)
    authorisation = CourtOrderFactory(case=case, order_type="early_sale", assets=[asset])
    valuation.early_sale_parties_notify(actor=officer, asset_id=asset.pk, means="registered_letter",
                                        notified_on=datetime.date.today())
    valuation.early_sale_authorise(asset_id=asset.pk, actor=officer, order_id=authorisation.pk)
    return custody.asset_transition(asset_id=asset.pk, transition="put_up_for_sale", actor=manager)


def make_auction(*, manager, opens_at=None, closes_at=None, **fields) -> Auction:
    now = timezone.now()
    n = _next()
    return auctions.auction_create(
        actor=manager, title=fields.pop("title", f"Auction {n}"), slug=fields.pop("slug", f"auction-{n}"),
        terms="Sold as seen.", opens_at=opens_at or now - datetime.timedelta(hours=1),
        closes_at=closes_at or now + datetime.timedelta(days=2), **fields)


def open_auction_with_lots(*, manager, approver, assets, starting_price="100.00", reserve_price=None,
                           **auction_fields) -> tuple[Auction, list[Lot]]:
    """A published auction, open now, with one lot per asset."""
    auction = make_auction(manager=manager, **auction_fields)
    for asset in assets:
        auctions.lot_create(actor=manager, auction=auction, title=asset.title, starting_price=Decimal(starting_price),
                            reserve_price=Decimal(reserve_price) if reserve_price else None, asset_ids=[asset.pk])
    auctions.auction_schedule(auction_id=auction.pk, actor=manager)
    auctions.auction_publish(auction_id=auction.pk, actor=approver)
    auction.refresh_from_db()
    return auction, list(auction.lots.order_by("number"))


def make_bidder(*, reviewer, auctions=(), username: str | None = None, approve: bool = True, verify: bool = True,
                legal_name: str | None = None, id_number: str | None = None, date_of_birth=None):
    n = _next()
    user = UserFactory(username=username or f"bidder{n}", is_staff=False)
    bidders.bidder_profile_create(
        user=user, legal_name=legal_name or f"Bidder Person {n}", address="1 Main Street", phone="+32 2 555 00 00",
        id_document_type="passport", id_document_number=id_number or f"P{n:07d}",
        date_of_birth=date_of_birth or datetime.date(1980, 1, 1) + datetime.timedelta(days=n))
    if verify:
        bidders.bidder_email_verify(user=user)
    if approve:
        bidders.bidder_profile_approve(profile_id=BidderProfile.objects.get(user=user).pk, actor=reviewer)
    for auction in auctions:
        TermsAcceptance.objects.get_or_create(bidder=user, auction=auction)
    return user

"""Preparing an auction: only for-sale assets, managers schedule, another person publishes."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from auctions.exceptions import NotPermitted, TransitionRefused
from auctions.models import AuctionStatus, BidderStatus, Lot, LotStatus
from auctions.services import auctions, bidders
from tests.auctions.factories import asset_for_sale, make_auction, make_bidder
from tests.factories import AssetFactory

pytestmark = pytest.mark.django_db
D = Decimal


def test_lot_refuses_an_asset_that_is_not_for_sale(case, case_officer, auction_manager):
    # Given an asset that is merely identified
    asset = AssetFactory(case=case, actor=case_officer)
    auction = make_auction(manager=auction_manager)
    # When an auction manager puts it in a lot, then it is refused
    with pytest.raises(TransitionRefused, match="for sale"):
        auctions.lot_create(actor=auction_manager, auction=auction, title="Car", starting_price=D("100"),
                            asset_ids=[asset.pk])
    assert not Lot.objects.exists()


def test_scheduling_refuses_when_an_asset_left_the_for_sale_state(sale_asset, auction_manager):
    from custody import services as custody

    auction = make_auction(manager=auction_manager)
    auctions.lot_create(actor=auction_manager, auction=auction, title="Car", starting_price=D("100"),
                        asset_ids=[sale_asset.pk])
    custody.asset_transition(asset_id=sale_asset.pk, transition="withdraw_from_sale", actor=auction_manager,
                             reason="Owner appealed")
    with pytest.raises(TransitionRefused):
        auctions.auction_schedule(auction_id=auction.pk, actor=auction_manager)


def test_an_asset_cannot_be_in_two_live_lots(sale_asset, auction_manager):
    auction = make_auction(manager=auction_manager)
    auctions.lot_create(actor=auction_manager, auction=auction, title="Car", starting_price=D("100"),
                        asset_ids=[sale_asset.pk])
    with pytest.raises(TransitionRefused):
        auctions.lot_create(actor=auction_manager, auction=auction, title="Car again", starting_price=D("100"),
                            asset_ids=[sale_asset.pk])


def test_reserve_below_starting_price_is_refused(sale_asset, auction_manager):
    auction = make_auction(manager=auction_manager)
    with pytest.raises(ValidationError):
        auctions.lot_create(actor=auction_manager, auction=auction, title="Car", starting_price=D("100"),
                            reserve_price=D("50"), asset_ids=[sale_asset.pk])


def test_database_refuses_reserve_below_start(sale_asset, auction_manager):
    auction = make_auction(manager=auction_manager)
    lot = auctions.lot_create(actor=auction_manager, auction=auction, title="Car", starting_price=D("100"),
                              asset_ids=[sale_asset.pk])
    with pytest.raises(IntegrityError), transaction.atomic():
        Lot.objects.filter(pk=lot.pk).update(reserve_price=D("10"))


def test_approver_publishes_and_lots_open(sale_asset, auction_manager, approver):
    auction = make_auction(manager=auction_manager)
    auctions.lot_create(actor=auction_manager, auction=auction, title="Car", starting_price=D("100"),
                        asset_ids=[sale_asset.pk])
    auctions.auction_schedule(auction_id=auction.pk, actor=auction_manager)
    # The auction manager cannot publish: that is the approver's job
    with pytest.raises(NotPermitted):
        auctions.auction_publish(auction_id=auction.pk, actor=auction_manager)
    auctions.auction_publish(auction_id=auction.pk, actor=approver)
    auction.refresh_from_db()
    assert (auction.status, auction.published_by) == (AuctionStatus.PUBLISHED, approver)
    assert auction.lots.get().status == LotStatus.OPEN


def test_nobody_publishes_what_they_prepared(sale_asset, make_staff):
    from custody import roles

    both = make_staff(roles.AUCTION_MANAGER, username="both")
    both.groups.add(*make_staff(roles.APPROVER, username="tmp").groups.all())
    auction = make_auction(manager=both)
    auctions.lot_create(actor=both, auction=auction, title="Car", starting_price=D("100"), asset_ids=[sale_asset.pk])
    auctions.auction_schedule(auction_id=auction.pk, actor=both)
    with pytest.raises(NotPermitted, match="another approver"):
        auctions.auction_publish(auction_id=auction.pk, actor=both)


def test_case_officer_cannot_create_auctions(case_officer):
    with pytest.raises(NotPermitted):
        make_auction(manager=case_officer)


def test_auction_must_close_after_it_opens(auction_manager):
    from django.utils import timezone

    now = timezone.now()
    with pytest.raises(ValidationError):
        make_auction(manager=auction_manager, opens_at=now, closes_at=now - datetime.timedelta(hours=1))


def test_bidder_review(auction_manager, approver, auditor):
    bidder = make_bidder(reviewer=auction_manager, approve=False)
    profile = bidder.bidder_profile
    assert profile.status == BidderStatus.PENDING
    with pytest.raises(NotPermitted):
        bidders.bidder_profile_approve(profile_id=profile.pk, actor=auditor)
    with pytest.raises(TransitionRefused):
        bidders.bidder_profile_reject(profile_id=profile.pk, actor=auction_manager, reason=" ")
    profile = bidders.bidder_profile_reject(profile_id=profile.pk, actor=auction_manager,
                                            reason="Identity document unreadable")
    assert (profile.status, profile.reviewed_by) == (BidderStatus.REJECTED, auction_manager)
    profile = bidders.bidder_profile_approve(profile_id=profile.pk, actor=auction_manager)
    assert profile.status == BidderStatus.APPROVED and profile.rejection_reason == ""


def test_for_sale_helper_goes_through_custody(case, case_officer, approver, auction_manager):
    asset = asset_for_sale(case=case, officer=case_officer, approver=approver, manager=auction_manager)
    assert asset.status == "for_sale"
    assert asset.custody_events.count() >= 5

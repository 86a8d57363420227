"""Closing lots: idempotent, scheduled task plus sweep, and the rush of 1,000 lots ending at once."""

import datetime
import time
from decimal import Decimal

import pytest
from django.utils import timezone

from auctions import tasks
from auctions.models import Auction, AuctionStatus, Deposit, DepositStatus, IncrementTable, Lot, LotStatus
from auctions.services import auctions, bidding, closing

pytestmark = pytest.mark.django_db
D = Decimal


def test_closing_twice_changes_nothing_the_second_time(lot, bidder_factory):
    alice = bidder_factory()
    bidding.lot_place_bid(lot_id=lot.pk, bidder=alice, max_amount="500")
    first = closing.lot_close(lot_id=lot.pk, now=lot.ends_at)
    version = first.version
    second = closing.lot_close(lot_id=lot.pk, now=lot.ends_at + datetime.timedelta(minutes=5))
    assert (first.status, second.status) == (LotStatus.AWAITING_PAYMENT, LotStatus.AWAITING_PAYMENT)
    assert second.version == version and second.winner == alice
    assert lot.log.filter(action="award").count() == 1


def test_closing_before_the_end_does_nothing(lot):
    closing.lot_close(lot_id=lot.pk, now=lot.ends_at - datetime.timedelta(seconds=1))
    lot.refresh_from_db()
    assert lot.status == LotStatus.OPEN


def test_lot_without_bids_is_unsold(lot):
    assert closing.lot_close(lot_id=lot.pk, now=lot.ends_at).status == LotStatus.UNSOLD


def test_scheduled_task_after_a_soft_close_extension_leaves_the_lot_open(lot, bidder_factory):
    # Given a bid that extended the end
    bidding.lot_place_bid(lot_id=lot.pk, bidder=bidder_factory(), max_amount="500",
                          now=lot.ends_at - datetime.timedelta(seconds=10))
    # When the task scheduled for the original end runs
    closing.lot_close(lot_id=lot.pk, now=lot.original_ends_at + datetime.timedelta(seconds=1))
    # Then the lot is still open until its new end
    lot.refresh_from_db()
    assert lot.status == LotStatus.OPEN and lot.ends_at > lot.original_ends_at


def test_staggered_ends(open_lot_factory):
    auction, lots = open_lot_factory(3)
    gaps = [(b.ends_at - a.ends_at).total_seconds() for a, b in zip(lots, lots[1:], strict=False)]
    assert gaps == [auction.stagger_seconds, auction.stagger_seconds]
    assert lots[0].ends_at == auction.closes_at


def test_sweep_closes_due_lots_and_finalises_the_auction(open_lot_factory, auction_manager,
                                                          django_capture_on_commit_callbacks):
    from tests.auctions.factories import make_bidder

    auction, lots = open_lot_factory(2, deposit_rule="fixed", deposit_amount=D("100.00"))
    winner = make_bidder(reviewer=auction_manager, auctions=[auction])
    loser = make_bidder(reviewer=auction_manager, auctions=[auction])
    for bidder in (winner, loser):
        Deposit.objects.create(bidder=bidder, auction=auction, amount=D("100"), currency="EUR", status="held")
    bidding.lot_place_bid(lot_id=lots[0].pk, bidder=loser, max_amount="200")
    bidding.lot_place_bid(lot_id=lots[0].pk, bidder=winner, max_amount="900")
    after_all = lots[-1].ends_at + datetime.timedelta(seconds=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert closing.lots_close_due(now=after_all) == 2
    auction.refresh_from_db()
    assert auction.status == AuctionStatus.CLOSED
    # The loser's hold is released (no payment intent here: nothing to cancel at Stripe); the winner's stays.
    assert Deposit.objects.get(bidder=loser).status == DepositStatus.RELEASED
    assert Deposit.objects.get(bidder=winner).status == DepositStatus.HELD
    assert closing.lots_close_due(now=after_all) == 0


def test_sweep_task_opens_lots_when_the_auction_opens(case, case_officer, approver, auction_manager):
    from tests.auctions.factories import asset_for_sale, open_auction_with_lots

    asset = asset_for_sale(case=case, officer=case_officer, approver=approver, manager=auction_manager)
    now = timezone.now()
    auction, (lot,) = open_auction_with_lots(manager=auction_manager, approver=approver, assets=[asset],
                                             opens_at=now + datetime.timedelta(minutes=5),
                                             closes_at=now + datetime.timedelta(days=1))
    assert lot.status == LotStatus.SCHEDULED
    assert auctions.lots_open_due(now=now) == 0
    assert auctions.lots_open_due(now=now + datetime.timedelta(minutes=5)) == 1
    lot.refresh_from_db()
    assert lot.status == LotStatus.OPEN


def _thousand_open_lots(auction_manager, approver, ends_at):
    now = timezone.now()
    auction = Auction.objects.create(
        title="Rush", slug="rush", terms="t", opens_at=now - datetime.timedelta(hours=1), closes_at=ends_at,
        created_by=auction_manager, published_by=approver, status="published")
    table = IncrementTable.objects.get(is_default=True)
    Lot.objects.bulk_create([
        Lot(auction=auction, number=i + 1, title=f"Lot {i + 1}", starting_price=D("10"), increment_table=table,
            ends_at=ends_at, original_ends_at=ends_at, status=LotStatus.OPEN, currency="EUR")
        for i in range(1000)
    ])
    return auction


def test_thousand_lots_ending_in_the_same_minute_close_within_a_minute(auction_manager, approver,
                                                                         django_capture_on_commit_callbacks):
    # Given 1,000 open lots ending within the same minute
    ends_at = timezone.now() + datetime.timedelta(hours=1)
    auction = _thousand_open_lots(auction_manager, approver, ends_at)
    # When the sweep task runs once that minute is over
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        closed = closing.lots_close_due(now=ends_at + datetime.timedelta(seconds=59))
    elapsed = time.monotonic() - started
    # Then every one of them is closed, well within the minute
    assert closed == 1000
    assert not Lot.objects.filter(auction=auction, status=LotStatus.OPEN).exists()
    assert elapsed < 60, f"sweep took {elapsed:.1f}s"
    auction.refresh_from_db()
    assert auction.status == AuctionStatus.CLOSED


def test_sweep_task_runs_the_services(lot):
    past = timezone.now() - datetime.timedelta(seconds=1)
    Lot.objects.filter(pk=lot.pk).update(ends_at=past, original_ends_at=past)
    result = tasks.sweep()
    assert result["closed"] == 1
    lot.refresh_from_db()
    assert lot.status == LotStatus.UNSOLD

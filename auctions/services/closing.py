"""Closing: each lot at its end (the leader wins if the reserve is met), the sweep that catches any
lot past its end, and the auction's finalisation once every lot has ended (deposits released)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from common.transitions import save_or_conflict, transition_run

from ..events import auction_log_write
from ..models import Auction, AuctionStatus, Deposit, DepositStatus, Lot, LotStatus
from ..signals import lot_won


def _close_locked(lot: Lot, now: datetime) -> bool:
    """Close a lot whose row the caller holds locked. Returns False when there is nothing to do."""
    if lot.status != LotStatus.OPEN or lot.ends_at is None or lot.ends_at > now:
        return False
    moved = transition_run(lot, "close", save=False)
    if lot.leader_id is not None and lot.reserve_met:
        transition_run(lot, "award", save=False)
        action = "award"
    else:
        transition_run(lot, "mark_unsold", save=False)
        action = "unsold"
    lot.version += 1
    save_or_conflict(lot)
    auction_log_write(subject="lot", obj=lot, action=action, from_state=moved.from_state, to_state=lot.status,
                      auction_id=lot.auction_id, lot_id=lot.pk,
                      note=f"{lot.hammer_price} {lot.currency}" if lot.hammer_price is not None else "")
    if lot.winner_id is not None:
        from .. import tasks

        lot_id, winner_id = lot.pk, lot.winner_id
        # Settlement (disposition) takes it from here, in this same transaction.
        lot_won.send(sender=Lot, lot_id=lot_id, winner_id=winner_id)
        transaction.on_commit(lambda: tasks.notify_won.delay(lot_id=lot_id, user_id=winner_id))
    return True


def lot_close(*, lot_id: int, now: datetime | None = None) -> Lot:
    """Close a lot at its end: the leader wins if the reserve is met (awaiting payment), otherwise
    the lot is unsold. Safe to call any number of times, before the end (it does nothing) or after."""
    with transaction.atomic():
        lot = Lot.objects.select_for_update().get(pk=lot_id)
        closed = _close_locked(lot, now or timezone.now())
    if closed:
        auction_finalise_enqueue(auction_id=lot.auction_id)
    return lot


def lots_close_due(*, now: datetime | None = None, batch: int = 200) -> int:
    """The sweep: close every open lot past its end, in batches. Rows another worker holds are
    skipped (SKIP LOCKED), so several workers can sweep at once without waiting on each other."""
    now = now or timezone.now()
    closed = 0
    auctions: set[int] = set()
    while True:
        with transaction.atomic():
            lots = list(Lot.objects.select_for_update(skip_locked=True)
                        .filter(status=LotStatus.OPEN, ends_at__lte=now).order_by("ends_at", "id")[:batch])
            for lot in lots:
                if _close_locked(lot, now):
                    closed += 1
                    auctions.add(lot.auction_id)
        if len(lots) < batch:
            break
    for auction_id in sorted(auctions):
        auction_finalise_enqueue(auction_id=auction_id)
    return closed


def auction_finalise_enqueue(*, auction_id: int) -> None:
    """Finalise the auction in a worker once the current transaction commits."""
    from .. import tasks

    transaction.on_commit(lambda: tasks.auction_finalise.delay(auction_id=auction_id))


def auction_finalise(*, auction_id: int) -> Auction:
    """When every lot of an auction has ended: close the auction and release the deposits of all
    bidders who won nothing. Idempotent; the Stripe calls happen outside any transaction."""
    with transaction.atomic():
        auction = Auction.objects.select_for_update().get(pk=auction_id)
        if auction.lots.filter(status__in=[LotStatus.DRAFT, LotStatus.SCHEDULED, LotStatus.OPEN]).exists():
            return auction
        if auction.status == AuctionStatus.PUBLISHED:
            moved = transition_run(auction, "close")
            auction_log_write(subject="auction", obj=auction, action="close", moved=moved, auction_id=auction.pk)
        winners = set(auction.lots.filter(winner__isnull=False).values_list("winner_id", flat=True))
        to_release = list(Deposit.objects.filter(auction=auction, status__in=[DepositStatus.HELD,
                                                                                DepositStatus.PENDING,
                                                                                DepositStatus.CARD_SAVED])
                          .exclude(bidder_id__in=winners).values_list("pk", flat=True))
    from .. import tasks

    for deposit_id in to_release:
        tasks.deposit_release.delay(deposit_id=deposit_id)
    return auction

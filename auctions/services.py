"""Every change to auctions, lots, bidders, bids and deposits goes through these functions."""

from __future__ import annotations

import functools
import hashlib
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from common.transitions import require_perm, save_or_conflict, transition_run
from custody.models import Asset, AssetStatus

from . import engine, selectors
from .events import auction_log_write
from .exceptions import (
    BidRefused,
    DepositError,
    DomainError,
    LotNotOpen,
    NotEligible,
    NotPermitted,
    TransitionRefused,
)
from .models import (
    ApiToken,
    Auction,
    AuctionStatus,
    Bid,
    BidderProfile,
    Deposit,
    DepositStatus,
    Lot,
    LotAsset,
    LotStatus,
    OutbidNotice,
    ScreeningEntry,
    StripeEvent,
    TermsAcceptance,
    WatchlistItem,
)

log = logging.getLogger(__name__)


# --------------------------------------------------------------------------------------------
# Auctions and lots
# --------------------------------------------------------------------------------------------


@transaction.atomic
def auction_create(*, actor, **fields: Any) -> Auction:
    require_perm(actor, "auctions.add_auction")
    auction = Auction(created_by=actor, **fields)
    auction.full_clean(exclude=["status"])
    auction.save()
    auction_log_write(subject="auction", obj=auction, action="create", to_state=auction.status, actor=actor,
                      auction_id=auction.pk)
    return auction


def _check_assets_for_sale(assets: list[Asset]) -> None:
    wrong = [a.reference for a in assets if a.status != AssetStatus.FOR_SALE]
    if wrong:
        raise TransitionRefused(
            _("Only assets that are for sale can be auctioned; not: %(refs)s.") % {"refs": ", ".join(wrong)})


def _assets_in_other_lots(asset_ids: list[int], lot_id: int | None) -> list[str]:
    qs = LotAsset.objects.filter(asset_id__in=asset_ids).exclude(
        lot__status__in=[LotStatus.UNSOLD, LotStatus.CANCELLED])
    if lot_id is not None:
        qs = qs.exclude(lot_id=lot_id)
    return list(qs.values_list("asset__reference", flat=True))


@transaction.atomic
def lot_create(*, actor, auction: Auction, title: str, starting_price: Decimal, asset_ids: list[int],
               reserve_price: Decimal | None = None, increment_table=None, number: int | None = None,
               description: str = "") -> Lot:
    """Add a lot of for-sale assets to a draft auction."""
    require_perm(actor, "auctions.add_lot")
    auction = Auction.objects.select_for_update().get(pk=auction.pk)
    if auction.status != AuctionStatus.DRAFT:
        raise TransitionRefused(_("Lots can only be added while the auction is a draft."))
    if not asset_ids:
        raise ValidationError(_("A lot holds at least one asset."))
    assets = list(Asset.objects.filter(pk__in=asset_ids).order_by("pk"))
    if len(assets) != len(set(asset_ids)):
        raise ValidationError(_("Some of these assets do not exist."))
    _check_assets_for_sale(assets)
    taken = _assets_in_other_lots(asset_ids, None)
    if taken:
        raise TransitionRefused(_("Already in another lot: %(refs)s.") % {"refs": ", ".join(taken)})
    if number is None:
        number = (auction.lots.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    table = increment_table or selectors.default_increment_table()
    by_id = {a.pk: a for a in assets}
    lot = Lot(auction=auction, number=number, title=title, description=description,
              category=by_id[asset_ids[0]].category, currency=auction.currency, starting_price=starting_price,
              reserve_price=reserve_price, increment_table=table)
    lot.full_clean(exclude=["status"])
    if reserve_price is not None and reserve_price < starting_price:
        raise ValidationError({"reserve_price": _("The reserve cannot be below the starting price.")})
    lot.save()
    LotAsset.objects.bulk_create([LotAsset(lot=lot, asset_id=a, position=i) for i, a in enumerate(asset_ids)])
    auction_log_write(subject="lot", obj=lot, action="create", to_state=lot.status, actor=actor, auction_id=auction.pk,
                      lot_id=lot.pk)
    return lot


@transaction.atomic
def auction_schedule(*, auction_id: int, actor) -> Auction:
    """An auction manager schedules a draft auction: every lot gets its staggered end (lot N ends
    `stagger_seconds` after lot N-1) and waits for an approver to publish it."""
    auction = Auction.objects.select_for_update().get(pk=auction_id)
    lots = list(auction.lots.select_for_update().exclude(status=LotStatus.CANCELLED).order_by("number"))
    if not lots:
        raise TransitionRefused(_("An auction needs at least one lot."))
    if auction.closes_at <= timezone.now():
        raise TransitionRefused(_("The closing time has already passed."))
    _check_assets_for_sale(list(Asset.objects.filter(lot_assets__lot__in=lots).distinct()))
    moved = transition_run(auction, "schedule", actor=actor)
    auction_log_write(subject="auction", obj=auction, action="schedule", moved=moved, actor=actor,
                      auction_id=auction.pk)
    for i, lot in enumerate(lots):
        lot.ends_at = lot.original_ends_at = auction.closes_at + timedelta(seconds=i * auction.stagger_seconds)
        lot_moved = transition_run(lot, "schedule", actor=actor)
        auction_log_write(subject="lot", obj=lot, action="schedule", moved=lot_moved, actor=actor,
                          auction_id=auction.pk, lot_id=lot.pk)
    return auction


@transaction.atomic
def auction_publish(*, auction_id: int, actor, now: datetime | None = None) -> Auction:
    """An approver — never the auction's creator — publishes a scheduled auction. Its lots open at
    the opening time (at once if it has passed); a closing task is scheduled for each lot."""
    now = now or timezone.now()
    auction = Auction.objects.select_for_update().get(pk=auction_id)
    if auction.created_by_id == actor.pk:
        raise NotPermitted(_("You prepared this auction: another approver must publish it."))
    lots = list(auction.lots.select_for_update().filter(status=LotStatus.SCHEDULED))
    _check_assets_for_sale(list(Asset.objects.filter(lot_assets__lot__in=lots).distinct()))
    auction.published_by = actor
    moved = transition_run(auction, "publish", actor=actor)
    auction_log_write(subject="auction", obj=auction, action="publish", moved=moved, actor=actor, auction_id=auction.pk)
    if auction.opens_at <= now:
        _open_lots(lots, actor=actor)
    from . import tasks

    ends = [(lot.pk, lot.ends_at) for lot in lots]
    opens_at = auction.opens_at
    transaction.on_commit(lambda: tasks.schedule_lot_tasks(auction_id=auction_id, opens_at=opens_at, ends=ends))
    return auction


def _open_lots(lots: list[Lot], *, actor=None) -> None:
    for lot in lots:
        moved = transition_run(lot, "open")
        auction_log_write(subject="lot", obj=lot, action="open", moved=moved, actor=actor, auction_id=lot.auction_id,
                          lot_id=lot.pk)


@transaction.atomic
def lots_open_due(*, now: datetime | None = None, batch: int = 500) -> int:
    """Open the scheduled lots of published auctions whose opening time has come."""
    now = now or timezone.now()
    lots = list(Lot.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(status=LotStatus.SCHEDULED, auction__status=AuctionStatus.PUBLISHED,
                        auction__opens_at__lte=now)
                .order_by("id")[:batch])
    _open_lots(lots)
    return len(lots)


@transaction.atomic
def lot_cancel(*, lot_id: int, actor, reason: str) -> Lot:
    if not (reason or "").strip():
        raise TransitionRefused(_("Give a reason for cancelling the lot."))
    lot = Lot.objects.select_for_update().get(pk=lot_id)
    moved = transition_run(lot, "cancel", actor=actor, save=False)
    lot.version += 1
    save_or_conflict(lot)
    auction_log_write(subject="lot", obj=lot, action="cancel", moved=moved, actor=actor, note=reason.strip(),
                      auction_id=lot.auction_id, lot_id=lot.pk)
    auction_id = lot.auction_id
    transaction.on_commit(lambda: _enqueue_auction_finalise(auction_id))
    return lot


# --------------------------------------------------------------------------------------------
# Bidders
# --------------------------------------------------------------------------------------------


@transaction.atomic
def bidder_profile_create(*, user, legal_name: str, address: str, phone: str, id_document_type: str,
                          id_document_number: str, date_of_birth=None, country: str = "",
                          id_document_file=None) -> BidderProfile:
    """A member of the public signs up as a bidder; the profile waits for an auction manager."""
    if user.is_staff:
        raise NotEligible(_("Agency staff cannot register as bidders."))
    profile = BidderProfile(user=user, legal_name=legal_name.strip(), address=address.strip(), phone=phone.strip(),
                            id_document_type=id_document_type, id_document_number=id_document_number.strip(),
                            date_of_birth=date_of_birth, country=country)
    if id_document_file is not None:
        profile.id_document_file = id_document_file
    profile.full_clean(exclude=["status", "user"])
    profile.save()
    auction_log_write(subject="bidder", obj=profile, action="sign_up", to_state=profile.status, actor=user)
    return profile


@transaction.atomic
def bidder_email_verify(*, user) -> BidderProfile:
    profile = BidderProfile.objects.select_for_update().get(user=user)
    if profile.email_verified_at is None:
        profile.email_verified_at = timezone.now()
        profile.save(update_fields=["email_verified_at", "updated_at"])
        auction_log_write(subject="bidder", obj=profile, action="verify_email", actor=user)
    return profile


@transaction.atomic
def bidder_profile_approve(*, profile_id: int, actor) -> BidderProfile:
    profile = BidderProfile.objects.select_for_update().get(pk=profile_id)
    if profile.user_id == actor.pk:
        raise NotPermitted(_("Nobody reviews their own bidder profile."))
    moved = transition_run(profile, "approve", actor=actor, save=False)
    profile.reviewed_by, profile.reviewed_at = actor, timezone.now()
    save_or_conflict(profile)
    auction_log_write(subject="bidder", obj=profile, action="approve", moved=moved, actor=actor)
    return profile


@transaction.atomic
def bidder_profile_reject(*, profile_id: int, actor, reason: str) -> BidderProfile:
    profile = BidderProfile.objects.select_for_update().get(pk=profile_id)
    if profile.user_id == actor.pk:
        raise NotPermitted(_("Nobody reviews their own bidder profile."))
    profile.rejection_reason = (reason or "").strip()
    if not profile.rejection_reason:
        raise TransitionRefused(_("Give the bidder a reason for the rejection."))
    moved = transition_run(profile, "reject", actor=actor, save=False)
    profile.reviewed_by, profile.reviewed_at = actor, timezone.now()
    save_or_conflict(profile)
    auction_log_write(subject="bidder", obj=profile, action="reject", moved=moved, actor=actor,
                      note=profile.rejection_reason)
    return profile


@transaction.atomic
def terms_accept(*, bidder, auction_id: int, ip_address: str | None = None) -> TermsAcceptance:
    auction = Auction.objects.get(pk=auction_id, status=AuctionStatus.PUBLISHED)
    acceptance, _created = TermsAcceptance.objects.get_or_create(
        bidder=bidder, auction=auction, defaults={"ip_address": ip_address})
    return acceptance


@transaction.atomic
def screening_entry_add(*, actor, name: str, reason: str, identity_number: str = "", date_of_birth=None,
                        case=None) -> ScreeningEntry:
    require_perm(actor, "auctions.add_screeningentry")
    entry = ScreeningEntry(name=name.strip(), identity_number=identity_number.strip(), date_of_birth=date_of_birth,
                           reason=reason.strip(), case=case, added_by=actor)
    entry.full_clean(exclude=["added_by"])
    if not entry.identity_number and entry.date_of_birth is None:
        raise ValidationError(_("Give an identity number or a date of birth, so that the person can be matched."))
    entry.save()
    return entry


@transaction.atomic
def watchlist_add(*, user, lot_id: int) -> WatchlistItem:
    lot = Lot.objects.get(pk=lot_id, status__in=selectors.PUBLIC_LOT_STATES)
    item, _created = WatchlistItem.objects.get_or_create(user=user, lot=lot)
    return item


@transaction.atomic
def watchlist_remove(*, user, lot_id: int) -> None:
    WatchlistItem.objects.filter(user=user, lot_id=lot_id).delete()


# --------------------------------------------------------------------------------------------
# Bidding
# --------------------------------------------------------------------------------------------


ELIGIBILITY_MESSAGES = {
    "not_approved": _("Only approved bidders with a verified e-mail address can bid."),
    "not_eligible": _("You are not eligible to bid on this lot."),
    "terms_not_accepted": _("Accept the terms of this auction before bidding."),
    "deposit_required": _("This auction requires a deposit before you can bid."),
}


@dataclass(frozen=True)
class BidResult:
    lot: Lot
    bid: Bid
    leading: bool
    next_minimum_bid: Decimal
    outbid_user_id: int | None
    notice_queued: bool = False  # a new outbid notice waits to be sent (none was pending for that bidder)


def lot_place_bid(*, lot_id: int, bidder, max_amount: Decimal | str, now: datetime | None = None,
                  generation: int | None = None, throttle: bool = False) -> BidResult:
    """A bidder gives a maximum on a lot; the engine bids for them by increments.

    Checks that need no lock come first: the amount, the bidder's eligibility (approved, e-mail
    verified, terms accepted, deposit held, not screened out, not staff). Then the lot row is locked
    for the step that reads and writes the bidding state, so bids on one lot are applied one at a
    time, in commit order. A bid at or after the lot's end is refused however close; an accepted bid
    in the soft-close window extends the end (up to the cap). Every bid is recorded, refused ones too.
    With throttle (the public site and the API), a bidder placing more than AUCTIONS_BID_RATE_LIMIT
    bids within AUCTIONS_BID_RATE_WINDOW_SECONDS is refused with "rate_limited" (429) before anything
    is read from the database; the count is kept in the shared cache, across web nodes.

    The locked step is one call of the database function `auctions_place_bid` (auctions/sql/place_bid.sql),
    so the lock is held for one round trip. It follows the rules of `engine`, the executable
    specification; tests/auctions/test_engine_sql.py checks that it does, bid after bid.
    """
    try:
        amount = engine.parse_amount(max_amount)
    except engine.BidRejected as exc:
        raise BidRefused(str(exc), code=exc.code) from None
    if bidder is None or not bidder.is_authenticated:
        raise NotEligible(ELIGIBILITY_MESSAGES["not_approved"], code="not_approved")

    if generation is None:
        generation = selectors.eligibility_generation()
    if bidder.is_staff:
        raise NotEligible(ELIGIBILITY_MESSAGES["not_eligible"])
    limit = settings.AUCTIONS_BID_RATE_LIMIT if throttle else 0
    info, eligibility, count = selectors.bid_preflight(
        user_id=bidder.pk, lot_id=lot_id, generation=generation,
        count_window=settings.AUCTIONS_BID_RATE_WINDOW_SECONDS if limit > 0 else 0)
    if count is not None and count > limit:
        raise BidRefused(_("Too many bids; wait a few seconds and try again."), code="rate_limited", status=429)
    if info is None:
        raise BidRefused(_("There is no such lot."), code="not_found", status=404)
    refusal = eligibility.refusal(deposit_required=info.deposit_required)
    if refusal:
        raise NotEligible(ELIGIBILITY_MESSAGES[refusal], code=refusal)

    result = _place_bid_in_database(lot_id=lot_id, bidder=bidder, amount=amount, now=now)
    if result.notice_queued:
        transaction.on_commit(_outbid_notices_kick)
    return result


def _refusal(code: str, minimum: Decimal | None) -> BidRefused:
    """The exception for a refusal code of the locked step."""
    if code == "lot_not_open":
        return LotNotOpen(_("This lot is not open for bids."))
    if code == "lot_ended":
        return LotNotOpen(_("Bidding on this lot has ended."), code="lot_ended")
    if code == "not_found":
        return BidRefused(_("There is no such lot."), code="not_found", status=404)
    if code == "below_minimum":
        return BidRefused(_("The next minimum bid is %(amount)s.") % {"amount": minimum}, code=code,
                          extra={"next_minimum_bid": f"{minimum:.2f}"})
    if code == "not_above_own_maximum":
        return BidRefused(_("You already lead; a new maximum must exceed your current one."), code=code)
    return BidRefused(code=code)


# The function's result: eight fields about the bid, then the lot's columns as they are now.
_PLACE_BID_LOT_FIELDS = ("id", "auction_id", "number", "title", "category", "status", "currency", "starting_price",
                         "reserve_price", "increment_table_id", "current_price", "leader_id", "leader_max",
                         "leader_pseudonym", "bid_count", "reserve_met", "ends_at", "original_ends_at",
                         "pseudonym_seq", "version")
_PLACE_BID_SQL = ("SELECT o_refusal, o_minimum, o_next_minimum, o_bid_id, o_previous_leader, o_public, o_placed_at, "
                  "o_notice_new, " + ", ".join(_PLACE_BID_LOT_FIELDS) + " FROM auctions_place_bid(%s, %s, %s, %s)")
_PLACE_BID_META = 8


@functools.cache
def _lot_fields_in_model_order() -> list[str]:
    return [f.attname for f in Lot._meta.concrete_fields if f.attname in _PLACE_BID_LOT_FIELDS]


def _place_bid_in_database(*, lot_id: int, bidder, amount: Decimal, now: datetime | None) -> BidResult:
    with connection.cursor() as cursor:
        cursor.execute(_PLACE_BID_SQL, [lot_id, bidder.pk, amount, now])
        row = cursor.fetchone()
    refusal, minimum, next_minimum, bid_id, previous_leader, public, placed_at, notice_new = row[:_PLACE_BID_META]
    if refusal:
        raise _refusal(refusal, minimum)
    # from_db wants the values in the model's field order; the fields not returned stay deferred.
    values = dict(zip(_PLACE_BID_LOT_FIELDS, row[_PLACE_BID_META:], strict=True))
    fields = _lot_fields_in_model_order()
    lot = Lot.from_db(connection.alias, fields, [values[name] for name in fields])
    bid = Bid(id=bid_id, lot_id=lot_id, bidder=bidder, max_amount=amount, placed_at=placed_at, accepted=True,
              seq=lot.bid_count, price_after=lot.current_price, leader_after_id=lot.leader_id,
              leader_pseudonym=lot.leader_pseudonym, public=public)
    bid._state.adding = False
    outbid = previous_leader if previous_leader is not None and previous_leader != lot.leader_id else None
    return BidResult(lot=lot, bid=bid, leading=lot.leader_id == bidder.pk, next_minimum_bid=next_minimum,
                     outbid_user_id=outbid, notice_queued=bool(notice_new))


# --------------------------------------------------------------------------------------------
# Outbid notices (a transactional outbox: see models.OutbidNotice)
# --------------------------------------------------------------------------------------------

_OUTBID_KICK_KEY = "auctions:outbid-notices-kick"


def _outbid_notices_kick() -> None:
    """Ask a worker to send the pending outbid notices: at most one task a second, whatever the
    bid rate (the notices wait in the database; the minute sweep sends any a lost task left)."""
    from . import tasks

    if settings.CELERY_TASK_ALWAYS_EAGER:
        tasks.send_outbid_notices.delay()
        return
    if cache.add(_OUTBID_KICK_KEY, 1, timeout=1):
        tasks.send_outbid_notices.apply_async(countdown=1)


def outbid_notices_send(*, send: Callable[[OutbidNotice], None], batch: int = 50) -> int:
    """Send pending outbid notices, oldest first, with `send(notice)`; safe to run in several workers
    at once (each claims its rows with SKIP LOCKED, and locks only the notices, never a lot). A
    bidder who leads again by now is not told. An e-mail that fails (a refused address, say) is
    recorded on its notice and not tried again, and does not stop or undo the others. Returns the
    number of e-mails sent."""
    sent = 0
    while True:
        with transaction.atomic():
            notices = list(OutbidNotice.objects.select_for_update(skip_locked=True, of=("self",))
                           .filter(sent_at__isnull=True).select_related("lot", "user")
                           .order_by("created_at")[:batch])
            if not notices:
                return sent
            for notice in notices:
                notice.sent_at = timezone.now()
                notice.skipped = notice.lot.leader_id == notice.user_id or not notice.user.email
                if notice.skipped:
                    continue
                try:
                    send(notice)
                except Exception as exc:  # noqa: BLE001 - one bad address must not hold up the rest
                    log.warning("outbid notice %s to user %s not sent: %s", notice.pk, notice.user_id, exc)
                    notice.error = f"{type(exc).__name__}: {exc}"[:300]
                else:
                    sent += 1
            OutbidNotice.objects.bulk_update(notices, ["sent_at", "skipped", "error"])
        if len(notices) < batch:
            return sent


# --------------------------------------------------------------------------------------------
# Closing
# --------------------------------------------------------------------------------------------


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
        from . import tasks

        lot_id, winner_id = lot.pk, lot.winner_id
        transaction.on_commit(lambda: tasks.notify_won.delay(lot_id=lot_id, user_id=winner_id))
    return True


def lot_close(*, lot_id: int, now: datetime | None = None) -> Lot:
    """Close a lot at its end: the leader wins if the reserve is met (awaiting payment), otherwise
    the lot is unsold. Safe to call any number of times, before the end (it does nothing) or after."""
    with transaction.atomic():
        lot = Lot.objects.select_for_update().get(pk=lot_id)
        closed = _close_locked(lot, now or timezone.now())
    if closed:
        _enqueue_auction_finalise(lot.auction_id)
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
        _enqueue_auction_finalise(auction_id)
    return closed


def _enqueue_auction_finalise(auction_id: int) -> None:
    from . import tasks

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
                                                                                DepositStatus.PENDING])
                          .exclude(bidder_id__in=winners).values_list("pk", flat=True))
    from . import tasks

    for deposit_id in to_release:
        tasks.deposit_release.delay(deposit_id=deposit_id)
    return auction


# --------------------------------------------------------------------------------------------
# Deposits (Stripe card holds)
# --------------------------------------------------------------------------------------------


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


def stripe_event_receive(*, payload: bytes, signature: str) -> StripeEvent:
    """A webhook call, in dj-stripe's order: store the raw event, verify Stripe's signature, then
    process each genuine event id once. The outcome (or the refusal) is recorded on the stored row."""
    import json

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


# --------------------------------------------------------------------------------------------
# API tokens
# --------------------------------------------------------------------------------------------


def _hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


@transaction.atomic
def api_token_create(*, user) -> tuple[ApiToken, str]:
    """A new bearer token. The key is returned once; only its hash is stored."""
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, key_hash=_hash_key(key), prefix=key[:8])
    return token, key


def api_token_authenticate(key: str):
    """The active user a bearer key belongs to (or None), and the eligibility generation that was
    current when it was checked. Records the token's use at most once a minute. The user is cached
    for a minute stamped with the generation, read together with it in one round trip, so any
    change to a user, and revocation, take effect at once."""
    if not key or len(key) > 200:
        return None, selectors.eligibility_generation()
    key_hash = _hash_key(key)
    cache_key = f"auctions:token:{key_hash}"
    generation, user = selectors.generation_and_cached(cache_key)
    if user is not None:
        return user, generation
    token = (ApiToken.objects.select_related("user").filter(key_hash=key_hash, revoked_at__isnull=True)
             .first())
    if token is None or not token.user.is_active:
        return None, generation
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    selectors.cache_under_generation(cache_key, generation, token.user, 60)
    return token.user, generation


@transaction.atomic
def api_token_revoke(*, user, token_id: int) -> None:
    ApiToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    selectors.bump_eligibility_generation()
    transaction.on_commit(selectors.bump_eligibility_generation)


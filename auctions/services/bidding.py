"""Bidding: a bidder's maximum on a lot, checked and applied in one locked step in the database, and
the outbid notices it leaves in an outbox for a worker to send."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common import metrics
from common.money import decimals_refusal

from .. import engine, selectors
from ..exceptions import BidRefused, LotNotOpen, NotEligible
from ..models import Bid, Lot, OutbidNotice

log = logging.getLogger(__name__)


ELIGIBILITY_MESSAGES = {
    "not_approved": _("Only approved bidders with a verified e-mail address can bid."),
    "not_eligible": _("You are not eligible to bid on this lot."),
    "terms_not_accepted": _("Accept the terms of this auction before bidding."),
    "deposit_required": _("This auction requires a deposit before you can bid."),
    "suspended": _("Your bidding is suspended: you did not pay for won lots by their deadline. "
                   "Your account page says more."),
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

    Every outcome is counted for the monitoring system (common.metrics.BIDS: accepted, or refused
    by reason).
    """
    try:
        result = _lot_place_bid(lot_id=lot_id, bidder=bidder, max_amount=max_amount, now=now,
                                generation=generation, throttle=throttle)
    except BidRefused as exc:
        metrics.bid_counted(accepted=False, reason=exc.code)
        raise
    metrics.bid_counted(accepted=True)
    return result


def _lot_place_bid(*, lot_id: int, bidder, max_amount: Decimal | str, now: datetime | None,
                   generation: int | None, throttle: bool) -> BidResult:
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
    if (too_precise := decimals_refusal(amount, info.currency)) is not None:  # "15000.5" for a JPY lot
        raise BidRefused(too_precise, code="too_many_decimals")
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


# The function's result: nine fields about the bid, then the lot's columns as they are now.
_PLACE_BID_LOT_FIELDS = ("id", "auction_id", "number", "title", "category", "status", "currency", "starting_price",
                         "reserve_price", "increment_table_id", "current_price", "leader_id", "leader_max",
                         "leader_pseudonym", "bid_count", "reserve_met", "ends_at", "original_ends_at",
                         "pseudonym_seq", "version")
_PLACE_BID_SQL = ("SELECT o_refusal, o_minimum, o_next_minimum, o_bid_id, o_previous_leader, o_public, o_placed_at, "
                  "o_notice_new, o_seq, " + ", ".join(_PLACE_BID_LOT_FIELDS)
                  + " FROM auctions_place_bid(%s, %s, %s, %s)")
_PLACE_BID_META = 9


@functools.cache
def _lot_fields_in_model_order() -> list[str]:
    return [f.attname for f in Lot._meta.concrete_fields if f.attname in _PLACE_BID_LOT_FIELDS]


def _place_bid_in_database(*, lot_id: int, bidder, amount: Decimal, now: datetime | None) -> BidResult:
    with connection.cursor() as cursor:
        cursor.execute(_PLACE_BID_SQL, [lot_id, bidder.pk, amount, now])
        row = cursor.fetchone()
    refusal, minimum, next_minimum, bid_id, previous_leader, public, placed_at, notice_new, seq = row[:_PLACE_BID_META]
    if refusal:
        raise _refusal(refusal, minimum)
    # from_db wants the values in the model's field order; the fields not returned stay deferred.
    values = dict(zip(_PLACE_BID_LOT_FIELDS, row[_PLACE_BID_META:], strict=True))
    fields = _lot_fields_in_model_order()
    lot = Lot.from_db(connection.alias, fields, [values[name] for name in fields])
    bid = Bid(id=bid_id, lot_id=lot_id, bidder=bidder, max_amount=amount, placed_at=placed_at, accepted=True,
              seq=seq, price_after=lot.current_price, leader_after_id=lot.leader_id,
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
    from .. import tasks

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

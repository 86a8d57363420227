"""Celery tasks of the auctions app. Each takes ids, calls a service, and is safe to run twice."""

from __future__ import annotations

import logging
from datetime import datetime

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from common.money import format_money
from common.urls import absolute_url

from .exceptions import DepositError
from .models import Lot, LotStatus
from .services import auctions, bidding, closing, deposits, privacy

log = logging.getLogger(__name__)


# Acknowledged once done, and given back to the queue when the pool process running it dies (killed,
# out of memory), not only when the whole worker does: the next process closes the lot at once rather
# than the minute sweep. Closing is idempotent, so a task given back after its commit changes nothing.
@shared_task(ignore_result=True, swept=True,  # swept: left to the sweep when the broker is down
             acks_late=True, reject_on_worker_lost=True)
def close_lot(*, lot_id: int) -> None:
    """Scheduled at a lot's end. If soft close has moved the end meanwhile, the lot stays open and
    this task schedules itself again for the new end (bids never queue tasks themselves); the
    periodic sweep catches anything missed."""
    lot = closing.lot_close(lot_id=lot_id)
    if lot.status == LotStatus.OPEN and lot.ends_at is not None and lot.ends_at > timezone.now():
        schedule_lot_close(lot_id=lot_id, ends_at=lot.ends_at)


@shared_task(ignore_result=True)
def sweep() -> dict:
    """Every minute (beat): open lots whose auction has opened, close lots past their end."""
    opened = auctions.lots_open_due()
    closed = closing.lots_close_due()
    bidding.outbid_notices_send(send=_send_outbid_mail)
    if opened or closed:
        log.info("auctions sweep: opened %s, closed %s lots", opened, closed)
    return {"opened": opened, "closed": closed}


@shared_task(ignore_result=True, swept=True)  # swept: left to the sweep when the broker is down
def open_due_lots() -> None:
    auctions.lots_open_due()


@shared_task(ignore_result=True)
def auction_finalise(*, auction_id: int) -> None:
    closing.auction_finalise(auction_id=auction_id)


@shared_task(ignore_result=True, autoretry_for=(DepositError,), retry_backoff=True, max_retries=8)
def deposit_release(*, deposit_id: int) -> None:
    deposits.deposit_release(deposit_id=deposit_id)


@shared_task(ignore_result=True)
def deposits_replace_lapsing() -> list[int]:
    """Every hour (beat): card holds that would lapse before their lot is settled are replaced by the
    saved card. A Stripe failure is recorded on the deposit and tried again on the next run."""
    return deposits.deposits_replace_lapsing()


def schedule_lot_close(*, lot_id: int, ends_at: datetime) -> None:
    """Queue the closing of a lot at its end time (plus a second, so the end has passed)."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return  # no broker: the sweep (or a direct call) closes lots
    close_lot.apply_async(kwargs={"lot_id": lot_id}, eta=ends_at + timezone.timedelta(seconds=1))


def schedule_lot_tasks(*, auction_id: int, opens_at: datetime, ends: list[tuple[int, datetime]]) -> None:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return
    if opens_at > timezone.now():
        open_due_lots.apply_async(eta=opens_at)
    for lot_id, ends_at in ends:
        schedule_lot_close(lot_id=lot_id, ends_at=ends_at)


def _lot_url(lot: Lot) -> str:
    """The lot's public page (auctions:lot_detail) as an absolute link for e-mails."""
    from django.urls import NoReverseMatch, reverse

    try:
        path = reverse("auctions:lot_detail", args=[lot.pk])
    except NoReverseMatch:
        path = f"/api/v1/lots/{lot.pk}/"
    return absolute_url(path)


@shared_task(ignore_result=True, swept=True)  # swept: left to the sweep when the broker is down
def send_outbid_notices() -> int:
    """Send the pending outbid e-mails (kicked at most once a second by bids; the sweep runs it too)."""
    return bidding.outbid_notices_send(send=_send_outbid_mail)


def _send_outbid_mail(notice) -> None:
    lot, user = notice.lot, notice.user
    with translation.override(settings.LANGUAGE_CODE):
        send_mail(
            _("You have been outbid on lot %(number)s") % {"number": lot.number},
            _("Another bidder has outbid you on “%(title)s”. The current price is %(price)s.\n\n"
              "Bid again: %(url)s") % {"title": lot.title, "price": format_money(lot.current_price, lot.currency),
                                        "url": _lot_url(lot)},
            settings.DEFAULT_FROM_EMAIL, [user.email], fail_silently=False,
        )


@shared_task(ignore_result=True)
def notify_won(*, lot_id: int, user_id: int) -> None:
    lot = Lot.objects.filter(pk=lot_id, winner_id=user_id).first()
    user = get_user_model().objects.filter(pk=user_id).first()
    if lot is None or user is None or not user.email:
        return
    with translation.override(settings.LANGUAGE_CODE):
        send_mail(
            _("You won lot %(number)s") % {"number": lot.number},
            _("You won “%(title)s” for %(price)s. We will send you the invoice and the payment "
              "instructions.\n\n%(url)s") % {"title": lot.title, "price": format_money(lot.hammer_price, lot.currency),
                                             "url": _lot_url(lot)},
            settings.DEFAULT_FROM_EMAIL, [user.email], fail_silently=False,
        )


# ---- Stripe webhook events -------------------------------------------------------------------
# Acknowledged only once processed, and given back to the queue when the worker dies half-way: the
# event is then processed by the next worker, in one transaction with its effect, exactly once.


@shared_task(ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def stripe_event_process(*, stored_id: int) -> None:
    deposits.stripe_event_process(stored_id=stored_id)


@shared_task(ignore_result=True)
def bidder_records_expire() -> dict[str, int]:
    """Every night (beat): the personal data still held by erased accounts' records past retention is
    cut (auctions.services.privacy); a record already cut is left alone, so running twice is safe."""
    return privacy.bidder_records_expire()


@shared_task(ignore_result=True)
def stripe_events_refused_prune() -> int:
    return deposits.stripe_event_refused_prune()

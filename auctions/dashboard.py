"""The auctions' share of the staff dashboard: bidders to review, auctions to schedule and publish,
won lots awaiting payment, for the roles that take those steps."""

from __future__ import annotations

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from common.admin.dashboard import Queue

from . import selectors
from .models import AuctionStatus, LotStatus


def _listing(url_name: str, **params) -> str:
    return f"{reverse(url_name)}?{urlencode(params)}"


def queues(user) -> list[Queue]:
    result = []
    if user.has_perms(["auctions.view_bidderprofile", "auctions.review_bidder"]):
        result.append(Queue(_("Bidders to approve"), selectors.bidders_to_review_count(),
                            _listing("auctions_bidders:index", to_review="true")))
    auction_queues = []
    if user.has_perms(["auctions.view_auction", "auctions.schedule_auction"]):
        auction_queues.append((AuctionStatus.DRAFT, _("Draft auctions to schedule")))
    if user.has_perms(["auctions.view_auction", "auctions.publish_auction"]):
        auction_queues.append((AuctionStatus.SCHEDULED, _("Scheduled auctions to publish")))
    if auction_queues:
        counts = selectors.auction_counts(status for status, _label in auction_queues)
        result += [Queue(label, counts[status], _listing("auctions_auctions:index", status=status))
                   for status, label in auction_queues]
    if user.has_perms(["auctions.view_lot", "auctions.change_lot"]):
        counts = selectors.lot_counts([LotStatus.AWAITING_PAYMENT])
        result.append(Queue(_("Won lots awaiting payment"), counts[LotStatus.AWAITING_PAYMENT],
                            _listing("auctions_lots:index", status=LotStatus.AWAITING_PAYMENT)))
    return result

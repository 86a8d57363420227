from __future__ import annotations

from auctions.services import bidding, closing
from disposition.models import Award


def win(lot, bidder, amount: str = "500") -> Award:
    """The bidder bids and the lot closes at its end through the real closing service."""
    bidding.lot_place_bid(lot_id=lot.pk, bidder=bidder, max_amount=amount)
    lot.refresh_from_db()
    closing.lot_close(lot_id=lot.pk, now=lot.ends_at)
    return Award.objects.get(lot=lot)

"""Signals auctions sends to the layers above it (which auctions never imports)."""

from __future__ import annotations

from django.dispatch import Signal

# A lot closed with a winner (status "awaiting payment"). Sent inside the closing transaction,
# with the lot's row still locked: a receiver's writes commit or roll back with the close itself,
# so a won lot never exists without what the receivers record for it. Arguments: lot_id, winner_id.
lot_won = Signal()

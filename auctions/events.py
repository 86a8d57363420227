"""The auctions log: who moved an auction, lot, bidder profile or deposit from which state to which,
when and why. Every service writes its audit row here, in the transaction that made the change."""

from __future__ import annotations

from django.db import models

from common.transitions import Moved

from .models import AuctionLogEntry


def auction_log_write(*, subject: str, obj: models.Model, action: str, moved: Moved | None = None,
                      from_state: str = "", to_state: str = "", actor=None, note: str = "",
                      auction_id: int | None = None, lot_id: int | None = None) -> AuctionLogEntry:
    """Record one action on `obj` (an auction, lot, bidder profile or deposit: `subject` says which).
    A life-cycle step passes what `transition_run` returned as `moved`; other entries name the
    states themselves, if any."""
    if moved is not None:
        from_state, to_state = moved.from_state, moved.to_state
    return AuctionLogEntry.objects.create(
        subject=subject, subject_id=obj.pk, action=action, from_state=from_state, to_state=to_state,
        actor=actor, note=note, auction_id=auction_id, lot_id=lot_id,
    )

"""The custody log: the hash-chained audit rows of the register, written only here.

Every app that changes an asset's custody record (custody's own services, valuation's due-process
notices) appends its entry through `custody_event_append`, inside the transaction that made the
change and while holding the asset row lock.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from common.exceptions import TransitionConflict

from .models import GENESIS_HASH, Asset, CourtOrder, CustodyEvent, StorageLocation


def custody_event_append(*, asset: Asset, actor, kind: str, from_state: str = "", to_state: str = "",
                         transition: str = "", order: CourtOrder | None = None,
                         location: StorageLocation | None = None, handed_to: str = "", condition: str = "",
                         reason: str = "") -> CustodyEvent:
    """Append one entry to the asset's chain. The caller holds the asset row lock (or has just
    created the asset), so entries of one asset are appended one at a time; a concurrent append
    that slipped past the lock becomes a TransitionConflict."""
    last = (CustodyEvent.objects.filter(asset_id=asset.pk).order_by("-seq")
            .values_list("seq", "entry_hash").first())
    seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS_HASH)
    event = CustodyEvent(
        asset_id=asset.pk, seq=seq, kind=kind, at=timezone.now(), actor=actor, from_state=from_state,
        to_state=to_state, transition=transition, order=order, location=location, handed_to=handed_to,
        condition=condition, reason=reason, prev_hash=prev_hash,
    )
    event.entry_hash = event.compute_hash()
    try:
        with transaction.atomic():
            event.save()
    except IntegrityError:
        raise TransitionConflict() from None
    return event

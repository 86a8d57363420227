"""Settlement's audit rows: each step of an award (held, invoiced, released, refused) is written to
the auctions log of its lot and auction (subject "award"), in the transaction that took the step, so
the lot's history reads on from its close to its settlement."""

from __future__ import annotations

from auctions.events import auction_log_write
from common.transitions import Moved

from .models import Award


def award_log_write(*, award: Award, action: str, moved: Moved | None = None, from_state: str = "",
                    to_state: str = "", actor=None, note: str = "") -> None:
    auction_log_write(subject="award", obj=award, action=action, moved=moved, from_state=from_state,
                      to_state=to_state or award.status, actor=actor, note=note,
                      auction_id=award.lot.auction_id, lot_id=award.lot_id)

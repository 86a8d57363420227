"""Settlement's audit rows: each step of an award (held, invoiced, released, refused), of an invoice
(part-paid, paid, collected, defaulted) and of a payment (recorded, confirmed, rejected) is written
to the auctions log of its lot and auction (subject "award", "invoice" or "payment"), in the
transaction that took the step, so the lot's history reads on from its close to its settlement. A
direct sale's invoice has no lot or auction: its rows carry neither."""

from __future__ import annotations

from auctions.events import auction_log_write
from common.transitions import Moved

from .models import Award, Invoice, Payment


def award_log_write(*, award: Award, action: str, moved: Moved | None = None, from_state: str = "",
                    to_state: str = "", actor=None, note: str = "") -> None:
    auction_log_write(subject="award", obj=award, action=action, moved=moved, from_state=from_state,
                      to_state=to_state or award.status, actor=actor, note=note,
                      auction_id=award.lot.auction_id, lot_id=award.lot_id)


def _lot_ids(invoice: Invoice) -> dict:
    if invoice.award_id is None:
        return {"auction_id": None, "lot_id": None}
    lot = invoice.award.lot
    return {"auction_id": lot.auction_id, "lot_id": lot.pk}


def invoice_log_write(*, invoice: Invoice, action: str, moved: Moved | None = None, actor=None,
                      note: str = "") -> None:
    auction_log_write(subject="invoice", obj=invoice, action=action, moved=moved,
                      from_state="" if moved else invoice.status, to_state="" if moved else invoice.status,
                      actor=actor, note=note, **_lot_ids(invoice))


def payment_log_write(*, payment: Payment, action: str, moved: Moved | None = None, actor=None,
                      note: str = "") -> None:
    auction_log_write(subject="payment", obj=payment, action=action, moved=moved,
                      from_state="" if moved else payment.status, to_state="" if moved else payment.status,
                      actor=actor, note=note, **_lot_ids(payment.invoice))


def reuse_event_write(*, subject: str, obj, action: str, moved: Moved | None = None, actor=None, note: str = "",
                      decision=None) -> None:
    """The audit row of a step of a decision, call, application, allocation or project (models/reuse.py)."""
    from .models import DispositionEvent

    status = str(getattr(obj, "status", "") or "")
    DispositionEvent.objects.create(
        subject=subject, object_id=obj.pk, decision=decision, action=action,
        from_state=moved.from_state if moved else status, to_state=moved.to_state if moved else status,
        actor=actor if actor is not None and actor.pk else None, note=(note or "").strip())
    if decision is not None:
        _decision_changed_on_commit(decision.pk)


def _decision_changed_on_commit(decision_id: int) -> None:
    """Tell the apps above that a decision changed, once the transaction commits (never if it rolls back)."""
    from django.db import transaction

    from .signals import decision_changed

    transaction.on_commit(lambda: decision_changed.send(sender=None, decision_id=decision_id))

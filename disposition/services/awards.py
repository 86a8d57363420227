"""Awards: a won lot screened again and invoiced, or held for the auction manager to decide."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from auctions.models import Lot, LotStatus
from auctions.selectors import bidder_screened_for_lot
from common.exceptions import DomainError
from common.transitions import require_perm, save_or_conflict, transition_run

from ..events import award_log_write
from ..models import CLOSED_AWARD_STATES, Award
from .invoices import invoice_issue


def award_create(*, lot_id: int, winner_id: int) -> Award:
    """Record the award of a won lot (sent by auctions' `lot_won`, inside the closing transaction).
    Idempotent: a second delivery for the same lot returns the existing award and creates nothing.

    The winner is screened again against the screening list and the parties of the lot's cases
    (the rule that kept them from bidding, which may have changed since): a hit holds the award for
    the auction manager; otherwise the invoice is issued at once."""
    with transaction.atomic():
        lot = Lot.objects.select_for_update(of=("self",)).select_related("auction").get(pk=lot_id)
        existing = Award.objects.filter(lot_id=lot_id).exclude(status__in=CLOSED_AWARD_STATES).first()
        if existing is not None:
            return existing
        if lot.status != LotStatus.AWAITING_PAYMENT or lot.winner_id != winner_id:
            raise DomainError(f"Lot {lot_id} is not won by user {winner_id}.")
        hit = bidder_screened_for_lot(user_id=winner_id, lot_id=lot_id)
        award = Award.objects.create(lot=lot, buyer_id=winner_id, hammer_price=lot.hammer_price,
                                     currency=lot.currency, screening_hit=hit)
        award_log_write(award=award, action="create",
                        note="screening hit: held for the auction manager" if hit else "")
        if not hit:
            moved = transition_run(award, "issue_invoice")
            invoice = invoice_issue(award=award)
            award_log_write(award=award, action="invoice", moved=moved, note=invoice.number)
        return award


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Give the reason for your decision.", field="reason")
    return reason


def award_release(*, award_id: int, actor, reason: str, expected_status: str | None = None,
                  now: datetime | None = None) -> Award:
    """The auction manager releases an award held on a screening hit (the match was not the same
    person, say): the invoice is issued at once."""
    require_perm(actor, "disposition.decide_award")
    reason = _require_reason(reason)
    with transaction.atomic():
        award = Award.objects.select_for_update(of=("self",)).select_related("lot__auction").get(pk=award_id)
        _check_expected(award, expected_status)
        award.decision_reason, award.decided_by = reason, actor
        moved = transition_run(award, "release", actor=actor, label="release", save=False)
        save_or_conflict(award)
        invoice = invoice_issue(award=award, now=now)
        award_log_write(award=award, action="release", moved=moved, actor=actor,
                        note=f"{invoice.number}: {reason}")
    return award


def award_refuse(*, award_id: int, actor, reason: str, expected_status: str | None = None) -> Award:
    """The auction manager refuses an award held on a screening hit: no invoice is issued."""
    require_perm(actor, "disposition.decide_award")
    reason = _require_reason(reason)
    with transaction.atomic():
        award = Award.objects.select_for_update().get(pk=award_id)
        _check_expected(award, expected_status)
        award.decision_reason, award.decided_by = reason, actor
        moved = transition_run(award, "refuse", actor=actor, label="refuse", save=False)
        save_or_conflict(award)
        award_log_write(award=award, action="refuse", moved=moved, actor=actor, note=reason)
    return award


def _check_expected(award: Award, expected_status: str | None) -> None:
    from common.transitions import check_expected_status

    check_expected_status(award, expected_status)

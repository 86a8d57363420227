"""After a default, the auction manager offers the lot to the next-highest bidder (a second-chance
offer, at that bidder's own highest maximum, open DISPOSITION_SECOND_CHANCE_HOURS), or relists it.

Accepting re-screens the bidder and awards them the lot: a new award and its invoice, which then
follows the normal payment path. Declining or expiry closes the offer; the manager may then offer
it to the next bidder, or relist. Each step writes an audit row on the defaulted award.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from auctions.models import BidderProfile, BidderStatus, LotStatus
from auctions.selectors import bidder_screened_for_lot, lot_runner_up
from auctions.services import auctions as auction_services
from common.exceptions import DomainError
from common.transitions import require_perm, save_or_conflict, transition_run

from ..events import award_log_write
from ..models import Award, AwardStatus, BuyerDefault, OfferStatus, SecondChanceOffer
from .invoices import invoice_issue


def _defaulted_award(award_id: int) -> Award:
    award = Award.objects.select_for_update(of=("self",)).select_related("lot__auction").get(pk=award_id)
    if award.status != AwardStatus.DEFAULTED or award.lot.status != LotStatus.DEFAULTED:
        raise DomainError(_("Only a lot whose buyer defaulted, and that was not sold again, can be offered or "
                            "relisted."))
    if SecondChanceOffer.objects.filter(lot_id=award.lot_id, status=OfferStatus.OPEN).exists():
        raise DomainError(_("An offer for this lot is open: wait for the bidder's answer or its deadline."))
    return award


def second_chance_offer_possible(award: Award) -> bool:
    """Whether the award's lot may be offered or relisted now (for the admin's buttons)."""
    return (award.status == AwardStatus.DEFAULTED and award.lot.status == LotStatus.DEFAULTED
            and not SecondChanceOffer.objects.filter(lot_id=award.lot_id, status=OfferStatus.OPEN).exists())


def second_chance_offer_create(*, actor, award_id: int, now: datetime | None = None) -> SecondChanceOffer:
    """Offer a defaulted lot to the bidder with the highest maximum among the accepted bids, leaving
    out the lot's earlier buyers and the bidders already offered it, at that maximum."""
    require_perm(actor, "disposition.decide_award")
    now = now or timezone.now()
    with transaction.atomic():
        award = _defaulted_award(award_id)
        lot = award.lot
        excluded = set(Award.objects.filter(lot=lot).values_list("buyer_id", flat=True))
        excluded |= set(SecondChanceOffer.objects.filter(lot=lot).values_list("bidder_id", flat=True))
        runner_up = lot_runner_up(lot_id=lot.pk, exclude_user_ids=sorted(excluded))
        if runner_up is None:
            raise DomainError(_("No other bidder is left to offer this lot to: relist it instead."))
        bidder_id, amount = runner_up
        offer = SecondChanceOffer.objects.create(
            defaulted_award=award, lot=lot, bidder_id=bidder_id, amount=amount, currency=lot.currency,
            expires_at=now + timedelta(hours=settings.DISPOSITION_SECOND_CHANCE_HOURS), created_by=actor,
            created_at=now)
        award_log_write(award=award, action="second_chance_offer", actor=actor,
                        note=f"offer {offer.pk}: {amount} {lot.currency} to user {bidder_id}, "
                             f"until {offer.expires_at.isoformat()}")
        from .. import tasks

        offer_id = offer.pk
        transaction.on_commit(lambda: tasks.second_chance_offer_notify.delay(offer_id=offer_id))
    return offer


def _offer_locked(offer_id: int, user) -> SecondChanceOffer:
    offer = (SecondChanceOffer.objects.select_for_update(of=("self",))
             .select_related("lot__auction", "defaulted_award__lot").filter(pk=offer_id, bidder=user).first())
    if offer is None:
        raise SecondChanceOffer.DoesNotExist
    return offer


def second_chance_offer_accept(*, offer_id: int, user, now: datetime | None = None) -> Award:
    """The bidder accepts the offer before its deadline: they are screened again, the lot is awarded
    to them at the offered price, and the invoice issued (or the award held on a screening hit)."""
    now = now or timezone.now()
    with transaction.atomic():
        offer = _offer_locked(offer_id, user)
        if offer.status != OfferStatus.OPEN:
            raise DomainError(_("This offer is no longer open."))
        if now >= offer.expires_at:
            raise DomainError(_("This offer has expired."))
        profile_status = (BidderProfile.objects.filter(user_id=user.pk).order_by("-created_at")
                          .values_list("status", flat=True).first())
        if profile_status != BidderStatus.APPROVED:
            raise DomainError(_("Only an approved bidder may accept the offer."))
        auction_services.lot_award_second_chance(lot_id=offer.lot_id, winner_id=user.pk, price=offer.amount)
        hit = bidder_screened_for_lot(user_id=user.pk, lot_id=offer.lot_id)
        award = Award.objects.create(lot_id=offer.lot_id, buyer_id=user.pk, hammer_price=offer.amount,
                                     currency=offer.currency, screening_hit=hit, created_at=now)
        award_log_write(award=award, action="create", actor=user,
                        note=f"second-chance offer {offer.pk}" + (": screening hit, held" if hit else ""))
        if not hit:
            moved = transition_run(award, "issue_invoice")
            invoice = invoice_issue(award=award, now=now)
            award_log_write(award=award, action="invoice", moved=moved, actor=user, note=invoice.number)
        offer.award = award
        moved_offer = transition_run(offer, "accept", save=False)
        save_or_conflict(offer)
        award_log_write(award=offer.defaulted_award, action="second_chance_accept", actor=user,
                        note=f"offer {offer.pk} {moved_offer.to_state}: award {award.pk}")
    return award


def second_chance_offer_decline(*, offer_id: int, user) -> SecondChanceOffer:
    with transaction.atomic():
        offer = _offer_locked(offer_id, user)
        if offer.status != OfferStatus.OPEN:
            raise DomainError(_("This offer is no longer open."))
        transition_run(offer, "decline", save=False)
        save_or_conflict(offer)
        award_log_write(award=offer.defaulted_award, action="second_chance_decline", actor=user,
                        note=f"offer {offer.pk} declined")
    return offer


def second_chance_offers_expire(*, now: datetime | None = None) -> list[int]:
    """Close every open offer past its deadline (the hourly task). Safe to run twice."""
    now = now or timezone.now()
    expired = []
    for offer_id in SecondChanceOffer.objects.filter(status=OfferStatus.OPEN, expires_at__lte=now).values_list(
            "pk", flat=True):
        with transaction.atomic():
            offer = (SecondChanceOffer.objects.select_for_update(of=("self",)).select_related("defaulted_award__lot")
                     .get(pk=offer_id))
            if offer.status != OfferStatus.OPEN:
                continue
            transition_run(offer, "expire", save=False)
            save_or_conflict(offer)
            award_log_write(award=offer.defaulted_award, action="second_chance_expire",
                            note=f"offer {offer.pk} expired unanswered")
            expired.append(offer_id)
    return expired


def lot_relist(*, actor, award_id: int, auction_id: int):
    """Give up a defaulted lot and put its assets in a new draft lot of an auction still being
    prepared. The default is settled when that lot is sold (or ends unsold)."""
    require_perm(actor, "disposition.decide_award")
    with transaction.atomic():
        award = _defaulted_award(award_id)
        lot = auction_services.lot_relist(actor=actor, lot_id=award.lot_id, auction_id=auction_id)
        BuyerDefault.objects.filter(award=award).update(relisted_lot=lot)
        award_log_write(award=award, action="relist", actor=actor,
                        note=f"relisted as lot {lot.pk} ({lot.auction.title} no. {lot.number})")
    return lot

"""A bidder's rights over their personal data: a copy of it (bidder_export) and its erasure
(bidder_erase), from their account area.

Erasure anonymises what the agency need not keep (name, e-mail, phone, address, date of birth,
identity document and its copy, watchlist, API tokens, the address terms were accepted from) and
keeps what the law requires: bids on lots, deposits, invoices and payments are accounting records
(BIDDER_RECORDS_RETENTION_YEARS). A bidder who leads on an open lot cannot erase yet, nor one who
owes for a won lot (settlement says so through bidder_erase_refusals).

When that retention ends (bidder_records_expire, every night), the personal data those kept rows
still hold goes too: each record N years after its sale, what the account itself kept N years after
its erasure and its last sale. The rows stay, pointing to the anonymised account, for
the books must still balance: a ledger posting is never deleted, nor the invoice, payment or deposit
it was posted for; bids stay in the lot's history. What is cut: the Stripe customer, card and
SetupIntent a deposit kept, and its last error; the stored Stripe events about the account's payment
intents (whose payloads hold the card holder's name and e-mail); the acceptance of an auction's terms;
the reasons written on the bidder profile; and, by settlement, the name and address printed on an
invoice and the bank references of payments and refunds. Claims are not touched: they belong to court
proceedings, and are kept as those are.

The apps above auctions add what they hold through the signals below (disposition: invoices,
payments and claims), so this module knows nothing of them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from ..events import auction_log_write
from ..exceptions import TransitionRefused
from ..models import (
    ApiToken,
    AuctionLogEntry,
    Bid,
    BidderProfile,
    Deposit,
    DepositStatus,
    Lot,
    LotStatus,
    OutbidNotice,
    StripeEvent,
    TermsAcceptance,
    WatchlistItem,
)

# Receivers take `user` and return a dict of sections to add to the export.
bidder_export_collect = Signal()
# Receivers take `user` and return a list of reasons the account cannot be erased yet.
bidder_erase_refusals = Signal()
# Receivers take `users` (the erased accounts, a queryset) and `cutoff` (records of sales before it are
# past retention), cut the personal data of their records past retention, and return a dict of counts.
bidder_records_expired = Signal()

ERASED_NAME = "—"


def money_json(amount, currency: str) -> dict:
    return {"amount": f"{amount:.2f}", "currency": currency}


def iso(value) -> str | None:
    return value.isoformat() if value else None


def bidder_export(*, user) -> dict[str, Any]:
    """Everything the agency holds about the user as a bidder, as JSON-ready data."""
    profile = BidderProfile.objects.filter(user=user).first()
    data: dict[str, Any] = {
        "exported_at": timezone.now().isoformat(),
        "account": {"username": user.get_username(), "email": user.email, "first_name": user.first_name,
                    "last_name": user.last_name, "date_joined": iso(user.date_joined),
                    "last_login": iso(user.last_login)},
        "profile": None,
    }
    if profile is not None:
        data["profile"] = {
            "legal_name": profile.legal_name, "address": profile.address, "country": str(profile.country),
            "phone": str(profile.phone or ""), "date_of_birth": iso(profile.date_of_birth),
            "id_document_type": profile.id_document_type, "id_document_number": profile.id_document_number,
            "id_document_file": bool(profile.id_document_file), "email_verified_at": iso(profile.email_verified_at),
            "consent_version": profile.consent_version, "consent_at": iso(profile.consent_at),
            "status": profile.status, "rejection_reason": profile.rejection_reason,
            "unpaid_won_lots": profile.defaults_count, "suspension_reason": profile.suspension_reason,
            "signed_up_at": iso(profile.created_at)}
    data["bids"] = [
        {"lot": bid.lot.number, "lot_title": bid.lot.title, "auction": bid.lot.auction.title,
         "maximum": money_json(bid.max_amount, bid.lot.currency), "accepted": bid.accepted,
         "placed_at": iso(bid.placed_at)}
        for bid in Bid.objects.filter(bidder=user).select_related("lot", "lot__auction").order_by("placed_at")]
    data["deposits"] = [
        {"auction": d.auction.title, **money_json(d.amount, d.currency), "status": d.status,
         "created_at": iso(d.created_at), "held_at": iso(d.held_at), "released_at": iso(d.released_at)}
        for d in Deposit.objects.filter(bidder=user).select_related("auction").order_by("created_at")]
    data["watchlist"] = [{"lot": w.lot.number, "lot_title": w.lot.title}
                         for w in WatchlistItem.objects.filter(user=user).select_related("lot")]
    data["terms_accepted"] = [{"auction": t.auction.title, "accepted_at": iso(t.accepted_at),
                               "ip_address": t.ip_address}
                              for t in TermsAcceptance.objects.filter(bidder=user).select_related("auction")]
    data["api_tokens"] = [{"prefix": t.prefix, "created_at": iso(t.created_at), "last_used_at": iso(t.last_used_at),
                           "revoked_at": iso(t.revoked_at)}
                          for t in ApiToken.objects.filter(user=user).order_by("created_at")]
    for _receiver, sections in bidder_export_collect.send(sender=None, user=user):
        data.update(sections or {})
    return data


def bidder_erase_refusal(*, user) -> list[str]:
    """Why the account cannot be erased now (empty when it can)."""
    reasons = []
    if Lot.objects.filter(leader=user, status=LotStatus.OPEN).exists():
        reasons.append(_("You lead the bidding on a lot that is still open: wait until it closes."))
    for _receiver, more in bidder_erase_refusals.send(sender=None, user=user):
        reasons.extend(more or [])
    return list(dict.fromkeys(reasons))


@transaction.atomic
def bidder_erase(*, user) -> None:
    """Erase the bidder's personal data, keeping the records the law requires. The account can no
    longer sign in. Raises TransitionRefused with the reasons when it cannot be erased yet."""
    User = get_user_model()
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_staff:
        raise TransitionRefused(_("Agency staff accounts are not erased from here."))
    reasons = bidder_erase_refusal(user=user)
    if reasons:
        raise TransitionRefused(" ".join(reasons))
    profile = BidderProfile.objects.select_for_update().filter(user=user).first()
    if profile is not None:
        document = profile.id_document_file.name if profile.id_document_file else ""
        BidderProfile.objects.filter(pk=profile.pk).update(
            legal_name=ERASED_NAME, name_normalised="", address="", phone="", date_of_birth=None,
            id_document_number="", id_number_normalised="", id_document_file="", updated_at=timezone.now())
        if document:
            storage = profile.id_document_file.storage
            transaction.on_commit(lambda: storage.delete(document))
        auction_log_write(subject="bidder", obj=profile, action="erase", actor=user)
    WatchlistItem.objects.filter(user=user).delete()
    ApiToken.objects.filter(user=user).delete()
    OutbidNotice.objects.filter(user=user).delete()
    TermsAcceptance.objects.filter(bidder=user).update(ip_address=None)
    user.username = f"erased-{user.pk}"
    user.email = user.first_name = user.last_name = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()


# --------------------------------------------------------------------------------------------
# The end of retention
# --------------------------------------------------------------------------------------------


def erased_bidders() -> QuerySet:
    """The accounts erased by their bidder (the bidder profile's erasure is in the auctions log)."""
    erased = AuctionLogEntry.objects.filter(subject="bidder", action="erase").values("subject_id")
    return get_user_model().objects.filter(bidder_profile__pk__in=erased)


def stripe_events_forget(*, object_ids: set[str]) -> int:
    """The stored events (processed) about these Stripe objects keep their id, type and outcome, not
    their payload; returns how many were cut."""
    object_ids.discard("")
    if not object_ids:
        return 0
    return (StripeEvent.objects.filter(processed_at__isnull=False, payload__data__object__id__in=sorted(object_ids))
            .update(payload={}))


@transaction.atomic
def bidder_records_expire(*, now: datetime | None = None) -> dict[str, int]:
    """Cut what the erased accounts' records still hold of the person once their retention
    (BIDDER_RECORDS_RETENTION_YEARS after the sale) has ended; returns how many rows of each kind
    were changed. Rows already cut are left alone, so a second run changes nothing."""
    now = now or timezone.now()
    cutoff = now - relativedelta(years=settings.BIDDER_RECORDS_RETENTION_YEARS)
    users = erased_bidders()
    # An auction's sales are its lots' ends: past retention once the last of them is.
    sold_before = ~Exists(Lot.objects.filter(auction=OuterRef("auction"))
                          .filter(Q(ends_at__isnull=True) | Q(ends_at__gte=cutoff)))
    deposits = Deposit.objects.filter(bidder__in=users).filter(sold_before).exclude(status=DepositStatus.CARD_SAVED)
    counts = {"stripe_events": stripe_events_forget(object_ids={
        object_id for row in deposits.values_list("payment_intent_id", "setup_intent_id") for object_id in row})}
    counts["deposits"] = (deposits.exclude(stripe_customer_id="", setup_intent_id="", payment_method_id="",
                                           last_error="")
                          .update(stripe_customer_id="", setup_intent_id="", payment_method_id="", last_error="",
                                  updated_at=now))
    terms = TermsAcceptance.objects.filter(bidder__in=users).filter(sold_before)
    counts["terms_acceptances"], _by_model = terms.delete()
    erased_before = AuctionLogEntry.objects.filter(subject="bidder", action="erase", subject_id=OuterRef("pk"),
                                                   at__lt=cutoff)
    bid_in_retention = Bid.objects.filter(bidder=OuterRef("user"), lot__ends_at__gte=cutoff)
    counts["profiles"] = (BidderProfile.objects.filter(user__in=users).filter(Exists(erased_before))
                          .exclude(Exists(bid_in_retention))
                          .exclude(rejection_reason="", suspension_reason="")
                          .update(rejection_reason="", suspension_reason="", updated_at=now))
    for _receiver, more in bidder_records_expired.send(sender=None, users=users, cutoff=cutoff):
        counts.update(more or {})
    return counts

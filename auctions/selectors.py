"""Reads for the auctions pages and the API, built with the joins their callers need."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from custody.models import AssetPhoto, Party

from .cache import count_and_get_many
from .engine import BidState, Tiers, next_minimum_bid
from .models import (
    Bid,
    BidderProfile,
    Deposit,
    DepositStatus,
    IncrementTable,
    IncrementTier,
    Lot,
    LotAsset,
    LotPseudonym,
    LotStatus,
    ScreeningEntry,
    TermsAcceptance,
)

PUBLIC_LOT_STATES = [LotStatus.OPEN, LotStatus.CLOSED, LotStatus.AWAITING_PAYMENT, LotStatus.UNSOLD]
_TIERS_CACHE_SECONDS = 300


def _tiers_cache_key(table_id: int) -> str:
    return f"auctions:tiers:{table_id}"


def increment_tiers(table_id: int) -> Tiers:
    """The tiers of an increment table, ordered by bound with the open tier last. Cached; the cache
    entry is dropped whenever a tier of the table changes (see auctions.apps)."""
    key = _tiers_cache_key(table_id)
    cached = cache.get(key)
    if cached is not None:
        return tuple((Decimal(u) if u is not None else None, Decimal(i)) for u, i in cached)
    rows = list(IncrementTier.objects.filter(table_id=table_id).order_by("up_to").values_list("up_to", "increment"))
    rows.sort(key=lambda r: (r[0] is None, r[0] or 0))
    cache.set(key, [(str(u) if u is not None else None, str(i)) for u, i in rows], _TIERS_CACHE_SECONDS)
    return tuple(rows)


def forget_increment_tiers(table_id: int) -> None:
    cache.delete(_tiers_cache_key(table_id))


def default_increment_table() -> IncrementTable | None:
    return IncrementTable.objects.filter(is_default=True).first()


def lot_bid_state(lot: Lot, tiers: Tiers | None = None) -> BidState:
    return BidState(
        starting_price=lot.starting_price, reserve_price=lot.reserve_price,
        tiers=tiers if tiers is not None else increment_tiers(lot.increment_table_id),
        current_price=lot.current_price, leader=lot.leader_id, leader_max=lot.leader_max,
    )


def lot_next_minimum_bid(lot: Lot, tiers: Tiers | None = None) -> Decimal:
    return next_minimum_bid(lot_bid_state(lot, tiers))


# --------------------------------------------------------------------------------------------
# Catalogue
# --------------------------------------------------------------------------------------------


def lots_public(*, status: str | None = None, category: str | None = None, ending_within: timedelta | None = None,
                search: str | None = None, min_price: Decimal | None = None, max_price: Decimal | None = None,
                area: str | None = None, now: datetime | None = None) -> QuerySet[Lot]:
    """Lots the public may see (published auctions only), soonest-ending first."""
    now = now or timezone.now()
    qs = Lot.objects.filter(auction__status__in=["published", "closed"], status__in=PUBLIC_LOT_STATES)
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category=category)
    if ending_within is not None:
        qs = qs.filter(status=LotStatus.OPEN, ends_at__gt=now, ends_at__lte=now + ending_within)
    if search:
        qs = qs.filter(Q(title__icontains=search) | Q(description__icontains=search))
    if min_price is not None:
        qs = qs.filter(Q(current_price__gte=min_price) | Q(current_price__isnull=True, starting_price__gte=min_price))
    if max_price is not None:
        qs = qs.filter(Q(current_price__lte=max_price) | Q(current_price__isnull=True, starting_price__lte=max_price))
    if area:
        qs = qs.filter(Exists(LotAsset.objects.filter(lot=OuterRef("pk"), asset__location__public_area=area)))
    return qs.order_by("ends_at", "id")


def lot_detail(lot_id: int) -> Lot:
    """A public lot with its auction, assets and their photos (for the lot page)."""
    return (
        Lot.objects.filter(pk=lot_id, auction__status__in=["published", "closed"], status__in=PUBLIC_LOT_STATES)
        .select_related("auction")
        .prefetch_related(Prefetch("lot_assets", LotAsset.objects.select_related("asset", "asset__location")),
                          Prefetch("assets__photos", AssetPhoto.objects.order_by("uploaded_at", "id")))
        .get()
    )


def lot_photos(lot: Lot) -> list[AssetPhoto]:
    return list(AssetPhoto.objects.filter(asset__lot_assets__lot=lot).order_by("asset__lot_assets__position",
                                                                                "uploaded_at", "id"))


@dataclass(frozen=True)
class HistoryLine:
    amount: Decimal
    bidder: int
    placed_at: datetime


def lot_public_history(lot_id: int, *, limit: int = 100) -> list[HistoryLine]:
    """The price steps of a lot, newest first, each under the leader's per-lot pseudonym."""
    rows = (Bid.objects.filter(lot_id=lot_id, accepted=True, public=True).order_by("-seq")
            .values_list("price_after", "leader_pseudonym", "placed_at")[:limit])
    return [HistoryLine(a, p, t) for a, p, t in rows]


# --------------------------------------------------------------------------------------------
# Eligibility
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Eligibility:
    has_profile: bool
    approved: bool
    email_verified: bool
    terms_accepted: bool
    deposit_held: bool
    screened_out: bool
    pseudonym: int | None

    def refusal(self, *, deposit_required: bool) -> str | None:
        """The code of the first reason this bidder may not bid, or None."""
        if not self.has_profile or not self.approved or not self.email_verified:
            return "not_approved"
        if self.screened_out:
            return "not_eligible"
        if not self.terms_accepted:
            return "terms_not_accepted"
        if deposit_required and not self.deposit_held:
            return "deposit_required"
        return None


NO_PROFILE = Eligibility(False, False, False, False, False, False, None)


def lot_case_ids(lot_id: int) -> list[int]:
    return list(LotAsset.objects.filter(lot_id=lot_id).values_list("asset__case_id", flat=True).distinct())


def bidder_eligibility(*, user_id: int, lot_id: int, auction_id: int) -> Eligibility:
    """Everything that decides whether a bidder may bid on a lot, in one query.

    Conflict of interest: the bidder is screened out when an entry of the screening list (for one
    of the lot's cases, or for all lots) or a party of one of the lot's cases has the same
    identity number (normalised), or the same name (normalised) and date of birth."""
    lot_cases = LotAsset.objects.filter(lot_id=lot_id).values("asset__case_id")
    same_person_entry = (
        (Q(id_number_normalised=OuterRef("id_number_normalised")) & ~Q(id_number_normalised=""))
        | (Q(name_normalised=OuterRef("name_normalised")) & Q(date_of_birth=OuterRef("date_of_birth")))
    )
    screening = ScreeningEntry.objects.filter(Q(case__isnull=True) | Q(case_id__in=lot_cases)).filter(
        same_person_entry)
    row = (
        BidderProfile.objects.filter(user_id=user_id)
        .annotate(
            terms=Exists(TermsAcceptance.objects.filter(bidder_id=user_id, auction_id=auction_id)),
            deposit=Exists(Deposit.objects.filter(bidder_id=user_id, auction_id=auction_id,
                                                  status=DepositStatus.HELD)),
            screened=Exists(screening),
            pseudonym=Subquery(LotPseudonym.objects.filter(lot_id=lot_id, bidder_id=user_id).values("number")[:1]),
        )
        .values("status", "email_verified_at", "terms", "deposit", "screened", "pseudonym", "legal_name",
                "date_of_birth", "id_number_normalised")
        .first()
    )
    if row is None:
        return NO_PROFILE
    screened = row["screened"] or _is_case_party(row, lot_cases)
    return Eligibility(True, row["status"] == "approved", row["email_verified_at"] is not None, row["terms"],
                       row["deposit"], screened, row["pseudonym"])


def _is_case_party(row: dict, lot_cases) -> bool:
    """Parties of the lot's cases (owner, defendant, claimants) are screened out automatically."""
    from .models import normalise_identity, normalise_name

    parties = Party.objects.filter(case_id__in=lot_cases).values_list("name", "identity_number", "date_of_birth")
    for name, identity, born in parties:
        ident = normalise_identity(identity)
        if ident and ident == row["id_number_normalised"]:
            return True
        if born is not None and born == row["date_of_birth"] and normalise_name(name) == normalise_name(
                row["legal_name"]):
            return True
    return False


# --------------------------------------------------------------------------------------------
# Cached reads for the bid path. Everything here is re-checked or cheap to be stale about for a
# moment except eligibility, whose cache keys carry a generation number that every change to a
# profile, terms acceptance, deposit, screening entry, case party, lot or auction bumps (see
# auctions.apps), immediately and again after commit.
# --------------------------------------------------------------------------------------------

_GENERATION_KEY = "auctions:eligibility-generation"
_ELIGIBILITY_SECONDS = 30


def eligibility_generation() -> int:
    generation = cache.get(_GENERATION_KEY)
    if generation is None:
        cache.add(_GENERATION_KEY, 1, timeout=None)
        generation = cache.get(_GENERATION_KEY) or 1
    return generation


def generation_and_cached(key: str) -> tuple[int, object | None]:
    """The eligibility generation, and the value cached at `key` by `cache_under_generation` if it
    was cached under that same generation (else None): one round trip."""
    found = cache.get_many([_GENERATION_KEY, key])
    generation = found.get(_GENERATION_KEY)
    if generation is None:
        return eligibility_generation(), None
    stamped = found.get(key)
    if not isinstance(stamped, tuple) or len(stamped) != 2 or stamped[0] != generation:
        return generation, None
    return generation, stamped[1]


def cache_under_generation(key: str, generation: int, value, timeout: int) -> None:
    cache.set(key, (generation, value), timeout)


def bump_eligibility_generation() -> None:
    try:
        cache.incr(_GENERATION_KEY)
    except ValueError:
        cache.add(_GENERATION_KEY, 1, timeout=None)


@dataclass(frozen=True)
class LotBiddingInfo:
    auction_id: int
    increment_table_id: int
    deposit_required: bool
    soft_close_minutes: int
    soft_close_cap_minutes: int


def lot_bidding_info(lot_id: int, *, generation: int | None = None) -> LotBiddingInfo | None:
    """What a bid needs to know about a lot before taking its lock; None if the lot is not public."""
    generation = eligibility_generation() if generation is None else generation
    key = f"auctions:lot-info:{generation}:{lot_id}"
    cached = cache.get(key)
    if cached is not None:
        return LotBiddingInfo(*cached) if cached else None
    row = (Lot.objects.filter(pk=lot_id).exclude(status=LotStatus.DRAFT).exclude(auction__status="draft")
           .values_list("auction_id", "increment_table_id", "auction__deposit_rule", "auction__soft_close_minutes",
                        "auction__soft_close_cap_minutes").first())
    info = None
    if row is not None:
        info = LotBiddingInfo(row[0], row[1], row[2] != "none", row[3], row[4])
    cache.set(key, tuple(info.__dict__.values()) if info else (), _ELIGIBILITY_SECONDS)
    return info


def bidder_eligibility_cached(*, user_id: int, lot_id: int, auction_id: int,
                              generation: int | None = None) -> Eligibility:
    generation = eligibility_generation() if generation is None else generation
    key = f"auctions:eligibility:{generation}:{user_id}:{lot_id}"
    cached = cache.get(key)
    if cached is not None:
        eligibility = Eligibility(*cached)
    else:
        eligibility = bidder_eligibility(user_id=user_id, lot_id=lot_id, auction_id=auction_id)
        cache.set(key, tuple(eligibility.__dict__.values()), _ELIGIBILITY_SECONDS)
    if eligibility.pseudonym is None:
        known = cache.get(pseudonym_cache_key(lot_id, user_id))
        if known is not None:
            eligibility = Eligibility(*(tuple(eligibility.__dict__.values())[:-1] + (known,)))
    return eligibility


def pseudonym_cache_key(lot_id: int, user_id: int) -> str:
    return f"auctions:pseudonym:{lot_id}:{user_id}"


_LOCAL_TIERS: dict[tuple[int, int], Tiers] = {}


def increment_tiers_for_generation(table_id: int, generation: int) -> Tiers:
    """Increment tiers memoised in this process under the eligibility generation (a change to any
    tier bumps it), so a bid needs no round trip for them."""
    key = (table_id, generation)
    tiers = _LOCAL_TIERS.get(key)
    if tiers is None:
        if len(_LOCAL_TIERS) > 1000:
            _LOCAL_TIERS.clear()
        tiers = _LOCAL_TIERS[key] = increment_tiers(table_id)
    return tiers


def bid_context(*, user_id: int, lot_id: int, generation: int) -> tuple[LotBiddingInfo | None, Eligibility | None]:
    """The lot's bidding info and the bidder's eligibility (see `bid_preflight`)."""
    info, eligibility, _count = bid_preflight(user_id=user_id, lot_id=lot_id, generation=generation)
    return info, eligibility


def bid_preflight(*, user_id: int, lot_id: int, generation: int, count_window: int = 0
                  ) -> tuple[LotBiddingInfo | None, Eligibility | None, int | None]:
    """The lot's bidding info and the bidder's eligibility, from the cache in one round trip
    (computed and cached on a miss). With a count_window (seconds), the same round trip counts this
    bid among the bidder's bids in the current window, and the count is returned third."""
    info_key = f"auctions:lot-info:{generation}:{lot_id}"
    elig_key = f"auctions:eligibility:{generation}:{user_id}:{lot_id}"
    pseudonym_key = pseudonym_cache_key(lot_id, user_id)
    counter = f"auctions:bids:{user_id}:{int(time.time() // count_window)}" if count_window else None
    count, found = count_and_get_many(counter, count_window + 1, [info_key, elig_key, pseudonym_key])
    if info_key in found:
        info = LotBiddingInfo(*found[info_key]) if found[info_key] else None
    else:
        info = lot_bidding_info(lot_id, generation=generation)
    if info is None:
        return None, None, count
    if elig_key in found:
        eligibility = Eligibility(*found[elig_key])
    else:
        eligibility = bidder_eligibility(user_id=user_id, lot_id=lot_id, auction_id=info.auction_id)
        cache.set(elig_key, tuple(eligibility.__dict__.values()), _ELIGIBILITY_SECONDS)
    if eligibility.pseudonym is None and found.get(pseudonym_key) is not None:
        eligibility = Eligibility(*(tuple(eligibility.__dict__.values())[:-1] + (found[pseudonym_key],)))
    return info, eligibility, count

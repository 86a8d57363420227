"""Reads for the auctions pages and the API, built with the joins their callers need."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.contrib.postgres.search import SearchRank, SearchVector
from django.core.cache import cache
from django.db.models import Count, Exists, F, Max, Min, OuterRef, Prefetch, Q, QuerySet, Value
from django.utils import timezone

from common.search import Unaccented, word_similarity
from common.selectors import counts_by
from custody.models import AssetPhoto, Party, StorageLocation

from .cache import count_and_get_many
from .engine import BidState, Tiers, next_minimum_bid
from .models import (
    Auction,
    AuctionStatus,
    Bid,
    BidderProfile,
    BidderStatus,
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
from .search import lot_document, lot_query, search_config

PUBLIC_LOT_STATES = [LotStatus.OPEN, LotStatus.CLOSED, LotStatus.AWAITING_PAYMENT, LotStatus.UNSOLD]
# The lots of a published auction that has not opened yet: visible, with the date it opens, no bids.
PREVIEW_LOTS = Q(status=LotStatus.SCHEDULED, auction__status=AuctionStatus.PUBLISHED)
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
    """Lots the public may see (published auctions only), soonest-ending first; with `search`, the
    lots that match it (see `lots_matching`), best match first, each annotated with `search_rank`."""
    now = now or timezone.now()
    qs = Lot.objects.filter(auction__status__in=["published", "closed"], status__in=PUBLIC_LOT_STATES)
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category=category)
    if ending_within is not None:
        qs = qs.filter(status=LotStatus.OPEN, ends_at__gt=now, ends_at__lte=now + ending_within)
    if min_price is not None:
        qs = qs.filter(Q(current_price__gte=min_price) | Q(current_price__isnull=True, starting_price__gte=min_price))
    if max_price is not None:
        qs = qs.filter(Q(current_price__lte=max_price) | Q(current_price__isnull=True, starting_price__lte=max_price))
    if area:
        qs = qs.filter(Exists(LotAsset.objects.filter(lot=OuterRef("pk"), asset__location__public_area=area)))
    if search:
        return lots_matching(qs, search).order_by("-search_rank", "ends_at", "id")
    return qs.order_by("ends_at", "id")


def lots_matching(qs: QuerySet[Lot], text: str) -> QuerySet[Lot]:
    """The lots of `qs` that match what a visitor typed, annotated with `search_rank` (higher is better).

    Full-text first, in the active language (auctions.search): the lot's title, category words and
    description (through the language's GIN index), or the public area of one of its assets. Only when
    no lot of `qs` matches that way, the titles within pg_trgm's word similarity of the text (typos,
    partial words), most similar first: a fall-back, so that "car" finds the cars and not "4.2 carat".
    Accents are ignored throughout ("liege" finds "Liège")."""
    config = search_config()
    query = lot_query(text, config)
    # Each alternative is a subquery that its own index answers (the lot's document through its GIN
    # index, the few storage sites by their area); OR-ed in one WHERE they would make PostgreSQL scan
    # every lot and compute every document.
    by_words = Lot.objects.alias(document=lot_document(config)).filter(document=query).values("pk")
    areas = (StorageLocation.objects.exclude(public_area="")
             .alias(document=SearchVector("public_area", config=config)).filter(document=query))
    by_area = LotAsset.objects.filter(asset__location__in=areas).values("lot_id")
    matching = qs.filter(Q(pk__in=by_words) | Q(pk__in=by_area))
    if matching.exists():
        return matching.annotate(search_rank=SearchRank(lot_document(config), query))
    return (qs.filter(title__unaccented__trigram_word_similar=Unaccented(Value(text)))
            .annotate(search_rank=word_similarity(text, "title")))


@dataclass(frozen=True)
class CatalogueOptions:
    """What the catalogue's menus offer: the categories and public areas that open lots have, with
    how many open lots have each."""

    categories: list[tuple[str, int]]  # (category code, lots)
    areas: list[tuple[str, int]]  # (public area, lots)


def catalogue_options() -> CatalogueOptions:
    """The categories and public areas (town or region, never a storage site's name) of the open lots,
    each with its number of lots. Two grouped queries."""
    open_lots = lots_public(status=LotStatus.OPEN).order_by()
    categories = list(open_lots.values_list("category").annotate(n=Count("id")).order_by("category"))
    areas = list(LotAsset.objects.filter(lot__in=open_lots.values("pk"))
                 .exclude(asset__location__public_area__isnull=True).exclude(asset__location__public_area="")
                 .values_list("asset__location__public_area")
                 .annotate(n=Count("lot_id", distinct=True)).order_by("asset__location__public_area"))
    return CatalogueOptions(categories=categories, areas=areas)


@dataclass(frozen=True)
class PublicFigures:
    open_lots: int
    lots_ending_soon: int
    open_auctions: int


def public_figures(*, ending_within: timedelta, now: datetime | None = None) -> PublicFigures:
    """What the public site tells about the auctions now: the lots open for bids (as the catalogue
    counts them), those of them ending within `ending_within`, and the auctions they belong to. One query."""
    now = now or timezone.now()
    row = lots_public(status=LotStatus.OPEN).order_by().aggregate(
        open_lots=Count("id"),
        lots_ending_soon=Count("id", filter=Q(ends_at__gt=now, ends_at__lte=now + ending_within)),
        open_auctions=Count("auction_id", distinct=True),
    )
    return PublicFigures(**row)


def lot_detail(lot_id: int) -> Lot:
    """A public lot with its auction, assets and their photos (for the lot page); the lots of a
    published auction that has not opened yet are shown as a preview."""
    return (
        Lot.objects.filter(PREVIEW_LOTS | Q(auction__status__in=["published", "closed"], status__in=PUBLIC_LOT_STATES),
                           pk=lot_id)
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


def bidder_lot_maximum(*, user_id: int, lot_id: int) -> Decimal | None:
    """The highest maximum this bidder has had accepted on this lot (shown to them alone)."""
    return (Bid.objects.filter(lot_id=lot_id, bidder_id=user_id, accepted=True)
            .aggregate(top=Max("max_amount"))["top"])


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
    suspended: bool = False  # after too many unpaid won lots (probation)

    def refusal(self, *, deposit_required: bool) -> str | None:
        """The code of the first reason this bidder may not bid, or None."""
        if self.suspended:
            return "suspended"
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


@dataclass(frozen=True)
class BidderFacts:
    """What eligibility needs to know about one bidder, whatever the lot: computed once per bidder
    (and cached under the eligibility generation), not once per bidder and lot."""

    has_profile: bool
    approved: bool
    email_verified: bool
    terms_auctions: frozenset[int]
    deposit_auctions: frozenset[int]  # auctions where the bidder's deposit is held
    screened_everywhere: bool  # matches a screening entry that bars them from every lot
    id_number: str  # normalised
    name: str  # normalised
    date_of_birth: date | None
    suspended: bool = False


NO_FACTS = BidderFacts(False, False, False, frozenset(), frozenset(), False, "", "", None)


@dataclass(frozen=True)
class LotScreen:
    """Who may not bid on a lot: the screening entries for its cases and the parties of those cases
    (owner, defendant, claimants), as normalised identity numbers and (name, date of birth) pairs."""

    id_numbers: frozenset[str]
    names_born: frozenset[tuple[str, date]]

    def bars(self, facts: BidderFacts) -> bool:
        if facts.id_number and facts.id_number in self.id_numbers:
            return True
        return facts.date_of_birth is not None and (facts.name, facts.date_of_birth) in self.names_born


def bidder_facts(user_id: int) -> BidderFacts:
    """A bidder's profile and all-lots screening (one query), terms accepted and deposits held."""
    same_person_entry = (
        (Q(id_number_normalised=OuterRef("id_number_normalised")) & ~Q(id_number_normalised=""))
        | (Q(name_normalised=OuterRef("name_normalised")) & Q(date_of_birth=OuterRef("date_of_birth")))
    )
    row = (
        BidderProfile.objects.filter(user_id=user_id).order_by("-created_at")
        .annotate(screened=Exists(ScreeningEntry.objects.filter(case__isnull=True).filter(same_person_entry)))
        .values("status", "email_verified_at", "screened", "id_number_normalised", "name_normalised",
                "date_of_birth")
        .first()
    )
    if row is None:
        return NO_FACTS
    terms = TermsAcceptance.objects.filter(bidder_id=user_id).values_list("auction_id", flat=True)
    # A hold replaced by a saved card (it would have lapsed before settlement) still counts.
    deposits = Deposit.objects.filter(bidder_id=user_id, status__in=[DepositStatus.HELD, DepositStatus.CARD_SAVED]
                                      ).values_list("auction_id", flat=True)
    return BidderFacts(True, row["status"] == "approved", row["email_verified_at"] is not None, frozenset(terms),
                       frozenset(deposits), row["screened"], row["id_number_normalised"], row["name_normalised"],
                       row["date_of_birth"], row["status"] == "suspended")


def lot_screen(lot_id: int) -> LotScreen:
    from .models import normalise_identity, normalise_name

    cases = LotAsset.objects.filter(lot_id=lot_id).values("asset__case_id")
    id_numbers, names_born = set(), set()
    for ident, name, born in ScreeningEntry.objects.filter(case_id__in=cases).values_list(
            "id_number_normalised", "name_normalised", "date_of_birth"):
        if ident:
            id_numbers.add(ident)
        if born is not None:
            names_born.add((name, born))
    for ident, name, born in Party.objects.filter(case_id__in=cases).values_list("identity_number", "name",
                                                                                 "date_of_birth"):
        if normalise_identity(ident):
            id_numbers.add(normalise_identity(ident))
        if born is not None:
            names_born.add((normalise_name(name), born))
    return LotScreen(frozenset(id_numbers), frozenset(names_born))


def bidder_screened_for_lot(*, user_id: int, lot_id: int) -> bool:
    """Whether the bidder matches the screening list (for all lots or the lot's cases) or a party of
    one of the lot's cases: the same rule that keeps them from bidding (see `eligibility_of`), for
    those who screen again later (the award of a won lot)."""
    facts = bidder_facts(user_id)
    return facts.has_profile and (facts.screened_everywhere or lot_screen(lot_id).bars(facts))


def lot_runner_up(*, lot_id: int, exclude_user_ids: list[int]) -> tuple[int, Decimal] | None:
    """The bidder with the highest maximum among the accepted bids on a lot, leaving out
    `exclude_user_ids` (the defaulter, those already offered it), and that maximum; or None."""
    row = (Bid.objects.filter(lot_id=lot_id, accepted=True).exclude(bidder_id__in=exclude_user_ids)
           .values("bidder_id").annotate(best=Max("max_amount"), first=Min("seq")).order_by("-best", "first")
           .values_list("bidder_id", "best").first())
    return (row[0], row[1]) if row else None


def eligibility_of(facts: BidderFacts, *, auction_id: int, screen: LotScreen, pseudonym: int | None) -> Eligibility:
    """Whether a bidder may bid on a lot, from what is known of each (no query).

    Conflict of interest: the bidder is screened out when an entry of the screening list (for one
    of the lot's cases, or for all lots) or a party of one of the lot's cases has the same
    identity number (normalised), or the same name (normalised) and date of birth."""
    if not facts.has_profile:
        return NO_PROFILE
    return Eligibility(True, facts.approved, facts.email_verified, auction_id in facts.terms_auctions,
                       auction_id in facts.deposit_auctions, facts.screened_everywhere or screen.bars(facts),
                       pseudonym, facts.suspended)


def bidder_eligibility(*, user_id: int, lot_id: int, auction_id: int) -> Eligibility:
    """Everything that decides whether a bidder may bid on a lot, read afresh from the database."""
    pseudonym = LotPseudonym.objects.filter(lot_id=lot_id, bidder_id=user_id).values_list("number", flat=True).first()
    return eligibility_of(bidder_facts(user_id), auction_id=auction_id, screen=lot_screen(lot_id),
                          pseudonym=pseudonym)


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


# The shape of what is cached under these keys: bump it whenever LotBiddingInfo, LotScreen or
# BidderFacts change, so that web nodes of a new release never read entries an old one wrote.
_SHAPE = 4


def _lot_info_key(generation: int, lot_id: int) -> str:
    return f"auctions:lot-info:v{_SHAPE}:{generation}:{lot_id}"


def _bidder_facts_key(generation: int, user_id: int) -> str:
    return f"auctions:bidder:v{_SHAPE}:{generation}:{user_id}"


@dataclass(frozen=True)
class LotBiddingInfo:
    auction_id: int
    increment_table_id: int
    deposit_required: bool
    soft_close_minutes: int
    soft_close_cap_minutes: int
    screen: LotScreen
    currency: str


def lot_bidding_info_cached(lot_id: int, *, generation: int) -> LotBiddingInfo | None:
    """What a bid needs to know about a lot before taking its lock (None if the lot is not public),
    read from the database and cached for `bid_preflight`."""
    row = (Lot.objects.filter(pk=lot_id).exclude(status=LotStatus.DRAFT).exclude(auction__status="draft")
           .values_list("auction_id", "increment_table_id", "auction__deposit_rule", "auction__soft_close_minutes",
                        "auction__soft_close_cap_minutes", "currency").first())
    info = None
    if row is not None:
        info = LotBiddingInfo(row[0], row[1], row[2] != "none", row[3], row[4], lot_screen(lot_id), row[5])
    cache.set(_lot_info_key(generation, lot_id), tuple(info.__dict__.values()) if info else (),
              _ELIGIBILITY_SECONDS)
    return info


def bidder_facts_cached(user_id: int, *, generation: int) -> BidderFacts:
    """A bidder's facts read from the database and cached for `bid_preflight`."""
    facts = bidder_facts(user_id)
    cache.set(_bidder_facts_key(generation, user_id), tuple(facts.__dict__.values()), _ELIGIBILITY_SECONDS)
    return facts


def bids_placed_within(*, user_id: int, seconds: int) -> int:
    """How many bids (accepted or refused by the locked step) a bidder placed in the last `seconds`:
    the bid throttle's count when Redis, where it is usually kept, is down."""
    since = timezone.now() - timedelta(seconds=seconds)
    return Bid.objects.filter(bidder_id=user_id, placed_at__gte=since).count()


def bid_preflight(*, user_id: int, lot_id: int, generation: int, count_window: int = 0
                  ) -> tuple[LotBiddingInfo | None, Eligibility | None, int | None]:
    """The lot's bidding info and the bidder's eligibility, from the cache in one round trip: the
    lot's facts and the bidder's are cached apart (computed on a miss), so a bidder's first bid on
    another lot costs no query. With a count_window (seconds), the same round trip counts this
    bid among the bidder's bids in the current window, and the count is returned third."""
    info_key = _lot_info_key(generation, lot_id)
    facts_key = _bidder_facts_key(generation, user_id)
    counter = f"auctions:bids:{user_id}:{int(time.time() // count_window)}" if count_window else None
    count, found = count_and_get_many(
        counter, count_window + 1, [info_key, facts_key],
        fallback_count=lambda: bids_placed_within(user_id=user_id, seconds=count_window) + 1)
    if info_key in found:
        info = LotBiddingInfo(*found[info_key]) if found[info_key] else None
    else:
        info = lot_bidding_info_cached(lot_id, generation=generation)
    if info is None:
        return None, None, count
    if facts_key in found:
        facts = BidderFacts(*found[facts_key])
    else:
        facts = bidder_facts_cached(user_id, generation=generation)
    # (the bidder's pseudonym on the lot is given, or made, under the lot's lock by the bid itself)
    eligibility = eligibility_of(facts, auction_id=info.auction_id, screen=info.screen, pseudonym=None)
    return info, eligibility, count


# --------------------------------------------------------------------------------------------
# Auctions listed on the public site: the current ones, and the upcoming ones as a preview
# --------------------------------------------------------------------------------------------


def auctions_current(*, now: datetime | None = None) -> QuerySet[Auction]:
    """Published auctions that have opened, the first to close first."""
    return (Auction.objects.filter(status=AuctionStatus.PUBLISHED, opens_at__lte=now or timezone.now())
            .order_by("closes_at", "id"))


def auctions_upcoming(*, now: datetime | None = None) -> QuerySet[Auction]:
    """Published auctions that open later, the soonest first."""
    return (Auction.objects.filter(status=AuctionStatus.PUBLISHED, opens_at__gt=now or timezone.now())
            .order_by("opens_at", "id"))


def auction_lots_public(auction: Auction) -> QuerySet[Lot]:
    """An auction's lots as its public page lists them: those the public may see, and before the
    auction opens its scheduled lots (the preview)."""
    return Lot.objects.filter(Q(status__in=PUBLIC_LOT_STATES) | PREVIEW_LOTS, auction=auction).order_by("number")


# ---- the staff dashboard --------------------------------------------------------------------


def bidders_to_review_q() -> Q:
    """Profiles awaiting review, and rejected ones corrected since their review."""
    return Q(status=BidderStatus.PENDING) | Q(status=BidderStatus.REJECTED, updated_at__gt=F("reviewed_at"))


def bidders_to_review_count() -> int:
    return BidderProfile.objects.filter(bidders_to_review_q()).count()


def auction_counts(statuses) -> dict[str, int]:
    return counts_by(Auction.objects.all(), "status", statuses)


def lot_counts(statuses) -> dict[str, int]:
    return counts_by(Lot.objects.all(), "status", statuses)

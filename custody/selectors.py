"""Reads of the custody register that are more than a filter. Each returns what its caller renders,
with the joins and prefetches it needs, so that a page costs the same number of queries however many
rows it shows."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q, QuerySet

from common.search import ListingSearch, code, words
from common.selectors import counts_by

from . import roles
from .models import (
    HELD_STATES,
    Asset,
    AssetIdentifier,
    AssetPhoto,
    AssetStatus,
    Case,
    CaseStatus,
    CourtOrder,
    CustodyEvent,
    Party,
    categories_where,
)

# Orderings the asset listing accepts (with and without "-"); the default uses the
# (-created_at, -id) index.
ASSET_ORDERINGS = ("created_at", "reference", "title", "status", "category", "declared_value", "status_changed_at")
ASSET_DEFAULT_ORDERING = ("-created_at", "-id")

# What the staff listings' search boxes look through: references and identifiers (VIN, IBAN, plate ...)
# however typed, titles and names with typos; the parties' names and identity numbers only for those
# who may see the parties.
ASSET_SEARCH = ListingSearch(
    code("reference"), words("title"), code("identifiers__value"), code("case__reference"),
    words("case__parties__name", permission="custody.view_party"),
    code("case__parties__identity_number", permission="custody.view_party"),
)
CASE_SEARCH = ListingSearch(
    code("reference"), words("title"), words("court"), code("orders__reference"),
    code("assets__reference", permission="custody.view_asset"),
    code("assets__identifiers__value", permission="custody.view_asset"),
    words("parties__name", permission="custody.view_party"),
    code("parties__identity_number", permission="custody.view_party"),
)


def asset_list(*, search: str = "", status: str = "", category: str = "", case_id: int | None = None,
               case_reference: str = "", location_id: int | None = None, custodian_id: int | None = None,
               perishable: bool | None = None, unstored: bool = False, ordering: str = "", user=None,
               by_relevance: bool = False) -> QuerySet[Asset]:
    """Assets for the staff listing: one query for the rows (case, location and custodian joined),
    whatever the page size. Search (ASSET_SEARCH, for `user`) covers reference, title, identifier
    values (VIN, IBAN ...), the case's reference and its parties; best match first if `by_relevance`."""
    qs = Asset.objects.select_related("case", "location", "custodian").only(
        "id", "reference", "title", "category", "status", "perishable", "declared_value", "currency",
        "created_at", "status_changed_at", "quantity", "unit",
        "case__id", "case__reference", "case__title",
        "location__id", "location__name",
        "custodian__id", "custodian__username", "custodian__first_name", "custodian__last_name",
    )
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category=category)
    if case_id is not None:
        qs = qs.filter(case_id=case_id)
    if case_reference:
        qs = qs.filter(case__reference__iexact=case_reference.strip())
    if location_id is not None:
        qs = qs.filter(location_id=location_id)
    if custodian_id is not None:
        qs = qs.filter(custodian_id=custodian_id)
    if perishable is not None:
        qs = qs.filter(perishable=perishable)
    if unstored:
        qs = qs.filter(pk__in=assets_without_storage().values("pk"))
    return ASSET_SEARCH.apply(qs.order_by(*asset_ordering(ordering)), search, user=user, by_relevance=by_relevance)


def asset_ordering(ordering: str) -> tuple[str, ...]:
    """A valid ordering for the listing, always ending in a unique key so pages never overlap."""
    key = (ordering or "").lstrip("-")
    if key not in ASSET_ORDERINGS:
        return ASSET_DEFAULT_ORDERING
    desc = ordering.startswith("-")
    return (ordering, "-id" if desc else "id")


def public_assets() -> QuerySet[Asset]:
    """The assets the public record shows one by one: confiscated (whatever became of them since), or
    sold early by court order with the proceeds in escrow; not those released to their owner since (a
    confiscation overturned on appeal: their record is private again). Restrained and seized assets
    appear only in aggregate. The one definition that the public pages, the
    statistics and the open data share, so that their figures agree."""
    return (Asset.objects.filter(Q(confiscated_at__isnull=False) | Q(status=AssetStatus.SOLD))
            .exclude(status=AssetStatus.RELEASED))


def asset_pages() -> QuerySet[Asset]:
    """Assets with all that their staff page shows: case, location, custodian, identifiers, photos,
    the orders covering it and its whole custody log (a fixed number of queries however long its
    history)."""
    return (
        Asset.objects.select_related("case", "case__case_officer", "location", "custodian")
        .prefetch_related(
            Prefetch("identifiers", queryset=AssetIdentifier.objects.order_by("scheme", "value")),
            Prefetch("photos", queryset=AssetPhoto.objects.select_related("uploaded_by").order_by("uploaded_at", "id")),
            Prefetch("orders", queryset=CourtOrder.objects.order_by("-issued_on", "-id")),
            Prefetch("custody_events",
                     queryset=CustodyEvent.objects.select_related("actor", "order", "location").order_by("-seq")),
        )
    )


def orders_covering_asset(*, asset: Asset, order_type: str) -> QuerySet[CourtOrder]:
    """The orders of one type, of the asset's case, that cover the asset: what a transition may cite."""
    return CourtOrder.objects.filter(case_id=asset.case_id, order_type=order_type, assets=asset).order_by(
        "-issued_on", "-id")


def case_list() -> QuerySet[Case]:
    return Case.objects.select_related("case_officer")


def case_pages() -> QuerySet[Case]:
    """Cases with their parties and court orders (each with the references of the assets it covers)."""
    return (
        Case.objects.select_related("case_officer")
        .prefetch_related(
            Prefetch("parties", queryset=Party.objects.order_by("role", "name")),
            Prefetch("orders", queryset=CourtOrder.objects.order_by("-issued_on", "-id").prefetch_related(
                # status too: the FSM mixin reads it on init, a deferred status would cost a query per row
                Prefetch("assets", queryset=Asset.objects.only("id", "reference", "case_id", "status")))),
        )
    )


def case_assets(*, case: Case) -> QuerySet[Asset]:
    return asset_list(case_id=case.pk)


def custodians() -> QuerySet:
    """Users who can hold assets in custody (the custodian role)."""
    User = get_user_model()
    return User.objects.filter(groups__name=roles.CUSTODIAN, is_active=True).order_by(
        "last_name", "first_name", "username").distinct()


def court_order_list() -> QuerySet[CourtOrder]:
    return CourtOrder.objects.select_related("case", "created_by")


# ---- the staff dashboard --------------------------------------------------------------------

CASES_DECIDED = (CaseStatus.FINAL, CaseStatus.CLOSED)


def cases_past_decision_date(*, today: date) -> QuerySet[Case]:
    """Cases still undecided after the date the court was expected to decide."""
    return Case.objects.filter(expected_decision_date__lt=today).exclude(status__in=CASES_DECIDED)


def assets_without_storage() -> QuerySet[Asset]:
    """Assets the agency holds that can be kept somewhere (a car, a painting; not a bank balance) and
    whose storage site is not recorded: the custodian's queue, to receive them into storage."""
    return Asset.objects.filter(status__in=HELD_STATES, location__isnull=True,
                                category__in=categories_where(lambda rule: rule.lose))


def asset_counts_by_status(statuses: Iterable[str]) -> dict[str, int]:
    """How many assets are in each of `statuses` (0 for none), in one query."""
    return counts_by(Asset.objects.all(), "status", statuses)

"""The public auction site: home, catalogue, auction and lot pages, the live lot state, the bid
form, the watchlist and the photos of published lots.

Who may see what: every page here is public (anonymous visitors included) except the bid and
watch actions, which need a signed-in bidder. Nothing here shows a reserve price, a bidder's
maximum or who a bidder is: bidders appear only as per-lot pseudonyms ("Bidder 7"). Views are
thin: they parse, call a selector or a service, and render.
"""

from __future__ import annotations

import datetime
import hashlib
import mimetypes
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseNotModified, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from common.formats import format_moment
from common.money import amount_for_input, format_money, format_percent, read_as
from common.net import client_address
from custody.models import AssetCategory, AssetPhoto

from . import engine, selectors
from .exceptions import BidRefused, DomainError
from .forms import BidForm, CatalogueFilterForm, TermsForm
from .models import (
    Auction,
    AuctionStatus,
    BidderStatus,
    DepositStatus,
    Lot,
    LotStatus,
    WatchlistItem,
)
from .services import bidders, bidding, deposits

PUBLIC_AUCTION_STATES = [AuctionStatus.PUBLISHED, AuctionStatus.CLOSED]
PER_PAGE = 24
MAX_ID = 2**63 - 1
RENDITIONS = {"thumbnail", "medium"}
OPTIONS_CACHE_KEY = "auctions:catalogue-options"

# Where a refusal code sends the bidder to put it right.
REFUSAL_HELP = {
    "not_approved": "auctions:profile",
    "terms_not_accepted": "terms",
    "deposit_required": "deposit",
}


def _safe_id(value: int) -> int:
    if value > MAX_ID:
        raise Http404
    return value


def _money_str(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _iso(value) -> str | None:
    return None if value is None else value.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")


# --------------------------------------------------------------------------------------------
# Home and catalogue
# --------------------------------------------------------------------------------------------


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The landing page: what the agency sells, the open auctions, lots ending soonest."""
    fields = ("id", "slug", "title", "opens_at", "closes_at", "time_zone")
    auctions = list(selectors.auctions_current().only(*fields)[:6])
    upcoming = list(selectors.auctions_upcoming().only(*fields)[:6])
    ending = _as_cards(list(_card_queryset(selectors.lots_public(status=LotStatus.OPEN))[:4]))
    return render(request, "auctions/public/home.html", {"auctions": auctions, "upcoming": upcoming,
                                                         "ending": ending, "agency_name": settings.AGENCY_NAME})


def _card_queryset(qs):
    return qs.select_related("auction").only(
        "id", "number", "title", "category", "status", "currency", "starting_price", "current_price", "bid_count",
        "ends_at", "reserve_met", "auction__id", "auction__status", "auction__title", "auction__slug",
        "auction__time_zone", "auction__opens_at")


def _with_thumbnails(lots: list[Lot]) -> list[Lot]:
    """Attach the first photo id of each lot (one query for the whole page)."""
    if not lots:
        return lots
    rows = (AssetPhoto.objects.filter(asset__lot_assets__lot__in=[lot.pk for lot in lots])
            .order_by("asset__lot_assets__lot_id", "asset__lot_assets__position", "uploaded_at", "id")
            .values_list("asset__lot_assets__lot_id", "id"))
    first: dict[int, int] = {}
    for lot_id, photo_id in rows:
        first.setdefault(lot_id, photo_id)
    for lot in lots:
        lot.thumbnail_id = first.get(lot.pk)
    return lots


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(settings.TIME_ZONE)


def _as_cards(lots: list[Lot]) -> list[Lot]:
    """Thumbnails plus the card's texts, formatted here once (cheaper than template filters per card):
    price for the locale with its currency, end time in the auction's time zone."""
    _with_thumbnails(lots)
    categories = {code: str(label) for code, label in AssetCategory.choices}
    for lot in lots:
        lot.card_category = categories.get(lot.category, lot.category)
        lot.card_price = format_money(lot.current_price or lot.starting_price, lot.currency)
        lot.card_bids = ngettext("%(n)s bid", "%(n)s bids", lot.bid_count) % {"n": lot.bid_count}
        lot.card_ends = format_moment(lot.ends_at, tz=_zone(lot.auction.time_zone)) if lot.ends_at else ""
        lot.card_ends_iso = _iso(lot.ends_at)
        if lot.status == LotStatus.SCHEDULED:
            lot.card_opens = format_moment(lot.auction.opens_at, tz=_zone(lot.auction.time_zone))
            lot.card_opens_iso = _iso(lot.auction.opens_at)
    return lots


def _catalogue_options() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The category and location menus: only what open lots have, each with its number of lots. A
    location is the public area (town or region) of a lot's assets, never a storage site's name or
    address, since where valuables are kept is not public. Cached a minute (labels are not: they
    are in the visitor's language)."""
    cached = cache.get(OPTIONS_CACHE_KEY)
    if cached is None:
        cached = selectors.catalogue_options()
        cache.set(OPTIONS_CACHE_KEY, cached, 60)
    labels = dict(AssetCategory.choices)
    categories = [(code, f"{labels.get(code, code)} ({n})") for code, n in cached.categories]
    return categories, [(area, f"{area} ({n})") for area, n in cached.areas]


COUNT_CACHE_SECONDS = 10
COUNT_CACHE_MIN = 1000  # below this, counting is cheap: always exact


def _count_key(filters: dict) -> str:
    """The cache key of the number of open lots matching these filters (the order does not matter)."""
    raw = repr(sorted((k, str(v)) for k, v in filters.items() if k != "sort" and v not in (None, "")))
    return "auctions:catalogue-count:" + hashlib.sha256(raw.encode()).hexdigest()[:32]


class CachedCountPaginator(Paginator):
    """Counting 10,000 open lots on every page view costs more than the page itself. Large counts
    are kept ten seconds (the number shown may be that old, the lots themselves never are)."""

    def __init__(self, *args, cache_key: str, **kwargs):
        super().__init__(*args, **kwargs)
        self._cache_key = cache_key

    @cached_property
    def count(self) -> int:
        value = cache.get(self._cache_key)
        if value is None:
            value = super().count
            if value >= COUNT_CACHE_MIN:
                cache.set(self._cache_key, value, COUNT_CACHE_SECONDS)
        return value


SORT_ORDER = {
    "relevance": ("-search_rank", "ends_at", "id"),
    "ending": ("ends_at", "id"),
    "newest": ("-created_at", "-id"),
    "price_asc": ("display_price", "id"),
    "price_desc": ("-display_price", "id"),
}


def _filter_field(form: CatalogueFilterForm, name: str, sort: str) -> dict:
    """What the catalogue template needs of a filter field, without Django's (slow) widget rendering.
    The order menu shows the order applied (`sort`), which depends on whether there is a search."""
    field = form.fields[name]
    raw = sort if name == "sort" else form.data.get(name, "") if form.is_bound else ""
    choices = getattr(field, "choices", None)
    return {"name": name, "label": field.label,
            "choices": [(value, str(label)) for value, label in choices] if choices else None,
            "current": str(raw)[:100], "errors": form.errors.get(name, []) if form.is_bound else []}


@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    """Open lots, searchable and filterable, 24 a page. Invalid filters are reported, not fatal."""
    categories, locations = _catalogue_options()
    form = CatalogueFilterForm(request.GET or None, categories=categories, locations=locations)
    if form.is_bound:
        form.is_valid()
    f = form.filters() if form.is_bound else {}
    qs = selectors.lots_public(
        status=LotStatus.OPEN, category=f.get("category") or None, search=f.get("q") or None,
        min_price=f.get("min_price"), max_price=f.get("max_price"), area=f.get("location") or None)
    # Best match first when searching (unless another order is asked for); soonest-ending otherwise.
    sort = f.get("sort") or ("relevance" if f.get("q") else "ending")
    if sort == "relevance" and not f.get("q"):
        sort = "ending"
    if sort.startswith("price"):
        qs = qs.annotate(display_price=Coalesce(F("current_price"), F("starting_price")))
    qs = _card_queryset(qs).order_by(*SORT_ORDER.get(sort, SORT_ORDER["ending"]))
    paginator = CachedCountPaginator(qs, PER_PAGE, cache_key=_count_key(f))
    page = paginator.get_page(request.GET.get("page"))
    lots = _as_cards(list(page.object_list))
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "auctions/public/catalogue.html", {
        "form": form, "page": page, "lots": lots, "query_string": params.urlencode(),
        # A menu with nothing to choose (no open lot has a public area) is left out, unless it has an error.
        "filter_fields": [field for field in (_filter_field(form, name, sort) for name in (
            "category", "location", "min_price", "max_price", "sort"))
            if field["choices"] is None or len(field["choices"]) > 1 or field["errors"]],
        "filtered": any(v for k, v in f.items() if k != "sort"),
    })


@require_GET
def auction_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """An auction's terms, viewing and pickup, premium, deposit rule, and its lots."""
    auction = get_object_or_404(Auction, slug=slug, status__in=PUBLIC_AUCTION_STATES)
    lots = _as_cards(list(_card_queryset(selectors.auction_lots_public(auction))))
    context = {"auction": auction, "lots": lots, "deposit_amount": auction.required_deposit(),
               "upcoming": auction.status == AuctionStatus.PUBLISHED and auction.opens_at > timezone.now()}
    context.update(_bidder_auction_state(request, auction))
    return render(request, "auctions/public/auction.html", context)


def _bidder_auction_state(request: HttpRequest, auction: Auction) -> dict:
    user = request.user
    if not user.is_authenticated or user.is_staff:
        return {"terms_accepted": False, "deposit": None}
    from .models import Deposit, TermsAcceptance

    return {
        "terms_accepted": TermsAcceptance.objects.filter(bidder=user, auction=auction).exists(),
        "deposit": Deposit.objects.filter(bidder=user, auction=auction).first(),
    }


# --------------------------------------------------------------------------------------------
# Lot page, live state, bids, watchlist
# --------------------------------------------------------------------------------------------


def _public_lot_or_404(lot_id: int) -> Lot:
    try:
        return selectors.lot_detail(_safe_id(lot_id))
    except Lot.DoesNotExist:
        raise Http404 from None


def _bidder_lot_context(request: HttpRequest, lot: Lot) -> dict:
    """What the signed-in visitor may do on this lot, and why not."""
    user = request.user
    context = {"can_bid": False, "refusal": None, "refusal_message": None, "refusal_url": None,
               "my_pseudonym": None, "my_maximum": None, "watching": False, "is_staff_user": False,
               "has_profile": False}
    if not user.is_authenticated:
        return context
    context["watching"] = WatchlistItem.objects.filter(user=user, lot=lot).exists()
    if user.is_staff:
        context["is_staff_user"] = True
        return context
    eligibility = selectors.bidder_eligibility(user_id=user.pk, lot_id=lot.pk, auction_id=lot.auction_id)
    context["has_profile"] = eligibility.has_profile
    context["my_pseudonym"] = eligibility.pseudonym
    if eligibility.pseudonym is not None:
        context["my_maximum"] = selectors.bidder_lot_maximum(user_id=user.pk, lot_id=lot.pk)
    refusal = eligibility.refusal(deposit_required=lot.auction.requires_deposit)
    if refusal:
        context["refusal"] = refusal
        context["refusal_message"] = bidding.ELIGIBILITY_MESSAGES[refusal]
        target = REFUSAL_HELP.get(refusal)
        if target == "terms":
            context["refusal_url"] = reverse("auctions:auction_terms", args=[lot.auction.slug])
        elif target == "deposit":
            context["refusal_url"] = reverse("auctions:auction_deposit", args=[lot.auction.slug])
        elif target:
            context["refusal_url"] = reverse(target)
    context["can_bid"] = refusal is None and lot.status == LotStatus.OPEN
    return context


@require_GET
def lot_detail(request: HttpRequest, lot_id: int) -> HttpResponse:
    lot = _public_lot_or_404(lot_id)
    return _render_lot(request, lot, BidForm(initial={"version": lot.version}, lot=lot))


def _render_lot(request: HttpRequest, lot: Lot, form: BidForm, *, status: int = 200) -> HttpResponse:
    tiers = selectors.increment_tiers(lot.increment_table_id)
    next_min = selectors.lot_next_minimum_bid(lot, tiers) if lot.status == LotStatus.OPEN else None
    context = {
        "lot": lot, "auction": lot.auction, "photos": selectors.lot_photos(lot), "form": form,
        "next_minimum_bid": next_min, "next_minimum_input": amount_for_input(next_min),
        "history": selectors.lot_public_history(lot.pk, limit=20),
        "increment": engine.increment_at(lot.current_price or lot.starting_price, tiers) if tiers else None,
        "locations": sorted({la.asset.location.public_area for la in lot.lot_assets.all()
                             if la.asset.location and la.asset.location.public_area}),
        "state_url": reverse("auctions:lot_state", args=[lot.pk]),
        "history_url": reverse("auctions:lot_history", args=[lot.pk]),
        "preview_url": reverse("auctions:lot_bid_preview", args=[lot.pk]),
        "premium_percent": format_percent(lot.auction.buyers_premium_percent),
        "reading": _bid_reading(form, lot) if form.is_bound else None,
        "js_strings": _js_strings(),
    }
    context.update(_bidder_lot_context(request, lot))
    return render(request, "auctions/public/lot.html", context, status=status)


def _js_strings() -> dict:
    return {
        "ended": _("Ended"), "closing": _("Closing…"), "days": _("d"),
        "bidding_ended": _("Bidding on this lot has ended."),
        "leading": _("You are the highest bidder."), "outbid": _("You have been outbid."),
        "outbid_banner": _("You have been outbid: another bidder's maximum is higher. The next minimum bid is "
                           "%(amount)s."),
        "bidder": _("Bidder %(n)s"), "highest": _("highest: %(who)s"),
        "bid_one": ngettext("%(n)s bid", "%(n)s bids", 1), "bid_many": ngettext("%(n)s bid", "%(n)s bids", 2),
        "current_bid": _("Current bid"), "starting_price": _("Starting price"),
        "reserve_met": _("Reserve met"), "reserve_not_met": _("Reserve not yet met"), "no_bids": _("No bids yet."),
        "statuses": {code: str(label) for code, label in LotStatus.choices},
    }


STATE_FIELDS = ("id", "status", "currency", "starting_price", "current_price", "bid_count", "ends_at",
                "original_ends_at", "reserve_met", "leader_pseudonym", "version", "increment_table_id")


@require_GET
def lot_state(request: HttpRequest, lot_id: int) -> HttpResponse:
    """The live state of a lot for the page's poller: one query (the increment tiers are cached).
    Public and the same for everyone, so proxies may cache it for a second; the ETag lets the
    poller revalidate cheaply."""
    row = (Lot.objects.filter(pk=_safe_id(lot_id), status__in=selectors.PUBLIC_LOT_STATES,
                              auction__status__in=PUBLIC_AUCTION_STATES)
           .values(*STATE_FIELDS).first())
    if row is None:
        return JsonResponse({"error": "not_found", "detail": _("There is no such lot.")}, status=404)
    etag = f'"{row["version"]}-{row["status"]}-{int(row["ends_at"].timestamp()) if row["ends_at"] else 0}"'
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponseNotModified()
    else:
        next_min = None
        if row["status"] == LotStatus.OPEN:
            state = engine.BidState(starting_price=row["starting_price"], reserve_price=None,
                                    tiers=selectors.increment_tiers(row["increment_table_id"]),
                                    current_price=row["current_price"])
            next_min = engine.next_minimum_bid(state)
        pseudonym = row["leader_pseudonym"]
        response = JsonResponse({
            "id": row["id"], "status": row["status"], "currency": row["currency"],
            "current_price": _money_str(row["current_price"]),
            "starting_price": _money_str(row["starting_price"]),
            "next_minimum_bid": _money_str(next_min), "bid_count": row["bid_count"],
            "ends_at": _iso(row["ends_at"]), "extended": bool(row["original_ends_at"] and row["ends_at"]
                                                            and row["ends_at"] > row["original_ends_at"]),
            "reserve_met": row["reserve_met"], "leader": pseudonym,
            "leader_label": (_("Bidder %(n)s") % {"n": pseudonym}) if pseudonym else None,
            "version": row["version"],
        })
    response["ETag"] = etag
    response["Cache-Control"] = "public, max-age=1"
    return response


@require_GET
def lot_history(request: HttpRequest, lot_id: int) -> JsonResponse:
    """The public bid history (price steps under pseudonyms), newest first."""
    if not Lot.objects.filter(pk=_safe_id(lot_id), status__in=selectors.PUBLIC_LOT_STATES,
                              auction__status__in=PUBLIC_AUCTION_STATES).exists():
        return JsonResponse({"error": "not_found", "detail": _("There is no such lot.")}, status=404)
    lines = selectors.lot_public_history(lot_id, limit=20)
    response = JsonResponse({"results": [
        {"amount": _money_str(h.amount), "bidder": h.bidder, "label": _("Bidder %(n)s") % {"n": h.bidder},
         "placed_at": _iso(h.placed_at)} for h in lines]})
    response["Cache-Control"] = "public, max-age=1"
    return response


def _login_redirect(request: HttpRequest, next_url: str) -> HttpResponse:
    from django.contrib.auth.views import redirect_to_login

    return redirect_to_login(next_url, reverse("auctions:login"))


@require_POST
def lot_bid(request: HttpRequest, lot_id: int) -> HttpResponse:
    """A signed-in bidder gives a maximum through the lot page's form. Every refusal comes back as
    a message on the lot page (the form keeps the amount, and says how it was read)."""
    lot_url = reverse("auctions:lot_detail", args=[lot_id])
    if not request.user.is_authenticated:
        return _login_redirect(request, lot_url)
    lot = _public_lot_or_404(lot_id)
    form = BidForm(request.POST, lot=lot)
    if not form.is_valid():
        return _render_lot(request, lot, form, status=400)
    if request.user.is_staff:
        form.add_error(None, bidding.ELIGIBILITY_MESSAGES["not_eligible"])
        return _render_lot(request, lot, form, status=403)
    amount = form.cleaned_data["max_amount"]
    try:
        result = bidding.lot_place_bid(lot_id=lot.pk, bidder=request.user, max_amount=amount, throttle=True)
    except BidRefused as exc:
        lot = _public_lot_or_404(lot_id)
        message = str(exc)
        if exc.code == "below_minimum":
            message = _("%(read)s, below the next minimum bid of %(minimum)s.") % {
                "read": read_as(amount, lot.currency),
                "minimum": format_money(Decimal(exc.extra["next_minimum_bid"]), lot.currency)}
        elif exc.status == 400:
            message = f"{read_as(amount, lot.currency)}: {message}"
        form.add_error("max_amount" if exc.status == 400 else None, message)
        return _render_lot(request, lot, form, status=exc.status if exc.status in (400, 403, 409, 429) else 400)
    if result.leading:
        messages.success(request, _("Your maximum of %(amount)s %(currency)s is registered: you are the highest "
                                    "bidder.") % {"amount": _fmt(result.bid.max_amount), "currency": lot.currency},
                         extra_tags="bid-status")
    else:
        messages.warning(request, _("Your bid is registered, but another bidder's maximum is higher: you have been "
                                    "outbid. The next minimum bid is %(amount)s %(currency)s.")
                         % {"amount": _fmt(result.next_minimum_bid), "currency": lot.currency},
                         extra_tags="bid-status")
    return redirect(lot_url)


@require_GET
def lot_bid_preview(request: HttpRequest, lot_id: int) -> JsonResponse:
    """How the lot page's bid form reads an amount, as the bidder types it: the same form and parser
    as the bid itself, in the page's language. Public, and about the typed text only (no bidder)."""
    lot = (Lot.objects.select_related("auction")
           .filter(pk=_safe_id(lot_id), status__in=selectors.PUBLIC_LOT_STATES,
                   auction__status__in=PUBLIC_AUCTION_STATES)
           .first())
    if lot is None:
        return JsonResponse({"error": "not_found", "detail": _("There is no such lot.")}, status=404)
    raw = request.GET.get("amount", "")[:40]
    form = BidForm({"max_amount": raw, "confirm_amount": request.GET.get("confirm", "")[:24]}, lot=lot)
    reading = _bid_reading(form, lot)
    if reading is None:
        return JsonResponse({"error": "invalid_amount", "detail": " ".join(form.errors.get("max_amount", []))},
                            status=400)
    return JsonResponse(reading)


def _bid_reading(form: BidForm, lot: Lot) -> dict | None:
    """What a bound bid form read (None if it could not read an amount): the amount, the buyer's
    premium and the total, and the lines that say so to the bidder."""
    form.is_valid()
    amount = form.to_confirm or (getattr(form, "cleaned_data", None) or {}).get("max_amount")
    if amount is None:
        return None
    percent = lot.auction.buyers_premium_percent
    premium = engine.buyers_premium(amount, percent)
    lines = [read_as(amount, lot.currency),
             _("With the buyer's premium of %(percent)s, you would pay %(total)s if you win at this amount.")
             % {"percent": format_percent(percent), "total": format_money(amount + premium, lot.currency)}]
    if form.to_confirm is not None:
        lines.append(_("That is more than %(n)s times the current price: you will be asked to confirm it.")
                     % {"n": settings.AUCTIONS_CONFIRM_MAX_MULTIPLE})
    next_min = selectors.lot_next_minimum_bid(lot, selectors.increment_tiers(lot.increment_table_id)) \
        if lot.status == LotStatus.OPEN else None
    if next_min is not None and amount < next_min:
        lines.append(_("This is below the next minimum bid of %(minimum)s.")
                     % {"minimum": format_money(next_min, lot.currency)})
    return {"amount": _money_str(amount), "read": format_money(amount, lot.currency),
            "premium": _money_str(premium), "total": _money_str(amount + premium),
            "confirm": f"{amount:.2f}" if form.to_confirm is not None else None,
            "confirm_label": form.confirm_label if form.to_confirm is not None else None,
            "messages": lines}


def _fmt(amount: Decimal) -> str:
    return format_money(amount)


def _next_or(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return default


@require_POST
def lot_watch(request: HttpRequest, lot_id: int) -> HttpResponse:
    """Add a lot to, or remove it from, the signed-in user's watchlist."""
    lot_url = reverse("auctions:lot_detail", args=[lot_id])
    if not request.user.is_authenticated:
        return _login_redirect(request, lot_url)
    _safe_id(lot_id)
    if request.POST.get("action") == "remove":
        bidders.watchlist_remove(user=request.user, lot_id=lot_id)
        messages.info(request, _("Removed from your watchlist."))
    else:
        try:
            bidders.watchlist_add(user=request.user, lot_id=lot_id)
        except Lot.DoesNotExist:
            raise Http404 from None
        messages.success(request, _("Added to your watchlist."))
    return redirect(_next_or(request, lot_url))


# --------------------------------------------------------------------------------------------
# Terms and deposits (per auction)
# --------------------------------------------------------------------------------------------


def _bidder_or_redirect(request: HttpRequest, next_url: str) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return _login_redirect(request, next_url)
    if request.user.is_staff:
        messages.error(request, _("Agency staff cannot bid."))
        return redirect(next_url if "terms" not in next_url and "deposit" not in next_url else "auctions:catalogue")
    return None


def auction_terms(request: HttpRequest, slug: str) -> HttpResponse:
    """Read and accept an auction's terms (once per auction). Who: signed-in bidders."""
    auction = get_object_or_404(Auction, slug=slug, status__in=PUBLIC_AUCTION_STATES)
    url = reverse("auctions:auction_terms", args=[slug])
    if (refused := _bidder_or_redirect(request, url)) is not None:
        return refused
    from .models import TermsAcceptance

    accepted = TermsAcceptance.objects.filter(bidder=request.user, auction=auction).first()
    form = TermsForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and not accepted and form.is_valid():
        try:
            bidders.terms_accept(bidder=request.user, auction_id=auction.pk,
                                 ip_address=client_address(request))
        except Auction.DoesNotExist:
            messages.error(request, _("This auction is no longer open."))
            return redirect("auctions:auction_detail", slug)
        messages.success(request, _("You accepted the terms of this auction."))
        return redirect(_next_or(request, reverse("auctions:auction_detail", args=[slug])))
    return render(request, "auctions/public/terms.html", {
        "auction": auction, "form": form, "accepted": accepted, "next": request.GET.get("next", ""),
    }, status=400 if form.is_bound and form.errors else 200)


def auction_deposit(request: HttpRequest, slug: str) -> HttpResponse:
    """Place the auction's deposit as a card hold (Stripe PaymentIntent, manual capture). Who:
    signed-in bidders with a profile."""
    auction = get_object_or_404(Auction, slug=slug, status__in=PUBLIC_AUCTION_STATES)
    url = reverse("auctions:auction_deposit", args=[slug])
    if (refused := _bidder_or_redirect(request, url)) is not None:
        return refused
    from .forms import DepositForm
    from .models import BidderProfile, Deposit

    profile = BidderProfile.objects.filter(user=request.user).only("status").first()
    deposit = Deposit.objects.filter(bidder=request.user, auction=auction).first()
    form = DepositForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if profile is None or profile.status != BidderStatus.APPROVED:
            messages.error(request, bidding.ELIGIBILITY_MESSAGES["not_approved"])
            status = 403
        elif form.is_valid():
            try:
                deposit = deposits.deposit_place(bidder=request.user, auction_id=auction.pk,
                                                 payment_method=form.cleaned_data["payment_method"])
            except DomainError as exc:
                messages.error(request, str(exc))
                status = 402 if exc.code == "deposit_failed" else 400
            except Exception:  # noqa: BLE001 - the card processor is unreachable: say so, never a 500
                import logging

                logging.getLogger(__name__).exception("deposit for auction %s", auction.pk)
                messages.error(request, _("The card service is not reachable right now. Try again in a few "
                                          "minutes."))
                status = 503
            else:
                if deposit.status in (DepositStatus.HELD, DepositStatus.CARD_SAVED):
                    messages.success(request, _("Your deposit is held on your card. You can now bid.")
                                     if deposit.status == DepositStatus.HELD else
                                     _("Your card is saved for the deposit (a hold would expire before the lots "
                                       "are settled). Nothing has been taken. You can now bid."))
                    return redirect(_next_or(request, reverse("auctions:auction_detail", args=[slug])))
                messages.warning(request, _("The card hold is not confirmed yet; we will tell you when it is."))
        else:
            status = 400
    return render(request, "auctions/public/deposit.html", {
        "auction": auction, "form": form, "deposit": deposit, "amount": auction.required_deposit(),
        "profile": profile, "next": request.GET.get("next", ""),
    }, status=status)


# --------------------------------------------------------------------------------------------
# Photos of published lots
# --------------------------------------------------------------------------------------------


@require_GET
def photo(request: HttpRequest, photo_id: int, rendition: str) -> HttpResponse:
    """A thumbnail or medium rendition of a photo of an asset in a lot the public may see. Never
    the original upload, never a photo of an asset that is in no published lot."""
    if rendition not in RENDITIONS:
        raise Http404
    item = (AssetPhoto.objects.filter(
        Q(asset__lot_assets__lot__status__in=selectors.PUBLIC_LOT_STATES,
          asset__lot_assets__lot__auction__status__in=PUBLIC_AUCTION_STATES)
        | Q(asset__lot_assets__lot__status=LotStatus.SCHEDULED,  # an upcoming auction's preview
            asset__lot_assets__lot__auction__status=AuctionStatus.PUBLISHED),
        pk=_safe_id(photo_id)).only("id", "thumbnail", "medium").first())
    if item is None:
        raise Http404
    fieldfile = getattr(item, rendition)
    if not fieldfile:
        raise Http404
    content_type = mimetypes.guess_type(fieldfile.name)[0]
    if content_type not in {"image/jpeg", "image/png", "image/webp"}:
        raise Http404
    try:
        handle = fieldfile.open("rb")
    except (FileNotFoundError, ValueError, OSError):
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "public, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response

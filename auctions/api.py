"""The public JSON API (/api/v1/): thin views that parse, call a service or selector, and render.

Bidders authenticate with `Authorization: Bearer <token>` (from POST /api/v1/auth/token/); those
requests need no CSRF token. A browser session works too, and then CSRF is enforced as usual.
Errors are always `{"error": code, "detail": text}` with a 4xx status. Amounts are decimal strings.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import authenticate
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from custody.models import AssetCategory

from . import engine, selectors
from .cache import count_and_get_many
from .exceptions import BidRefused, DomainError
from .models import Lot, LotStatus
from .openapi import openapi_schema
from .services import bidding, tokens

MAX_ID = 2**63 - 1
MAX_BODY = 4096


class ApiError(Exception):
    def __init__(self, status: int, code: str, detail: str):
        super().__init__(detail)
        self.status, self.code, self.detail = status, code, str(detail)


def error(status: int, code: str, detail: str, extra: dict | None = None) -> JsonResponse:
    response = JsonResponse({"error": code, "detail": str(detail), **(extra or {})}, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _when(value) -> str | None:
    return None if value is None else value.isoformat().replace("+00:00", "Z")


def lot_json(lot: Lot, *, tiers=None, next_minimum: Decimal | None = None) -> dict:
    if lot.status != LotStatus.OPEN:
        next_minimum = None
    elif next_minimum is None:
        next_minimum = engine.next_minimum_bid(selectors.lot_bid_state(lot, tiers))
    return {
        "id": lot.pk,
        "auction": lot.auction_id,
        "number": lot.number,
        "title": lot.title,
        "category": lot.category,
        "status": lot.status,
        "currency": lot.currency,
        "starting_price": _money(lot.starting_price),
        "current_price": _money(lot.current_price),
        "next_minimum_bid": _money(next_minimum),
        "bid_count": lot.bid_count,
        "ends_at": _when(lot.ends_at),
        "reserve_met": lot.reserve_met,
        "version": lot.version,
    }


def _bearer_user(request: HttpRequest):
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not header:
        return None, False
    scheme, _sep, key = header.partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        raise ApiError(401, "not_authenticated", _("Send “Authorization: Bearer <token>”."))
    user, request.eligibility_generation = tokens.api_token_authenticate(key.strip())
    if user is None:
        raise ApiError(401, "invalid_token", _("The token is invalid or has been revoked."))
    return user, True


def _csrf_ok(request: HttpRequest) -> bool:
    reason = CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {})
    return reason is None


def api_view(methods: tuple[str, ...], *, auth: str = "none") -> Callable:
    """auth: "none" (public), "optional" or "required"."""

    def decorate(view):
        @csrf_exempt
        @never_cache
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method not in methods:
                response = error(405, "method_not_allowed", _("Use %(methods)s.") % {"methods": ", ".join(methods)})
                response["Allow"] = ", ".join(methods)
                return response
            for name, value in kwargs.items():
                if name.endswith("_id") and value > MAX_ID:
                    return error(404, "not_found", _("Not found."))
            try:
                if auth != "none":
                    user, by_token = _bearer_user(request)
                    if user is None and request.user.is_authenticated:
                        user = request.user
                        if request.method not in ("GET", "HEAD", "OPTIONS") and not _csrf_ok(request):
                            raise ApiError(403, "csrf_failed", _("CSRF check failed; reload the page."))
                    if user is None and auth == "required":
                        raise ApiError(401, "not_authenticated", _("Sign in or send a bearer token."))
                    request.api_user = user
                return view(request, *args, **kwargs)
            except ApiError as exc:
                return error(exc.status, exc.code, exc.detail)
            except DomainError as exc:
                return error(getattr(exc, "status", 400), getattr(exc, "code", "refused"), str(exc))

        return wrapper

    return decorate


def _json_body(request: HttpRequest) -> dict:
    if len(request.body) > MAX_BODY:
        raise ApiError(400, "malformed", _("The request body is too large."))
    try:
        data = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ApiError(400, "malformed", _("The request body must be a JSON object.")) from None
    if not isinstance(data, dict):
        raise ApiError(400, "malformed", _("The request body must be a JSON object."))
    if b"\\u0000" in request.body:  # no database text can hold a NUL
        raise ApiError(400, "malformed", _("The request body must not contain NUL characters."))
    return data


# --------------------------------------------------------------------------------------------
# Endpoints
# --------------------------------------------------------------------------------------------


@api_view(("POST",))
def token_obtain(request: HttpRequest) -> JsonResponse:
    data = _json_body(request)
    username, password = data.get("username"), data.get("password")
    if not isinstance(username, str) or not isinstance(password, str) or not username or not password:
        raise ApiError(400, "malformed", _("Send {\"username\": ..., \"password\": ...}."))
    if len(username) > 150 or len(password) > 1024:
        raise ApiError(401, "invalid_credentials", _("Wrong username or password."))
    _rate_limit(f"login:{request.META.get('REMOTE_ADDR', '')}:{username.lower()}", limit=10, window=60)
    user = authenticate(request, username=username, password=password)
    if user is None or not user.is_active:
        raise ApiError(401, "invalid_credentials", _("Wrong username or password."))
    _token, key = tokens.api_token_create(user=user)
    return JsonResponse({"token": key}, status=200)


def _int_param(request: HttpRequest, name: str, default: int, *, low: int, high: int) -> int:
    raw = request.GET.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(400, "invalid_parameter", _("“%(name)s” must be a whole number.") % {"name": name}) from None
    if not low <= value <= high:
        raise ApiError(400, "invalid_parameter", _("“%(name)s” must be between %(low)s and %(high)s.")
                       % {"name": name, "low": low, "high": high})
    return value


def _decimal_param(request: HttpRequest, name: str) -> Decimal | None:
    raw = request.GET.get(name)
    if not raw:
        return None
    try:
        return engine.parse_amount(raw)
    except engine.BidRejected:
        raise ApiError(400, "invalid_parameter", _("“%(name)s” must be an amount.") % {"name": name}) from None


@api_view(("GET",))
def lot_list(request: HttpRequest) -> JsonResponse:
    status = request.GET.get("status") or None
    public_states = [s.value for s in selectors.PUBLIC_LOT_STATES]
    if status is not None and status not in public_states:
        raise ApiError(400, "invalid_parameter", _("“status” must be one of %(s)s.") % {"s": ", ".join(public_states)})
    category = request.GET.get("category") or None
    if category is not None and category not in AssetCategory.values:
        raise ApiError(400, "invalid_parameter", _("Unknown category."))
    ending = request.GET.get("ending_soon")
    minutes = _int_param(request, "ending_within_minutes", 0, low=0, high=60 * 24 * 365)
    if ending in ("1", "true", "yes") and not minutes:
        minutes = 60
    search = (request.GET.get("q") or "").strip()[:100] or None
    page_size = _int_param(request, "page_size", settings.AUCTIONS_API_PAGE_SIZE, low=1, high=100)
    page = _int_param(request, "page", 1, low=1, high=10**6)
    qs = selectors.lots_public(
        status=status, category=category, ending_within=timedelta(minutes=minutes) if minutes else None,
        search=search, min_price=_decimal_param(request, "min_price"), max_price=_decimal_param(request, "max_price"),
    )
    count = qs.count()
    start = (page - 1) * page_size
    lots = list(qs.only("id", "auction_id", "number", "title", "category", "status", "currency", "starting_price",
                        "reserve_price", "current_price", "leader_id", "leader_max", "bid_count", "ends_at",
                        "reserve_met", "version", "increment_table_id")[start:start + page_size])
    tiers = {t: selectors.increment_tiers(t) for t in {lot.increment_table_id for lot in lots}}

    def page_url(n: int) -> str:
        params = request.GET.copy()
        params["page"] = str(n)
        return request.build_absolute_uri(f"{request.path}?{urlencode(params, doseq=True)}")

    return JsonResponse({
        "count": count,
        "next": page_url(page + 1) if start + page_size < count else None,
        "previous": page_url(page - 1) if page > 1 and start < count + page_size else None,
        "results": [lot_json(lot, tiers=tiers[lot.increment_table_id]) for lot in lots],
    })


def _public_lot(lot_id: int) -> Lot:
    lot = selectors.lots_public().select_related("auction").filter(pk=lot_id).first()
    if lot is None:
        raise ApiError(404, "not_found", _("There is no such lot."))
    return lot


@api_view(("GET",))
def lot_detail(request: HttpRequest, lot_id: int) -> JsonResponse:
    lot = _public_lot(lot_id)
    data = lot_json(lot)
    data.update({
        "description": lot.description,
        "original_ends_at": _when(lot.original_ends_at),
        "auction": {
            "id": lot.auction_id, "title": lot.auction.title, "time_zone": lot.auction.time_zone,
            "buyers_premium_percent": _money(lot.auction.buyers_premium_percent),
            "deposit_required": lot.auction.requires_deposit,
            "soft_close_minutes": lot.auction.soft_close_minutes,
        },
    })
    return JsonResponse(data)


def _rate_limit(key: str, *, limit: int, window: int) -> None:
    if limit <= 0:
        return
    count, _found = count_and_get_many(f"rl:{key}:{int(time.time() // window)}", window + 1, [])
    if count > limit:
        raise ApiError(429, "rate_limited", _("Too many requests; wait a few seconds and try again."))


@api_view(("GET", "POST"), auth="optional")
def lot_bids(request: HttpRequest, lot_id: int) -> JsonResponse:
    if request.method == "GET":
        if not selectors.lots_public().filter(pk=lot_id).exists():
            raise ApiError(404, "not_found", _("There is no such lot."))
        limit = _int_param(request, "limit", 50, low=1, high=500)
        lines = selectors.lot_public_history(lot_id, limit=limit)
        return JsonResponse({"results": [
            {"amount": _money(h.amount), "bidder": _("Bidder %(n)s") % {"n": h.bidder}, "placed_at": _when(h.placed_at)}
            for h in lines
        ]})
    user = request.api_user
    if user is None:
        raise ApiError(401, "not_authenticated", _("Sign in or send a bearer token."))
    data = _json_body(request)
    raw = data.get("max_amount")
    if not isinstance(raw, str):
        raise ApiError(400, "invalid_amount", _("Give “max_amount” as a decimal string, e.g. \"1500.00\"."))
    if len(raw) > 32:
        raise ApiError(400, "invalid_amount", _("The amount is too long."))
    try:
        result = bidding.lot_place_bid(lot_id=lot_id, bidder=user, max_amount=raw, throttle=True,
                                       generation=getattr(request, "eligibility_generation", None))
    except BidRefused as exc:
        return error(exc.status, exc.code, str(exc), exc.extra)
    body = lot_json(result.lot, next_minimum=result.next_minimum_bid)
    body.update({"leading": result.leading, "your_maximum": _money(result.bid.max_amount)})
    return JsonResponse(body, status=201)


@api_view(("GET",))
def openapi(request: HttpRequest) -> JsonResponse:
    return JsonResponse(openapi_schema(request.build_absolute_uri("/api/v1")))

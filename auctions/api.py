"""The auctions part of the public JSON API (/api/v1/, assembled in config/api.py): the catalogue,
the bid history, bidding and bearer tokens. Endpoints parse, call a service or selector, render.

Bidders authenticate with `Authorization: Bearer <token>` (from POST /api/v1/auth/token/); those
requests need no CSRF token. A browser session works too, and then CSRF is enforced as usual.
Refusals are `{"error": code, "detail": text}` with a 4xx status (common.api). Amounts are decimal
strings.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict
from datetime import timedelta
from decimal import Decimal
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import authenticate
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.decorators import decorate_view
from ninja.security import HttpBearer
from pydantic import BaseModel, Field, ValidationInfo, WithJsonSchema, field_validator, model_validator
from pydantic_core import PydanticUseDefault

from common.api import (
    AMOUNT_MAX_LENGTH,
    AMOUNT_PATTERN,
    AMOUNT_SCHEMA,
    MAX_ID,
    Amount,
    ApiError,
    DateTime,
    Id,
    SessionWithCsrf,
    amount_text,
    answered_by_itself,
    answers,
    authenticated,
    invalid,
    read_body,
    whole_number,
)
from common.net import client_address
from common.security.lockout import LOCKED_OUT, is_locked_out, lockout_message
from common.throttle import throttle_exceeded
from custody.models import AssetCategory

from . import engine, selectors
from .models import ApiToken, ApiTokenStatus, LotStatus
from .models import Lot as LotRow
from .search import MAX_QUERY
from .services import bidding, tokens

router = Router()

PUBLIC_STATES = tuple(s.value for s in selectors.PUBLIC_LOT_STATES)
PublicStatus = Literal[PUBLIC_STATES]  # type: ignore[valid-type]
Category = Literal[tuple(AssetCategory.values)]  # type: ignore[valid-type]
TokenStatus = Literal[tuple(ApiTokenStatus.values)]  # type: ignore[valid-type]


class BearerToken(HttpBearer):
    """`Authorization: Bearer <token>`. A request without the header goes on to the next way in; one
    with a malformed header or an unknown or revoked token is refused, whatever else it carries."""

    def __call__(self, request: HttpRequest) -> Any:
        header = request.META.get("HTTP_AUTHORIZATION")  # request.headers would build a dict of them all
        if not header:
            return None
        scheme, _sep, key = header.partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            raise ApiError(401, "not_authenticated", _("Send “Authorization: Bearer <token>”."))
        return self.authenticate(request, key.strip())

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        check = tokens.api_token_authenticate(token)
        request.eligibility_generation = check.generation
        if check.expired:
            raise ApiError(401, "token_expired", _("The token has expired; obtain a new one from /auth/token/."))
        if check.user is None:
            raise ApiError(401, "invalid_token", _("The token is invalid or has been revoked."))
        return check.user


BIDDER = [BearerToken(), SessionWithCsrf()]


# --------------------------------------------------------------------------------------------
# Schemas: plain pydantic models, as common.api explains
# --------------------------------------------------------------------------------------------


class TokenRequest(BaseModel):
    username: str = Field(min_length=1, max_length=150)
    password: str = Field(min_length=1, max_length=1024)
    name: str = Field("", max_length=ApiToken.NAME_MAX,
                      description="what the token is for, shown on your account's tokens page")

    @model_validator(mode="before")
    @classmethod
    def _both_given(cls, data: Any) -> Any:
        username, password = data.get("username"), data.get("password")
        if not isinstance(username, str) or not isinstance(password, str) or not username or not password:
            raise invalid("malformed", _("Send {\"username\": ..., \"password\": ...}."))
        name = data.get("name", "")
        if not isinstance(name, str) or len(name) > ApiToken.NAME_MAX:
            raise invalid("malformed", _("“name” must be a text of at most %(n)d characters.")
                          % {"n": ApiToken.NAME_MAX})
        return data


class TokenInfo(BaseModel):
    id: int
    name: str
    prefix: str = Field(description="the key's first characters, to tell tokens apart")
    status: TokenStatus = Field(description="live until it expires or is revoked (only live ones are listed)")
    created_at: DateTime
    last_used_at: DateTime | None = Field(description="to the minute; null if never used")
    expires_at: DateTime


class Token(TokenInfo):
    token: str = Field(description="the bearer key: shown this once, only its hash is kept")


class TokenList(BaseModel):
    results: list[TokenInfo]


class Lot(BaseModel):
    id: int
    auction: int
    number: int
    title: str
    category: str
    status: PublicStatus
    currency: str = Field(examples=["EUR"])
    starting_price: Amount
    current_price: Amount | None = Field(description="null before the first bid")
    next_minimum_bid: Amount | None = Field(description="null unless the lot is open")
    bid_count: int = Field(description="the lines of the public bid history: bids that moved the price or the "
                                       "lead (a leader raising their own maximum is not counted)")
    ends_at: DateTime = Field(description="moves later under soft close")
    reserve_met: bool
    version: int = Field(description="changes with every accepted bid")


class AuctionSummary(BaseModel):
    id: int
    title: str
    time_zone: str
    buyers_premium_percent: Amount
    deposit_required: bool
    soft_close_minutes: int


class LotDetail(Lot):
    auction: AuctionSummary  # type: ignore[assignment]  # the auction itself, not its id
    description: str
    original_ends_at: DateTime


class LotPage(BaseModel):
    count: int
    next: str | None = Field(json_schema_extra={"format": "uri"})
    previous: str | None = Field(json_schema_extra={"format": "uri"})
    results: list[Lot]


class LotFilters(BaseModel):
    """The catalogue's filters; the first that is wrong, in this order, is the one refused."""

    status: PublicStatus | None = None
    category: Category | None = None
    ending_soon: bool = Field(False, description="only open lots ending within the hour (1, true or yes)")
    ending_within_minutes: whole_number(0, 60 * 24 * 365) = 0
    q: str | None = Field(None, max_length=MAX_QUERY,
                          description="search text: words of the title, category, description or town, in the "
                                      "language of Accept-Language; the results are then best match first")
    page_size: whole_number(1, 100) = Field(default_factory=lambda: settings.AUCTIONS_API_PAGE_SIZE)
    page: whole_number(1, 10**6) = 1
    min_price: Annotated[Decimal, WithJsonSchema(AMOUNT_SCHEMA)] | None = None
    max_price: Annotated[Decimal, WithJsonSchema(AMOUNT_SCHEMA)] | None = None

    # A parameter given empty ("?status=") counts as not given: each validator starts with _given.

    @field_validator("status", mode="before")
    @classmethod
    def _public_status(cls, value: Any) -> Any:
        if _given(value) not in PUBLIC_STATES:
            raise invalid("invalid_parameter", _("“status” must be one of %(s)s.") % {"s": ", ".join(PUBLIC_STATES)})
        return value

    @field_validator("category", mode="before")
    @classmethod
    def _known_category(cls, value: Any) -> Any:
        if _given(value) not in AssetCategory.values:
            raise invalid("invalid_parameter", _("Unknown category."))
        return value

    @field_validator("ending_soon", mode="before")
    @classmethod
    def _yes(cls, value: Any) -> bool:
        return value in ("1", "true", "yes")

    @field_validator("q", mode="before")
    @classmethod
    def _search_text(cls, value: Any) -> Any:
        text = " ".join(str(_given(value)).split())
        if len(text) > MAX_QUERY:
            raise invalid("invalid_parameter", _("“q” must be at most %(n)d characters.") % {"n": MAX_QUERY})
        return text or None

    @field_validator("min_price", "max_price", mode="before")
    @classmethod
    def _an_amount(cls, value: Any, info: ValidationInfo) -> Decimal:
        try:
            return engine.parse_amount(amount_text(_given(value), name=info.field_name))
        except engine.BidRejected:
            raise invalid("invalid_parameter", _("“%(name)s” must be an amount.") % {"name": info.field_name}) from None

    @model_validator(mode="after")
    def _a_price_range(self) -> LotFilters:
        if self.min_price is not None and self.max_price is not None and self.min_price > self.max_price:
            raise invalid("invalid_parameter", _("“min_price” is above “max_price”."))
        return self


def _given(value: Any) -> Any:
    if value == "":
        raise PydanticUseDefault()
    return value


class BidRequest(BaseModel):
    max_amount: str = Field(max_length=AMOUNT_MAX_LENGTH,
                            description="in the lot's currency, with no more decimals than it takes: none for JPY, "
                                        "two for EUR (trailing zeros aside; amounts are kept to the hundredth)",
                            json_schema_extra={"pattern": AMOUNT_PATTERN, "example": "1500.00"})

    @model_validator(mode="before")
    @classmethod
    def _a_decimal_string(cls, data: Any) -> Any:
        raw = data.get("max_amount")
        if not isinstance(raw, str):
            raise invalid("invalid_amount", _("Give “max_amount” as a decimal string, e.g. \"1500.00\"."))
        amount_text(raw, name="max_amount", code="invalid_amount")
        return data


class BidResult(Lot):
    leading: bool = Field(description="whether you lead after this bid")
    your_maximum: Amount


class HistoryLine(BaseModel):
    amount: Amount
    bidder: str = Field(examples=["Bidder 7"])
    placed_at: DateTime


class History(BaseModel):
    results: list[HistoryLine]


def _lot(lot: LotRow, *, tiers=None, next_minimum: Decimal | None = None) -> dict:
    """The fields of the Lot schema."""
    if lot.status != LotStatus.OPEN:
        next_minimum = None
    elif next_minimum is None:
        next_minimum = engine.next_minimum_bid(selectors.lot_bid_state(lot, tiers))
    return {
        "id": lot.pk, "auction": lot.auction_id, "number": lot.number, "title": lot.title,
        "category": lot.category, "status": lot.status, "currency": lot.currency,
        "starting_price": lot.starting_price, "current_price": lot.current_price, "next_minimum_bid": next_minimum,
        "bid_count": lot.bid_count, "ends_at": lot.ends_at, "reserve_met": lot.reserve_met, "version": lot.version,
    }


# --------------------------------------------------------------------------------------------
# Endpoints
# --------------------------------------------------------------------------------------------


def _rate_limit(key: str, *, limit: int, window: int) -> None:
    if throttle_exceeded(key, limit=limit, window=window):
        raise ApiError(429, "rate_limited", _("Too many requests; wait a few seconds and try again."))


@router.post("/auth/token/", summary="Obtain a bearer token", operation_id="obtainToken",
             description=f"The token lives {settings.AUCTIONS_API_TOKEN_LIFETIME_DAYS} days (then it is answered "
                         "401 `token_expired`), and until your password changes or is reset. You have at most "
                         f"{settings.AUCTIONS_API_TOKENS_PER_USER} live tokens: obtaining one more revokes your "
                         "oldest. List and revoke yours at /auth/tokens/ (or on your account's tokens page).",
             **answers({200: Token}, {400: "Not a JSON object with a username, a password and an optional name",
                                      401: "Wrong username or password", 415: "The body is not application/json",
                                      429: "Too many attempts, or locked out after too many failures"}))
def token_obtain(request: HttpRequest, credentials: TokenRequest) -> dict:
    username, password = credentials.username, credentials.password
    name_hash = hashlib.sha256(username.lower().encode()).hexdigest()[:32]  # any text may be sent as a name
    _rate_limit(f"login:{client_address(request) or ''}:{name_hash}", limit=10, window=60)
    user = authenticate(request, username=username, password=password)
    if user is None and is_locked_out(request):  # too many failures for this username or address (axes)
        request.lockout_shown = True
        raise ApiError(429, LOCKED_OUT, lockout_message())
    if user is None or not user.is_active:
        raise ApiError(401, "invalid_credentials", _("Wrong username or password."))
    token, key = tokens.api_token_create(user=user, name=credentials.name)
    return {**asdict(tokens.api_token_describe(token)), "token": key}


@router.get("/auth/tokens/", auth=BIDDER, summary="Your live bearer tokens, newest first", operation_id="listTokens",
            **answers({200: TokenList}, {401: "No, invalid or expired credentials"}))
def token_list(request: HttpRequest) -> dict:
    return {"results": [asdict(token) for token in tokens.api_tokens_live_described(user=request.auth)]}


@router.delete("/auth/tokens/{int:token_id}/", auth=BIDDER, summary="Revoke one of your bearer tokens",
               operation_id="revokeToken",
               **answers({204: None}, {401: "No, invalid or expired credentials",
                                       403: "(with a session) no CSRF token",
                                       404: "No such live token of yours"}))
def token_revoke(request: HttpRequest, token_id: Id) -> Status:
    if token_id > MAX_ID or not tokens.api_token_revoke(user=request.auth, token_id=token_id):
        raise ApiError(404, "not_found", _("There is no such live token of yours."))
    return Status(204, None)


@router.get("/lots/", summary="Browse lots, soonest-ending first (best match first with q)", operation_id="listLots",
            **answers({200: LotPage}, {400: "A query parameter out of its range"}))
def lot_list(request: HttpRequest, filters: Query[LotFilters]) -> dict:
    minutes = filters.ending_within_minutes
    if filters.ending_soon and not minutes:
        minutes = 60
    page, page_size = filters.page, filters.page_size
    qs = selectors.lots_public(
        status=filters.status, category=filters.category, search=filters.q,
        ending_within=timedelta(minutes=minutes) if minutes else None,
        min_price=filters.min_price, max_price=filters.max_price,
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

    return {
        "count": count,
        "next": page_url(page + 1) if start + page_size < count else None,
        "previous": page_url(page - 1) if page > 1 and start < count + page_size else None,
        "results": [_lot(lot, tiers=tiers[lot.increment_table_id]) for lot in lots],
    }


def _public_lot(lot_id: int) -> LotRow:
    lot = selectors.lots_public().select_related("auction").filter(pk=lot_id).first()
    if lot is None:
        raise ApiError(404, "not_found", _("There is no such lot."))
    return lot


@router.get("/lots/{int:lot_id}/", summary="One lot", operation_id="getLot",
            **answers({200: LotDetail}, {404: "No such lot"}))
def lot_detail(request: HttpRequest, lot_id: Id) -> dict:
    lot = _public_lot(lot_id)
    auction = lot.auction
    return {
        **_lot(lot), "description": lot.description, "original_ends_at": lot.original_ends_at,
        "auction": {
            "id": auction.pk, "title": auction.title, "time_zone": auction.time_zone,
            "buyers_premium_percent": auction.buyers_premium_percent, "deposit_required": auction.requires_deposit,
            "soft_close_minutes": auction.soft_close_minutes,
        },
    }


@router.get("/lots/{int:lot_id}/bids/", operation_id="listBids",
            summary="Public bid history (price steps under per-lot pseudonyms), newest first",
            **answers({200: History}, {400: "A query parameter out of its range", 404: "No such lot"}))
def lot_bid_history(request: HttpRequest, lot_id: Id, limit: whole_number(1, 500) = 50) -> dict:
    if not selectors.lots_public().filter(pk=lot_id).exists():
        raise ApiError(404, "not_found", _("There is no such lot."))
    return {"results": [
        {"amount": line.amount, "bidder": _("Bidder %(n)s") % {"n": line.bidder}, "placed_at": line.placed_at}
        for line in selectors.lot_public_history(lot_id, limit=limit)
    ]}


# The hot path (hundreds of bids a second on one lot), hence a plain view that ninja routes to and
# documents but does not run (common.api.answered_by_itself). As a ninja endpoint (authentication,
# body and answer by ninja) it cost 11-13 % more CPU per request than the hand-written view it
# replaced: 3.77 ms against 3.36 for an accepted bid, 3.06 against 2.72 for one refused below the
# minimum (server process CPU, interleaved in one run; the web layer alone, the service stubbed out,
# 25 % and 16 % more). That is above the 10 % it may cost; as this plain view it costs 3-7 % more.
# It uses the same authentications and the same body and answer schemas, so what is documented is
# what runs.
@router.post("/lots/{int:lot_id}/bids/", auth=BIDDER, operation_id="placeBid",
             summary="Bid: give your maximum; the system bids for you by increments",
             **answers({201: BidResult}, {
                 400: "Malformed request, amount not a decimal string, too many decimals, below the next minimum "
                      "bid (the refusal then carries next_minimum_bid)",
                 401: "No or invalid credentials",
                 403: "Not an approved or eligible bidder, terms not accepted, no deposit held, or (with a "
                      "session) no CSRF token",
                 404: "No such lot",
                 409: "The lot is not open, or bidding on it has ended",
                 415: "The body is not application/json",
                 429: "Too many bids"}, body=BidRequest))
@decorate_view(answered_by_itself)
def lot_bid(request: HttpRequest, lot_id: Id) -> HttpResponse:
    """Send `Authorization: Bearer <token>` (from /auth/token/), or bid from a signed-in session with
    its CSRF token."""
    if lot_id > MAX_ID:
        raise ApiError(404, "not_found", _("Not found."))
    bidder = authenticated(request, BIDDER)
    bid = read_body(request, BidRequest)
    result = bidding.lot_place_bid(lot_id=lot_id, bidder=bidder, max_amount=bid.max_amount, throttle=True,
                                    generation=getattr(request, "eligibility_generation", None))
    answer = BidResult(**_lot(result.lot, next_minimum=result.next_minimum_bid), leading=result.leading,
                       your_maximum=result.bid.max_amount)
    return JsonResponse(answer.model_dump(), status=201)

"""What every app's part of the JSON API shares: the error body, the types that fix how amounts and
times are written, reading a request body, the session authentication, and the way to answer an
operation with a plain view. The API itself is assembled in config/api.py.

Every refusal is `{"error": code, "detail": text}` with a 4xx status, plus any fields a client can
act on (a bid below the minimum carries `next_minimum_bid`). Amounts are decimal strings with two
decimals ("1500.00"), never JSON numbers; times are ISO 8601 in UTC ("2026-05-01T12:00:00Z").

The API's schemas are plain pydantic models rather than ninja's Schema: endpoints hand them dicts,
and ninja's Schema, which reads Django objects' attributes through a wrapper, takes three times as
long to validate one (77 µs against 24 µs for a bid's answer), which the bid path and a page of 100
lots would pay on every request.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, TypeVar

import pydantic
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, ValidationError
from ninja.security import SessionAuth
from ninja.utils import check_csrf
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, ValidationInfo, WithJsonSchema
from pydantic_core import PydanticCustomError, PydanticUseDefault

MAX_ID = 2**63 - 1  # PostgreSQL's bigint
MAX_BODY = 4096  # bytes; a bid or a sign-in needs a few dozen
# An amount has at most three decimals, the most any currency in use has (BHD, KWD ...: CLDR). How
# many a given amount may have depends on its currency (0 for JPY, 2 for EUR: common.money.
# currency_places), which the schema cannot say per field: that is checked where the currency is known.
AMOUNT_PATTERN = r"^\d+(\.\d{1,3})?$"  # as JSON Schema reads it: \d is an ASCII digit there
AMOUNT_MAX_LENGTH = 16  # "999999999999.990", the largest amount there is (common.money.MAX_AMOUNT)
AMOUNT_SCHEMA = {"type": "string", "pattern": AMOUNT_PATTERN, "maxLength": AMOUNT_MAX_LENGTH, "example": "1500.00"}
_AMOUNT = re.compile(AMOUNT_PATTERN, re.ASCII)
_TOO_MANY_DECIMALS = re.compile(r"[0-9]+\.[0-9]{4,}", re.ASCII)

Amount = Annotated[Decimal, PlainSerializer(lambda value: f"{value:.2f}", return_type=str),
                   WithJsonSchema(AMOUNT_SCHEMA)]
"""An amount written as a decimal string with two decimals."""

DateTime = Annotated[datetime, PlainSerializer(lambda value: value.isoformat().replace("+00:00", "Z"),
                                               return_type=str),
                     WithJsonSchema({"type": "string", "format": "date-time"})]
"""A time in ISO 8601, UTC written as "Z", to the microsecond (Django's JSON encoder would cut to
milliseconds)."""

Id = Annotated[int, Field(ge=0, le=MAX_ID)]
"""A row's id: one beyond what the database's bigint holds names nothing, and is answered 404."""


class Error(BaseModel):
    """A refusal. Some carry more fields a client can act on: a bid below the minimum carries
    `next_minimum_bid`."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"example": {
        "error": "below_minimum", "detail": "The next minimum bid is 550.00.", "next_minimum_bid": "550.00"}})

    error: str
    detail: str


class ApiError(Exception):
    """A refusal the API answers as it is: raise it from an endpoint, an authentication or the parser."""

    def __init__(self, status: int, code: str, detail: str, **extra: Any):
        super().__init__(detail)
        self.status, self.code, self.detail, self.extra = status, code, str(detail), extra


def error_response(status: int, code: str, detail: str, extra: dict | None = None) -> JsonResponse:
    response = JsonResponse({"error": code, "detail": str(detail), **(extra or {})}, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


INVALID = "api_invalid"  # the pydantic error type of `invalid`


def invalid(code: str, detail: str) -> PydanticCustomError:
    """A validation error (raise it from a schema's validator) that the API answers as a 400 with this
    code and detail, instead of pydantic's own wording."""
    return PydanticCustomError(INVALID, "{detail}", {"code": code, "detail": str(detail)})


def whole_number(low: int, high: int) -> Any:
    """The type of a query parameter that is a whole number from `low` to `high`; empty means its default."""

    def check(value: Any, info: ValidationInfo) -> int:
        if value is None or value == "":
            raise PydanticUseDefault()
        try:
            number = int(value)
        except ValueError:
            raise invalid("invalid_parameter", _("“%(name)s” must be a whole number.") % {"name": info.field_name}) \
                from None
        if not low <= number <= high:
            raise invalid("invalid_parameter", _("“%(name)s” must be between %(low)s and %(high)s.")
                          % {"name": info.field_name, "low": low, "high": high})
        return number

    return Annotated[int, Field(ge=low, le=high), BeforeValidator(check)]


def amount_text(raw: Any, *, name: str, code: str = "invalid_parameter") -> str:
    """An amount exactly as the document's pattern writes it (ASCII digits, then at most three decimals
    after a point; no sign, space, exponent, separator or other script's digits), else a refusal
    (raise it from a schema's validator) with `code`, or `too_many_decimals`."""
    if isinstance(raw, str) and len(raw) <= AMOUNT_MAX_LENGTH and _AMOUNT.fullmatch(raw) and raw.isascii():
        return raw
    if isinstance(raw, str) and _TOO_MANY_DECIMALS.fullmatch(raw):
        raise invalid("too_many_decimals", _("Amounts have at most three decimals (two in most currencies)."))
    if isinstance(raw, str) and len(raw) > AMOUNT_MAX_LENGTH:
        raise invalid(code, _("“%(name)s” is too long for an amount.") % {"name": name})
    raise invalid(code, _("“%(name)s” must be an amount written like \"1500.00\": digits, then at most three "
                          "decimals after a point.") % {"name": name})


def json_object(request: HttpRequest) -> dict:
    """The request's body: a small JSON object in UTF-8 that carries no NUL (no database text can hold
    one), sent as application/json (else 415; no body at all is a malformed request, whatever its type)."""
    if request.body and request.content_type != "application/json":
        raise ApiError(415, "unsupported_media_type", _("Send the body as JSON, with “Content-Type: "
                                                        "application/json”."))
    if len(request.body) > MAX_BODY:
        raise ApiError(400, "malformed", _("The request body is too large."))
    try:
        data = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ApiError(400, "malformed", _("The request body must be a JSON object.")) from None
    if not isinstance(data, dict):
        raise ApiError(400, "malformed", _("The request body must be a JSON object."))
    if b"\\u0000" in request.body:
        raise ApiError(400, "malformed", _("The request body must not contain NUL characters."))
    return data


Body = TypeVar("Body", bound=BaseModel)


def read_body(request: HttpRequest, schema: type[Body]) -> Body:
    """The request's body read as `schema`, for a plain view (answered_by_itself); ninja reads its
    endpoints' own. A body that does not fit is refused as ninja's would be."""
    try:
        return schema.model_validate(json_object(request))
    except pydantic.ValidationError as exc:
        raise ValidationError([{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False)]) from None


def answers(ok: dict[int, Any], refusals: dict[int, str], body: type[BaseModel] | None = None) -> dict:
    """An operation's `response` and `openapi_extra` (splat them into the router's decorator): what it
    answers, and the refusals it may give, each in the Error body and described; and for a plain view
    (answered_by_itself), the body it reads, which ninja documents for its own endpoints."""
    extra: dict = {"responses": {status: {"description": text} for status, text in refusals.items()}}
    if body is not None:
        extra["requestBody"] = {"required": True,
                                "content": {"application/json": {"schema": body.model_json_schema()}}}
    return {"response": {**ok, tuple(refusals): Error}, "openapi_extra": extra}


def answered_by_itself(run: Callable) -> Callable:
    """For `ninja.decorators.decorate_view`: the operation's function answers the request itself, as
    a plain Django view. ninja routes the request to it and documents the operation (its path,
    parameters, auth and answers), but neither authenticates, reads, validates nor renders: the
    function does, and returns an HttpResponse. What it raises is answered by the API's exception
    handlers, as for any endpoint. Only for where ninja's own handling costs too much (say why)."""
    operation = run.__self__

    def view(request: HttpRequest, **path: Any) -> HttpResponse:
        try:
            return operation.view_func(request, **path)
        except Exception as exc:  # noqa: BLE001 - the API's handlers decide, as Operation.run does
            return operation.api.on_exception(request, exc)

    return view


def authenticated(request: HttpRequest, ways: list[Callable]) -> Any:
    """The first of the ways in (ninja authentications) that lets the request in, as ninja tries them
    for its endpoints; for a plain view (answered_by_itself)."""
    for way in ways:
        user = way(request)
        if user:
            request.auth = user
            return user
    raise AuthenticationError()


class SessionWithCsrf(SessionAuth):
    """A signed-in browser session. A request that changes something must carry the CSRF token;
    without a session this answers nothing, so that the next way in (or the 401) applies."""

    def __call__(self, request: HttpRequest) -> Any:
        if not request.user.is_authenticated:
            return None
        if self.csrf and check_csrf(request) is not None:
            raise ApiError(403, "csrf_failed", _("CSRF check failed; reload the page."))
        return request.user

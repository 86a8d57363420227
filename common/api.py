"""What every app's part of the JSON API shares: the error body, the types that fix how amounts and
times are written, reading a request body and the session authentication. The API itself is
assembled in config/api.py.

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
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from ninja.security import SessionAuth
from ninja.utils import check_csrf
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, ValidationInfo, WithJsonSchema
from pydantic_core import PydanticCustomError, PydanticUseDefault

MAX_BODY = 4096  # bytes; a bid or a sign-in needs a few dozen
AMOUNT_PATTERN = r"^\d+(\.\d{1,2})?$"
AMOUNT_SCHEMA = {"type": "string", "pattern": AMOUNT_PATTERN, "example": "1500.00"}

Amount = Annotated[Decimal, PlainSerializer(lambda value: f"{value:.2f}", return_type=str),
                   WithJsonSchema(AMOUNT_SCHEMA)]
"""An amount written as a decimal string with two decimals."""

DateTime = Annotated[datetime, PlainSerializer(lambda value: value.isoformat().replace("+00:00", "Z"),
                                               return_type=str),
                     WithJsonSchema({"type": "string", "format": "date-time"})]
"""A time in ISO 8601, UTC written as "Z", to the microsecond (Django's JSON encoder would cut to
milliseconds)."""

Id = Annotated[int, Field(ge=0, le=2**63 - 1)]
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


def json_object(request: HttpRequest) -> dict:
    """The request's body: a small JSON object in UTF-8 that carries no NUL (no database text can hold one)."""
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


def answers(ok: dict[int, Any], refusals: dict[int, str]) -> dict:
    """An operation's `response` and `openapi_extra` (splat them into the router's decorator): what it
    answers, and the refusals it may give, each in the Error body and described."""
    return {"response": {**ok, tuple(refusals): Error},
            "openapi_extra": {"responses": {status: {"description": text} for status, text in refusals.items()}}}


class SessionWithCsrf(SessionAuth):
    """A signed-in browser session. A request that changes something must carry the CSRF token;
    without a session this answers nothing, so that the next way in (or the 401) applies."""

    def __call__(self, request: HttpRequest) -> Any:
        if not request.user.is_authenticated:
            return None
        if self.csrf and check_csrf(request) is not None:
            raise ApiError(403, "csrf_failed", _("CSRF check failed; reload the page."))
        return request.user

"""The site's JSON API, /api/v1/: one django-ninja API that mounts a router per app, and answers
every refusal as `{"error": code, "detail": text}` (see common.api), ninja's own included.

The OpenAPI document at /api/v1/openapi.json is generated from the endpoints' types; its paths are
relative to its server, /api/v1.
"""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponsePermanentRedirect
from django.urls import Resolver404, URLPattern, resolve
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

from auctions.api import router as auctions_router
from cms.api import router as record_router
from common.api import INVALID, ApiError, error_response, json_object
from common.exceptions import DomainError


class JsonObjectParser(Parser):
    """Request bodies are small JSON objects (common.api.json_object)."""

    def parse_body(self, request: HttpRequest) -> dict:
        return json_object(request)


class Api(NinjaAPI):
    """ninja's API, answering as this site's API always has: JSON said plainly, paths in the document
    relative to /api/v1, no answer cached, and 405 in the error body."""

    def get_content_type(self) -> str:
        return "application/json"  # as Django's JsonResponse says it (JSON is UTF-8 by definition)

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict | None = None):
        schema = super().get_openapi_schema(path_prefix="", path_params=path_params)
        schema["servers"] = [{"url": self.get_root_path(path_params or {}).rstrip("/")}]
        return schema

    @property
    def urls(self) -> tuple[list, str, str]:
        patterns, app_name, namespace = super().urls
        return [URLPattern(p.pattern, _api_view(p.callback), p.default_args, p.name) for p in patterns], \
            app_name, namespace


def _api_view(view):
    """Every answer of the API is never cached, and a method the address does not take is a 405
    in the API's error body (ninja answers it in plain text)."""

    @never_cache
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            methods = ", ".join(sorted(m.strip() for m in response["Allow"].split(",")))
            response = error_response(405, "method_not_allowed", _("Use %(methods)s.") % {"methods": methods})
            response["Allow"] = methods
        return response

    return wrapper


@csrf_exempt
@never_cache
def no_such_address(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Every address under /api/ that names nothing (a lot id that is not a number included): 404 in
    the API's error body, never the site's HTML pages (config.urls routes them here). A GET of an
    operation's address without its final slash is still redirected there, as Django's APPEND_SLASH
    always did."""
    if request.method in ("GET", "HEAD") and not request.path_info.endswith("/"):
        match = _resolves(request.path_info + "/")
        if match is not None and match.func is not no_such_address:
            return HttpResponsePermanentRedirect(request.get_full_path(force_append_slash=True))
    return error_response(404, "not_found", _("There is nothing at this address of the API."))


def _resolves(path: str):
    try:
        return resolve(path)
    except Resolver404:
        return None


api = Api(
    title="Public auctions API",
    version="1",
    description="Catalogue and bidding for public auctions of confiscated and early-sale assets; the public "
                "record's statistics and open data. "
                "Amounts are decimal strings with at most two decimals. Refusals are "
                '`{"error": code, "detail": text}` with a 4xx status.',
    urls_namespace="api",
    docs_url=None,
    docs_decorator=require_GET,
    parser=JsonObjectParser(),
)
api.add_router("", auctions_router)
api.add_router("", record_router)


@api.exception_handler(ApiError)
def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return error_response(exc.status, exc.code, exc.detail, exc.extra)


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return error_response(exc.status, exc.code, str(exc), getattr(exc, "extra", None))


@api.exception_handler(AuthenticationError)
def _not_authenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(401, "not_authenticated", _("Sign in or send a bearer token."))


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc.__cause__, ApiError):  # ninja wraps what the parser raises
        return _api_error(request, exc.__cause__)
    return error_response(exc.status_code, "malformed" if exc.status_code == 400 else "refused", str(exc))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(404, "not_found", _("Not found."))


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """ninja's validation errors, answered as the API's refusals: the first error only, with the code
    and text a schema's validator gave it (common.api.invalid), or else by where it was found."""
    first = exc.errors[0]
    source, *where = first["loc"]
    if first["type"] == INVALID:
        return error_response(400, first["ctx"]["code"], first["ctx"]["detail"])
    if source == "path":  # an id beyond what the database can hold names nothing
        return error_response(404, "not_found", _("Not found."))
    if source == "query":
        return error_response(400, "invalid_parameter", f"“{where[-1]}”: {first['msg']}")
    # the body, missing or not an object
    return error_response(400, "malformed", _("The request body must be a JSON object."))

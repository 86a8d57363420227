"""Error pages: plain, translated, never a stack trace; JSON for API clients."""

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, HttpResponsePermanentRedirect, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from wagtail import views as wagtail_views

from common.api import error_response as api_error_response


def _wants_json(request) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", "")


# A page that is not there, or not for this visitor, keeps the public site's header and menu, so the
# visitor can find their way on. A bad request or a server error gets a plain page that needs nothing
# (no database, no valid Host header) to render.
PAGES_WITH_SITE_MENU = {403, 404}


def error_response(request, status: int, code: str, title: str, detail: str):
    """An error page, or JSON {"error", "detail"} for API clients."""
    if _wants_json(request):
        return api_error_response(status, code, detail)
    template = "error.html" if status in PAGES_WITH_SITE_MENU else "error_plain.html"
    return render(request, template, {"status": status, "title": title, "detail": detail}, status=status)


def bad_request(request, exception=None):
    from config.middleware import RequestBodyTooLarge, body_too_large

    if isinstance(exception, RequestBodyTooLarge):  # a body without Content-Length, read past its cap
        return body_too_large(request, exception.limit)
    return error_response(request, 400, "bad_request", _("Bad request"), _("The request could not be understood."))


def permission_denied(request, exception=None):
    return error_response(request, 403, "forbidden", _("Not allowed"),
                          _("You do not have permission to see this page."))


def page_not_found(request, exception=None):
    return error_response(request, 404, "not_found", _("Not found"), _("There is nothing at this address."))


# The database went away (restarted, failed over, the network cut) or could not serve the request
# now (a deadlock, a serialisation failure, a statement cancelled): the request may simply be sent
# again. psycopg's errors of that kind all reach Django as one of these two.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 5


def server_error(request):
    """Django's handler500, called while the exception is being handled, wherever it was raised (a
    view, ninja, a middleware). A database that is unreachable answers 503 and asks the client to
    try again; the connection is dropped at the end of the request (Django closes one that had an
    error and is no longer usable) and the next request opens a new one, which CONN_HEALTH_CHECKS
    checks before use."""
    if isinstance(sys.exception(), DATABASE_UNAVAILABLE):
        response = error_response(
            request, 503, "service_unavailable", _("Service briefly unavailable"),
            _("The service is briefly unavailable. Please try again in a few seconds."))
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return error_response(
        request, 500, "server_error", _("Something went wrong"),
        _("The error has been logged. Please try again in a moment."),
    )


def healthz(request):
    """Liveness and readiness for a load balancer: the database (and Redis, when configured)."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception:  # noqa: BLE001 - report, never raise
        logging.getLogger(__name__).exception("health check: database")
        checks["database"] = "down"
    if settings.REDIS_URL:
        try:
            from django.core.cache import cache

            cache.set("healthz", "1", 5)
            checks["redis"] = "ok" if cache.get("healthz") == "1" else "down"
        except Exception:  # noqa: BLE001
            logging.getLogger(__name__).exception("health check: redis")
            checks["redis"] = "down"
    healthy = all(v == "ok" for v in checks.values())
    return JsonResponse({"status": "ok" if healthy else "degraded", "checks": checks}, status=200 if healthy else 503)


# --------------------------------------------------------------------------------------------
# What browsers and crawlers ask every site for
# --------------------------------------------------------------------------------------------

ROBOTS_DISALLOW = ("/admin/", "/django-admin/", "/account/", "/api/", "/custody/", "/documents/")


def robots_txt(request):
    """Public pages may be indexed; the staff admin, bidders' accounts, the API and private files not."""
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW), "Allow: /", ""]
    response = HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "public, max-age=86400"
    return response


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says: send them to the static icon."""
    return HttpResponsePermanentRedirect(static("favicon.ico"))


# --------------------------------------------------------------------------------------------
# Languages: the switcher's choice, and the page tree in each language
# --------------------------------------------------------------------------------------------


@csrf_exempt  # only a display preference: a forged post can do no more than change a visitor's language
@require_POST
def set_language(request):
    """Who may: anyone. The public site's language switcher (cms' `language_switcher`): remembers the
    chosen language in Django's language cookie and goes back to `next`, which the switcher made the
    address of the same page in that language. Django's own set_language would rewrite `next`
    through the URL resolver, and so prefix a page address twice (/fr/fr/…)."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        next_url = "/"
    if language not in dict(settings.LANGUAGES):
        return error_response(request, 400, "bad_request", _("Bad request"), _("This language is not offered."))
    response = HttpResponseRedirect(next_url)
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
                        path=settings.LANGUAGE_COOKIE_PATH, domain=settings.LANGUAGE_COOKIE_DOMAIN,
                        secure=settings.LANGUAGE_COOKIE_SECURE, httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                        samesite=settings.LANGUAGE_COOKIE_SAMESITE)
    return response


def serve_page(request, path: str):
    """Who may: as Wagtail's serve (anyone, for a live page without a view restriction). Wagtail's own
    view, with one fallback: under a language prefix, a page not (yet) translated into that language is
    served from the default language's tree, so /fr/about/ shows the English page in the French site
    rather than a 404 (and the language switcher can always keep the visitor on the page)."""
    from wagtail.models import Page

    if Page.route_for_request(request, path) is None and translation.get_language() != settings.LANGUAGE_CODE:
        del request._wagtail_route_for_request  # Wagtail caches the route, found or not, on the request
        with translation.override(settings.LANGUAGE_CODE):
            Page.route_for_request(request, path)
    return wagtail_views.serve(request, path)

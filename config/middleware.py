"""The site's own middleware: the language of each request, input no database column can hold, how
much of a request body is read, and the security headers' exceptions.

PostgreSQL text cannot contain NUL (0x00): a search for "%00", or a form field that a view reads
without a Django form, would otherwise end in a server error deep in a query. No legitimate address,
query string or form carries one, so such a request gets a 400 that says why.
"""

from __future__ import annotations

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.middleware.locale import LocaleMiddleware
from django.template.defaultfilters import filesizeformat
from django.urls import Resolver404, get_urlconf, resolve
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from . import views


def _refuse(request):
    return views.error_response(request, 400, "bad_request", _("Bad request"),
                                _("The request contains a NUL character, which is not allowed."))


class RejectNulBytesMiddleware:
    """A NUL in the address (path or query string)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "%00" in request.META.get("QUERY_STRING", "") or "\x00" in request.path:
            return _refuse(request)
        return self.get_response(request)


class RejectNulFormFieldsMiddleware:
    """A NUL in a posted form's fields, urlencoded or multipart (file contents are not looked at).

    It comes after CsrfViewMiddleware: a forged post is refused before its body is read. Views exempt
    from CSRF (the JSON API, webhooks) read their own bodies and check them; reading the form here would
    take the raw body from them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST" or getattr(view_func, "csrf_exempt", False):
            return None
        if request.content_type not in ("application/x-www-form-urlencoded", "multipart/form-data"):
            return None
        for key, values in request.POST.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                return _refuse(request)
        if any("\x00" in (upload.name or "") for upload in request.FILES.values()):
            return _refuse(request)
        return None


# --------------------------------------------------------------------------------------------
# Request bodies
# --------------------------------------------------------------------------------------------


class RequestBodyTooLarge(SuspiciousOperation):
    """A body without Content-Length (chunked) read past its route's cap; config.views.bad_request
    answers it with a 413."""

    def __init__(self, limit: int):
        super().__init__(f"Request body over {limit} bytes")
        self.limit = limit


class _CappedStream:
    """A body stream that refuses to be read past `limit` bytes."""

    def __init__(self, stream, limit: int):
        self._stream, self._limit, self._read = stream, limit, 0

    def _count(self, data: bytes) -> bytes:
        self._read += len(data)
        if self._read > self._limit:
            raise RequestBodyTooLarge(self._limit)
        return data

    def read(self, size: int = -1) -> bytes:
        # never more than one byte past the cap, however much is asked for
        if size is None or size < 0:
            chunks = []
            while chunk := self.read(64 * 1024):
                chunks.append(chunk)
            return b"".join(chunks)
        return self._count(self._stream.read(min(size, self._limit - self._read + 1)))

    def readline(self, size: int = -1) -> bytes:
        room = self._limit - self._read + 1
        return self._count(self._stream.readline(room if size is None or size < 0 else min(size, room)))

    def close(self) -> None:
        """Django closes the stream it read the body from; the input itself is the server's to close."""


def request_body_limit(request) -> int:
    """The most bytes of body this request's route accepts from this user (settings.REQUEST_BODY_LIMITS)."""
    match = request.resolver_match
    view_name = match.view_name if match else None
    for route, limit, who in settings.REQUEST_BODY_LIMITS:
        if route == view_name or (route.endswith("/") and request.path_info.startswith(route)):
            return limit if _is(request.user, who) else settings.REQUEST_BODY_MAX_BYTES
    return settings.REQUEST_BODY_MAX_BYTES


def _is(user, who: str) -> bool:
    if who == "anyone":
        return True
    if not user.is_authenticated:
        return False
    return who == "signed_in" or user.has_perm("wagtailadmin.access_admin")


def body_too_large(request, limit: int):
    return views.error_response(
        request, 413, "too_large", _("Request too large"),
        _("The request is larger than this address accepts (%(limit)s at most).") % {"limit": filesizeformat(limit)})


class RequestBodyLimitMiddleware:
    """Caps the body of each request by its route, before anything reads it.

    A body whose Content-Length is over the cap is refused with a 413 unread. A body without one
    (chunked) is read through a stream that refuses to go past the cap (RequestBodyTooLarge, a 413);
    under gunicorn, which marks such input `wsgi.input_terminated`, that is how it is read at all.
    Django's DATA_UPLOAD_MAX_MEMORY_SIZE counts form fields only, never files, so it is no cap on its own.
    The view is resolved by then (process_view), and CsrfViewMiddleware, which reads a form for its token,
    comes after."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        limit = request_body_limit(request)
        length = request.META.get("CONTENT_LENGTH")
        if length:
            try:
                too_large = int(length) > limit
            except ValueError:
                too_large = False  # Django reads no body at all then
            return body_too_large(request, limit) if too_large else None
        if request.environ.get("wsgi.input_terminated"):
            # gunicorn's chunked input: read to its end, but no further than the cap
            request._stream = _CappedStream(request.environ["wsgi.input"], limit)
        else:
            request._stream = _CappedStream(request._stream, limit)
        return None


# --------------------------------------------------------------------------------------------
# Security headers
# --------------------------------------------------------------------------------------------


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the staff admin's policy under its prefixes (settings.security)."""

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if (not report_only and parts.config is None
                and request.path_info.startswith(settings.ADMIN_PATH_PREFIXES)):
            parts.config = settings.ADMIN_CONTENT_SECURITY_POLICY
        return parts


class PreviewFrameOptionsMiddleware:
    """X-Frame-Options SAMEORIGIN for the admin's previews, which Wagtail shows in an iframe of the admin
    itself; every other answer gets Django's XFrameOptionsMiddleware's DENY (listed before this one, it
    sees the answer after, and keeps a header already set)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = request.resolver_match
        if match and match.url_name in settings.X_FRAME_SAMEORIGIN_URL_NAMES:
            response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        return response


class LanguageMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, with one difference for addresses without a language prefix.

    The page tree is served under `i18n_patterns(prefix_default_language=False)`: the default language's
    pages at their own addresses (/about/), the translations under /fr/… and /es/…. Django's middleware
    then answers every unprefixed address in the default language, the auctions' and the bidders'
    accounts' too, whatever the visitor chose. Here an unprefixed address is answered in the visitor's
    language (the switcher's cookie, else the browser's Accept-Language) when it is one of Django's own
    views; only when it is a page of the default tree does the default language apply, as the address
    says. A prefixed address is answered in its language, as Django's does.
    """

    def process_request(self, request):
        language = translation.get_language_from_path(request.path_info)
        if not language:
            language = translation.get_language_from_request(request, check_path=False)
            if language != settings.LANGUAGE_CODE and not _answers_in(request.path_info, language):
                language = settings.LANGUAGE_CODE  # a page of the default tree (or nothing at all)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        response = super().process_response(request, response)
        if not translation.get_language_from_path(request.path_info):
            patch_vary_headers(response, ("Cookie",))  # the switcher's choice, on unprefixed addresses
        return response


def _answers_in(path: str, language: str) -> bool:
    """Whether one of Django's views answers `path` with `language` active (the page tree's default
    addresses do not: with another language active, they carry its prefix)."""
    urlconf = get_urlconf()
    with translation.override(language):
        try:
            resolve(path, urlconf)
        except Resolver404:
            return False
    return True

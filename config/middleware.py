"""The site's own middleware: the language of each request, and input no database column can hold.

PostgreSQL text cannot contain NUL (0x00): a search for "%00", or a form field that a view reads
without a Django form, would otherwise end in a server error deep in a query. No legitimate address,
query string or form carries one, so such a request gets a 400 that says why.
"""

from __future__ import annotations

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.urls import Resolver404, get_urlconf, resolve
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from . import views


def _refuse(request):
    return views.error_response(request, 400, "bad_request", _("Bad request"),
                                _("The request contains a NUL character, which is not allowed."))


class RejectNulBytesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "%00" in request.META.get("QUERY_STRING", "") or "\x00" in request.path:
            return _refuse(request)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        """Form fields, urlencoded or multipart (file contents are not looked at). Views exempt from
        CSRF (the JSON API, webhooks) read their own bodies and check them; reading the form here
        would take the raw body from them."""
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

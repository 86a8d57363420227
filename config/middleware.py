"""Refuse input that no database column can hold, before it reaches one.

PostgreSQL text cannot contain NUL (0x00): a search for "%00", or a form field that a view reads
without a Django form, would otherwise end in a server error deep in a query. No legitimate address,
query string or form carries one, so such a request gets a 400 that says why.
"""

from __future__ import annotations

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

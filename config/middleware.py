"""Refuse input that no database column can hold, before it reaches one.

PostgreSQL text cannot contain NUL (0x00): a search for "%00" would otherwise end in a server error
deep in a query. No legitimate form or query string carries one, so such a request gets a 400."""

from __future__ import annotations

from django.core.exceptions import BadRequest


class RejectNulBytesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "%00" in request.META.get("QUERY_STRING", "") or "\x00" in request.path:
            raise BadRequest("NUL byte in the request")
        if request.method == "POST" and request.content_type == "application/x-www-form-urlencoded":
            if any("\x00" in value for values in request.POST.lists() for value in values[1]) \
                    or any("\x00" in key for key in request.POST):
                raise BadRequest("NUL byte in the form")
        return self.get_response(request)

"""Error pages: plain, translated, never a stack trace; JSON for API clients."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def _wants_json(request) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", "")


def _error(request, status: int, code: str, title: str, detail: str):
    if _wants_json(request):
        return JsonResponse({"error": code, "detail": detail}, status=status)
    return render(request, "error.html", {"status": status, "title": title, "detail": detail}, status=status)


def bad_request(request, exception=None):
    return _error(request, 400, "bad_request", _("Bad request"), _("The request could not be understood."))


def permission_denied(request, exception=None):
    return _error(request, 403, "forbidden", _("Not allowed"), _("You do not have permission to see this page."))


def page_not_found(request, exception=None):
    return _error(request, 404, "not_found", _("Not found"), _("There is nothing at this address."))


def server_error(request):
    return _error(
        request, 500, "server_error", _("Something went wrong"),
        _("The error has been logged. Please try again in a moment."),
    )

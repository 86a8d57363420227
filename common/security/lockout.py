"""Lock-out after repeated failed sign-ins, on top of django-axes (config/settings/auth.py).

Axes counts failures by username and by address on every `authenticate(request, ...)` and refuses a
locked one before any password is checked. What the person is told is ours: the HTML sign-in forms
show it on the form (common.security.forms), the API answers 429 with its usual {"error", "detail"}.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from common.api import error_response

LOCKED_OUT = "locked_out"


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return ngettext(
        "Too many failed sign-in attempts: this account or address is locked for %(minutes)d minute. "
        "Try again later, or ask the agency to unlock it.",
        "Too many failed sign-in attempts: this account or address is locked for %(minutes)d minutes. "
        "Try again later, or ask the agency to unlock it.",
        minutes,
    ) % {"minutes": minutes}


def is_locked_out(request: HttpRequest | None) -> bool:
    """Whether axes refused (or has just locked) the sign-in attempt made in this request."""
    return bool(getattr(request, "axes_locked_out", False))


def lockout_response(request: HttpRequest, response: HttpResponse | None, credentials: dict | None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the answer to a request whose sign-in axes refused.

    A sign-in form that already shows the lock-out (it marked the request) keeps its page, with 429;
    the API gets JSON; anything else that authenticates gets the plain error page."""
    if response is not None and getattr(request, "lockout_shown", False):
        response.status_code = 429
        return response
    if request.path.startswith("/api/"):
        return error_response(429, LOCKED_OUT, lockout_message())
    return render(request, "error_plain.html",
                  {"status": 429, "title": _("Locked out"), "detail": lockout_message()}, status=429)


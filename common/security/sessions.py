"""Sessions that end after a period without activity: staff after SESSION_IDLE_MINUTES_STAFF (30),
bidders after SESSION_IDLE_MINUTES_BIDDER (8 hours). The time of the last request is kept in the
session and written at most once a minute (not on every request: a bidder watching a lot asks
often), so an idle period is measured to the minute."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

LAST_ACTIVITY_KEY = "last_activity"
WRITE_EVERY = timedelta(minutes=1)


def idle_limit(user) -> timedelta:
    minutes = settings.SESSION_IDLE_MINUTES_STAFF if user.is_staff else settings.SESSION_IDLE_MINUTES_BIDDER
    return timedelta(minutes=minutes)


class IdleSessionMiddleware:
    """After AuthenticationMiddleware: signs out a session left idle too long, before the view runs
    (which then treats the request as anonymous: a staff page sends to the sign-in)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if request.user.is_authenticated:
            self._check(request)
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> None:
        now = timezone.now()
        raw = request.session.get(LAST_ACTIVITY_KEY)
        last = datetime.fromtimestamp(raw, tz=UTC) if isinstance(raw, int | float) else None
        if last is not None and now - last > idle_limit(request.user):
            minutes = int(idle_limit(request.user).total_seconds() // 60)
            logout(request)
            messages.info(request, _("You were signed out after %(minutes)d minutes without activity. "
                                     "Please sign in again.") % {"minutes": minutes})
            return
        if last is None or now - last >= WRITE_EVERY:
            request.session[LAST_ACTIVITY_KEY] = now.timestamp()

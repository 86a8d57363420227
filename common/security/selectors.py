"""Reads for sign-in security: which usernames and addresses are locked out now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.utils import timezone


@dataclass(frozen=True)
class Lock:
    kind: str  # "username" or "ip_address"
    value: str
    failures: int
    last_attempt: datetime
    until: datetime


def sign_in_locks() -> list[Lock]:
    """Locked usernames, then locked addresses, each as axes counts them: the failures within the
    cool-off, summed over addresses (for a username) or over usernames (for an address)."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    recent = AccessAttempt.objects.filter(attempt_time__gte=since)
    locks = []
    for kind in ("username", "ip_address"):
        rows = (recent.exclude(**{f"{kind}__isnull": True}).values(kind)
                .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
                .filter(failures__gte=settings.AXES_FAILURE_LIMIT).order_by("-last"))
        locks += [Lock(kind=kind, value=row[kind], failures=row["failures"], last_attempt=row["last"],
                       until=row["last"] + settings.AXES_COOLOFF_TIME) for row in rows]
    return locks

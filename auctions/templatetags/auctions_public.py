"""Template helpers of the public auction site."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django import template
from django.conf import settings
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def agency_name() -> str:
    return settings.AGENCY_NAME


@register.filter
def tz_abbrev(value: datetime | None, zone: str) -> str:
    """The short name of `zone` at `value` ("CET", "CEST"), for labels next to times."""
    if value is None:
        return ""
    try:
        return value.astimezone(ZoneInfo(zone)).tzname() or zone
    except (ZoneInfoNotFoundError, ValueError):
        return zone


@register.filter
def bidder_label(number: int | None) -> str:
    return _("Bidder %(n)s") % {"n": number} if number else "—"

"""Template helpers every app's pages use: money in the active locale, dates, times and numbers as
common.formats shows them (one format everywhere), status tags."""

from __future__ import annotations

from django import template
from django.conf import settings

from common import formats
from common.money import format_money

register = template.Library()


@register.filter
def money(amount, currency: str = "") -> str:
    return format_money(amount, currency)


@register.filter
def moment(value, precision: str = "") -> str:
    """A date and time in the active language and the current time zone (the agency's, or the one a
    ``{% timezone %}`` block sets): ``{{ lot.ends_at|moment }}``, ``{{ bid.placed_at|moment:"seconds" }}``."""
    return formats.format_moment(value, seconds=precision == "seconds")


@register.filter
def day(value) -> str:
    """A date in the active language: ``{{ order.issued_on|day }}``."""
    return formats.format_day(value)


@register.filter
def number(value, decimal_places=None) -> str:
    """A count or quantity grouped as amounts are."""
    return formats.format_number(value, None if decimal_places in (None, "") else int(decimal_places))


@register.simple_tag
def format_locale() -> str:
    """The BCP 47 tag of the locale dates are written in ("en-BE"), for scripts that format them too."""
    locale = formats.active_locale()
    return "-".join(part for part in (locale.language, locale.territory) if part)


@register.inclusion_tag("common/admin/status_tag.html")
def status_tag(value: str, label: str = "", tone: str = "") -> dict:
    """Wagtail's own status tag for a life-cycle state; tone "primary" for a state that waits on
    someone, "" (neutral) otherwise."""
    return {"value": value, "label": label or value, "tone": tone}


@register.simple_tag
def agency_name() -> str:
    """The agency's name (settings.AGENCY_NAME), for the staff admin's branding."""
    return settings.AGENCY_NAME


@register.simple_tag(takes_context=True)
def offers_page_search(context) -> bool:
    """Whether the dashboard's "search all pages" box offers the user anything (page permissions)."""
    from wagtail.admin.auth import user_has_any_page_permission

    return user_has_any_page_permission(context["request"].user)

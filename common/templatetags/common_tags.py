"""Template helpers every app's pages use: money in the active locale, status tags."""

from __future__ import annotations

from django import template
from django.conf import settings

from common.money import format_money

register = template.Library()


@register.filter
def money(amount, currency: str = "") -> str:
    return format_money(amount, currency)


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

"""Template helpers for the register's staff pages: money for the active locale, status tags."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from django import template
from django.utils.formats import number_format
from django.utils.translation import get_language

register = template.Library()


def format_money(amount: Decimal | None, currency: str = "") -> str:
    """`1 234,50 EUR` / `1,234.50 EUR`: grouped and with the decimal mark of the active locale."""
    if amount is None or amount == "":
        return "—"
    return f"{number_format(amount, 2, use_l10n=True, force_grouping=True)} {currency}".strip()


@register.filter
def money(amount: Decimal | None, currency: str = "") -> str:
    return format_money(amount, currency)


@lru_cache(maxsize=64)
def _labels(choices_class, language: str | None) -> dict[str, str]:
    return {value: str(label) for value, label in choices_class.choices}


def choice_label(choices_class, value: str) -> str:
    """The label of a choice in the active language, without get_FOO_display's per-call cost
    (it hashes and translates every choice each time: too slow for a listing of 100 rows)."""
    return _labels(choices_class, get_language()).get(value, value)


@register.filter
def status_label(value: str) -> str:
    """The readable label of an asset status code ("—" for none)."""
    from custody.models import AssetStatus

    return choice_label(AssetStatus, value) if value else "—"


@register.filter
def category_label(value: str) -> str:
    from custody.models import AssetCategory

    return choice_label(AssetCategory, value)


@register.filter
def transition_label(value: str) -> str:
    from django.utils.translation import gettext

    from custody.services import TRANSITION_LABELS

    extra = {"register": gettext("Registered"), "endorse_early_sale": gettext("Early sale endorsed")}
    return str(TRANSITION_LABELS.get(value) or extra.get(value) or value)


@register.inclusion_tag("custody/includes/status_tag.html")
def asset_status(asset) -> dict:
    return {"status": asset.status, "label": status_label(asset.status)}

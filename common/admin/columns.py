"""Listing columns every app's viewsets need: amounts with their currency, and life-cycle states
as Wagtail's own status tags (no app-made CSS)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from wagtail.admin.ui.tables import Column, StatusTagColumn

from common.money import format_money


class MoneyColumn(Column):
    """An amount in the active locale with its currency (`1,234.50 EUR`), "—" for none."""

    def __init__(self, name, *, currency_accessor: str | Callable[[Any], str] = "currency", **kwargs):
        kwargs.setdefault("classname", "w-text-right")
        super().__init__(name, **kwargs)
        self.currency_accessor = currency_accessor

    def currency_of(self, instance) -> str:
        if callable(self.currency_accessor):
            return self.currency_accessor(instance)
        return getattr(instance, self.currency_accessor, "")

    def get_value(self, instance):
        return format_money(super().get_value(instance), self.currency_of(instance))


class StatusColumn(StatusTagColumn):
    """A record's life-cycle state as a status tag: its label (`get_<field>_display`), "primary"
    for the states in `waiting` (those that wait on someone, as common_tags.status_tag)."""

    def __init__(self, name: str = "status", *, waiting: tuple[str, ...] = (), **kwargs):
        kwargs.setdefault("accessor", f"get_{name}_display")
        kwargs.setdefault("sort_key", name)
        super().__init__(name, primary=lambda obj: getattr(obj, name) in waiting, **kwargs)

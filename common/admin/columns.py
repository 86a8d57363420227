"""Listing columns every app's viewsets need: amounts with their currency, dates and times as
dates (in the agency's time zone), and life-cycle states as Wagtail's own status tags (no app-made
CSS)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from wagtail.admin.ui.tables import BooleanColumn, Column, StatusTagColumn

from common.formats import format_day, format_moment
from common.money import format_money


class MoneyColumn(Column):
    """An amount in the active locale with its currency (`1,234.50 EUR`), "—" for none."""

    def __init__(self, name, *, currency_accessor: str | Callable[[Any], str] = "currency", **kwargs):
        kwargs.setdefault("classname", "w-tabular-nums")
        super().__init__(name, **kwargs)
        self.currency_accessor = currency_accessor

    def currency_of(self, instance) -> str:
        if callable(self.currency_accessor):
            return self.currency_accessor(instance)
        return getattr(instance, self.currency_accessor, "")

    def get_value(self, instance):
        return format_money(super().get_value(instance), self.currency_of(instance))


class DateTimeColumn(Column):
    """A date and time as such (`5 Dec 2026, 20:24`, common.formats, in the agency's time zone), where
    Wagtail's DateColumn says "just now" or "3 days ago" (and nothing useful of a time to come, such
    as a lot's end); "—" for none."""

    def __init__(self, name, **kwargs):
        kwargs.setdefault("sort_key", name)
        super().__init__(name, **kwargs)

    def get_value(self, instance):
        return format_moment(super().get_value(instance))


class DayColumn(DateTimeColumn):
    """A date (`5 Dec 2026`), or the date of a moment in the agency's time zone; "—" for none."""

    def get_value(self, instance):
        return format_day(Column.get_value(self, instance))


class YesNoColumn(BooleanColumn):
    """Wagtail's tick or cross, titled "Yes" or "No" in the active language (Wagtail's says "True")."""

    cell_template_name = "common/admin/yes_no_cell.html"


class StatusColumn(StatusTagColumn):
    """A record's life-cycle state as a status tag: its label (`get_<field>_display`), "primary"
    for the states in `waiting` (those that wait on someone, as common_tags.status_tag)."""

    def __init__(self, name: str = "status", *, waiting: tuple[str, ...] = (), **kwargs):
        kwargs.setdefault("accessor", f"get_{name}_display")
        kwargs.setdefault("sort_key", name)
        super().__init__(name, primary=lambda obj: getattr(obj, name) in waiting, **kwargs)

"""Amounts in listings and on records' pages, as everywhere else: grouped, in the active locale,
with their currency (common.money.format_money)."""

from __future__ import annotations

from wagtail.admin.ui.tables import Column

from common.money import format_money

from .viewsets import RecordInspectView


class MoneyColumn(Column):
    """A column of amounts; `currency_accessor` names the attribute holding each row's currency."""

    def __init__(self, name, *, currency_accessor: str = "currency", **kwargs):
        super().__init__(name, **kwargs)
        self.currency_accessor = currency_accessor

    def get_value(self, instance):
        return format_money(super().get_value(instance), getattr(instance, self.currency_accessor, ""))


class MoneyInspectView(RecordInspectView):
    """A record's page whose `money_fields` (field name -> the field holding its currency) show as amounts."""

    money_fields: dict[str, str] = {}

    def get_field_display_value(self, field_name, field):
        if field_name in self.money_fields:
            return format_money(getattr(self.object, field_name), getattr(self.object, self.money_fields[field_name]))
        return super().get_field_display_value(field_name, field)

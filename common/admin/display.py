"""Values in listings and on records' pages, shown as people read them: amounts grouped, in the
active locale, with their currency (common.money.format_money), yes or no, and people by name."""

from __future__ import annotations

from django.contrib.auth import get_user_model
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


def person_name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else "—"


class FormattedInspectView(RecordInspectView):
    """A record's page whose `money_fields` (field name -> the field holding its currency) show as
    amounts and the people it names by their names (yes/no, dates and numbers: RecordInspectView)."""

    money_fields: dict[str, str] = {}

    def get_field_display_value(self, field_name, field):
        if field_name in self.money_fields:
            return format_money(getattr(self.object, field_name), getattr(self.object, self.money_fields[field_name]))
        value = super().get_field_display_value(field_name, field)  # yes/no, dates, numbers: formatted there
        if isinstance(value, get_user_model()):
            return person_name(value)
        return value

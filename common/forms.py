"""Form helpers every app's screens use."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from common.money import amount_for_input, parse_amount

from .currencies import currency_choices


def apply_validation_error(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: field errors beside their fields, the rest on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class CurrencyFormField(forms.ChoiceField):
    """A currency chosen from the ISO 4217 list, named in the active language (read at each render)."""

    def __init__(self, *, max_length=None, empty_value="", **kwargs):
        required = kwargs.get("required", True)
        kwargs.setdefault("choices", currency_choices if required else _blank_and_currency_choices)
        super().__init__(**kwargs)


def _blank_and_currency_choices() -> list[tuple[str, str]]:
    return [("", "—"), *currency_choices()]
class AmountField(forms.DecimalField):
    """An amount of money a person types, read in the active language by `common.money.parse_amount`
    ("3,700" on an English page, "3 700,00" or "3.700,00" on a French one), refused with a message
    that shows how it was read when it could be misread. Shown back in the same conventions.

    A text input (never `type=number`, whose parsing depends on the browser). Usable in a ModelForm's
    `Meta.field_classes` for a model DecimalField: it takes the model field's digits and places."""

    widget = forms.TextInput
    allow_zero = False

    def __init__(self, *, currency: str = "", max_digits=None, decimal_places=2, min_value=None, max_value=None,
                 allow_zero: bool | None = None, **kwargs):
        self.currency = currency
        if allow_zero is not None:
            self.allow_zero = allow_zero
        super().__init__(max_digits=max_digits, decimal_places=decimal_places, min_value=min_value,
                         max_value=max_value, **kwargs)

    @property
    def _places(self) -> int:
        return 2 if self.decimal_places is None else self.decimal_places

    def widget_attrs(self, widget):
        attrs = forms.Field.widget_attrs(self, widget)
        attrs.update({"inputmode": "decimal", "autocomplete": "off", "spellcheck": "false"})
        return attrs

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        return parse_amount(str(value), currency=self.currency, places=self._places, allow_zero=self.allow_zero)

    def validate(self, value):
        forms.Field.validate(self, value)

    def prepare_value(self, value):
        if isinstance(value, (Decimal, int)) and not isinstance(value, bool):
            return amount_for_input(Decimal(value), self._places)
        return value


class NumberField(AmountField):
    """Any decimal number a person types in a staff form (a rate, a percentage, a quantity), read
    like an amount; zero allowed (the model's validators set the bounds). Wagtail's model forms use
    it for every model DecimalField (common.apps)."""

    allow_zero = True

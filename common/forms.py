"""Form helpers every app's screens use."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

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

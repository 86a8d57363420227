"""Model fields every app uses."""

from __future__ import annotations

from django.db import models
from django_fsm import FSMField

from .currencies import validate_currency


class StateField(FSMField):
    """A life-cycle field: django-fsm's FSMField, stored as a plain text column.

    It deconstructs as a CharField, so migrations (and the historical models they build) hold a
    CharField: the transitions live on the model class, which migrations never run. This also keeps
    `migrate` fast: every FSMField of a historical model connects a `class_prepared` receiver that
    runs for every model class prepared afterwards, and the migrations' thousands of model renders
    made a fresh `migrate` spend most of its two minutes in those receivers.
    """

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        kwargs.pop("protected", None)
        return name, "django.db.models.CharField", args, kwargs


class CurrencyField(models.CharField):
    """An amount's currency: an ISO 4217 code in use (common.currencies), checked by the model
    (full_clean, which every service runs) and offered in forms as a list named in the user's language."""

    default_validators = [validate_currency]
    description = "ISO 4217 currency code"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 3)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        from .forms import CurrencyFormField

        return super().formfield(**{"form_class": CurrencyFormField, **kwargs})

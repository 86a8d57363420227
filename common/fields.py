"""Model fields every app uses."""

from __future__ import annotations

from django_fsm import FSMField


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

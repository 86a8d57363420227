"""Edits that do not overwrite a colleague's: the version of a record an edit form was opened on.

An edit form carries, in a hidden field (`VERSION_FIELD`), a token of the values its editor saw:
per editable field, a short digest of the field's value (`version_token`). The update service,
inside its transaction and after `select_for_update`, compares it with the record as it is now
(`refuse_stale`): if a field changed since the form was opened, it refuses with a
`StaleEditError` that names those fields and carries the record's current token. Nothing needs
adding to the models, a save that changes nothing leaves the token as it was, and a change and
its undoing (A→B→A) is not a conflict, since the editor saw what the record holds.

The kit's edit view (common.admin.viewsets.ServiceEditView, with the viewset's `record_version`)
adds the hidden field, shows the refusal on top of the form with what was typed kept, and puts
the current token in the form, so that the editor who read the message may save again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models.fields.files import FieldFile

VERSION_FIELD = "expected_version"


class StaleEditError(ValidationError):
    """The record changed since the edit form was opened: `fields` (names) differ from what the
    editor saw, and `version` is the record's token now."""

    def __init__(self, message: str, *, fields: list[str], version: str):
        super().__init__(message, code="stale")
        self.fields = fields
        self.version = version


def _canonical(value: Any) -> Any:
    """A value as compared between versions: records by id (two people may share a name), files by
    name, dates and amounts as text, lists of related records in a stable order."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple | set | models.QuerySet):
        items = [_canonical(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, default=str))
    if value is None or isinstance(value, str | int | float | bool):
        return "" if value is None else value  # a blank field is blank, whether None or ""
    return str(value)  # a country, a phone number ...: by its code


def _digest(value: Any) -> str:
    text = json.dumps(_canonical(value), sort_keys=True, default=str, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def version_token(values: Mapping[str, Any]) -> str:
    """The token of a record's editable `values` ({field name: value}): "name:digest,...", in the
    fields' order."""
    return ",".join(f"{name}:{_digest(value)}" for name, value in values.items())


def changed_since(token: str, values: Mapping[str, Any]) -> list[str]:
    """The fields of `values` that differ from those `token` was made of (all of them for a token
    that is not one)."""
    seen = dict(part.partition(":")[::2] for part in token.split(",") if part)
    return [name for name, value in values.items() if seen.get(name) != _digest(value)]


def field_labels(model: type[models.Model], names: Iterable[str], extra: Mapping[str, str] | None = None) -> str:
    """The fields' names as people read them ("title, expected decision date")."""
    labels = []
    for name in names:
        if extra and name in extra:
            labels.append(str(extra[name]))
            continue
        try:
            labels.append(str(model._meta.get_field(name).verbose_name))
        except (FieldDoesNotExist, AttributeError):
            labels.append(name.replace("_", " "))
    return ", ".join(labels)


def refuse_stale(*, expected_version: str | None, values: Mapping[str, Any], message: str,
                 model: type[models.Model], labels: Mapping[str, str] | None = None) -> None:
    """Raise StaleEditError when `values` (the record now, read under its row lock) differ from the
    version the editor saw. `message` has a %(fields)s placeholder for the changed fields' labels.
    No `expected_version` (a caller that saw no form): no check."""
    if not expected_version:
        return
    changed = changed_since(expected_version, values)
    if changed:
        raise StaleEditError(message % {"fields": field_labels(model, changed, labels)},
                             fields=changed, version=version_token(values))

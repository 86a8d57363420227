"""Reads every app needs."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, QuerySet


def counts_by(queryset: QuerySet, field: str, values: Iterable[str]) -> dict[str, int]:
    """How many rows of `queryset` have each of `values` in `field` (0 for none), in one query."""
    wanted = list(values)
    if not wanted:
        return {}
    rows = (queryset.filter(**{f"{field}__in": wanted}).order_by().values(field).annotate(n=Count("pk"))
            .values_list(field, "n"))
    counts = dict(rows)
    return {value: counts.get(value, 0) for value in wanted}

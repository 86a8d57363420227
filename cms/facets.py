"""The public record's faceted listings (/assets/, /dispositions/): the filters a visitor chose, the
rows they leave, and for each filter the count behind each of its values given the other filters."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet
from django.http import QueryDict


@dataclass
class Facet:
    name: str
    label: str
    options: list[dict] = field(default_factory=list)


def clean_year(params: QueryDict) -> int | None:
    """The `year` asked for, when it is one; anything else is ignored (never a 500)."""
    year = (params.get("year") or "").strip()
    return int(year) if year.isdigit() and 1900 <= int(year) <= 2200 else None


@dataclass(frozen=True)
class FacetedListing:
    base: QuerySet
    lookups: dict[str, str]  # filter name → lookup on `base`, in the order of the query string
    filters: dict

    def rows(self, *, leave_out: str = "") -> QuerySet:
        return self.base.filter(**{self.lookups[name]: value for name, value in self.filters.items()
                                   if name != leave_out})

    def counts(self, name: str) -> dict:
        """The rows behind each value of filter `name`, the other filters applied."""
        column = self.lookups[name]
        grouped = self.rows(leave_out=name).order_by().values(column).annotate(n=Count("id"))
        return {row[column]: row["n"] for row in grouped}

    def options(self, name: str, counts: dict, labels: Iterable[tuple]) -> list[dict]:
        """The values of filter `name` worth offering: those with rows, and the one chosen."""
        chosen = self.filters.get(name)
        return [{"value": value, "label": label, "count": counts.get(value, 0), "selected": value == chosen,
                 "query": self.query(name, value)}
                for value, label in labels if counts.get(value) or value == chosen]

    def query(self, name: str = "", value=None) -> str:
        """The query string of the filters with `name` set to `value` (or left as they are)."""
        chosen = dict(self.filters)
        if name:
            chosen[name] = value
        query = QueryDict(mutable=True)
        for key in self.lookups:
            if chosen.get(key) not in (None, ""):
                query[key] = str(chosen[key])
        return query.urlencode()

"""The search box of a staff listing: references and identifiers as people type them, names with typos.

A listing says what its search box looks through, field by field (paths may cross relations):

    listing_search = ListingSearch(code("reference"), code("identifiers__value"), words("title"),
                                   words("case__parties__name", permission="custody.view_party"))

- `code`: references, registration numbers, VIN, IBAN ...: found from any part, whatever the spacing,
  dashes, dots and case ("be68 5390-0754" finds "BE68539007547034").
- `words`: titles and names: every word, in any order (PostgreSQL full-text search, the `simple`
  configuration: names are not stemmed), or within pg_trgm's word similarity of the text (typos and
  the start of a word: "Duboit", "Dub" find "Marc Dubois").
- `permission`: personal data (a party's name, an identity number) is searched only for users who may
  see it; for the others the field does not exist.

The query is a direct ORM query, always current: nothing to reindex (Wagtail's database search
backend would need `update_index` after every change, and knows no permission). A field across a
to-many relation is an `IN (subquery)`, so a record is listed once however many of its rows match.
When the listing is not explicitly ordered, records come best match first (`search_rank`: the best
trigram similarity of the text to the record's own fields).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.contrib.postgres.search import SearchQuery, TrigramWordSimilarity
from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Greatest

MAX_SEARCH = 200  # characters; a longer text is cut here (a staff search box, not a public page)


@dataclass(frozen=True)
class Searched:
    path: str
    kind: str  # "code" or "words"
    permission: str | None = None


def code(path: str, *, permission: str | None = None) -> Searched:
    return Searched(path, "code", permission)


def words(path: str, *, permission: str | None = None) -> Searched:
    return Searched(path, "words", permission)


def _code_pattern(text: str) -> str | None:
    """A regular expression that finds the letters and digits of `text` in that order, with anything
    but letters and digits between them (None when the text has no letter or digit)."""
    chars = [c for c in text if c.isalnum()]
    return "[^[:alnum:]]*".join(re.escape(c) for c in chars) if chars else None


class ListingSearch:
    def __init__(self, *fields: Searched):
        self.fields = fields

    def fields_for(self, user) -> list[Searched]:
        return [f for f in self.fields if f.permission is None or (user is not None and user.has_perm(f.permission))]

    def condition(self, model, text: str, user=None) -> Q:
        """Which records of `model` match `text`, for `user`."""
        pattern = _code_pattern(text)
        query = SearchQuery(text, config="simple", search_type="plain")
        alternatives = []
        for field in self.fields_for(user):
            if field.kind == "code":
                if pattern is None:
                    continue
                match = Q(**{f"{field.path}__iregex": pattern})
            else:
                match = Q(**{f"{field.path}__search": query}) | Q(**{f"{field.path}__trigram_word_similar": text})
            if "__" in field.path:  # across a relation: once per record, however many rows match
                match = Q(pk__in=model._default_manager.filter(match).values("pk"))
            alternatives.append(match)
        return reduce(or_, alternatives) if alternatives else Q(pk__in=[])

    def rank(self, text: str, user=None):
        """How well a record's own fields (not its relations') match: the best trigram similarity."""
        own = [TrigramWordSimilarity(text, f.path) for f in self.fields_for(user) if "__" not in f.path]
        if not own:
            return Value(0.0)
        return own[0] if len(own) == 1 else Greatest(*own)

    def apply(self, queryset: QuerySet, text: str, *, user=None, by_relevance: bool = False) -> QuerySet:
        """The records of `queryset` that match `text`; best match first when `by_relevance`."""
        text = " ".join((text or "").split())[:MAX_SEARCH]
        if not text:
            return queryset
        queryset = queryset.filter(self.condition(queryset.model, text, user))
        if by_relevance:
            queryset = queryset.annotate(search_rank=self.rank(text, user))
            queryset = queryset.order_by("-search_rank", *(queryset.query.order_by or queryset.model._meta.ordering))
        return queryset

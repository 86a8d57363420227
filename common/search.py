"""The search box of a staff listing: references and identifiers as people type them, names with typos.

A listing says what its search box looks through, field by field (paths may cross relations):

    listing_search = ListingSearch(code("reference"), code("identifiers__value"), words("title"),
                                   words("case__parties__name", permission="custody.view_party"))

- `code`: references, registration numbers, VIN, IBAN ...: found from any part, whatever the spacing,
  dashes, dots and case ("be68 5390-0754" finds "BE68539007547034"): their letters and digits are
  compared (`Alnum`), through a trigram index of them (`code_index`).
- `words`: titles and names: every word, in any order (PostgreSQL full-text search, the
  `simple_unaccent` configuration: names are not stemmed), or within pg_trgm's word similarity of
  the text (typos and the start of a word: "Duboit", "Dub" find "Marc Dubois"), through
  `words_indexes`. Accents are ignored both ways ("elodie" finds "Élodie", "Liège" finds "Liege"):
  common/sql/unaccent.sql.
- `permission`: personal data (a party's name, an identity number) is searched only for users who may
  see it; for the others the field does not exist.

The query is a direct ORM query, always current: nothing to reindex (Wagtail's database search
backend would need `update_index` after every change, and knows no permission). Each field is an
`IN (subquery)` that its index answers, so a record is listed once however many of its rows match.
When the listing is not explicitly ordered, records come best match first (`search_rank`: the best
trigram similarity of the text to the record's own fields).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchQuery, SearchVector, TrigramWordSimilarity
from django.db.models import CharField, F, Q, QuerySet, TextField, Transform, Value
from django.db.models.functions import Greatest

MAX_SEARCH = 200  # characters; a longer text is cut here (a staff search box, not a public page)


# The full-text configuration of `words` fields: `simple` (no stemming) without accents
# (common/sql/unaccent.sql).
WORDS_CONFIG = "simple_unaccent"


class Unaccented(Transform):
    """Text without its accents ("Liège" -> "Liege"): `f_unaccent`, the IMMUTABLE wrapper of PostgreSQL's
    unaccent (common/sql/unaccent.sql), which an index may hold (`unaccented_trigram_index`)."""

    lookup_name = "unaccented"
    function = "f_unaccent"
    output_field = TextField()


class Alnum(Transform):
    """A code's letters and digits, upper-cased: what references and identifiers are compared by
    (`reference__alnum__contains="BE685390"`). Indexed by `code_index`."""

    lookup_name = "alnum"
    template = "regexp_replace(upper(%(expressions)s), '[^[:alnum:]]', '', 'g')"
    output_field = TextField()


CharField.register_lookup(Alnum)
TextField.register_lookup(Alnum)
CharField.register_lookup(Unaccented)
TextField.register_lookup(Unaccented)


def unaccented_trigram_index(field: str, name: str) -> GinIndex:
    """The trigram index of a field without its accents: it answers
    `filter(field__unaccented__trigram_word_similar=Unaccented(Value(text)))`."""
    return GinIndex(OpClass(Unaccented(F(field)), name="gin_trgm_ops"), name=name)


def word_similarity(text: str, path: str) -> TrigramWordSimilarity:
    """How similar `text` is to a word sequence of the field at `path` (0 to 1), accents ignored."""
    return TrigramWordSimilarity(Unaccented(Value(text)), Unaccented(F(path)))


def code_index(field: str, name: str) -> GinIndex:
    """The trigram index that answers a `code(field)` search (any part of the code, however typed)."""
    return GinIndex(OpClass(Alnum(F(field)), name="gin_trgm_ops"), name=name)


def words_indexes(field: str, name: str) -> list[GinIndex]:
    """The indexes that answer a `words(field)` search: full-text and trigram, without accents."""
    return [GinIndex(SearchVector(field, config=WORDS_CONFIG), name=f"{name}_fts"),
            unaccented_trigram_index(field, f"{name}_trgm")]


@dataclass(frozen=True)
class Searched:
    path: str
    kind: str  # "code" or "words"
    permission: str | None = None


def code(path: str, *, permission: str | None = None) -> Searched:
    return Searched(path, "code", permission)


def words(path: str, *, permission: str | None = None) -> Searched:
    return Searched(path, "words", permission)


def _alnum(text: str) -> str:
    return re.sub(r"[^\w]|_", "", text).upper()


def _through(model, path: str, lookups: dict, *, top: bool = True) -> Q:
    """Records of `model` whose field at `path` matches any of `lookups`, as a subquery read from the
    table that holds the field (so that its index answers), then up the relations, id by id."""
    name, _, rest = path.partition("__")
    if not rest:
        match = reduce(or_, (Q(**{f"{name}__{lookup}": value}) for lookup, value in lookups.items()))
        return Q(pk__in=model._default_manager.filter(match).values("pk")) if top else match
    field = model._meta.get_field(name)
    related = field.related_model
    if related is None:
        raise ValueError(f"{model.__name__}.{path}: {name} is not a relation")
    inner = related._default_manager.filter(_through(related, rest, lookups, top=False))
    if field.many_to_one or (field.one_to_one and field.concrete):  # this record's foreign key: its target's ids
        return Q(**{f"{field.attname}__in": inner.values("pk")})
    if field.one_to_many:  # rows that point at this record: their foreign key
        return Q(pk__in=inner.values(field.field.attname))
    raise ValueError(f"{model.__name__}.{path}: only foreign keys and their reverse are searched")


class ListingSearch:
    """What a listing's search box looks through: `code(...)` and `words(...)` fields (see above)."""

    def __init__(self, *fields: Searched):
        self.fields = fields

    def fields_for(self, user) -> list[Searched]:
        return [f for f in self.fields if f.permission is None or (user is not None and user.has_perm(f.permission))]

    def condition(self, model, text: str, user=None) -> Q:
        """Which records of `model` match `text`, for `user`. Each field is its own subquery, which
        its own index answers (OR-ed in one WHERE, they would make PostgreSQL read every row); a
        record matching through several rows of a relation is listed once."""
        letters = _alnum(text)
        query = SearchQuery(text, config=WORDS_CONFIG, search_type="plain")
        alternatives = []
        for field in self.fields_for(user):
            if field.kind == "code":
                if not letters:
                    continue
                match = {"alnum__contains": letters}
            else:
                match = {"search": query, "unaccented__trigram_word_similar": Unaccented(Value(text))}
            alternatives.append(_through(model, field.path, match))
        return reduce(or_, alternatives) if alternatives else Q(pk__in=[])

    def rank(self, text: str, user=None):
        """How well a record's own fields (not its relations') match: the best trigram similarity."""
        own = [word_similarity(text, f.path) for f in self.fields_for(user) if "__" not in f.path]
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

"""What the public catalogue's search reads: PostgreSQL full-text search in the visitor's language.

A lot's search document is its title (weight A), the words of its category (B) and its description
(C), stemmed by the text-search configuration of the active language (English by default): "vehicles"
finds "vehicle", "voitures" finds "voiture". Accents are ignored (each language's configuration
unaccents its words before stemming them, auctions/sql/search_configurations.sql): "vehicule" finds
"Véhicule", "liege" finds "Liège", "camion" finds "camión". Results are ranked (`ts_rank`), best match
first. The public area of a lot's assets is searched too (selectors.lots_public), and when no lot
matches the words themselves, pg_trgm's word similarity on the title, accents ignored too, catches
typos and partial words ("lamborgini", "lambo").

A category is found by its name and a few everyday words for it, in each language: "car" and
"motorbike" find the vehicles even when the title says "BMW X5", and "car" does not find "carat" (a
different word; trigram similarity would have matched it, which is why it is only the fall-back). The
words are constants here, not translations: the same expression is indexed (`Lot.Meta.indexes`, one
GIN index per language) and PostgreSQL uses an index only for a query with the very same expression,
so changing a word here changes the index (makemigrations writes the migration).

This module builds expressions only; it imports no model (auctions.models imports it).
"""

from __future__ import annotations

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db.models import Case, TextField, Value, When
from django.utils import translation

from common.search import unaccented_trigram_index

# The text-search configuration of each language of the site (config/settings/base.py LANGUAGES):
# PostgreSQL's own for the language, its words without their accents (auctions/sql/search_configurations.sql).
SEARCH_CONFIGS = {"en": "english_unaccent", "fr": "french_unaccent", "es": "spanish_unaccent"}
DEFAULT_CONFIG = "english_unaccent"

# Each category's name and the words people search it by, per text-search configuration.
CATEGORY_WORDS: dict[str, dict[str, str]] = {
    "english_unaccent": {
        "real_estate": "real estate property house flat apartment building land villa office",
        "vehicle": "vehicle car automobile motorcycle motorbike truck lorry van",
        "vessel": "vessel boat ship yacht speedboat",
        "aircraft": "aircraft aeroplane airplane plane helicopter jet",
        "cash": "cash money banknotes",
        "bank_account": "bank account",
        "securities": "securities shares stocks bonds",
        "virtual_assets": "virtual assets cryptocurrency crypto bitcoin",
        "jewellery_art": "jewellery jewelry art watch ring necklace painting",
        "business": "business company",
        "livestock": "livestock cattle horses animals",
        "perishable": "perishable goods food",
        "other": "other",
    },
    "french_unaccent": {
        "real_estate": "immobilier bien maison appartement immeuble terrain villa bureau",
        "vehicle": "véhicule voiture automobile auto moto motocyclette camion camionnette",
        "vessel": "navire bateau yacht vedette",
        "aircraft": "aéronef avion hélicoptère jet",
        "cash": "espèces argent billets",
        "bank_account": "compte bancaire",
        "securities": "titres actions obligations",
        "virtual_assets": "actifs virtuels cryptomonnaie crypto bitcoin",
        "jewellery_art": "bijoux joaillerie art montre bague collier tableau peinture",
        "business": "entreprise société fonds de commerce",
        "livestock": "bétail bovins chevaux animaux",
        "perishable": "denrées périssables aliments",
        "other": "autre",
    },
    "spanish_unaccent": {
        "real_estate": "inmueble propiedad casa piso apartamento edificio terreno villa oficina",
        "vehicle": "vehículo coche automóvil auto moto motocicleta camión furgoneta",
        "vessel": "buque barco embarcación yate lancha",
        "aircraft": "aeronave avión helicóptero jet",
        "cash": "efectivo dinero billetes",
        "bank_account": "cuenta bancaria",
        "securities": "valores acciones bonos",
        "virtual_assets": "activos virtuales criptomoneda cripto bitcoin",
        "jewellery_art": "joyas joyería arte reloj anillo collar cuadro pintura",
        "business": "empresa negocio sociedad",
        "livestock": "ganado reses caballos animales",
        "perishable": "perecederos alimentos",
        "other": "otro",
    },
}

MAX_QUERY = 200  # characters: longer is refused (the form and the API say so), never silently cut


def search_config() -> str:
    """The text-search configuration of the active language."""
    return SEARCH_CONFIGS.get((translation.get_language() or "").split("-")[0], DEFAULT_CONFIG)


def category_words(config: str) -> Case:
    """A lot's category as the words it is searched by (SQL: CASE category WHEN ... END)."""
    return Case(*(When(category=code, then=Value(words)) for code, words in CATEGORY_WORDS[config].items()),
                default=Value(""), output_field=TextField())


def lot_document(config: str) -> SearchVector:
    """The indexed search document of a lot in one configuration."""
    return (SearchVector("title", weight="A", config=config)
            + SearchVector(category_words(config), weight="B", config=config)
            + SearchVector("description", weight="C", config=config))


def lot_query(text: str, config: str) -> SearchQuery:
    """What people type, read as a web search: words (all of them), "a phrase", or, -not."""
    return SearchQuery(text, config=config, search_type="websearch")


def lot_search_indexes() -> list[GinIndex]:
    """One GIN index of the search document per language, and a trigram index of the title without its
    accents (for Lot.Meta.indexes)."""
    return [unaccented_trigram_index("title", "lot_title_trgm"),
            *(GinIndex(lot_document(config), name=f"lot_search_{config}") for config in CATEGORY_WORDS)]

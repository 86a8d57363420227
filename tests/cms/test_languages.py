"""The public site in English, French and Spanish: the message catalogues, the language switcher,
the page tree's translations (Wagtail's localisation) under /fr/… and /es/…, and amounts and dates
written the active language's way."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.models import Locale, Page
from wagtail.users.models import UserProfile

from cms.models import AssetPage, DispositionPage, DocumentKind
from cms.record import published_document_create
from common.formats import format_day, format_moment, format_number
from common.money import format_money
from disposition.services import calls, decisions
from tests.cms.record_helpers import confiscate, text_pdf
from tests.disposition.reuse_helpers import beneficiary, confiscated_asset
from tests.factories import AssetFactory

pytestmark = pytest.mark.django_db

CATALOGUES = sorted(Path(settings.BASE_DIR, "locale").glob("*/LC_MESSAGES/*.po"))
SPANISH = Path(settings.BASE_DIR, "locale/es/LC_MESSAGES/django.mo")
# A known phrase of the header of every public page, per language.
LOTS_FOR_SALE = {"en": "Lots for sale", "fr": "Lots en vente", "es": "Lotes en venta"}
LANGUAGES = [
    "en", "fr",
    pytest.param("es", marks=pytest.mark.skipif(not SPANISH.exists(), reason="the Spanish catalogue is not here yet")),
]


def html_of(client, path: str, **headers) -> str:
    response = client.get(path, **headers)
    assert response.status_code == 200, path
    return response.content.decode()


def switcher_targets(html: str) -> dict[str, str]:
    """The language switcher's buttons: language → the address it goes back to."""
    forms = re.findall(r'<input type="hidden" name="language" value="(\w+)"><input type="hidden" name="next" '
                       r'value="([^"]*)">', html)
    return dict(forms)


def translate(page: Page, language: str, **fields) -> Page:
    """What an editor does with Wagtail's "Translate" (simple_translation): a copy of the page, its
    parents too, in the locale, edited and published."""
    copy = page.copy_for_translation(Locale.objects.get(language_code=language), copy_parents=True)
    for name, value in fields.items():
        setattr(copy, name, value)
    copy.save_revision().publish()
    for parent in copy.get_ancestors().filter(depth__gt=1).specific():
        if not parent.live:
            parent.save_revision().publish()
    return copy.specific


# --------------------------------------------------------------------------------------------
# The catalogues
# --------------------------------------------------------------------------------------------


def test_there_are_french_and_spanish_catalogues_beside_the_english_source():
    assert Path(settings.BASE_DIR, "locale/fr/LC_MESSAGES/django.po") in CATALOGUES


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: str(p.parent.parent.name))
def test_each_compiled_catalogue_is_in_step_with_its_source(po_path):
    """A fresh machine has no gettext: the .mo files are committed, so each must say what its .po says."""
    with po_path.open("rb") as f:
        source = read_po(f)
    with po_path.with_suffix(".mo").open("rb") as f:
        compiled = read_mo(f)
    def key(m):
        return (tuple(m.id) if isinstance(m.id, (list, tuple)) else m.id), m.context

    def text(m):
        return tuple(m.string) if isinstance(m.string, (list, tuple)) else m.string

    wanted = {key(m): text(m) for m in source
              if m.id and m.string and (all(m.string) if isinstance(m.string, tuple) else True) and not m.fuzzy}
    shipped = {key(m): text(m) for m in compiled if m.id}
    assert shipped == wanted, "run `make messages` (compilemessages) after editing a .po"


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: str(p.parent.parent.name))
def test_no_translation_is_fuzzy_or_drops_a_placeholder(po_path):
    with po_path.open("rb") as f:
        source = read_po(f)
    placeholder = re.compile(r"%\(\w+\)[sdf]|%[sd]|\{\w*\}")
    for message in source:
        if not message.id:
            continue
        assert not message.fuzzy, message.id
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for string in strings:
            if string:  # the plural form carries every placeholder; the singular may spell out "one"
                assert set(placeholder.findall(string)) <= set(placeholder.findall(ids[-1])), (message.id, string)
                assert set(placeholder.findall(ids[-1])) - {"%(count)s", "%(n)s", "%d"} <= set(
                    placeholder.findall(string)) | set(placeholder.findall(ids[0])), (message.id, string)


@pytest.mark.parametrize("language", ["fr", "es"])
def test_each_catalogue_translates_every_message(language):
    with Path(settings.BASE_DIR, f"locale/{language}/LC_MESSAGES/django.po").open("rb") as f:
        source = read_po(f)
    missing = [m.id for m in source if m.id and not (all(m.string) if isinstance(m.string, tuple) else m.string)]
    assert missing == []


# --------------------------------------------------------------------------------------------
# Every public page in each language
# --------------------------------------------------------------------------------------------


@pytest.fixture
def public_addresses(page, open_lots):
    about = page("About the agency")
    auction, lots = open_lots(1)
    return {
        "home": "/",
        "standard page": about.url,
        "auctions home": reverse("auctions:home"),
        "catalogue": reverse("auctions:catalogue"),
        "auction": reverse("auctions:auction_detail", args=[auction.slug]),
        "lot": reverse("auctions:lot_detail", args=[lots[0].pk]),
        "sign up": reverse("auctions:sign_up"),
        "sign in": reverse("auctions:login"),
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_public_page_type_speaks_the_visitors_language(client, public_addresses, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    for name, address in public_addresses.items():
        if address == "/" or name == "standard page":
            address = address if language == "en" else f"/{language}{address}"  # the page tree's prefix
        html = html_of(client, address)
        assert f'<html lang="{language}">' in html, name
        assert LOTS_FOR_SALE[language] in html, name
        if language != "en":
            assert ">Lots for sale<" not in html and "Skip to content" not in html, name


# The public record, statistics and open data, and the calls for projects: on each page a phrase of its
# own (not the header's), as an English, French and Spanish reader sees it.
RECORD_PHRASES = {
    "asset index": {"en": "Country of origin", "fr": "Pays d’origine", "es": "País de origen"},
    "asset page": {"en": "Days in each stage", "fr": "Jours à chaque stade", "es": "Días en cada fase"},
    "statistics": {"en": "data dictionary and methods", "fr": "dictionnaire des données et méthodes",
                   "es": "diccionario de datos y métodos"},
    "data dictionary": {"en": "How each figure is computed", "fr": "Comment chaque indicateur est calculé",
                        "es": "Cómo se calcula cada cifra"},
    "documents": {"en": "1 document", "fr": "1 document", "es": "1 documento"},
    "search": {"en": "1 result", "fr": "1 résultat", "es": "1 resultado"},
    "calls": {"en": "Calls for projects", "fr": "Appels à projets", "es": "Convocatorias de proyectos"},
    "call": {"en": "Deadline for applications", "fr": "Date limite de dépôt des candidatures",
             "es": "Plazo límite de presentación de solicitudes"},
    "dispositions": {"en": "1 decision", "fr": "1 décision", "es": "1 decisión"},
    "disposition page": {"en": "The asset", "fr": "Le bien", "es": "El bien"},
}
# …and a second phrase that only the translation may show.
RECORD_SECOND = {
    "asset index": {"en": "2 assets", "fr": "2 biens", "es": "2 bienes"},
    "asset page": {"en": "Where the money went", "fr": "Où est allé l’argent", "es": "Adónde fue el dinero"},
    "statistics": {"en": "Public assets by stage", "fr": "Biens publics par stade", "es": "Bienes públicos por fase"},
    "data dictionary": {"en": "The register&#x27;s number of the asset, stable over time.",
                        "fr": "Le numéro du bien au registre, stable dans le temps.",
                        "es": "El número del bien en el registro, estable en el tiempo."},
    "documents": {"en": "Kinds of document", "fr": "Types de document", "es": "Tipos de documento"},
    "search": {"en": "Words to look for in the pages and published documents",
               "fr": "Mots à rechercher dans les pages et les documents publiés",
               "es": "Palabras que buscar en las páginas y los documentos publicados"},
    "calls": {"en": "apply by", "fr": "candidatures jusqu’au", "es": "solicitudes hasta el"},
    "call": {"en": "Property offered", "fr": "Biens offerts", "es": "Bienes ofrecidos"},
    "dispositions": {"en": "Carried out", "fr": "Exécutée", "es": "Ejecutada"},
    "disposition page": {"en": "The decision", "fr": "La décision", "es": "La decisión"},
}
# The page tree's pages are under the language's prefix; the others follow the visitor's choice.
IN_THE_PAGE_TREE = {"asset index", "asset page", "statistics", "data dictionary", "dispositions", "disposition page"}


@pytest.fixture
def record_addresses(case, case_officer, approver, django_capture_on_commit_callbacks):
    """Given a confiscated car with its public page, a publishable court decision, an open call for
    projects offering a confiscated villa, and a flat given for social reuse by a decision carried out."""
    car = AssetFactory(case=case, actor=case_officer, public_area="Ghent", declared_value=Decimal("20000.00"))
    with django_capture_on_commit_callbacks(execute=True):  # the asset's page is made once the move commits
        confiscate(car, case_officer)
    published_document_create(
        kind=DocumentKind.COURT_DECISION, title="Judgment on the Quokkaberry villa", date=datetime.date(2026, 5, 4),
        upload=SimpleUploadedFile("decision.pdf", text_pdf("The court orders the villa's return"),
                                  content_type="application/pdf"),
        publishable=True)
    villa = confiscated_asset(case, case_officer)
    call = calls.call_create(actor=case_officer, title="A villa for the youth", description="Youth projects.",
                             assets=[villa], deadline=timezone.now() + datetime.timedelta(days=30))
    calls.call_open(actor=case_officer, call_id=call.pk)
    with django_capture_on_commit_callbacks(execute=True):  # the decision's page is made once it is carried out
        flat = confiscated_asset(case, case_officer, title="Flat")
        decision = decisions.decision_propose(actor=case_officer, kind="social_reuse", asset_id=flat.pk,
                                              beneficiary_id=beneficiary().pk, legal_basis="Law 109/1996, art. 48")
        decisions.decision_approve(actor=approver, decision_id=decision.pk)
        decisions.decision_execute(actor=approver, decision_id=decision.pk)
    return {
        "asset index": "/assets/",
        "asset page": AssetPage.objects.get(asset=car).url,
        "statistics": "/statistics/",
        "data dictionary": "/statistics/data-dictionary/",
        "documents": reverse("cms:documents"),
        "search": reverse("cms:search") + "?q=Quokkaberry",
        "calls": reverse("disposition:calls"),
        "call": reverse("disposition:call", args=[call.pk]),
        "dispositions": "/dispositions/",
        "disposition page": DispositionPage.objects.get(decision=decision).url,
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_public_record_page_speaks_the_visitors_language(client, record_addresses, language):
    # Given a visitor who chose the language
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    for name, address in record_addresses.items():
        if name in IN_THE_PAGE_TREE and language != "en":
            address = f"/{language}{address}"
        # When they open each page of the public record
        html = html_of(client, address)
        # Then it is written in their language, the header and the page's own words alike
        assert f'<html lang="{language}">' in html, name
        assert LOTS_FOR_SALE[language] in html, name
        assert RECORD_PHRASES[name][language] in html, name
        assert RECORD_SECOND[name][language] in html, name
        if language != "en":
            assert RECORD_SECOND[name]["en"] not in html, name
            assert "Skip to content" not in html, name


@pytest.mark.parametrize("language,days", [("fr", "Jours (deux décimales) du gel à la saisie"),
                                           ("es", "Días (dos decimales) del embargo preventivo a la incautación")])
def test_the_data_dictionary_describes_the_days_columns_in_the_readers_language(client, home, language, days):
    html = html_of(client, f"/{language}/statistics/data-dictionary/")
    assert days in html and "Days (two decimals)" not in html


def test_the_auction_pages_follow_the_browsers_language_without_a_choice_made(client, public_addresses):
    html = html_of(client, public_addresses["catalogue"], HTTP_ACCEPT_LANGUAGE="fr-BE,fr;q=0.9")
    assert '<html lang="fr">' in html and "Lots en vente" in html


def test_the_default_languages_pages_keep_their_english_addresses(client, public_addresses):
    """Choosing French does not move the English pages: an address without a prefix is the English page."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    html = html_of(client, public_addresses["standard page"])
    assert '<html lang="en">' in html and "About the agency" in html
    assert html_of(client, "/").count('<html lang="en">') == 1


# --------------------------------------------------------------------------------------------
# The switcher
# --------------------------------------------------------------------------------------------


def test_the_switcher_on_an_auction_page_changes_the_language_and_keeps_the_visitor_there(client, public_addresses):
    catalogue = public_addresses["catalogue"] + "?q=car"
    html = html_of(client, catalogue)
    assert switcher_targets(html) == {"en": catalogue, "fr": catalogue, "es": catalogue}
    assert '<button type="submit" class="link-button" lang="fr">Français</button>' in html  # works without JS

    response = client.post(reverse("set_language"), {"language": "fr", "next": catalogue})

    assert response.status_code == 302 and response["Location"] == catalogue
    assert "Lots en vente" in html_of(client, catalogue)
    client.post(reverse("set_language"), {"language": "en", "next": catalogue})
    assert "Lots en vente" not in html_of(client, catalogue)


def test_the_switcher_on_a_page_goes_to_its_translation(client, page):
    about = page("About the agency")
    french = translate(about, "fr", title="À propos de l'agence", slug="a-propos")

    targets = switcher_targets(html_of(client, about.url))

    assert targets["fr"] == "/fr/a-propos/" == Page.objects.get(pk=french.pk).url
    assert targets["en"] == "/about-the-agency/"
    assert targets["es"] == "/es/about-the-agency/"  # not translated yet: the English page in the Spanish site
    client.post(reverse("set_language"), {"language": "fr", "next": targets["fr"]})
    html = html_of(client, targets["fr"])
    assert "À propos de l&#x27;agence" in html and "Lots en vente" in html
    assert switcher_targets(html)["en"] == "/about-the-agency/"


def test_the_switcher_refuses_a_language_not_offered_and_an_address_elsewhere(client):
    assert client.post(reverse("set_language"), {"language": "de", "next": "/"}).status_code == 400
    response = client.post(reverse("set_language"), {"language": "fr", "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get(reverse("set_language")).status_code == 405


# --------------------------------------------------------------------------------------------
# Wagtail's localisation
# --------------------------------------------------------------------------------------------


def test_editors_can_translate_pages_into_french_and_spanish():
    assert set(Locale.objects.values_list("language_code", flat=True)) == {"en", "fr", "es"}
    assert {"wagtail.locales", "wagtail.contrib.simple_translation"} <= set(settings.INSTALLED_APPS)


def test_a_translated_page_is_served_under_its_languages_prefix(client, home, page):
    about = page("About the agency", introduction="Who we are.")
    translate(home, "fr", title="Accueil")
    french = translate(about, "fr", title="L'agence", introduction="Qui nous sommes.")

    html = html_of(client, "/fr/about-the-agency/")

    assert french.url == "/fr/about-the-agency/"
    assert "Qui nous sommes." in html and '<html lang="fr">' in html and "Lots en vente" in html
    english = html_of(client, "/about-the-agency/")
    assert "Who we are." in english and "Qui nous sommes." not in english
    assert "Accueil" in html_of(client, "/fr/")
    # search engines are told of each language's version
    assert '<link rel="alternate" hreflang="fr" href="http://testserver/fr/about-the-agency/">' in english
    assert '<link rel="alternate" hreflang="en" href="http://testserver/about-the-agency/">' in html


def test_a_page_not_yet_translated_is_served_from_the_english_tree_under_the_prefix(client, home, page):
    page("Contact us", slug="reach-us")
    translate(home, "fr", title="Accueil")  # the French tree exists, without this page

    html = html_of(client, "/fr/reach-us/")

    assert "Contact us" in html and '<html lang="fr">' in html
    assert client.get("/fr/no-such-page/").status_code == 404


def test_the_staff_admin_offers_french_and_spanish(client, auction_manager):
    assert [code for code, _name in settings.WAGTAILADMIN_PERMITTED_LANGUAGES] == ["en", "fr", "es"]
    profile = UserProfile.get_for_user(auction_manager)
    profile.preferred_language = "fr"
    profile.save()
    client.force_login(auction_manager)
    html = html_of(client, reverse("wagtailadmin_home"))
    assert '<html lang="fr"' in html and "Tableau de bord" in html


# --------------------------------------------------------------------------------------------
# Amounts, numbers and dates
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("language,amount,number,day,moment", [
    ("en", "1,234.56 EUR", "1,234,567", "05 Dec 2026", "05 Dec 2026, 18:03"),
    ("fr", "1\xa0234,56 EUR", "1\xa0234\xa0567", "5 déc. 2026", "5 déc. 2026, 18:03"),
    ("es", "1\xa0234,56 EUR", "1\xa0234\xa0567", "5 dic 2026", "5 dic 2026, 18:03"),
])
def test_amounts_numbers_and_dates_follow_the_active_language(language, amount, number, day, moment):
    when = datetime.datetime(2026, 12, 5, 17, 3, tzinfo=datetime.UTC)  # 18:03 in Brussels
    with translation.override(language):
        assert format_money(Decimal("1234.56"), "EUR") == amount
        assert format_number(1234567) == number
        assert format_day(when.date()) == day
        assert format_moment(when).replace("\u202f", " ") == moment.replace("\u202f", " ")


def test_a_lots_price_is_written_in_french_on_the_french_page(client, public_addresses):
    html = html_of(client, public_addresses["lot"], HTTP_ACCEPT_LANGUAGE="fr")
    assert "100,00\xa0EUR" in html.replace("&nbsp;", "\xa0") or "100,00 EUR" in html


"""The public site's language switcher, on every public page (Wagtail's and the auctions')."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from wagtail.models import Page

register = template.Library()


@register.inclusion_tag("cms/includes/language_switcher.html", takes_context=True)
def language_switcher(context) -> dict:
    """One button per language, each naming its language in that language ("Français"), each posting
    to config.views.set_language with the address of this page in that language: for a page of the
    tree, its live translation, else the page itself under that language's prefix (served from the
    default tree until it is translated); for any other page (the auctions, an account) the same
    address, which answers in the language chosen."""
    request = context.get("request")
    page = context.get("page")
    page = page if isinstance(page, Page) else None
    current = translation.get_language() or settings.LANGUAGE_CODE
    choices = []
    for code, _name in settings.LANGUAGES:
        choices.append({"code": code, "name": translation.get_language_info(code)["name_local"],
                        "next": _address_in(code, request, page), "current": code == current})
    return {"choices": choices, "action": reverse("set_language")}


@register.simple_tag(takes_context=True)
def language_alternates(context) -> SafeString | str:
    """`<link rel="alternate" hreflang>` to each live translation of the page being served, so that search
    engines offer a reader the page in their language. Nothing on pages outside the tree."""
    request, page = context.get("request"), context.get("page")
    if request is None or not isinstance(page, Page):
        return ""
    links = [(p.locale.language_code, request.build_absolute_uri(url))
             for p in page.get_translations(inclusive=True).live().select_related("locale").specific(defer=True)
             if (url := p.get_url(request))]
    if len(links) < 2:
        return ""
    return format_html_join("\n  ", '<link rel="alternate" hreflang="{}" href="{}">', sorted(links))


def _address_in(language: str, request, page: Page | None) -> str:
    if request is None:
        return "/"
    here = request.get_full_path()
    if page is None:
        return here
    translations = {p.locale.language_code: p for p in page.get_translations(inclusive=True).live()
                    .select_related("locale").specific(defer=True)}
    if language in translations:
        return translations[language].get_url(request) or here
    original = translations.get(settings.LANGUAGE_CODE)
    address = original.get_url(request) if original is not None else None
    if not address or not address.startswith("/"):
        return here
    return address if language == settings.LANGUAGE_CODE else f"/{language}{address}"

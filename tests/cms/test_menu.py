"""The site menu: a Wagtail site setting that editors keep, shown at the top of every public page,
Wagtail's and the auctions' alike."""

from __future__ import annotations

import re

import pytest
from django.test import RequestFactory
from django.urls import reverse
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.models import Page

from cms.blocks import LinkBlock
from cms.selectors import site_menu_links

pytestmark = pytest.mark.django_db

DEFAULT_MENU = [("/", "Home"), ("/auctions/", "Auctions"), ("/assets/", "Confiscated assets"),
                ("/dispositions/", "What became of them"), ("/statistics/", "Statistics"),
                ("/how-auctions-work/", "How auctions work"),
                ("/how-to-claim/", "How to claim"), ("/about/", "About the agency")]


def menu_of(client, path: str) -> list[tuple[str, str, str | None]]:
    """(href, text, aria-current) of each link in the page's main menu."""
    response = client.get(path)
    assert response.status_code == 200, path
    nav = re.search(r'<nav class="site-menu" aria-label="Main">(.*?)</nav>', response.content.decode(), re.S)
    assert nav, f"no site menu on {path}"
    return [(href, text, current or None) for href, current, text in
            re.findall(r'<a href="([^"]*)"(?: aria-current="([^"]*)")?>([^<]*)</a>', nav.group(1))]


def test_by_default_the_menu_links_home_the_auctions_and_the_editorial_pages(client, home):
    assert [(href, text) for href, text, _current in menu_of(client, "/")] == DEFAULT_MENU


@pytest.mark.parametrize("path", ["/", "/about/", "/auctions/", "/auctions/lots/", "/account/sign-in/",
                                  "/account/sign-up/"])
def test_every_public_page_shows_the_same_menu(client, home, path):
    assert [(href, text) for href, text, _current in menu_of(client, path)] == DEFAULT_MENU


def test_the_auction_pages_show_the_menu_too(client, home, open_lots):
    auction, lots = open_lots(1)
    for path in (reverse("auctions:lot_detail", args=[lots[0].pk]),
                 reverse("auctions:auction_detail", args=[auction.slug])):
        menu = menu_of(client, path)
        assert [(href, text) for href, text, _current in menu] == DEFAULT_MENU
        assert ("/auctions/", "Auctions", "true") in menu  # the section the visitor is in


def test_the_menu_marks_where_the_visitor_is(client, home):
    assert ("/", "Home", "page") in menu_of(client, "/")
    menu = menu_of(client, "/how-to-claim/")
    assert ("/how-to-claim/", "How to claim", "page") in menu and ("/", "Home", None) in menu
    assert ("/auctions/", "Auctions", "page") in menu_of(client, "/auctions/")


def test_an_editor_changes_the_menu_and_every_page_shows_it(client, home, menu, page,
                                                            django_capture_on_commit_callbacks):
    menu_of(client, "/auctions/lots/")  # cached now
    reuse = page("Social reuse")
    with django_capture_on_commit_callbacks(execute=True):
        menu.links = [{"type": "link", "value": {"label": "Lots", "page": None, "url": "/auctions/lots/"}},
                      {"type": "link", "value": {"label": "", "page": reuse.pk, "url": ""}},
                      {"type": "link", "value": {"label": "Open data", "page": None,
                                                 "url": "https://data.example.org/assets"}}]
        menu.save()
    expected = [("/auctions/lots/", "Lots"), ("/social-reuse/", "Social reuse"),
                ("https://data.example.org/assets", "Open data")]
    for path in ("/", "/auctions/lots/", "/social-reuse/"):
        assert [(href, text) for href, text, _current in menu_of(client, path)] == expected


def test_a_renamed_page_is_renamed_in_the_menu_and_an_unpublished_one_leaves_it(client, home,
                                                                               django_capture_on_commit_callbacks):
    assert ("/how-to-claim/", "How to claim") in [(h, t) for h, t, _c in menu_of(client, "/")]
    claim = Page.objects.get(slug="how-to-claim").specific
    with django_capture_on_commit_callbacks(execute=True):
        claim.title = "Claims and compensation"
        claim.save_revision().publish()
    assert ("/how-to-claim/", "Claims and compensation") in [(h, t) for h, t, _c in menu_of(client, "/")]

    with django_capture_on_commit_callbacks(execute=True):
        claim.unpublish()
    assert "/how-to-claim/" not in [href for href, _t, _c in menu_of(client, "/")]


def test_the_menu_is_read_once_then_served_from_the_cache(home, django_assert_num_queries):
    request = RequestFactory().get("/auctions/lots/")
    first = site_menu_links(request)
    with django_assert_num_queries(0):
        assert site_menu_links(RequestFactory().get("/auctions/lots/")) == first


@pytest.mark.parametrize("value, field", [
    ({"label": "Nowhere", "page": None, "url": ""}, "page"),  # neither a page nor an address
    ({"label": "", "page": None, "url": "/auctions/"}, "label"),  # an address needs the words to click
    ({"label": "Script", "page": None, "url": "javascript:alert(1)"}, "url"),
    ({"label": "Other host", "page": None, "url": "//evil.example.org/"}, "url"),
    ({"label": "Mail", "page": None, "url": "mailto:not an address"}, "url"),
])
def test_a_menu_link_needs_one_page_or_one_safe_address(value, field):
    block = LinkBlock()
    with pytest.raises(StructBlockValidationError) as refused:
        block.clean(block.to_python(value))
    assert field in refused.value.block_errors


def test_a_link_to_a_page_and_an_address_at_once_is_refused(home):
    block = LinkBlock()
    with pytest.raises(StructBlockValidationError):
        block.clean(block.to_python({"label": "Both", "page": home.pk, "url": "/auctions/"}))


@pytest.mark.parametrize("url", ["/auctions/", "/auctions/lots/?sort=ending", "https://example.org/open-data",
                                 "mailto:press@agency.example.org"])
def test_paths_web_addresses_and_mail_are_accepted(url):
    block = LinkBlock()
    assert block.clean(block.to_python({"label": "Go", "page": None, "url": url}))["url"] == url

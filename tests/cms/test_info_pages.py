"""The pages a bidder reads before signing up (how to buy, terms of sale, privacy notice, contact):
pages of the tree under the home page, served at the addresses the rest of the site links to, and
linked from every public page's footer."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.urls import reverse

from cms.models import StandardPage

pytestmark = pytest.mark.django_db

EXPECTED = {"how_to_buy": "How to buy", "terms": "Terms of sale", "privacy": "Privacy notice", "contact": "Contact"}


def footer_of(html: str) -> list[tuple[str, str]]:
    """The links of the footer's first list: the information pages (the second is where to take part)."""
    footer = html.split('<footer class="site-footer">', 1)[1].split("</nav>", 1)[0]
    return re.findall(r'<a href="([^"]+)">([^<]+)</a>', footer)


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_each_info_page_is_a_live_page_of_the_tree_at_its_linked_address(client, home, settings, key):
    path = settings.INFO_PAGE_PATHS[key]
    page = StandardPage.objects.get(slug=path.strip("/"))
    assert page.live and page.get_parent().specific == home and page.url == path
    response = client.get(path)
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert f"<h1>{EXPECTED[key]}</h1>" in html
    assert page.introduction and page.introduction in html


@pytest.mark.parametrize("path", ["/", "/auctions/", "/auctions/lots/", "/account/sign-up/", "/privacy/"])
def test_every_public_page_links_to_the_info_pages_in_its_footer(client, home, settings, path):
    html = client.get(path).content.decode()
    links = footer_of(html)
    assert [(settings.INFO_PAGE_PATHS[key], text) for key, text in EXPECTED.items()] == links


def test_the_privacy_notice_says_who_sees_a_bidders_data(client, home):
    html = unescape(client.get("/privacy/").content.decode())
    assert "Only the agency's auction staff" in html and "never by name" in html


def test_the_sign_up_form_links_to_the_terms_and_the_privacy_notice(client, home):
    html = client.get(reverse("auctions:sign_up")).content.decode()
    assert 'href="/terms-of-sale/"' in html and 'href="/privacy/"' in html

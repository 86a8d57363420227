"""Where things are: Wagtail serves the site's root and editorial pages; the auction site lives
under /auctions/, bidders' accounts under /account/; unknown addresses get the public error page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.auctions.factories import make_bidder

pytestmark = pytest.mark.django_db


def test_the_auction_site_lives_under_auctions():
    assert reverse("auctions:home") == "/auctions/"
    assert reverse("auctions:catalogue") == "/auctions/lots/"
    assert reverse("auctions:lot_detail", args=[7]) == "/auctions/lots/7/"
    assert reverse("auctions:auction_detail", args=["spring-sale"]) == "/auctions/sales/spring-sale/"
    assert reverse("auctions:login") == "/account/sign-in/"


def test_the_auction_home_is_at_auctions_and_the_site_home_at_the_root(client, home, open_lots):
    _auction, lots = open_lots(1)
    auction_home = client.get("/auctions/")
    assert auction_home.status_code == 200
    html = auction_home.content.decode()
    assert "Public auctions of seized and confiscated property" in html
    assert lots[0].title in html and 'href="/auctions/lots/"' in html
    site_home = client.get("/")
    assert site_home.context["page"].specific == home


def test_signing_in_leads_to_the_lots_and_signing_out_to_the_auction_home(client, open_lots, auction_manager):
    auction, _lots = open_lots(1)
    make_bidder(reviewer=auction_manager, auctions=[auction], username="carol")
    response = client.post(reverse("auctions:login"), {"username": "carol", "password": "pw-for-tests-only"})
    assert response.status_code == 302 and response["Location"] == "/auctions/lots/"
    response = client.post(reverse("auctions:logout"))
    assert response.status_code == 302 and response["Location"] == "/auctions/"


@pytest.mark.parametrize("path", ["/no-such-page/", "/about/no-such-page/", "/auctions/no-such-page/"])
def test_an_unknown_address_gets_the_public_error_page(client, home, path):
    response = client.get(path)
    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>Not found</h1>" in html and "There is nothing at this address." in html
    assert '<nav class="site-menu" aria-label="Main">' in html  # the way on
    assert 'href="/static/public.css"' in html and "Traceback" not in html


def test_an_unknown_api_address_still_answers_json(client, home):
    response = client.get("/api/v1/nothing-here/")
    assert response.status_code == 404 and response.json()["error"] == "not_found"


def test_every_public_page_tells_the_public_where_to_take_part(client, home):
    # given the home page and an auction page, both in the site's frame
    for path in ("/", "/auctions/"):
        html = client.get(path).content.decode()
        # then the footer links the notices to claimants, the consultations, the calls for projects and the
        # return agreements
        for name, text in (("disposition:notices", "Notices to claimants"),
                           ("disposition:consultations", "Public consultations"),
                           ("disposition:calls", "Calls for projects"),
                           ("disposition:agreements", "Return agreements")):
            assert f'href="{reverse(name)}">{text}</a>' in html, (path, name)
    # and each of those pages answers
    for name in ("disposition:notices", "disposition:consultations", "disposition:calls", "disposition:agreements"):
        assert client.get(reverse(name)).status_code == 200

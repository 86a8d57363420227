"""The public site's pages, through the page tree and their rendered HTML (as Wagtail's bakerydemo
tests its pages): the home page at the root, its blocks and live figures, the editorial pages, and
the rules of which page may go where."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Page, Site
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from auctions.models import Lot
from auctions.services import auctions as auction_services
from auctions.services import bidding, closing
from cms.blocks import RICH_TEXT_FEATURES
from cms.models import AssetIndexPage, DispositionIndexPage, HomePage, StandardPage, StatisticsPage
from tests.auctions.factories import asset_for_sale, make_auction, make_bidder

pytestmark = pytest.mark.django_db


def html_of(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def raw(*blocks: tuple[str, object]) -> list[dict]:
    """A StreamField's content as stored (what the admin saves): ids for pages and images, HTML for text."""
    return [{"type": kind, "value": value} for kind, value in blocks]


def text_of(html: str) -> str:
    """The words a reader sees, tags and line breaks aside."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# --------------------------------------------------------------------------------------------
# The tree
# --------------------------------------------------------------------------------------------


def test_the_home_page_is_the_roots_child_and_the_default_sites_root(home):
    root = Page.get_first_root_node()
    assert isinstance(home, HomePage)
    assert home.get_parent().specific == root
    assert Site.objects.get(is_default_site=True).root_page_id == home.pk
    assert home.live and home.url == "/"
    # Wagtail's welcome page is gone; the home page is the only page at the top of the tree.
    assert [page.specific_class for page in root.get_children()] == [HomePage]


def test_the_editorial_pages_are_under_the_home_page(home):
    pages = {page.slug: page for page in home.get_children().type(StandardPage).specific()}
    assert set(pages) == {"about", "how-auctions-work", "how-to-claim", "how-to-buy", "terms-of-sale", "privacy",
                          "contact"}
    assert all(isinstance(page, StandardPage) and page.live for page in pages.values())
    assert pages["how-to-claim"].url == "/how-to-claim/"


# --------------------------------------------------------------------------------------------
# The home page
# --------------------------------------------------------------------------------------------


def test_an_anonymous_visitor_gets_the_home_page_at_the_root(client, home):
    response = client.get("/")
    assert response.status_code == 200
    assert response.context["page"].specific == home
    html = response.content.decode()
    assert f"<h1>{home.heading}</h1>" in html
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert '<html lang="en">' in html and 'href="#main"' in html  # language and the skip link
    # The starter body: the figures, a way to the auctions, and the editorial pages.
    assert "<h2>The auctions today</h2>" in html
    assert '<a class="button" href="/auctions/">Go to the auctions</a>' in html
    for path, title in (("/how-auctions-work/", "How auctions work"), ("/how-to-claim/", "How to claim"),
                        ("/about/", "About the agency")):
        assert f'<a href="{path}">{title}</a>' in html


def test_the_home_page_renders_each_kind_of_block_an_editor_adds(client, home, page):
    from wagtail.images.models import Image

    about = Page.objects.get(slug="about")
    photo = Image.objects.create(title="Warehouse", file=get_test_image_file(size=(1200, 800)))
    home.body = raw(
        ("heading", {"text": "Recent sales", "level": "h2"}),
        ("heading", {"text": "Vehicles", "level": "h3"}),
        ("paragraph", '<p>We sold <b>twelve</b> cars; <a linktype="page" id="%d">read about us</a>.</p>' % about.pk),
        ("image", {"image": {"image": photo.pk, "decorative": False, "alt_text": "Rows of seized cars in a yard"},
                   "caption": "The vehicle yard"}),
        ("call_to_action", {"heading": "Bid now", "text": "Lots close every day.",
                            "link": {"label": "See the lots", "page": None, "url": "/auctions/lots/"}}),
        ("links", {"heading": "Elsewhere", "links": [
            {"label": "", "page": about.pk, "url": ""},
            {"label": "The court's register", "page": None, "url": "https://courts.example.org/register"},
        ]}),
    )
    home.save_revision().publish()

    html = html_of(client, "/")
    assert "<h2>Recent sales</h2>" in html and "<h3>Vehicles</h3>" in html
    assert '<p>We sold <b>twelve</b> cars; <a href="/about/">read about us</a>.</p>' in html
    image = re.search(r"<img [^>]*>", html).group(0)
    assert 'alt="Rows of seized cars in a yard"' in image and "srcset=" in image
    assert "<figcaption>The vehicle yard</figcaption>" in html
    assert "<h2>Bid now</h2>" in html and '<a class="button" href="/auctions/lots/">See the lots</a>' in html
    assert '<a href="/about/">About the agency</a>' in html
    assert '<a href="https://courts.example.org/register">The court&#x27;s register</a>' in html
    assert "The auctions today" not in html  # the editor took the figures away


def test_the_figures_are_counted_from_the_auctions_not_typed(client, home, open_lots, case, case_officer, approver,
                                                             auction_manager):
    _auction, lots = open_lots(3)
    soon = timezone.now() + datetime.timedelta(hours=5)
    Lot.objects.filter(pk=lots[0].pk).update(ends_at=soon, original_ends_at=soon)
    draft = make_auction(manager=auction_manager, title="Not yet published")  # its lot is not counted
    asset = asset_for_sale(case=case, officer=case_officer, approver=approver, manager=auction_manager)
    auction_services.lot_create(actor=auction_manager, auction=draft, title="Draft lot",
                                starting_price=Decimal("50.00"), asset_ids=[asset.pk])

    words = text_of(html_of(client, "/"))
    assert "3 lots open for bids" in words
    assert "1 lot ending within 24 hours" in words
    assert "1 auction taking bids" in words


def test_a_lot_that_closes_leaves_the_figures(client, home, open_lots):
    _auction, lots = open_lots(2)
    assert "2 lots open for bids" in text_of(html_of(client, "/"))

    past = timezone.now() - datetime.timedelta(seconds=5)
    Lot.objects.filter(pk=lots[0].pk).update(ends_at=past, original_ends_at=past)
    closing.lot_close(lot_id=lots[0].pk)
    from django.core.cache import cache

    cache.clear()  # the figures are kept half a minute
    assert "1 lot open for bids" in text_of(html_of(client, "/"))


def test_the_home_page_shows_no_personal_data(client, home, open_lots, auction_manager):
    auction, lots = open_lots(1)
    alice = make_bidder(reviewer=auction_manager, auctions=[auction], username="alice_the_bidder",
                        legal_name="Alice Wonderland-Secret")
    bidding.lot_place_bid(lot_id=lots[0].pk, bidder=alice, max_amount="2345.67")

    html = html_of(client, "/")
    for secret in ("alice_the_bidder", "Wonderland", alice.email, "2345", "2,345", "reserve", "leader"):
        assert secret not in html, secret
    assert 'name="csrfmiddlewaretoken"' not in html  # nothing to post, nothing personal to protect


# --------------------------------------------------------------------------------------------
# Standard pages
# --------------------------------------------------------------------------------------------


def test_a_standard_page_shows_its_title_introduction_body_and_place_in_the_tree(client, page):
    about = Page.objects.get(slug="about").specific
    team = page("Our team", parent=about, introduction="Who we are.",
                body=raw(("paragraph", "<p>Forty people in three offices.</p>")))

    html = html_of(client, "/about/our-team/")
    assert "<h1>Our team</h1>" in html and '<p class="lead">Who we are.</p>' in html
    assert "Forty people in three offices." in html
    assert re.search(r'<nav class="crumbs" aria-label="Breadcrumb"><a href="/">Home</a> › '
                     r'<a href="/about/">About the agency</a> › <span aria-current="page">Our team</span></nav>', html)
    about_html = html_of(client, "/about/")
    assert "In this section" in about_html and f'<a href="{team.url}">Our team</a>' in about_html


def test_the_starter_pages_say_how_auctions_work_and_how_to_claim(client):
    words = text_of(html_of(client, "/how-auctions-work/"))
    assert "How auctions work" in words and "identity document" in words and "reserve price" in words
    words = text_of(html_of(client, "/how-to-claim/"))
    assert "How to claim" in words and "Victims" in words


def test_a_draft_page_is_not_shown_to_the_public(client, home):
    draft = StandardPage(title="Coming soon", live=False)
    home.add_child(instance=draft)
    assert client.get("/coming-soon/").status_code == 404


# --------------------------------------------------------------------------------------------
# Which page may go where
# --------------------------------------------------------------------------------------------


def edit_form_data(page: Page, **changes) -> dict:
    """What the admin's edit form posts for `page` (its stream field is drawn by JavaScript, so the
    test writes it out): the page's fields, a heading and a paragraph as its body, and `changes`."""
    fields = {"title": page.title, "slug": page.slug, "introduction": page.introduction,
              "body": streamfield([
                  ("heading", {"text": "Edited heading", "level": "h2"}),
                  ("paragraph", rich_text("<p>Edited text.</p>", features=RICH_TEXT_FEATURES)),
              ])}
    if isinstance(page, HomePage):
        fields["heading"] = page.heading
    return nested_form_data({**fields, **changes})


class TestPageTypeRules(WagtailPageTestCase):
    def test_the_home_page_goes_at_the_root_only(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})
        self.assertCanNotCreateAt(HomePage, HomePage)
        self.assertCanNotCreateAt(StandardPage, HomePage)

    def test_standard_pages_go_under_the_home_page_and_each_other(self):
        # and the public record's indexes (assets, dispositions) and statistics
        self.assertAllowedSubpageTypes(HomePage, {StandardPage, AssetIndexPage, StatisticsPage, DispositionIndexPage})
        self.assertAllowedParentPageTypes(StandardPage, {HomePage, StandardPage})
        self.assertAllowedSubpageTypes(StandardPage, {StandardPage})
        self.assertCanNotCreateAt(Page, StandardPage)

    def test_the_pages_render_edit_and_preview(self):
        home = HomePage.objects.get()
        about = StandardPage.objects.get(slug="about")
        for page in (home, about):
            self.assertPageIsRenderable(page)
            self.assertPageIsEditable(page, post_data=edit_form_data(page))
            self.assertPageIsPreviewable(page, post_data=edit_form_data(page))

    def test_a_page_is_created_in_the_admin_with_a_stream_field_body(self):
        # a superuser, whose session has passed the second factor (Wagtail's login() signs in with the
        # password alone, and the admin would ask for the authenticator first)
        self.client.force_login(self.create_test_user())
        home = HomePage.objects.get()
        self.assertCanCreate(home, StandardPage, nested_form_data({
            "title": "Reuse of confiscated property",
            "introduction": "Houses and cars given to charities.",
            "body": streamfield([
                ("heading", {"text": "Who can apply", "level": "h2"}),
                ("paragraph", rich_text("<p>Registered charities and local authorities.</p>",
                                        features=RICH_TEXT_FEATURES)),
            ]),
        }))
        page = StandardPage.objects.get(slug="reuse-of-confiscated-property")
        html = self.client.get(page.url).content.decode()
        assert "<h2>Who can apply</h2>" in html and "Registered charities and local authorities." in html


# --------------------------------------------------------------------------------------------
# Slugs the rest of the site answers
# --------------------------------------------------------------------------------------------


def test_a_page_directly_under_home_cannot_take_an_address_the_auctions_answer(home):
    for slug in ("auctions", "account", "admin", "api"):
        with pytest.raises(ValidationError) as refused:
            home.add_child(instance=StandardPage(title=slug.title(), slug=slug))
        assert "slug" in refused.value.message_dict


def test_deeper_in_the_tree_those_slugs_are_fine(page):
    about = Page.objects.get(slug="about")
    assert page("Auctions", parent=about).url == "/about/auctions/"


def test_the_admin_says_why_a_slug_is_refused(admin_client, home):
    response = admin_client.post(
        f"/admin/pages/add/cms/standardpage/{home.pk}/",
        nested_form_data({"title": "Auctions", "slug": "auctions", "introduction": "", "body": streamfield([])}))
    assert response.status_code == 200
    assert "belongs to another part of the site" in response.content.decode()
    assert not StandardPage.objects.filter(slug="auctions").exists()

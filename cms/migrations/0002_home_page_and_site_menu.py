"""The public site's first pages: the home page at the root of the page tree (in place of Wagtail's
welcome page), under it "How auctions work", "How to claim" and "About the agency" with starter text
for editors to refine, and the site menu linking them and the auctions.
"""

import uuid

from django.conf import settings
from django.db import migrations
from django.utils import timezone

from cms.tree import add_child


def _stream(*blocks):
    return [{"type": kind, "value": value, "id": str(uuid.uuid4())} for kind, value in blocks]


def _link(*, page=None, url="", label=""):
    return {"label": label, "page": page, "url": url}


def _link_list(heading, links):
    return {"heading": heading, "links": [{"type": "item", "value": link, "id": str(uuid.uuid4())} for link in links]}


def _heading(text):
    return ("heading", {"text": text, "level": "h2"})


def _text(html):
    return ("paragraph", html)


HOME = {
    "title": "Home",
    "slug": "home",
    "heading": "Property recovered from crime, looked after and returned to the public",
    "introduction": (
        "We look after property that courts have frozen, seized or confiscated, keep its value while cases "
        "run, and sell what the law allows at public online auctions. The proceeds go to the State, to "
        "victims and to social reuse."
    ),
}

PAGES = [
    {
        "title": "How auctions work",
        "slug": "how-auctions-work",
        "introduction": "Anyone can buy at our auctions. This is what happens, from registering to paying for "
                        "what you won.",
        "body": lambda ids: _stream(
            _heading("Before you bid"),
            _text("<ol><li>Register with your e-mail address and an identity document. We check your identity "
                  "before you can bid.</li><li>Read and accept the terms of the auction. They say whether a "
                  "buyer's premium is added to the price and whether a deposit is asked for; a deposit is "
                  "taken as a hold on your card.</li></ol>"),
            _heading("Bidding"),
            _text("<p>Give the most you are willing to pay. We bid for you, one increment at a time and only as "
                  "far as needed to keep you in the lead, up to that amount. Other bidders never see your "
                  "maximum, and they see you only as a number (“Bidder 7”), never by name.</p>"
                  "<p>A bid in the last minutes of a lot moves its end later, so that everyone can answer it.</p>"
                  "<p>Some lots have a reserve price. If the bidding does not reach it, the lot is not sold.</p>"),
            _heading("If you win"),
            _text("<p>When the lot closes we tell you by e-mail, and send you the invoice and the payment "
                  "instructions.</p>"),
            ("call_to_action", {"heading": "See what is for sale", "text": "",
                                "link": _link(url="/auctions/lots/", label="Browse lots for sale")}),
        ),
    },
    {
        "title": "How to claim",
        "slug": "how-to-claim",
        "introduction": "If property we hold is yours, or if you are a victim of the crime it is linked to, you "
                        "may have a claim.",
        "body": lambda ids: _stream(
            _heading("Owners and others with rights over the property"),
            _text("<p>We hold property because a court ordered it frozen, seized or confiscated. If you own "
                  "property that we hold, or have rights over it (for example as a co-owner or a lender), make "
                  "your claim to the court that made the order, quoting its case reference. The court decides; "
                  "we act on its decision, by returning the property or paying out its value.</p>"),
            _heading("Victims"),
            _text("<p>A court may order that confiscated property, or the money from its sale, compensate the "
                  "victims of the crime. If you are a victim, tell the court or the prosecutor handling the "
                  "case that you are seeking compensation.</p>"),
        ),
    },
    {
        "title": "About the agency",
        "slug": "about",
        "introduction": "We are the public office that manages property frozen, seized or confiscated by the "
                        "courts.",
        "body": lambda ids: _stream(
            _heading("What we do"),
            _text("<ul><li>We keep a register of every asset held under a court order, with a record of everyone "
                  "who has handled it.</li><li>We store and maintain the assets so that they keep their "
                  "value.</li><li>We value them and, where the law allows, sell early those that would lose "
                  "their value while the case runs.</li><li>We sell confiscated property at public auctions, "
                  "return it to its owners, or give it a new public use.</li><li>We pay the proceeds to the "
                  "State, to victims and to social reuse.</li></ul>"),
            _heading("Openness"),
            _text(f'<p>Every sale is public: see <a linktype="page" id="{ids["how-auctions-work"]}">how auctions '
                  "work</a>.</p>"),
        ),
    },
]


def _home_body(ids):
    return _stream(
        ("auction_figures", {"heading": "The auctions today"}),
        ("call_to_action", {
            "heading": "Buy at our public auctions",
            "text": "Cars, real estate, jewellery and goods sold by court order. Anyone can bid after registering "
                    "and having their identity checked.",
            "link": _link(url="/auctions/", label="Go to the auctions"),
        }),
        _heading("What we do"),
        _text("<p>When a court orders that property linked to a crime be frozen or seized, we record it, keep it "
              "safe and keep a record of everyone who handles it. While the case runs we check what it is "
              "worth; property that would lose its value may, where the law allows, be sold early and the money "
              "kept until the case ends.</p><p>When a court confiscates property for good, it is sold at a "
              "public auction, returned to its rightful owner, or given a new public use.</p>"),
        ("links", _link_list("Find out more", [_link(page=ids[slug]) for slug in
                                               ("how-auctions-work", "how-to-claim", "about")])),
    )


def _menu(ids):
    return [
        {"type": "link", "value": value, "id": str(uuid.uuid4())} for value in (
            _link(page=ids["home"]),
            _link(url="/auctions/", label="Auctions"),
            _link(page=ids["how-auctions-work"]),
            _link(page=ids["how-to-claim"]),
            _link(page=ids["about"]),
        )
    ]


def create_public_site(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    HomePage = apps.get_model("cms", "HomePage")
    StandardPage = apps.get_model("cms", "StandardPage")
    SiteMenu = apps.get_model("cms", "SiteMenu")

    root = Page.objects.get(depth=1)
    now = timezone.now()
    common = {"locale_id": root.locale_id, "live": True, "has_unpublished_changes": False,
              "first_published_at": now, "last_published_at": now}

    # Wagtail's welcome page (a plain Page with no children) goes; the sites pointing at it are
    # held at the tree's root for a moment, since deleting a site's root page would delete the site.
    welcome = Page.objects.filter(depth=2, numchild=0,
                                  content_type=ContentType.objects.get(app_label="wagtailcore", model="page")).first()
    sites = list(Site.objects.filter(root_page=welcome)) if welcome else []
    if welcome:
        Site.objects.filter(pk__in=[site.pk for site in sites]).update(root_page=root)
        welcome.delete()

    home = add_child(HomePage, root, **common, **HOME, draft_title=HOME["title"], url_path="/home/",
                     content_type=ContentType.objects.get_or_create(app_label="cms", model="homepage")[0])
    standard = ContentType.objects.get_or_create(app_label="cms", model="standardpage")[0]
    ids = {"home": home.pk}
    for spec in PAGES:
        ids[spec["slug"]] = add_child(
            StandardPage, Page.objects.get(pk=home.pk), **common, title=spec["title"], draft_title=spec["title"],
            slug=spec["slug"], introduction=spec["introduction"], content_type=standard,
            url_path=f"/home/{spec['slug']}/",
        ).pk
    for spec in PAGES:  # bodies last: they link to each other
        StandardPage.objects.filter(pk=ids[spec["slug"]]).update(body=spec["body"](ids))
    HomePage.objects.filter(pk=home.pk).update(body=_home_body(ids))

    if not sites and not Site.objects.exists():
        sites = [Site.objects.create(hostname="localhost", port=80, root_page=root, is_default_site=True)]
    for site in sites:
        Site.objects.filter(pk=site.pk).update(root_page=home, site_name=site.site_name or settings.WAGTAIL_SITE_NAME)
        SiteMenu.objects.update_or_create(site_id=site.pk, defaults={"links": _menu(ids)})


def remove_public_site(apps, schema_editor):
    """Back to a plain welcome page as the sites' root (what Wagtail's own migrations leave)."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    HomePage = apps.get_model("cms", "HomePage")

    root = Page.objects.get(depth=1)
    homes = list(HomePage.objects.filter(depth=2))
    welcome = add_child(
        Page, root, title="Welcome to your new Wagtail site!", draft_title="Welcome to your new Wagtail site!",
        slug="home", content_type=ContentType.objects.get(app_label="wagtailcore", model="page"),
        locale_id=root.locale_id, url_path="/home/", live=True,
    )
    Site.objects.filter(root_page__in=[home.pk for home in homes]).update(root_page=welcome)
    for home in homes:
        Page.objects.filter(path__startswith=home.path).delete()
    Page.objects.filter(pk=root.pk).update(numchild=Page.objects.filter(depth=2).count())


class Migration(migrations.Migration):

    dependencies = [
        ("cms", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.RunPython(create_public_site, remove_public_site),
    ]

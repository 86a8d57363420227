"""The pages a bidder needs before signing up: how to buy, the terms of sale, the privacy notice and
how to contact the agency, under the home page with starter text for editors to refine. The sign-up
form and every public page's footer link to them (settings.INFO_PAGE_PATHS names their addresses).
"""

import uuid

from django.db import migrations
from django.utils import timezone

from cms.tree import add_child


def _stream(*blocks):
    return [{"type": kind, "value": value, "id": str(uuid.uuid4())} for kind, value in blocks]


def _heading(text):
    return ("heading", {"text": text, "level": "h2"})


def _text(html):
    return ("paragraph", html)


PAGES = [
    {
        "title": "How to buy",
        "slug": "how-to-buy",
        "introduction": "Buying at our auctions takes four steps: register, get your identity checked, bid, and "
                        "pay for and collect what you won.",
        "body": _stream(
            _heading("1. Register"),
            _text("<p>Open a bidder account with your e-mail address, your identity and a copy of an identity "
                  "document. Confirm your address with the link we send you. An auction manager checks your "
                  "identity, usually within two working days.</p>"),
            _heading("2. Get ready for an auction"),
            _text("<p>Read and accept the terms of each auction you want to bid in. Some auctions ask for a "
                  "deposit, taken as a hold on your card and released when the auction ends unless you win.</p>"),
            _heading("3. Bid"),
            _text("<p>Give the most you are willing to pay: we bid for you, one increment at a time, up to that "
                  "amount. A bid in the last minutes of a lot extends it, so everyone can answer.</p>"),
            _heading("4. Pay and collect"),
            _text("<p>If you win, we send you the invoice. Pay it by bank transfer within the time the auction's "
                  "terms give, then collect the goods at the place and times the auction announces.</p>"),
            ("call_to_action", {"heading": "See what is for sale", "text": "",
                                "link": {"label": "Browse lots for sale", "page": None, "url": "/auctions/lots/"}}),
        ),
    },
    {
        "title": "Terms of sale",
        "slug": "terms-of-sale",
        "introduction": "These terms apply to every sale at our online auctions. Each auction may add its own "
                        "terms (buyer's premium, deposit, viewing and collection), which you accept before "
                        "bidding in it.",
        "body": _stream(
            _heading("The goods"),
            _text("<p>Goods are sold as they are, where they are, on behalf of the State under a court order. "
                  "Descriptions and photographs are given in good faith; view the goods where the auction "
                  "allows it. No warranty is given beyond what the law requires.</p>"),
            _heading("Bids"),
            _text("<p>A bid binds you. The highest bid when a lot closes wins, if it reaches the reserve price. "
                  "The agency may withdraw a lot before it closes, for example if a court so orders.</p>"),
            _heading("Price, payment and collection"),
            _text("<p>You pay the hammer price plus the buyer's premium that the auction states, within ten "
                  "working days of the invoice. Ownership passes when the agency has received payment in full. "
                  "Collect the goods within the time the auction gives; after it storage costs are yours.</p>"),
            _heading("Who may not buy"),
            _text("<p>People from whom the goods were confiscated, and people acting for them, may not bid. We "
                  "check every bidder's identity for this reason.</p>"),
        ),
    },
    {
        "title": "Privacy notice",
        "slug": "privacy",
        "introduction": "What personal data we keep about bidders, why, who sees it, and your rights.",
        "body": _stream(
            _heading("What we keep and why"),
            _text("<p>Your name, address, date of birth, phone number, e-mail address and identity document: "
                  "to check who may buy confiscated property, to contact you about your bids and to invoice "
                  "what you win. We also keep your bids and when you accepted the terms.</p>"),
            _heading("Who sees it"),
            _text("<p>Only the agency's auction staff. Other bidders and the public see you only as a number "
                  "that differs from lot to lot (“Bidder 7”), never by name.</p>"),
            _heading("How long"),
            _text("<p>As long as your account is open, and afterwards for as long as the law on public "
                  "accounts requires for the records of sales.</p>"),
            _heading("Your rights"),
            _text("<p>You may ask to see, correct or delete your data, or object to its use, by writing to us "
                  "(see the contact page). You may also complain to the data protection authority.</p>"),
        ),
    },
    {
        "title": "Contact",
        "slug": "contact",
        "introduction": "How to reach the agency's auction team.",
        "body": _stream(
            _heading("Auctions and bidder accounts"),
            _text("<p>E-mail: <a href=\"mailto:auctions@assets.example.org\">auctions@assets.example.org</a><br>"
                  "Phone: +32 2 000 00 00, working days from 9:00 to 16:00</p>"),
            _heading("Post"),
            _text("<p>Asset Recovery Office, Auctions team<br>1 Rue de la Loi<br>1000 Brussels<br>Belgium</p>"),
            _heading("Claims"),
            _text("<p>If property we hold is yours, see how to claim: claims go to the court that made the "
                  "order.</p>"),
        ),
    },
]


def create_info_pages(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    HomePage = apps.get_model("cms", "HomePage")
    StandardPage = apps.get_model("cms", "StandardPage")

    standard = ContentType.objects.get_or_create(app_label="cms", model="standardpage")[0]
    now = timezone.now()
    for home in HomePage.objects.filter(depth=2):
        for spec in PAGES:
            if Page.objects.filter(path__startswith=home.path, depth=home.depth + 1, slug=spec["slug"]).exists():
                continue  # an editor made one already
            page = add_child(StandardPage, Page.objects.get(pk=home.pk), locale_id=home.locale_id, live=True,
                             has_unpublished_changes=False, first_published_at=now, last_published_at=now,
                             title=spec["title"], draft_title=spec["title"], slug=spec["slug"],
                             introduction=spec["introduction"], content_type=standard,
                             url_path=f"{home.url_path}{spec['slug']}/")
            StandardPage.objects.filter(pk=page.pk).update(body=spec["body"])


def remove_info_pages(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    HomePage = apps.get_model("cms", "HomePage")
    for home in HomePage.objects.filter(depth=2):
        Page.objects.filter(path__startswith=home.path, depth=home.depth + 1,
                            slug__in=[spec["slug"] for spec in PAGES]).delete()
        Page.objects.filter(pk=home.pk).update(
            numchild=Page.objects.filter(path__startswith=home.path, depth=home.depth + 1).count())


class Migration(migrations.Migration):

    dependencies = [
        ("cms", "0003_editor_role"),
    ]

    operations = [
        migrations.RunPython(create_info_pages, remove_info_pages),
    ]

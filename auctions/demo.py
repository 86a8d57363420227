"""Demo data for the public auctions: approved bidders bidder1..N and four auctions (open for three
days; closing ten minutes after seeding; asking for a deposit; opening in two days), whose lots hold
assets brought to `for sale` through the custody and valuation services (seizure order, early-sale
request, endorsement by a second person, court authorisation), each with a photo."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from custody import demo as custody_demo
from custody import roles
from custody import services as custody
from custody.models import Case
from valuation import services as valuation

from .models import Auction, BidderProfile, TermsAcceptance
from .services import auctions, bidders, bidding

DEMO_SLUG = "demo-public-auction"
DEMO_CASE = "AUC-DEMO-2026-001"

# title, category, value (EUR, what the goods fetch on the market), starting price, reserve, colour of
# the demo photo. Starting prices are about half the value, as at public auctions of seized goods.
DEMO_LOTS = [
    ("Toyota Land Cruiser 2019, 84,000 km", "vehicle", "42000", "21000.00", "32000.00", (180, 40, 40)),
    ("BMW X5 xDrive 2020, black, 61,000 km", "vehicle", "38000", "19000.00", None, (30, 30, 30)),
    ("Speedboat Sea Ray 210, 2017", "vessel", "30000", "14000.00", "21000.00", (20, 90, 160)),
    ("Gold Rolex Submariner watch", "jewellery_art", "38000", "18000.00", None, (200, 170, 60)),
    ("Diamond necklace, 4.2 carat", "jewellery_art", "45000", "20000.00", "30000.00", (210, 210, 230)),
    ("Oil painting, 19th century landscape", "jewellery_art", "6000", "2500.00", None, (90, 120, 60)),
    ("Harley-Davidson Fat Boy 2018, 22,000 km", "vehicle", "14000", "6500.00", None, (120, 60, 20)),
    ("Set of 12 laptops, 2023", "other", "6000", "2400.00", None, (100, 100, 110)),
]

# The demo's auctions: the main one, open for three days; one whose first lot ends ten minutes after
# `make demo`, so that a close can be watched; one that asks for a deposit, so that the card hold
# can be tried; and one that opens in two days, shown as a preview.
DEMO_AUCTIONS = [
    {"slug": DEMO_SLUG, "title": "Public auction of seized vehicles, boats and valuables",
     "description": "Assets sold early by court order. Proceeds are held in escrow until the final decision.",
     "opens": datetime.timedelta(hours=-1), "closes": datetime.timedelta(days=3), "stagger_seconds": 120,
     "lots": DEMO_LOTS},
    {"slug": "demo-closing-soon", "title": "Evening sale: watches and cameras",
     "description": "A short sale: its lots close a few minutes after the demo starts. Watch one close.",
     "opens": datetime.timedelta(hours=-2), "closes": datetime.timedelta(minutes=10), "stagger_seconds": 120,
     "lots": [("Omega Seamaster Aqua Terra watch", "jewellery_art", "4200", "1500.00", None, (40, 60, 90)),
              ("Canon EOS R5 camera with two lenses", "other", "3600", "1200.00", "1800.00", (60, 60, 60))]},
    {"slug": "demo-prestige-cars", "title": "Prestige cars (deposit required)",
     "description": "High-value cars confiscated from organised crime. Bidders place a deposit of 5,000 EUR as "
                    "a hold on their card before bidding.",
     "opens": datetime.timedelta(hours=-1), "closes": datetime.timedelta(days=5), "stagger_seconds": 300,
     "deposit_rule": "fixed", "deposit_amount": Decimal("5000.00"),
     "lots": [("Lamborghini Urus 2024, 9,000 km", "vehicle", "215000", "120000.00", "175000.00", (230, 180, 0)),
              ("Porsche 911 Carrera S 2022, 21,000 km", "vehicle", "120000", "70000.00", "95000.00",
               (200, 200, 205))]},
    {"slug": "demo-spring-sale", "title": "Spring sale: boats and equipment",
     "description": "Opens in two days: the lots can be viewed now.",
     "opens": datetime.timedelta(days=2), "closes": datetime.timedelta(days=9), "stagger_seconds": 120,
     "lots": [("Sailing yacht Bavaria 37, 2015", "vessel", "75000", "40000.00", "55000.00", (20, 110, 170)),
              ("Forklift Linde H30, 2019, 4,100 hours", "other", "18000", "8000.00", None, (220, 120, 20))]},
]


def _user(username: str):
    return get_user_model().objects.filter(username=username).first()


def _staff(username: str, role: str, password: str):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username, defaults={"email": f"{username}@agency.example.org", "is_staff": True})
    if created:
        user.set_password(password)
        user.save()
    user.groups.add(Group.objects.get(name=role))
    return user


def _photo(title: str, colour: tuple[int, int, int]) -> SimpleUploadedFile:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (960, 640), colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 40, 920, 600), outline=(255, 255, 255), width=6)
    draw.text((80, 300), title, fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return SimpleUploadedFile(f"{title[:20]}.jpg", out.getvalue(), content_type="image/jpeg")


def _receive(asset, custodian) -> None:
    """The asset arrives at the storage site for its category: the lot's town (the site's public area)
    is what the catalogue's location menu and the lot page show."""
    site = custody_demo._storage_locations()[custody_demo._LOCATION_FOR[asset.category]]
    custody.custody_event_record(asset_id=asset.pk, actor=custodian, kind="received", location_id=site.pk,
                                 reason="Received into custody with seals intact")


def _for_sale_asset(*, case: Case, officer, approver, manager, title: str, category: str, value: str,
                    colour, photos: bool, custodian=None):
    asset = custody.asset_register(actor=officer, case=case, category=category, title=title,
                                   declared_value=Decimal(value), currency="EUR",
                                   description=f"{title}. Seized in case {case.reference}; sold early by court order.")
    today = timezone.localdate()
    seizure = custody.court_order_record(actor=officer, case=case, order_type="seizure",
                                         reference=f"SZ-{asset.pk}", issued_on=today - datetime.timedelta(days=60),
                                         issuing_court=case.court, assets=[asset])
    custody.asset_transition(asset_id=asset.pk, transition="seize", actor=officer, order_id=seizure.pk)
    if custodian is not None:
        _receive(asset, custodian)
    valuation.early_sale_request(asset_id=asset.pk, actor=officer, reason="depreciation",
                                 justification="Depreciates quickly and costs storage every day.")
    valuation.early_sale_endorse(asset_id=asset.pk, actor=approver, note="Endorsed for the demo auction.")
    authorisation = custody.court_order_record(actor=officer, case=case, order_type="early_sale",
                                               reference=f"ES-{asset.pk}", issued_on=today - datetime.timedelta(days=7),
                                               issuing_court=case.court, assets=[asset], publishable=True)
    valuation.early_sale_parties_notify(actor=officer, asset_id=asset.pk, means="registered_letter",
                                        notified_on=timezone.localdate())
    valuation.early_sale_authorise(asset_id=asset.pk, actor=officer, order_id=authorisation.pk)
    asset = custody.asset_transition(asset_id=asset.pk, transition="put_up_for_sale", actor=manager)
    if photos:
        custody.asset_photo_add(asset_id=asset.pk, upload=_photo(title, colour), actor=officer, caption=title)
    return asset


def _bidders(count: int, password: str, reviewer, open_auctions: list[Auction]) -> list:
    User = get_user_model()
    users = []
    for i in range(1, count + 1):
        username = f"bidder{i}"
        user, created = User.objects.get_or_create(
            username=username, defaults={"email": f"{username}@example.org", "first_name": "Demo",
                                         "last_name": f"Bidder {i}", "is_staff": False})
        user.set_password(password)
        user.save()
        profile = BidderProfile.objects.filter(user=user).first()
        if profile is None:
            profile = bidders.bidder_profile_create(
                user=user, legal_name=f"Demo Bidder {i}", address=f"{i} Example Street, Brussels",
                phone=f"+32 2 555 {i:04d}", id_document_type="passport", id_document_number=f"DEMO{i:06d}",
                date_of_birth=datetime.date(1970, 1, 1) + datetime.timedelta(days=97 * i), country="BE")
        bidders.bidder_email_verify(user=user)
        if profile.status != "approved":
            bidders.bidder_profile_approve(profile_id=profile.pk, actor=reviewer)
        for auction in open_auctions:
            TermsAcceptance.objects.get_or_create(bidder=user, auction=auction)
        users.append(user)
    return users


def seed(command, options) -> None:
    password = options["password"]
    officer = _user("officer") or _staff("officer", roles.CASE_OFFICER, password)
    approver = _user("approver") or _staff("approver", roles.APPROVER, password)
    manager = _user("auctions") or _staff("auctions", roles.AUCTION_MANAGER, password)
    approver2 = _user("approver2") or _staff("approver2", roles.APPROVER, password)
    custodian = _user("custodian") or _staff("custodian", roles.CUSTODIAN, password)

    made = []
    for spec in DEMO_AUCTIONS:
        auction = Auction.objects.filter(slug=spec["slug"]).first()
        if auction is None:
            auction = seed_auction(spec, officer=officer, approver=approver, approver2=approver2, manager=manager,
                               custodian=custodian, photos=not options.get("bulk"))
        made.append(auction)
    open_now = [a for a in made if a.opens_at <= timezone.now()]
    # Demo bidders have accepted the terms of the open auctions without a deposit; the others' terms,
    # and the deposit, are theirs to try.
    demo_bidders = _bidders(options.get("bidders", 0), password, manager,
                            [a for a in open_now if not a.requires_deposit])
    # A little history on the first lots, so that the catalogue shows prices and pseudonyms (not on the
    # deposit auction: nobody has placed a deposit yet).
    rng = options["rng"]
    for auction in open_now:
        if len(demo_bidders) < 3 or auction.requires_deposit or auction.lots.filter(bid_count__gt=0).exists():
            continue
        for lot in auction.lots.order_by("number")[:3]:
            amount = lot.starting_price
            for bidder in rng.sample(demo_bidders[:3], 2):
                step = (lot.starting_price * rng.randint(5, 15) / 10_000).quantize(Decimal(1)) * 100
                amount += max(Decimal(100), step)  # in hundreds, above the increment
                bidding.lot_place_bid(lot_id=lot.pk, bidder=bidder, max_amount=str(amount))
    for auction in made:
        first_end = auction.lots.order_by("ends_at").values_list("ends_at", flat=True).first()
        when = (f"opens {auction.opens_at:%Y-%m-%d %H:%M} UTC" if auction.opens_at > timezone.now()
                else f"first lot ends {first_end:%Y-%m-%d %H:%M} UTC" if first_end else "")
        deposit = ", deposit required" if auction.requires_deposit else ""
        command.stdout.write(f"Auction /auctions/sales/{auction.slug}/: {auction.lots.count()} lots, {when}{deposit}")
    if demo_bidders:
        command.stdout.write(f"Bidder logins: bidder1 … bidder{len(demo_bidders)} (password {password!r})")


def seed_auction(spec: dict, *, officer, approver, approver2, manager, custodian, photos: bool) -> Auction:
    case = Case.objects.filter(reference=DEMO_CASE).first()
    if case is None:
        case = custody.case_create(
            actor=officer, reference=DEMO_CASE, title="State v. Demo Trading Ltd", court="Regional Court of Example",
            jurisdiction="BE", legal_basis="conviction", offence_type="corruption", country_of_origin="BE")
        Case.objects.filter(pk=case.pk).update(created_at=timezone.now() - datetime.timedelta(days=240))
    lots = spec["lots"]
    assets = [_for_sale_asset(case=case, officer=officer, approver=approver, manager=manager, title=title,
                              category=category, value=value, colour=colour, photos=photos,
                              custodian=custodian)
              for title, category, value, _start, _reserve, colour in lots]
    now = timezone.now().replace(second=0, microsecond=0)
    auction = auctions.auction_create(
        actor=manager, title=spec["title"], slug=spec["slug"], description=spec["description"],
        terms="Assets are sold as seen. The buyer's premium is added to the hammer price. Payment within "
              "10 days; collection within 20 days of payment.",
        opens_at=now + spec["opens"], closes_at=now + spec["closes"],
        time_zone="Europe/Brussels", currency="EUR", buyers_premium_percent=Decimal("10.00"),
        pickup_info="Central warehouse, Industrieweg 12, 1800 Vilvoorde — by appointment.",
        viewing_info="Viewing on weekdays 9:00-16:00, by appointment.",
        soft_close_minutes=3, soft_close_cap_minutes=30, stagger_seconds=spec["stagger_seconds"],
        deposit_rule=spec.get("deposit_rule", "none"), deposit_amount=spec.get("deposit_amount"),
    )
    for asset, (title, _category, _value, start, reserve, _colour) in zip(assets, lots, strict=True):
        auctions.lot_create(actor=manager, auction=auction, title=title, starting_price=Decimal(start),
                            reserve_price=Decimal(reserve) if reserve else None, asset_ids=[asset.pk],
                            description=asset.description)
    auctions.auction_schedule(auction_id=auction.pk, actor=manager)
    auctions.auction_publish(auction_id=auction.pk, actor=approver2)
    auction.refresh_from_db()
    return auction

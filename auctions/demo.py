"""Demo data for the public auctions: approved bidders bidder1..N and an auction open now, whose
lots hold assets brought to `for sale` through the custody and valuation services (seizure order,
early-sale request, endorsement by a second person, court authorisation), each with a photo."""

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

# title, category, starting price, reserve, colour of the demo photo
DEMO_LOTS = [
    ("Toyota Land Cruiser 2019, 84,000 km", "vehicle", "8000.00", "15000.00", (180, 40, 40)),
    ("BMW X5 xDrive 2020, black", "vehicle", "12000.00", None, (30, 30, 30)),
    ("Speedboat Sea Ray 210, 2017", "vessel", "9000.00", "14000.00", (20, 90, 160)),
    ("Gold Rolex Submariner watch", "jewellery_art", "3000.00", None, (200, 170, 60)),
    ("Diamond necklace, 4.2 carat", "jewellery_art", "5000.00", "7500.00", (210, 210, 230)),
    ("Oil painting, 19th century landscape", "jewellery_art", "800.00", None, (90, 120, 60)),
    ("Harley-Davidson Fat Boy 2018", "vehicle", "4500.00", None, (120, 60, 20)),
    ("Set of 12 laptops, 2023", "other", "400.00", None, (100, 100, 110)),
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
                                   declared_value=Decimal(value) * 2, currency="EUR",
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

    auction = Auction.objects.filter(slug=DEMO_SLUG).first()
    if auction is None:
        case = Case.objects.filter(reference=DEMO_CASE).first() or custody.case_create(
            actor=officer, reference=DEMO_CASE, title="State v. Demo Trading Ltd", court="Regional Court of Example",
            jurisdiction="BE", legal_basis="conviction", offence_type="corruption", country_of_origin="BE")
        assets = [
            _for_sale_asset(case=case, officer=officer, approver=approver, manager=manager, title=title,
                            category=category, value=start, colour=colour, photos=not options.get("bulk"),
                            custodian=custodian)
            for title, category, start, _reserve, colour in DEMO_LOTS
        ]
        now = timezone.now()
        auction = auctions.auction_create(
            actor=manager, title="Public auction of seized vehicles, boats and valuables", slug=DEMO_SLUG,
            description="Assets sold early by court order. Proceeds are held in escrow until the final decision.",
            terms="Assets are sold as seen. The buyer's premium is added to the hammer price. Payment within "
                  "10 days; collection within 20 days of payment.",
            opens_at=now - datetime.timedelta(hours=1), closes_at=now + datetime.timedelta(days=3),
            time_zone="Europe/Brussels", currency="EUR", buyers_premium_percent=Decimal("10.00"),
            pickup_info="Warehouse 1, Industrial Road 5, Example City — by appointment.",
            viewing_info="Viewing on weekdays 9:00-16:00, by appointment.",
            soft_close_minutes=3, soft_close_cap_minutes=30, stagger_seconds=120,
        )
        for asset, (title, _category, start, reserve, _colour) in zip(assets, DEMO_LOTS, strict=True):
            auctions.lot_create(actor=manager, auction=auction, title=title, starting_price=Decimal(start),
                                reserve_price=Decimal(reserve) if reserve else None, asset_ids=[asset.pk],
                                description=asset.description)
        auctions.auction_schedule(auction_id=auction.pk, actor=manager)
        auctions.auction_publish(auction_id=auction.pk, actor=approver2)

    demo_bidders = _bidders(options.get("bidders", 0), password, manager, [auction])
    # A little history on the first lots, so that the catalogue shows prices and pseudonyms.
    rng = options["rng"]
    if len(demo_bidders) >= 3 and not auction.lots.filter(bid_count__gt=0).exists():
        for lot in auction.lots.order_by("number")[:3]:
            amount = lot.starting_price
            for bidder in rng.sample(demo_bidders[:3], 2):
                amount += Decimal(rng.randint(1, 20) * 100)
                bidding.lot_place_bid(lot_id=lot.pk, bidder=bidder, max_amount=str(amount))
    command.stdout.write(
        f"Public auction: /api/v1/lots/?status=open ({auction.lots.count()} lots, open until "
        f"{auction.closes_at:%Y-%m-%d %H:%M} UTC)")
    if demo_bidders:
        command.stdout.write(f"Bidder logins: bidder1 … bidder{len(demo_bidders)} (password {password!r})")

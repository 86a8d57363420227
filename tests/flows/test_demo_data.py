"""`make demo`'s data is believable to a newcomer: values that match the goods (a 2024 Lamborghini
is not worth 11,722 EUR, nor 9 BTC 5,071 EUR), ends that fit the goods (no restaurant destroyed),
cases opened over several past years, a lot that closes minutes after seeding, an auction that asks
for a deposit and one that opens later."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from auctions.models import Auction, AuctionStatus, LotStatus
from custody.models import Asset, AssetStatus, Case

pytestmark = pytest.mark.django_db

# What each kind of good may plausibly be worth (EUR), whatever its size.
RANGES = {
    "real_estate": (100_000, 8_000_000), "vehicle": (5_000, 400_000), "vessel": (20_000, 3_500_000),
    "aircraft": (150_000, 10_000_000), "jewellery_art": (2_000, 1_500_000), "business": (100_000, 6_000_000),
    "livestock": (3_000, 1_500_000), "perishable": (5_000, 1_000_000), "other": (1_000, 700_000),
    "virtual_assets": (40_000, 3_000_000),
}
# Per unit that the title names: (pattern, lowest and highest EUR per unit).
PER_UNIT = [
    (r"Gold bars, (\d+) × 1 kg", 55_000, 110_000),
    (r"(\d+) BTC", 40_000, 150_000),
    (r"(\d+) ETH", 1_000, 6_000),
    (r"Diamond necklace, (\d+(?:\.\d+)?) carat", 3_000, 30_000),
    (r"Herd of (\d+) dairy cows", 800, 4_000),
    (r"Agricultural land, (\d+) ha", 15_000, 100_000),
]


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    """One seeding for the module (it takes seconds), rolled back at the end."""
    from django.db import connection, transaction
    from django.test import override_settings

    media = tmp_path_factory.mktemp("demo-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=str(media / "public"),
                                                        PRIVATE_MEDIA_ROOT=str(media / "private")):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            started = timezone.now()
            out = StringIO()
            call_command("seed_demo", assets=80, cases=10, bidders=3, password="demo-test-pass-2026", stdout=out)
            yield started, out.getvalue()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            connection.close()


@pytest.fixture
def demo(seeded, django_db_blocker):
    with django_db_blocker.unblock():
        yield seeded


def test_every_assets_value_fits_what_it_is(demo):
    wrong = []
    for asset in Asset.objects.exclude(declared_value__isnull=True):
        value = asset.declared_value
        low, high = RANGES.get(asset.category, (0, 10**10))
        if not low <= value <= high:
            wrong.append(f"{asset.title}: {value}")
        for pattern, per_low, per_high in PER_UNIT:
            match = re.search(pattern, asset.title)
            if match and not per_low <= value / Decimal(match.group(1)) <= per_high:
                wrong.append(f"{asset.title}: {value}")
        year = re.search(r"\((20\d\d)\)|\b(20\d\d)\b", asset.title) if asset.category == "vehicle" else None
        if year and timezone.localdate().year - int(year.group(1) or year.group(2)) <= 2 and value < 20_000:
            wrong.append(f"{asset.title}: {value} (a car less than three years old)")
        if "Lamborghini" in asset.title or "Ferrari" in asset.title:
            if value < 90_000:
                wrong.append(f"{asset.title}: {value}")
    assert wrong == []


def test_only_goods_that_can_be_destroyed_or_lost_are(demo):
    destroyed = set(Asset.objects.filter(status=AssetStatus.DESTROYED).values_list("category", flat=True))
    lost = set(Asset.objects.filter(status=AssetStatus.LOST).values_list("category", flat=True))
    assert destroyed <= {"perishable", "other"}
    assert not lost & {"real_estate", "bank_account", "securities", "business", "cash", "virtual_assets"}


def test_cases_were_opened_over_several_past_years(demo):
    years = {case.created_at.year for case in Case.objects.filter(reference__startswith="ARO-")}
    assert len(years) >= 3 and max(years) <= timezone.now().year
    for case in Case.objects.filter(reference__startswith="ARO-"):
        assert case.reference.startswith(f"ARO-{case.created_at.year}-")
        for order in case.orders.all():
            assert case.created_at.date() <= order.issued_on <= timezone.localdate()


def test_a_lot_closes_within_minutes_of_seeding(demo):
    started, _out = demo
    soonest = (Auction.objects.filter(status=AuctionStatus.PUBLISHED, lots__status=LotStatus.OPEN)
               .order_by("lots__ends_at").values_list("lots__ends_at", flat=True).first())
    assert started < soonest <= started + datetime.timedelta(minutes=15)


def test_one_open_auction_asks_for_a_deposit_and_one_opens_later(demo):
    now = timezone.now()
    published = Auction.objects.filter(status=AuctionStatus.PUBLISHED)
    assert any(a.requires_deposit and a.required_deposit() > 0 for a in published.filter(opens_at__lte=now))
    upcoming = published.filter(opens_at__gt=now).first()
    assert upcoming is not None and upcoming.lots.filter(status=LotStatus.SCHEDULED).exists()


def test_a_closed_auction_shows_the_whole_path_after_the_hammer(demo):
    """The settled demo sale: one lot paid and handed over (its asset sold, its proceeds in escrow),
    one paid and booked, one defaulted and bought by the next bidder on a second chance, one
    defaulted with the offer still open; and the ledger reconciles clean."""
    from disposition.models import Invoice, InvoiceStatus, OfferStatus, SecondChanceOffer
    from ledger.models import AccountPurpose, Posting
    from ledger.reconciliation import ledger_reconcile

    _started, output = demo
    auction = Auction.objects.get(slug="demo-settled-sale")
    assert auction.closes_at < timezone.now()
    assert set(auction.lots.values_list("status", flat=True)) >= {LotStatus.DEFAULTED}
    invoices = Invoice.objects.filter(award__lot__auction=auction)
    by_status = {}
    for invoice in invoices:
        by_status.setdefault(invoice.status, []).append(invoice)
    assert len(by_status[InvoiceStatus.COLLECTED]) == 1
    assert len(by_status[InvoiceStatus.DEFAULTED]) == 2
    assert len(by_status[InvoiceStatus.PAID]) == 2  # one awaiting collection, one bought on a second chance
    collected = by_status[InvoiceStatus.COLLECTED][0]
    asset = collected.award.lot.assets.get()
    assert asset.status == AssetStatus.SOLD
    assert collected.handover.identity_checked
    assert any(i.award.lot_id == d.award.lot_id for i in by_status[InvoiceStatus.PAID]
               for d in by_status[InvoiceStatus.DEFAULTED])  # the second-chance sale
    assert SecondChanceOffer.objects.filter(lot__auction=auction, status=OfferStatus.OPEN).count() == 1
    escrow = sum(p.amount for p in Posting.objects.filter(account__purpose=AccountPurpose.ESCROW,
                                                          entry__source=f"invoice:{collected.pk}"))
    assert escrow < 0  # credited: the net proceeds wait in the case's escrow
    assert ledger_reconcile().ok
    assert "Ledger reconciliation: clean" in output

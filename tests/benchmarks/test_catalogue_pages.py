"""Server time of the public catalogue, a lot page and the live state JSON at 10,000 open lots.

Not part of the suite (`make bench` runs it). Prints median and p95 per page next to a reference
measured in the same run: the health check, which does one `SELECT 1` through the same Django
stack. The target of the issue is a catalogue page under 50 ms. No timed assertion.
"""

from __future__ import annotations

import datetime
import os
import statistics
import time
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from auctions.models import Auction, IncrementTable, Lot, LotAsset
from custody.models import Asset, AssetCategory, StorageLocation
from tests.factories import CaseFactory, UserFactory

N_LOTS = 10_000
ROUNDS = 40

pytestmark = pytest.mark.django_db


def _timed(client: Client, url: str, rounds: int = ROUNDS) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds per request (CPU time shows what the page costs when other
    processes compete for the machine; the database's own work is in the wall time only)."""
    client.get(url)  # warm caches (locations, increment tiers)
    wall, cpu = [], []
    for _ in range(rounds):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        assert response.status_code == 200, url
    return wall, cpu


def _line(name: str, timings: tuple[list[float], list[float]]) -> str:
    wall, cpu = timings
    p95 = sorted(wall)[int(len(wall) * 0.95) - 1]
    return (f"  {name:<42} median {statistics.median(wall):7.2f} ms   p95 {p95:7.2f} ms   "
            f"cpu median {statistics.median(cpu):6.2f} ms")


def _seed() -> Lot:
    """10,000 open lots of one published auction, written in bulk (the services are measured elsewhere)."""
    manager = UserFactory(username="bench_manager")
    approver = UserFactory(username="bench_approver")
    now = timezone.now()
    auction = Auction.objects.create(
        title="Benchmark sale", slug="benchmark-sale", terms="Sold as seen.", opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=5), created_by=manager, published_by=approver, published_at=now)
    Auction.objects.filter(pk=auction.pk).update(status="published")
    case = CaseFactory()
    locations = [StorageLocation.objects.create(name=f"Yard {i}", kind="vehicle_yard") for i in range(10)]
    categories = [c for c, _label in AssetCategory.choices]
    assets = Asset.objects.bulk_create([
        Asset(case=case, reference=f"BENCH-{i:06d}", category=categories[i % len(categories)],
              title=f"Benchmark asset {i}", location=locations[i % 10]) for i in range(N_LOTS)])
    Asset.objects.filter(case=case).update(status="for_sale")
    table = IncrementTable.objects.get(is_default=True)
    lots = Lot.objects.bulk_create([
        Lot(auction=auction, number=i + 1, title=f"Lot {i}: {'red car' if i % 7 == 0 else 'watch'} number {i}",
            description="A benchmark lot with a description of a few words.", category=assets[i].category,
            starting_price=Decimal(100 + i), increment_table=table,
            ends_at=now + datetime.timedelta(days=5, seconds=60 * i),
            original_ends_at=now + datetime.timedelta(days=5, seconds=60 * i)) for i in range(N_LOTS)])
    Lot.objects.filter(auction=auction).update(status="open")
    LotAsset.objects.bulk_create([LotAsset(lot=lot, asset=asset) for lot, asset in zip(lots, assets, strict=True)])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return lots[N_LOTS // 2]


def test_catalogue_at_ten_thousand_open_lots():
    lot = _seed()
    client = Client()
    reference = _timed(client, "/healthz")
    rows = [
        ("reference: /healthz (SELECT 1)", reference),
        ("catalogue, first page", _timed(client, "/auctions/lots/")),
        ("catalogue, page 200", _timed(client, "/auctions/lots/?page=200")),
        ("catalogue, search 'red car'", _timed(client, "/auctions/lots/?q=red+car")),
        ("catalogue, category + price range",
         _timed(client, "/auctions/lots/?category=vehicle&min_price=500&max_price=5000")),
        ("catalogue, price high to low", _timed(client, "/auctions/lots/?sort=price_desc")),
        ("catalogue, location", _timed(client, f"/auctions/lots/?location={lot.assets.first().location_id}")),
        ("lot page", _timed(client, f"/auctions/lots/{lot.pk}/")),
        ("lot state.json", _timed(client, f"/auctions/lots/{lot.pk}/state.json")),
    ]
    print(f"\nPublic pages at {N_LOTS} open lots on {connection.vendor} ({ROUNDS} requests each, test client, "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs):")
    for name, times in rows:
        print(_line(name, times))

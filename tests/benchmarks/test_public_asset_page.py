"""Server time and query count of an asset's public page with a realistic history, next to /healthz
(one `SELECT 1` through the same Django stack) measured in the same run; the asset index and the site
search beside them.

The asset: registered, seized, valued three times, an early sale requested, endorsed and authorised,
sold directly, invoiced and paid, handed over, then confiscated (its escrow moved to the State); two
years of monthly storage costs in the ledger, eight court orders (half publishable), six published
documents, four public photos; 200 other public assets with live pages in the index. Not part of the
suite (`make bench BENCH=tests/benchmarks/test_public_asset_page.py`). No timed assertion: the
query count is printed, and checked only to be no more for a long history than for a short one. An
editorial page (how to buy) is measured too: what any Wagtail page of the site costs.
"""

from __future__ import annotations

import datetime
import io
import os
import statistics
import time
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.utils import timezone
from PIL import Image

from cms.models import DocumentKind
from cms.record import asset_page_sync, published_document_create
from custody import services as custody_services
from custody.models import Asset, AssetStatus
from ledger.services import storage_cost_post
from tests.cms.record_helpers import confiscate, sell_early, text_pdf
from tests.factories import AssetFactory, CourtOrderFactory, pdf_bytes
from tests.valuation.factories import approved_appraisal, into_custody, order_for

pytestmark = pytest.mark.django_db

ROUNDS = 60
OTHER_PUBLIC_ASSETS = 200


def _timed(client: Client, url: str, rounds: int = ROUNDS) -> tuple[list[float], int]:
    """Wall-clock milliseconds per request, and the queries one request makes."""
    client.get(url)  # warm caches (site, menu)
    queries: list[str] = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    # (CaptureQueriesContext would see none: each request's start empties the connection's query log.)
    with connection.execute_wrapper(count):
        assert client.get(url).status_code == 200, url
    wall = []
    for _ in range(rounds):
        start = time.perf_counter()
        response = client.get(url)
        wall.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, url
    return wall, len(queries)


def _line(name: str, timings: tuple[list[float], int]) -> str:
    wall, queries = timings
    p95 = sorted(wall)[int(len(wall) * 0.95) - 1]
    return f"  {name:<44} median {statistics.median(wall):7.2f} ms   p95 {p95:7.2f} ms   {queries:3d} queries"


def _photo() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 900), "steelblue").save(buffer, "JPEG")
    return SimpleUploadedFile("photo.jpg", buffer.getvalue())


def _long_history(case_officer, custodian, people) -> Asset:
    asset = AssetFactory(actor=case_officer, public_area="Antwerp")
    into_custody(asset, case_officer)
    for n in range(40):
        custody_services.custody_event_record(asset_id=asset.pk, actor=custodian, kind="inspected",
                                              reason=f"Monthly inspection {n}")
    sell_early(asset, **people)
    custody_services.asset_transition(asset_id=asset.pk, transition="confiscate", actor=case_officer,
                                      order_id=order_for(asset, "confiscation").pk)
    for amount in ("18000.00", "17000.00"):
        approved_appraisal(asset, people["valuer"], people["approver"], amount=amount)
    start = timezone.now() - datetime.timedelta(days=730)
    for month in range(24):
        storage_cost_post(asset=asset, amount=Decimal("312.50"), currency="EUR", source=f"bench:{asset.pk}:{month}",
                          memo="Storage", occurred_at=start + datetime.timedelta(days=30 * month))
    for n in range(4):
        CourtOrderFactory(case=asset.case, order_type="destruction", assets=[asset], publishable=n % 2 == 0,
                          document=SimpleUploadedFile("order.pdf", pdf_bytes(), "application/pdf"))
    for n in range(6):
        published_document_create(kind=DocumentKind.COURT_DECISION, title=f"Decision {n}",
                                  date=datetime.date(2026, 1 + n, 1), publishable=True,
                                  upload=SimpleUploadedFile("d.pdf", text_pdf(f"Decision {n} on the asset"),
                                                            "application/pdf"),
                                  asset_ids=[asset.pk] if n % 2 else [], case_ids=[] if n % 2 else [asset.case_id])
    for _ in range(4):
        custody_services.asset_photo_add(asset_id=asset.pk, actor=case_officer, upload=_photo(), public=True)
    return asset


def test_public_asset_page(case_officer, custodian, approver, second_approver, valuer, auction_manager):
    people = {"case_officer": case_officer, "approver": approver, "second_approver": second_approver,
              "valuer": valuer, "auction_manager": auction_manager}
    short = AssetFactory(actor=case_officer)
    confiscate(short, case_officer)
    long = _long_history(case_officer, custodian, people)
    for asset in (short, long):
        asset_page_sync(asset_id=asset.pk)
    for n in range(OTHER_PUBLIC_ASSETS):
        other = AssetFactory(case=short.case, actor=case_officer, category="vehicle" if n % 2 else "real_estate")
        Asset.objects.filter(pk=other.pk).update(confiscated_at=timezone.now(), status=AssetStatus.CONFISCATED)
        asset_page_sync(asset_id=other.pk)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    events = long.custody_events.count()
    client = Client()

    reference = _timed(client, "/healthz")
    rows = [
        ("reference: /healthz (SELECT 1)", reference),
        ("reference: an editorial page (/how-to-buy/)", _timed(client, "/how-to-buy/")),
        (f"asset page, long history ({events} log entries)", _timed(client, long.public_page.url)),
        ("asset page, short history", _timed(client, short.public_page.url)),
        (f"asset index, {OTHER_PUBLIC_ASSETS + 2} assets", _timed(client, "/assets/")),
        ("asset index, category + year", _timed(client, f"/assets/?category=vehicle&year={timezone.now().year}")),
        ("search 'decision'", _timed(client, "/search/?q=decision")),
    ]
    print(f"\nThe public record on {connection.vendor} ({ROUNDS} requests each, test client, "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs):")
    for name, timings in rows:
        print(_line(name, timings))
    # No more queries for a long history than for a short one (the log, the postings, the documents are
    # read in one query each; an unsold asset costs one more, looking for a direct sale).
    assert rows[2][1][1] <= rows[3][1][1]

    if os.environ.get("PROFILE_ASSET_PAGE"):
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(20):
            client.get(long.public_page.url)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)

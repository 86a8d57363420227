"""Benchmark: 1,000 lots closing within one minute are all awarded and invoiced within that minute.

Builds one published auction whose 1,000 open lots (one asset each, bulk-created) each carry an
accepted bid by one of 20 approved bidders, all ending within the same minute. Then runs the real
sweep (`auctions.services.closing.lots_close_due`) from two worker threads at once, each with its
own database connection, as two Celery workers would: each lot is closed, `lot_won` creates its
award (the winner screened again) and issues its invoice (the year's counter row locked), in the
sweep's transaction. Measured: the time until every lot is closed AND awarded AND invoiced (numbers
checked gapless), lots per second; then the same with one worker, on 1,000 more lots; and, as a
reference in the same run, a plain `INSERT … SELECT` of 1,000 rows and 1,000 single-row committed
inserts (pgbench-like). Celery's enqueue is replaced by a list (the won/invoice e-mails run in the
workers afterwards, not in the sweep). No timed assertion: it prints its figures.
Run with `make bench BENCH=tests/benchmarks/test_settlement_awards.py`.
"""

from __future__ import annotations

import datetime
import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.utils import timezone

from auctions.models import Bid, Lot, LotAsset, LotStatus
from auctions.services import closing
from custody.models import Asset
from disposition.models import Award, AwardStatus, Invoice
from tests.auctions.conftest import (  # noqa: F401 - fixtures
    _fast_password_hashing,
    _fresh_cache,
    auction_and_lot,
    bidder_factory,
    lot,
    open_lot_factory,
    sale_asset,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

N_LOTS = int(__import__("os").environ.get("BENCH_LOTS", "1000"))
N_BIDDERS = 20


@pytest.fixture
def enqueued(monkeypatch):
    """Celery's enqueue, recorded instead of sent (the sweep's cost is the database's)."""
    from celery.app.task import Task

    sent: list[str] = []
    lock = threading.Lock()

    def record(self, args=None, kwargs=None, **options):
        with lock:
            sent.append(self.name)

    monkeypatch.setattr(Task, "apply_async", record)
    return sent


def _open_lots(auction, template: Lot, bidders, *, first_number: int, ends_from: datetime.datetime) -> list[int]:
    """N_LOTS open lots, copies of `template` with an asset each, led by an accepted bid, ending
    one every 60 ms: all within one minute of `ends_from`."""
    asset = template.assets.get()
    assets = []
    for i in range(N_LOTS):
        copy = Asset.objects.get(pk=asset.pk)
        copy.pk = None
        copy.reference = f"{asset.reference}-B{first_number + i}"
        assets.append(copy)
    assets = Asset.objects.bulk_create(assets, batch_size=500)
    lots = []
    for i in range(N_LOTS):
        leader = bidders[i % len(bidders)]
        price = Decimal(100 + i)
        lots.append(Lot(auction=auction, number=first_number + i, title=f"Bench lot {first_number + i}",
                        category=template.category, starting_price=template.starting_price,
                        increment_table=template.increment_table, status=LotStatus.OPEN,
                        ends_at=ends_from + datetime.timedelta(milliseconds=60 * i),
                        original_ends_at=ends_from + datetime.timedelta(milliseconds=60 * i),
                        currency=template.currency, current_price=price, leader=leader, leader_max=price,
                        leader_pseudonym=1, bid_count=1, reserve_met=True, pseudonym_seq=1))
    lots = Lot.objects.bulk_create(lots, batch_size=500)
    LotAsset.objects.bulk_create([LotAsset(lot=lot_, asset=a) for lot_, a in zip(lots, assets, strict=True)],
                                 batch_size=500)
    Bid.objects.bulk_create([Bid(lot=lot_, bidder=lot_.leader, max_amount=lot_.leader_max, seq=1,
                                 price_after=lot_.current_price, leader_after=lot_.leader, leader_pseudonym=1,
                                 public=True, placed_at=lot_.ends_at - datetime.timedelta(minutes=5))
                             for lot_ in lots], batch_size=500)
    return [lot_.pk for lot_ in lots]


def _sweep(workers: int, now: datetime.datetime) -> tuple[float, list[int], list[BaseException]]:
    """Run the sweep from `workers` threads at once; the seconds until all have finished."""
    counts: list[int] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(workers + 1)

    def work():
        try:
            barrier.wait()
            counts.append(closing.lots_close_due(now=now))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for t in threads:
        t.start()
    barrier.wait()
    started = time.perf_counter()
    for t in threads:
        t.join()
    return time.perf_counter() - started, counts, errors


def _check_round(lot_ids: list[int], year: int, first_sequence: int) -> None:
    lots = Lot.objects.filter(pk__in=lot_ids)
    assert lots.filter(status=LotStatus.AWAITING_PAYMENT).count() == N_LOTS
    awards = Award.objects.filter(lot_id__in=lot_ids)
    assert awards.filter(status=AwardStatus.INVOICED).count() == N_LOTS
    sequences = sorted(Invoice.objects.filter(award__lot_id__in=lot_ids, year=year)
                       .values_list("sequence", flat=True))
    assert sequences == list(range(first_sequence, first_sequence + N_LOTS))  # gapless, no duplicate


def _reference_inserts() -> tuple[float, float]:
    """A plain INSERT … SELECT of 1,000 rows, and 1,000 single-row inserts each committed."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_ref (id int, payload text)")
        cursor.execute("TRUNCATE bench_ref")
        started = time.perf_counter()
        cursor.execute("INSERT INTO bench_ref SELECT g, md5(g::text) FROM generate_series(1, 1000) g")
        bulk = time.perf_counter() - started
        started = time.perf_counter()
        for i in range(1000):
            cursor.execute("INSERT INTO bench_ref VALUES (%s, %s)", [i, "x"])  # autocommit: one commit each
        single = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_ref")
    return bulk, single


def test_a_thousand_lots_closing_in_a_minute_are_awarded_and_invoiced_within_it(
        auction_and_lot, bidder_factory, enqueued, capsys):  # noqa: F811 - fixtures
    auction, template = auction_and_lot
    bidders = [bidder_factory() for _ in range(N_BIDDERS)]
    now = timezone.now()
    year = timezone.localdate(now).year
    figures = []

    for round_, workers in enumerate((2, 1)):
        setup_started = time.perf_counter()
        lot_ids = _open_lots(auction, template, bidders, first_number=2 + round_ * N_LOTS,
                             ends_from=now - datetime.timedelta(seconds=61))
        setup = time.perf_counter() - setup_started
        first_sequence = (Invoice.objects.filter(year=year).order_by("-sequence")
                          .values_list("sequence", flat=True).first() or 0) + 1
        seconds, counts, errors = _sweep(workers, now)
        assert not errors, errors
        assert sum(counts) == N_LOTS
        _check_round(lot_ids, year, first_sequence)
        figures.append((workers, seconds, counts, setup))

    bulk, single = _reference_inserts()
    with capsys.disabled():
        print(f"\nSettlement: {N_LOTS} lots ending within one minute, closed + awarded + invoiced by the sweep")
        for workers, seconds, counts, setup in figures:
            print(f"  {workers} worker(s): {seconds:6.2f} s  ({N_LOTS / seconds:6.1f} lots/s; closed per worker "
                  f"{sorted(counts)}; setup {setup:.1f} s) -> {'holds' if seconds < 60 else 'MISSES'} 1,000/min")
        print(f"  reference: INSERT ... SELECT of 1,000 rows {bulk * 1000:.1f} ms; 1,000 single-row committed "
              f"inserts {single:.2f} s ({1000 / single:.0f} tx/s)")
        print(f"  tasks enqueued after commit: {len(enqueued)}")

"""Benchmark: the open-data export of 100,000 public asset rows (a register of 142,858 assets built in
SQL by test_statistics's builder: seven in ten are public), through the streamed responses assets.csv
and assets.json: time and peak Python memory (tracemalloc), next to references measured in the same
run over the same rows: a plain `COPY (SELECT …) TO STDOUT` of the public assets' register columns,
drained the same way, and the rows held in one list. The rows are read by one set-based query (joins
to per-asset sums, DISTINCT ON, a GROUP BY over the custody log)
through a server-side cursor, a chunk at a time; memory should stay flat (a few MB), not grow with
the rows. No timed assertions.

Run: pytest tests/benchmarks/test_open_data.py -s -o addopts="" with DATABASE_URL and APP_ENV=test set.
"""

from __future__ import annotations

import time
import tracemalloc

import pytest
from django.db import connection
from django.test import Client

from cms import open_data, statistics

from .test_statistics import build_register

pytestmark = pytest.mark.django_db

# seven assets in ten reach the public record in the built register: 100,000 public rows
ASSETS = 142_858


@pytest.fixture
def register(db):
    return build_register(ASSETS)


def _measure(fn) -> tuple[float, float, int]:
    tracemalloc.start()
    started = time.perf_counter()
    size = fn()
    seconds = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, peak / 1e6, size


def _copy_reference() -> int:
    size = 0
    with connection.cursor() as cursor:
        copy_sql = ("COPY (SELECT id, reference, category, status, public_area, confiscated_at, declared_value "
                    "FROM custody_asset WHERE (confiscated_at IS NOT NULL OR status = 'sold') "
                    "AND status <> 'released' ORDER BY id) TO STDOUT WITH CSV")
        with cursor.cursor.copy(copy_sql) as copy:
            for block in copy:
                size += len(block)
    return size


def test_open_data_export_of_100k_public_assets(register):
    public = statistics.public_assets().count()
    client = Client()
    print(f"\n\nOpen data over {public:,} public assets of {ASSETS:,} (register built in {register:.1f} s)")
    seconds, peak, size = _measure(_copy_reference)
    print(f"  reference: COPY of the same rows' register columns   {size / 1e6:6.1f} MB in {seconds:5.2f} s, "
          f"peak Python memory {peak:6.1f} MB")
    for fmt in ("csv", "json"):
        def drain(fmt=fmt) -> int:
            response = client.get(f"/api/v1/open-data/assets.{fmt}")
            assert response.streaming
            return sum(len(chunk) for chunk in response.streaming_content)

        seconds, peak, size = _measure(drain)
        if fmt == "csv":
            assert size and public >= 100_000
        print(f"  assets.{fmt}: {public:,} rows, {size / 1e6:6.1f} MB in {seconds:5.2f} s, "
              f"peak Python memory {peak:6.1f} MB")
        started = time.perf_counter()
        size = drain()
        print(f"  assets.{fmt} again without tracemalloc (which slows every allocation): "
              f"{time.perf_counter() - started:5.2f} s")
    # where the time goes: the one query alone, its rows drained through the server-side cursor
    started = time.perf_counter()
    count = sum(1 for _row in open_data.streamed(*open_data._asset_rows_sql()))
    print(f"  the set-based query alone, {count:,} rows through the server-side cursor: "
          f"{time.perf_counter() - started:5.2f} s")
    for name in ("dispositions", "monitoring-reports", "ledger-flows"):
        seconds, peak, size = _measure(
            lambda name=name: sum(len(c) for c in client.get(f"/api/v1/open-data/{name}.csv").streaming_content))
        print(f"  {name}.csv: {size / 1e6:6.2f} MB in {seconds:5.2f} s, peak {peak:6.1f} MB")
    # the reference for memory: the same rows held in one list
    seconds, peak, size = _measure(lambda: len(list(open_data.asset_rows())))
    print(f"  reference: the {size:,} rows held in one list: peak Python memory {peak:6.1f} MB")

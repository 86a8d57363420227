"""Benchmark: the public record's statistics and open data over 100,000 assets (PostgreSQL).

Builds the register in SQL, `INSERT … SELECT … FROM generate_series`, in a few seconds: 100 cases in
ten countries, 100,000 assets across every stage (a tenth each: restrained, in custody, confiscated,
awaiting disposition, sold early, sold after confiscation, assigned, returned, destroyed, released),
their custody-log entries (restraint, seizure, confiscation, disposal), an approved appraisal for a
third of them, and for the sold ones a sale entry in the ledger (and storage costs for a fifth).

Then it prints, next to a reference measured in the same run over the same rows (a plain
`SELECT count(*), sum(declared_value)` over the public assets):
- the median time of each grouping of GET /api/v1/statistics/ (the selector cms.statistics.counts_and_values),
  of the four in one query (counts_by), and of each other figure (funnel, medians, ratios, proceeds,
  cooperation) and of all of them computed together for the page (compute_all);
- the whole statistics page, uncached and cached.
(The covering index of the custody log's status changes is read without its visibility map here: the
register is built in the test's transaction, which VACUUM cannot enter; autovacuum sets it in use.)
(The open-data export is measured over 100,000 public rows by tests/benchmarks/test_open_data.py.)
No timed assertions: the target for a grouping is under 100 ms.

Run: make bench BENCH=tests/benchmarks/test_statistics.py (or pytest tests/benchmarks/test_statistics.py
-s -o addopts="" with DATABASE_URL and APP_ENV=test set).
"""

from __future__ import annotations

import statistics as stats
import time

import pytest
from django.db import connection
from django.test import Client

from cms import statistics
from ledger.models import AccountPurpose
from ledger.services import account_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ASSETS = 100_000
RUNS = 7


def _median_ms(fn, runs: int = RUNS) -> float:
    fn()  # warm-up
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return stats.median(samples) * 1000


# The stage each tenth of the assets ends in: (status, confiscated?, disposition, events after seizure)
BUILD_SQL = """
INSERT INTO custody_case (reference, title, court, jurisdiction, legal_basis, offence_type, country_of_origin,
                          requesting_state, status, notes, created_at, updated_at)
SELECT 'BENCH-' || i, 'Bench case ' || i, 'Bench court', 'BE', 'conviction', 'corruption',
       (ARRAY['NG','IT','BR','UA','RO','CO','MX','VE','AL','TN'])[1 + i %% 10], '', 'final', '', now(), now()
FROM generate_series(1, 100) AS i;

INSERT INTO custody_asset (case_id, reference, category, title, description, quantity, unit, location_note,
                           perishable, declared_value, currency, status, confiscated_at, disposition_method,
                           status_changed_at, created_at, updated_at, public_area)
SELECT c.id, 'BENCH-A' || i,
       (ARRAY['vehicle','real_estate','jewellery_art','vessel','business','other'])[1 + i %% 6],
       'Bench asset ' || i, '', 1, 'item', '', false, (1000 + (i %% 997) * 137)::numeric(16, 2), 'EUR',
       (ARRAY['restrained','in_custody','confiscated','awaiting_disposition','sold','disposed','disposed',
              'returned','destroyed','released'])[1 + i %% 10],
       CASE WHEN i %% 10 IN (2, 3, 5, 6, 7, 8) THEN timestamptz '2019-01-01' + (i %% 2500) * interval '1 day' END,
       CASE i %% 10 WHEN 5 THEN 'sale' WHEN 6 THEN 'social_reuse' WHEN 7 THEN 'return' WHEN 8 THEN 'destruction'
                   ELSE '' END,
       now(), now(), now(), (ARRAY['Antwerp', 'Ghent', 'Liège', ''])[1 + i %% 4]
FROM generate_series(1, %(assets)s) AS i
JOIN custody_case c ON c.reference = 'BENCH-' || (1 + i %% 100);

-- the custody log: restrained, then (but for the restrained tenth) seized, confiscated, disposed
INSERT INTO custody_custodyevent (asset_id, seq, kind, at, from_state, to_state, transition, handed_to, condition,
                                  reason, prev_hash, entry_hash, actor_id)
SELECT a.id, s.seq, 'status_change',
       coalesce(a.confiscated_at, timestamptz '2019-06-01') + s.offset_days * interval '1 day',
       s.from_state, s.to_state, s.transition, '', '', '', '', md5(a.id || ':' || s.seq) || md5(a.reference), %(actor)s
FROM custody_asset a
JOIN LATERAL (VALUES
    (1, -400 - a.id %% 300, '', 'restrained', 'restrain', true),
    (2, -200 - a.id %% 150, 'restrained', 'in_custody', 'seize', a.status <> 'restrained'),
    (3, 0, 'in_custody', 'confiscated', 'confiscate', a.confiscated_at IS NOT NULL),
    (4, 120 + a.id %% 400, 'awaiting_disposition', a.status,
     CASE a.status WHEN 'returned' THEN 'return_to_state' WHEN 'destroyed' THEN 'destroy'
                   WHEN 'disposed' THEN CASE a.disposition_method WHEN 'sale' THEN 'record_sale' ELSE 'dispose' END
     END, a.status IN ('disposed', 'returned', 'destroyed')),
    (3, -20, 'for_sale', 'sold', 'record_sale', a.status = 'sold')
) AS s(seq, offset_days, from_state, to_state, transition, happened) ON s.happened
WHERE a.reference LIKE 'BENCH-A%%';

-- an approved appraisal for a third of them
INSERT INTO valuation_appraisal (asset_id, method, amount, currency, value_date, notes, status, submitted_at,
                                 reviewed_at, rejection_reason, created_at, valuer_id, reviewed_by_id)
SELECT a.id, 'market', a.declared_value * 0.9, 'EUR', date '2019-01-01' + (a.id %% 2000)::int, '', 'approved',
       now(), now(), '', now(), %(actor)s, %(reviewer)s
FROM custody_asset a WHERE a.reference LIKE 'BENCH-A%%' AND a.id %% 3 = 0;

-- a sale entry for every sold asset (costs of sale 5 %%, net into escrow), a cost entry for a fifth
INSERT INTO ledger_journalentry (occurred_at, memo, source, idempotency_key, created_at, asset_id)
SELECT coalesce(a.confiscated_at, timestamptz '2020-01-01') + interval '30 days', 'Bench sale', 'bench',
       'sale:bench:' || a.id, now(), a.id
FROM custody_asset a WHERE a.reference LIKE 'BENCH-A%%' AND (a.status = 'sold' OR a.disposition_method = 'sale');
INSERT INTO ledger_journalentry (occurred_at, memo, source, idempotency_key, created_at, asset_id)
SELECT timestamptz '2021-01-01' + (a.id %% 900) * interval '1 day', 'Bench storage', 'bench',
       'cost:bench:' || a.id, now(), a.id
FROM custody_asset a WHERE a.reference LIKE 'BENCH-A%%' AND a.id %% 5 = 0;
INSERT INTO ledger_posting (entry_id, account_id, amount, currency)
SELECT e.id, x.account, x.amount, 'EUR'
FROM ledger_journalentry e JOIN custody_asset a ON a.id = e.asset_id
JOIN LATERAL (VALUES (%(receivable)s, round(a.declared_value * 1.1, 2)),
                     (%(sale_costs)s, -round(a.declared_value * 1.1 * 0.05, 2)),
                     (%(proceeds)s, -(round(a.declared_value * 1.1, 2) - round(a.declared_value * 1.1 * 0.05, 2)))
             ) AS x(account, amount) ON e.idempotency_key LIKE 'sale:bench:%%'
UNION ALL
SELECT e.id, x.account, x.amount, 'EUR'
FROM ledger_journalentry e
JOIN LATERAL (VALUES (%(expense)s, 12.50), (%(accrued)s, -12.50)) AS x(account, amount)
     ON e.idempotency_key LIKE 'cost:bench:%%';
ANALYZE custody_case, custody_asset, custody_custodyevent, valuation_appraisal, ledger_journalentry, ledger_posting;
"""


def build_register(assets: int) -> float:
    """The register of `assets` assets, built in SQL; returns the seconds it took."""
    actor, reviewer = UserFactory(username="bench-valuer"), UserFactory(username="bench-reviewer")
    accounts = {name: account_for(purpose=purpose, currency="EUR").pk for name, purpose in (
        ("receivable", AccountPurpose.RECEIVABLE), ("sale_costs", AccountPurpose.SALE_COSTS),
        ("expense", AccountPurpose.STORAGE_EXPENSE), ("accrued", AccountPurpose.ACCRUED_COSTS))}
    # the net proceeds all to the state's fund (early sales' go to their case's escrow in real use: same sums)
    accounts["proceeds"] = account_for(purpose=AccountPurpose.STATE_PROCEEDS, currency="EUR").pk
    started = time.perf_counter()
    params = {"assets": assets, "actor": actor.pk, "reviewer": reviewer.pk, **accounts}
    with connection.cursor() as cursor:
        for statement in BUILD_SQL.split(";\n"):
            if statement.strip():
                cursor.execute(statement, params)
    return time.perf_counter() - started


@pytest.fixture
def register_100k(db):
    return build_register(ASSETS)


def _reference() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), sum(declared_value) FROM custody_asset "
                       "WHERE confiscated_at IS NOT NULL OR status = 'sold'")
        cursor.fetchone()


def test_statistics_over_100k_assets(register_100k):
    built = register_100k
    public = statistics.public_assets().count()
    print(f"\n\nStatistics over {ASSETS:,} assets ({public:,} public), built in SQL in {built:.1f} s")
    reference = _median_ms(_reference)
    print(f"  reference: SELECT count(*), sum(declared_value) over the public assets   {reference:8.1f} ms")
    for by in statistics.GROUPINGS:
        ms = _median_ms(lambda by=by: statistics.counts_and_values(by))
        print(f"  grouping by {by:<20} median {ms:8.1f} ms   ({ms / reference:5.1f} × the reference)")
    ms = _median_ms(statistics.counts_by)
    print(f"  the four groupings in one query  median {ms:8.1f} ms   ({ms / reference:5.1f} × the reference)")
    client = Client()
    from django.core.cache import cache

    def uncached_page():
        cache.clear()
        client.get("/statistics/")

    ms = _median_ms(uncached_page, runs=3)
    print(f"  the statistics page, uncached   median {ms:8.1f} ms   ({ms / reference:5.1f} × the reference)")
    ms = _median_ms(statistics.data_generation)
    print(f"  the data generation (cache key) median {ms:8.1f} ms")
    for label, fn in (
        ("every figure's numbers, together", statistics.compute_all),
        ("custody log: funnel and medians", statistics.custody_log_aggregates),
        ("funnel", statistics.funnel),
        ("median days per stage", statistics.median_days_per_stage),
        ("sale price ÷ value, cost share", statistics.value_ratios),
        ("where proceeds went", statistics.proceeds_destinations),
        ("cooperation", statistics.cooperation_rows),
        ("GET /api/v1/statistics/?by=year", lambda: client.get("/api/v1/statistics/?by=year")),
        ("the statistics page, cached", lambda: client.get("/statistics/")),
    ):
        ms = _median_ms(fn, runs=3)
        print(f"  {label:<32} median {ms:8.1f} ms   ({ms / reference:5.1f} × the reference)")

    rows = statistics.counts_and_values("stage")
    assert statistics.totals(rows)[0] == public  # every public asset has a stage

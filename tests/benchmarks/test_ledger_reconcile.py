"""Benchmark: `ledger_reconcile` over 100,000 postings (PostgreSQL).

Builds its own books with bulk_create: 2,000 cases with an escrow account each, 50,000 balanced
entries of two postings (sale proceeds into escrow, some of them confiscated to the state, and
storage costs), then times the whole reconciliation five times and prints the median next to a
reference measured in the same run: a plain `SELECT sum(amount) FROM ledger_posting` over the same
rows. Run with `make bench` (or pytest tests/benchmarks/test_ledger_reconcile.py -s -o addopts="").
"""

from __future__ import annotations

import random
import statistics
import time
from decimal import Decimal

import pytest
from django.db import connection

from custody.models import Case
from ledger.models import Account, AccountKind, AccountPurpose, JournalEntry, Posting
from ledger.reconciliation import ledger_reconcile
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

N_CASES = 2_000
N_ENTRIES = 50_000  # two postings each: 100,000 postings
RUNS = 5


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _build(rng: random.Random) -> None:
    officer = UserFactory(username="bench-ledger-officer")
    cases = Case.objects.bulk_create(
        (Case(reference=f"LBENCH-{i:05d}", title=f"Bench case {i}", court="Bench court", jurisdiction="BE",
              legal_basis="conviction", offence_type="fraud", country_of_origin="BE", case_officer=officer)
         for i in range(N_CASES)), batch_size=5000)

    def account(purpose, kind, code, case=None):
        return Account(code=code, name=code, kind=kind, purpose=purpose, currency="EUR", case=case)

    bank, state, costs, accrued = Account.objects.bulk_create([
        account(AccountPurpose.BANK, AccountKind.ASSET, "BANK-EUR"),
        account(AccountPurpose.STATE_PROCEEDS, AccountKind.INCOME, "STATE-PROCEEDS-EUR"),
        account(AccountPurpose.STORAGE_EXPENSE, AccountKind.EXPENSE, "STORAGE-COSTS-EUR"),
        account(AccountPurpose.ACCRUED_COSTS, AccountKind.LIABILITY, "ACCRUED-STORAGE-EUR"),
    ])
    escrows = Account.objects.bulk_create(
        account(AccountPurpose.ESCROW, AccountKind.LIABILITY, f"ESCROW-{c.reference}-EUR", case=c) for c in cases)
    plans = []  # (key, case index, debit account, credit account, amount)
    held: list[tuple[int, Decimal]] = []
    for i in range(N_ENTRIES):
        roll = rng.random()
        amount = Decimal(rng.randint(100, 5_000_000)) / 100
        if roll < 0.6 or not held:
            c = rng.randrange(N_CASES)
            plans.append((f"escrow-in:bench:{i}", c, bank, escrows[c], amount))
            held.append((c, amount))
        elif roll < 0.8:
            c, amount = held.pop(rng.randrange(len(held)))
            plans.append((f"escrow-state:bench:{i}:EUR", c, escrows[c], state, amount))
        else:
            plans.append((f"cost:bench:{i}", rng.randrange(N_CASES), costs, accrued, amount))
    entries = JournalEntry.objects.bulk_create(
        (JournalEntry(memo="bench", source=f"bench:{i}", case=cases[c], idempotency_key=key)
         for i, (key, c, _, _, _) in enumerate(plans)), batch_size=5000)
    Posting.objects.bulk_create(
        (p for entry, (_, _, debit, credit, amount) in zip(entries, plans, strict=True)
         for p in (Posting(entry=entry, account=debit, amount=amount, currency="EUR"),
                   Posting(entry=entry, account=credit, amount=-amount, currency="EUR"))),
        batch_size=10_000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def test_ledger_reconcile_100k_postings(capsys):
    build = _timed(lambda: _build(random.Random(2026)))

    def reference():
        with connection.cursor() as cursor:
            cursor.execute("SELECT sum(amount) FROM ledger_posting")
            cursor.fetchone()

    report = ledger_reconcile()
    runs = [_timed(ledger_reconcile) for _ in range(RUNS)]
    refs = [_timed(reference) for _ in range(RUNS)]
    median, ref_median = statistics.median(runs), statistics.median(refs)
    with capsys.disabled():
        print(f"\n[ledger reconcile] {report.postings:,} postings, {report.entries:,} entries, "
              f"{report.accounts:,} accounts, {report.cases:,} cases (data built in {build:.1f}s)")
        print(f"  reconcile: median {median * 1000:.0f}ms, min {min(runs) * 1000:.0f}ms, "
              f"max {max(runs) * 1000:.0f}ms over {RUNS}")
        print(f"  reference SELECT sum(amount): median {ref_median * 1000:.1f}ms")
        print(f"  ratio reconcile/reference: {median / ref_median:.0f}x")
    assert report.postings == 2 * N_ENTRIES
    assert report.ok, report.mismatches

"""Benchmark: `ledger_reconcile` over 100,000 postings (PostgreSQL).

Builds its own books with bulk_create: 2,000 cases with an escrow account each, 39,500 balanced
entries of two postings (sale proceeds into escrow, some of them confiscated to the state, and
storage costs), and 3,000 paid invoices (one lot and one asset each, in the bench cases), each with
its confirmed payment (half bank transfers confirmed by a second officer, half card payments with
their verified Stripe `payment_intent.succeeded` event), its payment entry (two postings) and its
sale entry (five postings: receivable, premium, VAT, costs, net into escrow or, for one in ten, the
state's fund): 100,000 postings in all. Then it times the whole reconciliation (the ledger's checks
and settlement's) five times and prints the median next to a reference measured in the same run: a
plain `SELECT sum(amount) FROM ledger_posting` over the same rows. Run with `make bench` (or pytest
tests/benchmarks/test_ledger_reconcile.py -s -o addopts="").
"""

from __future__ import annotations

import random
import statistics
import time
from copy import copy
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import connection
from django.utils import timezone

from auctions.models import LotAsset, StripeEvent
from custody import roles
from custody.models import Asset, Case
from disposition.models import Award, AwardStatus, Invoice, InvoiceStatus, Payment, PaymentMethod, PaymentStatus
from ledger.models import Account, AccountKind, AccountPurpose, JournalEntry, Posting
from ledger.reconciliation import ledger_reconcile
from tests.auctions.conftest import (  # noqa: F401 - fixtures
    _fast_password_hashing,
    _fresh_cache,
    auction_and_lot,
    bidder_factory,
    lot,
    open_lot_factory,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

N_CASES = 2_000
N_ENTRIES = 39_500  # two postings each: 79,000 postings
N_INVOICES = 3_000  # seven postings each (payment 2, sale 5): 21,000 postings
RUNS = 5
CENT = Decimal("0.01")


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
    return cases, bank


def _build_invoices(rng: random.Random, cases, bank, template_lot, buyer, recorder, confirmer, cost_percent) -> None:
    """Paid invoices, their payments and their entries, cloned from one real lot in bulk."""
    now = timezone.now()
    template_asset = template_lot.assets.get()

    def account(purpose, kind, code):
        return Account.objects.get_or_create(purpose=purpose, currency="EUR", case=None,
                                             defaults={"code": code, "name": code, "kind": kind})[0]

    receivable = account(AccountPurpose.RECEIVABLE, AccountKind.ASSET, "RECEIVABLE-EUR")
    premium_acc = account(AccountPurpose.PREMIUM_INCOME, AccountKind.INCOME, "PREMIUM-EUR")
    vat_acc = account(AccountPurpose.VAT_PAYABLE, AccountKind.LIABILITY, "VAT-PAYABLE-EUR")
    costs_acc = account(AccountPurpose.SALE_COSTS, AccountKind.INCOME, "SALE-COSTS-EUR")
    state = Account.objects.get(purpose=AccountPurpose.STATE_PROCEEDS, currency="EUR")
    escrows = {a.case_id: a for a in Account.objects.filter(purpose=AccountPurpose.ESCROW, currency="EUR")}

    picks = [rng.randrange(N_CASES) for _ in range(N_INVOICES)]
    confiscated = [rng.random() < 0.1 for _ in range(N_INVOICES)]
    assets = []
    for i, c in enumerate(picks):
        asset = copy(template_asset)
        asset.pk, asset.case, asset.reference = None, cases[c], f"{cases[c].reference}/B{i:05d}"
        asset.confiscated_at = now - timezone.timedelta(days=1) if confiscated[i] else None
        assets.append(asset)
    assets = Asset.objects.bulk_create(assets, batch_size=2000)
    lots = []
    for i in range(N_INVOICES):
        clone = copy(template_lot)
        clone.pk, clone.number, clone.title = None, 1000 + i, f"Bench lot {i}"
        lots.append(clone)
    lots = type(template_lot).objects.bulk_create(lots, batch_size=2000)
    LotAsset.objects.bulk_create((LotAsset(lot=lot_, asset=asset) for lot_, asset in zip(lots, assets, strict=True)),
                                 batch_size=5000)
    hammers = [Decimal(rng.randint(10_000, 5_000_000)) / 100 for _ in range(N_INVOICES)]
    awards = Award.objects.bulk_create(
        (Award(lot=lot_, buyer=buyer, hammer_price=h, currency="EUR", status=AwardStatus.INVOICED)
         for lot_, h in zip(lots, hammers, strict=True)), batch_size=5000)
    invoices = []
    for i, (award, h) in enumerate(zip(awards, hammers, strict=True)):
        premium = (h * Decimal("0.10")).quantize(CENT)
        tax = (premium * Decimal("0.21")).quantize(CENT)
        total = h + premium + tax
        invoices.append(Invoice(award=award, number=f"B-{i:07d}", year=2099, sequence=i + 1, buyer=buyer,
                                buyer_name="Bench buyer", buyer_address="Bench street", currency="EUR",
                                hammer_price=h, premium_percent=Decimal("10"), premium=premium,
                                tax_percent=Decimal("21"), tax=tax, total=total, deposit=0, amount_due=total,
                                due_on=now.date(), status=InvoiceStatus.PAID, amount_paid=total, paid_at=now))
    invoices = Invoice.objects.bulk_create(invoices, batch_size=5000)
    # A confirmed payment is posted (a constraint): its entry first (its key set once the payment has
    # its id), then the payment linked to it.
    payment_entries = JournalEntry.objects.bulk_create(
        (JournalEntry(memo="bench payment", source=f"bench-payment:{i}", case_id=assets[i].case_id,
                      idempotency_key=f"bench-payment-tmp:{i}") for i in range(N_INVOICES)), batch_size=5000)
    plans = []  # (key, source, case, asset, [(account, amount)])
    payments = []
    events = []
    for i, (invoice, entry) in enumerate(zip(invoices, payment_entries, strict=True)):
        card = i % 2 == 0
        intent = f"pi_bench_{i}" if card else ""
        payments.append(Payment(invoice=invoice, method=PaymentMethod.CARD if card else PaymentMethod.TRANSFER,
                                amount=invoice.total, currency="EUR", reference="" if card else f"BANK-{i}",
                                stripe_payment_intent_id=intent, stripe_event_id=f"evt_bench_{i}" if card else "",
                                recorded_by=None if card else recorder, confirmed_by=None if card else confirmer,
                                confirmed_at=now, status=PaymentStatus.CONFIRMED, journal_entry=entry))
        if card:
            events.append(StripeEvent(event_id=f"evt_bench_{i}", type="payment_intent.succeeded", verified=True,
                                      processed_at=now,
                                      payload={"id": f"evt_bench_{i}", "type": "payment_intent.succeeded",
                                               "data": {"object": {"id": intent, "status": "succeeded",
                                                                   "metadata": {"invoice_id": str(invoice.pk)}}}}))
    StripeEvent.objects.bulk_create(events, batch_size=5000)
    for i, (invoice, asset) in enumerate(zip(invoices, assets, strict=True)):
        costs = (invoice.hammer_price * cost_percent / 100).quantize(CENT, rounding=ROUND_HALF_UP)  # as posted
        net = invoice.hammer_price - costs
        proceeds = state if confiscated[i] else escrows[asset.case_id]
        plans.append((f"sale:{invoice.pk}:{asset.pk}", f"invoice:{invoice.pk}", asset.case_id, asset.pk,
                      [(receivable, invoice.total), (premium_acc, -invoice.premium), (vat_acc, -invoice.tax),
                       (costs_acc, -costs), (proceeds, -net)]))
    payments = Payment.objects.bulk_create(payments, batch_size=5000)
    for payment, entry in zip(payments, payment_entries, strict=True):
        entry.idempotency_key = f"payment:{payment.pk}"
    JournalEntry.objects.bulk_update(payment_entries, ["idempotency_key"], batch_size=5000)
    sale_entries = JournalEntry.objects.bulk_create(
        (JournalEntry(memo="bench sale", source=source, case_id=case_id, asset_id=asset_id, idempotency_key=key)
         for key, source, case_id, asset_id, _ in plans), batch_size=5000)
    rows = []
    for payment, entry in zip(payments, payment_entries, strict=True):
        rows += [Posting(entry=entry, account=bank, amount=payment.amount, currency="EUR"),
                 Posting(entry=entry, account=receivable, amount=-payment.amount, currency="EUR")]
    for entry, (_, _, _, _, lines) in zip(sale_entries, plans, strict=True):
        rows += [Posting(entry=entry, account=acc, amount=amount, currency="EUR") for acc, amount in lines if amount]
    Posting.objects.bulk_create(rows, batch_size=10_000)


def test_ledger_reconcile_100k_postings(capsys, lot, make_staff, bidder_factory, settings):  # noqa: F811
    settings.DISPOSITION_SALE_COST_PERCENT = Decimal("5")
    buyer = bidder_factory()
    recorder, confirmer = make_staff(roles.FINANCE_OFFICER), make_staff(roles.APPROVER)

    def build():
        rng = random.Random(2026)
        cases, bank = _build(rng)
        _build_invoices(rng, cases, bank, lot, buyer, recorder, confirmer, Decimal("5"))
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    build = _timed(build)

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
        print("  settlement: " + ", ".join(f"{n:,} {what}" for what, n in report.counts.items()))
        print(f"  reconcile: median {median * 1000:.0f}ms, min {min(runs) * 1000:.0f}ms, "
              f"max {max(runs) * 1000:.0f}ms over {RUNS}")
        print(f"  reference SELECT sum(amount): median {ref_median * 1000:.1f}ms")
        print(f"  ratio reconcile/reference: {median / ref_median:.0f}x")
    assert report.postings == 2 * N_ENTRIES + 7 * N_INVOICES
    assert report.counts["paid invoices"] == N_INVOICES and report.counts["Stripe charges"] == N_INVOICES // 2
    assert report.ok, report.mismatches[:5]

"""The finance screens over settlement: a paid invoice's accounts in the accounts listing, the case's
statement (what came in, the sale's proceeds held in escrow, the premium, VAT and costs of sale, the
storage costs spent on the case), and the journal's CSV export naming each entry's source."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from custody import roles
from disposition.services import transfers
from ledger import services
from ledger.models import AccountPurpose
from tests.auctions.conftest import (  # noqa: F401 - fixtures
    _fast_password_hashing,
    _fresh_cache,
    auction_and_lot,
    bidder_factory,
    lot,
    open_lot_factory,
)
from tests.disposition.helpers import win

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def paid_by_transfer(lot, bidder_factory, make_staff, settings):  # noqa: F811 - fixtures imported above
    settings.DISPOSITION_SALE_COST_PERCENT = D("5")
    settings.DISPOSITION_VAT_PERCENT = D("21")
    lot.auction.buyers_premium_percent = D("10")
    lot.auction.save(update_fields=["buyers_premium_percent"])
    invoice = win(lot, bidder_factory(), "100").invoice
    recorder, confirmer = make_staff(roles.FINANCE_OFFICER), make_staff(roles.APPROVER)
    payment = transfers.payment_transfer_record(actor=recorder, invoice_id=invoice.pk, amount=invoice.total,
                                                reference="REF-9", received_on=datetime.date(2026, 12, 1))
    transfers.payment_transfer_confirm(actor=confirmer, payment_id=payment.pk)
    asset = lot.assets.get()
    # and a storage cost accrued on the asset (valuation posts accruals through this service)
    services.storage_cost_post(asset=asset, amount=D("12.00"), currency=invoice.currency, source="accrual:1",
                               memo="Warehouse, November")
    invoice.refresh_from_db()
    return invoice, asset, payment


def _row(html: str, purpose: str) -> str:
    return html.split(f'data-purpose="{purpose}"', 1)[1].split("</tr>", 1)[0]


def test_the_case_statement_shows_the_sale_into_escrow_and_the_costs_spent_on_the_case(
        client, paid_by_transfer, finance_officer):
    invoice, asset, _payment = paid_by_transfer
    client.force_login(finance_officer)
    html = client.get(reverse("ledger_accounts:case_statement", args=[asset.case_id])).content.decode()
    cur = invoice.currency
    # 100 hammer + 10 premium + VAT on the premium; 5.00 costs of sale; 95.00 net held in escrow
    assert f"{invoice.total} {cur}" in _row(html, AccountPurpose.BANK)
    assert f"95.00 {cur}" in _row(html, AccountPurpose.ESCROW)
    assert f"{invoice.premium} {cur}" in _row(html, AccountPurpose.PREMIUM_INCOME)
    assert f"{invoice.tax} {cur}" in _row(html, AccountPurpose.VAT_PAYABLE)
    assert f"5.00 {cur}" in _row(html, AccountPurpose.SALE_COSTS)
    assert f"12.00 {cur}" in _row(html, AccountPurpose.STORAGE_EXPENSE)
    assert "Buyers&#x27; balances" in html or "Buyers' balances" in html
    held = html.split("data-escrow-held", 1)[1].split("</p>", 1)[0]
    assert f"95.00 {cur}" in held
    assert "Warehouse, November" in html and f"Sale of {asset.reference}" in html


def test_the_accounts_listing_shows_the_settlement_accounts(client, paid_by_transfer, auditor):
    client.force_login(auditor)
    html = client.get(reverse("ledger_accounts:index")).content.decode()
    for code in ("RECEIVABLE-EUR", "PREMIUM-EUR", "VAT-PAYABLE-EUR", "SALE-COSTS-EUR", "BANK-EUR",
                 "STORAGE-COSTS-EUR"):
        assert code in html


def test_the_journal_export_names_each_settlement_entry_s_source(client, paid_by_transfer, finance_officer):
    invoice, asset, payment = paid_by_transfer
    client.force_login(finance_officer)
    response = client.get(reverse("ledger_entries:index"), {"export": "csv"})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    by_source = {r["Source"]: r for r in rows}
    assert by_source[f"transfer:{payment.pk}"]["Debited"] == "BANK-EUR"
    assert by_source[f"transfer:{payment.pk}"]["Amount"] == f"{invoice.total}"
    sale = by_source[f"invoice:{invoice.pk}"]
    assert sale["Asset"] == asset.reference and sale["Debited"] == "RECEIVABLE-EUR"
    assert "ESCROW-" in sale["Credited"] and sale["Kind"].startswith("Sale of an asset")
    assert by_source["accrual:1"]["Case"] == asset.case.reference

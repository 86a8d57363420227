"""The direct-sale channel through settlement: an approved direct sale is invoiced like a won lot
(same numbering, no premium, VAT, no deposit), paid by bank transfer, posted per asset into the
case's escrow once, and completed when the asset is handed over."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from common.exceptions import NotPermitted, TransitionRefused
from custody.models import AssetStatus
from disposition.models import Invoice, InvoiceStatus
from disposition.services.direct_sales import contact_email, direct_sale_invoice_issue
from ledger import selectors as ledger_selectors
from ledger.models import AccountPurpose, JournalEntry
from ledger.services import account_balance, account_for
from tests.disposition.direct_sale_helpers import (
    approved_direct_sale,
    hand_over,
    invoiced_direct_sale,
    pay_by_transfer,
)
from tests.disposition.helpers import win
from valuation.models import DirectSale, DirectSaleStatus

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def people(case_officer, approver, second_approver, valuer):
    return {"case_officer": case_officer, "approver": approver, "second_approver": second_approver,
            "valuer": valuer}


@pytest.fixture
def finance_pair(make_staff):
    from custody import roles

    return make_staff(roles.FINANCE_OFFICER, username="finance1"), make_staff(roles.FINANCE_OFFICER,
                                                                             username="finance2")


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_an_approved_sale_is_invoiced_in_the_auction_sequence_with_no_premium(
        asset, people, auction_manager, lot, bidder_factory, settings, mailoutbox,
        django_capture_on_commit_callbacks):
    # Given VAT at 21 %, a won lot already invoiced (premium 10 %), and an approved direct sale at 21,000
    settings.DISPOSITION_VAT_PERCENT = D("21")
    settings.DISPOSITION_PAYMENT_BUSINESS_DAYS = 2
    lot.auction.buyers_premium_percent = D("10")
    lot.auction.save(update_fields=["buyers_premium_percent"])
    auction_invoice = win(lot, bidder_factory(), "100").invoice
    sale = approved_direct_sale(asset, **people)
    mailoutbox.clear()

    # When the sales staff issue its invoice (Friday: the deadline skips the weekend)
    friday = datetime.datetime(2026, 3, 6, 10, tzinfo=datetime.UTC)
    with django_capture_on_commit_callbacks(execute=True):
        invoice = direct_sale_invoice_issue(actor=auction_manager, sale_id=sale.pk, now=friday)

    # Then it takes the next number after the auction's, with the price, no premium, VAT and no deposit
    assert invoice.sequence == auction_invoice.sequence + 1
    assert (invoice.hammer_price, invoice.premium, invoice.tax, invoice.total, invoice.deposit,
            invoice.amount_due) == (D("21000.00"), D("0.00"), D("4410.00"), D("25410.00"), D("0.00"), D("25410.00"))
    assert invoice.due_on == datetime.date(2026, 3, 10)
    # It names the buyer, who has no account, from the sale
    assert invoice.buyer is None and invoice.buyer_name == "Garage Dupont"
    assert "+32 2 123 45 67" in invoice.buyer_address
    # The sale is invoiced and its asset on offer to this buyer
    sale.refresh_from_db()
    asset.refresh_from_db()
    assert sale.status == DirectSaleStatus.INVOICED and sale.invoice == invoice
    assert asset.status == AssetStatus.FOR_SALE
    # And the buyer receives the PDF at the e-mail address among the contact details
    [mail] = mailoutbox
    assert mail.to == ["dupont@example.org"] and invoice.number in mail.subject
    [(filename, content, mimetype)] = mail.attachments
    assert filename == f"invoice-{invoice.number}.pdf" and mimetype == "application/pdf"
    text = _pdf_text(content)
    assert "Garage Dupont" in text and asset.reference in text and "25,410.00 EUR" in text
    assert "Direct sale" in text and "Lot" not in text


def test_paid_by_transfer_the_sale_is_posted_once_into_escrow_and_the_handover_completes_it(
        asset, people, auction_manager, finance_pair, settings):
    # Given 5 % costs of sale and an invoiced direct sale of 21,000 (no VAT)
    settings.DISPOSITION_SALE_COST_PERCENT = D("5")
    invoice = invoiced_direct_sale(asset, seller=auction_manager, **people)
    recorder, confirmer = finance_pair

    # When the buyer's transfer is recorded and confirmed by a second officer
    pay_by_transfer(invoice, recorder=recorder, confirmer=confirmer)

    # Then the invoice is paid and the sale posted: the net (21,000 less 1,050 costs) held in escrow
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID and invoice.amount_owed == 0
    assert ledger_selectors.case_escrow_balances(asset.case_id) == {"EUR": D("19950.00")}
    costs = account_for(purpose=AccountPurpose.SALE_COSTS, currency="EUR")
    assert account_balance(costs) == D("-1050.00")
    sale_entries = JournalEntry.objects.filter(source=f"invoice:{invoice.pk}")
    assert [e.asset_id for e in sale_entries] == [asset.pk]
    # The sale is not complete until the asset is handed over
    sale = DirectSale.objects.get(pk=invoice.direct_sale_id)
    assert sale.status == DirectSaleStatus.INVOICED

    # When the asset is handed over and recorded sold
    hand_over(invoice, actor=auction_manager)

    # Then the sale is completed, nothing more is posted (no old-style "direct_sale:" entry) and the books balance
    sale.refresh_from_db()
    asset.refresh_from_db()
    assert sale.status == DirectSaleStatus.COMPLETED and sale.completed_at is not None
    assert sale.journal_entry is None
    assert asset.status == AssetStatus.SOLD
    assert not JournalEntry.objects.filter(source__startswith="direct_sale:").exists()
    assert ledger_selectors.case_escrow_balances(asset.case_id) == {"EUR": D("19950.00")}
    assert ledger_selectors.trial_balance() == {"EUR": D("0.00")}


def test_a_part_payment_leaves_the_sale_unposted(asset, people, auction_manager, finance_pair):
    invoice = invoiced_direct_sale(asset, seller=auction_manager, **people)
    recorder, confirmer = finance_pair

    pay_by_transfer(invoice, recorder=recorder, confirmer=confirmer, amount="1000.00")

    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PART_PAID and invoice.amount_owed == D("20000.00")
    assert ledger_selectors.case_escrow_balances(asset.case_id) in ({}, {"EUR": D("0.00")})


def test_only_an_approved_sale_is_invoiced_once_and_only_by_sales_staff(
        asset, people, auction_manager, finance_officer, case_officer, second_approver):
    # Given a sale only proposed
    sale = approved_direct_sale(asset, **people)
    DirectSale.objects.filter(pk=sale.pk).update(status=DirectSaleStatus.PROPOSED)
    with pytest.raises(TransitionRefused, match="approved"):
        direct_sale_invoice_issue(actor=auction_manager, sale_id=sale.pk)
    DirectSale.objects.filter(pk=sale.pk).update(status=DirectSaleStatus.APPROVED)
    # Finance may not invoice a direct sale
    with pytest.raises(NotPermitted):
        direct_sale_invoice_issue(actor=finance_officer, sale_id=sale.pk)
    # The sales staff may, once
    direct_sale_invoice_issue(actor=auction_manager, sale_id=sale.pk)
    with pytest.raises(TransitionRefused, match="approved"):
        direct_sale_invoice_issue(actor=auction_manager, sale_id=sale.pk)
    assert Invoice.objects.filter(direct_sale=sale).count() == 1
    # And the invoiced sale may no longer be rejected
    with pytest.raises(TransitionRefused):
        from valuation import services as valuation_services

        valuation_services.direct_sale_reject(actor=second_approver, sale_id=sale.pk, reason="Too late")


def test_a_sale_whose_valuation_rose_above_its_price_is_not_invoiced(asset, people, auction_manager, valuer,
                                                                      approver):
    from tests.valuation.factories import approved_appraisal

    sale = approved_direct_sale(asset, **people)
    approved_appraisal(asset, valuer, approver, amount="26000.00")

    with pytest.raises(TransitionRefused, match="below"):
        direct_sale_invoice_issue(actor=auction_manager, sale_id=sale.pk)
    assert not Invoice.objects.exists()


@pytest.mark.parametrize(("contact", "address"), [
    ("dupont@example.org, +32 2 123 45 67", "dupont@example.org"),
    ("Garage Dupont <contact@garage.example>", "contact@garage.example"),
    ("12 rue des Lilas, Liège; +32 4 222 33 44", ""),
])
def test_the_buyers_email_is_read_from_the_contact_details(contact, address):
    assert contact_email(contact) == address


def test_without_an_email_address_nothing_is_sent_and_staff_are_told_to_print(
        client, asset, people, auction_manager, mailoutbox, django_capture_on_commit_callbacks):
    # Given an approved sale whose buyer gave only a postal address and a phone number
    sale = approved_direct_sale(asset, contact="12 rue des Lilas, Liège; +32 4 222 33 44", **people)
    mailoutbox.clear()
    client.force_login(auction_manager)
    page = reverse("valuation_direct_sales:inspect", args=[sale.pk])
    assert reverse("valuation_direct_sales:action_issue_invoice", args=[sale.pk]) in client.get(page).content.decode()

    # When the sales staff issue the invoice from the sale's page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("valuation_direct_sales:action_issue_invoice", args=[sale.pk]),
                               {"expected_status": "approved"}, follow=True)

    # Then they are told to print it, no e-mail goes out, and the invoice is in Settlement > Invoices
    html = response.content.decode()
    invoice = Invoice.objects.get(direct_sale=sale)
    assert f"Invoice {invoice.number} issued" in html and "print its PDF" in html
    assert mailoutbox == []
    listing = client.get(reverse("disposition_invoices:index")).content.decode()
    assert invoice.number in listing and "Garage Dupont" in listing
    inspect = client.get(reverse("disposition_invoices:inspect", args=[invoice.pk])).content.decode()
    assert asset.reference in inspect or "Garage Dupont" in inspect
    pdf = client.get(reverse("disposition_invoices:pdf", args=[invoice.pk]))
    assert pdf.status_code == 200 and "Garage Dupont" in _pdf_text(pdf.content)
    # And the action is no longer offered on the invoiced sale
    assert "action_issue_invoice" not in client.get(page).content.decode()


def test_finance_and_case_officers_are_not_offered_the_invoice(client, asset, people, finance_officer, case_officer):
    sale = approved_direct_sale(asset, **people)
    for user in (finance_officer, case_officer):
        client.force_login(user)
        url = reverse("valuation_direct_sales:action_issue_invoice", args=[sale.pk])
        assert client.post(url, {"expected_status": "approved"}).status_code == 403
    assert not Invoice.objects.exists()

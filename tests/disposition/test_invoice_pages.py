"""The invoice as a page and a PDF: for its buyer on the public site, for staff in the admin."""

import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from common.formats import format_day
from disposition.models import Invoice
from tests.disposition.helpers import win

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def invoice(lot, bidder_factory, settings):
    settings.DISPOSITION_VAT_PERCENT = D("21")
    lot.auction.buyers_premium_percent = D("10")
    lot.auction.save(update_fields=["buyers_premium_percent"])
    buyer = bidder_factory(legal_name="Élodie Marchand")
    win(lot, buyer, amount="2500")
    return Invoice.objects.select_related("buyer", "award__lot").get()


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_buyer_sees_the_invoice_page(client, invoice):
    client.force_login(invoice.buyer)
    response = client.get(reverse("disposition:invoice", args=[invoice.number]))
    assert response.status_code == 200
    html = response.content.decode()
    assert invoice.number in html and "Élodie Marchand" in html
    assert "133.10" in html and "83.10" not in html  # 100 + 10 + 23.10, no deposit
    assert format_day(invoice.due_on) in html
    assert response["Cache-Control"] == "private, no-store"
    # The buyer is told how to pay (the contact page), not left with a deadline and no way to meet it
    assert 'data-how-to-pay' in html and f'href="{settings.INFO_PAGE_PATHS["contact"]}"' in html


def test_another_bidder_gets_404_for_the_page_and_the_pdf(client, invoice, bidder_factory):
    client.force_login(bidder_factory())
    assert client.get(reverse("disposition:invoice", args=[invoice.number])).status_code == 404
    assert client.get(reverse("disposition:invoice_pdf", args=[invoice.number])).status_code == 404


def test_an_anonymous_visitor_is_asked_to_sign_in(client, invoice):
    url = reverse("disposition:invoice", args=[invoice.number])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("auctions:login")) and "next=" in response["Location"]


def test_the_pdf_holds_the_number_the_amounts_and_the_deadline(client, invoice):
    client.force_login(invoice.buyer)
    response = client.get(reverse("disposition:invoice_pdf", args=[invoice.number]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    assert invoice.number in text
    assert "Élodie Marchand" in text and "1 Main Street" in text
    for amount in ("100.00", "10.00", "23.10", "133.10"):
        assert f"{amount} {invoice.currency}" in text
    with translation.override("en"):
        assert format_day(invoice.due_on) in text


def test_the_lot_page_never_shows_the_buyer(client, invoice):
    response = client.get(reverse("auctions:lot_detail", args=[invoice.award.lot_id]))
    assert response.status_code == 200
    assert "Élodie" not in response.content.decode()


# Custodians see invoices: they hand the lots over (collection).
@pytest.mark.parametrize(("role", "status"), [("auction_manager", 200), ("finance_officer", 200), ("auditor", 200),
                                              ("case_officer", 403), ("custodian", 200)])
def test_staff_see_invoices_by_role(client, invoice, request, role, status):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("disposition_invoices:index")).status_code == status
    assert client.get(reverse("disposition_invoices:inspect", args=[invoice.pk])).status_code == status
    response = client.get(reverse("disposition_invoices:pdf", args=[invoice.pk]))
    assert response.status_code == status
    if status == 200:
        page = client.get(reverse("disposition_invoices:inspect", args=[invoice.pk])).content.decode()
        assert reverse("disposition_invoices:pdf", args=[invoice.pk]) in page and "Élodie Marchand" in page
        assert invoice.number in _pdf_text(response.content)


def test_the_auditor_reads_a_held_award_but_cannot_decide(client, lot, case, bidder_factory, auction_manager,
                                                          auditor):
    from tests.disposition.test_awards import _hit

    _, award = _hit(lot, case, bidder_factory, auction_manager)
    client.force_login(auditor)
    page = client.get(reverse("disposition_awards:inspect", args=[award.pk])).content.decode()
    assert reverse("disposition_awards:action_release", args=[award.pk]) not in page
    assert client.post(reverse("disposition_awards:action_release", args=[award.pk]),
                       {"reason": "x"}).status_code == 403
    client.force_login(auction_manager)
    page = client.get(reverse("disposition_awards:inspect", args=[award.pk])).content.decode()
    assert reverse("disposition_awards:action_release", args=[award.pk]) in page

"""The award of a won lot: on close (the real closing service), once only, screened again; a hit
holds it for the auction manager, whose release issues the invoice."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from auctions.models import Deposit, DepositStatus, Lot
from auctions.services import bidders
from auctions.signals import lot_won
from custody.models import Party
from disposition.models import Award, AwardStatus, Invoice
from disposition.services import awards
from tests.disposition.helpers import win

pytestmark = pytest.mark.django_db
D = Decimal


def test_closing_a_won_lot_awards_it_and_issues_the_invoice(lot, bidder_factory, settings, mailoutbox,
                                                           django_capture_on_commit_callbacks):
    # Given an auction with a 10 % premium, a 21 % VAT rate and the winner's deposit held
    settings.DISPOSITION_VAT_PERCENT = D("21")
    lot.auction.buyers_premium_percent = D("10")
    lot.auction.save(update_fields=["buyers_premium_percent"])
    alice = bidder_factory()
    Deposit.objects.create(bidder=alice, auction=lot.auction, amount=D("50.00"), currency=lot.currency,
                           status=DepositStatus.HELD)
    # When the lot closes with her as the winner
    with django_capture_on_commit_callbacks(execute=True):
        award = win(lot, alice)
    # Then she is awarded the lot and invoiced: 100 + 10 premium + 23.10 VAT - 50 deposit
    assert award.status == AwardStatus.INVOICED and not award.screening_hit
    invoice = award.invoice
    assert (invoice.hammer_price, invoice.premium, invoice.tax, invoice.total, invoice.deposit,
            invoice.amount_due) == (D("100.00"), D("10.00"), D("23.10"), D("133.10"), D("50.00"), D("83.10"))
    assert invoice.buyer == alice and invoice.currency == lot.currency
    assert invoice.number == f"{invoice.issued_at.year}-000001"
    # And she gets an e-mail with the link to her invoice page
    mail = next(m for m in mailoutbox if invoice.number in m.subject)
    assert mail.to == [alice.email]
    assert f"{settings.PUBLIC_BASE_URL}/account/invoices/{invoice.number}/" in mail.body


def test_a_deposit_not_held_does_not_count(lot, bidder_factory):
    alice = bidder_factory()
    Deposit.objects.create(bidder=alice, auction=lot.auction, amount=D("50.00"), currency=lot.currency,
                           status=DepositStatus.RELEASED)
    invoice = win(lot, alice).invoice
    assert (invoice.deposit, invoice.amount_due) == (D("0.00"), invoice.total)


def test_a_second_delivery_for_the_same_lot_creates_nothing(lot, bidder_factory):
    alice = bidder_factory()
    award = win(lot, alice)
    # auctions' signal delivered again (a retried close, say), and the service called again
    lot_won.send(sender=Lot, lot_id=lot.pk, winner_id=alice.pk)
    assert awards.award_create(lot_id=lot.pk, winner_id=alice.pk).pk == award.pk
    assert Award.objects.filter(lot=lot).count() == 1 and Invoice.objects.count() == 1


def test_an_unsold_lot_gets_no_award(lot):
    from auctions.services import closing

    closing.lot_close(lot_id=lot.pk, now=lot.ends_at)
    assert not Award.objects.exists()


def _hit(lot, case, bidder_factory, auction_manager):
    """A winner who turns out, after bidding, to be a party of the lot's case."""
    alice = bidder_factory(id_number="D-7788")
    from auctions.services import bidding

    bidding.lot_place_bid(lot_id=lot.pk, bidder=alice, max_amount="500")
    Party.objects.create(case=case, role="defendant", name="Defendant Person", identity_number="d7788")
    lot.refresh_from_db()
    from auctions.services import closing

    closing.lot_close(lot_id=lot.pk, now=lot.ends_at)
    return alice, Award.objects.get(lot=lot)


def test_a_screening_hit_holds_the_award_without_invoice(lot, case, bidder_factory, auction_manager, mailoutbox,
                                                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _, award = _hit(lot, case, bidder_factory, auction_manager)
    assert award.status == AwardStatus.SCREENING_HOLD and award.screening_hit
    assert not Invoice.objects.exists()
    assert not [m for m in mailoutbox if "invoice" in m.subject.lower()]


def test_a_screening_list_entry_added_after_the_bid_holds_the_award(lot, case, bidder_factory, auction_manager):
    alice = bidder_factory(id_number="XY-1")
    from auctions.services import bidding, closing

    bidding.lot_place_bid(lot_id=lot.pk, bidder=alice, max_amount="500")
    bidders.screening_entry_add(actor=auction_manager, name="Someone", identity_number="xy1", reason="Agent",
                                case=case)
    lot.refresh_from_db()
    closing.lot_close(lot_id=lot.pk, now=lot.ends_at)
    assert Award.objects.get(lot=lot).status == AwardStatus.SCREENING_HOLD


def test_the_manager_releases_a_held_award_and_the_invoice_is_issued(lot, case, bidder_factory, auction_manager,
                                                                    client, mailoutbox,
                                                                    django_capture_on_commit_callbacks):
    alice, award = _hit(lot, case, bidder_factory, auction_manager)
    client.force_login(auction_manager)
    url = reverse("disposition_awards:action_release", args=[award.pk])
    # The form without a reason is refused, the error beside the field
    response = client.post(url, {"expected_status": award.status, "reason": " "})
    assert response.status_code == 400
    assert "reason" in response.context["form"].errors
    # With a reason, the award is released and the invoice issued and sent
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"expected_status": award.status,
                                     "reason": "Same name, different person: checked the passport."})
    assert response.status_code == 302
    award.refresh_from_db()
    assert award.status == AwardStatus.INVOICED and award.decided_by == auction_manager
    assert award.decision_reason.startswith("Same name")
    assert award.invoice.buyer == alice
    assert any(award.invoice.number in m.subject for m in mailoutbox)
    # And the lot's log says who released it, why, and which invoice followed
    entry = lot.log.get(subject="award", action="release")
    assert entry.actor == auction_manager and award.invoice.number in entry.note and "passport" in entry.note
    # And the award's page links to its invoice, and offers no decision any more
    page = client.get(reverse("disposition_awards:inspect", args=[award.pk])).content.decode()
    assert reverse("disposition_invoices:inspect", args=[award.invoice.pk]) in page
    assert url not in page


def test_the_manager_refuses_a_held_award(lot, case, bidder_factory, auction_manager, client):
    _, award = _hit(lot, case, bidder_factory, auction_manager)
    client.force_login(auction_manager)
    response = client.post(reverse("disposition_awards:action_refuse", args=[award.pk]),
                           {"expected_status": award.status, "reason": "The defendant's own company."})
    assert response.status_code == 302
    award.refresh_from_db()
    assert award.status == AwardStatus.REFUSED and not Invoice.objects.exists()


def test_finance_cannot_decide_a_held_award(lot, case, bidder_factory, auction_manager, finance_officer, client):
    _, award = _hit(lot, case, bidder_factory, auction_manager)
    client.force_login(finance_officer)
    response = client.post(reverse("disposition_awards:action_release", args=[award.pk]),
                           {"expected_status": award.status, "reason": "I think it is fine."})
    assert response.status_code == 403
    award.refresh_from_db()
    assert award.status == AwardStatus.SCREENING_HOLD


@pytest.mark.parametrize(("real_estate", "due"), [(False, datetime.date(2026, 12, 8)),
                                                  (True, datetime.date(2027, 1, 3))])
def test_the_deadline_counts_from_the_invoice_date(lot, case, bidder_factory, auction_manager, real_estate, due):
    # Given a held award, released on a Friday evening in Brussels
    _, award = _hit(lot, case, bidder_factory, auction_manager)
    if real_estate:
        type(lot).objects.filter(pk=lot.pk).update(category="real_estate")
    friday = datetime.datetime(2026, 12, 4, 21, 30, tzinfo=datetime.UTC)  # 22:30 in Brussels
    awards.award_release(award_id=award.pk, actor=auction_manager, reason="Checked.", now=friday)
    # Then the buyer pays by Tuesday (2 business days), or 30 days later for real estate
    assert Invoice.objects.get(award=award).due_on == due

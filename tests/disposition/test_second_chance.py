"""After a default: the lot offered to the next-highest bidder at their own maximum (accepted: their
award and invoice; declined or expired: closed, and the next one may be offered), or relisted."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from auctions.models import AuctionLogEntry, Lot, LotStatus
from auctions.services import bidding
from common.exceptions import DomainError
from disposition.models import Award, AwardStatus, InvoiceStatus, OfferStatus, SecondChanceOffer
from disposition.services import defaults, second_chance
from tests.auctions.factories import make_auction
from tests.disposition.helpers import win

pytestmark = pytest.mark.django_db
D = Decimal


def _after_deadline(invoice):
    return timezone.make_aware(datetime.datetime.combine(invoice.due_on + datetime.timedelta(days=2),
                                                         datetime.time(9)))


@pytest.fixture
def defaulted(lot, bidder_factory):
    """A lot won at 500 by Alice, with Bob's maximum 300 and Carol's 200 below, whose invoice Alice
    did not pay."""
    bob, carol, alice = bidder_factory(), bidder_factory(), bidder_factory()
    bidding.lot_place_bid(lot_id=lot.pk, bidder=carol, max_amount="200")
    bidding.lot_place_bid(lot_id=lot.pk, bidder=bob, max_amount="300")
    award = win(lot, alice, "500")
    defaults.invoices_default_due(now=_after_deadline(award.invoice))
    award.refresh_from_db()
    assert award.status == AwardStatus.DEFAULTED
    return {"award": award, "alice": alice, "bob": bob, "carol": carol, "lot": lot}


def test_the_next_bidder_is_offered_the_lot_at_their_own_maximum_and_accepting_invoices_it(
        defaulted, auction_manager, mailoutbox, django_capture_on_commit_callbacks, client):
    award, bob = defaulted["award"], defaulted["bob"]
    # When the auction manager offers the lot to the next bidder
    with django_capture_on_commit_callbacks(execute=True):
        offer = second_chance.second_chance_offer_create(actor=auction_manager, award_id=award.pk)
    # Then Bob is offered it at his own maximum (300, not the 500 hammer), for 72 hours, by e-mail
    assert (offer.bidder, offer.amount, offer.status) == (bob, D("300.00"), OfferStatus.OPEN)
    assert offer.expires_at - offer.created_at == datetime.timedelta(hours=72)
    url = reverse("disposition:offer", args=[offer.pk])
    assert [m.to for m in mailoutbox if url in m.body] == [[bob.email]]
    # And Bob sees it on his page and accepts
    client.force_login(bob)
    page = client.get(url)
    assert page.status_code == 200 and "300" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"answer": "accept"})
    # Then he has the award and an invoice at 300, and the lot awaits his payment
    new_award = Award.objects.get(lot=defaulted["lot"], buyer=bob)
    assert response.status_code == 302 and response.url == reverse("disposition:invoice",
                                                                   args=[new_award.invoice.number])
    assert new_award.status == AwardStatus.INVOICED and new_award.invoice.hammer_price == D("300.00")
    assert new_award.invoice.status == InvoiceStatus.ISSUED
    lot = Lot.objects.get(pk=defaulted["lot"].pk)
    assert (lot.status, lot.winner_id, lot.hammer_price) == (LotStatus.AWAITING_PAYMENT, bob.pk, D("300.00"))
    offer.refresh_from_db()
    assert offer.status == OfferStatus.ACCEPTED and offer.award == new_award
    # And each step is in the defaulted award's log
    actions = set(AuctionLogEntry.objects.filter(subject="award", subject_id=award.pk).values_list("action",
                                                                                                  flat=True))
    assert {"default", "second_chance_offer", "second_chance_accept"} <= actions


def test_nobody_else_sees_the_offer(defaulted, auction_manager, client):
    offer = second_chance.second_chance_offer_create(actor=auction_manager, award_id=defaulted["award"].pk)
    url = reverse("disposition:offer", args=[offer.pk])
    # A visitor is asked to sign in
    assert client.get(url).status_code == 302
    # Another bidder (even the defaulter) is told it does not exist, and cannot accept it
    for other in (defaulted["alice"], defaulted["carol"]):
        client.force_login(other)
        assert client.get(url).status_code == 404
        assert client.post(url, {"answer": "accept"}).status_code == 404
    offer.refresh_from_db()
    assert offer.status == OfferStatus.OPEN


def test_an_unanswered_offer_expires_and_the_next_bidder_may_be_offered(defaulted, auction_manager, client):
    award = defaulted["award"]
    offer = second_chance.second_chance_offer_create(actor=auction_manager, award_id=award.pk)
    # While it is open, no second offer for the lot
    with pytest.raises(DomainError):
        second_chance.second_chance_offer_create(actor=auction_manager, award_id=award.pk)
    # When its deadline passes, the sweep closes it
    assert second_chance.second_chance_offers_expire(now=offer.expires_at - datetime.timedelta(minutes=1)) == []
    assert second_chance.second_chance_offers_expire(now=offer.expires_at) == [offer.pk]
    offer.refresh_from_db()
    assert offer.status == OfferStatus.EXPIRED
    # And Bob can no longer accept it
    client.force_login(defaulted["bob"])
    response = client.post(reverse("disposition:offer", args=[offer.pk]), {"answer": "accept"})
    assert response.status_code == 400 and "no longer open" in response.content.decode()
    assert not Award.objects.filter(buyer=defaulted["bob"]).exists()
    # Then the manager offers it to Carol, next in line, at her own maximum
    nxt = second_chance.second_chance_offer_create(actor=auction_manager, award_id=award.pk)
    assert (nxt.bidder, nxt.amount) == (defaulted["carol"], D("200.00"))
    # And once she declines, nobody is left: the manager is told to relist
    second_chance.second_chance_offer_decline(offer_id=nxt.pk, user=defaulted["carol"])
    with pytest.raises(DomainError, match="relist"):
        second_chance.second_chance_offer_create(actor=auction_manager, award_id=award.pk)


def test_relisting_puts_the_assets_in_a_new_draft_lot(defaulted, auction_manager):
    award, old = defaulted["award"], defaulted["lot"]
    auction = make_auction(manager=auction_manager, currency=old.currency)
    # When the manager relists the defaulted lot in a draft auction
    new = second_chance.lot_relist(actor=auction_manager, award_id=award.pk, auction_id=auction.pk)
    # Then a draft lot holds the same assets at the same starting price, and the old lot is unsold
    assert new.auction == auction and new.status == LotStatus.DRAFT
    assert list(new.assets.values_list("pk", flat=True)) == list(old.assets.values_list("pk", flat=True))
    assert new.starting_price == old.starting_price
    assert Lot.objects.get(pk=old.pk).status == LotStatus.UNSOLD
    assert award.buyer_default.__class__.objects.get(award=award).relisted_lot == new
    # And the lot can no longer be offered to anyone
    with pytest.raises(DomainError):
        second_chance.second_chance_offer_create(actor=auction_manager, award_id=award.pk)
    assert not SecondChanceOffer.objects.exists()


def test_the_award_page_offers_the_steps_to_the_auction_manager_only_after_a_default(
        defaulted, auction_manager, approver, client):
    url = reverse("disposition_awards:inspect", args=[defaulted["award"].pk])
    client.force_login(auction_manager)
    page = client.get(url).content.decode()
    assert "Offer to the next bidder" in page and "Relist" in page
    client.force_login(approver)
    page = client.get(url)
    assert "Offer to the next bidder" not in page.content.decode()

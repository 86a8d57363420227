"""Bidding through the service: rules, eligibility, soft close, refusals."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail

from auctions.exceptions import BidRefused, LotNotOpen, NotEligible
from auctions.models import Bid, Deposit, LotStatus, TermsAcceptance
from auctions.services import bidders, bidding, closing
from custody.models import Party
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
D = Decimal


def place(lot, bidder, amount, **kw):
    return bidding.lot_place_bid(lot_id=lot.pk, bidder=bidder, max_amount=amount, **kw)


def test_proxy_bidding_through_the_service(lot, bidder_factory):
    # Given two approved bidders
    alice, bob = bidder_factory(), bidder_factory()
    # When Alice gives 800 and Bob 300
    first = place(lot, alice, "800")
    second = place(lot, bob, "300")
    # Then Alice leads at Bob's maximum plus one increment, and Bob is told he does not lead
    assert first.leading and not second.leading
    lot.refresh_from_db()
    assert (lot.current_price, lot.leader, lot.bid_count) == (D("310.00"), alice, 2)
    assert second.next_minimum_bid == D("320.00")


def test_public_history_shows_price_steps_under_pseudonyms(lot, bidder_factory):
    from auctions.selectors import lot_public_history

    alice, bob = bidder_factory(), bidder_factory()
    place(lot, alice, "800")
    place(lot, bob, "300")
    place(lot, alice, "900")  # raising one's own maximum moves no price: not a public step
    history = lot_public_history(lot.pk)
    assert [(h.amount, h.bidder) for h in history] == [(D("310.00"), 1), (D("100.00"), 1)]


def test_outbid_bidder_gets_an_email_after_commit(lot, bidder_factory, django_capture_on_commit_callbacks):
    alice, bob = bidder_factory(), bidder_factory()
    place(lot, alice, "200")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        place(lot, bob, "500")
    assert callbacks, "the notification waits for the commit"
    assert [m.to for m in mail.outbox] == [[alice.email]]
    assert "outbid" in mail.outbox[0].subject


def test_amount_with_too_many_decimals_is_refused(lot, bidder_factory):
    with pytest.raises(BidRefused) as err:
        place(lot, bidder_factory(), "150.005")
    assert (err.value.code, err.value.status) == ("too_many_decimals", 400)


def test_below_next_minimum_is_refused_and_recorded(lot, bidder_factory):
    alice, bob = bidder_factory(), bidder_factory()
    place(lot, alice, "300")
    with pytest.raises(BidRefused) as err:
        place(lot, bob, "105")
    assert err.value.code == "below_minimum" and "110.00" in str(err.value)
    refused = Bid.objects.get(lot=lot, bidder=bob)
    assert (refused.accepted, refused.refusal) == (False, "below_minimum")
    lot.refresh_from_db()
    assert lot.bid_count == 1


@pytest.mark.parametrize("kwargs,code", [
    ({"approve": False}, "not_approved"),
    ({"verify": False}, "not_approved"),
    ({"auctions": []}, "terms_not_accepted"),
])
def test_ineligible_bidders_are_refused(lot, bidder_factory, kwargs, code):
    with pytest.raises(NotEligible) as err:
        place(lot, bidder_factory(**kwargs), "500")
    assert (err.value.code, err.value.status) == (code, 403)
    lot.refresh_from_db()
    assert lot.bid_count == 0


def test_user_without_bidder_profile_is_refused(lot):
    with pytest.raises(NotEligible) as err:
        place(lot, UserFactory(is_staff=False), "500")
    assert err.value.code == "not_approved"


def test_agency_staff_cannot_bid(lot, auction_manager):
    with pytest.raises(NotEligible) as err:
        place(lot, auction_manager, "500")
    assert err.value.code == "not_eligible"


def test_deposit_is_required_when_the_auction_asks_for_one(open_lot_factory, auction_manager):
    from tests.auctions.factories import make_bidder

    auction, (lot,) = open_lot_factory(1, deposit_rule="fixed", deposit_amount=D("500.00"))
    bidder = make_bidder(reviewer=auction_manager, auctions=[auction])
    with pytest.raises(NotEligible) as err:
        place(lot, bidder, "500")
    assert err.value.code == "deposit_required"
    # A hold that is only pending does not count either.
    Deposit.objects.create(bidder=bidder, auction=auction, amount=D("500.00"), currency="EUR")
    with pytest.raises(NotEligible):
        place(lot, bidder, "500")
    Deposit.objects.filter(bidder=bidder).delete()
    Deposit.objects.create(bidder=bidder, auction=auction, amount=D("500.00"), currency="EUR", status="held")
    assert place(lot, bidder, "500").leading


# ---- conflict of interest ----------------------------------------------------------------------


def test_screened_identity_number_matches_however_it_is_written(lot, case, bidder_factory, auction_manager):
    bidder = bidder_factory(id_number="AB-123 456")
    bidders.screening_entry_add(actor=auction_manager, name="Someone Else", identity_number="ab123456",
                                reason="Defendant's brother", case=case)
    with pytest.raises(NotEligible) as err:
        place(lot, bidder, "500")
    # The refusal says only that the bidder is not eligible.
    assert err.value.code == "not_eligible"
    assert str(err.value) == "You are not eligible to bid on this lot."


def test_screening_matches_name_and_date_of_birth(lot, case, bidder_factory, auction_manager):
    born = datetime.date(1970, 5, 17)
    bidder = bidder_factory(legal_name="José  Pérez-Gómez", date_of_birth=born)
    bidders.screening_entry_add(actor=auction_manager, name="jose perez gomez", date_of_birth=born,
                                reason="Owner's associate", case=case)
    with pytest.raises(NotEligible):
        place(lot, bidder, "500")


def test_screening_for_another_case_does_not_bar(lot, bidder_factory, auction_manager):
    from tests.factories import CaseFactory

    bidder = bidder_factory(id_number="ZZ999")
    bidders.screening_entry_add(actor=auction_manager, name="X", identity_number="ZZ999", reason="other case",
                                case=CaseFactory())
    assert place(lot, bidder, "500").leading


def test_screening_without_a_case_bars_from_every_lot(lot, bidder_factory, auction_manager):
    bidder = bidder_factory(id_number="GLOBAL1")
    bidders.screening_entry_add(actor=auction_manager, name="X", identity_number="GLOBAL1", reason="staff relative")
    with pytest.raises(NotEligible):
        place(lot, bidder, "500")


def test_parties_of_the_case_cannot_bid(lot, case, bidder_factory):
    bidder = bidder_factory(id_number="D-7788")
    Party.objects.create(case=case, role="defendant", name="Defendant Person", identity_number="d7788")
    with pytest.raises(NotEligible) as err:
        place(lot, bidder, "500")
    assert err.value.code == "not_eligible"


# ---- time: end, soft close ---------------------------------------------------------------------


def test_bid_at_the_end_is_refused_however_close(lot, bidder_factory):
    bidder = bidder_factory()
    with pytest.raises(LotNotOpen) as err:
        place(lot, bidder, "500", now=lot.ends_at)
    assert (err.value.code, err.value.status) == ("lot_ended", 409)
    lot.refresh_from_db()
    assert lot.bid_count == 0 and lot.ends_at == lot.original_ends_at


def test_bid_a_moment_before_the_end_is_accepted(lot, bidder_factory):
    assert place(lot, bidder_factory(), "500", now=lot.ends_at - datetime.timedelta(microseconds=1)).leading


def test_soft_close_extends_the_end(lot, bidder_factory):
    # Given a lot with a 3-minute soft close
    now = lot.ends_at - datetime.timedelta(minutes=1)
    # When a bid is accepted a minute before the end
    result = place(lot, bidder_factory(), "500", now=now)
    # Then the lot ends three minutes after that bid
    assert result.lot.ends_at == now + datetime.timedelta(minutes=3)
    lot.refresh_from_db()
    assert lot.ends_at == now + datetime.timedelta(minutes=3)


def test_bid_before_the_soft_close_window_does_not_extend(lot, bidder_factory):
    place(lot, bidder_factory(), "500", now=lot.ends_at - datetime.timedelta(minutes=10))
    lot.refresh_from_db()
    assert lot.ends_at == lot.original_ends_at


def test_soft_close_is_capped(lot, bidder_factory):
    # Given bidders who keep bidding in the last minute, again and again
    alice, bob = bidder_factory(), bidder_factory()
    cap = lot.original_ends_at + datetime.timedelta(minutes=30)
    amount = D("100")
    for i in range(40):
        lot.refresh_from_db()
        now = lot.ends_at - datetime.timedelta(seconds=30)
        if now >= cap:
            break
        amount += D("500")
        place(lot, alice if i % 2 else bob, str(amount), now=now)
    lot.refresh_from_db()
    # Then the end never passes the original end plus the cap
    assert lot.ends_at == cap
    with pytest.raises(LotNotOpen):
        place(lot, alice, str(amount + 1000), now=cap)


def test_refused_bid_never_extends(lot, bidder_factory):
    alice, bob = bidder_factory(), bidder_factory()
    place(lot, alice, "500")
    with pytest.raises(BidRefused):
        place(lot, bob, "101", now=lot.ends_at - datetime.timedelta(seconds=5))
    lot.refresh_from_db()
    assert lot.ends_at == lot.original_ends_at


def test_closed_lot_refuses_bids(lot, bidder_factory):
    closing.lot_close(lot_id=lot.pk, now=lot.ends_at)
    with pytest.raises(LotNotOpen) as err:
        place(lot, bidder_factory(), "500")
    assert err.value.code == "lot_not_open"


def test_unknown_lot_is_not_found(bidder_factory, lot):
    with pytest.raises(BidRefused) as err:
        bidding.lot_place_bid(lot_id=lot.pk + 1000, bidder=bidder_factory(), max_amount="500")
    assert err.value.status == 404


# ---- reserve and closing --------------------------------------------------------------------------


def test_reserve_met_lot_is_won_and_awaits_payment(open_lot_factory, auction_manager,
                                                   django_capture_on_commit_callbacks):
    from tests.auctions.factories import make_bidder

    auction, (lot,) = open_lot_factory(1, reserve_price="1000.00")
    alice = make_bidder(reviewer=auction_manager, auctions=[auction])
    # A single bid whose maximum reaches the reserve lifts the price to the reserve
    result = place(lot, alice, "1500")
    assert (result.lot.current_price, result.lot.reserve_met) == (D("1000.00"), True)
    with django_capture_on_commit_callbacks(execute=True):
        closed = closing.lot_close(lot_id=lot.pk, now=lot.ends_at)
    assert (closed.status, closed.winner, closed.hammer_price) == (LotStatus.AWAITING_PAYMENT, alice, D("1000.00"))
    assert any("You won" in m.subject for m in mail.outbox if m.to == [alice.email])


def test_reserve_not_met_lot_is_unsold(open_lot_factory, auction_manager):
    from tests.auctions.factories import make_bidder

    auction, (lot,) = open_lot_factory(1, reserve_price="1000.00")
    alice = make_bidder(reviewer=auction_manager, auctions=[auction])
    place(lot, alice, "900")
    closed = closing.lot_close(lot_id=lot.pk, now=lot.ends_at)
    assert (closed.status, closed.winner) == (LotStatus.UNSOLD, None)


def test_terms_acceptance_is_per_auction(open_lot_factory, auction_manager):
    from tests.auctions.factories import make_bidder

    first, (lot1,) = open_lot_factory(1)
    second, (lot2,) = open_lot_factory(1)
    bidder = make_bidder(reviewer=auction_manager, auctions=[first])
    assert place(lot1, bidder, "500").leading
    with pytest.raises(NotEligible):
        place(lot2, bidder, "500")
    bidders.terms_accept(bidder=bidder, auction_id=second.pk)
    assert TermsAcceptance.objects.filter(bidder=bidder).count() == 2
    assert place(lot2, bidder, "500").leading



def test_rejecting_a_bidder_takes_effect_at_once(lot, bidder_factory, auction_manager):
    # Given a bidder whose eligibility is cached by an accepted bid
    bidder = bidder_factory()
    place(lot, bidder, "200")
    # When an auction manager rejects the profile
    bidders.bidder_profile_reject(profile_id=bidder.bidder_profile.pk, actor=auction_manager,
                                  reason="Forged identity document")
    # Then the very next bid is refused
    with pytest.raises(NotEligible):
        place(lot, bidder, "900")


def test_screening_entry_added_during_the_auction_bars_at_once(lot, case, bidder_factory, auction_manager):
    bidder = bidder_factory(id_number="LATE-1")
    place(lot, bidder, "200")
    bidders.screening_entry_add(actor=auction_manager, name="Late", identity_number="late1", reason="found out",
                                case=case)
    with pytest.raises(NotEligible):
        place(lot, bidder, "900")

"""The proxy-bidding rules, checked against the plain reference implementation."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auctions import engine
from auctions.engine import BidRejected, BidState, apply_bid, next_minimum_bid, parse_amount
from tests.auctions.reference import Reference, replay

D = Decimal
TIERS = ((D("500"), D("10")), (D("1000"), D("25")), (D("5000"), D("50")), (None, D("100")))


def state(starting="100", reserve=None):
    return BidState(D(starting), D(reserve) if reserve else None, TIERS)


def bid(s, bidder, amount):
    return apply_bid(s, bidder, D(amount)).state


def test_one_bidder_pays_the_starting_price():
    s = bid(state("100"), 1, "800")
    assert (s.current_price, s.leader, s.leader_max) == (D("100"), 1, D("800"))


def test_price_is_second_highest_maximum_plus_one_increment():
    s = bid(bid(state("100"), 1, "800"), 2, "300")
    assert (s.current_price, s.leader) == (D("310"), 1)


def test_price_never_exceeds_the_leaders_maximum():
    s = bid(bid(state("100"), 1, "305"), 2, "300")
    assert (s.current_price, s.leader) == (D("305"), 1)


def test_new_higher_maximum_takes_the_lead_at_old_maximum_plus_increment():
    s = bid(bid(state("100"), 1, "300"), 2, "900")
    assert (s.current_price, s.leader) == (D("310"), 2)


def test_increment_comes_from_the_tier_of_the_second_maximum():
    s = bid(bid(state("100"), 1, "600"), 2, "2000")
    assert s.current_price == D("625")


def test_ties_go_to_the_earlier_maximum():
    s = bid(bid(state("100"), 1, "500"), 2, "500")
    assert (s.current_price, s.leader) == (D("500"), 1)


def test_leader_raising_own_maximum_does_not_raise_the_price():
    s = bid(bid(bid(state("100"), 1, "300"), 2, "200"), 1, "900")
    assert (s.current_price, s.leader, s.leader_max) == (D("210"), 1, D("900"))


def test_leader_must_exceed_own_maximum():
    s = bid(bid(state("100"), 1, "300"), 2, "200")
    with pytest.raises(BidRejected) as err:
        apply_bid(s, 1, D("300"))
    assert err.value.code == "not_above_own_maximum"


def test_maximum_below_next_minimum_is_refused():
    s = bid(bid(state("100"), 1, "300"), 2, "200")  # price 210, next minimum 220
    assert next_minimum_bid(s) == D("220")
    with pytest.raises(BidRejected) as err:
        apply_bid(s, 3, D("219.99"))
    assert err.value.code == "below_minimum"


def test_first_bid_below_the_starting_price_is_refused():
    with pytest.raises(BidRejected):
        apply_bid(state("100"), 1, D("99.99"))


def test_reserve_lifts_the_price_when_a_maximum_reaches_it():
    s = bid(state("100", reserve="700"), 1, "800")
    assert (s.current_price, s.reserve_met) == (D("700"), True)


def test_reserve_not_reached_keeps_the_proxy_price():
    s = bid(bid(state("100", reserve="700"), 1, "600"), 2, "400")
    assert (s.current_price, s.reserve_met) == (D("410"), False)


def test_leader_raising_to_the_reserve_lifts_the_price_to_it():
    s = bid(bid(bid(state("100", reserve="700"), 1, "600"), 2, "400"), 1, "750")
    assert (s.current_price, s.reserve_met) == (D("700"), True)


@pytest.mark.parametrize("raw,code", [
    ("1500.001", "too_many_decimals"), ("abc", "invalid_amount"), ("-5", "invalid_amount"), ("0", "invalid_amount"),
    ("NaN", "invalid_amount"), ("Infinity", "invalid_amount"), ("1e400", "invalid_amount"), ("", "invalid_amount"),
    (1500.0, "invalid_amount"), (None, "invalid_amount"), (True, "invalid_amount"),
])
def test_malformed_amounts_are_refused(raw, code):
    with pytest.raises(BidRejected) as err:
        parse_amount(raw)
    assert err.value.code == code


def test_amounts_are_quantized_to_cents():
    assert parse_amount("1500") == D("1500.00")
    assert parse_amount(" 1500.5 ") == D("1500.50")
    assert parse_amount("1500.500") == D("1500.50")
    assert str(parse_amount("1500")) == "1500.00"


# ---- property-based: the engine equals the reference replay ----------------------------------


def _cents(value: Decimal) -> Decimal:
    return value.quantize(D("0.01"))


@settings(max_examples=300, deadline=None)
@given(
    starting=st.integers(min_value=1, max_value=3000).map(lambda c: D(c)),
    reserve_extra=st.one_of(st.none(), st.integers(min_value=0, max_value=4000)),
    data=st.data(),
)
def test_engine_matches_reference_on_random_bid_sequences(starting, reserve_extra, data):
    reserve = None if reserve_extra is None else starting + reserve_extra
    s = BidState(starting, reserve, TIERS)
    ref = Reference(starting, reserve, TIERS)
    accepted = []
    for _ in range(data.draw(st.integers(min_value=1, max_value=25), label="bids")):
        bidder = data.draw(st.integers(min_value=1, max_value=5), label="bidder")
        base = next_minimum_bid(s)
        choice = data.draw(st.sampled_from(["near", "tie", "far", "below"]), label="kind")
        if choice == "tie" and s.leader_max is not None:
            amount = s.leader_max
        elif choice == "below":
            amount = base - data.draw(st.integers(min_value=1, max_value=5000), label="under") / D(100)
        elif choice == "far":
            amount = base + data.draw(st.integers(min_value=0, max_value=10000), label="over")
        else:
            amount = base + data.draw(st.integers(min_value=0, max_value=6000), label="cents") / D(100)
        amount = _cents(amount)
        if amount <= 0:
            continue
        expect_accept = ref.would_accept(bidder, amount)
        previous_price = s.current_price
        try:
            s = apply_bid(s, bidder, amount).state
            accepted_now = True
        except BidRejected:
            accepted_now = False
        assert accepted_now == expect_accept
        if accepted_now:
            ref.bid(bidder, amount)
            accepted.append((bidder, amount))
        # The engine's state is what the rules give for the accepted bids, in order.
        assert (s.current_price, s.leader, s.leader_max) == (ref.price, ref.leader, ref.leader_max)
        if s.current_price is not None:
            assert previous_price is None or s.current_price >= previous_price  # never goes down
            assert starting <= s.current_price <= s.leader_max
            if reserve is not None and s.leader_max >= reserve:
                assert s.current_price >= reserve and s.reserve_met
    final = replay(starting, reserve, TIERS, accepted)
    assert (final.price, final.leader) == (s.current_price, s.leader)


def test_increment_table_without_open_tier_uses_its_last_increment():
    assert engine.increment_at(D("9999"), ((D("500"), D("10")), (D("1000"), D("25")))) == D("25")

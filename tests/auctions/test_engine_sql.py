"""The locked step of a bid is the database function `auctions_place_bid` (auctions/sql/place_bid.sql);
`auctions/engine.py` is the executable specification of its rules. Here, after every bid of random
sequences on random lots, what the function did is what the rules say — accepted or the same
refusal, the lot's bidding state, the bid row and its `public` flag, the pseudonyms, the outbid
notices, and the end of the lot (soft close) — and the final state is the plain reference's replay.
"""

import itertools
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auctions import engine, selectors
from auctions.engine import BidRejected, BidState, apply_bid, next_minimum_bid
from auctions.exceptions import BidRefused
from auctions.models import Auction, Bid, IncrementTable, IncrementTier, Lot, LotPseudonym, LotStatus, OutbidNotice
from auctions.services import bidding, closing, tokens
from tests.auctions.reference import replay

pytestmark = pytest.mark.django_db
D = Decimal
CENT = D("0.01")
HUNDRED = D("100")
END = datetime(2031, 3, 1, 12, 0, tzinfo=UTC)  # the original end of every lot made here
REFUSAL_STATUS = {"below_minimum": 400, "not_above_own_maximum": 400, "lot_ended": 409, "lot_not_open": 409}

LOT_FIELDS = ("current_price", "leader_id", "leader_max", "leader_pseudonym", "reserve_met", "bid_count",
              "pseudonym_seq", "ends_at", "version")
BID_FIELDS = ("bidder_id", "max_amount", "placed_at", "accepted", "refusal", "seq", "price_after",
              "leader_after_id", "leader_pseudonym", "public")

_numbers = itertools.count(100)


# ---- lots in a given state ----------------------------------------------------------------------


def make_table(tiers) -> IncrementTable:
    table = IncrementTable.objects.create(name=f"Custom increments {next(_numbers)}")
    for up_to, increment in tiers:
        IncrementTier.objects.create(table=table, up_to=up_to, increment=increment)
    return table


def make_lot(auction: Auction, *, starting=HUNDRED, reserve=None, table=None, status=LotStatus.OPEN,
             ends_at=END) -> Lot:
    """A lot of an open auction, created directly in the state under test: `services.auctions.lot_create`
    wants a draft auction and assets that went through the whole custody life cycle, which is far
    too slow to do for every example."""
    lot = Lot.objects.create(auction=auction, number=next(_numbers), title="Seized car", starting_price=starting,
                             reserve_price=reserve, increment_table=table or selectors.default_increment_table(),
                             status=status, ends_at=ends_at, original_ends_at=ends_at)
    Lot.objects.filter(pk=lot.pk).update(updated_at=END - timedelta(days=30))
    return lot


# ---- placing a bid -----------------------------------------------------------------------------


def place(lot_id: int, bidder, amount, now=None):
    """What every bid does: the service, which calls the database function."""
    return bidding.lot_place_bid(lot_id=lot_id, bidder=bidder, max_amount=str(amount), now=now)


# ---- what a bid did -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Seen:
    """Everything a bid decides, as the caller and the database see it afterwards."""

    refusal: str | None
    http_status: int | None
    extra: dict
    answer: dict | None  # the service's BidResult, for an accepted bid
    lot: dict
    last_bid: dict | None
    bid_rows: int
    pseudonyms: dict
    pending_notices: dict  # user id -> created_at


def observe(lot_id: int, bidder, amount, now) -> Seen:
    """Place the bid, and look at what it did."""
    try:
        result = place(lot_id, bidder, amount, now)
    except BidRefused as err:
        refusal, status, extra, answer = err.code, err.status, err.extra, None
    else:
        refusal, status, extra = None, None, {}
        answer = {
            "leading": result.leading, "next_minimum_bid": result.next_minimum_bid,
            "outbid_user_id": result.outbid_user_id,
            "lot": {name: getattr(result.lot, name) for name in LOT_FIELDS},
            "bid": {name: getattr(result.bid, name) for name in BID_FIELDS},
        }
    bids = Bid.objects.filter(lot_id=lot_id)
    return Seen(
        refusal=refusal, http_status=status, extra=extra, answer=answer,
        lot=Lot.objects.filter(pk=lot_id).values(*LOT_FIELDS, "updated_at").first(),
        last_bid=bids.order_by("-id").values(*BID_FIELDS).first(),
        bid_rows=bids.count(),
        pseudonyms=dict(LotPseudonym.objects.filter(lot_id=lot_id).values_list("bidder_id", "number")),
        pending_notices=dict(OutbidNotice.objects.filter(lot_id=lot_id, sent_at__isnull=True)
                             .values_list("user_id", "created_at")),
    )


@dataclass
class Model:
    """The rules: `engine.apply_bid` for the bidding state, plus what the service promises around
    it (the end of the lot, soft close, numbering, pseudonyms, the record of every bid, the outbox)."""

    state: BidState
    ends_at: datetime
    original_ends_at: datetime
    soft_close: timedelta
    cap: timedelta
    updated_at: datetime
    bid_count: int = 0  # the public steps: the lines of the public history
    accepted: int = 0  # every accepted bid, numbered in order (seq)
    version: int = 0
    pseudonyms: dict = field(default_factory=dict)
    pending_notices: dict = field(default_factory=dict)
    bid_rows: int = 0
    last_bid: dict | None = None

    @classmethod
    def of(cls, lot: Lot, tiers, auction: Auction) -> "Model":
        row = Lot.objects.get(pk=lot.pk)
        return cls(state=BidState(row.starting_price, row.reserve_price, tiers), ends_at=row.ends_at,
                   original_ends_at=row.original_ends_at, soft_close=timedelta(minutes=auction.soft_close_minutes),
                   cap=timedelta(minutes=auction.soft_close_cap_minutes), updated_at=row.updated_at,
                   version=row.version)

    def lot(self) -> dict:
        s = self.state
        return {"current_price": s.current_price, "leader_id": s.leader, "leader_max": s.leader_max,
                "leader_pseudonym": self.pseudonyms.get(s.leader), "reserve_met": s.reserve_met,
                "bid_count": self.bid_count, "pseudonym_seq": len(self.pseudonyms), "ends_at": self.ends_at,
                "version": self.version}

    def seen(self, **decision) -> Seen:
        return Seen(**decision, lot={**self.lot(), "updated_at": self.updated_at}, last_bid=self.last_bid,
                    bid_rows=self.bid_rows, pseudonyms=dict(self.pseudonyms),
                    pending_notices=dict(self.pending_notices))

    def bid(self, bidder: int, amount: Decimal, now: datetime) -> Seen:
        self.bid_rows += 1
        minimum = next_minimum_bid(self.state)
        try:
            if now >= self.ends_at:
                raise BidRejected("lot_ended", "")
            outcome = apply_bid(self.state, bidder, amount)
        except BidRejected as exc:
            self.last_bid = {"bidder_id": bidder, "max_amount": amount, "placed_at": now, "accepted": False,
                             "refusal": exc.code, "seq": None, "price_after": None, "leader_after_id": None,
                             "leader_pseudonym": None, "public": False}
            extra = {"next_minimum_bid": f"{minimum:.2f}"} if exc.code == "below_minimum" else {}
            return self.seen(refusal=exc.code, http_status=REFUSAL_STATUS[exc.code], extra=extra, answer=None)
        self.state = outcome.state
        self.accepted += 1
        self.bid_count += 1 if outcome.public else 0
        self.version += 1
        self.updated_at = now
        self.pseudonyms.setdefault(bidder, len(self.pseudonyms) + 1)
        if outcome.outbid is not None:
            self.pending_notices.setdefault(outcome.outbid, now)
        if self.ends_at - now < self.soft_close:
            self.ends_at = max(self.ends_at, min(now + self.soft_close, self.original_ends_at + self.cap))
        self.last_bid = {"bidder_id": bidder, "max_amount": amount, "placed_at": now, "accepted": True,
                         "refusal": "", "seq": self.accepted, "price_after": self.state.current_price,
                         "leader_after_id": self.state.leader, "leader_pseudonym": self.pseudonyms[self.state.leader],
                         "public": outcome.public}
        answer = {"leading": self.state.leader == bidder, "next_minimum_bid": next_minimum_bid(self.state),
                  "outbid_user_id": outcome.outbid, "lot": self.lot(), "bid": self.last_bid}
        return self.seen(refusal=None, http_status=None, extra={}, answer=answer)


# ---- random lots and bids -----------------------------------------------------------------------


def amounts(low_cents: int, high_cents: int):
    return st.integers(min_value=low_cents, max_value=high_cents).map(lambda c: D(c) / 100)


@st.composite
def custom_tiers(draw):
    """A tiered table of odd increments: up to four bounds, with or without the open top tier (the
    last increment then applies above the last bound)."""
    bounds = sorted(draw(st.sets(amounts(100, 300_000), max_size=4)))
    tiers = [(bound, draw(amounts(1, 30_000))) for bound in bounds]
    if not tiers or draw(st.booleans()):
        tiers.append((None, draw(amounts(1, 30_000))))
    return tuple(tiers)


@st.composite
def lot_setups(draw):
    starting = draw(amounts(100, 300_000))
    extra = draw(st.one_of(st.none(), amounts(0, 400_000)))
    return {
        "starting": starting,
        "reserve": None if extra is None else starting + extra,
        "tiers": draw(st.one_of(st.none(), custom_tiers())),
        "soft_close": draw(st.sampled_from([(3, 30), (0, 0), (1, 1), (2, 3), (5, 5)])),
        "first_bid_before_end": timedelta(seconds=draw(st.one_of(st.integers(0, 300), st.integers(0, 3600)))),
    }


def draw_moment(data, now: datetime, model: "Model") -> datetime:
    """The moment of the next bid: soon after the last one, a while later, or exactly on an edge
    (the start of the soft-close window, the last microsecond, the end itself)."""
    step = data.draw(st.sampled_from(["soon"] * 8 + ["later"] * 3 + ["soft close starts", "last microsecond", "end"]),
                     label="next moment")
    if step == "soon":
        return now + timedelta(seconds=data.draw(st.integers(0, 90), label="seconds"),
                               microseconds=data.draw(st.sampled_from([0, 1, 500_000]), label="microseconds"))
    if step == "later":
        return now + timedelta(seconds=data.draw(st.integers(0, 1200), label="seconds"))
    edge = {"soft close starts": model.ends_at - model.soft_close,
            "last microsecond": model.ends_at - timedelta(microseconds=1), "end": model.ends_at}[step]
    return max(now, edge)


def draw_bid(data, state: BidState, bidders: list) -> tuple:
    """A bidder and a maximum around the next minimum bid, the leader's maximum or the reserve."""
    minimum = next_minimum_bid(state)
    bidder = data.draw(st.sampled_from(bidders), label="bidder")
    kind = data.draw(st.sampled_from(["minimum", "near", "far", "below", "tie", "under the leader", "leader raises",
                                      "reserve", "top"]), label="kind")
    if kind == "minimum":
        amount = minimum
    elif kind == "under the leader" and state.leader_max is not None and state.leader_max > minimum:
        share = data.draw(st.integers(0, 100), label="percent of the way to the leader's maximum")
        amount = (minimum + (state.leader_max - minimum) * share / 100).quantize(CENT)
    elif kind == "near":
        amount = minimum + data.draw(amounts(0, 6000), label="over")
    elif kind == "far":
        amount = minimum + data.draw(st.integers(0, 20_000), label="over")
    elif kind == "below":
        amount = minimum - data.draw(amounts(1, 5000), label="under")
    elif kind == "tie":
        amount = state.leader_max if state.leader_max is not None else minimum
    elif kind == "leader raises":
        bidder = next((b for b in bidders if b.pk == state.leader), bidder)
        amount = (state.leader_max or minimum) + data.draw(amounts(0, 3000), label="raise")
    elif kind == "reserve":
        amount = state.reserve_price or minimum
    else:
        amount = engine.MAX_AMOUNT
    return bidder, min(max(amount, CENT), engine.MAX_AMOUNT)


@pytest.fixture
def auction(auction_and_lot):
    return auction_and_lot[0]


@pytest.fixture
def bidders(bidder_factory):
    return [bidder_factory() for _ in range(4)]


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(setup=lot_setups(), data=st.data())
def test_the_database_function_follows_the_engine_bid_after_bid(auction, bidders, setup, data):
    # Given a fresh lot with a random starting price, reserve, increment table and soft close
    cache.clear()
    soft, cap = setup["soft_close"]
    Auction.objects.filter(pk=auction.pk).update(soft_close_minutes=soft, soft_close_cap_minutes=cap)
    auction.refresh_from_db()
    table = make_table(setup["tiers"]) if setup["tiers"] else None
    lot = make_lot(auction, starting=setup["starting"], reserve=setup["reserve"], table=table)
    tiers = setup["tiers"] or selectors.increment_tiers(selectors.default_increment_table().pk)
    model = Model.of(lot, tiers, auction)
    now = END - setup["first_bid_before_end"]

    # When random bidders bid random maxima at random moments (some after the end, some in the soft close)
    for _ in range(data.draw(st.integers(min_value=1, max_value=16), label="bids")):
        now = draw_moment(data, now, model)
        bidder, amount = draw_bid(data, model.state, bidders)
        expected = model.bid(bidder.pk, amount, now)
        # Then the function did exactly what the rules say, after every single bid
        assert observe(lot.pk, bidder, amount, now) == expected

    # And the final state is the plain reference's replay of the accepted bids, in order
    accepted = list(Bid.objects.filter(lot=lot, accepted=True).order_by("seq")
                    .values_list("bidder_id", "max_amount"))
    reference = replay(setup["starting"], setup["reserve"], tiers, accepted)
    final = Lot.objects.get(pk=lot.pk)
    assert (final.current_price, final.leader_id, final.leader_max) == (reference.price, reference.leader,
                                                                        reference.leader_max)


# ---- increments, end of bidding, soft close -----------------------------------------------------


@pytest.mark.parametrize("tiers", [
    None,
    ((D("20"), D("0.50")), (D("100"), D("2.50")), (None, D("7"))),
    ((D("20"), D("0.50")), (D("100"), D("2.50"))),  # no open top tier: its last increment applies above
], ids=["default", "custom", "without-top-tier"])
def test_the_database_looks_up_the_same_increment_as_the_engine(tiers):
    table = make_table(tiers) if tiers else selectors.default_increment_table()
    tiers = tiers or selectors.increment_tiers(table.pk)
    bounds = [up_to for up_to, _inc in tiers if up_to is not None]
    prices = sorted({D("0.01"), D("1"), D("150000")} | {b + delta for b in bounds for delta in (-CENT, 0, CENT)})
    with connection.cursor() as cursor:
        for price in prices:
            cursor.execute("SELECT auctions_increment_at(%s, %s)", [table.pk, price])
            assert cursor.fetchone()[0] == engine.increment_at(price, tiers), price


@pytest.mark.parametrize("after_end", [timedelta(0), timedelta(microseconds=1), timedelta(days=1)],
                         ids=["at-the-end", "a-microsecond-after", "a-day-after"])
def test_a_bid_at_or_after_the_end_is_refused(lot, bidder_factory, after_end):
    # Given an open lot whose end has come
    bidder = bidder_factory()
    before = Lot.objects.values(*LOT_FIELDS).get(pk=lot.pk)
    # When a bidder bids at that moment, or later
    with pytest.raises(BidRefused) as err:
        place(lot.pk, bidder, "500", now=lot.ends_at + after_end)
    # Then it is refused as ended, recorded as such, and the lot (its end included) has not changed
    assert (err.value.code, err.value.status) == ("lot_ended", 409)
    assert Lot.objects.values(*LOT_FIELDS).get(pk=lot.pk) == before
    assert list(Bid.objects.filter(lot=lot).values_list("accepted", "refusal", "placed_at")) == [
        (False, "lot_ended", lot.ends_at + after_end)]


def test_a_bid_a_microsecond_before_the_end_is_taken_and_extends_it(lot, bidder_factory):
    now = lot.ends_at - timedelta(microseconds=1)
    result = place(lot.pk, bidder_factory(), "500", now=now)
    assert result.leading
    assert Lot.objects.get(pk=lot.pk).ends_at == result.lot.ends_at == now + timedelta(minutes=3)


def test_soft_close_extends_the_end_up_to_the_cap(lot, bidder_factory):
    # Given a lot whose auction has a 3-minute soft close capped 30 minutes after the original end
    alice, bob = bidder_factory(), bidder_factory()
    original = lot.ends_at
    cap = original + timedelta(minutes=30)
    # When a bid comes ten minutes before the end, the end stays
    place(lot.pk, alice, "200", now=original - timedelta(minutes=10))
    assert Lot.objects.get(pk=lot.pk).ends_at == original
    # When bids keep coming in the last 20 seconds, each moves the end to 3 minutes after it, never past the cap
    amount, ends_at, moves = D("200"), original, 0
    while ends_at < cap:
        now = ends_at - timedelta(seconds=20)
        amount += 50
        result = place(lot.pk, bob if moves % 2 == 0 else alice, amount, now=now)
        ends_at = Lot.objects.get(pk=lot.pk).ends_at
        assert ends_at == result.lot.ends_at == min(now + timedelta(minutes=3), cap)
        moves += 1
    assert moves == 12
    # Then at the capped end bidding is over
    with pytest.raises(BidRefused) as err:
        place(lot.pk, alice, amount + 1000, now=cap)
    assert err.value.code == "lot_ended"


def test_a_refused_bid_in_the_soft_close_does_not_extend(lot, bidder_factory):
    alice, bob = bidder_factory(), bidder_factory()
    place(lot.pk, alice, "500", now=lot.ends_at - timedelta(hours=1))
    with pytest.raises(BidRefused) as err:
        place(lot.pk, bob, "101", now=lot.ends_at - timedelta(seconds=5))
    assert err.value.code == "below_minimum"
    assert Lot.objects.get(pk=lot.pk).ends_at == lot.ends_at


# ---- lots that take no bids ---------------------------------------------------------------------


@pytest.mark.parametrize("status", [LotStatus.SCHEDULED, LotStatus.CLOSED, LotStatus.AWAITING_PAYMENT,
                                    LotStatus.UNSOLD, LotStatus.CANCELLED])
def test_a_lot_that_is_not_open_refuses_bids(auction, bidders, status):
    lot = make_lot(auction, status=status)
    with pytest.raises(BidRefused) as err:
        place(lot.pk, bidders[0], "500", now=END - timedelta(hours=1))
    assert (err.value.code, err.value.status) == ("lot_not_open", 409)
    assert list(Bid.objects.filter(lot=lot).values_list("accepted", "refusal")) == [(False, "lot_not_open")]
    assert Lot.objects.values_list("bid_count", "current_price", "leader_id").get(pk=lot.pk) == (0, None, None)


def test_a_lot_closed_by_the_service_refuses_bids(lot, bidder_factory):
    closing.lot_close(lot_id=lot.pk, now=lot.ends_at)
    with pytest.raises(BidRefused) as err:
        place(lot.pk, bidder_factory(), "500")
    assert (err.value.code, err.value.status) == ("lot_not_open", 409)


def test_a_draft_or_missing_lot_is_not_found(auction, bidders):
    draft = make_lot(auction, status=LotStatus.DRAFT)
    for lot_id in (draft.pk, draft.pk + 10_000):
        with pytest.raises(BidRefused) as err:
            place(lot_id, bidders[0], "500")
        assert (err.value.code, err.value.status) == ("not_found", 404)
    assert not Bid.objects.filter(lot=draft).exists()


def test_a_lot_gone_after_the_checks_is_not_found_by_the_function(auction, bidders):
    # Given a lot the service has already checked (its bidding info is cached) ...
    lot = make_lot(auction)
    place(lot.pk, bidders[0], "100")
    # ... when the row is gone by the time the function looks for it (deleted behind the cache's back)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM auctions_lotpseudonym WHERE lot_id = %s", [lot.pk])
        cursor.execute("DELETE FROM auctions_bid WHERE lot_id = %s", [lot.pk])
        cursor.execute("DELETE FROM auctions_lot WHERE id = %s", [lot.pk])
    # Then the bid is refused as not found, and nothing is written
    with pytest.raises(BidRefused) as err:
        place(lot.pk, bidders[1], "500")
    assert (err.value.code, err.value.status) == ("not_found", 404)
    assert not Bid.objects.filter(lot_id=lot.pk).exists()


# ---- what the API answers -----------------------------------------------------------------------


def test_a_bid_below_the_minimum_tells_the_next_minimum_bid(client, lot, bidder_factory):
    def post(user, amount):
        token = tokens.api_token_create(user=user)[1]
        return client.post(f"/api/v1/lots/{lot.pk}/bids/", json.dumps({"max_amount": amount}),
                           content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")

    alice, bob = bidder_factory(), bidder_factory()
    tiers = selectors.increment_tiers(lot.increment_table_id)
    # Before any bid the next minimum is the starting price
    first = post(alice, "99.99")
    assert (first.status_code, first.json()["error"]) == (400, "below_minimum")
    assert first.json()["next_minimum_bid"] == "100.00" and first.json()["detail"]
    # After bids, it is the current price plus the increment at that price, as the engine says
    assert post(alice, "1500.00").status_code == 201
    taken = post(bob, "500.00").json()
    state = BidState(lot.starting_price, None, tiers, D(taken["current_price"]), alice.pk, D("1500.00"))
    assert taken["next_minimum_bid"] == f"{next_minimum_bid(state):.2f}" == "550.00"
    refused = post(bob, "549.99")
    assert (refused.status_code, refused.json()["error"]) == (400, "below_minimum")
    assert refused.json()["next_minimum_bid"] == "550.00"
    # And the service's refusal carries the same field
    with pytest.raises(BidRefused) as err:
        place(lot.pk, bob, "549.99")
    assert err.value.extra == {"next_minimum_bid": "550.00"}

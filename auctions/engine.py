"""The proxy-bidding rules, as pure functions over a lot's bidding state.

A bidder gives a maximum; the system bids for them by increments:

- The current price is the lower of the leader's maximum and the second-highest maximum plus one
  increment (the increment that applies at that second-highest maximum). With one bidder it is the
  starting price.
- Ties go to the earlier maximum: an equal maximum from someone else does not take the lead.
- The leader may raise their own maximum without raising the price. Such a raise is not a public
  step: the public history shows, and the bid count counts, only bids that moved the price or the
  lead (`BidOutcome.public`), so that the two always agree.
- When the leader's maximum reaches the reserve, the price rises to at least the reserve.
- A new maximum must be at least the next minimum bid (the starting price before the first bid,
  then the current price plus one increment), and a leader's new maximum must exceed their old one.

Nothing here touches the database: `auctions.services.bidding.lot_place_bid` loads the state under
a row lock, calls `apply_bid`, and writes the result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

CENT = Decimal("0.01")
# Decimal(14, 2) holds up to 999,999,999,999.99.
MAX_AMOUNT = Decimal("999999999999.99")

Tiers = Sequence[tuple[Decimal | None, Decimal]]


class BidRejected(Exception):
    """The bid breaks a bidding rule. `code` is stable (API error code); `str()` is for people."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def parse_amount(raw: object) -> Decimal:
    """An amount as a bidder sends it: a decimal string (or Decimal) with at most two decimals,
    positive and finite. Floats are refused: money never passes through binary floating point."""
    if isinstance(raw, bool) or not isinstance(raw, (str, Decimal, int)):
        raise BidRejected("invalid_amount", _("Give the amount as a decimal string, e.g. \"1500.00\"."))
    try:
        value = Decimal(raw.strip() if isinstance(raw, str) else raw)
    except (InvalidOperation, ValueError):
        raise BidRejected("invalid_amount", _("Give the amount as a decimal string, e.g. \"1500.00\".")) from None
    if not value.is_finite():
        raise BidRejected("invalid_amount", _("Give the amount as a decimal string, e.g. \"1500.00\"."))
    if value > MAX_AMOUNT:
        raise BidRejected("invalid_amount", _("The amount is too large."))
    if value <= 0:
        raise BidRejected("invalid_amount", _("The amount must be positive."))
    if value.as_tuple().exponent < -2 and value != value.quantize(CENT, rounding=ROUND_DOWN):
        raise BidRejected("too_many_decimals", _("Amounts have at most two decimals."))
    return value.quantize(CENT)


def buyers_premium(amount: Decimal, percent: Decimal) -> Decimal:
    """The buyer's premium on `amount` at `percent`, to the cent (half up)."""
    return (amount * percent / 100).quantize(CENT, rounding=ROUND_HALF_UP)


def increment_at(price: Decimal, tiers: Tiers) -> Decimal:
    """The increment that applies at `price`: the first tier whose bound lies above the price
    (the top tier, without bound, otherwise). `tiers` are ordered by bound, the open tier last."""
    for up_to, increment in tiers:
        if up_to is None or price < up_to:
            return increment
    # A table without a top tier: its last increment applies above its last bound.
    return tiers[-1][1]


@dataclass(frozen=True)
class BidState:
    starting_price: Decimal
    reserve_price: Decimal | None
    tiers: Tiers
    current_price: Decimal | None = None
    leader: int | None = None
    leader_max: Decimal | None = None

    @property
    def reserve_met(self) -> bool:
        if self.leader_max is None:
            return False
        return self.reserve_price is None or self.leader_max >= self.reserve_price


def next_minimum_bid(state: BidState) -> Decimal:
    if state.current_price is None:
        return state.starting_price
    return state.current_price + increment_at(state.current_price, state.tiers)


def _with_reserve(price: Decimal, leader_max: Decimal, reserve: Decimal | None) -> Decimal:
    if reserve is not None and leader_max >= reserve:
        return max(price, reserve)
    return price


@dataclass(frozen=True)
class BidOutcome:
    state: BidState
    previous_leader: int | None
    previous_price: Decimal | None

    @property
    def leader_changed(self) -> bool:
        return self.state.leader != self.previous_leader

    @property
    def price_changed(self) -> bool:
        return self.state.current_price != self.previous_price

    @property
    def public(self) -> bool:
        """Shown in the public bid history and counted in the lot's bids: the price or the lead moved."""
        return self.price_changed or self.leader_changed

    @property
    def outbid(self) -> int | None:
        """The bidder who lost the lead through this bid, if any."""
        if self.previous_leader is not None and self.leader_changed:
            return self.previous_leader
        return None


def apply_bid(state: BidState, bidder: int, max_amount: Decimal) -> BidOutcome:
    """The state after `bidder` gives the maximum `max_amount`; raises BidRejected if it is refused."""
    minimum = next_minimum_bid(state)
    if max_amount < minimum:
        raise BidRejected("below_minimum", _("The next minimum bid is %(amount)s.") % {"amount": minimum})
    if state.leader is None:
        price, leader, leader_max = state.starting_price, bidder, max_amount
    elif bidder == state.leader:
        if max_amount <= state.leader_max:
            raise BidRejected("not_above_own_maximum",
                              _("You already lead; a new maximum must exceed your current one."))
        price, leader, leader_max = state.current_price, bidder, max_amount
    elif max_amount > state.leader_max:
        second = state.leader_max
        price = min(max_amount, second + increment_at(second, state.tiers))
        leader, leader_max = bidder, max_amount
    else:  # the leader's earlier maximum is at least as high: they keep the lead
        price = min(state.leader_max, max_amount + increment_at(max_amount, state.tiers))
        leader, leader_max = state.leader, state.leader_max
    price = _with_reserve(price, leader_max, state.reserve_price)
    new = BidState(state.starting_price, state.reserve_price, state.tiers, price, leader, leader_max)
    return BidOutcome(new, state.leader, state.current_price)

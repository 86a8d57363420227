"""A plain reference implementation of the proxy-bidding rules, written independently of
auctions.engine: it keeps every bidder's maximum and recomputes the price from all of them after
each accepted bid, replayed in order."""

from __future__ import annotations

from decimal import Decimal


def increment(price: Decimal, tiers) -> Decimal:
    for up_to, inc in tiers:
        if up_to is None or price < up_to:
            return inc
    return tiers[-1][1]


class Reference:
    def __init__(self, starting: Decimal, reserve: Decimal | None, tiers):
        self.starting, self.reserve, self.tiers = starting, reserve, tiers
        self.maxima: dict[int, tuple[Decimal, int]] = {}  # bidder -> (maximum, when it was given)
        self.price: Decimal | None = None
        self.leader: int | None = None
        self.clock = 0

    @property
    def leader_max(self) -> Decimal | None:
        return self.maxima[self.leader][0] if self.leader is not None else None

    def next_minimum(self) -> Decimal:
        return self.starting if self.price is None else self.price + increment(self.price, self.tiers)

    def would_accept(self, bidder: int, amount: Decimal) -> bool:
        if amount < self.next_minimum():
            return False
        return not (bidder == self.leader and amount <= self.leader_max)

    def bid(self, bidder: int, amount: Decimal) -> None:
        """Apply an accepted bid."""
        previous_leader = self.leader
        self.clock += 1
        self.maxima[bidder] = (amount, self.clock)
        ranked = sorted(self.maxima.items(), key=lambda item: (-item[1][0], item[1][1]))
        self.leader = ranked[0][0]
        top = ranked[0][1][0]
        if len(ranked) == 1:
            price = self.starting
        elif bidder == previous_leader:
            price = self.price  # a leader raising their own maximum does not raise the price
        else:
            second = ranked[1][1][0]
            price = min(top, second + increment(second, self.tiers))
        if self.reserve is not None and top >= self.reserve:
            price = max(price, self.reserve)
        self.price = price


def replay(starting: Decimal, reserve: Decimal | None, tiers, accepted: list[tuple[int, Decimal]]) -> Reference:
    ref = Reference(starting, reserve, tiers)
    for bidder, amount in accepted:
        ref.bid(bidder, amount)
    return ref

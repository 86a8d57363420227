"""Settlement tests build on the auctions fixtures: a published auction with open lots, bidders."""

from tests.auctions.conftest import (  # noqa: F401 - fixtures
    _fast_password_hashing,
    _fresh_cache,
    auction_and_lot,
    bidder_factory,
    lot,
    open_lot_factory,
    sale_asset,
)

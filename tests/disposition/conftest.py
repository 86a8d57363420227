"""Settlement tests build on the auctions fixtures: a published auction with open lots, bidders."""

from tests.auctions.conftest import (  # noqa: F401 - fixtures
    _fast_password_hashing,
    _fresh_cache,
    auction_and_lot,
    bidder_factory,
    localstripe_url,
    lot,
    open_lot_factory,
    sale_asset,
)

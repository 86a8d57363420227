import pytest

from tests.auctions.factories import asset_for_sale, make_bidder, open_auction_with_lots


@pytest.fixture
def sale_asset(case, case_officer, approver, auction_manager):
    return asset_for_sale(case=case, officer=case_officer, approver=approver, manager=auction_manager)


@pytest.fixture
def open_lot_factory(case, case_officer, approver, auction_manager):
    def make(n_lots: int = 1, **kwargs):
        assets = [asset_for_sale(case=case, officer=case_officer, approver=approver, manager=auction_manager,
                                 title=f"Lot asset {i}") for i in range(n_lots)]
        return open_auction_with_lots(manager=auction_manager, approver=approver, assets=assets, **kwargs)

    return make


@pytest.fixture
def auction_and_lot(open_lot_factory):
    auction, lots = open_lot_factory(1)
    return auction, lots[0]


@pytest.fixture
def lot(auction_and_lot):
    return auction_and_lot[1]


@pytest.fixture
def bidder_factory(auction_manager, auction_and_lot):
    auction = auction_and_lot[0]

    def make(**kwargs):
        kwargs.setdefault("auctions", [auction])
        return make_bidder(reviewer=auction_manager, **kwargs)

    return make


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Test users get a cheap hash: PBKDF2 at full strength costs most of a test's time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Cached eligibility and increment tables must not leak between tests (ids repeat after a rollback)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()

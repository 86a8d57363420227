import pytest
from wagtail.models import Page, Site

from cms.models import HomePage, SiteMenu, StandardPage
from tests.auctions.factories import asset_for_sale, open_auction_with_lots


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Menus and auction figures are cached; a test must not see another's (ids repeat after a rollback)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # test users only


@pytest.fixture
def home(db) -> HomePage:
    """The home page the migration made: the default site's root."""
    return Site.objects.get(is_default_site=True).root_page.specific


@pytest.fixture
def page(home):
    """A published standard page under the home page."""

    def make(title: str, *, parent: Page | None = None, **fields) -> StandardPage:
        page = StandardPage(title=title, **fields)
        (parent or home).add_child(instance=page)
        page.save_revision().publish()
        return page

    return make


@pytest.fixture
def menu(home) -> SiteMenu:
    return SiteMenu.for_site(Site.objects.get(root_page=home))


@pytest.fixture
def open_lots(case, case_officer, approver, auction_manager):
    """A published auction with `n` open lots."""

    def make(n: int, **auction_fields):
        assets = [asset_for_sale(case=case, officer=case_officer, approver=approver, manager=auction_manager,
                                 title=f"Figures asset {i}") for i in range(n)]
        return open_auction_with_lots(manager=auction_manager, approver=approver, assets=assets, **auction_fields)

    return make

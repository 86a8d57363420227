"""Early sale and the asset's category (custody.models.CATEGORY_RULES): cash, bank accounts and bullion
are never early-sale candidates nor sold early; securities are sold early through a broker (a direct
sale), never at the public auction."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from common.exceptions import TransitionRefused
from custody.models import AssetStatus
from tests.factories import AssetFactory, CaseFactory, StorageLocationFactory
from valuation import services
from valuation.models import EarlySaleCandidate, EarlySaleRequest, RunTrigger
from valuation.viewsets import asset_page_url

from .factories import approved_appraisal, authorised_for_early_sale, into_custody

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _buttons(client, asset) -> set[str]:
    return set(re.findall(r'data-action="([a-z_]+)"', client.get(asset_page_url(asset.pk)).content.decode()))


def test_money_and_bullion_are_never_early_sale_candidates(case_officer):
    # Given assets of each kind, all in a costly vault, on a case decided in two years: keeping any of
    # them costs more than it is worth
    vault = StorageLocationFactory(name="Vault", daily_rate=Decimal("100.00"))
    case = CaseFactory(case_officer=case_officer,
                       expected_decision_date=timezone.localdate() + datetime.timedelta(days=730))
    held = {category: into_custody(AssetFactory(case=case, actor=case_officer, category=category, location=vault,
                                                declared_value=Decimal("10000.00")), case_officer)
            for category in ("vehicle", "cash", "bank_account", "precious_metals", "securities")}
    # When the recommendation runs
    services.early_sale_recommendation_run(trigger=RunTrigger.COMMAND, notify=False)
    # Then only what may be sold early is listed
    listed = set(EarlySaleCandidate.objects.values_list("asset__category", flat=True))
    assert listed == {"vehicle", "securities"}
    assert held["cash"].pk not in set(EarlySaleCandidate.objects.values_list("asset_id", flat=True))


@pytest.mark.parametrize("category,offered", [("vehicle", True), ("cash", False), ("bank_account", False),
                                              ("precious_metals", False)])
def test_early_sale_is_offered_only_for_categories_that_may_be_sold_early(client, case, case_officer, category,
                                                                          offered):
    asset = into_custody(AssetFactory(case=case, actor=case_officer, category=category), case_officer)
    client.force_login(case_officer)
    assert ("early_sale_request" in _buttons(client, asset)) is offered


def test_requesting_the_early_sale_of_cash_is_refused(case, case_officer):
    cash = into_custody(AssetFactory(case=case, actor=case_officer, category="cash"), case_officer)
    with pytest.raises(TransitionRefused, match="category “Cash”"):
        services.early_sale_request(asset_id=cash.pk, actor=case_officer, reason="depreciation",
                                    justification="Storage is costly")
    cash.refresh_from_db()
    assert cash.status == AssetStatus.IN_CUSTODY and not EarlySaleRequest.objects.exists()


def test_securities_sold_early_go_to_a_broker_not_to_the_auction(client, case, case_officer, approver, valuer,
                                                                 auction_manager):
    shares = AssetFactory(case=case, actor=case_officer, category="securities", title="1,000 shares")
    approved_appraisal(shares, valuer, approver, amount="20000.00")
    authorised_for_early_sale(shares, case_officer, approver)
    client.force_login(auction_manager)
    buttons = _buttons(client, shares)
    assert "early_sale_auction" not in buttons and "put_up_for_sale" not in buttons
    assert "direct_sale_propose" in buttons
    with pytest.raises(TransitionRefused, match="not sold through “Public auction”"):
        services.early_sale_route_to_auction(actor=auction_manager, asset_id=shares.pk)
    sale = services.direct_sale_propose(actor=case_officer, asset_id=shares.pk, buyer_name="Broker SA",
                                        buyer_contact="desk@broker.example", price=Decimal("20000.00"),
                                        currency="EUR", justification="Market price on the exchange")
    assert sale.pk and Decimal(sale.price) == Decimal("20000.00")

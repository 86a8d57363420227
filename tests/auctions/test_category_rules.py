"""Only categories that may be sold at public auction (custody.models.CATEGORY_RULES) ever reach a lot
or the catalogue's category filter: never cash, bank accounts, securities or bullion."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from auctions.exceptions import TransitionRefused
from auctions.models import Lot
from auctions.services import auctions
from tests.auctions.factories import asset_for_sale, make_auction

pytestmark = pytest.mark.django_db


def test_a_lot_refuses_securities_even_when_they_are_for_sale(client, case, case_officer, approver,
                                                              auction_manager):
    # Given shares authorised for an early sale and marked for sale (their buyer is a broker)
    shares = asset_for_sale(case=case, officer=case_officer, approver=approver, manager=auction_manager,
                            title="1,000 shares", category="securities")
    car = asset_for_sale(case=case, officer=case_officer, approver=approver, manager=auction_manager)
    draft = make_auction(manager=auction_manager)
    # When the auction manager opens the lot form, then the chooser does not offer them
    client.force_login(auction_manager)
    page = client.get(reverse("auctions_lots:add"), {"auction": draft.pk}).content.decode()
    assert car.reference in page and shares.reference not in page
    # and the service refuses them, naming the category
    with pytest.raises(TransitionRefused, match=r"category: .*Securities"):
        auctions.lot_create(actor=auction_manager, auction=draft, title="Shares", starting_price=Decimal("100"),
                            asset_ids=[shares.pk])
    assert not Lot.objects.exists()


def test_the_catalogue_category_filter_offers_only_auctionable_categories(client, lot):
    # Given an open lot (a car), when a visitor opens the catalogue
    html = client.get(reverse("auctions:catalogue")).content.decode()
    select = re.search(r'<select name="category".*?</select>', html, re.S).group(0)
    options = set(re.findall(r'<option value="([a-z_]*)"', select))
    assert "vehicle" in options
    assert not options & {"cash", "bank_account", "securities", "precious_metals"}

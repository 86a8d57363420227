"""Each asset category's rules (custody.models.CATEGORY_RULES) drive the life cycle: what the asset
page offers, what the services accept, and what the demo data shows.

Given a bank account, cash or securities, when staff open the asset, then they are offered only the
steps such an asset can take (no destruction of a bank account, no auction of cash), and a step
forced through the service is refused with the category named.
"""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from common.exceptions import TransitionRefused
from custody import services
from custody.models import CATEGORY_RULES, Asset, AssetCategory, AssetStatus, CustodyEvent
from tests.custody.admin_helpers import bring_to, order_for
from tests.custody.four_eyes import end_custody
from tests.factories import AssetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _buttons(client, asset) -> set[str]:
    html = client.get(reverse("custody_assets:inspect", args=[asset.pk])).content.decode()
    return set(re.findall(r'data-action="([a-z_]+)"', html)) & set(services.TRANSITIONS)


def _asset(case, officer, category: str, **kwargs):
    return AssetFactory(case=case, actor=officer, category=category, title=f"A {category}", **kwargs)


def test_every_category_has_its_rule():
    # A new category must say what it allows: no silent "anything goes" default.
    assert set(CATEGORY_RULES) == set(AssetCategory.values)


@pytest.mark.parametrize("category,state,expected", [
    ("vehicle", "in_custody", {"destroy", "declare_lost"}),
    ("bank_account", "in_custody", set()),
    ("securities", "in_custody", set()),
    ("cash", "in_custody", {"declare_lost"}),  # cash can be stolen, never destroyed
    ("real_estate", "in_custody", {"declare_lost"}),
    ("vehicle", "awaiting_disposition", {"dispose", "destroy", "declare_lost"}),
    ("bank_account", "awaiting_disposition", {"dispose"}),
])
def test_the_approver_is_offered_only_what_the_category_allows(client, case, case_officer, approver, category,
                                                                state, expected):
    asset = _asset(case, case_officer, category)
    bring_to(asset, state, officer=case_officer, approver=approver)
    client.force_login(approver)
    assert _buttons(client, asset) == expected


@pytest.mark.parametrize("category,offered", [("vehicle", True), ("cash", False), ("securities", False),
                                              ("precious_metals", False)])
def test_only_auctionable_categories_are_put_up_for_sale_after_confiscation(
        client, case, case_officer, approver, auction_manager, category, offered):
    asset = _asset(case, case_officer, category)
    bring_to(asset, "awaiting_disposition", officer=case_officer, approver=approver)
    client.force_login(auction_manager)
    assert ("put_up_for_sale" in _buttons(client, asset)) is offered


def test_destroying_a_bank_account_is_refused_by_the_service(case, case_officer, approver):
    # Given a frozen bank account in custody and a destruction order covering it
    account = _asset(case, case_officer, "bank_account")
    bring_to(account, "in_custody", officer=case_officer, approver=approver)
    order = order_for(account, "destruction")
    events = CustodyEvent.objects.filter(asset=account).count()
    # When the approver forces the step, then it is refused and nothing changes
    with pytest.raises(TransitionRefused, match="category “Bank account”"):
        services.asset_transition(asset_id=account.pk, transition="destroy", actor=approver, order_id=order.pk,
                                  reason="Ordered")
    with pytest.raises(TransitionRefused, match="category “Bank account”"):
        services.asset_transition(asset_id=account.pk, transition="declare_lost", actor=approver, reason="Gone")
    account.refresh_from_db()
    assert account.status == AssetStatus.IN_CUSTODY
    assert CustodyEvent.objects.filter(asset=account).count() == events


def test_the_destroy_page_of_a_bank_account_says_why_not(client, case, case_officer, approver):
    account = _asset(case, case_officer, "bank_account")
    bring_to(account, "in_custody", officer=case_officer, approver=approver)
    order = order_for(account, "destruction")
    client.force_login(approver)
    response = client.post(reverse("custody_assets:action_destroy", args=[account.pk]),
                           {"order": order.pk, "reason": "Ordered", "expected_status": "in_custody"}, follow=True)
    assert response.status_code == 200
    assert "not possible for an asset of the category “Bank account”" in response.content.decode()
    assert Asset.objects.get(pk=account.pk).status == AssetStatus.IN_CUSTODY


def test_cash_is_transferred_to_the_state_never_given_for_social_reuse(client, case, case_officer, approver):
    cash = _asset(case, case_officer, "cash", quantity=5000, unit="EUR")
    bring_to(cash, "awaiting_disposition", officer=case_officer, approver=approver)
    client.force_login(approver)
    # The form offers only the transfer
    html = client.get(reverse("custody_assets:action_dispose", args=[cash.pk])).content.decode()
    assert 'value="public_use"' in html and 'value="social_reuse"' not in html
    # And the service refuses social reuse beside the field
    with pytest.raises(ValidationError) as refused:
        services.custody_end_request(asset_id=cash.pk, transition="dispose", actor=approver, reason="Youth centre",
                                     disposition="social_reuse")
    assert "disposition" in refused.value.message_dict
    end_custody(asset_id=cash.pk, transition="dispose", actor=approver, reason="To the fund",
                disposition="public_use")
    cash.refresh_from_db()
    assert cash.status == AssetStatus.DISPOSED and cash.disposition_method == "public_use"


# ---- the demo follows the rules --------------------------------------------------------------


class _Command:
    def __init__(self):
        from io import StringIO

        self.stdout = StringIO()


@pytest.mark.parametrize("bulk", [False, True], ids=["through-services", "bulk"])
def test_demo_money_is_never_sold_destroyed_nor_given_away(bulk):
    import random

    from custody import demo

    demo.seed(_Command(), {"password": "demo-test-pass", "rng": random.Random(11), "assets": 300, "cases": 10,
                           "bulk": bulk})
    money = Asset.objects.filter(category__in=["cash", "bank_account"])
    assert money.exists()
    assert not money.filter(status__in=[AssetStatus.SOLD, AssetStatus.DESTROYED, AssetStatus.FOR_SALE,
                                        AssetStatus.EARLY_SALE_AUTHORISED]).exists()
    assert not money.filter(disposition_method__in=["sale", "social_reuse", "destruction"]).exists()
    assert not Asset.objects.filter(category__in=["bank_account", "securities"], status=AssetStatus.LOST).exists()
    assert not Asset.objects.filter(category="jewellery_art", title__startswith="Gold bars").exists()

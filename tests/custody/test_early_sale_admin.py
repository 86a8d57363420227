"""The register's early-sale screens (custody/early_sale_admin.py): request, endorse with four eyes,
reject, the court's authorisation, the listing, and the asset page's early-sale buttons.

Kept apart from test_admin.py because these screens are moving to valuation with the early-sale
workflow: this module goes with custody/early_sale_admin.py."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from custody import services
from custody.models import AssetStatus, CustodyEvent, EarlySaleRequest
from tests.custody.admin_helpers import bring_to, order_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROLES = ["case_officer", "custodian", "valuer", "auction_manager", "finance_officer", "approver", "auditor"]


def action_buttons(html: str) -> set[str]:
    return set(re.findall(r'data-action="([a-z_]+)"', html))


def messages_of(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


def asset_page(asset) -> str:
    return reverse("custody_asset_detail", args=[asset.pk])


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.parametrize("role", ROLES)
def test_every_staff_role_can_read_the_early_sale_requests(request, client, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("custody_early_sale:index")).status_code == 200


def test_staff_without_custody_permissions_are_refused_the_listing(client):
    user = UserFactory(username="intern")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    assert client.get(reverse("custody_early_sale:index")).status_code == 403


def test_the_register_menu_lists_the_early_sale_requests(client, auditor):
    client.force_login(auditor)
    assert "Early-sale requests" in client.get(reverse("wagtailadmin_home")).content.decode()


@pytest.mark.parametrize(("name", "data"), [
    ("custody_early_sale_request", {"expected_status": "in_custody", "reason": "cost", "justification": "x"}),
    ("custody_early_sale_endorse", {}),
    ("custody_early_sale_authorise", {"expected_status": "early_sale_requested"}),
])
def test_auditor_posts_are_refused(client, asset, auditor, name, data):
    client.force_login(auditor)
    events = CustodyEvent.objects.filter(asset=asset).count()
    response = client.post(reverse(name, args=[asset.pk]), data)
    assert response.status_code == 403
    assert CustodyEvent.objects.filter(asset=asset).count() == events




def test_early_sale_through_the_admin_with_four_eyes(client, asset, case_officer, approver, second_approver):
    bring_to(asset, "in_custody", officer=case_officer, approver=approver)
    # The case officer sees "request early sale" and requests it
    client.force_login(case_officer)
    html = client.get(asset_page(asset)).content.decode()
    assert "early_sale_request" in action_buttons(html)
    response = client.post(reverse("custody_early_sale_request", args=[asset.pk]), {
        "expected_status": "in_custody", "reason": "depreciation", "justification": "Loses 30% a year"})
    assert response.status_code == 302
    asset.refresh_from_db()
    assert asset.status == AssetStatus.EARLY_SALE_REQUESTED
    # Before endorsement the officer is told why the authorisation cannot be recorded yet
    html = client.get(asset_page(asset)).content.decode()
    assert "early_sale_authorise" not in action_buttons(html)
    assert "An approver must endorse the request first." in html
    # An approver endorses
    client.force_login(approver)
    html = client.get(asset_page(asset)).content.decode()
    assert {"early_sale_endorse", "early_sale_reject"} <= action_buttons(html)
    assert client.post(reverse("custody_early_sale_endorse", args=[asset.pk]), {"note": "Agreed"}).status_code == 302
    assert EarlySaleRequest.objects.get(asset=asset).status == "endorsed"
    # The officer records the court's authorisation, citing the order
    client.force_login(case_officer)
    html = client.get(asset_page(asset)).content.decode()
    assert "early_sale_authorise" in action_buttons(html)
    order = order_for(asset, "early_sale")
    # ... which is refused, with the reason, until the owner and claimants have been told
    response = client.post(reverse("custody_early_sale_authorise", args=[asset.pk]),
                           {"expected_status": "early_sale_requested", "order": order.pk}, follow=True)
    assert "Due process" in response.content.decode()
    asset.refresh_from_db()
    assert asset.status == AssetStatus.EARLY_SALE_REQUESTED
    from valuation.services import early_sale_parties_notify

    early_sale_parties_notify(actor=case_officer, asset_id=asset.pk, means="registered_letter",
                              notified_on=datetime.date.today())
    response = client.post(reverse("custody_early_sale_authorise", args=[asset.pk]),
                           {"expected_status": "early_sale_requested", "order": order.pk})
    assert response.status_code == 302
    asset.refresh_from_db()
    assert asset.status == AssetStatus.EARLY_SALE_AUTHORISED


def test_requester_cannot_endorse_their_own_request_and_is_told_why(client, asset, case_officer, approver):
    # Given someone who is both case officer and approver requested the early sale
    from django.contrib.auth.models import Group

    from custody import roles

    both = UserFactory(username="both", role=roles.CASE_OFFICER)
    both.groups.add(Group.objects.get(name=roles.APPROVER))
    bring_to(asset, "in_custody", officer=case_officer, approver=approver)
    services.early_sale_request(asset_id=asset.pk, actor=both, reason="cost", justification="Storage too dear")
    client.force_login(both)
    # Then the page shows no endorse button, but says why not
    html = client.get(asset_page(asset)).content.decode()
    assert not {"early_sale_endorse", "early_sale_reject"} & action_buttons(html)
    assert "another approver must decide" in html
    # And a crafted POST is refused with a message, not a 500
    response = client.post(reverse("custody_early_sale_endorse", args=[asset.pk]), {}, follow=True)
    assert response.status_code == 200
    assert any("your own request" in m for m in messages_of(response)), messages_of(response)
    assert EarlySaleRequest.objects.get(asset=asset).status == "requested"


def test_reject_needs_a_reason(client, asset, case_officer, approver):
    bring_to(asset, "in_custody", officer=case_officer, approver=approver)
    services.early_sale_request(asset_id=asset.pk, actor=case_officer, reason="cost", justification="Dear")
    client.force_login(approver)
    response = client.post(reverse("custody_early_sale_reject", args=[asset.pk]), {"note": ""})
    assert response.status_code == 400
    response = client.post(reverse("custody_early_sale_reject", args=[asset.pk]), {"note": "Keeps its value"})
    assert response.status_code == 302
    asset.refresh_from_db()
    assert asset.status == AssetStatus.IN_CUSTODY




def test_the_asset_page_shows_its_early_sale_requests(client, asset, case_officer, approver, auditor):
    bring_to(asset, "in_custody", officer=case_officer, approver=approver)
    services.early_sale_request(asset_id=asset.pk, actor=case_officer, reason="cost", justification="Storage too dear")
    client.force_login(auditor)
    html = client.get(asset_page(asset)).content.decode()
    assert "Early-sale requests" in html and "data-early-sale-requests" in html and "Storage too dear" in html
    assert not action_buttons(html)  # the auditor reads, and takes no step

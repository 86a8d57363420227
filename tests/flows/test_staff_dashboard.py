"""The staff dashboard (/admin/): each role's home lists the work waiting for it, with counts that
link to the listing filtered to exactly those records; the admin carries the agency's name and logo,
not Wagtail's; Django's own admin is not offered to staff who have nothing there."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from auctions.services import auctions as auction_services
from ledger import services as ledger_services
from tests.auctions.factories import asset_for_sale, make_auction, make_bidder
from tests.factories import AssetFactory, CaseFactory, StorageLocationFactory
from tests.valuation.factories import into_custody, pdf
from valuation import services as valuation_services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # test users only


def home(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    return response.content.decode()


def queue(html: str, label: str) -> tuple[str, int]:
    """The link and the count of the dashboard's queue called `label`."""
    match = re.search(r'<a href="([^"]+)">' + re.escape(label) + r'</a>\s*</td>\s*<td[^>]*>\s*<span[^>]*data-count>'
                      r'(\d+)</span>', html)
    assert match, f"no queue {label!r} on the dashboard"
    return match.group(1).replace("&amp;", "&"), int(match.group(2))


def test_the_approver_sees_requests_to_endorse_and_appraisals_to_review(client, asset, case_officer, approver,
                                                                        valuer):
    into_custody(asset, case_officer)
    valuation_services.early_sale_request(asset_id=asset.pk, actor=case_officer, reason="depreciation",
                                         justification="Loses value fast")
    appraisal = valuation_services.appraisal_create(
        actor=valuer, asset_id=asset.pk, method="market", amount=Decimal("9000.00"), currency="EUR",
        value_date=timezone.localdate(), evidence=[(pdf(), "Comparables")])
    valuation_services.appraisal_submit(actor=valuer, appraisal_id=appraisal.pk)

    html = home(client, approver)

    url, count = queue(html, "Early-sale requests awaiting endorsement")
    assert count == 1
    listing = client.get(url).content.decode()
    assert asset.reference in listing
    url, count = queue(html, "Appraisals to review")
    assert count == 1 and "status=submitted" in url
    assert asset.reference in client.get(url).content.decode()
    # the approver neither drafts appraisals nor restrains assets: not their queues
    assert "Draft appraisals to submit" not in html
    assert "Assets identified, to restrain or seize" not in html


def test_the_case_officer_sees_orders_to_attach_and_overdue_cases(client, asset, case, case_officer, approver):
    into_custody(asset, case_officer)
    valuation_services.early_sale_request(asset_id=asset.pk, actor=case_officer, reason="depreciation",
                                         justification="Loses value fast")
    valuation_services.early_sale_endorse(asset_id=asset.pk, actor=approver)
    late = CaseFactory(reference="LATE-1", case_officer=case_officer,
                       expected_decision_date=timezone.localdate() - datetime.timedelta(days=3))
    CaseFactory(reference="SOON-1", case_officer=case_officer,
                expected_decision_date=timezone.localdate() + datetime.timedelta(days=3))
    CaseFactory(reference="DONE-1", case_officer=case_officer, status="closed",
                expected_decision_date=timezone.localdate() - datetime.timedelta(days=30))

    html = home(client, case_officer)

    assert queue(html, "Endorsed early sales: court orders to attach")[1] == 1
    url, count = queue(html, "Cases past their expected decision date")
    assert count == 1
    listing = client.get(url).content.decode()
    assert late.reference in listing and "SOON-1" not in listing and "DONE-1" not in listing
    assert "Early-sale requests awaiting endorsement" not in html  # the approver's, not theirs


def test_the_auction_manager_sees_bidders_to_approve_and_the_approver_auctions_to_publish(
        client, case, case_officer, auction_manager, approver):
    pending = make_bidder(reviewer=auction_manager, approve=False, legal_name="Pending Person")
    make_bidder(reviewer=auction_manager)  # approved: not waiting
    auction = make_auction(manager=auction_manager)
    asset = asset_for_sale(case=case, officer=case_officer, approver=approver, manager=auction_manager)
    auction_services.lot_create(actor=auction_manager, auction=auction, title=asset.title,
                                starting_price=Decimal("100.00"), reserve_price=None, asset_ids=[asset.pk])
    auction_services.auction_schedule(auction_id=auction.pk, actor=auction_manager)

    html = home(client, auction_manager)
    url, count = queue(html, "Bidders to approve")
    assert count == 1
    assert pending.bidder_profile.legal_name in client.get(url).content.decode()
    assert "Scheduled auctions to publish" not in html  # an approver publishes

    html = home(client, approver)
    url, count = queue(html, "Scheduled auctions to publish")
    assert count == 1 and auction.title in client.get(url).content.decode()
    assert "Bidders to approve" not in html


def test_finance_sees_money_waiting_to_move_on(client, asset, finance_officer):
    ledger_services.proceeds_to_escrow(asset=asset, amount=Decimal("500.00"), currency="EUR", source="direct_sale:1")

    html = home(client, finance_officer)

    url, count = queue(html, "Escrow accounts holding sale proceeds")
    assert count == 1
    assert f"ESCROW-{asset.case.reference}-EUR" in client.get(url).content.decode()
    assert queue(html, "Proceeds to return to owners")[1] == 0


def test_a_role_with_nothing_to_do_sees_no_queues(client, auditor, asset):
    html = home(client, auditor)
    assert "data-dashboard-panel" not in html
    assert "Nothing is waiting for you." in html


def test_the_admin_carries_the_agencys_name_and_logo_not_wagtails(client, settings, case_officer):
    settings.AGENCY_NAME = "Office for Recovered Assets"
    html = home(client, case_officer)
    assert "<h1 class=\"w-h1 w-mt-0\">Office for Recovered Assets</h1>" in html
    assert "<title>Dashboard - Office for Recovered Assets</title>" in html
    assert "agency-logo.svg" in html
    assert "What's new in Wagtail" not in html and "What\\u0027s new in Wagtail" not in html
    assert "editor guide" not in html.lower()
    assert "gravatar.com" not in html
    client.logout()
    login = client.get(reverse("wagtailadmin_login")).content.decode()
    assert "Sign in to Office for Recovered Assets" in login and "agency-logo.svg" in login
    assert "Sign in to Wagtail" not in login


def test_the_search_all_pages_box_is_only_for_those_who_work_on_pages(client, case_officer, editor):
    assert "Search all pages" not in home(client, case_officer)
    assert "Search all pages" in home(client, editor)


def test_django_admin_is_not_offered_to_staff_who_have_nothing_there(client, case_officer, admin_user):
    client.force_login(case_officer)
    assert client.get("/django-admin/").status_code == 404
    assert client.get("/django-admin/auth/user/").status_code == 404
    assert "/django-admin/" not in home(client, case_officer)

    client.logout()
    response = client.get("/django-admin/")
    assert response.status_code == 302
    assert client.get(response["Location"]).url.startswith(reverse("wagtailadmin_login"))

    client.force_login(admin_user)
    assert client.get("/django-admin/").status_code == 200


def test_a_registered_asset_identified_only_waits_on_the_case_officer(client, case, case_officer, custodian):
    AssetFactory(case=case, actor=case_officer)
    url, count = queue(home(client, case_officer), "Assets identified, to restrain or seize")
    assert count == 1 and "status=identified" in url
    assert "Assets identified, to restrain or seize" not in home(client, custodian)


def test_the_custodian_sees_seized_assets_with_no_storage_site(client, case, case_officer, custodian):
    # Given a car seized into custody, with no storage site recorded yet, and a bank account seized too
    car = into_custody(AssetFactory(case=case, actor=case_officer, category="vehicle"), case_officer)
    account = into_custody(AssetFactory(case=case, actor=case_officer, category="bank_account"), case_officer)
    # Then the custodian's home asks to receive the car (a bank balance is kept by no one's warehouse)
    label = "Assets held with no storage site recorded, to receive"
    url, count = queue(home(client, custodian), label)
    assert count == 1
    listing = client.get(url).content.decode()
    assert car.reference in listing and account.reference not in listing
    # When it is received at a storage site, the queue empties
    from custody import services as custody_services
    site = StorageLocationFactory()
    custody_services.custody_event_record(asset_id=car.pk, actor=custodian, kind="received", location_id=site.pk,
                                          reason="Received with seals intact")
    assert queue(home(client, custodian), label)[1] == 0

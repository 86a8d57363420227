"""The "Auctions" screens of the Wagtail admin, per role: who sees what (200/403), four eyes on
publishing, lots only from assets for sale, bidder review with the identity document for auction
managers only, the screening list and the increment tables."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from auctions.models import Auction, BidderProfile, IncrementTable, Lot, ScreeningEntry
from custody import roles
from tests.auctions.factories import make_auction, make_bidder
from tests.auctions.public_helpers import pdf_upload
from tests.factories import AssetFactory, UserFactory

pytestmark = pytest.mark.django_db

INDEXES = ["auctions_admin_auction_index", "auctions_admin_lot_index", "auctions_admin_bidder_index",
           "auctions_admin_screening_index", "auctions_admin_increment_index"]


@pytest.mark.parametrize("role", ["auction_manager", "approver", "auditor", "finance_officer"])
def test_auction_staff_and_auditors_see_every_listing(client, request, role, lot):
    client.force_login(request.getfixturevalue(role))
    for name in INDEXES:
        response = client.get(reverse(name))
        assert response.status_code == 200, name
    assert lot.title in client.get(reverse("auctions_admin_lot_index")).content.decode()


@pytest.mark.parametrize("role", ["custodian", "valuer"])
def test_other_staff_are_refused(client, request, role):
    client.force_login(request.getfixturevalue(role))
    for name in INDEXES:
        assert client.get(reverse(name)).status_code == 403, name


def test_case_officer_sees_auctions_and_the_screening_list_but_not_bidders(client, case_officer, lot):
    client.force_login(case_officer)
    assert client.get(reverse("auctions_admin_auction_index")).status_code == 200
    assert client.get(reverse("auctions_admin_screening_index")).status_code == 200
    assert client.get(reverse("auctions_admin_bidder_index")).status_code == 403


def test_anonymous_and_bidders_are_sent_to_the_admin_login(client, bidder_factory):
    response = client.get(reverse("auctions_admin_auction_index"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(bidder_factory())
    response = client.get(reverse("auctions_admin_bidder_index"))
    assert response.status_code in (302, 403)


def test_menu_shows_auctions_to_managers_only(client, auction_manager, custodian):
    client.force_login(auction_manager)
    assert reverse("auctions_admin_bidder_index") in client.get("/admin/").content.decode()
    client.force_login(custodian)
    assert reverse("auctions_admin_bidder_index") not in client.get("/admin/").content.decode()


def test_unknown_ids_are_404(client, auction_manager):
    client.force_login(auction_manager)
    for url in ("/admin/auctions/auctions/999999/", "/admin/auctions/lots/999999/",
                "/admin/auctions/bidders/999999/", "/admin/auctions/lots/99999999999999999999999/"):
        assert client.get(url).status_code == 404, url


def test_bad_query_strings_do_not_fail(client, auction_manager, lot):
    client.force_login(auction_manager)
    for name in INDEXES:
        assert client.get(reverse(name), {"page": "abc", "status": "nope", "q": "x" * 300}).status_code == 200


# --------------------------------------------------------------------------------------------
# Auctions and four eyes
# --------------------------------------------------------------------------------------------


def _auction_form(**overrides) -> dict:
    now = timezone.localtime()
    data = {
        "title": "Spring vehicles", "slug": "spring-vehicles", "description": "Cars and vans.",
        "terms": "Sold as seen.", "opens_at": (now + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (now + datetime.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"), "time_zone": "Europe/Brussels",
        "currency": "EUR", "buyers_premium_percent": "10", "deposit_rule": "none", "deposit_amount": "",
        "deposit_percent": "", "pickup_info": "", "viewing_info": "", "soft_close_minutes": "3",
        "soft_close_cap_minutes": "30", "stagger_seconds": "60",
    }
    data.update(overrides)
    return data


def test_manager_creates_an_auction_approver_cannot(client, auction_manager, approver):
    client.force_login(approver)
    assert client.get(reverse("auctions_admin_auction_create")).status_code == 403
    client.force_login(auction_manager)
    response = client.post(reverse("auctions_admin_auction_create"), _auction_form())
    auction = Auction.objects.get(slug="spring-vehicles")
    assert response.status_code == 302 and response["Location"] == reverse("auctions_admin_auction_detail",
                                                                            args=[auction.pk])
    assert auction.created_by == auction_manager and auction.status == "draft"


def test_auction_form_errors_are_shown_not_500(client, auction_manager):
    client.force_login(auction_manager)
    response = client.post(reverse("auctions_admin_auction_create"),
                           _auction_form(closes_at="2000-01-01T00:00", deposit_rule="fixed",
                                         buyers_premium_percent="x"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "The auction must close after it opens." in html
    assert not Auction.objects.exists()


def test_auction_edit_only_while_draft(client, auction_manager, auction_and_lot):
    auction = auction_and_lot[0]
    client.force_login(auction_manager)
    response = client.get(reverse("auctions_admin_auction_edit", args=[auction.pk]))
    assert response.status_code == 302  # published: not editable
    draft = make_auction(manager=auction_manager)
    response = client.post(reverse("auctions_admin_auction_edit", args=[draft.pk]),
                           _auction_form(slug=draft.slug, title="Renamed"))
    assert response.status_code == 302
    assert Auction.objects.get(pk=draft.pk).title == "Renamed"


def test_four_eyes_the_creator_cannot_publish(client, case, case_officer, approver, second_approver, make_staff):
    from tests.auctions.factories import asset_for_sale

    both = make_staff(roles.AUCTION_MANAGER, username="both_roles")
    both.groups.add(Group.objects.get(name=roles.APPROVER))
    asset = asset_for_sale(case=case, officer=case_officer, approver=approver, manager=both)
    auction = make_auction(manager=both)
    client.force_login(both)
    client.post(reverse("auctions_admin_lot_create"), {
        "auction": auction.pk, "assets": [asset.pk], "title": "Van", "starting_price": "500", "reserve_price": ""})
    assert auction.lots.count() == 1
    client.post(reverse("auctions_admin_auction_action", args=[auction.pk, "schedule"]))
    assert Auction.objects.get(pk=auction.pk).status == "scheduled"

    page = client.get(reverse("auctions_admin_auction_detail", args=[auction.pk])).content.decode()
    assert "another approver must publish it" in page
    assert reverse("auctions_admin_auction_action", args=[auction.pk, "publish"]) not in page
    response = client.post(reverse("auctions_admin_auction_action", args=[auction.pk, "publish"]), follow=True)
    assert response.status_code == 200
    assert "another approver must publish it" in response.content.decode()
    assert Auction.objects.get(pk=auction.pk).status == "scheduled"

    client.force_login(second_approver)
    client.post(reverse("auctions_admin_auction_action", args=[auction.pk, "publish"]))
    published = Auction.objects.get(pk=auction.pk)
    assert published.status == "published" and published.published_by == second_approver


def test_manager_cannot_publish(client, auction_manager, lot):
    draft = make_auction(manager=auction_manager)
    client.force_login(auction_manager)
    assert client.post(reverse("auctions_admin_auction_action", args=[draft.pk, "publish"])).status_code == 403
    assert client.post(reverse("auctions_admin_auction_action", args=[draft.pk, "nonsense"])).status_code == 404


def test_scheduling_without_lots_is_a_message(client, auction_manager):
    draft = make_auction(manager=auction_manager)
    client.force_login(auction_manager)
    response = client.post(reverse("auctions_admin_auction_action", args=[draft.pk, "schedule"]), follow=True)
    assert response.status_code == 200
    assert "An auction needs at least one lot." in response.content.decode()


# --------------------------------------------------------------------------------------------
# Lots
# --------------------------------------------------------------------------------------------


def test_lot_chooser_offers_only_assets_for_sale(client, case, case_officer, auction_manager, sale_asset):
    kept = AssetFactory(case=case, actor=case_officer, title="Still in custody")
    draft = make_auction(manager=auction_manager)
    client.force_login(auction_manager)
    page = client.get(reverse("auctions_admin_lot_create"), {"auction": draft.pk}).content.decode()
    assert sale_asset.reference in page and kept.reference not in page

    response = client.post(reverse("auctions_admin_lot_create"), {
        "auction": draft.pk, "assets": [kept.pk], "title": "Sneaky", "starting_price": "100"})
    assert response.status_code == 400
    assert not Lot.objects.filter(title="Sneaky").exists()

    response = client.post(reverse("auctions_admin_lot_create"), {
        "auction": draft.pk, "assets": [sale_asset.pk], "title": "Car", "starting_price": "1000",
        "reserve_price": "900"})
    assert response.status_code == 400
    assert "The reserve cannot be below the starting price." in response.content.decode()

    response = client.post(reverse("auctions_admin_lot_create"), {
        "auction": draft.pk, "assets": [sale_asset.pk], "title": "Car", "starting_price": "1000",
        "reserve_price": "1500"})
    assert response.status_code == 302
    lot = Lot.objects.get(title="Car")
    assert lot.reserve_price == Decimal("1500.00") and list(lot.assets.all()) == [sale_asset]
    # Once in a lot, the asset is no longer offered.
    assert sale_asset.reference not in client.get(reverse("auctions_admin_lot_create")).content.decode()


def test_lot_page_shows_reserve_and_bids_to_staff(client, auditor, open_lot_factory, auction_manager):
    auction, (lot,) = open_lot_factory(1, reserve_price="750.00")
    bidder = make_bidder(reviewer=auction_manager, auctions=[auction], username="visible_to_staff")
    from auctions.services import bidding

    bidding.lot_place_bid(lot_id=lot.pk, bidder=bidder, max_amount="300.00")
    client.force_login(auditor)
    html = client.get(reverse("auctions_admin_lot_detail", args=[lot.pk])).content.decode()
    assert "750.00 EUR" in html and "visible_to_staff" in html
    assert "Cancel the lot" not in html  # auditors only read


def test_lot_cancel_needs_a_reason(client, approver, lot):
    client.force_login(approver)
    client.post(reverse("auctions_admin_lot_cancel", args=[lot.pk]), {"reason": ""})
    assert Lot.objects.get(pk=lot.pk).status == "open"
    client.post(reverse("auctions_admin_lot_cancel", args=[lot.pk]), {"reason": "Court lifted the order"})
    assert Lot.objects.get(pk=lot.pk).status == "cancelled"


def test_auditor_cannot_cancel(client, auditor, lot):
    client.force_login(auditor)
    assert client.post(reverse("auctions_admin_lot_cancel", args=[lot.pk]), {"reason": "x"}).status_code == 403
    assert Lot.objects.get(pk=lot.pk).status == "open"


# --------------------------------------------------------------------------------------------
# Bidder review and identity documents
# --------------------------------------------------------------------------------------------


@pytest.fixture
def pending_profile(db):
    from auctions.services import bidders

    user = UserFactory(username="applicant", is_staff=False)
    return bidders.bidder_profile_create(
        user=user, legal_name="Anna Applicant", address="2 High Street", phone="+32 2 111 11 11",
        id_document_type="passport", id_document_number="X1234567", date_of_birth=datetime.date(1990, 5, 4),
        id_document_file=pdf_upload())


def test_review_queue_lists_pending_profiles(client, auction_manager, pending_profile):
    client.force_login(auction_manager)
    html = client.get(reverse("auctions_admin_bidder_index")).content.decode()
    assert "Anna Applicant" in html


def test_manager_approves_and_rejects_with_a_reason(client, auction_manager, pending_profile):
    client.force_login(auction_manager)
    url = reverse("auctions_admin_bidder_decide", args=[pending_profile.pk, "reject"])
    client.post(url, {"reason": ""})
    assert BidderProfile.objects.get(pk=pending_profile.pk).status == "pending"
    client.post(url, {"reason": "The document is unreadable."})
    profile = BidderProfile.objects.get(pk=pending_profile.pk)
    assert profile.status == "rejected" and profile.rejection_reason == "The document is unreadable."
    client.post(reverse("auctions_admin_bidder_decide", args=[pending_profile.pk, "approve"]))
    assert BidderProfile.objects.get(pk=pending_profile.pk).status == "approved"


@pytest.mark.parametrize("role", ["approver", "auditor", "finance_officer"])
def test_only_auction_managers_decide_and_open_identity_documents(client, request, role, pending_profile):
    client.force_login(request.getfixturevalue(role))
    detail = client.get(reverse("auctions_admin_bidder_detail", args=[pending_profile.pk]))
    assert detail.status_code == 200
    html = detail.content.decode()
    assert reverse("auctions_admin_bidder_document", args=[pending_profile.pk]) not in html
    assert "Approve" not in html
    assert client.get(reverse("auctions_admin_bidder_document", args=[pending_profile.pk])).status_code == 403
    response = client.post(reverse("auctions_admin_bidder_decide", args=[pending_profile.pk, "approve"]))
    assert response.status_code == 403
    assert BidderProfile.objects.get(pk=pending_profile.pk).status == "pending"


def test_manager_opens_the_identity_document(client, auction_manager, pending_profile):
    client.force_login(auction_manager)
    html = client.get(reverse("auctions_admin_bidder_detail", args=[pending_profile.pk])).content.decode()
    url = reverse("auctions_admin_bidder_document", args=[pending_profile.pk])
    assert url in html
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_screening_match_is_shown_to_the_reviewer(client, auction_manager, pending_profile):
    ScreeningEntry.objects.create(name="A. Applicant", identity_number="x-123 4567", reason="Defendant's sister",
                                  added_by=auction_manager)
    client.force_login(auction_manager)
    html = client.get(reverse("auctions_admin_bidder_detail", args=[pending_profile.pk])).content.decode()
    assert "Defendant&#x27;s sister" in html or "Defendant's sister" in html


# --------------------------------------------------------------------------------------------
# Screening list and increment tables
# --------------------------------------------------------------------------------------------


def test_screening_list_add_and_remove(client, auction_manager, case):
    client.force_login(auction_manager)
    response = client.post(reverse("auctions_admin_screening_add"), {"name": "No Identity", "reason": "x"})
    assert response.status_code == 400 and "Give an identity number or a date of birth" in response.content.decode()
    response = client.post(reverse("auctions_admin_screening_add"), {
        "name": "Owner's Brother", "identity_number": "AB 123", "case": case.pk, "reason": "Family of the owner"})
    assert response.status_code == 302
    entry = ScreeningEntry.objects.get(name="Owner's Brother")
    assert entry.case == case and entry.added_by == auction_manager
    client.post(reverse("auctions_admin_screening_delete", args=[entry.pk]))
    assert not ScreeningEntry.objects.filter(pk=entry.pk).exists()


def test_auditor_reads_the_screening_list_only(client, auditor, auction_manager):
    entry = ScreeningEntry.objects.create(name="Barred", identity_number="Z9", reason="r", added_by=auction_manager)
    client.force_login(auditor)
    assert "Barred" in client.get(reverse("auctions_admin_screening_index")).content.decode()
    assert client.get(reverse("auctions_admin_screening_add")).status_code == 403
    assert client.post(reverse("auctions_admin_screening_delete", args=[entry.pk])).status_code == 403
    assert ScreeningEntry.objects.filter(pk=entry.pk).exists()


def _tiers(*rows) -> dict:
    data = {"tiers-TOTAL_FORMS": str(len(rows)), "tiers-INITIAL_FORMS": "0", "tiers-MIN_NUM_FORMS": "0",
            "tiers-MAX_NUM_FORMS": "20"}
    for i, (up_to, increment) in enumerate(rows):
        data[f"tiers-{i}-up_to"], data[f"tiers-{i}-increment"] = up_to, increment
    return data


def test_increment_table_editing(client, auction_manager, auditor):
    client.force_login(auction_manager)
    response = client.post(reverse("auctions_admin_increment_create"),
                           {"name": "Cars", **_tiers(("1000", "50"), ("", "100"), ("", ""))})
    assert response.status_code == 302
    table = IncrementTable.objects.get(name="Cars")
    assert table.tiers_as_tuples() == ((Decimal("1000.00"), Decimal("50.00")), (None, Decimal("100.00")))

    response = client.post(reverse("auctions_admin_increment_edit", args=[table.pk]),
                           {"name": "Cars", **_tiers(("1000", "50"), ("", "100"), ("", "200"))})
    assert response.status_code == 400
    assert "Exactly one tier must have no upper bound" in response.content.decode()
    response = client.post(reverse("auctions_admin_increment_edit", args=[table.pk]),
                           {"name": "Cars", **_tiers(("abc", "50"), ("", "100"))})
    assert response.status_code == 400

    client.force_login(auditor)
    assert client.get(reverse("auctions_admin_increment_edit", args=[table.pk])).status_code == 403
    assert "Cars" in client.get(reverse("auctions_admin_increment_index")).content.decode()

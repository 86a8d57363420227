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

INDEXES = ["auctions_auctions:index", "auctions_lots:index", "auctions_bidders:index",
           "auctions_screening:index", "auctions_increments:index"]


@pytest.mark.parametrize("role", ["auction_manager", "approver", "auditor", "finance_officer"])
def test_auction_staff_and_auditors_see_every_listing(client, request, role, lot):
    client.force_login(request.getfixturevalue(role))
    for name in INDEXES:
        response = client.get(reverse(name))
        assert response.status_code == 200, name
    assert lot.title in client.get(reverse("auctions_lots:index")).content.decode()


@pytest.mark.parametrize("role", ["custodian", "valuer"])
def test_other_staff_are_refused(client, request, role):
    client.force_login(request.getfixturevalue(role))
    for name in INDEXES:
        assert client.get(reverse(name)).status_code == 403, name


def test_case_officer_sees_auctions_and_the_screening_list_but_not_bidders(client, case_officer, lot):
    client.force_login(case_officer)
    assert client.get(reverse("auctions_auctions:index")).status_code == 200
    assert client.get(reverse("auctions_screening:index")).status_code == 200
    assert client.get(reverse("auctions_bidders:index")).status_code == 403


def test_anonymous_and_bidders_are_sent_to_the_admin_login(client, bidder_factory):
    response = client.get(reverse("auctions_auctions:index"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(bidder_factory())
    response = client.get(reverse("auctions_bidders:index"))
    assert response.status_code in (302, 403)


def test_menu_shows_auctions_to_managers_only(client, auction_manager, custodian):
    client.force_login(auction_manager)
    assert reverse("auctions_bidders:index") in client.get("/admin/").content.decode()
    client.force_login(custodian)
    assert reverse("auctions_bidders:index") not in client.get("/admin/").content.decode()


def test_unknown_ids_are_404(client, auction_manager):
    client.force_login(auction_manager)
    for url in ("/admin/auctions/auctions/inspect/999999/", "/admin/auctions/lots/inspect/999999/",
                "/admin/auctions/bidders/inspect/999999/", "/admin/auctions/lots/inspect/99999999999999999999999/",
                "/admin/auctions/lots/cancel/999999/", "/admin/auctions/bidders/document/999999/"):
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
    assert client.get(reverse("auctions_auctions:add")).status_code == 403
    client.force_login(auction_manager)
    response = client.post(reverse("auctions_auctions:add"), _auction_form())
    auction = Auction.objects.get(slug="spring-vehicles")
    assert response.status_code == 302 and response["Location"] == reverse("auctions_auctions:inspect",
                                                                            args=[auction.pk])
    assert auction.created_by == auction_manager and auction.status == "draft"


def test_auction_form_errors_are_shown_not_500(client, auction_manager):
    client.force_login(auction_manager)
    response = client.post(reverse("auctions_auctions:add"),
                           _auction_form(closes_at="2000-01-01T00:00", deposit_rule="fixed",
                                         buyers_premium_percent="x"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "The auction must close after it opens." in html
    assert not Auction.objects.exists()


def test_auction_edit_only_while_draft(client, auction_manager, auction_and_lot):
    auction = auction_and_lot[0]
    client.force_login(auction_manager)
    response = client.get(reverse("auctions_auctions:edit", args=[auction.pk]))
    assert response.status_code == 302  # published: not editable
    draft = make_auction(manager=auction_manager)
    response = client.post(reverse("auctions_auctions:edit", args=[draft.pk]),
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
    client.post(reverse("auctions_lots:add"), {
        "auction": auction.pk, "assets": [asset.pk], "title": "Van", "starting_price": "500", "reserve_price": ""})
    assert auction.lots.count() == 1
    client.post(reverse("auctions_auctions:action_schedule", args=[auction.pk]))
    assert Auction.objects.get(pk=auction.pk).status == "scheduled"

    page = client.get(reverse("auctions_auctions:inspect", args=[auction.pk])).content.decode()
    assert "another approver must publish it" in page
    assert reverse("auctions_auctions:action_publish", args=[auction.pk]) not in page
    response = client.post(reverse("auctions_auctions:action_publish", args=[auction.pk]), follow=True)
    assert response.status_code == 200
    assert "another approver must publish it" in response.content.decode()
    assert Auction.objects.get(pk=auction.pk).status == "scheduled"

    client.force_login(second_approver)
    client.post(reverse("auctions_auctions:action_publish", args=[auction.pk]))
    published = Auction.objects.get(pk=auction.pk)
    assert published.status == "published" and published.published_by == second_approver


def test_manager_cannot_publish(client, auction_manager, lot):
    draft = make_auction(manager=auction_manager)
    client.force_login(auction_manager)
    assert client.post(reverse("auctions_auctions:action_publish", args=[draft.pk])).status_code == 403
    assert client.post(f"/admin/auctions/auctions/nonsense/{draft.pk}/").status_code == 404


def test_scheduling_without_lots_is_a_message(client, auction_manager):
    draft = make_auction(manager=auction_manager)
    client.force_login(auction_manager)
    response = client.post(reverse("auctions_auctions:action_schedule", args=[draft.pk]), follow=True)
    assert response.status_code == 200
    assert "An auction needs at least one lot." in response.content.decode()


# --------------------------------------------------------------------------------------------
# Lots
# --------------------------------------------------------------------------------------------


def test_lot_chooser_offers_only_assets_for_sale(client, case, case_officer, auction_manager, sale_asset):
    kept = AssetFactory(case=case, actor=case_officer, title="Still in custody")
    draft = make_auction(manager=auction_manager)
    client.force_login(auction_manager)
    page = client.get(reverse("auctions_lots:add"), {"auction": draft.pk}).content.decode()
    assert sale_asset.reference in page and kept.reference not in page

    response = client.post(reverse("auctions_lots:add"), {
        "auction": draft.pk, "assets": [kept.pk], "title": "Sneaky", "starting_price": "100"})
    assert response.status_code == 400
    assert not Lot.objects.filter(title="Sneaky").exists()

    response = client.post(reverse("auctions_lots:add"), {
        "auction": draft.pk, "assets": [sale_asset.pk], "title": "Car", "starting_price": "1000",
        "reserve_price": "900"})
    assert response.status_code == 400
    assert "The reserve cannot be below the starting price." in response.content.decode()

    response = client.post(reverse("auctions_lots:add"), {
        "auction": draft.pk, "assets": [sale_asset.pk], "title": "Car", "starting_price": "1000",
        "reserve_price": "1500"})
    assert response.status_code == 302
    lot = Lot.objects.get(title="Car")
    assert lot.reserve_price == Decimal("1500.00") and list(lot.assets.all()) == [sale_asset]
    # Once in a lot, the asset is no longer offered.
    assert sale_asset.reference not in client.get(reverse("auctions_lots:add")).content.decode()


def test_lot_page_shows_reserve_and_bids_to_staff(client, auditor, open_lot_factory, auction_manager):
    auction, (lot,) = open_lot_factory(1, reserve_price="750.00")
    bidder = make_bidder(reviewer=auction_manager, auctions=[auction], username="visible_to_staff")
    from auctions.services import bidding

    bidding.lot_place_bid(lot_id=lot.pk, bidder=bidder, max_amount="300.00")
    client.force_login(auditor)
    html = client.get(reverse("auctions_lots:inspect", args=[lot.pk])).content.decode()
    assert "750.00 EUR" in html and "visible_to_staff" in html
    assert "Cancel the lot" not in html  # auditors only read


def test_lot_cancel_needs_a_reason(client, approver, lot):
    client.force_login(approver)
    client.post(reverse("auctions_lots:action_cancel", args=[lot.pk]), {"reason": ""})
    assert Lot.objects.get(pk=lot.pk).status == "open"
    client.post(reverse("auctions_lots:action_cancel", args=[lot.pk]), {"reason": "Court lifted the order"})
    assert Lot.objects.get(pk=lot.pk).status == "cancelled"


def test_auditor_cannot_cancel(client, auditor, lot):
    client.force_login(auditor)
    assert client.post(reverse("auctions_lots:action_cancel", args=[lot.pk]), {"reason": "x"}).status_code == 403
    assert Lot.objects.get(pk=lot.pk).status == "open"


# --------------------------------------------------------------------------------------------
# Bidder review and identity documents
# --------------------------------------------------------------------------------------------


@pytest.fixture
def pending_profile(db):
    from auctions.services import bidders

    user = UserFactory(username="applicant", is_staff=False)
    return bidders.bidder_profile_create(
        user=user, legal_name="Anna Applicant", address="2 High Street", phone="+32 2 555 11 11",
        id_document_type="passport", id_document_number="X1234567", date_of_birth=datetime.date(1990, 5, 4),
        id_document_file=pdf_upload())


def test_review_queue_lists_pending_profiles(client, auction_manager, pending_profile):
    client.force_login(auction_manager)
    html = client.get(reverse("auctions_bidders:index")).content.decode()
    assert "Anna Applicant" in html


def test_manager_approves_and_rejects_with_a_reason(client, auction_manager, pending_profile):
    client.force_login(auction_manager)
    url = reverse("auctions_bidders:action_reject", args=[pending_profile.pk])
    client.post(url, {"reason": ""})
    assert BidderProfile.objects.get(pk=pending_profile.pk).status == "pending"
    client.post(url, {"reason": "The document is unreadable."})
    profile = BidderProfile.objects.get(pk=pending_profile.pk)
    assert profile.status == "rejected" and profile.rejection_reason == "The document is unreadable."
    client.post(reverse("auctions_bidders:action_approve", args=[pending_profile.pk]))
    assert BidderProfile.objects.get(pk=pending_profile.pk).status == "approved"


@pytest.mark.parametrize("role", ["approver", "auditor", "finance_officer"])
def test_only_auction_managers_decide_and_open_identity_documents(client, request, role, pending_profile):
    client.force_login(request.getfixturevalue(role))
    detail = client.get(reverse("auctions_bidders:inspect", args=[pending_profile.pk]))
    assert detail.status_code == 200
    html = detail.content.decode()
    assert reverse("auctions_bidders:document", args=[pending_profile.pk]) not in html
    assert "Approve" not in html
    assert client.get(reverse("auctions_bidders:document", args=[pending_profile.pk])).status_code == 403
    response = client.post(reverse("auctions_bidders:action_approve", args=[pending_profile.pk]))
    assert response.status_code == 403
    assert BidderProfile.objects.get(pk=pending_profile.pk).status == "pending"


def test_manager_opens_the_identity_document(client, auction_manager, pending_profile):
    client.force_login(auction_manager)
    html = client.get(reverse("auctions_bidders:inspect", args=[pending_profile.pk])).content.decode()
    url = reverse("auctions_bidders:document", args=[pending_profile.pk])
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
    html = client.get(reverse("auctions_bidders:inspect", args=[pending_profile.pk])).content.decode()
    assert "Defendant&#x27;s sister" in html or "Defendant's sister" in html


# --------------------------------------------------------------------------------------------
# Screening list and increment tables
# --------------------------------------------------------------------------------------------


def test_screening_list_add_and_remove(client, auction_manager, case):
    client.force_login(auction_manager)
    response = client.post(reverse("auctions_screening:add"), {"name": "No Identity", "reason": "x"})
    assert response.status_code == 400 and "Give an identity number or a date of birth" in response.content.decode()
    response = client.post(reverse("auctions_screening:add"), {
        "name": "Owner's Brother", "identity_number": "AB 123", "case": case.pk, "reason": "Family of the owner"})
    assert response.status_code == 302
    entry = ScreeningEntry.objects.get(name="Owner's Brother")
    assert entry.case == case and entry.added_by == auction_manager
    client.post(reverse("auctions_screening:delete", args=[entry.pk]))
    assert not ScreeningEntry.objects.filter(pk=entry.pk).exists()


def test_auditor_reads_the_screening_list_only(client, auditor, auction_manager):
    entry = ScreeningEntry.objects.create(name="Barred", identity_number="Z9", reason="r", added_by=auction_manager)
    client.force_login(auditor)
    assert "Barred" in client.get(reverse("auctions_screening:index")).content.decode()
    assert client.get(reverse("auctions_screening:add")).status_code == 403
    assert client.post(reverse("auctions_screening:delete", args=[entry.pk])).status_code == 403
    assert ScreeningEntry.objects.filter(pk=entry.pk).exists()


def _tiers(*rows) -> dict:
    data = {"tiers-TOTAL_FORMS": str(len(rows)), "tiers-INITIAL_FORMS": "0", "tiers-MIN_NUM_FORMS": "0",
            "tiers-MAX_NUM_FORMS": "20"}
    for i, (up_to, increment) in enumerate(rows):
        data[f"tiers-{i}-up_to"], data[f"tiers-{i}-increment"] = up_to, increment
    return data


def test_increment_table_editing(client, auction_manager, auditor):
    client.force_login(auction_manager)
    response = client.post(reverse("auctions_increments:add"),
                           {"name": "Cars", **_tiers(("1000", "50"), ("", "100"), ("", ""))})
    assert response.status_code == 302
    table = IncrementTable.objects.get(name="Cars")
    assert table.tiers_as_tuples() == ((Decimal("1000.00"), Decimal("50.00")), (None, Decimal("100.00")))

    form = client.get(reverse("auctions_increments:edit", args=[table.pk])).content.decode()
    assert 'value="Cars"' in form and 'value="1,000.00"' in form and 'value="100.00"' in form
    response = client.post(reverse("auctions_increments:edit", args=[table.pk]),
                           {"name": "Cars", **_tiers(("1000", "50"), ("", "100"), ("", "200"))})
    assert response.status_code == 400
    assert "Exactly one tier must have no upper bound" in response.content.decode()
    response = client.post(reverse("auctions_increments:edit", args=[table.pk]),
                           {"name": "Cars", **_tiers(("abc", "50"), ("", "100"))})
    assert response.status_code == 400

    client.force_login(auditor)
    assert client.get(reverse("auctions_increments:edit", args=[table.pk])).status_code == 403
    assert "Cars" in client.get(reverse("auctions_increments:index")).content.decode()


# --------------------------------------------------------------------------------------------
# Life-cycle buttons: exactly the steps the user may take now, with the stale-status check
# --------------------------------------------------------------------------------------------


def _buttons(html: str) -> set[str]:
    import re

    return set(re.findall(r'data-action="(\w+)"', html))


def test_each_role_sees_the_buttons_it_may_use(client, auction_manager, approver, auditor, sale_asset):
    from auctions.services import auctions as service

    draft = make_auction(manager=auction_manager)
    service.lot_create(actor=auction_manager, auction=draft, title="Car", starting_price=Decimal("100"),
                       asset_ids=[sale_asset.pk])
    page = reverse("auctions_auctions:inspect", args=[draft.pk])
    client.force_login(auction_manager)
    html = client.get(page).content.decode()
    assert _buttons(html) == {"schedule", "cancel"}
    assert reverse("auctions_auctions:edit", args=[draft.pk]) in html
    client.force_login(approver)
    assert _buttons(client.get(page).content.decode()) == set()
    service.auction_schedule(auction_id=draft.pk, actor=auction_manager)
    assert _buttons(client.get(page).content.decode()) == {"publish"}
    client.force_login(auction_manager)
    html = client.get(page).content.decode()
    assert _buttons(html) == {"unschedule", "cancel"}
    assert reverse("auctions_auctions:edit", args=[draft.pk]) not in html  # no longer a draft
    client.force_login(auditor)
    html = client.get(page).content.decode()
    assert _buttons(html) == set() and "/edit/" not in html


def test_a_stale_publish_does_nothing(client, auction_manager, approver, sale_asset):
    from auctions.services import auctions as service

    auction = make_auction(manager=auction_manager)
    service.lot_create(actor=auction_manager, auction=auction, title="Car", starting_price=Decimal("100"),
                       asset_ids=[sale_asset.pk])
    service.auction_schedule(auction_id=auction.pk, actor=auction_manager)
    client.force_login(approver)
    form = client.get(reverse("auctions_auctions:action_publish", args=[auction.pk])).content.decode()
    assert 'name="expected_status" value="scheduled"' in form
    service.auction_unschedule(auction_id=auction.pk, actor=auction_manager)  # meanwhile
    response = client.post(reverse("auctions_auctions:action_publish", args=[auction.pk]),
                           {"expected_status": "scheduled"}, follow=True)
    assert "Someone else changed this" in response.content.decode()
    assert Auction.objects.get(pk=auction.pk).status == "draft"


def test_back_to_draft_then_edit_then_schedule_again(client, auction_manager, sale_asset):
    from auctions.services import auctions as service

    auction = make_auction(manager=auction_manager)
    lot = service.lot_create(actor=auction_manager, auction=auction, title="Car", starting_price=Decimal("100"),
                             asset_ids=[sale_asset.pk])
    service.auction_schedule(auction_id=auction.pk, actor=auction_manager)
    client.force_login(auction_manager)
    response = client.post(reverse("auctions_auctions:action_unschedule", args=[auction.pk]),
                           {"expected_status": "scheduled"})
    assert response.status_code == 302
    assert Auction.objects.get(pk=auction.pk).status == "draft"
    lot.refresh_from_db()
    assert lot.status == "draft" and lot.ends_at is None
    response = client.post(reverse("auctions_auctions:edit", args=[auction.pk]),
                           _auction_form(slug=auction.slug, title="Renamed"))
    assert response.status_code == 302 and Auction.objects.get(pk=auction.pk).title == "Renamed"
    client.post(reverse("auctions_auctions:action_schedule", args=[auction.pk]), {"expected_status": "draft"})
    assert Auction.objects.get(pk=auction.pk).status == "scheduled"
    lot.refresh_from_db()
    assert lot.status == "scheduled" and lot.ends_at is not None


def test_cancelling_an_auction_needs_a_reason_and_cancels_its_lots(
        client, auction_manager, approver, auction_and_lot, django_capture_on_commit_callbacks):
    auction, lot = auction_and_lot
    client.force_login(approver)  # approvers cancel lots, not whole auctions
    assert client.get(reverse("auctions_auctions:action_cancel", args=[auction.pk])).status_code == 403
    client.force_login(auction_manager)
    url = reverse("auctions_auctions:action_cancel", args=[auction.pk])
    assert client.post(url, {"expected_status": "published", "reason": ""}).status_code == 400
    assert Auction.objects.get(pk=auction.pk).status == "published"
    from unittest import mock

    with mock.patch("auctions.tasks.auction_finalise.delay") as finalise, \
            django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"expected_status": "published", "reason": "The court lifted the orders"})
    assert response.status_code == 302
    finalise.assert_called_once_with(auction_id=auction.pk)  # which releases the deposits
    assert Auction.objects.get(pk=auction.pk).status == "cancelled"
    assert Lot.objects.get(pk=lot.pk).status == "cancelled"
    html = client.get(reverse("auctions_auctions:inspect", args=[auction.pk])).content.decode()
    assert "The court lifted the orders" in html and _buttons(html) == set()


def test_the_lot_page_shows_pseudonyms_and_identities_only_to_those_who_may_see_bids(
        client, case_officer, auditor, open_lot_factory, auction_manager):
    from auctions.services import bidding

    auction, (lot,) = open_lot_factory(1)
    bidder = make_bidder(reviewer=auction_manager, auctions=[auction], username="quiet_bidder")
    bidding.lot_place_bid(lot_id=lot.pk, bidder=bidder, max_amount="300.00")
    url = reverse("auctions_lots:inspect", args=[lot.pk])
    client.force_login(auditor)
    html = client.get(url).content.decode()
    assert "Bidder 1 (quiet_bidder)" in html and "100.00 EUR" in html
    client.force_login(case_officer)
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200 and "Bidder 1" in html and "quiet_bidder" not in html
    assert "All bids (staff only)" not in html


def test_listings_filter_search_and_order(client, auction_manager, auction_and_lot):
    auction, lot = auction_and_lot
    draft = make_auction(manager=auction_manager, title="Quiet draft")
    client.force_login(auction_manager)
    index = reverse("auctions_auctions:index")
    html = client.get(index, {"status": "draft"}).content.decode()
    assert "Quiet draft" in html and auction.title not in html
    html = client.get(index, {"q": "quiet"}).content.decode()
    assert "Quiet draft" in html and auction.title not in html
    html = client.get(reverse("auctions_lots:index"), {"ordering": "-current_price"}).content.decode()
    assert lot.title in html and "100.00 EUR" in html
    assert reverse("auctions_auctions:inspect", args=[draft.pk]) in client.get(index).content.decode()


def test_screening_entries_are_removed_through_the_listing(client, auction_manager, case_officer):
    entry = ScreeningEntry.objects.create(name="Barred", identity_number="Z9", reason="r", added_by=auction_manager)
    client.force_login(case_officer)  # may add, not remove
    html = client.get(reverse("auctions_screening:index")).content.decode()
    assert reverse("auctions_screening:add") in html
    assert reverse("auctions_screening:delete", args=[entry.pk]) not in html
    client.force_login(auction_manager)
    html = client.get(reverse("auctions_screening:index")).content.decode()
    assert reverse("auctions_screening:delete", args=[entry.pk]) in html
    response = client.post(reverse("auctions_screening:delete", args=[entry.pk]), follow=True)
    assert "Removed from the screening list." in response.content.decode()


def test_the_identity_document_is_served_privately_and_logged(client, auction_manager, pending_profile):
    from auctions.models import AuctionLogEntry

    client.force_login(auction_manager)
    response = client.get(reverse("auctions_bidders:document", args=[pending_profile.pk]))
    assert {"private", "no-store"} <= {part.strip() for part in response["Cache-Control"].split(",")}
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert AuctionLogEntry.objects.filter(subject="bidder", subject_id=pending_profile.pk,
                                          action="view_document", actor=auction_manager).exists()


def test_listings_and_pages_cost_the_same_queries_for_one_lot_or_many(client, auditor, open_lot_factory,
                                                                       auction_manager):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from auctions.services import bidding

    def cost(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    auction, lots = open_lot_factory(1)
    bidding.lot_place_bid(lot_id=lots[0].pk, bidder=make_bidder(reviewer=auction_manager, auctions=[auction]),
                          max_amount="150.00")
    client.force_login(auditor)
    client.get(reverse("wagtailadmin_home"))  # the session's first request also notes it is active (once a minute)
    urls = [reverse("auctions_lots:index"), reverse("auctions_auctions:index"), reverse("auctions_bidders:index"),
            reverse("auctions_auctions:inspect", args=[auction.pk]),
            reverse("auctions_lots:inspect", args=[lots[0].pk])]
    before = {url: cost(url) for url in urls}
    more, more_lots = open_lot_factory(3)
    for n in range(3):
        bidder = make_bidder(reviewer=auction_manager, auctions=[auction])
        bidding.lot_place_bid(lot_id=lots[0].pk, bidder=bidder, max_amount=f"{200 + n * 50}.00")
    urls_now = urls[:3] + [reverse("auctions_auctions:inspect", args=[more.pk]), urls[4]]
    after = {url: cost(url) for url in urls_now}
    assert list(after.values()) == list(before.values())

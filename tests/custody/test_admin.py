"""The register's staff pages in the Wagtail admin, as each role sees and uses them."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.safestring import mark_safe
from wagtail import hooks

from custody import services
from custody.models import (
    Asset,
    AssetIdentifier,
    AssetStatus,
    Case,
    CourtOrder,
    CustodyEvent,
    Party,
)
from tests.custody.admin_helpers import bring_to, order_for, png_bytes
from tests.factories import AssetFactory, CaseFactory, StorageLocationFactory, UserFactory, pdf_bytes

pytestmark = pytest.mark.django_db

ROLES = ["case_officer", "custodian", "valuer", "auction_manager", "finance_officer", "approver", "auditor"]


def _buttons(html: str) -> set[str]:
    return set(re.findall(r'data-action="([a-z_]+)"', html))


def transition_buttons(html: str) -> set[str]:
    """The life-cycle transitions offered as buttons on the asset page."""
    return _buttons(html) & set(services.TRANSITIONS)


def action_buttons(html: str) -> set[str]:
    """The asset page's other buttons (custody event, photo, court order, the apps' own)."""
    return _buttons(html) - set(services.TRANSITIONS)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Staff fixtures hash a password each; a fast hasher keeps this module quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def no_role_staff(db):
    """On staff and let into the Wagtail admin, but holding no custody permission."""
    user = UserFactory(username="intern")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return user


# --------------------------------------------------------------------------------------------
# Who sees which page
# --------------------------------------------------------------------------------------------


READ_PAGES = [
    ("custody_assets:index", False),
    ("custody_assets:inspect", "asset"),
    ("custody_cases:index", False),
    ("custody_cases:inspect", "case"),
    ("custody_orders:index", False),
    ("custody_storage:index", False),
]


def _url(name, arg, asset):
    if arg == "asset":
        return reverse(name, args=[asset.pk])
    if arg == "case":
        return reverse(name, args=[asset.case_id])
    return reverse(name)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "arg"), READ_PAGES)
def test_every_staff_role_can_read_the_register(request, client, asset, role, name, arg):
    # Given a member of staff in any role
    client.force_login(request.getfixturevalue(role))
    # When they open a page of the register
    response = client.get(_url(name, arg, asset))
    # Then they see it
    assert response.status_code == 200


@pytest.mark.parametrize(("name", "arg"), READ_PAGES)
def test_staff_without_custody_permissions_are_refused(client, asset, no_role_staff, name, arg):
    client.force_login(no_role_staff)
    assert client.get(_url(name, arg, asset)).status_code == 403


def test_anonymous_visitors_are_sent_to_the_login_page(client, asset):
    response = client.get(reverse("custody_assets:inspect", args=[asset.pk]))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


# Forms and who may open them: the role that holds the permission, and nobody else.
FORM_PAGES = [
    ("custody_assets:add", None, {"case_officer"}),
    ("custody_cases:add", None, {"case_officer"}),
    ("custody_cases:action_record_order", "case", {"case_officer"}),
    ("custody_cases:action_party_add", "case", {"case_officer"}),
    ("custody_assets:action_custody_event", "asset", {"custodian"}),
    ("custody_assets:action_photo_add", "asset", {"case_officer", "custodian"}),
    ("custody_storage:add", None, {"custodian"}),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "arg", "allowed"), FORM_PAGES)
def test_forms_open_only_for_roles_holding_the_permission(request, client, asset, role, name, arg, allowed):
    client.force_login(request.getfixturevalue(role))
    response = client.get(_url(name, arg, asset))
    assert response.status_code == (200 if role in allowed else 403)


def test_custodian_adds_a_storage_location_and_the_auditor_cannot(client, custodian, auditor):
    from custody.models import StorageLocation

    data = {"name": "East cold store", "kind": "cold_store", "address": "Dock 7", "daily_rate": "80.00",
            "currency": "EUR", "active": "on"}
    client.force_login(auditor)
    assert client.post(reverse("custody_storage:add"), data).status_code == 403
    client.force_login(custodian)
    assert client.post(reverse("custody_storage:add"), data).status_code == 302
    assert StorageLocation.objects.get(name="East cold store").daily_rate == Decimal("80.00")


def test_register_menu_lists_the_register_for_staff(client, auditor):
    client.force_login(auditor)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    for label in ("Register", "Cases", "Assets", "Court orders", "Storage locations"):
        assert label in html


# --------------------------------------------------------------------------------------------
# The asset page: exactly the buttons the user may use
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("state", "role", "expected"), [
    ("identified", "case_officer", {"restrain", "seize", "release"}),
    ("identified", "custodian", set()),
    ("identified", "approver", set()),
    ("in_custody", "case_officer", {"confiscate", "release"}),
    ("in_custody", "approver", {"destroy", "declare_lost"}),
    ("in_custody", "auction_manager", set()),
    ("awaiting_disposition", "case_officer", {"release", "return_to_state"}),
    ("awaiting_disposition", "approver", {"dispose", "destroy", "declare_lost"}),
    ("awaiting_disposition", "auction_manager", {"put_up_for_sale"}),
    ("awaiting_disposition", "valuer", set()),
    ("disposed", "approver", set()),
    ("disposed", "case_officer", set()),
])
def test_asset_page_shows_exactly_the_transitions_the_role_may_take(
        request, client, asset, case_officer, approver, state, role, expected):
    bring_to(asset, state, officer=case_officer, approver=approver)
    client.force_login(request.getfixturevalue(role))
    html = client.get(reverse("custody_assets:inspect", args=[asset.pk])).content.decode()
    assert transition_buttons(html) == expected


def test_auditor_sees_everything_and_no_action(client, asset, case_officer, approver, auditor):
    # Given an asset in custody with a photo and an order
    bring_to(asset, "in_custody", officer=case_officer, approver=approver)
    services.asset_photo_add(asset_id=asset.pk, upload=SimpleUploadedFile("a.png", png_bytes()), actor=case_officer)
    # When the auditor opens it
    client.force_login(auditor)
    html = client.get(reverse("custody_assets:inspect", args=[asset.pk])).content.decode()
    # Then the history, timeline, orders and photo are there, and not one action
    assert "Chain of custody" in html and "Status history" in html
    assert "Seize into custody" in html  # the transition, in the history
    assert reverse("custody:photo", args=[asset.photos.get().pk, "thumbnail"]) in html
    assert transition_buttons(html) == set() and action_buttons(html) == set()
    assert "data-read-only" in html


def test_custodian_gets_custody_event_and_photo_actions(client, asset, custodian):
    client.force_login(custodian)
    html = client.get(reverse("custody_assets:inspect", args=[asset.pk])).content.decode()
    assert action_buttons(html) == {"custody_event", "photo_add"}


def test_asset_page_shows_identity_money_and_timeline(client, case, case_officer, auditor):
    # Given a registered vehicle with a VIN and a declared value
    location = StorageLocationFactory(name="North yard")
    asset = AssetFactory(case=case, actor=case_officer, title="Black saloon car", declared_value=Decimal("23456.70"),
                         currency="USD", location=location, identifiers=[("vin", "WVWZZZ1JZXW000001")])
    client.force_login(auditor)
    html = client.get(reverse("custody_assets:inspect", args=[asset.pk])).content.decode()
    assert "Black saloon car" in html and "WVWZZZ1JZXW000001" in html and "North yard" in html
    assert "23,456.70 USD" in html
    assert "Registered in the custody register" in html  # first entry of the custody chain
    assert case.reference in html


def test_money_is_formatted_for_the_active_language(client, case, case_officer, auditor):
    asset = AssetFactory(case=case, actor=case_officer, declared_value=Decimal("23456.70"), currency="EUR")
    client.force_login(auditor)
    html = client.get(reverse("custody_assets:inspect", args=[asset.pk]), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert re.search(r"23\s456,70 EUR", html)


# --------------------------------------------------------------------------------------------
# Taking a transition through the admin
# --------------------------------------------------------------------------------------------


def test_case_officer_restrains_an_asset_through_the_admin(client, asset, case_officer):
    # Given a restraint order covering the asset
    order = order_for(asset, "restraint")
    client.force_login(case_officer)
    url = reverse("custody_assets:action_restrain", args=[asset.pk])
    form_html = client.get(url).content.decode()
    assert order.reference in form_html
    # When the case officer submits the form
    response = client.post(url, {"expected_status": "identified", "order": order.pk, "reason": "Order served"})
    # Then the asset is restrained, the custody log says who, from, to, why and under which order
    assert response.status_code == 302 and response["Location"] == reverse("custody_assets:inspect", args=[asset.pk])
    asset.refresh_from_db()
    assert asset.status == AssetStatus.RESTRAINED
    event = CustodyEvent.objects.filter(asset=asset).order_by("-seq").first()
    assert (event.actor, event.from_state, event.to_state, event.order, event.reason) == (
        case_officer, "identified", "restrained", order, "Order served")
    page = client.get(response["Location"]).content.decode()
    assert "the asset is now “Restrained”" in page


def test_transition_form_offers_only_orders_of_the_right_type_covering_the_asset(client, asset, case, case_officer):
    good = order_for(asset, "restraint")
    other_type = order_for(asset, "seizure")
    other_asset = AssetFactory(case=case, actor=case_officer)
    not_covering = CourtOrder.objects.create(case=case, order_type="restraint", reference="R-OTHER",
                                             issued_on=datetime.date.today(), issuing_court="X")
    not_covering.assets.set([other_asset])
    client.force_login(case_officer)
    html = client.get(reverse("custody_assets:action_restrain", args=[asset.pk])).content.decode()
    assert good.reference in html
    assert other_type.reference not in html and "R-OTHER" not in html


def test_missing_order_and_missing_reason_are_form_errors(client, asset, case_officer, approver):
    client.force_login(case_officer)
    response = client.post(reverse("custody_assets:action_restrain", args=[asset.pk]),
                           {"expected_status": "identified"})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    bring_to(asset, "in_custody", officer=case_officer, approver=approver)
    client.force_login(approver)
    response = client.post(reverse("custody_assets:action_declare_lost", args=[asset.pk]),
                           {"expected_status": "in_custody", "reason": "  "})
    assert response.status_code == 400
    asset.refresh_from_db()
    assert asset.status == AssetStatus.IN_CUSTODY


def test_dispose_asks_for_the_disposition(client, asset, case_officer, approver, second_approver):
    bring_to(asset, "awaiting_disposition", officer=case_officer, approver=approver)
    client.force_login(approver)
    url = reverse("custody_assets:action_dispose", args=[asset.pk])
    assert 'name="disposition"' in client.get(url).content.decode()
    response = client.post(url, {"expected_status": "awaiting_disposition", "disposition": "public_use",
                                 "reason": "Handed to the fire brigade"})
    assert response.status_code == 302
    # (a second approver approves it: four eyes)
    client.force_login(second_approver)
    response = client.post(reverse("custody_assets:action_end_approve", args=[asset.pk]),
                           {"expected_status": "awaiting_disposition"})
    assert response.status_code == 302
    asset.refresh_from_db()
    assert (asset.status, asset.disposition_method) == (AssetStatus.DISPOSED, "public_use")


def test_stale_expected_status_gives_a_conflict_message_not_an_error(client, asset, case_officer):
    # Given two officers looked at the asset while it was identified, and the first restrained it
    order = order_for(asset, "restraint")
    services.asset_transition(asset_id=asset.pk, transition="restrain", actor=case_officer, order_id=order.pk)
    events_before = CustodyEvent.objects.filter(asset=asset).count()
    # When the second submits the form they opened before
    client.force_login(case_officer)
    response = client.post(reverse("custody_assets:action_seize", args=[asset.pk]),
                           {"expected_status": "identified", "order": order_for(asset, "seizure").pk},
                           follow=True)
    # Then they are told someone else changed it, and nothing more happened
    assert response.status_code == 200
    assert any("Someone else changed this asset" in m for m in messages_of(response))
    asset.refresh_from_db()
    assert asset.status == AssetStatus.RESTRAINED
    assert CustodyEvent.objects.filter(asset=asset).count() == events_before


def test_a_refused_transition_is_a_message_not_a_500(client, asset, case_officer):
    # An order of the case that does not cover the asset (crafted POST): the service refuses it.
    client.force_login(case_officer)
    order = order_for(asset, "restraint")
    order.assets.clear()
    response = client.post(reverse("custody_assets:action_restrain", args=[asset.pk]),
                           {"expected_status": "identified", "order": order.pk})
    # The form does not offer it, so it is a form error
    assert response.status_code == 400
    assert Asset.objects.get(pk=asset.pk).status == AssetStatus.IDENTIFIED


def test_unknown_transition_is_404(client, asset, case_officer):
    client.force_login(case_officer)
    assert client.get(f"/admin/register/assets/delete/{asset.pk}/").status_code == 404
    assert client.post(f"/admin/register/assets/record_sale/{asset.pk}/").status_code == 404


@pytest.mark.parametrize(("name", "path_args", "data"), [
    ("custody_assets:action_restrain", [], {"expected_status": "identified", "reason": "x"}),
    ("custody_assets:action_custody_event", [], {"kind": "inspected", "reason": "all fine"}),
    ("custody_assets:action_photo_add", [], {}),
    ("custody_assets:action_record_order", [], {"order_type": "seizure", "reference": "S-1"}),
])
def test_auditor_posts_are_refused(client, asset, auditor, name, path_args, data):
    client.force_login(auditor)
    events = CustodyEvent.objects.filter(asset=asset).count()
    response = client.post(reverse(name, args=[asset.pk, *path_args]), data)
    assert response.status_code == 403
    assert CustodyEvent.objects.filter(asset=asset).count() == events


@pytest.mark.parametrize(("name", "needs_case"), [
    ("custody_assets:add", False), ("custody_cases:add", False), ("custody_cases:action_record_order", True),
    ("custody_cases:action_party_add", True)])
def test_auditor_cannot_create_records(client, asset, auditor, name, needs_case):
    client.force_login(auditor)
    url = reverse(name, args=[asset.case_id]) if needs_case else reverse(name)
    assert client.post(url, {"title": "x", "reference": "x"}).status_code == 403


def test_custodian_cannot_post_a_transition_of_another_role(client, asset, case_officer, approver, custodian):
    bring_to(asset, "restrained", officer=case_officer, approver=approver)
    client.force_login(custodian)
    response = client.post(reverse("custody_assets:action_confiscate", args=[asset.pk]),
                           {"expected_status": "restrained", "order": order_for(asset, "confiscation").pk})
    assert response.status_code == 403
    assert Asset.objects.get(pk=asset.pk).status == AssetStatus.RESTRAINED


# --------------------------------------------------------------------------------------------
# Custody events, registration, orders, cases
# --------------------------------------------------------------------------------------------


def test_custodian_records_a_move(client, asset, custodian):
    yard = StorageLocationFactory(name="South yard")
    client.force_login(custodian)
    response = client.post(reverse("custody_assets:action_custody_event", args=[asset.pk]),
                           {"kind": "moved", "location": yard.pk, "reason": "Yard reorganised"})
    assert response.status_code == 302
    asset.refresh_from_db()
    assert asset.location == yard
    event = CustodyEvent.objects.filter(asset=asset).order_by("-seq").first()
    assert (event.kind, event.actor, event.location) == ("moved", custodian, yard)


def test_custody_event_refused_by_the_service_shows_the_form_again(client, asset, custodian):
    client.force_login(custodian)
    response = client.post(reverse("custody_assets:action_custody_event", args=[asset.pk]), {"kind": "handed_over"})
    assert response.status_code == 400
    assert "to whom" in response.content.decode()


def test_case_officer_registers_an_asset_with_identifiers(client, case, case_officer):
    client.force_login(case_officer)
    response = client.post(reverse("custody_assets:add"), {
        "case": case.pk, "category": "vehicle", "title": "Grey van", "quantity": "1", "unit": "item",
        "currency": "EUR", "declared_value": "12000.00",
        "identifier_1_scheme": "vin", "identifier_1_value": "VF1AAAAA000000001",
        "identifier_2_scheme": "registration", "identifier_2_value": "1-ABC-123",
    })
    assert response.status_code == 302
    asset = Asset.objects.get(title="Grey van")
    assert set(asset.identifiers.values_list("value", flat=True)) == {"VF1AAAAA000000001", "1-ABC-123"}
    assert CustodyEvent.objects.filter(asset=asset, transition="register").exists()


def test_duplicate_identifier_is_a_form_error_and_nothing_is_written(client, case, case_officer):
    AssetFactory(case=case, actor=case_officer, identifiers=[("vin", "WDD2221821A123456")])
    client.force_login(case_officer)
    count = Asset.objects.count()
    response = client.post(reverse("custody_assets:add"), {
        "case": case.pk, "category": "vehicle", "title": "Twin", "quantity": "1", "unit": "item",
        "currency": "EUR", "identifier_1_scheme": "vin", "identifier_1_value": "WDD2221821A123456"})
    assert response.status_code == 400
    assert Asset.objects.count() == count


def test_case_officer_records_a_court_order_with_its_document(client, asset, case_officer, valuer, no_role_staff):
    client.force_login(case_officer)
    pdf = SimpleUploadedFile("order.pdf", pdf_bytes(),
                             content_type="application/pdf")
    response = client.post(reverse("custody_cases:action_record_order", args=[asset.case_id]), {
        "order_type": "restraint", "reference": "RO-2026/17", "issued_on": datetime.date.today().isoformat(),
        "issuing_court": "Regional Court", "assets": [asset.pk], "document": pdf})
    assert response.status_code == 302
    order = CourtOrder.objects.get(reference="RO-2026/17")
    assert list(order.assets.all()) == [asset]
    # The document is downloadable by staff who may see orders, through the checked view only
    url = reverse("custody:order_document", args=[order.pk])
    client.force_login(valuer)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;") and "RO-2026-17.pdf" in response[
        "Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    client.force_login(no_role_staff)
    assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302


def test_court_order_with_a_document_that_is_not_a_pdf_is_a_form_error(client, asset, case_officer):
    client.force_login(case_officer)
    response = client.post(reverse("custody_cases:action_record_order", args=[asset.case_id]), {
        "order_type": "restraint", "reference": "RO-1", "issued_on": datetime.date.today().isoformat(),
        "issuing_court": "Regional Court", "document": SimpleUploadedFile("order.pdf", b"MZ\x90\x00 not a pdf")})
    assert response.status_code == 400
    assert "PDF, PNG or JPEG" in response.content.decode()
    assert not CourtOrder.objects.filter(reference="RO-1").exists()


def test_order_dated_in_the_future_is_a_form_error(client, asset, case_officer):
    client.force_login(case_officer)
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    response = client.post(reverse("custody_cases:action_record_order", args=[asset.case_id]), {
        "order_type": "seizure", "reference": "SO-9", "issued_on": tomorrow.isoformat(), "issuing_court": "X"})
    assert response.status_code == 400
    assert "future" in response.content.decode()


def test_case_officer_opens_a_case_and_adds_a_party(client, case_officer):
    client.force_login(case_officer)
    response = client.post(reverse("custody_cases:add"), {
        "reference": "CASE-NEW-1", "title": "State v. Example", "court": "High Court", "jurisdiction": "BE",
        "legal_basis": "non_conviction", "offence_type": "fraud", "country_of_origin": "FR", "status": "investigation"})
    assert response.status_code == 302
    case = Case.objects.get(reference="CASE-NEW-1")
    assert case.case_officer == case_officer
    response = client.post(reverse("custody_cases:action_party_add", args=[case.pk]), {
        "role": "third_party", "name": "Bank of Example", "claim_amount": "5000.00", "claim_currency": "EUR",
        "claim_description": "Mortgage"})
    assert response.status_code == 302
    html = client.get(reverse("custody_cases:inspect", args=[case.pk])).content.decode()
    assert "Bank of Example" in html and "5,000.00 EUR" in html
    assert Party.objects.filter(case=case).count() == 1


def test_case_page_shows_parties_orders_and_assets(client, asset, case_officer, auditor):
    services.party_add(actor=case_officer, case=asset.case, role="owner", name="Jane Owner")
    order = order_for(asset, "seizure")
    client.force_login(auditor)
    html = client.get(reverse("custody_cases:inspect", args=[asset.case_id])).content.decode()
    assert "Jane Owner" in html and order.reference in html and asset.reference in html
    assert "Register an asset" not in html  # the auditor adds nothing


# --------------------------------------------------------------------------------------------
# Listings: search, filters, pagination, query count
# --------------------------------------------------------------------------------------------


def test_case_listing_searches_and_filters(client, auditor):
    CaseFactory(reference="CASE-ALPHA", title="State v. Alpha", court="Court of Antwerp", status="trial")
    CaseFactory(reference="CASE-BETA", title="State v. Beta", court="Court of Ghent", status="appeal")
    client.force_login(auditor)
    html = client.get(reverse("custody_cases:index"), {"q": "Ghent"}).content.decode()
    assert "CASE-BETA" in html and "CASE-ALPHA" not in html
    html = client.get(reverse("custody_cases:index"), {"status": "trial"}).content.decode()
    assert "CASE-ALPHA" in html and "CASE-BETA" not in html


def test_asset_listing_searches_identifiers_and_filters(client, case, case_officer, auditor):
    van = AssetFactory(case=case, actor=case_officer, title="White van", identifiers=[("vin", "VF7VANVAN00000042")])
    AssetFactory(case=case, actor=case_officer, title="Gold watch", category="jewellery_art", perishable=False)
    fish = AssetFactory(case=CaseFactory(), actor=case_officer, title="Frozen fish", category="perishable",
                        perishable=True)
    client.force_login(auditor)
    url = reverse("custody_assets:index")
    html = client.get(url, {"q": "VF7VANVAN00000042"}).content.decode()
    assert van.reference in html and "Gold watch" not in html
    assert f'href="{reverse("custody_assets:inspect", args=[van.pk])}"' in html  # the row opens its page
    html = client.get(url, {"perishable": "true"}).content.decode()
    assert "Frozen fish" in html and "White van" not in html
    html = client.get(url, {"category": "jewellery_art"}).content.decode()
    assert "Gold watch" in html and "White van" not in html
    html = client.get(url, {"case": fish.case.reference}).content.decode()
    assert "Frozen fish" in html and "Gold watch" not in html
    html = client.get(url, {"ordering": "title"}).content.decode()
    assert html.index("Frozen fish") < html.index("Gold watch") < html.index("White van")
    # the fragment Wagtail fetches when the filters change gives the same rows
    html = client.get(reverse("custody_assets:index_results"), {"category": "perishable"}).content.decode()
    assert "Frozen fish" in html and "White van" not in html and "<html" not in html


def test_a_transition_not_possible_now_sends_back_with_a_message(client, asset, case_officer):
    client.force_login(case_officer)
    response = client.get(reverse("custody_assets:action_confiscate", args=[asset.pk]), follow=True)
    assert response.status_code == 200
    assert any("not possible while the asset is “Identified”" in m for m in messages_of(response))


def _bulk_assets(case, n: int, *, custodian=None) -> None:
    location = StorageLocationFactory(name="Bulk yard")
    Asset.objects.bulk_create([
        Asset(case=case, reference=f"{case.reference}/B{i:04d}", category="vehicle", title=f"Bulk car {i}",
              location=location, custodian=custodian, declared_value=Decimal("1000.00"), currency="EUR")
        for i in range(n)
    ])
    AssetIdentifier.objects.bulk_create([
        AssetIdentifier(asset=a, scheme="vin", value=f"BULKVIN{a.pk:010d}") for a in Asset.objects.filter(case=case)])


def test_asset_listing_paginates_with_per_page(client, case, auditor):
    _bulk_assets(case, 60)
    client.force_login(auditor)
    url = reverse("custody_assets:index")
    html = client.get(url, {"per_page": 25, "p": 3}).content.decode()
    assert html.count('href="/admin/register/assets/') >= 10
    assert "Page 3 of 3" in html
    assert "Page 1 of 2" in client.get(url, {"per_page": 50}).content.decode()
    assert "Page 1 of 2" in client.get(url, {"per_page": 7}).content.decode()  # unknown size: default 50


def test_asset_listing_query_count_does_not_grow_with_page_size(client, case, custodian, auditor):
    _bulk_assets(case, 120, custodian=custodian)
    client.force_login(auditor)
    url = reverse("custody_assets:index")
    client.get(url)  # warm caches (content types, site, permissions)

    def queries(per_page: int) -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, {"per_page": per_page})
        assert response.status_code == 200
        assert response.content.decode().count("Bulk car") >= per_page
        return len(ctx.captured_queries)

    assert queries(25) == queries(100)


# --------------------------------------------------------------------------------------------
# Extension points for the apps above custody
# --------------------------------------------------------------------------------------------


class _Panel:
    title = "Valuation history"

    def __init__(self, asset):
        self.asset = asset

    def render_html(self):
        return mark_safe(f'<div id="valuation-chart" data-asset="{self.asset.pk}">chart</div>')


def test_apps_above_add_panels_and_actions_through_hooks(client, asset, auditor):
    client.force_login(auditor)
    with hooks.register_temporarily("custody_asset_panels", lambda request, a: _Panel(a)), \
            hooks.register_temporarily("custody_asset_panels", lambda request, a: "<script>x</script>"), \
            hooks.register_temporarily("custody_asset_actions", lambda request, a: mark_safe(
                '<a class="button" data-extra href="/valuation/">Request valuation</a>')):
        html = client.get(reverse("custody_assets:inspect", args=[asset.pk])).content.decode()
    assert "Valuation history" in html and f'data-asset="{asset.pk}"' in html
    assert "<script>x</script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html  # plain str is escaped
    assert "data-extra" in html


# --------------------------------------------------------------------------------------------
# Pages cost the same number of queries however much they show
# --------------------------------------------------------------------------------------------


def _query_count(client, url) -> int:
    client.get(url)  # warm per-process caches
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_asset_page_query_count_does_not_grow_with_its_history(client, asset, case_officer, custodian, auditor):
    client.force_login(auditor)
    url = reverse("custody_assets:inspect", args=[asset.pk])
    order_for(asset, "restraint")
    services.asset_photo_add(asset_id=asset.pk, upload=SimpleUploadedFile("a.png", png_bytes()), actor=custodian)
    before = _query_count(client, url)
    # When the asset gathers orders, photos and custody events
    for i in range(4):
        order_for(asset, "seizure")
        services.asset_photo_add(asset_id=asset.pk, upload=SimpleUploadedFile("b.png", png_bytes(color="blue")),
                                 actor=custodian, caption=f"view {i}")
        services.custody_event_record(asset_id=asset.pk, actor=custodian, kind="inspected", reason=f"check {i}")
    # Then the page still costs the same
    assert _query_count(client, url) == before


def test_case_page_query_count_does_not_grow_with_orders_and_assets(client, case, case_officer, auditor):
    client.force_login(auditor)
    url = reverse("custody_cases:inspect", args=[case.pk])
    first = AssetFactory(case=case, actor=case_officer)
    order_for(first, "restraint")
    services.party_add(actor=case_officer, case=case, role="owner", name="Owner 1")
    before = _query_count(client, url)
    for i in range(4):
        order_for(AssetFactory(case=case, actor=case_officer), "seizure")
        services.party_add(actor=case_officer, case=case, role="third_party", name=f"Claimant {i}")
    assert _query_count(client, url) == before


# --------------------------------------------------------------------------------------------
# Editing through services, the order's page, and the links between the register's pages
# --------------------------------------------------------------------------------------------


def test_case_officer_edits_a_case_through_the_service_and_the_auditor_cannot(client, case, case_officer, auditor):
    url = reverse("custody_cases:edit", args=[case.pk])
    data = {"title": "State v. Renamed", "court": "Court of Appeal", "jurisdiction": "BE", "legal_basis": "extended",
            "offence_type": "fraud", "country_of_origin": "FR", "status": "appeal"}
    client.force_login(auditor)
    assert client.get(url).status_code == 403 and client.post(url, data).status_code == 403
    assert 'href="/admin/register/cases/edit/' not in client.get(
        reverse("custody_cases:inspect", args=[case.pk])).content.decode()
    client.force_login(case_officer)
    html = client.get(url).content.decode()
    assert 'name="reference"' not in html  # asset references and court documents cite it
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"] == reverse("custody_cases:inspect", args=[case.pk])
    case.refresh_from_db()
    assert (case.title, case.status, case.legal_basis) == ("State v. Renamed", "appeal", "extended")
    response = client.post(url, {**data, "jurisdiction": "Belgium"})
    assert response.status_code == 400
    assert Case.objects.get(pk=case.pk).jurisdiction == "BE"


def test_custodian_changes_a_storage_location_through_the_service(client, custodian, auditor):
    from custody.models import StorageLocation

    location = StorageLocationFactory(name="Old yard", daily_rate=Decimal("10.00"))
    url = reverse("custody_storage:edit", args=[location.pk])
    data = {"name": "Old yard", "kind": "vehicle_yard", "address": "", "public_area": "Ghent", "daily_rate": "12,50",
            "currency": "EUR"}
    client.force_login(auditor)
    assert client.post(url, data).status_code == 403
    client.force_login(custodian)
    assert client.post(url, {**data, "daily_rate": "12.50"}).status_code == 302
    location = StorageLocation.objects.get(pk=location.pk)
    assert (location.daily_rate, location.kind, location.active) == (Decimal("12.50"), "vehicle_yard", False)
    html = client.get(reverse("custody_storage:index")).content.decode()
    assert "12.50 EUR" in html


def test_the_order_page_shows_the_order_its_case_assets_and_document(client, asset, case_officer, auditor,
                                                                     no_role_staff):
    order = services.court_order_record(
        actor=case_officer, case=asset.case, order_type="seizure", reference="SO-77", issued_on=datetime.date.today(),
        issuing_court="Regional Court", assets=[asset],
        document=SimpleUploadedFile("o.pdf", pdf_bytes(), content_type="application/pdf"))
    client.force_login(auditor)
    listing = client.get(reverse("custody_orders:index")).content.decode()
    page = reverse("custody_orders:inspect", args=[order.pk])
    assert page in listing and reverse("custody:order_document", args=[order.pk]) in listing
    html = client.get(page).content.decode()
    assert "SO-77" in html and asset.case.reference in html and "Regional Court" in html
    assert reverse("custody_assets:inspect", args=[asset.pk]) in html
    assert reverse("custody:order_document", args=[order.pk]) in html
    client.force_login(no_role_staff)
    assert client.get(page).status_code == 403


def test_an_order_recorded_from_the_asset_page_covers_that_asset(client, asset, case, case_officer):
    sibling = AssetFactory(case=case, actor=case_officer, title="Sibling")
    client.force_login(case_officer)
    url = reverse("custody_assets:action_record_order", args=[asset.pk])
    html = client.get(url).content.decode()
    assert re.search(rf'value="{asset.pk}"[^>]*checked', html)  # ticked already
    assert not re.search(rf'value="{sibling.pk}"[^>]*checked', html)
    response = client.post(url, {"order_type": "seizure", "reference": "SO-1", "assets": [asset.pk],
                                 "issued_on": datetime.date.today().isoformat(), "issuing_court": "Regional Court"})
    assert response.status_code == 302 and response["Location"] == reverse("custody_assets:inspect", args=[asset.pk])
    assert list(CourtOrder.objects.get(reference="SO-1").assets.all()) == [asset]


def test_a_transition_without_its_order_leads_to_the_order_form(client, asset, case_officer):
    client.force_login(case_officer)
    html = client.get(reverse("custody_assets:action_restrain", args=[asset.pk])).content.decode()
    assert "data-no-order" in html and reverse("custody_assets:action_record_order", args=[asset.pk]) in html


def test_registering_from_the_case_page_chooses_the_case(client, case, case_officer, auditor):
    client.force_login(case_officer)
    html = client.get(reverse("custody_cases:inspect", args=[case.pk])).content.decode()
    register = reverse("custody_assets:add") + f"?case={case.pk}"
    assert register in html
    assert re.search(rf'<option value="{case.pk}" selected', client.get(register).content.decode())


def test_the_record_pages_keep_their_stable_names_for_the_apps_above(client, asset, auditor):
    client.force_login(auditor)
    assert reverse("custody_asset_detail", args=[asset.pk]) == reverse("custody_assets:inspect", args=[asset.pk])
    assert reverse("custody_case_detail", args=[asset.case_id]) == reverse("custody_cases:inspect",
                                                                           args=[asset.case_id])
    assert asset.reference in client.get(reverse("custody_asset_detail", args=[asset.pk])).content.decode()
    # and the record's own address opens its page
    response = client.get(f"/admin/register/assets/{asset.pk}/")
    assert response.status_code == 302 and response["Location"] == reverse("custody_assets:inspect", args=[asset.pk])

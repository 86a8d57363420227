"""Correcting the register: edit screens with their history and locked fields, and forms that keep
what was typed when something is wrong."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection, transaction
from django.db.models.fields.files import FieldFile
from django.urls import reverse

from custody import services
from custody.forms import AssetEditForm, CaseEditForm, CourtOrderEditForm
from custody.models import Asset, Case, CaseStatus, CourtOrder, CustodyEvent, RecordChange
from tests.custody.admin_helpers import bring_to, order_for
from tests.factories import AssetFactory, StorageLocationFactory, pdf_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _error_beside(html: str, field: str) -> str:
    """The error text Wagtail shows in the field's wrapper (empty when none)."""
    match = re.search(rf'data-field-wrapper[^>]*>(?:(?!data-field-wrapper).)*?name="{field}"', html, re.S)
    assert match, f"no field {field!r} on the page"
    errors = re.findall(r'class="error-message"[^>]*>(.*?)</', match.group(0), re.S)
    return " ".join(e.strip() for e in errors)


# --------------------------------------------------------------------------------------------
# Invalid forms keep their input
# --------------------------------------------------------------------------------------------


def test_a_custody_event_missing_its_location_keeps_the_notes_and_says_so_beside_the_field(client, asset,
                                                                                            custodian):
    StorageLocationFactory(name="North yard")
    client.force_login(custodian)
    url = reverse("custody_assets:action_custody_event", args=[asset.pk])
    events = CustodyEvent.objects.filter(asset=asset).count()
    # When the custodian records a move but forgets to say where to
    response = client.post(url, {"kind": "moved", "reason": "Forklift moved it behind hangar 3 at 14:05"})
    # Then the form comes back, not a redirect, with the notes they typed and the error by the location
    assert response.status_code == 400
    html = response.content.decode()
    assert "Forklift moved it behind hangar 3 at 14:05" in html
    assert "Say where the asset now is." in _error_beside(html, "location")
    assert re.search(r'<option value="moved" selected', html)
    assert CustodyEvent.objects.filter(asset=asset).count() == events


def test_a_handover_without_recipient_says_so_beside_the_recipient(client, asset, custodian):
    client.force_login(custodian)
    response = client.post(reverse("custody_assets:action_custody_event", args=[asset.pk]),
                           {"kind": "handed_over", "condition": "Scratched door"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "to whom" in _error_beside(html, "handed_to")
    assert 'value="Scratched door"' in html


# --------------------------------------------------------------------------------------------
# Edit screens: what a browser sends, from the form the page shows
# --------------------------------------------------------------------------------------------


def browser_data(form, **changes) -> dict:
    """What a browser posts for `form` as shown (disabled fields are not sent), with `changes`."""
    data = {}
    for bound in form:
        if bound.field.disabled:
            continue
        value = bound.value()
        if isinstance(value, bool):
            if value:
                data[bound.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[bound.html_name] = [str(v) for v in value]
        elif hasattr(value, "isoformat"):
            data[bound.html_name] = value.isoformat()
        elif value is not None and not isinstance(value, FieldFile):
            data[bound.html_name] = str(value)
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _change_lines(html: str) -> list[str]:
    return [re.sub(r"\s+", " ", line).strip() for line in re.findall(r"<div data-change>(.*?)</div>", html, re.S)]


def test_a_case_officer_corrects_a_typo_in_a_case_and_its_page_shows_who_changed_what(client, case,
                                                                                      case_officer):
    case = Case.objects.get(pk=case.pk)
    old_title = case.title
    client.force_login(case_officer)
    url = reverse("custody_cases:edit", args=[case.pk])
    # Given the edit page, reached from the case's page
    assert url in client.get(reverse("custody_cases:inspect", args=[case.pk])).content.decode()
    assert client.get(url).status_code == 200
    # When the officer fixes the title and says why
    response = client.post(url, browser_data(CaseEditForm(instance=case), title="State v. Jansen",
                                             reason="Defendant's name misspelt"))
    assert response.status_code == 302
    # Then the case's page shows the change, from and to, by whom and why
    html = client.get(reverse("custody_cases:inspect", args=[case.pk])).content.decode()
    assert f"Changed title from “{old_title}” to “State v. Jansen”" in _change_lines(html)
    assert "Defendant&#x27;s name misspelt" in html or "Defendant's name misspelt" in html
    change = RecordChange.objects.get(case=case)
    assert (change.actor, change.changes) == (case_officer, [
        {"field": "title", "from": old_title, "to": "State v. Jansen"}])


def test_saving_an_unchanged_case_writes_no_history(client, case, case_officer):
    client.force_login(case_officer)
    case = Case.objects.get(pk=case.pk)
    response = client.post(reverse("custody_cases:edit", args=[case.pk]), browser_data(CaseEditForm(instance=case)))
    assert response.status_code == 302
    assert not RecordChange.objects.exists()


def test_a_closed_case_keeps_its_particulars_but_can_be_reopened(client, case, case_officer):
    services.case_update(case_id=case.pk, actor=case_officer, status=CaseStatus.CLOSED)
    case = Case.objects.get(pk=case.pk)
    client.force_login(case_officer)
    url = reverse("custody_cases:edit", args=[case.pk])
    html = client.get(url).content.decode()
    assert re.search(r'name="title"[^>]*disabled', html) and "reopen it" in html
    response = client.post(url, {**browser_data(CaseEditForm(instance=case)), "title": "Rewritten"})
    assert response.status_code == 400
    assert "reopen it" in _error_beside(response.content.decode(), "title")
    assert Case.objects.get(pk=case.pk).title == case.title
    with pytest.raises(ValidationError):
        services.case_update(case_id=case.pk, actor=case_officer, title="Rewritten")
    services.case_update(case_id=case.pk, actor=case_officer, status=CaseStatus.APPEAL, notes="Reopened on appeal")
    assert Case.objects.get(pk=case.pk).status == CaseStatus.APPEAL


@pytest.mark.parametrize("role", ["auditor", "valuer", "custodian"])
def test_who_does_not_own_cases_cannot_edit_one(request, client, case, role):
    client.force_login(request.getfixturevalue(role))
    url = reverse("custody_cases:edit", args=[case.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"title": "Hijacked"}).status_code == 403
    assert Case.objects.get(pk=case.pk).title != "Hijacked"
    assert url not in client.get(reverse("custody_cases:inspect", args=[case.pk])).content.decode()


@pytest.mark.parametrize("role", ["case_officer", "custodian"])
def test_the_owners_of_an_asset_correct_its_description_and_identifiers(request, client, case, case_officer, role):
    asset = AssetFactory(case=case, actor=case_officer, description="Grey van, dent left",
                         identifiers=[("vin", "VF1AAAAA000000001")])
    user = request.getfixturevalue(role)
    client.force_login(user)
    url = reverse("custody_assets:edit", args=[asset.pk])
    assert url in client.get(reverse("custody_assets:inspect", args=[asset.pk])).content.decode()
    form = AssetEditForm(instance=asset)
    assert form["identifier_1_value"].value() == "VF1AAAAA000000001"
    response = client.post(url, browser_data(form, description="Grey van, dent right",
                                             identifier_2_scheme="registration", identifier_2_value="1-ABC-123"))
    assert response.status_code == 302, response.content.decode()[:3000]
    asset.refresh_from_db()
    assert asset.description == "Grey van, dent right"
    assert set(asset.identifiers.values_list("value", flat=True)) == {"VF1AAAAA000000001", "1-ABC-123"}
    lines = _change_lines(client.get(reverse("custody_assets:inspect", args=[asset.pk])).content.decode())
    assert "Changed description from “Grey van, dent left” to “Grey van, dent right”" in lines
    assert ("Changed identifiers from “VIN: VF1AAAAA000000001” to “Registration plate: 1-ABC-123, "
            "VIN: VF1AAAAA000000001”") in lines
    assert RecordChange.objects.get(asset=asset).actor == user


@pytest.mark.parametrize("role", ["auditor", "valuer", "approver"])
def test_who_does_not_own_assets_cannot_edit_one(request, client, asset, role):
    client.force_login(request.getfixturevalue(role))
    url = reverse("custody_assets:edit", args=[asset.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"title": "Hijacked"}).status_code == 403
    assert Asset.objects.get(pk=asset.pk).title != "Hijacked"
    assert url not in client.get(reverse("custody_assets:inspect", args=[asset.pk])).content.decode()


def test_a_confiscated_asset_keeps_its_identity(client, case, case_officer, approver):
    asset = AssetFactory(case=case, actor=case_officer, identifiers=[("vin", "VF1AAAAA000000002")])
    bring_to(asset, "confiscated", officer=case_officer, approver=approver)
    client.force_login(case_officer)
    url = reverse("custody_assets:edit", args=[asset.pk])
    # The page shows the identity disabled, and says why
    html = client.get(url).content.decode()
    for name in ("category", "quantity", "identifier_1_value"):
        assert re.search(rf'name="{name}"[^>]*disabled', html), name
    assert "confiscation order names it" in html
    # A crafted POST changing the category is refused beside the field, and nothing changes
    form = AssetEditForm(instance=asset)
    response = client.post(url, {**browser_data(form), "category": "vessel"})
    assert response.status_code == 400
    assert "confiscation order names it" in _error_beside(response.content.decode(), "category")
    assert Asset.objects.get(pk=asset.pk).category == "vehicle"
    # The service refuses it too, whoever calls it
    with pytest.raises(ValidationError) as refused:
        services.asset_update(asset_id=asset.pk, actor=case_officer, category="vessel")
    assert "category" in refused.value.error_dict
    with pytest.raises(ValidationError):
        services.asset_update(asset_id=asset.pk, actor=case_officer, identifiers=[("vin", "VF1AAAAA000000003")])
    assert list(asset.identifiers.values_list("value", flat=True)) == ["VF1AAAAA000000002"]
    # A typo in its title can still be corrected
    response = client.post(url, browser_data(form, title="Grey van (corrected)"))
    assert response.status_code == 302
    assert Asset.objects.get(pk=asset.pk).title == "Grey van (corrected)"
    assert not RecordChange.objects.filter(asset=asset, changes__contains=[{"field": "category"}]).exists()


def test_an_invalid_asset_edit_keeps_what_was_typed(client, asset, custodian):
    client.force_login(custodian)
    url = reverse("custody_assets:edit", args=[asset.pk])
    response = client.post(url, browser_data(AssetEditForm(instance=asset), description="Keys in the glovebox",
                                             quantity="lots"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Keys in the glovebox" in html
    assert _error_beside(html, "quantity")
    assert Asset.objects.get(pk=asset.pk).description != "Keys in the glovebox"


def test_a_case_officer_corrects_a_court_order_until_a_step_cites_it(client, asset, case_officer, approver):
    order = order_for(asset, "restraint")
    client.force_login(case_officer)
    url = reverse("custody_orders:edit", args=[order.pk])
    assert url in client.get(reverse("custody_orders:inspect", args=[order.pk])).content.decode()
    response = client.post(url, browser_data(CourtOrderEditForm(instance=order), reference="RO-2026/18",
                                             reason="Typo in the number"))
    assert response.status_code == 302
    lines = _change_lines(client.get(reverse("custody_orders:inspect", args=[order.pk])).content.decode())
    assert f"Changed order reference from “{order.reference}” to “RO-2026/18”" in lines
    # Once the restraint cites it, the custody log names it: its reference is fixed
    services.asset_transition(asset_id=asset.pk, transition="restrain", actor=case_officer, order_id=order.pk)
    order.refresh_from_db()
    html = client.get(url).content.decode()
    assert re.search(r'name="reference"[^>]*disabled', html)
    response = client.post(url, {**browser_data(CourtOrderEditForm(instance=order)), "reference": "RO-X"})
    assert response.status_code == 400
    assert "custody log names it" in _error_beside(response.content.decode(), "reference")
    with pytest.raises(ValidationError):
        services.court_order_update(order_id=order.pk, actor=case_officer, reference="RO-X")
    # ... and it keeps covering the asset it was cited for
    with pytest.raises(ValidationError, match=asset.reference):
        services.court_order_update(order_id=order.pk, actor=case_officer, assets=[])
    # Its summary can still be corrected
    response = client.post(url, browser_data(CourtOrderEditForm(instance=order), summary="Freezing of the van"))
    assert response.status_code == 302
    assert CourtOrder.objects.get(pk=order.pk).reference == "RO-2026/18"
    assert CourtOrder.objects.get(pk=order.pk).summary == "Freezing of the van"


def test_an_attached_order_document_is_not_replaced(asset, case_officer):
    order = services.court_order_record(
        actor=case_officer, case=asset.case, order_type="seizure", reference="SO-9", issued_on=datetime.date.today(),
        issuing_court="Regional Court", assets=[asset],
        document=SimpleUploadedFile("o.pdf", pdf_bytes(), content_type="application/pdf"))
    with pytest.raises(ValidationError) as refused:
        services.court_order_update(order_id=order.pk, actor=case_officer, document=SimpleUploadedFile(
            "other.pdf", pdf_bytes(), content_type="application/pdf"))
    assert "document" in refused.value.error_dict


@pytest.mark.parametrize("role", ["auditor", "custodian", "valuer"])
def test_who_does_not_own_court_orders_cannot_edit_one(request, client, asset, role):
    order = order_for(asset, "seizure")
    client.force_login(request.getfixturevalue(role))
    url = reverse("custody_orders:edit", args=[order.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"reference": "Hijacked"}).status_code == 403
    assert CourtOrder.objects.get(pk=order.pk).reference != "Hijacked"


def test_the_history_of_changes_cannot_be_rewritten(case, case_officer):
    services.case_update(case_id=case.pk, actor=case_officer, title="Corrected")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE custody_recordchange SET reason = 'nothing happened'")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM custody_recordchange")
    assert RecordChange.objects.count() == 1


@pytest.mark.parametrize(("prefix", "edit_name", "record"), [
    ("/admin/register/cases", "custody_cases:edit", "case"),
    ("/admin/register/assets", "custody_assets:edit", "asset"),
])
def test_the_record_address_followed_by_edit_opens_its_edit_form(request, client, case_officer, prefix, edit_name,
                                                                 record):
    obj = request.getfixturevalue(record)
    client.force_login(case_officer)
    response = client.get(f"{prefix}/{obj.pk}/edit/")
    assert response.status_code == 302 and response["Location"] == reverse(edit_name, args=[obj.pk])


def test_an_asset_whose_custodian_left_the_role_can_still_be_corrected(client, asset, custodian, case_officer):
    services.asset_update(asset_id=asset.pk, actor=case_officer, custodian=custodian)
    custodian.groups.clear()
    asset.refresh_from_db()
    client.force_login(case_officer)
    response = client.post(reverse("custody_assets:edit", args=[asset.pk]),
                           browser_data(AssetEditForm(instance=asset), title="Renamed van"))
    assert response.status_code == 302
    asset.refresh_from_db()
    assert (asset.title, asset.custodian) == ("Renamed van", custodian)


def test_an_asset_offered_for_sale_keeps_its_identity(asset, case_officer, approver, auction_manager):
    bring_to(asset, "awaiting_disposition", officer=case_officer, approver=approver)
    services.asset_transition(asset_id=asset.pk, transition="put_up_for_sale", actor=auction_manager)
    with pytest.raises(ValidationError) as refused:
        services.asset_update(asset_id=asset.pk, actor=case_officer, quantity=Decimal("2"))
    assert "quantity" in refused.value.error_dict
    services.asset_update(asset_id=asset.pk, actor=case_officer, description="Keys in the glovebox")
    assert Asset.objects.get(pk=asset.pk).description == "Keys in the glovebox"


def test_the_history_shows_choices_by_their_labels(client, asset, case_officer):
    services.asset_update(asset_id=asset.pk, actor=case_officer, category="vessel", reason="Wrong category")
    client.force_login(case_officer)
    lines = _change_lines(client.get(reverse("custody_assets:inspect", args=[asset.pk])).content.decode())
    assert lines == ["Changed category from “Vehicle” to “Vessel”"]


def test_an_order_corrected_into_a_duplicate_is_an_error_on_the_form_not_a_500(client, asset, case_officer):
    first, second = order_for(asset, "seizure"), order_for(asset, "seizure")
    client.force_login(case_officer)
    response = client.post(reverse("custody_orders:edit", args=[second.pk]),
                           browser_data(CourtOrderEditForm(instance=second), reference=first.reference))
    assert response.status_code == 400
    assert "already exists" in response.content.decode()
    assert CourtOrder.objects.get(pk=second.pk).reference != first.reference

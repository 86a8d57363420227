"""Edits that do not overwrite a colleague's: an edit form opened before someone else saved the
same record is refused, with what was typed kept, instead of silently undoing their change."""

from __future__ import annotations

import html as html_lib
import re

import pytest
from django.test import Client
from django.urls import reverse

from common.versions import StaleEditError
from custody import services
from custody.forms import AssetEditForm, CaseEditForm, CourtOrderEditForm
from custody.models import Asset, Case, CourtOrder, RecordChange
from tests.custody.admin_helpers import order_for
from tests.custody.test_admin_edit import _error_beside, browser_data
from tests.factories import AssetFactory

pytestmark = pytest.mark.django_db

STALE = "Someone else changed this case while you were editing it"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def opened_version(html: str) -> str:
    """The version the edit page's form carries (its hidden field), as a browser would post it."""
    match = re.search(r'<input type="hidden" name="expected_version" value="([^"]*)"', html)
    assert match, "the edit form carries no version"
    return html_lib.unescape(match.group(1))


def open_edit_form(client, url_name: str, record, form_class) -> dict:
    """Open the record's edit page; what the browser would post unchanged."""
    response = client.get(reverse(url_name, args=[record.pk]))
    assert response.status_code == 200
    record = type(record).objects.get(pk=record.pk)
    return {**browser_data(form_class(instance=record)), "expected_version": opened_version(response.content.decode())}


@pytest.fixture
def two_officers(client, case_officer, second_case_officer):
    other = Client()
    client.force_login(case_officer)
    other.force_login(second_case_officer)
    return client, other


def test_the_second_of_two_officers_editing_a_case_is_told_instead_of_undoing_the_first(two_officers, case,
                                                                                        case_officer):
    alice, bob = two_officers
    url = reverse("custody_cases:edit", args=[case.pk])
    old_title = Case.objects.get(pk=case.pk).title
    # Given both officers opened the case's edit form
    alice_form = open_edit_form(alice, "custody_cases:edit", case, CaseEditForm)
    bob_form = open_edit_form(bob, "custody_cases:edit", case, CaseEditForm)
    # When Alice corrects the title and saves
    assert alice.post(url, {**alice_form, "title": "State v. Jansen"}).status_code == 302
    # And Bob, whose form still shows the old title, adds a note and saves
    response = bob.post(url, {**bob_form, "notes": "Hearing moved to 12 May"})
    # Then Bob's save is refused: the form comes back with his note, the message on top, and the
    # field Alice changed marked
    assert response.status_code == 409
    page = html_lib.unescape(response.content.decode())
    assert f"{STALE}: title. Review their change and save again." in page
    assert "Hearing moved to 12 May" in page
    assert ("Changed by someone else since you opened this form, to “State v. Jansen”."
            in html_lib.unescape(_error_beside(response.content.decode(), "title")))
    # And the case keeps Alice's title, without Bob's note, and the history has only her change
    case = Case.objects.get(pk=case.pk)
    assert (case.title, case.notes) == ("State v. Jansen", "")
    assert [(c.actor, c.changes) for c in RecordChange.objects.filter(case=case)] == [
        (case_officer, [{"field": "title", "from": old_title, "to": "State v. Jansen"}])]
    # When Bob reloads the form and adds his note again
    response = bob.post(url, {**open_edit_form(bob, "custody_cases:edit", case, CaseEditForm),
                              "notes": "Hearing moved to 12 May"})
    # Then it is saved, next to Alice's title
    assert response.status_code == 302
    case = Case.objects.get(pk=case.pk)
    assert (case.title, case.notes) == ("State v. Jansen", "Hearing moved to 12 May")
    assert RecordChange.objects.filter(case=case).count() == 2


def test_the_refused_form_may_be_saved_again_once_read(two_officers, case):
    alice, bob = two_officers
    url = reverse("custody_cases:edit", args=[case.pk])
    alice_form = open_edit_form(alice, "custody_cases:edit", case, CaseEditForm)
    bob_form = open_edit_form(bob, "custody_cases:edit", case, CaseEditForm)
    alice.post(url, {**alice_form, "notes": "Defence asked for an adjournment"})
    refused = bob.post(url, {**bob_form, "notes": "Adjournment refused"})
    assert refused.status_code == 409
    # The page Bob reads carries the version he has now been told about: saving it again keeps his text
    again = {**bob_form, "notes": "Adjournment refused", "expected_version": opened_version(refused.content.decode())}
    assert bob.post(url, again).status_code == 302
    assert Case.objects.get(pk=case.pk).notes == "Adjournment refused"
    # A form opened before both saves is still refused
    assert bob.post(url, {**bob_form, "notes": "Stale"}).status_code == 409


def test_the_second_of_two_asset_edits_is_refused_by_the_service(case, case_officer, custodian):
    asset = AssetFactory(case=case, actor=case_officer, description="Grey van",
                         identifiers=[("vin", "VF1AAAAA000000001")])
    # Given two people opened the asset's edit form
    opened = services.asset_version(Asset.objects.get(pk=asset.pk))
    title = asset.title
    # When the first corrects the description and the identifiers
    services.asset_update(asset_id=asset.pk, actor=case_officer, expected_version=opened,
                          description="Grey van, dent left",
                          identifiers=[("vin", "VF1AAAAA000000001"), ("registration", "1-ABC-123")])
    # Then the second, saving what they saw with a new title, is refused, naming what changed
    with pytest.raises(StaleEditError) as refused:
        services.asset_update(asset_id=asset.pk, actor=custodian, expected_version=opened, title="Grey Ford van",
                              description="Grey van", identifiers=[("vin", "VF1AAAAA000000001")])
    assert str(refused.value.messages[0]) == ("Someone else changed this asset while you were editing it: "
                                              "description, identifiers. Review their change and save again.")
    assert refused.value.fields == ["description", "identifiers"]
    # And the asset and its history have only the first change
    asset = Asset.objects.get(pk=asset.pk)
    assert (asset.title, asset.description) == (title, "Grey van, dent left")
    assert asset.identifiers.count() == 2
    assert [c.actor for c in RecordChange.objects.filter(asset=asset)] == [case_officer]
    # Once they reopen it, their change is saved
    services.asset_update(asset_id=asset.pk, actor=custodian, expected_version=services.asset_version(asset),
                          title="Grey Ford van")
    assert Asset.objects.get(pk=asset.pk).title == "Grey Ford van"
    assert RecordChange.objects.filter(asset=asset).count() == 2


def test_a_change_undone_before_the_second_save_is_no_conflict(case, case_officer):
    opened = services.case_version(Case.objects.get(pk=case.pk))
    title = Case.objects.get(pk=case.pk).title
    services.case_update(case_id=case.pk, actor=case_officer, title="Typo")
    services.case_update(case_id=case.pk, actor=case_officer, title=title)
    # The record holds what the editor saw: nothing of anyone's would be lost
    services.case_update(case_id=case.pk, actor=case_officer, expected_version=opened, notes="Checked")
    assert Case.objects.get(pk=case.pk).notes == "Checked"


@pytest.mark.parametrize("url_name, form_class, record", [
    ("custody_cases:edit", CaseEditForm, "case"),
    ("custody_assets:edit", AssetEditForm, "asset"),
    ("custody_orders:edit", CourtOrderEditForm, "order"),
])
def test_saving_an_edit_form_unchanged_writes_no_history(client, case_officer, asset, url_name, form_class, record):
    record = {"case": asset.case, "asset": asset, "order": order_for(asset, "seizure")}[record]
    asset.identifiers.create(scheme="vin", value="VF1AAAAA000000009")
    client.force_login(case_officer)
    # The version the page carries is the one the service checks: an unchanged save goes through
    response = client.post(reverse(url_name, args=[record.pk]), open_edit_form(client, url_name, record, form_class))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not RecordChange.objects.exists()


def test_a_court_order_whose_covered_assets_changed_meanwhile_is_refused(two_officers, asset, case_officer):
    alice, bob = two_officers
    order = order_for(asset, "seizure")
    other = AssetFactory(case=asset.case, actor=case_officer)
    url = reverse("custody_orders:edit", args=[order.pk])
    alice_form = open_edit_form(alice, "custody_orders:edit", order, CourtOrderEditForm)
    bob_form = open_edit_form(bob, "custody_orders:edit", order, CourtOrderEditForm)
    assert alice.post(url, {**alice_form, "assets": [str(asset.pk), str(other.pk)]}).status_code == 302
    response = bob.post(url, {**bob_form, "summary": "Seizure of the van"})
    assert response.status_code == 409
    page = html_lib.unescape(response.content.decode())
    assert "Someone else changed this court order while you were editing it: assets." in page
    assert f"{other.reference} — {other.title}" in html_lib.unescape(_error_beside(page, "assets"))
    order = CourtOrder.objects.get(pk=order.pk)
    assert set(order.assets.values_list("pk", flat=True)) == {asset.pk, other.pk}
    assert order.summary == ""


def test_a_mangled_version_is_refused_as_stale_not_a_500(client, case, case_officer):
    client.force_login(case_officer)
    form = open_edit_form(client, "custody_cases:edit", case, CaseEditForm)
    response = client.post(reverse("custody_cases:edit", args=[case.pk]),
                           {**form, "expected_version": "not a version", "notes": "Mine"})
    assert response.status_code == 409
    assert Case.objects.get(pk=case.pk).notes != "Mine"
    # Each field is marked, with the case's value shown as the form offers it (labels, not codes)
    case = Case.objects.get(pk=case.pk)
    page = html_lib.unescape(response.content.decode())
    assert f"to “{case.jurisdiction.name}”" in html_lib.unescape(_error_beside(page, "jurisdiction"))
    assert f"to “{case.get_legal_basis_display()}”" in html_lib.unescape(_error_beside(page, "legal_basis"))

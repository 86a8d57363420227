"""The register checks countries (django-countries), currencies (ISO 4217 through Babel), identifiers
(python-stdnum for IBAN/ISIN/IMO, ISO 3779 for VINs) and dates (a decision is not expected before the
case was opened), in the staff forms — errors beside their fields — and in the services."""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from custody import services
from custody.models import Asset, AssetIdentifier, Case, CourtOrder
from tests.factories import AssetFactory, CaseFactory

pytestmark = pytest.mark.django_db

REGISTER = {"category": "vehicle", "title": "Grey van", "quantity": "1", "unit": "item", "currency": "EUR",
            "declared_value": "25000.00"}
CASE = {"reference": "CASE-ID-1", "title": "State v. Example", "court": "High Court", "jurisdiction": "BE",
        "legal_basis": "non_conviction", "offence_type": "fraud", "country_of_origin": "FR", "status": "investigation"}


def field_errors(response, name: str) -> list[str]:
    """The errors the form shows beside the field `name` (and that the page shows at all)."""
    errors = list(response.context["form"].errors.get(name, []))
    html = response.content.decode()
    from django.utils.html import escape

    assert all(escape(e) in html for e in errors), errors
    return errors


# ---- assets: identifiers and currency --------------------------------------------------------


@pytest.mark.parametrize("scheme,value,message", [
    ("vin", "abc", "A VIN has 17 characters"),
    ("vin", "WVWZZZ1JZXW00000I", "without I, O or Q"),
    ("vin", "1HGCM82613A004352", "check digit"),  # North American: the ninth character must match
    ("iban", "NOT-AN-IBAN", "This is not a valid IBAN"),
    ("iban", "BE71 0961 2345 6768", "This is not a valid IBAN"),  # one digit off
    ("isin", "US0378331006", "This is not a valid ISIN"),
    ("imo", "IMO 9319467", "This is not a valid IMO number"),
])
def test_registration_refuses_a_malformed_identifier_beside_its_field(client, case, case_officer, scheme, value,
                                                                      message):
    client.force_login(case_officer)
    count = Asset.objects.count()
    response = client.post(reverse("custody_assets:add"), {
        **REGISTER, "case": case.pk, "identifier_1_scheme": scheme, "identifier_1_value": value})
    assert response.status_code == 400
    assert any(message in e for e in field_errors(response, "identifier_1_value"))
    assert Asset.objects.count() == count and not AssetIdentifier.objects.exists()


def test_identifiers_are_stored_compact_shown_formatted_and_found_either_way(client, case, case_officer):
    client.force_login(case_officer)
    response = client.post(reverse("custody_assets:add"), {
        **REGISTER, "case": case.pk, "category": "bank_account", "title": "Frozen account",
        "identifier_1_scheme": "iban", "identifier_1_value": "be71 0961 2345 6769",
        "identifier_2_scheme": "vin", "identifier_2_value": "wvwzzz1jzxw000001",
        "identifier_3_scheme": "registration", "identifier_3_value": "1-ABC-123"})
    assert response.status_code == 302
    asset = Asset.objects.get(title="Frozen account")
    assert dict(asset.identifiers.values_list("scheme", "value")) == {
        "iban": "BE71096123456769", "vin": "WVWZZZ1JZXW000001", "registration": "1-ABC-123"}
    html = client.get(reverse("custody_assets:inspect", args=[asset.pk])).content.decode()
    assert "BE71 0961 2345 6769" in html
    for typed in ("BE71 0961 2345 6769", "BE71096123456769"):
        listing = client.get(reverse("custody_assets:index"), {"q": typed}).content.decode()
        assert asset.reference in listing


def test_the_same_iban_typed_differently_is_a_duplicate(case, case_officer):
    AssetFactory(case=case, actor=case_officer, identifiers=[("iban", "BE71096123456769")])
    with pytest.raises(ValidationError):
        services.asset_register(actor=case_officer, case=case, category="bank_account", title="Twin",
                                identifiers=[("iban", "be71 0961 2345 6769")])


def test_registration_refuses_an_unknown_currency(client, case, case_officer):
    client.force_login(case_officer)
    response = client.post(reverse("custody_assets:add"), {**REGISTER, "case": case.pk, "currency": "ZZZ"})
    assert response.status_code == 400
    assert field_errors(response, "currency")
    assert not Asset.objects.filter(title="Grey van").exists()
    with pytest.raises(ValidationError) as caught:
        services.asset_register(actor=case_officer, case=case, category="vehicle", title="Van",
                                declared_value="25000.00", currency="ZZZ")
    assert "currency" in caught.value.error_dict


def test_currencies_are_offered_by_name_in_the_user_language(client, case_officer):
    client.force_login(case_officer)
    html = client.get(reverse("custody_assets:add"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<option value="EUR" selected>EUR — euro</option>' in html
    assert "USD — dollar des États-Unis" in html
    assert '"ZZZ"' not in html


# ---- cases: countries and the expected decision -----------------------------------------------


@pytest.mark.parametrize("field", ["jurisdiction", "country_of_origin", "requesting_state"])
def test_a_case_refuses_a_country_iso_3166_does_not_know(client, case_officer, field):
    client.force_login(case_officer)
    response = client.post(reverse("custody_cases:add"), {**CASE, field: "ZZ"})
    assert response.status_code == 400
    assert field_errors(response, field)
    assert not Case.objects.filter(reference="CASE-ID-1").exists()


def test_countries_are_named_in_the_user_language(client, case_officer):
    client.force_login(case_officer)
    html = client.get(reverse("custody_cases:add"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert '<option value="BE">Bélgica</option>' in html


def test_a_decision_cannot_be_expected_before_the_case_was_opened(client, case_officer):
    client.force_login(case_officer)
    response = client.post(reverse("custody_cases:add"), {**CASE, "expected_decision_date": "2001-06-01"})
    assert response.status_code == 400
    assert any("before the case was opened" in e for e in field_errors(response, "expected_decision_date"))

    far = timezone.localdate() + datetime.timedelta(days=365 * 40)
    response = client.post(reverse("custody_cases:add"), {**CASE, "expected_decision_date": far.isoformat()})
    assert any("check the year" in e for e in field_errors(response, "expected_decision_date"))

    soon = timezone.localdate() + datetime.timedelta(days=200)
    assert client.post(reverse("custody_cases:add"), {**CASE, "expected_decision_date": soon.isoformat()}
                       ).status_code == 302


def test_an_old_case_keeps_its_own_opening_date_as_the_bound(case_officer):
    case = CaseFactory()
    Case.objects.filter(pk=case.pk).update(created_at=timezone.now() - datetime.timedelta(days=800))
    earlier = timezone.localdate() - datetime.timedelta(days=400)  # after the opening, already past: kept
    services.case_update(case_id=case.pk, actor=case_officer, expected_decision_date=earlier)
    with pytest.raises(ValidationError) as caught:
        services.case_update(case_id=case.pk, actor=case_officer,
                             expected_decision_date=timezone.localdate() - datetime.timedelta(days=900))
    assert "expected_decision_date" in caught.value.error_dict


# ---- court orders ---------------------------------------------------------------------------


@pytest.mark.parametrize("data,field", [
    ({"order_type": "return", "recipient_state": "ZZ"}, "recipient_state"),
    ({"issued_on": "1850-03-01"}, "issued_on"),
])
def test_an_order_refuses_an_unknown_state_or_an_implausible_date(client, asset, case_officer, data, field):
    client.force_login(case_officer)
    response = client.post(reverse("custody_cases:action_record_order", args=[asset.case_id]), {
        "order_type": "seizure", "reference": "SO-1", "issued_on": "2025-03-01", "issuing_court": "X", **data})
    assert response.status_code == 400
    assert field_errors(response, field)
    assert not CourtOrder.objects.filter(reference="SO-1").exists()


# ---- the migration that moved stored codes onto ISO 3166 ------------------------------------------


def test_the_migration_keeps_iso_codes_and_blanks_the_others_with_a_note():
    migration = importlib.import_module("custody.migrations.0007_country_currency_plausible_dates")
    good, bad = CaseFactory(), CaseFactory(notes="Seized in port.")
    Case.objects.filter(pk=good.pk).update(jurisdiction="be", country_of_origin="NL")
    Case.objects.filter(pk=bad.pk).update(country_of_origin="ZZ", requesting_state="XX")
    migration.countries_to_iso(apps, None)
    good.refresh_from_db()
    bad.refresh_from_db()
    assert (good.jurisdiction, good.country_of_origin) == ("BE", "NL")
    assert (bad.country_of_origin, bad.requesting_state) == ("", "")
    assert "country of origin was recorded as “ZZ”" in bad.notes and bad.notes.startswith("Seized in port.")


# ---- parties: national identity numbers and birth dates --------------------------------------


PARTY = {"role": "owner", "name": "Jan Peeters"}


def test_a_party_national_number_is_checked_for_its_country_and_shown_formatted(client, case, case_officer):
    from custody.models import Party

    client.force_login(case_officer)
    url = reverse("custody_cases:action_party_add", args=[case.pk])
    response = client.post(url, {**PARTY, "identity_country": "BE", "identity_number": "85.07.30-033.29"})
    assert response.status_code == 400
    assert any("not a valid identity card number" in e for e in field_errors(response, "identity_number"))
    assert not Party.objects.exists()

    assert client.post(url, {**PARTY, "identity_country": "BE", "identity_number": "85.07.30-033.28"}
                       ).status_code == 302
    assert Party.objects.get().identity_number == "85073003328"
    html = client.get(reverse("custody_cases:inspect", args=[case.pk])).content.decode()
    assert "85.07.30-033.28" in html


def test_a_party_passport_number_without_country_stays_as_typed(case, case_officer):
    party = services.party_add(actor=case_officer, case=case, role="owner", name="A. Traveller",
                               identity_number="EM 123456")
    assert party.identity_number == "EM 123456"


@pytest.mark.parametrize("born", ["2030-01-01", "1850-01-01"])
def test_a_party_birth_date_must_be_plausible(client, case, case_officer, born):
    client.force_login(case_officer)
    response = client.post(reverse("custody_cases:action_party_add", args=[case.pk]), {**PARTY, "date_of_birth": born})
    assert response.status_code == 400
    assert field_errors(response, "date_of_birth")

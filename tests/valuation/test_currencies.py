"""Valuation's amounts carry an ISO 4217 currency (common.currencies): the staff forms offer the list by
name in the user's language and refuse any other code beside the field; the services refuse it too."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from valuation import services
from valuation.models import Appraisal, DepreciationProfile

from .factories import pdf

pytestmark = pytest.mark.django_db


def test_an_appraisal_in_an_unknown_currency_is_refused_beside_the_field(client, asset, valuer):
    client.force_login(valuer)
    response = client.post(reverse("valuation_appraisals:add"), {
        "asset": asset.reference, "method": "market", "amount": "25000.00", "currency": "ZZZ",
        "value_date": "2026-01-15", "evidence": pdf()})
    assert response.status_code == 400
    assert response.context["form"].errors["currency"]
    assert not Appraisal.objects.exists()


def test_the_appraisal_form_names_currencies_in_the_user_language(client, valuer):
    client.force_login(valuer)
    html = client.get(reverse("valuation_appraisals:add"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "EUR — euro" in html and "USD — dólar estadounidense" in html


def test_services_refuse_an_unknown_currency(asset, valuer):
    with pytest.raises(ValidationError) as caught:
        services.appraisal_create(actor=valuer, asset_id=asset.pk, method="market", amount=Decimal("25000.00"),
                                 currency="ZZZ", value_date=datetime.date(2026, 1, 15), evidence=[(pdf(), "")])
    assert "currency" in caught.value.error_dict
    assert not Appraisal.objects.exists()


def test_a_depreciation_profile_in_an_unknown_currency_is_refused(valuer):
    with pytest.raises(ValidationError) as caught:
        services.depreciation_profile_save(actor=valuer, category="vehicle", yearly_rate_percent=Decimal("15"),
                                           currency="ZZZ")
    assert "currency" in caught.value.error_dict
    assert not DepreciationProfile.objects.filter(currency="ZZZ").exists()

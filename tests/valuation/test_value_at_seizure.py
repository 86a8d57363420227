"""The value at seizure kept on the asset's row by the database (valuation/sql/value_at_seizure.sql): the
first approved appraisal by value date, whatever path wrote the appraisals and whatever an older copy of
the asset saves."""

import datetime
from decimal import Decimal

import pytest

from custody.models import Asset
from valuation import services
from valuation.models import Appraisal

from .factories import approved_appraisal, pdf

pytestmark = pytest.mark.django_db


def seizure_value(asset):
    return Asset.objects.values_list("seizure_value", "seizure_value_currency").get(pk=asset.pk)


def test_the_first_approved_appraisal_by_value_date_is_the_value_at_seizure(asset, valuer, approver):
    assert seizure_value(asset) == (None, "")

    # a draft or a submitted appraisal is not a value
    draft = services.appraisal_create(actor=valuer, asset_id=asset.pk, method="expert", amount=Decimal("5000.00"),
                                      currency="EUR", value_date=datetime.date(2024, 1, 1),
                                      evidence=[(pdf(), "Report")])
    services.appraisal_submit(actor=valuer, appraisal_id=draft.pk)
    assert seizure_value(asset) == (None, "")

    approved_appraisal(asset, valuer, approver, amount="18000.00", value_date=datetime.date(2024, 6, 1))
    assert seizure_value(asset) == (Decimal("18000.00"), "EUR")

    # a later valuation does not change it; one valued as of an earlier date (approved later) does
    approved_appraisal(asset, valuer, approver, amount="9000.00", value_date=datetime.date(2025, 1, 1))
    assert seizure_value(asset) == (Decimal("18000.00"), "EUR")
    approved_appraisal(asset, valuer, approver, amount="21000.00", currency="USD",
                       value_date=datetime.date(2024, 3, 1))
    assert seizure_value(asset) == (Decimal("21000.00"), "USD")


def test_saving_an_older_copy_of_the_asset_does_not_put_back_an_older_value(asset, valuer, approver):
    stale = Asset.objects.get(pk=asset.pk)
    approved_appraisal(asset, valuer, approver, amount="18000.00")
    stale.title = "Renamed while the appraisal was approved"
    stale.save()
    assert seizure_value(asset) == (Decimal("18000.00"), "EUR")


def test_a_correction_written_around_the_services_is_followed_too(asset, valuer, approver):
    # given an approved appraisal corrected by a bulk update (a data fix run by an administrator)
    appraisal = approved_appraisal(asset, valuer, approver, amount="18000.00")
    Appraisal.objects.filter(pk=appraisal.pk).update(amount=Decimal("18500.00"))
    # then the asset's value at seizure is the corrected amount
    assert seizure_value(asset) == (Decimal("18500.00"), "EUR")

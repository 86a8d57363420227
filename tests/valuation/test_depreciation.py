"""Each depreciation profile's projection, in Python and in the database query that uses it."""

import datetime
from decimal import Decimal

import pytest
from django.test import override_settings
from django.utils import timezone

from custody.models import AssetCategory
from tests.factories import AssetFactory, StorageLocationFactory
from valuation import depreciation, selectors, services
from valuation.depreciation import Profile

from .factories import approved_appraisal, into_custody
from .reference import early_sale_figures

D = datetime.date


def test_yearly_rate_is_declining_balance():
    p = Profile(yearly_rate_percent=Decimal("20"))
    start = D(2026, 1, 1)
    one_year = depreciation.project_value(p, amount=Decimal("30000"), value_date=start, on=start + datetime.timedelta(
        days=365), held_since=start)
    two_years = depreciation.project_value(p, amount=Decimal("30000"), value_date=start,
                                           on=start + datetime.timedelta(days=730), held_since=start)
    assert one_year == Decimal("24000.00")
    assert two_years == Decimal("19200.00")
    half = depreciation.project_value(p, amount=Decimal("10000"), value_date=start,
                                      on=start + datetime.timedelta(days=182), held_since=start)
    assert Decimal("8940") < half < Decimal("8960")  # sqrt(0.8) ≈ 0.894


def test_shelf_life_falls_evenly_to_zero():
    p = Profile(shelf_life_days=100)
    seized = D(2026, 3, 1)
    kw = {"amount": Decimal("5000"), "value_date": seized, "held_since": seized}
    assert depreciation.project_value(p, on=seized + datetime.timedelta(days=25), **kw) == Decimal("3750.00")
    assert depreciation.project_value(p, on=seized + datetime.timedelta(days=100), **kw) == Decimal("0.00")
    assert depreciation.project_value(p, on=seized + datetime.timedelta(days=400), **kw) == Decimal("0.00")
    # Valued half-way through its life: it has 50 days left from then.
    later = {"amount": Decimal("2000"), "value_date": seized + datetime.timedelta(days=50), "held_since": seized}
    assert depreciation.project_value(p, on=seized + datetime.timedelta(days=75), **later) == Decimal("1000.00")
    assert depreciation.shelf_days_left(p, held_since=seized, on=seized + datetime.timedelta(days=80)) == 20


def test_upkeep_keeps_value_and_costs_per_unit_per_day():
    p = Profile(daily_upkeep=Decimal("3.50"))
    start = D(2026, 1, 1)
    assert depreciation.project_value(p, amount=Decimal("800"), value_date=start, on=D(2028, 1, 1),
                                      held_since=start) == Decimal("800.00")
    assert depreciation.daily_upkeep(p, Decimal("40")) == Decimal("140.00")


def test_no_profile_keeps_value():
    start = D(2026, 1, 1)
    assert depreciation.project_value(Profile(), amount=Decimal("1000000"), value_date=start, on=D(2031, 1, 1),
                                      held_since=start) == Decimal("1000000.00")
    assert depreciation.daily_upkeep(Profile(), Decimal("3")) == Decimal("0.00")


PROFILES = {
    AssetCategory.VEHICLE: {"yearly_rate_percent": Decimal("25")},
    AssetCategory.PERISHABLE: {"shelf_life_days": 120},
    AssetCategory.LIVESTOCK: {"daily_upkeep": Decimal("4.00")},
    AssetCategory.VESSEL: {"yearly_rate_percent": Decimal("8"), "daily_upkeep": Decimal("60.00")},
    AssetCategory.REAL_ESTATE: {},
}


@pytest.mark.django_db
@override_settings(EARLY_SALE_DEFAULT_HORIZON_DAYS=500)
@pytest.mark.parametrize("category", list(PROFILES))
def test_database_projection_matches_the_reference(category, case, case_officer, valuer, approver, finance_officer):
    """Given a profile and an appraisal dated 40 days ago, the SQL recommendation's numbers equal the
    Python reference (to the cent) for value today, at decision, costs and net benefit."""
    services.depreciation_profile_save(actor=finance_officer, category=category, **PROFILES[category])
    location = StorageLocationFactory(daily_rate=Decimal("7.25"))
    case.expected_decision_date = timezone.localdate() + datetime.timedelta(days=300)
    case.save()
    asset = AssetFactory(case=case, actor=case_officer, category=category, quantity=Decimal("12"),
                         location=location, declared_value=Decimal("99999.00"))
    into_custody(asset, case_officer)
    approved_appraisal(asset, valuer, approver, amount="48000.00",
                       value_date=timezone.localdate() - datetime.timedelta(days=40))
    services.asset_cost_add(actor=case_officer, asset_id=asset.pk, kind="insurance", daily_amount=Decimal("1.10"),
                            currency="EUR")

    today = timezone.localdate()
    [row] = selectors.early_sale_rows(as_of=today, only_candidates=False, asset_ids=[asset.pk])
    ref = early_sale_figures(asset, as_of=today)

    assert row["value_today"] == ref.value_today
    assert row["projected_value"] == ref.projected_value
    assert row["daily_cost"] == ref.daily_cost
    assert row["days_to_decision"] == ref.days_to_decision == 300
    assert row["net_benefit"] == ref.net_benefit
    assert bool(row["urgent"]) == ref.urgent
    assert row["appraised"] and ref.appraised
    expected_daily = Decimal("7.25") + Decimal("1.10") + Decimal(PROFILES[category].get("daily_upkeep", 0)) * 12
    assert ref.daily_cost == expected_daily

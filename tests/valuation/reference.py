"""The early-sale recommendation for one asset, computed in Python from the formulas of
`valuation.depreciation`: the reference the database's set-based query (selectors.early_sale_sql)
is held against. The system itself computes the recommendation only in the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Q, Sum
from django.utils import timezone

from custody.models import Asset
from valuation import depreciation
from valuation.models import AssetCost, CurrentValuation, DepreciationProfile

ZERO = Decimal("0")


@dataclass(frozen=True)
class Figures:
    value_today: Decimal
    projected_value: Decimal
    decision_date: date
    days_to_decision: int
    daily_cost: Decimal
    accrued_costs: Decimal
    sale_cost: Decimal
    net_benefit: Decimal
    shelf_days_left: int | None
    urgent: bool
    candidate: bool
    appraised: bool


def early_sale_figures(asset: Asset, *, as_of: date) -> Figures:
    profile = depreciation.Profile.of(DepreciationProfile.objects.filter(category=asset.category).first())
    valuation = CurrentValuation.objects.filter(asset_id=asset.pk).first()
    held_since = timezone.localdate(asset.created_at)
    base = valuation.amount if valuation else (asset.declared_value or ZERO)
    base_date = valuation.value_date if valuation else held_since
    decision = asset.case.expected_decision_date or as_of + timedelta(days=settings.EARLY_SALE_DEFAULT_HORIZON_DAYS)
    days = max((decision - as_of).days, 0)
    today_value = depreciation.project_value(profile, amount=base, value_date=base_date, on=as_of,
                                             held_since=held_since)
    projected = depreciation.project_value(profile, amount=base, value_date=base_date, on=decision,
                                           held_since=held_since)
    storage = ZERO
    if asset.location_id and asset.location.currency == asset.currency:
        storage = asset.location.daily_rate
    running = (AssetCost.objects.filter(asset=asset, currency=asset.currency, starts_on__lte=as_of)
               .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=as_of))
               .aggregate(t=Sum("daily_amount"))["t"] or ZERO)
    daily = (storage + running + depreciation.daily_upkeep(profile, asset.quantity)).quantize(depreciation.CENT)
    accrued = daily * days
    sale_cost = (today_value * Decimal(settings.EARLY_SALE_COST_PERCENT) / 100
                 + Decimal(settings.EARLY_SALE_COST_FIXED)).quantize(depreciation.CENT)
    net = today_value - projected + accrued - sale_cost
    left = depreciation.shelf_days_left(profile, held_since=held_since, on=as_of)
    urgent = (left is not None and left <= settings.EARLY_SALE_URGENCY_DAYS) or (asset.perishable and left is None)
    candidate = urgent or (net >= Decimal(settings.EARLY_SALE_THRESHOLD_AMOUNT)
                           and net >= today_value * Decimal(settings.EARLY_SALE_THRESHOLD_PERCENT) / 100)
    return Figures(today_value, projected, decision, days, daily, accrued.quantize(depreciation.CENT), sale_cost,
                   net.quantize(depreciation.CENT), left, urgent, candidate, valuation is not None)

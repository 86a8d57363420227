"""Projection of an asset's value under its category's depreciation profile, in plain Decimal
arithmetic. The recommendation computes the same formulas in SQL (valuation.selectors); these
functions are the reference the tests hold it to, and what the asset page shows.

- yearly rate r (declining balance): value(d) = value(d0) · (1 − r/100)^((d − d0)/365)
- shelf life L days from seizure:  value(d) = value(d0) · left(d) / left(d0), left(x) = max(L − age(x), 0)
- daily upkeep: value unchanged, costs upkeep × quantity a day
- none: value unchanged
A profile may combine a rate with upkeep (a vessel) or a shelf life with upkeep.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
FACTOR = Decimal("1e-12")  # depreciation factors are kept to 12 decimals (the SQL does the same)
DAYS_PER_YEAR = Decimal(365)


@dataclass(frozen=True)
class Profile:
    yearly_rate_percent: Decimal | None = None
    shelf_life_days: int | None = None
    daily_upkeep: Decimal = Decimal("0")

    @classmethod
    def of(cls, profile) -> Profile:
        if profile is None:
            return cls()
        return cls(profile.yearly_rate_percent, profile.shelf_life_days, profile.daily_upkeep or Decimal("0"))


def rate_factor(profile: Profile, days: int) -> Decimal:
    if not profile.yearly_rate_percent or days <= 0:
        return Decimal(1)
    base = 1 - Decimal(profile.yearly_rate_percent) / 100
    if base <= 0:
        return Decimal(0)
    return (base ** (Decimal(days) / DAYS_PER_YEAR)).quantize(FACTOR)


def shelf_days_left(profile: Profile, *, held_since: date, on: date) -> int | None:
    if not profile.shelf_life_days:
        return None
    return profile.shelf_life_days - (on - held_since).days


def shelf_factor(profile: Profile, *, held_since: date, value_date: date, on: date) -> Decimal:
    if not profile.shelf_life_days:
        return Decimal(1)
    left_then = max(shelf_days_left(profile, held_since=held_since, on=value_date), 0)
    left_on = max(shelf_days_left(profile, held_since=held_since, on=on), 0)
    if left_then <= 0:
        return Decimal(0)
    return Decimal(left_on) / Decimal(left_then)


def project_value(profile: Profile, *, amount: Decimal, value_date: date, on: date, held_since: date) -> Decimal:
    """What an asset valued at `amount` on `value_date` will be worth on `on`."""
    days = (on - value_date).days
    value = amount * rate_factor(profile, days) * shelf_factor(profile, held_since=held_since,
                                                                value_date=value_date, on=on)
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def daily_upkeep(profile: Profile, quantity: Decimal) -> Decimal:
    return (Decimal(profile.daily_upkeep or 0) * quantity).quantize(CENT, rounding=ROUND_HALF_UP)

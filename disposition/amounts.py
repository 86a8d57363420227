"""The figures of an invoice, and its payment deadline: pure functions, the one place they are
computed (the invoice keeps them as issued)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal("100")


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def sale_costs(hammer_price: Decimal) -> Decimal:
    """The agency's costs of a sale: DISPOSITION_SALE_COST_PERCENT of the hammer price, to the cent."""
    from django.conf import settings

    return cents(hammer_price * Decimal(settings.DISPOSITION_SALE_COST_PERCENT) / HUNDRED)


@dataclass(frozen=True)
class InvoiceAmounts:
    currency: str
    hammer_price: Decimal
    premium_percent: Decimal
    premium: Decimal
    tax_percent: Decimal
    tax: Decimal
    total: Decimal
    deposit: Decimal
    amount_due: Decimal


def invoice_amounts(*, hammer_price: Decimal, currency: str, premium_percent: Decimal, tax_percent: Decimal,
                    deposit: Decimal = ZERO) -> InvoiceAmounts:
    """Hammer price + buyer's premium (a percentage of the hammer price) + VAT on both = total; the
    deposit already held counts toward it, and the rest is due (never below zero: a deposit larger
    than the total is refunded, which is not part of the invoice). Each figure is rounded half up
    to the cent once, and the total is the sum of the rounded figures, as printed."""
    for name, value in (("hammer_price", hammer_price), ("premium_percent", premium_percent),
                        ("tax_percent", tax_percent), ("deposit", deposit)):
        if not isinstance(value, Decimal):
            raise TypeError(f"{name} must be a Decimal, not {type(value).__name__}")
        if value < 0:
            raise ValueError(f"{name} must not be negative")
    hammer = cents(hammer_price)
    premium = cents(hammer * premium_percent / HUNDRED)
    tax = cents((hammer + premium) * tax_percent / HUNDRED)
    total = hammer + premium + tax
    held = cents(deposit)
    return InvoiceAmounts(currency=currency, hammer_price=hammer, premium_percent=premium_percent, premium=premium,
                          tax_percent=tax_percent, tax=tax, total=total, deposit=held,
                          amount_due=max(total - held, ZERO))


def add_business_days(start: datetime.date, days: int) -> datetime.date:
    """The date `days` business days (Monday to Friday) after `start`."""
    current = start
    left = days
    while left > 0:
        current += datetime.timedelta(days=1)
        if current.weekday() < 5:
            left -= 1
    return current


def payment_deadline(*, issued_on: datetime.date, real_estate: bool, business_days: int,
                     real_estate_days: int) -> datetime.date:
    """The last day to pay: `business_days` business days after the invoice's date, or
    `real_estate_days` calendar days for real estate."""
    if real_estate:
        return issued_on + datetime.timedelta(days=real_estate_days)
    return add_business_days(issued_on, business_days)

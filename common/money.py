"""Money shown to people: grouped, with the active locale's decimal mark, and its currency."""

from __future__ import annotations

from decimal import Decimal

from django.utils.formats import number_format


def format_money(amount: Decimal | None, currency: str = "") -> str:
    """`1 234,50 EUR` / `1,234.50 EUR`; "—" for no amount."""
    if amount is None or amount == "":
        return "—"
    return f"{number_format(amount, 2, use_l10n=True, force_grouping=True)} {currency}".strip()

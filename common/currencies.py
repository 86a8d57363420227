"""ISO 4217 currencies: the one list every amount's currency is checked against.

The codes are those that CLDR (through Babel) records as legal tender somewhere today, plus the
agency's own (DEFAULT_CURRENCY); their names come from Babel in the active language. django-countries
does not do currencies, and a hand-kept list would age.
"""

from __future__ import annotations

import datetime
import functools

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.numbers import get_currency_name, get_territory_currencies
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _


@functools.cache
def currency_codes() -> frozenset[str]:
    """The ISO 4217 codes of the currencies in use in some territory (CLDR), and the agency's own."""
    today = datetime.date.today()
    codes = {settings.DEFAULT_CURRENCY}
    for territory in get_global("territory_currencies"):
        codes.update(get_territory_currencies(territory, today, tender=True, non_tender=False))
    return frozenset(codes)


def _babel_locale() -> Locale:
    try:
        return Locale.parse(translation.to_locale(translation.get_language() or settings.LANGUAGE_CODE))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


@functools.cache
def _choices_for(locale: Locale) -> tuple[tuple[str, str], ...]:
    return tuple((code, f"{code} — {get_currency_name(code, locale=locale)}") for code in sorted(currency_codes()))


def currency_choices() -> list[tuple[str, str]]:
    """(code, "EUR — euro") for every currency, named in the active language, by code."""
    return list(_choices_for(_babel_locale()))


def currency_name(code: str) -> str:
    """The currency's name in the active language ("euro", "dólar estadounidense")."""
    return get_currency_name(code, locale=_babel_locale()) if code else ""


@deconstructible(path="common.currencies.CurrencyValidator")
class CurrencyValidator:
    message = _("“%(value)s” is not the ISO 4217 code of a currency in use (e.g. EUR, USD).")
    code = "invalid_currency"

    def __call__(self, value) -> None:
        if value not in currency_codes():
            raise ValidationError(self.message, code=self.code, params={"value": value})

    def __eq__(self, other) -> bool:
        return isinstance(other, CurrencyValidator)

    def __hash__(self) -> int:
        return hash(self.code)


validate_currency = CurrencyValidator()

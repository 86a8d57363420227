"""Money shown to people, and money typed by people.

Shown: grouped, with the active locale's decimal mark, and its currency (`format_money`).
Typed: `parse_amount` reads what a person typed in the active language's conventions with Babel's
strict parser, and refuses what it cannot read for certain, saying how it read it. The JSON API does
not come here: it takes plain decimal strings ("3700.00", `auctions.engine.parse_amount`).
"""

from __future__ import annotations

import functools
import re
from decimal import ROUND_HALF_UP, Decimal

from babel import Locale, UnknownLocaleError
from babel.numbers import NumberFormatError, get_currency_precision, get_group_symbol, parse_decimal
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

CENT = Decimal("0.01")
# Decimal(14, 2) holds up to 999,999,999,999.99: the widest amount column.
MAX_AMOUNT = Decimal("999999999999.99")

# The two conventions people write amounts in, whatever the page's language: 1,234.56 and 1.234,56.
# An amount the active locale cannot read is tried in these; it is taken only if exactly one reads it.
OTHER_CONVENTIONS = ("en", "de")
SPACES = " \u00a0\u202f\u2009"
_ALLOWED = re.compile(rf"[0-9.,{SPACES}]+")
# A space groups digits only when three digits follow it ("3 700", not "37 00").
_BAD_SPACE = re.compile(rf"[{SPACES}](?![0-9]{{3}}(?:[^0-9]|$))|(?<![0-9])[{SPACES}]")
# One separator with exactly three digits after it: "1.000", "3,700" — a thousands separator in one
# convention, a decimal mark in the other.
_LONE_SEPARATOR = re.compile(r"[1-9][0-9]{0,2}([.,])[0-9]{3}")


def format_money(amount: Decimal | None, currency: str = "") -> str:
    """`1 234,50 EUR` / `1,234.50 EUR`; "—" for no amount."""
    if amount is None or amount == "":
        return "—"
    return f"{number_format(amount, 2, use_l10n=True, force_grouping=True)} {currency}".strip()


def format_percent(value: Decimal) -> str:
    """`10 %`, `2,5 %`: a percentage without trailing zeros, in the active locale."""
    value = Decimal(value)
    exact = value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
    return f"{number_format(exact, use_l10n=True)} %"


def _language_locale() -> Locale:
    """Babel's locale for the active language alone (English when none or an unknown one is active).
    Not common.formats.active_locale, which adds the agency's country for dates: amounts are read with
    the language's own marks, as Django's number_format writes them ("en" has a decimal point, where
    "en_BE" would have a comma)."""
    return _parsed_locale(translation.get_language() or "en")


@functools.cache
def _parsed_locale(language: str) -> Locale:
    try:
        return Locale.parse(translation.to_locale(language))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


def currency_places(currency: str) -> int:
    """How many decimals an amount in `currency` may have: those of its minor unit as CLDR has them
    (Babel's get_currency_precision: 0 for JPY, 2 for EUR, 3 for KWD), but no more than the two that
    every amount column keeps (CENT), so a KWD amount is taken to the hundredth ("1.250", not "1.255").
    Without a currency, two."""
    return min(get_currency_precision(currency), 2) if currency else 2


def decimals_message(currency: str, places: int) -> str:
    """What a person is told of an amount with more decimals than `currency` takes (`places`)."""
    if places == 0:
        return _("Amounts in %(currency)s are whole numbers, without decimals.") % {"currency": currency}
    return ngettext("Amounts in %(currency)s have at most %(places)d decimal.",
                    "Amounts in %(currency)s have at most %(places)d decimals.", places) \
        % {"currency": currency, "places": places}


def _beyond(value: Decimal, places: int) -> bool:
    return value != value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def decimals_refusal(amount: Decimal, currency: str) -> str | None:
    """The message refusing `amount` when it has more decimals than `currency` takes, else None."""
    places = currency_places(currency)
    return decimals_message(currency, places) if _beyond(amount, places) else None


def read_as(amount: Decimal, currency: str = "") -> str:
    """`Read as 3,700.00 EUR`: what a typed amount was read as, in the page's conventions."""
    return _("Read as %(amount)s") % {"amount": format_money(amount, currency)}


def _error(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def _strict(text: str, locale: Locale | str) -> Decimal | None:
    """Babel's strict reading of `text` in `locale`, spaces taken as the locale's digit grouping."""
    text = re.sub(f"[{SPACES}]", get_group_symbol(locale), text)
    try:
        return parse_decimal(text, locale=locale, strict=True)
    except NumberFormatError:
        return None


def parse_amount(raw: str | None, *, currency: str = "", locale: Locale | str | None = None, places: int = 2,
                 allow_zero: bool = False) -> Decimal:
    """The amount a person typed, read in the active language (or `locale`) with Babel's strict
    parser: a positive Decimal (or zero, with allow_zero) with at most `places` decimals. Raises
    ValidationError, whose message says how the text was read, for anything that could be misread:

    - scientific notation ("1e6") and signs are refused;
    - a lone separator followed by three digits ("1.000" in English, "3,700" in French) is
      refused unless it is the locale's thousands separator ("3,700" in English is 3,700.00);
    - text the locale cannot read is tried in the two common conventions (1,234.56 and 1.234,56)
      and taken only when exactly one of them reads it ("3.700,00" on an English page is 3,700.00).
    """
    locale = Locale.parse(locale) if locale is not None else _language_locale()
    text = (raw or "").strip()
    for symbol in {currency, "€", "$", "£"} - {""}:
        text = text.removeprefix(symbol).removesuffix(symbol).strip()
    example = format_money(Decimal("3700"), currency)
    if not text:
        raise _error(_("Enter an amount, e.g. %(example)s.") % {"example": example}, "required")
    if re.search(r"[eE]", text) and re.search(r"[0-9]", text):
        raise _error(_("Write the amount in full, e.g. %(example)s; scientific notation such as “%(text)s” is not "
                       "accepted.") % {"example": example, "text": text}, "scientific")
    if text[0] in "-−":
        raise _error(_("The amount must be positive."), "negative")
    if not _ALLOWED.fullmatch(text) or not re.search(r"[0-9]", text) or _BAD_SPACE.search(text):
        raise _error(_("We could not read “%(text)s” as an amount. Type it like %(example)s.")
                     % {"text": text, "example": example}, "invalid")

    lone = _LONE_SEPARATOR.fullmatch(text)
    if lone and lone.group(1) != get_group_symbol(locale) and places < 3:
        whole, cents = lone.group(0).split(lone.group(1))
        small, large = Decimal(f"{whole}.{cents}"), Decimal(whole + cents)
        raise _error(_("We could not tell whether “%(text)s” means %(small)s or %(large)s. Type %(plain)s, or "
                       "the amount with its cents (%(large)s).")
                     % {"text": text, "small": format_money(small, currency), "large": format_money(large, currency),
                        "plain": whole + cents}, "ambiguous")

    value = _strict(text, locale)
    if value is None:
        readings = {v for v in (_strict(text, other) for other in OTHER_CONVENTIONS) if v is not None}
        if len(readings) != 1:
            raise _error(_("We could not read “%(text)s” as an amount. Type it like %(example)s.")
                         % {"text": text, "example": example}, "invalid")
        value = readings.pop()
    if not value.is_finite() or value < 0 or (value == 0 and not allow_zero):
        raise _error(_("The amount must be positive."), "negative")
    if value > MAX_AMOUNT:
        raise _error(_("%(read)s, which is more than the largest amount we take (%(max)s).")
                     % {"read": read_as(value, currency), "max": format_money(MAX_AMOUNT, currency)}, "too_large")
    unit = Decimal(1).scaleb(-places)
    if _beyond(value, places):
        if currency and get_currency_precision(currency) != 2:  # JPY, KWD: the currency's own rule
            raise _error(decimals_message(currency, places), "decimals")
        if places == 2:
            raise _error(_("“%(text)s” has more than two decimals; amounts are in cents, e.g. %(example)s.")
                         % {"text": text, "example": example}, "decimals")
        raise _error(_("“%(text)s” has more than %(places)s decimals.") % {"text": text, "places": places},
                     "decimals")
    return value.quantize(unit)


def amount_for_input(amount: Decimal | None, places: int = 2) -> str:
    """An amount as the active language writes it in a form field (grouped, `places` decimals), so
    that what a form shows back is what `parse_amount` reads."""
    if amount is None or amount == "":
        return ""
    return number_format(Decimal(amount), places, use_l10n=True, force_grouping=True)

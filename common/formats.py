"""Dates, times and plain numbers shown to people: one way, everywhere (admin and public pages).

Babel formats them in the active language (en, fr, es) of the agency's country (AGENCY_COUNTRY:
`en_BE`, `fr_BE`; a language without a variant for that country, such as Spanish in Belgium, uses
its own), and times in the agency's time zone unless a page names another (an auction's zone).
A date is the locale's medium date ("5 Dec 2026", "5 déc. 2026"); a moment adds the 24-hour or
locale time ("5 Dec 2026, 17:03"). No "12/05/2026", whose day and month depend on the reader.
Amounts keep to common.money (the same active language for the decimal mark).
"""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import number_format

EMPTY = "—"


@functools.cache
def _locale(language: str, country: str) -> Locale:
    language = (language or "en").replace("-", "_")
    for candidate in (f"{language.split('_')[0]}_{country}", language, language.split("_")[0]):
        try:
            return Locale.parse(candidate)
        except (UnknownLocaleError, ValueError):
            continue
    return Locale.parse("en")


def active_locale() -> Locale:
    """The Babel locale of the active language in the agency's country."""
    return _locale(translation.get_language() or settings.LANGUAGE_CODE, getattr(settings, "AGENCY_COUNTRY", "BE"))


@functools.cache
def _moment_pattern(locale: Locale, seconds: bool) -> str:
    date = locale.date_formats["medium"].pattern
    time = locale.time_formats["medium" if seconds else "short"].pattern
    return str(locale.datetime_formats["medium"]).replace("{1}", date).replace("{0}", time)


def _zone(tz: str | dt.tzinfo | None) -> dt.tzinfo:
    if tz is None:
        return timezone.get_current_timezone()  # the agency's, unless a page activated another
    if isinstance(tz, str):
        from zoneinfo import ZoneInfo

        return ZoneInfo(tz)
    return tz


def format_moment(value: dt.datetime | None, *, seconds: bool = False, tz: str | dt.tzinfo | None = None) -> str:
    """A date and time: "5 Dec 2026, 17:03" (en), "5 déc. 2026, 17:03" (fr), in the agency's zone."""
    if value is None or value == "":
        return EMPTY
    if not isinstance(value, dt.datetime):
        return format_day(value)
    zone = _zone(tz)
    if timezone.is_naive(value):
        value = timezone.make_aware(value, zone)
    locale = active_locale()
    return babel_format_datetime(value.astimezone(zone), _moment_pattern(locale, seconds), locale=locale)


def format_day(value: dt.date | dt.datetime | None, *, tz: str | dt.tzinfo | None = None) -> str:
    """A date: "5 Dec 2026" (en), "5 déc. 2026" (fr), "5 dic 2026" (es). A moment gives its date in the zone."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, dt.datetime):
        zone = _zone(tz)
        value = (timezone.make_aware(value, zone) if timezone.is_naive(value) else value).astimezone(zone).date()
    return babel_format_date(value, "medium", locale=active_locale())


def format_number(value: int | Decimal | float | None, decimal_places: int | None = None) -> str:
    """A count or quantity, grouped in the active language as amounts are (common.money)."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, Decimal) and decimal_places is None:
        value = value.normalize()
        if value == value.to_integral():
            value = value.quantize(Decimal(1))
    return number_format(value, decimal_places, use_l10n=True, force_grouping=True)


def format_value(value) -> str | None:
    """The shown form of a date, moment, yes/no or number, or None when `value` is none of them."""
    if isinstance(value, bool):
        return str(translation.gettext("Yes") if value else translation.gettext("No"))
    if isinstance(value, dt.datetime):
        return format_moment(value)
    if isinstance(value, dt.date):
        return format_day(value)
    if isinstance(value, int):
        return format_number(value)
    if isinstance(value, Decimal):  # its own decimals kept ("100.00" is read as 100.00, not 100)
        return number_format(value, use_l10n=True, force_grouping=True)
    return None

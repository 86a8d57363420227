"""Plausible dates: birth dates and dates of past events (court decisions, orders).

A date in the future, or before 1900, is a typing mistake (2030 for 2003, 1024 for 2024), not a
fact: the model refuses it, so that every service (they all run `full_clean`) and form does.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from common.formats import format_day

EARLIEST_PLAUSIBLE_DATE = datetime.date(1900, 1, 1)


def age_on(born: datetime.date, day: datetime.date) -> int:
    """Full years between a birth date and `day` (someone born on 29 February comes of age on 1 March)."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


@deconstructible(path="common.dates.PastDateValidator")
class PastDateValidator:
    """Not after today (in the agency's time zone) and not before 1 January 1900."""

    def __call__(self, value) -> None:
        if not isinstance(value, datetime.date):
            return
        if value > timezone.localdate():
            raise ValidationError(_("This date is in the future."), code="future_date")
        if value < EARLIEST_PLAUSIBLE_DATE:
            raise ValidationError(_("Give a date after %(date)s."), code="implausible_date",
                                  params={"date": format_day(EARLIEST_PLAUSIBLE_DATE)})

    def __eq__(self, other) -> bool:
        return isinstance(other, PastDateValidator)

    def __hash__(self) -> int:
        return hash("PastDateValidator")


validate_past_date = PastDateValidator()

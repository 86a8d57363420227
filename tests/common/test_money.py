"""Amounts people type: read in the page's language, refused (saying how they were read) when they
could be misread. Before issue 9, "3,700" was read as 3.70, "5.000,00" as 5.00, "1.000" as 1.00 and
"1e6" as a million."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation

from common.forms import AmountField
from common.money import parse_amount

D = Decimal


def read(text: str, language: str, **kwargs) -> Decimal:
    with translation.override(language):
        return parse_amount(text, currency="EUR", **kwargs)


def refusal(text: str, language: str) -> ValidationError:
    with translation.override(language), pytest.raises(ValidationError) as err:
        parse_amount(text, currency="EUR")
    return err.value


@pytest.mark.parametrize(("language", "text", "amount"), [
    ("en", "3,700", D("3700.00")),
    ("en", "12,500", D("12500.00")),  # on a cheap lot this was 12.50
    ("en", "3,700.00", D("3700.00")),
    ("en", "1,000,000,000", D("1000000000.00")),
    ("en", "3.700,00", D("3700.00")),  # the other convention, unambiguous: both separators
    ("en", "5.000,00", D("5000.00")),
    ("en", "1500.5", D("1500.50")),
    ("en", "€ 3,700", D("3700.00")),
    ("fr", "3.700,00", D("3700.00")),
    ("fr", "3 700,00", D("3700.00")),
    ("fr", "3\u202f700,00", D("3700.00")),
    ("fr", "3\u00a0700,00", D("3700.00")),
    ("fr", "3700,5", D("3700.50")),
    ("fr", "3,700.00", D("3700.00")),
    ("es", "3.700,00", D("3700.00")),
    ("es", "1.000", D("1000.00")),  # the Spanish thousands separator
    ("es", "3700", D("3700.00")),
])
def test_an_amount_is_read_in_the_pages_language(language, text, amount):
    assert read(text, language) == amount


@pytest.mark.parametrize(("language", "text", "shown"), [
    ("en", "1.000", ["“1.000” means 1.00 EUR or 1,000.00 EUR"]),
    ("en", "3.700", ["“3.700” means 3.70 EUR or 3,700.00 EUR"]),
    ("fr", "3,700", ["« 3,700 » signifie 3,70 EUR ou 3\u00a0700,00 EUR"]),
    ("fr", "1.000", ["« 1.000 » signifie 1,00 EUR ou 1\u00a0000,00 EUR"]),
    ("es", "12,500", ["«12,500» significa 12,50 EUR o 12\u00a0500,00 EUR"]),
])
def test_a_lone_separator_that_could_be_either_is_refused_showing_both_readings(language, text, shown):
    err = refusal(text, language)
    assert err.code == "ambiguous"
    for part in shown:
        assert part in err.messages[0]


@pytest.mark.parametrize("text", ["1e6", "1E6", "2.5e3"])
def test_scientific_notation_is_refused(text):
    err = refusal(text, "en")
    assert err.code == "scientific" and "scientific notation" in err.messages[0]


@pytest.mark.parametrize(("text", "code"), [
    ("-5", "negative"), ("0", "negative"), ("abc", "invalid"), ("37 00", "invalid"), ("1234.567", "decimals"),
    ("NaN", "invalid"), ("1,5,0", "invalid"), ("", "required"), ("9999999999999", "too_large"),
])
def test_what_is_not_an_amount_is_refused_with_a_reason(text, code):
    assert refusal(text, "en").code == code


def test_more_places_are_allowed_where_the_field_has_them():
    assert read("1.250", "en", places=3) == D("1.250")
    assert read("0", "en", allow_zero=True) == D("0.00")


class PriceForm(forms.Form):
    price = AmountField(currency="EUR")


@pytest.mark.parametrize(("language", "shown"), [("en", "3,700.00"), ("fr", "3\u00a0700,00"),
                                                 ("es", "3\u00a0700,00")])
def test_the_field_shows_an_amount_back_as_the_language_writes_it_and_reads_it_again(language, shown):
    with translation.override(language):
        html = str(PriceForm(initial={"price": D("3700")})["price"])
        assert f'value="{shown}"' in html and 'inputmode="decimal"' in html and 'type="text"' in html
        form = PriceForm({"price": shown})
        assert form.is_valid() and form.cleaned_data["price"] == D("3700.00")


def test_the_fields_error_stays_beside_it_and_shows_how_the_text_was_read():
    with translation.override("en"):
        form = PriceForm({"price": "1.000"})
        assert not form.is_valid()
        assert form.errors["price"] == ["We could not tell whether “1.000” means 1.00 EUR or 1,000.00 EUR. Type "
                                        "1000, or the amount with its cents (1,000.00 EUR)."]

"""Identifiers checked with python-stdnum: IBAN, ISIN, IMO numbers, VINs, and national identity numbers
where stdnum knows the country's scheme. Each is stored compact (no spaces, upper case) and shown
formatted (`BE71 0961 2345 6769`). Schemes stdnum does not know stay free text, trimmed.
"""

from __future__ import annotations

import re
from types import ModuleType

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import iban, imo, isin
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.util import get_cc_module

# Scheme codes as custody.AssetIdentifier.Scheme stores them.
_STDNUM_SCHEMES: dict[str, tuple[ModuleType, object]] = {
    "iban": (iban, _("This is not a valid IBAN (check the country code, the length and the check digits).")),
    "isin": (isin, _("This is not a valid ISIN: 12 characters, a country code and a check digit (e.g. "
                     "US0378331005).")),
    "imo": (imo, _("This is not a valid IMO number: seven digits with a check digit (e.g. IMO 9319466).")),
}

# VIN (ISO 3779). python-stdnum has no VIN module, so the rules are here: 17 characters, digits and
# capital letters except I, O and Q. The ninth character is a check digit (ISO 3779 annex, 49 CFR
# 565) that North American makers must set — their world manufacturer codes start with 1 to 5 —
# while European and Asian makers may use it for something else: it is checked only for the former.
_VIN_RE = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")
_VIN_VALUES = {**{str(d): d for d in range(10)},
               **dict(zip("ABCDEFGH", range(1, 9), strict=True)), **dict(zip("JKLMN", range(1, 6), strict=True)),
               "P": 7, "R": 9, **dict(zip("STUVWXYZ", range(2, 10), strict=True))}
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)


def _compact(value: str) -> str:
    return re.sub(r"[\s\-.]", "", value or "").upper()


def vin_check_digit(vin: str) -> str:
    total = sum(_VIN_VALUES[ch] * weight for ch, weight in zip(vin, _VIN_WEIGHTS, strict=True)) % 11
    return "X" if total == 10 else str(total)


def vin_validate(value: str) -> str:
    vin = _compact(value)
    if not _VIN_RE.match(vin):
        raise ValidationError(_("A VIN has 17 characters: digits and capital letters, without I, O or Q."),
                              code="invalid_vin")
    if vin[0] in "12345" and vin[8] != vin_check_digit(vin):
        raise ValidationError(_("This VIN's check digit (the ninth character) does not match: check for a typing "
                                "mistake."), code="invalid_vin")
    return vin


def identifier_clean(scheme: str, value: str) -> str:
    """The identifier's stored form, or a ValidationError saying what is wrong with it."""
    text = " ".join((value or "").split())
    if scheme == "vin":
        return vin_validate(text)
    if scheme in _STDNUM_SCHEMES:
        module, message = _STDNUM_SCHEMES[scheme]
        try:
            return module.validate(text)
        except StdnumError:
            raise ValidationError(message, code=f"invalid_{scheme}") from None
    return text


def identifier_format(scheme: str, value: str) -> str:
    """The identifier as people write it (IBAN in groups of four, "IMO 9319466")."""
    if scheme in _STDNUM_SCHEMES and _STDNUM_SCHEMES[scheme][0].is_valid(value):
        return _STDNUM_SCHEMES[scheme][0].format(value)
    return value


# National identity numbers. stdnum names a country's personal number `personalid` where it has one;
# a few countries' identity cards carry another number, which is accepted too.
_EXTRA_NATIONAL_ID_MODULES = {"be": ("eid",), "es": ("dni", "nie"), "nl": ("bsn", "identiteitskaartnummer"),
                              "it": ("codicefiscale",), "pt": ("cc",)}


def national_id_modules(country: str) -> list[ModuleType]:
    """The stdnum modules of the country's identity numbers; empty where no scheme is known."""
    cc = (country or "").lower()
    if len(cc) != 2:
        return []
    found = [get_cc_module(cc, "personalid")]
    found += [get_cc_module(cc, name) for name in _EXTRA_NATIONAL_ID_MODULES.get(cc, ())]
    return [module for module in found if module is not None]


def national_id_clean(country: str, value: str) -> str:
    """A national identity number checked against the country's schemes (compact), or the trimmed
    text where stdnum knows none."""
    modules = national_id_modules(country)
    if not modules:
        return (value or "").strip()
    for module in modules:
        try:
            return module.validate(value)
        except StdnumError:
            continue
    raise ValidationError(_("This is not a valid identity card number for this country: check it for a typing "
                            "mistake."), code="invalid_national_id")


def national_id_format(country: str, value: str) -> str:
    for module in national_id_modules(country):
        if module.is_valid(value) and hasattr(module, "format"):
            return module.format(value)
    return value

"""Demo data for the custody register: one login per staff role, storage locations, cases with
their parties and court orders, and assets spread over the register's life cycle (the apps above
take it further: valuation's demo asks for early sales of some assets in custody).

Deterministic: the same --seed gives the same cases, assets and histories. Small data sets (the
default) are built through the services, so every history is a real one with a real chain of
custody, each step taken at its own believable past moment under a travelling clock (`Clock`:
court orders before the steps citing them, steps days to months apart, never in the future); large
ones (--bulk, or more than BULK_THRESHOLD assets) are written with bulk_create,
computing each custody entry's hash with the very function the verifier uses, so
`manage.py verify_custody_chain` passes on them too. Running it twice adds nothing the second time.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import random
import time
from base64 import b32encode
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone
from stdnum import iban, isin

from common.security.services import totp_device_issue
from common.security.two_factor import two_factor_required

from . import roles, services
from .models import (
    FOUR_EYES_TRANSITIONS,
    GENESIS_HASH,
    HASHED_FIELDS,
    ORDER_REQUIRED,
    Asset,
    AssetCategory,
    AssetIdentifier,
    AssetStatus,
    Case,
    CaseStatus,
    CourtOrder,
    CustodyEvent,
    CustodyEventKind,
    DispositionMethod,
    LegalBasis,
    OffenceType,
    Party,
    PartyRole,
    StorageKind,
    StorageLocation,
    category_rule,
    custody_hash,
)

S = AssetStatus
BULK_THRESHOLD = 2000
CASE_PREFIX = "ARO-"  # demo case references: ARO-<year>-<number>

DEMO_USERS = {
    "officer": roles.CASE_OFFICER,
    "officer2": roles.CASE_OFFICER,
    "custodian": roles.CUSTODIAN,
    "valuer": roles.VALUER,
    "auctions": roles.AUCTION_MANAGER,
    "finance": roles.FINANCE_OFFICER,
    "approver": roles.APPROVER,
    "approver2": roles.APPROVER,
    "auditor": roles.AUDITOR,
    "editor": roles.EDITOR,
}

LOCATIONS = [
    ("Central warehouse, Vilvoorde", StorageKind.WAREHOUSE, "Industrieweg 12, 1800 Vilvoorde", "35.00", "Vilvoorde"),
    ("Vehicle yard North, Antwerp", StorageKind.VEHICLE_YARD, "Haven 540, 2030 Antwerpen", "18.00", "Antwerp"),
    ("Vehicle yard South, Charleroi", StorageKind.VEHICLE_YARD, "Rue de l'Aéroport 3, 6041 Gosselies", "15.00",
     "Charleroi"),
    ("Marina Nieuwpoort, berth 14", StorageKind.MARINA, "Watersportlaan 11, 8620 Nieuwpoort", "60.00", "Nieuwpoort"),
    ("Hangar 7, Brussels Airport", StorageKind.HANGAR, "Brucargo 706, 1931 Zaventem", "420.00", "Brussels"),
    ("High-security vault, National Bank", StorageKind.VAULT, "Boulevard de Berlaimont 14, 1000 Bruxelles",
     "25.00", "Brussels"),
    ("Frozen accounts (held by the banks)", StorageKind.BANK, "", "0.00", ""),
    ("Cold store, Zeebrugge port", StorageKind.COLD_STORE, "Kustlaan 1, 8380 Zeebrugge", "80.00", "Zeebrugge"),
    ("Partner farm, Gembloux", StorageKind.FARM, "Chaussée de Namur 146, 5030 Gembloux", "40.00", "Gembloux"),
    ("On site (immovable property)", StorageKind.ON_SITE, "", "0.00", ""),
]
_LOCATION_FOR = {
    "real_estate": "On site (immovable property)", "vehicle": "Vehicle yard North, Antwerp",
    "vessel": "Marina Nieuwpoort, berth 14", "aircraft": "Hangar 7, Brussels Airport",
    "cash": "High-security vault, National Bank", "bank_account": "Frozen accounts (held by the banks)",
    "securities": "Frozen accounts (held by the banks)", "virtual_assets": "High-security vault, National Bank",
    "jewellery_art": "High-security vault, National Bank", "precious_metals": "High-security vault, National Bank",
    "business": "On site (immovable property)",
    "livestock": "Partner farm, Gembloux", "perishable": "Cold store, Zeebrugge port",
    "other": "Central warehouse, Vilvoorde",
}

FIRST = ["Anna", "Marc", "Sofia", "Pieter", "Élodie", "Karim", "Ivana", "Luca", "Fatima", "Jan", "Nadia",
         "Dimitri", "Inès", "Tomasz", "Eva", "Youssef", "Laura", "Stefan", "Mira", "Hugo"]
LAST = ["Janssens", "Dubois", "Peeters", "Moreau", "Kowalski", "Rossi", "El Amrani", "Novak", "Van Damme",
        "Leclercq", "Petrov", "Schmidt", "Costa", "Maes", "Haddad", "Lambert", "Horvat", "De Smet"]
COMPANIES = ["Orion Trading Ltd", "Blue Delta Holdings SA", "Nordic Star Shipping", "Atlas Consulting BV",
             "Golden Gate Imports", "Meridian Capital SARL", "Sunrise Logistics NV", "Vega Investments Ltd"]
COURTS = ["Court of First Instance, Brussels", "Court of First Instance, Antwerp", "Court of Appeal, Ghent",
          "Court of First Instance, Liège", "Criminal Court, Mechelen"]
CITIES = ["Brussels", "Antwerp", "Ghent", "Liège", "Knokke", "Namur", "Leuven", "Bruges", "Marbella", "Nice"]
ORIGINS = ["BE", "BE", "BE", "NL", "FR", "DE", "LU", "ES", "IT", "CH", "AE", "CY"]
BANKS = ["BNP Paribas Fortis", "KBC", "ING Belgium", "Belfius", "Argenta", "Crelan"]

# category, weight, title templates, value range (EUR, for titles with no price of their own),
# identifier schemes, unit. A title's value comes from what it names (see _value): a 2024
# Lamborghini is not worth the price of a 2012 Golf, nor 9 BTC that of a used moped.
CATEGORIES = [
    ("real_estate", 8, ["Apartment, {street} {n}, {city}", "Villa with swimming pool, {city}",
                        "Office building, {street} {n}, {city}", "Agricultural land, {n} ha near {city}"],
     (150_000, 3_500_000), ["land_registry"], "item"),
    ("vehicle", 24, ["{car} ({year})", "{car}, {km} km ({year})"], (6_000, 220_000), ["vin", "registration"],
     "item"),
    ("vessel", 3, ["Motor yacht “{boat}”, {metres} m", "Sailing yacht “{boat}”, {metres} m",
                   "RIB speedboat {rib} m"],
     (40_000, 4_000_000), ["hull"], "item"),
    ("aircraft", 1, ["Cessna 172 light aircraft", "Embraer Phenom 300 business jet", "Robinson R44 helicopter"],
     (180_000, 9_000_000), ["aircraft_reg"], "item"),
    ("cash", 10, ["Cash found at {city} residence", "Cash seized at {city} airport", "Cash in safe deposit box"],
     (4_000, 950_000), [], "EUR"),
    ("bank_account", 15, ["Current account at {bank}", "Savings account at {bank}", "Business account at {bank}"],
     (1_000, 5_000_000), ["iban"], "item"),
    ("securities", 5, ["{shares} shares of {company}", "Bond portfolio at {bank}"], (10_000, 2_500_000), ["isin"],
     "item"),
    ("virtual_assets", 5, ["{coins} BTC in a hardware wallet", "{n} ETH on an exchange account"],
     (5_000, 3_000_000), ["wallet"], "item"),
    ("jewellery_art", 7, ["Diamond necklace, {carat} carat", "Rolex Submariner watch", "Oil painting, {city} school"],
     (2_000, 1_500_000), ["serial"], "item"),
    ("precious_metals", 1, ["Gold bars, {kg} × 1 kg", "Silver bullion, {kg} × 15 kg"], (10_000, 1_500_000), ["serial"],
     "item"),
    ("business", 3, ["Restaurant “{boat}” in {city} (going concern)", "Car dealership {company}"],
     (100_000, 5_000_000), ["company_reg"], "item"),
    ("livestock", 2, ["Herd of {n} dairy cows", "{horses} thoroughbred horses"], (20_000, 600_000), ["other"],
     "head"),
    ("perishable", 3, ["{n} tonnes of frozen seafood", "Container of fresh fruit ({fruit} t)"], (5_000, 300_000),
     ["other"], "t"),
    ("other", 5, ["Industrial printing press", "Container of consumer electronics", "{n} luxury handbags"],
     (2_000, 400_000), ["serial"], "item"),
]
# New price (EUR), the share of its value a year of age keeps, the first model year, and the
# thousands of km a year such a car is driven.
CARS = {"BMW X5 xDrive": (85_000, 0.85, 2012, (10, 25)), "Mercedes-Benz S 500": (130_000, 0.84, 2012, (10, 25)),
        "Porsche Cayenne": (95_000, 0.87, 2012, (8, 20)), "Audi RS6 Avant": (130_000, 0.86, 2013, (8, 20)),
        "Range Rover Sport": (100_000, 0.85, 2012, (10, 25)), "Toyota Land Cruiser": (70_000, 0.9, 2012, (10, 25)),
        "Lamborghini Urus": (240_000, 0.9, 2018, (3, 8)), "Volkswagen Golf GTI": (42_000, 0.86, 2012, (10, 25)),
        "Tesla Model S": (95_000, 0.82, 2013, (10, 25)), "Ferrari 488 GTB": (250_000, 0.93, 2015, (2, 6))}
# Market prices the demo's values are computed from (EUR, late 2026, rounded).
GOLD_PER_KG = 75_000
SILVER_PER_KG = 900
BTC = 80_000
ETH = 3_000
# Per title: the value in EUR of what it names, given the numbers drawn for it (before a ±15 % spread).
_UNIT_VALUES = {
    "Apartment": lambda p, r: r.randint(180, 650) * 1000,
    "Villa with swimming pool": lambda p, r: r.randint(700, 3500) * 1000,
    "Office building": lambda p, r: r.randint(1200, 6000) * 1000,
    "Agricultural land": lambda p, r: p["n"] * r.randint(30, 60) * 1000,
    "Motor yacht": lambda p, r: p["metres"] ** 2 * 2_500,
    "Sailing yacht": lambda p, r: p["metres"] ** 2 * 1_500,
    "RIB speedboat": lambda p, r: p["rib"] * 9_000,
    "Cessna 172": lambda p, r: 280_000,
    "Embraer Phenom 300": lambda p, r: 7_500_000,
    "Robinson R44": lambda p, r: 350_000,
    "shares of": lambda p, r: p["shares"] * r.randint(8, 90),
    "Bond portfolio": lambda p, r: r.randint(50, 2500) * 1000,
    "BTC": lambda p, r: p["coins"] * BTC,
    "ETH": lambda p, r: p["n"] * ETH,
    "Diamond necklace": lambda p, r: p["carat"] * r.randint(6, 18) * 1000,
    "Rolex Submariner": lambda p, r: r.randint(9, 14) * 1000,
    "Oil painting": lambda p, r: r.randint(4, 180) * 1000,
    "Gold bars": lambda p, r: p["kg"] * GOLD_PER_KG,
    "Silver bullion": lambda p, r: p["kg"] * 15 * SILVER_PER_KG,
    "Restaurant": lambda p, r: r.randint(150, 900) * 1000,
    "Car dealership": lambda p, r: r.randint(1000, 5000) * 1000,
    "dairy cows": lambda p, r: p["n"] * r.randint(1500, 2200),
    "thoroughbred horses": lambda p, r: p["horses"] * r.randint(15, 80) * 1000,
    "frozen seafood": lambda p, r: p["n"] * r.randint(6, 12) * 1000,
    "fresh fruit": lambda p, r: p["fruit"] * r.randint(1000, 2500),
    "printing press": lambda p, r: r.randint(40, 350) * 1000,
    "consumer electronics": lambda p, r: r.randint(80, 500) * 1000,
    "luxury handbags": lambda p, r: p["n"] * r.randint(1500, 5000),
}
BOATS = ["Sea Breeze", "Blue Horizon", "Libertad", "Nordlys", "Aurora", "Bella Vita", "Poseidon"]

# Where assets end up, and how often (weights). Perishables and livestock stay in custody (for
# valuation's demo to sell them early) or are destroyed.
# state key -> (final status, steps)
_CUSTODY = ["restrain", "seize"]
_CONFISCATED = [*_CUSTODY, "confiscate"]
_AWAITING = [*_CONFISCATED, "refer_for_disposition"]
PATHS: dict[str, tuple[str, list[str]]] = {
    "identified": (S.IDENTIFIED, []),
    "restrained": (S.RESTRAINED, ["restrain"]),
    "in_custody": (S.IN_CUSTODY, _CUSTODY),
    "confiscated": (S.CONFISCATED, _CONFISCATED),
    "awaiting_disposition": (S.AWAITING_DISPOSITION, _AWAITING),
    "for_sale_after_confiscation": (S.FOR_SALE, [*_AWAITING, "put_up_for_sale"]),
    "disposed": (S.DISPOSED, [*_AWAITING, "dispose"]),
    "sold_after_confiscation": (S.DISPOSED, [*_AWAITING, "put_up_for_sale", "record_sale"]),
    "released": (S.RELEASED, ["restrain", "release"]),
    "released_from_custody": (S.RELEASED, [*_CUSTODY, "release"]),
    "returned": (S.RETURNED, [*_CONFISCATED, "return_to_state"]),
    "destroyed": (S.DESTROYED, [*_CUSTODY, "destroy"]),
    "lost": (S.LOST, [*_CUSTODY, "declare_lost"]),
}
SPREAD = {
    "identified": 8, "restrained": 18, "in_custody": 33, "confiscated": 9, "awaiting_disposition": 8,
    "for_sale_after_confiscation": 2, "disposed": 6, "sold_after_confiscation": 3, "released": 4,
    "released_from_custody": 3, "returned": 1, "destroyed": 2, "lost": 1,
}
PERISHABLE_SPREAD = {"in_custody": 15, "destroyed": 1}
# Ends that only some goods meet: a court orders counterfeits or spoilt food destroyed, not a
# restaurant; a storm damages what sits in a yard or a marina, not a bank account.
ONLY_FOR = {
    "destroyed": {"perishable", "other"},
    "lost": {"vehicle", "vessel", "jewellery_art", "livestock", "perishable", "other"},
}

REASONS = {
    "release": "Acquitted on appeal; the restraint is lifted",
    "destroy": "Counterfeit goods; destruction ordered by the court",
    "declare_lost": "Damaged beyond repair in a storm at the storage site",
    "dispose": "Allocated for social reuse to a youth centre",
    "record_sale": "Sold at public auction",
}
# What each step of a path needs of the asset's category (models.CATEGORY_RULES): after confiscation
# "for sale" is the public auction; cash and bank accounts are never sold nor destroyed.
_STEP_NEEDS = {
    "put_up_for_sale": lambda rule: rule.auctioned,
    "record_sale": lambda rule: rule.auctioned,
    "dispose": lambda rule: bool(rule.dispositions),
    "destroy": lambda rule: rule.destroy,
    "declare_lost": lambda rule: rule.lose,
}


def _path_allowed(category: str, path: str) -> bool:
    rule = category_rule(category)
    return all(_STEP_NEEDS.get(step, lambda _rule: True)(rule) for step in PATHS[path][1])


def _disposition(category: str, rng: random.Random) -> str:
    """Social reuse or transfer to a public body, among those the category allows (cash: the fund)."""
    return rng.choice(sorted(category_rule(category).dispositions))


_STEP_TARGET = {
    "restrain": S.RESTRAINED, "seize": S.IN_CUSTODY, "put_up_for_sale": S.FOR_SALE, "confiscate": S.CONFISCATED,
    "refer_for_disposition": S.AWAITING_DISPOSITION, "dispose": S.DISPOSED, "release": S.RELEASED,
    "return_to_state": S.RETURNED, "destroy": S.DESTROYED, "declare_lost": S.LOST,
}


# --------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------


def seed(command, options) -> None:
    users = _staff_logins(options["password"])
    locations = _storage_locations()
    n_assets, n_cases = options["assets"], options["cases"]
    if Case.objects.filter(reference__startswith=CASE_PREFIX).exists():
        command.stdout.write("Custody register: demo cases already present; nothing added.")
    elif n_assets or n_cases:
        rng: random.Random = options["rng"]
        started = time.monotonic()
        if options.get("bulk") or n_assets > BULK_THRESHOLD:
            _BulkSeeder(rng, users, locations, n_cases, n_assets, command).run()
        else:
            _seed_through_services(rng, users, locations, n_cases, n_assets, command)
        command.stdout.write(
            f"Custody register: {Case.objects.count()} cases, {Asset.objects.count()} assets, "
            f"{CustodyEvent.objects.count()} custody log entries ({time.monotonic() - started:.1f} s).")
    command.stdout.write("Staff logins (password %r):" % options["password"])
    for username, role in [("admin", "superuser"), *DEMO_USERS.items()]:
        command.stdout.write(f"  {username:<10} {role}")
    _authenticators(command, users)


def _authenticators(command, users: dict) -> None:
    """The logins whose role requires two-factor authentication (common.security.two_factor) are asked,
    after the password, for a code from an authenticator app. Each gets a confirmed authenticator
    with a key made now, at random (never one written in the repository), printed so that the person
    trying the demo can add it to their app; each seeding makes new keys."""
    needed = [(username, user) for username, user in users.items() if two_factor_required(user)]
    if not needed:
        return
    command.stdout.write(
        "Two-factor authentication: after the password, these logins are asked for the code of an "
        "authenticator app (any TOTP app). Add each one to the app from its otpauth:// URI (paste it, or "
        "make it a QR code) or type its key; keys made by an earlier seeding no longer work:")
    for username, user in needed:
        device = totp_device_issue(user=user)
        key = b32encode(device.bin_key).decode()
        command.stdout.write(f"  {username:<10} key {key}\n  {'':<10} {device.config_url}")


def _staff_logins(password: str) -> dict:
    User = get_user_model()
    users = {}
    for username, role in DEMO_USERS.items():
        user, _ = User.objects.get_or_create(
            username=username, defaults={"email": f"{username}@agency.example.org", "is_staff": True,
                                         "first_name": role.split()[0], "last_name": "Demo"})
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get(name=role))
        users[username] = user
    admin, _ = User.objects.get_or_create(username="admin", defaults={"email": "admin@agency.example.org"})
    admin.is_staff = admin.is_superuser = True
    admin.set_password(password)
    admin.save()
    users["admin"] = admin
    return users


def _storage_locations() -> dict[str, StorageLocation]:
    result = {}
    for name, kind, address, rate, area in LOCATIONS:
        location, _ = StorageLocation.objects.get_or_create(
            name=name, defaults={"kind": kind, "address": address, "daily_rate": Decimal(rate), "currency": "EUR",
                                 "public_area": area})
        result[name] = location
    return result


# --------------------------------------------------------------------------------------------
# Deterministic content
# --------------------------------------------------------------------------------------------


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


@dataclass
class CaseSpec:
    number: int
    reference: str
    title: str
    court: str
    legal_basis: str
    offence_type: str
    origin: str
    requesting_state: str
    status: str
    officer: str
    created_days_ago: int
    parties: list[dict] = field(default_factory=list)


def _case_opened(rng: random.Random, year: int) -> datetime.date:
    """A day of `year`, at least a month ago: cases are spread over past years."""
    latest = timezone.localdate() - datetime.timedelta(days=30)
    day = datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randint(0, 364))
    return min(day, latest)


def _case_spec(rng: random.Random, number: int) -> CaseSpec:
    year = timezone.localdate().year - rng.choice([0, 1, 1, 2, 2, 3, 4, 5])
    opened = _case_opened(rng, year)
    defendant = _person(rng) if rng.random() < 0.75 else rng.choice(COMPANIES)
    requesting = rng.choice(["FR", "NL", "DE", "ES", "IT", "US"]) if rng.random() < 0.15 else ""
    title = (f"Request from {requesting}: proceeds of {defendant}" if requesting else f"State v. {defendant}")
    parties = [
        {"role": PartyRole.DEFENDANT, "name": defendant, "identity_number": f"{rng.randint(10**10, 10**11 - 1)}"},
        {"role": PartyRole.OWNER, "name": defendant if rng.random() < 0.6 else rng.choice(COMPANIES),
         "address": f"{rng.randint(1, 200)} {rng.choice(LAST)}straat, {rng.choice(CITIES)}"},
    ]
    if rng.random() < 0.3:
        claimant = rng.choice([f"{rng.choice(BANKS)} (mortgage holder)", _person(rng), "Tax administration"])
        parties.append({"role": PartyRole.THIRD_PARTY, "name": claimant,
                        "claim_description": rng.choice(["Mortgage over the property", "Spouse's half share",
                                                         "Unpaid taxes", "Bona fide purchaser"]),
                        "claim_amount": Decimal(rng.randint(5, 900) * 1000), "claim_currency": "EUR"})
    return CaseSpec(
        number=number, reference=f"{CASE_PREFIX}{year}-{number:05d}", title=title[:255], court=rng.choice(COURTS),
        legal_basis=rng.choice(LegalBasis.values), offence_type=rng.choice(OffenceType.values),
        origin=requesting or rng.choice(ORIGINS), requesting_state=requesting,
        status=rng.choice([CaseStatus.INVESTIGATION, CaseStatus.PROSECUTION, CaseStatus.TRIAL, CaseStatus.TRIAL,
                           CaseStatus.APPEAL, CaseStatus.FINAL]),
        officer=rng.choice(["officer", "officer2"]), created_days_ago=(timezone.localdate() - opened).days,
        parties=parties,
    )


@dataclass
class AssetSpec:
    category: str
    title: str
    value: Decimal
    quantity: Decimal
    unit: str
    perishable: bool
    identifiers: list[tuple[str, str]]
    path: str


_WEIGHTS = [c[1] for c in CATEGORIES]


def _identifier(scheme: str, serial: int, rng: random.Random) -> str:
    """A realistic-looking identifier, unique per serial number."""
    letters = "ABCDEFGHJKLMNPRSTUVWXYZ"  # VINs never use I, O or Q
    if scheme == "vin":
        return "WBA" + "".join(rng.choice(letters) for _ in range(6)) + f"{serial:08d}"
    if scheme == "registration":
        a, b = divmod(serial, 1000)
        return f"{1 + a // 17576}-{letters[a // 529 % 23]}{letters[a // 23 % 23]}{letters[a % 23]}-{b:03d}"
    if scheme == "land_registry":
        return f"{rng.choice(['21004', '11002', '44021', '62063'])}-{serial:07d}/B"
    if scheme == "iban":  # a Belgian account number (its own mod-97 check) inside a valid IBAN
        account = f"{serial:010d}"
        bban = f"{account}{int(account) % 97 or 97:02d}"
        return f"BE{iban.calc_check_digits('BE00' + bban)}{bban}"
    if scheme == "isin":
        return f"BE{serial:09d}" + isin.calc_check_digit(f"BE{serial:09d}")
    if scheme == "hull":
        return f"BE-{''.join(rng.choice(letters) for _ in range(3))}{serial:06d}"
    if scheme == "aircraft_reg":
        return "OO-" + "".join(letters[(serial // 23**i) % 23] for i in range(4))
    if scheme == "wallet":
        return "bc1q" + hashlib.sha256(f"demo-wallet-{serial}".encode()).hexdigest()[:38]
    if scheme == "company_reg":
        return f"0{serial:09d}"
    return f"SN-{serial:09d}"


def _value(template: str, params: dict, low: int, high: int, rng: random.Random) -> Decimal:
    """What the title names is worth: from its model and age, weight, size or count, within ±15 %."""
    if "{car}" in template:
        new_price, keeps, _first_year, _km_a_year = CARS[params["car"]]
        age = max(0, timezone.localdate().year - params["year"])
        base = new_price * keeps ** age * (1 - min(params["km_driven"], 250_000) / 1_000_000)
        # Prices of old cars flatten out: a sound car keeps at least a sixth of its new price.
        base = max(base, new_price / 6)
    else:
        rule = next((fn for key, fn in _UNIT_VALUES.items() if key in template), None)
        # Values cluster at the low end, like real seizures.
        base = rule(params, rng) if rule else low + (high - low) * rng.random() ** 3
    return Decimal(int(base * rng.uniform(0.85, 1.15)))


def _asset_spec(rng: random.Random, serial: int) -> AssetSpec:
    category, _, titles, (low, high), schemes, unit = rng.choices(CATEGORIES, weights=_WEIGHTS)[0]
    n = rng.randint(2, 60)
    car = rng.choice(list(CARS))
    _price, _keeps, first_year, (km_low, km_high) = CARS[car]
    year = rng.randint(first_year, timezone.localdate().year - 1)
    age = max(0, timezone.localdate().year - year)
    km_driven = max(1, age) * rng.randint(km_low, km_high) * 1000
    params = {
        "street": rng.choice(LAST) + "laan", "n": n, "city": rng.choice(CITIES), "car": car,
        "year": year, "km_driven": km_driven, "km": f"{km_driven:,}", "boat": rng.choice(BOATS),
        "bank": rng.choice(BANKS), "company": rng.choice(COMPANIES), "metres": rng.randint(9, 32),
        "rib": rng.randint(5, 9), "shares": rng.randint(1, 200) * 500, "coins": rng.randint(1, 25),
        "carat": rng.randint(2, 12), "kg": rng.randint(1, 12), "horses": rng.randint(2, 12),
        "fruit": rng.randint(10, 26),
    }
    template = rng.choice(titles)
    title = template.format(**params)
    value = _value(template, params, low, high, rng)
    perishable = category in {"perishable", "livestock"}
    spread = {path: weight for path, weight in (PERISHABLE_SPREAD if perishable else SPREAD).items()
              if _path_allowed(category, path) and category in ONLY_FOR.get(path, {category})}
    path = rng.choices(list(spread), weights=list(spread.values()))[0]
    quantity = Decimal(n) if unit in {"head", "t"} else Decimal("1")
    if "{horses}" in template:
        quantity = Decimal(params["horses"])
    elif "{fruit}" in template:
        quantity = Decimal(params["fruit"])
    if category == "cash":
        quantity, unit = value, "EUR"
    return AssetSpec(category=category, title=title[:255], value=value, quantity=quantity, unit=unit,
                     perishable=perishable, identifiers=[(s, _identifier(s, serial, rng)) for s in schemes],
                     path=path)


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    """Spread `total` assets over `parts` cases: a few big cases, many small ones, none empty if possible."""
    if parts <= 0:
        return []
    weights = [rng.paretovariate(1.6) for _ in range(parts)]
    scale = sum(weights)
    counts = [max(1 if total >= parts else 0, int(total * w / scale)) for w in weights]
    diff = total - sum(counts)
    i = 0
    while diff != 0:
        j = i % parts
        if diff > 0:
            counts[j] += 1
            diff -= 1
        elif counts[j] > 1:
            counts[j] -= 1
            diff += 1
        i += 1
    return counts


# --------------------------------------------------------------------------------------------
# Small data sets: through the services, so every history is real
# --------------------------------------------------------------------------------------------


def _photo(title: str, category: str, rng: random.Random) -> SimpleUploadedFile:
    from PIL import Image, ImageDraw

    sky = tuple(rng.randint(120, 200) for _ in range(3))
    image = Image.new("RGB", (800, 600), sky)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 420, 800, 600), fill=(90, 90, 95))  # ground
    body = tuple(rng.randint(20, 230) for _ in range(3))
    if category == "vehicle":
        draw.rounded_rectangle((150, 280, 650, 420), radius=30, fill=body)
        draw.polygon([(250, 280), (320, 200), (520, 200), (580, 280)], fill=body)
        for x in (250, 550):
            draw.ellipse((x - 50, 380, x + 50, 480), fill=(20, 20, 20))
    elif category == "vessel":
        draw.rectangle((0, 400, 800, 600), fill=(30, 70, 140))
        draw.polygon([(150, 330), (650, 330), (590, 420), (210, 420)], fill=body)
        draw.rectangle((330, 250, 470, 330), fill=(240, 240, 240))
    elif category == "real_estate":
        draw.rectangle((220, 220, 580, 420), fill=body)
        draw.polygon([(200, 220), (400, 100), (600, 220)], fill=(150, 40, 30))
        draw.rectangle((370, 320, 430, 420), fill=(60, 40, 20))
    else:
        draw.ellipse((280, 200, 520, 440), fill=body, outline=(255, 215, 0), width=8)
    draw.text((20, 560), title[:80], fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return SimpleUploadedFile("photo.jpg", out.getvalue(), content_type="image/jpeg")


class Clock:
    """The demo's travelling clock: every service called inside `at(moment)` sees `moment` as now
    (time-machine, a dev dependency: seed_demo never runs in production), so that created_at, the
    custody log's times, status_changed_at and confiscated_at all tell the same past story. The
    custody log is append-only: its times cannot be corrected afterwards, they must be right when
    written."""

    def __init__(self) -> None:
        import time_machine

        self._travel = time_machine.travel

    @contextmanager
    def at(self, moment: datetime.datetime):
        latest = timezone.now() - datetime.timedelta(minutes=1)
        with self._travel(min(moment, latest), tick=False):
            yield


def _local(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


# How long after the previous order of the case a court gives each kind (days, from and to), and
# which order it follows.
_ORDER_AFTER = {"restraint": ("opened", 0, 20), "seizure": ("restraint", 3, 40), "early_sale": ("seizure", 40, 300),
                "release": ("seizure", 60, 400), "destruction": ("seizure", 30, 200),
                "confiscation": ("seizure", 250, 800), "return": ("confiscation", 30, 300)}


@dataclass
class CaseTimeline:
    """When each order of a case was issued and each step of each asset taken. Drawn forward from
    the day the case was opened, then squeezed (order kept) so that the last step is in the past."""

    opened: datetime.datetime
    orders: dict[str, datetime.datetime]
    steps: list[list[tuple[str, datetime.datetime]]]  # per asset: (step, when)

    @classmethod
    def draw(cls, opened: datetime.datetime, paths: list[list[str]], rng: random.Random) -> CaseTimeline:
        needed = {ORDER_REQUIRED[s] for path in paths for s in path if s in ORDER_REQUIRED}
        orders: dict[str, datetime.datetime] = {"opened": opened}
        for order_type, (after, low, high) in _ORDER_AFTER.items():  # in the order courts give them
            if order_type in needed:
                base = orders.get(after) or max(orders.values())
                orders[order_type] = base + datetime.timedelta(days=rng.randint(low, high), hours=rng.randint(1, 7))
        del orders["opened"]
        steps = []
        for i, path in enumerate(paths):
            at = opened + datetime.timedelta(minutes=5 * (i + 1))
            mine = []
            for step in path:
                order_at = orders.get(ORDER_REQUIRED.get(step, ""))
                at = max(at, order_at or at) + datetime.timedelta(days=rng.randint(1, 20) if order_at
                                                                  else rng.randint(5, 90), hours=rng.randint(1, 6))
                mine.append((step, at))
            steps.append(mine)
        timeline = cls(opened=opened, orders=orders, steps=steps)
        timeline._squeeze(timezone.now() - datetime.timedelta(days=1))
        return timeline

    def _squeeze(self, latest: datetime.datetime) -> None:
        moments = [*self.orders.values(), *(at for path in self.steps for _, at in path)]
        last = max(moments, default=self.opened)
        if last <= latest:
            return
        ratio = (latest - self.opened) / (last - self.opened)

        def squeeze(at: datetime.datetime) -> datetime.datetime:
            return self.opened + (at - self.opened) * ratio

        self.orders = {k: squeeze(v) for k, v in self.orders.items()}
        self.steps = [[(step, squeeze(at)) for step, at in path] for path in self.steps]


_AWAITING_DECISION = {"disposed": "awaiting_disposition", "returned": "confiscated"}


def _seed_through_services(rng, users, locations, n_cases, n_assets, command) -> None:
    today = timezone.localdate()
    clock = Clock()
    serial = 0
    photos_left = 8
    for number, count in enumerate(_split(n_assets, n_cases, rng), start=1):
        spec = _case_spec(rng, number)
        officer = users[spec.officer]
        opened = _local(today - datetime.timedelta(days=spec.created_days_ago), 9, 30)
        specs = []
        for _ in range(count):
            serial += 1
            a = _asset_spec(rng, serial)
            # Through the services, an asset's final disposition or return is disposition's decision
            # (disposition/demo_reuse.py): here it waits for one.
            a.path = _AWAITING_DECISION.get(a.path, a.path)
            specs.append(a)
        timeline = CaseTimeline.draw(opened, [PATHS[a.path][1] for a in specs], rng)
        with clock.at(opened):  # the case is opened, its parties and assets recorded, that morning
            case = services.case_create(
                actor=officer, reference=spec.reference, title=spec.title, court=spec.court, jurisdiction="BE",
                legal_basis=spec.legal_basis, offence_type=spec.offence_type, country_of_origin=spec.origin,
                requesting_state=spec.requesting_state, status=spec.status,
                expected_decision_date=today + datetime.timedelta(days=rng.randint(60, 700)))
            for party in spec.parties:
                services.party_add(actor=officer, case=case, **party)
        plans = []
        for n, a in enumerate(specs):
            with clock.at(opened + datetime.timedelta(minutes=5 * n)):
                asset = services.asset_register(
                    actor=officer, case=case, category=a.category, title=a.title, identifiers=a.identifiers,
                    declared_value=a.value, currency="EUR", quantity=a.quantity, unit=a.unit,
                    perishable=a.perishable,
                    description=f"{AssetCategory(a.category).label} identified in {spec.reference}.")
            plans.append((asset, a))
        # One order of each type the case needs, covering the assets it concerns (as courts do),
        # recorded the day it was issued, before any step that cites it.
        orders: dict[str, CourtOrder] = {}
        for order_type, issued in sorted(timeline.orders.items(), key=lambda item: item[1]):
            covered = [asset for asset, a in plans if any(ORDER_REQUIRED.get(s) == order_type
                                                          for s in PATHS[a.path][1])]
            if not covered:
                continue
            with clock.at(issued):
                orders[order_type] = services.court_order_record(
                    actor=officer, case=case, order_type=order_type, reference=f"{order_type[:3].upper()}/"
                    f"{spec.reference}", issued_on=timezone.localdate(), issuing_court=spec.court, assets=covered,
                    publishable=order_type == "confiscation",
                    recipient_state=(spec.requesting_state or "FR") if order_type == "return" else "",
                    summary=f"{order_type.replace('_', ' ').capitalize()} order in {spec.reference}.")
        for (asset, a), steps in zip(plans, timeline.steps, strict=True):
            last = _drive(asset, a, steps, orders, users, locations, rng, clock)
            if photos_left and a.category in {"vehicle", "vessel", "real_estate", "jewellery_art"}:
                with clock.at(last + datetime.timedelta(hours=2)):
                    services.asset_photo_add(asset_id=asset.pk, upload=_photo(a.title, a.category, rng),
                                             actor=users["custodian"], caption=a.title)
                photos_left -= 1


def _drive(asset: Asset, a: AssetSpec, steps, orders, users, locations, rng, clock: Clock) -> datetime.datetime:
    """Take the asset through its steps, each at its moment; returns the moment of the last entry."""
    officer = users["officer"] if asset.case.case_officer_id == users["officer"].pk else users["officer2"]
    last = asset.created_at
    for n, (step, at) in enumerate(steps):
        following = steps[n + 1][1] if n + 1 < len(steps) else timezone.now()
        last = at
        with clock.at(at):
            if step == "record_sale":
                services.asset_record_sale(asset_id=asset.pk, actor=users["auctions"],
                                           reason=REASONS["record_sale"])
            elif step in FOUR_EYES_TRANSITIONS:  # one approver asks, the other approves
                services.custody_end_request(
                    asset_id=asset.pk, transition=step, actor=users["approver"], reason=REASONS.get(step, ""),
                    disposition=_disposition(a.category, rng) if step == "dispose" else None)
                services.custody_end_approve(asset_id=asset.pk, actor=users["approver2"])
            else:
                actor = {"put_up_for_sale": users["auctions"], "destroy": users["approver2"]}.get(step, officer)
                order = orders.get(ORDER_REQUIRED.get(step, ""))
                services.asset_transition(
                    asset_id=asset.pk, transition=step, actor=actor, reason=REASONS.get(step, ""),
                    order_id=order.pk if order else None,
                    disposition=_disposition(a.category, rng) if step == "dispose" else None)
        if step != "seize":
            continue
        # Received into custody within hours; inspected and moved later, before the next step.
        gap = following - at
        last = at + min(gap / 4, datetime.timedelta(hours=rng.randint(2, 30)))
        location = locations[_LOCATION_FOR[a.category]]
        with clock.at(last):
            services.custody_event_record(asset_id=asset.pk, actor=users["custodian"], kind="received",
                                          location_id=location.pk, reason="Received into custody with seals intact")
        if rng.random() < 0.4:
            last = at + gap / 2
            with clock.at(last):
                services.custody_event_record(asset_id=asset.pk, actor=users["custodian"], kind="condition_report",
                                              condition=rng.choice(["Good", "Fair, minor scratches", "Poor"]),
                                              reason="Quarterly inspection")
        if a.category == "vehicle" and rng.random() < 0.3:
            last = at + gap * 3 / 4
            with clock.at(last):
                services.custody_event_record(asset_id=asset.pk, actor=users["custodian"], kind="moved",
                                              location_id=locations["Vehicle yard South, Charleroi"].pk,
                                              reason="Yard North full")
    return last


# --------------------------------------------------------------------------------------------
# Large data sets: bulk_create, with the same hash chain the services would have written
# --------------------------------------------------------------------------------------------


class _BulkSeeder:
    CASES_PER_BATCH = 250

    def __init__(self, rng, users, locations, n_cases, n_assets, command):
        self.rng, self.users, self.locations = rng, users, locations
        self.n_cases, self.n_assets, self.command = n_cases, n_assets, command
        self.now = timezone.now().replace(microsecond=0)
        self.serial = 0

    def run(self) -> None:
        counts = _split(self.n_assets, self.n_cases, self.rng)
        started = time.monotonic()
        for start in range(0, len(counts), self.CASES_PER_BATCH):
            self._batch(start, counts[start:start + self.CASES_PER_BATCH])
            done = min(start + self.CASES_PER_BATCH, len(counts))
            self.command.stdout.write(f"  {done}/{len(counts)} cases, {self.serial} assets "
                                      f"({time.monotonic() - started:.0f} s)")
        with connection.cursor() as cur:
            cur.execute("ANALYZE custody_case, custody_asset, custody_custodyevent, custody_courtorder_assets")

    def _batch(self, first: int, counts: list[int]) -> None:
        rng, users = self.rng, self.users
        specs = [_case_spec(rng, first + i + 1) for i in range(len(counts))]
        cases = Case.objects.bulk_create([Case(
            reference=s.reference, title=s.title, court=s.court, jurisdiction="BE", legal_basis=s.legal_basis,
            offence_type=s.offence_type, country_of_origin=s.origin, requesting_state=s.requesting_state,
            status=s.status, case_officer=users[s.officer],
            created_at=self.now - datetime.timedelta(days=s.created_days_ago, seconds=rng.randint(0, 86399)),
            expected_decision_date=(self.now + datetime.timedelta(days=rng.randint(60, 700))).date(),
        ) for s in specs])
        Party.objects.bulk_create([Party(case=c, **p) for c, s in zip(cases, specs, strict=True) for p in s.parties])

        plans: list[tuple[Case, Asset, AssetSpec]] = []
        for case, count in zip(cases, counts, strict=True):
            for n in range(1, count + 1):
                self.serial += 1
                a = _asset_spec(rng, self.serial)
                created = case.created_at + datetime.timedelta(days=rng.randint(0, 20), seconds=rng.randint(0, 9999))
                asset = Asset(case=case, reference=f"{case.reference}/A{n:04d}", category=a.category, title=a.title,
                              description=f"{AssetCategory(a.category).label} identified in {case.reference}.",
                              quantity=a.quantity, unit=a.unit, perishable=a.perishable, declared_value=a.value,
                              currency="EUR", status=PATHS[a.path][0], created_at=created, status_changed_at=created)
                plans.append((case, asset, a))
        # Court orders: one per case and type needed.
        needed: dict[tuple[int, str], list[int]] = {}
        for i, (case, _, a) in enumerate(plans):
            for step in PATHS[a.path][1]:
                if step in ORDER_REQUIRED:
                    needed.setdefault((case.pk, ORDER_REQUIRED[step]), []).append(i)
        case_by_pk = {c.pk: c for c in cases}
        orders = CourtOrder.objects.bulk_create([
            self._order(case_by_pk[case_pk], order_type) for case_pk, order_type in needed])
        order_of = {(o.case_id, o.order_type): o for o in orders}

        # Walk each asset's path: status fields and custody log.
        events: list[CustodyEvent] = []
        for case, asset, a in plans:
            self._walk(case, asset, a, order_of, events)
        Asset.objects.bulk_create([asset for _, asset, _ in plans], batch_size=2000)
        for event in events:  # assets have their ids now: complete and chain the entries
            event.asset_id = event.asset.pk
        self._chain(events)
        AssetIdentifier.objects.bulk_create(
            [AssetIdentifier(asset=asset, scheme=s, value=v) for _, asset, a in plans for s, v in a.identifiers],
            batch_size=5000)
        Through = CourtOrder.assets.through
        Through.objects.bulk_create([Through(courtorder_id=order_of[key].pk, asset_id=plans[i][1].pk)
                                     for key, indexes in needed.items() for i in sorted(set(indexes))],
                                    batch_size=5000)
        CustodyEvent.objects.bulk_create(events, batch_size=5000)

    @staticmethod
    def _order(case: Case, order_type: str) -> CourtOrder:
        return CourtOrder(
            case=case, order_type=order_type, reference=f"{order_type[:3].upper()}/{case.reference}",
            issued_on=(case.created_at + datetime.timedelta(days=30)).date(), issuing_court=case.court,
            publishable=order_type == "confiscation",
            recipient_state=(case.requesting_state or "FR") if order_type == "return" else "",
            created_by=case.case_officer, created_at=case.created_at)

    def _walk(self, case, asset, a, order_of, events) -> None:
        rng, users = self.rng, self.users
        officer = case.case_officer
        at = asset.created_at
        state = S.IDENTIFIED

        def log(kind, *, actor, from_state="", to_state="", transition="", order=None, location=None,
                condition="", reason=""):
            events.append(CustodyEvent(
                asset=asset, kind=kind, at=at, actor=actor, from_state=from_state, to_state=to_state,
                transition=transition, order=order, location=location, condition=condition, reason=reason))

        log(CustodyEventKind.STATUS_CHANGE, actor=officer, to_state=S.IDENTIFIED, transition="register",
            reason="Registered in the custody register")
        for step in PATHS[a.path][1]:
            at = min(at + datetime.timedelta(days=rng.randint(3, 90), seconds=rng.randint(0, 86399)),
                     self.now - datetime.timedelta(minutes=1))
            target = _STEP_TARGET.get(step)
            if step == "record_sale":
                target = S.DISPOSED if asset.confiscated_at else S.SOLD
            if step == "confiscate":
                asset.confiscated_at = at
            if step in {"dispose", "record_sale", "return_to_state", "destroy"} and target in {
                    S.DISPOSED, S.RETURNED, S.DESTROYED}:
                asset.disposition_method = {
                    "dispose": _disposition(a.category, rng),
                    "record_sale": DispositionMethod.SALE, "return_to_state": DispositionMethod.RETURN,
                    "destroy": DispositionMethod.DESTRUCTION}[step]
            actor = {"put_up_for_sale": users["auctions"], "record_sale": users["auctions"],
                     "dispose": users["approver"], "destroy": users["approver2"],
                     "declare_lost": users["approver"]}.get(step, officer)
            order = order_of.get((case.pk, ORDER_REQUIRED.get(step, "")))
            reason = REASONS.get(step, "")
            log(CustodyEventKind.STATUS_CHANGE, actor=actor, from_state=state, to_state=target, transition=step,
                order=order, reason=reason)
            state = target
            if step == "seize":
                location = self.locations[_LOCATION_FOR[a.category]]
                at += datetime.timedelta(hours=rng.randint(1, 48))
                log(CustodyEventKind.RECEIVED, actor=users["custodian"], location=location,
                    reason="Received into custody with seals intact")
                asset.location, asset.custodian = location, users["custodian"]
                if rng.random() < 0.3:
                    at += datetime.timedelta(days=rng.randint(10, 120))
                    log(CustodyEventKind.CONDITION_REPORT, actor=users["custodian"],
                        condition=rng.choice(["Good", "Fair, minor scratches", "Poor"]), reason="Quarterly inspection")
        asset.status_changed_at = at

    @staticmethod
    def _chain(events: list[CustodyEvent]) -> None:
        """Number each asset's entries and link them, exactly as events.custody_event_append does."""
        prev_asset, seq, prev_hash = None, 0, GENESIS_HASH
        for event in events:  # grouped by asset, in order
            if event.asset_id != prev_asset:
                prev_asset, seq, prev_hash = event.asset_id, 0, GENESIS_HASH
            seq += 1
            event.seq, event.prev_hash = seq, prev_hash
            event.entry_hash = custody_hash(*(getattr(event, f) for f in HASHED_FIELDS))
            prev_hash = event.entry_hash


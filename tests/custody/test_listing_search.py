"""The search boxes of the register's listings (cases, assets) as staff use them: references and
identifiers however they are typed, titles and names with typos, and the parties' names only for
those who may see the parties."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from custody.models import Party
from tests.factories import AssetFactory, CaseFactory, CourtOrderFactory, UserFactory

pytestmark = pytest.mark.django_db

ASSETS = reverse("custody_assets:index")
CASES = reverse("custody_cases:index")


@pytest.fixture
def register(case_officer):
    """Two cases: one with a Lamborghini (its IBAN-funded plate and VIN) owned by Marc Dubois, one with a watch."""
    dubois = CaseFactory(reference="AUC-2026-001", title="State v. Dubois", court="Court of Antwerp")
    Party.objects.create(case=dubois, role="owner", name="Marc Dubois", identity_number="85.07.30-033.61")
    car = AssetFactory(case=dubois, actor=case_officer, title="Lamborghini Urus 2021",
                       identifiers=[("vin", "ZPBUA1ZL9KLA00421"), ("registration", "1-ABC-234")])
    account = AssetFactory(case=dubois, actor=case_officer, title="Current account", category="bank_account",
                           identifiers=[("iban", "BE71096123456769")])
    other = CaseFactory(reference="AUC-2026-002", title="State v. Novak", court="Court of Ghent")
    watch = AssetFactory(case=other, actor=case_officer, title="Gold Rolex Submariner watch",
                         category="jewellery_art")
    CourtOrderFactory(case=other, reference="SZ-77/2026", order_type="seizure", assets=[watch])
    return {"dubois": dubois, "other": other, "car": car, "account": account, "watch": watch}


def _found(client, url, q, *records) -> set[str]:
    html = client.get(url, {"q": q}).content.decode()
    return {r.reference for r in records if r.reference in html}


def test_assets_are_found_by_identifiers_however_they_are_typed(client, auditor, register):
    client.force_login(auditor)
    everything = (register["car"], register["account"], register["watch"])
    assert _found(client, ASSETS, "be71 0961 2345 6769", *everything) == {register["account"].reference}
    assert _found(client, ASSETS, "1abc234", *everything) == {register["car"].reference}
    assert _found(client, ASSETS, "ZPBUA1ZL9", *everything) == {register["car"].reference}  # the start of a VIN


def test_assets_are_found_by_title_with_a_typo_and_by_their_case(client, auditor, register):
    client.force_login(auditor)
    everything = (register["car"], register["account"], register["watch"])
    assert _found(client, ASSETS, "lamborgini", *everything) == {register["car"].reference}
    assert _found(client, ASSETS, "rolex watch", *everything) == {register["watch"].reference}
    assert _found(client, ASSETS, "2026 002", *everything) == {register["watch"].reference}


def test_assets_are_found_by_their_owners_name(client, auditor, register):
    client.force_login(auditor)
    everything = (register["car"], register["account"], register["watch"])
    expected = {register["car"].reference, register["account"].reference}
    assert _found(client, ASSETS, "dubois marc", *everything) == expected
    assert _found(client, ASSETS, "Duboit", *everything) == expected  # a typo
    assert _found(client, ASSETS, "850730 03361", *everything) == expected  # the owner's national number


def test_cases_are_found_by_reference_party_identifier_and_order(client, auditor, register):
    client.force_login(auditor)
    cases = (register["dubois"], register["other"])
    assert _found(client, CASES, "2026-001", *cases) == {"AUC-2026-001"}
    assert _found(client, CASES, "marc dubois", *cases) == {"AUC-2026-001"}
    assert _found(client, CASES, "be71096123456769", *cases) == {"AUC-2026-001"}  # an asset's IBAN
    assert _found(client, CASES, "sz 77 2026", *cases) == {"AUC-2026-002"}  # a court order
    assert _found(client, CASES, "Ghent", *cases) == {"AUC-2026-002"}  # the court


def test_names_and_places_are_found_without_their_accents(client, auditor, register, case_officer):
    # given a case heard in Liège whose owner is Élodie Moreau, and a flat in "Liege" written without accent
    moreau = CaseFactory(reference="AUC-2026-003", title="State v. Moreau",
                         court="Tribunal de première instance de Liège")
    Party.objects.create(case=moreau, role="owner", name="Élodie Moreau")
    flat = AssetFactory(case=moreau, actor=case_officer, title="Flat in Liege, rue Léopold", category="real_estate")
    client.force_login(auditor)
    cases = (register["dubois"], register["other"], moreau)
    # then typed without accents, or with them, they are found
    assert _found(client, CASES, "elodie moreau", *cases) == {"AUC-2026-003"}
    assert _found(client, CASES, "elodie", *cases) == {"AUC-2026-003"}
    assert _found(client, CASES, "liege", *cases) == {"AUC-2026-003"}  # the court
    assert _found(client, CASES, "premiere instance", *cases) == {"AUC-2026-003"}
    assets = (register["car"], register["watch"], flat)
    assert _found(client, ASSETS, "elodie", *assets) == {flat.reference}  # its owner
    assert _found(client, ASSETS, "Liège", *assets) == {flat.reference}  # its title, typed with the accent
    assert _found(client, ASSETS, "leopold", *assets) == {flat.reference}


def test_parties_are_searched_only_for_those_who_may_see_them(client, register):
    reader = Group.objects.create(name="Case reader")
    reader.permissions.add(*Permission.objects.filter(
        codename__in=["access_admin", "view_case", "view_asset"]))
    user = UserFactory(username="reader")
    user.groups.add(reader)
    client.force_login(user)
    cases, assets = (register["dubois"], register["other"]), (register["car"], register["watch"])
    assert _found(client, CASES, "AUC-2026-001", *cases) == {"AUC-2026-001"}  # the listing works for them
    assert _found(client, CASES, "dubois marc", *cases) == set()
    assert _found(client, CASES, "850730 03361", *cases) == set()
    assert _found(client, ASSETS, "dubois marc", *assets) == set()


def test_a_search_lists_each_record_once(client, auditor, register):
    client.force_login(auditor)
    # The case matches through two assets and a party: one row.
    link = reverse("custody_cases:inspect", args=[register["dubois"].pk])
    unsearched = client.get(CASES).content.decode().count(link)
    assert unsearched and client.get(CASES, {"q": "dubois"}).content.decode().count(link) == unsearched


def test_the_best_match_comes_first_unless_another_order_is_asked(client, auditor, register, case_officer):
    huracan = AssetFactory(case=register["other"], actor=case_officer, title="Lamborghini Huracan 2019")
    client.force_login(auditor)
    html = client.get(ASSETS, {"q": "lamborghini urus"}).content.decode()
    # Newest first would put the Huracán (registered last) first; the Urus is the better match.
    assert html.index(register["car"].reference) < html.index(huracan.reference)
    html = client.get(ASSETS, {"q": "lamborghini urus", "ordering": "-created_at"}).content.decode()
    assert html.index(huracan.reference) < html.index(register["car"].reference)


def test_each_searched_field_is_answered_by_its_index(auditor, register):
    """The search reads the matching assets through the indexes of their references and titles rather
    than every asset. (At a few thousand rows PostgreSQL rightly prefers reading them all, so the plan
    is asked for without sequential scans: what it would do with the register's 100,000 assets.)"""
    from django.db import connection

    from custody import selectors
    from custody.models import Asset, AssetIdentifier

    case = register["other"]
    Asset.objects.bulk_create([Asset(case=case, reference=f"BULK-{i:05d}", category="vehicle", title=f"Van {i}",
                                     currency="EUR") for i in range(3000)])
    AssetIdentifier.objects.bulk_create([AssetIdentifier(asset=a, scheme="vin", value=f"VIN{a.pk:014d}")
                                         for a in Asset.objects.filter(reference__startswith="BULK-")])
    qs = selectors.asset_list(search="lamborgini 1ABC234", user=auditor)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE custody_asset, custody_assetidentifier")
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = qs.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    for index in ("asset_reference_code", "asset_title_fts", "asset_title_trgm"):
        assert index in plan, index

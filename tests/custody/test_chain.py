"""The chain of custody is append-only and tamper-evident.

Given assets with real histories, when someone alters or removes an entry behind the
application's back (as a DBA could, after switching the database's guard off), then
`manage.py verify_custody_chain` names the asset, the entry and what is wrong, and exits non-zero.
"""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from custody import services
from custody.models import AppendOnlyError, CustodyEvent
from tests.custody.lifecycle import Driver
from tests.factories import AssetFactory

pytestmark = pytest.mark.django_db

@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # test users only


@pytest.fixture
def driver(case_officer, approver, auction_manager):
    return Driver(requester=case_officer, endorser=approver, officer=case_officer, approver=approver,
                  seller=auction_manager)


@pytest.fixture
def assets(driver, case, case_officer):
    """Three assets with chains of 1, 3 and 5 entries."""
    a, b, c = (AssetFactory(case=case, actor=case_officer) for _ in range(3))
    driver.bring_to(b, "in_custody")
    driver.bring_to(c, "awaiting_disposition")
    return a, b, c


def behind_the_applications_back(sql: str, params=()) -> None:
    """Run raw SQL on the custody log with the database's append-only guard switched off, the way
    a DBA with owner rights could; the guard is back on afterwards."""
    with transaction.atomic(), connection.cursor() as cur:
        # The test's own inserts leave deferred foreign-key checks pending; ALTER TABLE wants none.
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cur.execute("ALTER TABLE custody_custodyevent DISABLE TRIGGER USER")
        cur.execute(sql, params)
        cur.execute("ALTER TABLE custody_custodyevent ENABLE TRIGGER USER")
        cur.execute("SET CONSTRAINTS ALL DEFERRED")


def verify() -> tuple[str, CommandError | None]:
    out = StringIO()
    try:
        call_command("verify_custody_chain", stdout=out)
    except CommandError as exc:
        return out.getvalue(), exc
    return out.getvalue(), None


def event(asset, seq) -> CustodyEvent:
    return CustodyEvent.objects.get(asset=asset, seq=seq)


# ---- verification ---------------------------------------------------------------------------


def test_intact_chains_are_reported_ok_with_their_size(assets):
    out, error = verify()
    assert error is None
    assert "OK: 9 entries in 3 chains" in out


def test_an_empty_register_is_ok():
    out, error = verify()
    assert error is None and "OK: 0 entries in 0 chains" in out


def test_an_altered_entry_is_named_and_the_command_fails(assets):
    _, b, _ = assets
    behind_the_applications_back("UPDATE custody_custodyevent SET reason = %s WHERE id = %s",
                                 ["Nothing happened here", event(b, 2).pk])
    out, error = verify()
    assert error is not None and error.returncode == 1
    assert f"BROKEN: asset {b.reference} (id {b.pk}), entry #2: its content does not match its hash" in out
    assert out.count("BROKEN") == 1  # the other two chains are intact, and only the first break is named


def test_an_entry_rewritten_with_a_fresh_hash_breaks_the_link_to_the_next(assets):
    # A careful forger recomputes the altered entry's own hash; the next entry still points at the old one.
    _, _, c = assets
    forged = event(c, 3)
    forged.reason = "Confiscated by mistake"
    new_hash = forged.compute_hash()
    behind_the_applications_back("UPDATE custody_custodyevent SET reason = %s, entry_hash = %s WHERE id = %s",
                                 [forged.reason, new_hash, forged.pk])
    out, error = verify()
    assert error is not None
    assert f"asset {c.reference} (id {c.pk}), entry #4: does not link to the previous entry" in out


def test_a_deleted_entry_in_the_middle_is_named(assets):
    _, _, c = assets
    behind_the_applications_back("DELETE FROM custody_custodyevent WHERE id = %s", [event(c, 2).pk])
    out, error = verify()
    assert error is not None
    assert f"asset {c.reference} (id {c.pk}), entry #2: missing (deleted?): the next entry found is #3" in out


def test_a_deleted_last_entry_is_caught_by_the_assets_status(assets):
    _, b, _ = assets
    behind_the_applications_back("DELETE FROM custody_custodyevent WHERE id = %s", [event(b, 3).pk])
    out, error = verify()
    assert error is not None
    assert f"asset {b.reference} (id {b.pk}), end of chain: the asset's status (in_custody)" in out


def test_an_asset_whose_whole_log_was_deleted_is_named(assets):
    a, _, _ = assets
    behind_the_applications_back("DELETE FROM custody_custodyevent WHERE asset_id = %s", [a.pk])
    out, error = verify()
    assert error is not None
    assert f"asset {a.reference} (id {a.pk}), entry #1: missing: the asset has no custody log at all" in out


def test_each_broken_chain_is_named_once(assets):
    a, b, c = assets
    behind_the_applications_back("UPDATE custody_custodyevent SET condition = 'x' WHERE asset_id IN (%s, %s)",
                                 [a.pk, c.pk])
    out, error = verify()
    assert error is not None and "2 broken chain(s) among 3" in str(error)
    assert [line.split(",")[0] for line in out.splitlines()] == [
        f"BROKEN: asset {a.reference} (id {a.pk})", f"BROKEN: asset {c.reference} (id {c.pk})"]


def test_verification_can_be_limited_to_one_asset(assets):
    a, b, _ = assets
    behind_the_applications_back("UPDATE custody_custodyevent SET reason = 'x' WHERE asset_id = %s", [a.pk])
    out = StringIO()
    call_command("verify_custody_chain", "--asset", str(b.pk), stdout=out)
    assert "OK: 3 entries in 1 chains" in out.getvalue()


def test_small_fetch_chunks_give_the_same_answer(assets):
    report = services.custody_chain_check(chunk=2)
    assert (report.entries, report.chains, report.breaks) == (9, 3, [])


# ---- append-only: the application refuses ---------------------------------------------------


def test_orm_cannot_change_or_delete_entries(asset):
    entry = CustodyEvent.objects.get(asset=asset)
    entry.reason = "rewritten"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        CustodyEvent.objects.filter(pk=entry.pk).update(reason="rewritten")
    with pytest.raises(AppendOnlyError):
        CustodyEvent.objects.filter(pk=entry.pk).delete()
    with pytest.raises(AppendOnlyError):
        CustodyEvent.objects.bulk_update([entry], ["reason"])
    assert CustodyEvent.objects.get(asset=asset).reason == "Registered in the custody register"
    assert services.custody_chain_verify() == []


# ---- append-only: the database refuses, whatever the client ---------------------------------


@pytest.mark.parametrize("sql", ["UPDATE custody_custodyevent SET reason = 'x' WHERE asset_id = %s",
                                 "DELETE FROM custody_custodyevent WHERE asset_id = %s"])
def test_the_database_refuses_raw_update_and_delete(asset, sql):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cur:
        cur.execute(sql, [asset.pk])
    assert CustodyEvent.objects.filter(asset=asset).count() == 1
    assert services.custody_chain_verify() == []


def test_the_database_refuses_truncate(asset):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cur:
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cur.execute("TRUNCATE custody_custodyevent CASCADE")
    assert CustodyEvent.objects.filter(asset=asset).exists()


def test_the_trigger_is_back_after_the_tampering_helper(asset):
    behind_the_applications_back("UPDATE custody_custodyevent SET reason = 'x' WHERE asset_id = %s", [asset.pk])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE custody_custodyevent SET reason = 'y' WHERE asset_id = %s", [asset.pk])


# ---- demo data: real chains, both ways of building them ------------------------------------


class _Command:
    def __init__(self):
        self.stdout = StringIO()


def _seed(**options):
    import random

    from custody import demo

    command = _Command()
    demo.seed(command, {"password": "demo-test-pass", "rng": random.Random(7), **options})
    return command.stdout.getvalue()


@pytest.mark.parametrize("bulk", [False, True], ids=["through-services", "bulk"])
def test_demo_data_has_intact_chains_and_a_spread_of_states_and_seeding_twice_adds_nothing(bulk):
    from custody.models import Asset, Case, Party

    out = _seed(assets=120, cases=6, bulk=bulk)
    assert "officer " in out and "auditor" in out  # the logins are printed
    report = services.custody_chain_check()
    assert report.breaks == [] and report.chains == Asset.objects.count() == 120
    assert len(set(Asset.objects.values_list("status", flat=True))) >= 8
    assert set(Party.objects.values_list("role", flat=True)) >= {"owner", "defendant"}
    counts = (Case.objects.count(), Asset.objects.count(), CustodyEvent.objects.count())

    again = _seed(assets=120, cases=6, bulk=bulk)
    assert "nothing added" in again
    assert (Case.objects.count(), Asset.objects.count(), CustodyEvent.objects.count()) == counts


def test_demo_content_is_deterministic_for_a_seed():
    import random

    from custody import demo

    def draw(seed):
        rng = random.Random(seed)
        return [demo._case_spec(rng, n) for n in range(1, 4)], [demo._asset_spec(rng, n) for n in range(1, 30)]

    assert draw(2026) == draw(2026)
    assert draw(2026) != draw(2027)

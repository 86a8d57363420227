"""For the operators: /metrics (Prometheus) and /readyz (may this node take traffic?).

/healthz (config.views) stays the cheap liveness check; /readyz checks everything a request may need
and names what is down.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import logging
import math
import os
import tempfile
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import load_backend
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily

from common.api import error_response
from common.net import client_address

log = logging.getLogger(__name__)

REDIS_SCHEMES = ("redis://", "rediss://", "unix://", "redis+socket://", "socket://")


def _redis_client(url: str, timeout: float):
    import redis

    for kombu_scheme in ("redis+socket://", "socket://"):  # kombu's names for Redis on a Unix socket
        if url.startswith(kombu_scheme):
            url = "unix://" + url.removeprefix(kombu_scheme)
    return redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)


# --------------------------------------------------------------------------------------------
# /metrics
# --------------------------------------------------------------------------------------------

# kombu's Redis transport keeps a queue's messages of priority 3, 6 and 9 in lists of their own.
_PRIORITY_SUFFIXES = ("", "\x06\x163", "\x06\x166", "\x06\x169")


def celery_queue_names() -> list[str]:
    if settings.METRICS_CELERY_QUEUES:
        return list(settings.METRICS_CELERY_QUEUES)
    from config.celery import app

    names = set(app.amqp.queues.keys()) | {app.conf.task_default_queue}
    return sorted(names)


class CeleryQueueCollector:
    """Read at each scrape from the broker's Redis: the number of tasks waiting in each queue, and how
    long the oldest has waited (each task carries the time it was enqueued in its headers:
    config.observability). Tasks with an ETA wait in the workers, not in the queue, and are not counted."""

    def __init__(self, broker_url: str, queues: list[str], timeout: float = 0.5):
        self.broker_url, self.queues, self.timeout = broker_url, queues, timeout

    def collect(self):
        up = GaugeMetricFamily("celery_broker_up", "1 when the Celery broker's Redis answered this scrape, else 0.")
        depth = GaugeMetricFamily("celery_queue_length", "Tasks waiting in the queue.", labels=["queue"])
        age = GaugeMetricFamily("celery_queue_oldest_task_age_seconds",
                                "How long the oldest task waiting in the queue has waited (0 when none waits).",
                                labels=["queue"])
        now = time.time()
        client = _redis_client(self.broker_url, self.timeout)
        try:
            for queue in self.queues:
                lists = [queue + suffix for suffix in _PRIORITY_SUFFIXES]
                pipe = client.pipeline(transaction=False)
                for name in lists:
                    pipe.llen(name)
                    pipe.lindex(name, -1)  # producers push on the left, workers pop on the right
                answers = pipe.execute()
                lengths, oldest = answers[0::2], answers[1::2]
                enqueued = [t for t in (_enqueued_at(raw) for raw in oldest if raw) if t is not None]
                depth.add_metric([queue], sum(lengths))
                age.add_metric([queue], max(0.0, now - min(enqueued)) if enqueued else 0.0)
        except Exception as exc:  # noqa: BLE001 - a broker that does not answer is a reading, not an error
            log.warning("metrics: the Celery broker did not answer: %s", exc)
            up.add_metric([], 0)
            yield up
            return
        finally:
            client.close()
        up.add_metric([], 1)
        yield from (up, depth, age)


def _enqueued_at(raw: bytes) -> float | None:
    try:
        value = json.loads(raw)["headers"].get("enqueued_at")
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    return float(value) if isinstance(value, int | float) else None


def _metrics_allowed(request) -> bool:
    token = settings.METRICS_TOKEN
    if token:
        scheme, _space, given = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode()):
            return True
    if settings.METRICS_ALLOWED_ADDRESSES:
        address = client_address(request)
        if address is None:
            return False
        address = ipaddress.ip_address(address)
        return any(address in network for network in settings.METRICS_ALLOWED_ADDRESSES)
    return False


def _registry():
    """This process's metrics, or, under gunicorn with PROMETHEUS_MULTIPROC_DIR, those of every process."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return REGISTRY


@never_cache
def metrics(request):
    """Who may: the monitoring system only (settings.METRICS_TOKEN as a bearer token, or an address in
    METRICS_ALLOWED_ADDRESSES); anyone else a 403, and everyone a 404 while neither is set.
    Prometheus' text format: requests, refusals, bids, and the Celery queues."""
    if not settings.METRICS_TOKEN and not settings.METRICS_ALLOWED_ADDRESSES:
        return error_response(404, "not_found", _("There is nothing at this address."))
    if not _metrics_allowed(request):
        return error_response(403, "forbidden", _("The metrics are for the monitoring system only."))
    body = generate_latest(_registry())
    if settings.CELERY_BROKER_URL.startswith(REDIS_SCHEMES) and not settings.CELERY_TASK_ALWAYS_EAGER:
        queues = CollectorRegistry()
        queues.register(CeleryQueueCollector(settings.CELERY_BROKER_URL, celery_queue_names()))
        body += generate_latest(queues)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)


# --------------------------------------------------------------------------------------------
# /readyz
# --------------------------------------------------------------------------------------------

_migrations_applied = False  # once all are applied they stay so for this code: checked once per process
_checks_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="readyz")


def _check_database() -> str:
    """SELECT 1 on a connection of the probe's own, opened here and closed at once: never the request's
    (a frozen server would hold the request past the probe's timeout) nor a Django connection left open
    in a pool thread. Where the server still answers, it is held to the timeout too (connect_timeout,
    statement_timeout, and TCP's for a dead peer), so the thread ends; `_database_within_timeout` bounds
    what they cannot (a server that accepts and then says nothing)."""
    timeout_ms = settings.READINESS_TIMEOUT_MS
    settings_dict = connections[DEFAULT_DB_ALIAS].settings_dict
    options = dict(settings_dict.get("OPTIONS") or {})
    options.pop("pool", None)  # one connection, not a pool of its own
    options.update({
        "connect_timeout": max(2, math.ceil(timeout_ms / 1000)),  # whole seconds; libpq takes 2 at least
        "options": f"{options.get('options', '')} -c statement_timeout={timeout_ms}".strip(),
        "tcp_user_timeout": timeout_ms,
    })
    probe = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(
        {**settings_dict, "OPTIONS": options, "CONN_MAX_AGE": 0, "CONN_HEALTH_CHECKS": False}, DEFAULT_DB_ALIAS)
    try:
        with probe.cursor() as cursor:
            cursor.execute("SELECT 1")
    finally:
        probe.close()
    return "ok"


# One database check at a time: while one is still waiting for a frozen server, the probes that follow
# wait for that one (each at most the timeout) instead of leaving a thread more behind each.
_database_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="readyz-db")
_database_probe: Future | None = None
_database_probe_lock = threading.Lock()


def _database_within_timeout() -> str:
    global _database_probe
    with _database_probe_lock:
        if _database_probe is None or _database_probe.done():
            _database_probe = _database_pool.submit(_check_database)
        probe = _database_probe
    return _answer_within_timeout(probe)


def _check_migrations() -> str:
    global _migrations_applied
    if _migrations_applied:
        return "ok"
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        return f"{len(pending)} pending"
    _migrations_applied = True
    return "ok"


def _check_cache() -> str:
    from django.core.cache import cache

    key, value = f"readyz:{os.getpid()}", str(time.monotonic())
    cache.set(key, value, 10)
    ok = cache.get(key) == value
    cache.delete(key)
    return "ok" if ok else "down"


def _check_broker() -> str:
    url = settings.CELERY_BROKER_URL
    if settings.CELERY_TASK_ALWAYS_EAGER or not url.startswith(REDIS_SCHEMES):
        return "not used"  # tasks run in-process
    client = _redis_client(url, settings.READINESS_TIMEOUT_MS / 1000)
    try:
        client.ping()
    finally:
        client.close()
    return "ok"


def _check_storage() -> str:
    unwritable = []
    for name, folder in (("media", settings.MEDIA_ROOT), ("private media", settings.PRIVATE_MEDIA_ROOT)):
        try:
            os.makedirs(folder, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=folder, prefix=".readyz-"):
                pass
        except OSError:
            unwritable.append(name)
    return "ok" if not unwritable else "not writable: " + ", ".join(unwritable)


def _in_thread(check) -> str:
    """Run a check that talks to Redis in a thread of its own, so a frozen server costs the probe its
    timeout and no more."""
    return _answer_within_timeout(_checks_pool.submit(check))


def _answer_within_timeout(check: Future) -> str:
    """A check's answer, or "timeout" once the probe's timeout has passed (the check may go on)."""
    try:
        return check.result(timeout=settings.READINESS_TIMEOUT_MS / 1000)
    except FutureTimeout:
        return "timeout"


READINESS_CHECKS = {
    "database": _database_within_timeout,
    "migrations": _check_migrations,
    "cache": lambda: _in_thread(_check_cache),
    "broker": lambda: _in_thread(_check_broker),
    "storage": _check_storage,
}
READY = {"ok", "not used"}


@never_cache
def readyz(request):
    """Who may: anyone (the orchestrator's probe; the answer names parts, never a secret or a path).
    200 when every part is ready; 503 naming the parts that are not, with what is wrong."""
    checks: dict[str, str] = {}
    for name, check in READINESS_CHECKS.items():
        if name == "migrations" and checks.get("database") != "ok":
            checks[name] = "unknown (database down)"
            continue
        try:
            checks[name] = check()
        except Exception as exc:  # noqa: BLE001 - report, never raise
            log.warning("readiness check %s failed: %s: %s", name, type(exc).__name__, exc)
            checks[name] = "down"
    failing = sorted(name for name, result in checks.items() if result not in READY)
    return JsonResponse({"status": "ready" if not failing else "unavailable", "failing": failing, "checks": checks},
                        status=503 if failing else 200)

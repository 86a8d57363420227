"""Soak benchmark: bidding load for ten minutes (SOAK_SECONDS to shorten), to show that the web
processes and the Celery worker keep a flat memory and a steady speed.

On the API load benchmark's set-up (test_api_load.bench_env: its own database, gunicorn with the
production configuration, Redis under a key prefix of its own) plus a `celery worker` (prefork, as
the Procfile runs it) on the same database and Redis, which sends the outbid notices the bids queue.
50 open-loop bidders (loadgen.c) offer SOAK_RATE bids/s (default 100) over the 100 spread lots, in
rounds of SOAK_ROUND_SECONDS (60). After each round it notes the answered and accepted rates, p99, and
the resident memory (RSS) of gunicorn (master and workers) and of the worker (main process and pool).

Prints the first and last rounds side by side, and every round, with /healthz at the same rate before
and after as the reference measured in the same run; asserts no server error and that
memory did not keep growing (end within 1.5 x start + 64 MiB, each side). No timing is asserted.
Run with `make bench BENCH=tests/benchmarks/test_soak.py` (or SOAK_SECONDS=120 for a short one).
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from tests.benchmarks.test_api_load import _loadgen, _machine, _measured, bench_env  # noqa: F401 - fixture
from tests.processes import celery_worker, rss_kb, stop, wait_until, worker_ready

SECONDS = float(os.environ.get("SOAK_SECONDS", "600"))
RATE = float(os.environ.get("SOAK_RATE", "100"))
ROUND = float(os.environ.get("SOAK_ROUND_SECONDS", "60"))


def _worker_env(bench: dict) -> dict:
    return {**os.environ, "DATABASE_URL": bench["db_url"], "APP_ENV": "development", "DEBUG": "0",
            "LOG_LEVEL": "WARNING", "REDIS_URL": bench["redis"], "BENCH_KEY_PREFIX": bench["prefix"],
            # Messages are built and handed to a backend that drops them: the locmem backend keeps every
            # one in `mail.outbox` for good, which in a ten-minute soak grew the worker ~9 MiB a minute.
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
            "DJANGO_SETTINGS_MODULE": "tests.benchmarks.apibench_settings"}


def test_soak(bench_env):  # noqa: F811
    port, data, web = bench_env["port"], bench_env["data"], bench_env["pid"]
    logs = Path(tempfile.mkdtemp(prefix="soak-"))
    worker = celery_worker(_worker_env(bench_env), logs, "soak-worker", concurrency=2, app="config")
    try:
        wait_until(lambda: worker_ready(logs, "soak-worker"), 120, "the Celery worker did not start", logs)
        # Warm-up: every thread opens its connections and fills its caches; memory is read after it.
        _loadgen(port, rate=RATE, seconds=min(20.0, ROUND), tokens=data["tokens"], lots=data["spread"])
        # The reference, in the same run on the same machine: /healthz (one query, one cache write) at the
        # same offered rate, before the soak and after it.
        health_before = _measured(web, _loadgen, port, rate=RATE, seconds=10, path="/healthz")
        rounds = []
        started = time.monotonic()
        memory = [(0.0, rss_kb(web), rss_kb(worker.pid))]
        while time.monotonic() - started < SECONDS - 1:
            seconds = min(ROUND, SECONDS - (time.monotonic() - started))
            result = _measured(web, _loadgen, port, rate=RATE, seconds=seconds, tokens=data["tokens"],
                               lots=data["spread"])
            memory.append((time.monotonic() - started, rss_kb(web), rss_kb(worker.pid)))
            rounds.append(result)
        health_after = _measured(web, _loadgen, port, rate=RATE, seconds=10, path="/healthz")
        assert worker.poll() is None, "the Celery worker died"
    finally:
        stop(worker)

    print()
    print(f"Soak: {RATE:.0f} bids/s offered over {len(data['spread'])} lots by 50 open-loop bidders for "
          f"{SECONDS:.0f} s, in rounds of {ROUND:.0f} s; {os.cpu_count()} CPUs, shared with whatever else runs here")
    for i, (r, (at, web_kb, worker_kb)) in enumerate(zip(rounds, memory[1:], strict=True), 1):
        print(f"  round {i:2d} (to {at:5.0f} s): {r['per_second']:6.1f} answered/s  {r['accepted_per_second']:6.1f} "
              f"accepted/s  p50 {r['p50_ms']:6.1f} ms  p99 {r['p99_ms']:7.1f} ms  errors {r['errors']}  "
              f"RSS gunicorn {web_kb / 1024:6.1f} MiB, worker {worker_kb / 1024:6.1f} MiB; {_machine(r)}")
    first, last = rounds[0], rounds[-1]
    (_t0, web_start, worker_start), (_t1, web_end, worker_end) = memory[0], memory[-1]
    print(f"  start: {first['per_second']:.1f} answered/s, p99 {first['p99_ms']:.1f} ms; RSS gunicorn "
          f"{web_start / 1024:.1f} MiB, worker {worker_start / 1024:.1f} MiB")
    print(f"  end:   {last['per_second']:.1f} answered/s, p99 {last['p99_ms']:.1f} ms; RSS gunicorn "
          f"{web_end / 1024:.1f} MiB, worker {worker_end / 1024:.1f} MiB")
    for label, health in (("before", health_before), ("after", health_after)):
        print(f"  (ref) /healthz {label}: {health['per_second']:.1f} answered/s, p50 {health['p50_ms']:.1f} ms, "
              f"p99 {health['p99_ms']:.1f} ms; {_machine(health)}")
    print(f"  bid p99 / healthz p99: start {first['p99_ms'] / health_before['p99_ms']:.1f}, "
          f"end {last['p99_ms'] / health_after['p99_ms']:.1f}")
    for r in rounds:
        assert not any(int(status) >= 500 for status in r["statuses"]), r["statuses"]
    assert web_end <= 1.5 * web_start + 64 * 1024, "gunicorn's memory kept growing"
    assert worker_end <= 1.5 * worker_start + 64 * 1024, "the worker's memory kept growing"

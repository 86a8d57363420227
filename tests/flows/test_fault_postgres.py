"""The fault test: PostgreSQL restarted while bidders bid.

A PostgreSQL of the test's own (tests/processes.py) holds a copy of the test database with an open
lot and six bidders; a gunicorn node serves the API on it, as production does (with a Redis of its
own, no worker). Six bidders bid through the API from threads, each raising its own maximum and
sending the same bid again after a 503, as the answer asks. The server is stopped (fast: every
session ended, open transactions rolled back), left down a moment, and started again.

While it is down every answer is a 503 with a message and Retry-After (JSON for the API, a plain
page for the site), never a 500. Once it is back, the next requests succeed (the node reconnects).
And in the database nothing is lost and nothing doubled: every bid answered 201 is there once,
no accepted bid is there that was not asked for, the bids are numbered without gap or repeat, and
replaying them through the rules (auctions.engine) gives each recorded price and the lot's price.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal

import psycopg
import pytest
from django.db import connection

from auctions import engine
from auctions.services import tokens
from tests.auctions.conftest import open_lot_factory  # noqa: F401 - fixture
from tests.auctions.factories import make_bidder
from tests.processes import Postgres, gunicorn, redis_server, service_env, stop, wait_until

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

BIDDERS = 6
UNAVAILABLE = "The service is briefly unavailable. Please try again in a few seconds."


@dataclass
class Answer:
    bidder: int
    amount: Decimal
    sent: float
    status: int  # 0: no HTTP answer at all
    body: dict = field(default_factory=dict)
    retry_after: str | None = None


class Bidder(threading.Thread):
    """One bidder's client: bids a maximum above the last it knows of, and sends the same bid again
    after a 503 (after a short pause; Retry-After asks for more, a test has no time for it)."""

    def __init__(self, index: int, user_id: int, key: str, port: int, lot_id: int, halt: threading.Event,
                 answers: list[Answer], lock: threading.Lock):
        super().__init__(daemon=True)
        self.index, self.user_id, self.key, self.port, self.lot_id = index, user_id, key, port, lot_id
        self.halt, self.answers, self.lock = halt, answers, lock

    def run(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        known_minimum, last = Decimal("100.00"), Decimal("0")
        amount = None
        while not self.halt.is_set():
            if amount is None:  # strictly rising: a bidder's amount names one bid
                amount = max(known_minimum, last + 1) + Decimal(self.index) / 100
            sent = time.monotonic()
            try:
                conn.request("POST", f"/api/v1/lots/{self.lot_id}/bids/", json.dumps({"max_amount": f"{amount:.2f}"}),
                             {"Authorization": f"Bearer {self.key}", "Content-Type": "application/json"})
                response = conn.getresponse()
                raw = response.read()
                answer = Answer(self.user_id, amount, sent, response.status, json.loads(raw) if raw else {},
                                response.getheader("Retry-After"))
            except (OSError, http.client.HTTPException, ValueError) as exc:
                answer = Answer(self.user_id, amount, sent, 0, {"transport": repr(exc)})
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            with self.lock:
                self.answers.append(answer)
            if answer.status == 503 or answer.status == 0:
                time.sleep(0.2)
                continue  # the same bid again
            last, amount = answer.amount, None
            if answer.body.get("next_minimum_bid"):
                known_minimum = Decimal(answer.body["next_minimum_bid"])
            time.sleep(0.03)
        conn.close()


def _get(port: int, path: str) -> tuple[int, str, str | None]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"Accept": "text/html"})
    response = conn.getresponse()
    body = response.read().decode(errors="replace")
    conn.close()
    return response.status, body, response.getheader("Retry-After")


def _count(answers: list[Answer], lock: threading.Lock, status: int, since: float = 0.0) -> int:
    with lock:
        return sum(1 for a in answers if a.status == status and a.sent >= since)


def test_a_postgres_restart_under_bidding_loses_nothing_doubles_nothing_and_answers_503_meanwhile(
        open_lot_factory, auction_manager, tmp_path, request):  # noqa: F811
    # Given an open lot and six approved bidders with API tokens, in a PostgreSQL of the test's own
    auction, (lot,) = open_lot_factory(1)
    bidders = [make_bidder(reviewer=auction_manager, auctions=[auction]) for _ in range(BIDDERS)]
    keys = [tokens.api_token_create(user=user)[1] for user in bidders]
    postgres = Postgres()
    request.addfinalizer(postgres.destroy)
    postgres.copy_database(connection.settings_dict, "assets")
    with redis_server(tmp_path) as redis_url:
        # and a web node on it that keeps its database connections (as production does)
        env = service_env(database_url=postgres.url("assets"), redis_url=redis_url, DB_CONN_MAX_AGE="600")
        node, port = gunicorn(env, tmp_path, "web", workers=1, threads=4)
        request.addfinalizer(lambda: stop(node))
        answers: list[Answer] = []
        lock, halt = threading.Lock(), threading.Event()
        clients = [Bidder(i, user.pk, key, port, lot.pk, halt, answers, lock)
                   for i, (user, key) in enumerate(zip(bidders, keys, strict=True))]
        for client in clients:
            client.start()
        try:
            wait_until(lambda: _count(answers, lock, 201) >= 10, 90, "ten bids were not accepted", tmp_path)

            # When PostgreSQL is stopped under load, and started again a moment later
            postgres.stop("fast")
            down = time.monotonic()
            wait_until(lambda: _count(answers, lock, 503, since=down) >= 3, 60, "no bid was answered 503", tmp_path)
            page = _get(port, f"/auctions/lots/{lot.pk}/")
            api = _get(port, f"/api/v1/lots/{lot.pk}/")
            postgres.start()
            up = time.monotonic()
            wait_until(lambda: _count(answers, lock, 201, since=up) >= 10, 90,
                       "ten bids were not accepted after the restart", tmp_path)
        finally:
            halt.set()
            for client in clients:
                client.join(30)
        stop(node)

    # Then, while it was down, the site and the API said so, and asked to try again
    assert page[0] == 503 and page[2] == "5"
    assert "Service briefly unavailable" in page[1] and UNAVAILABLE in page[1] and "Traceback" not in page[1]
    assert api[0] == 503 and json.loads(api[1]) == {"error": "service_unavailable", "detail": UNAVAILABLE}
    statuses = {a.status for a in answers}
    assert statuses <= {201, 400, 503}, f"unexpected answers: {[a for a in answers if a.status not in (201, 400, 503)]}"
    unavailable = [a for a in answers if a.status == 503]
    assert all(a.body == {"error": "service_unavailable", "detail": UNAVAILABLE} and a.retry_after == "5"
               for a in unavailable)
    # and no request sent once it was back was refused for it: the node had reconnected
    assert not [a for a in unavailable if a.sent >= up]

    # And in the database, nothing lost and nothing doubled
    with psycopg.connect(postgres.conninfo("assets")) as db:
        accepted = db.execute("SELECT bidder_id, max_amount, seq, price_after, leader_after_id FROM auctions_bid "
                              "WHERE lot_id = %s AND accepted ORDER BY seq", [lot.pk]).fetchall()
        row = db.execute("SELECT starting_price, reserve_price, increment_table_id, current_price, leader_id, "
                         "leader_max FROM auctions_lot WHERE id = %s", [lot.pk]).fetchone()
        tiers = tuple(db.execute("SELECT up_to, increment FROM auctions_incrementtier WHERE table_id = %s "
                                 "ORDER BY up_to NULLS LAST", [row[2]]).fetchall())
    postgres.destroy()
    created = {(a.bidder, a.amount) for a in answers if a.status == 201}
    asked_then_cut_off = {(a.bidder, a.amount) for a in unavailable}
    recorded = [(bidder, amount) for bidder, amount, *_rest in accepted]
    assert len(recorded) == len(set(recorded)), "a bid sent again was accepted twice"
    assert created <= set(recorded), f"bids answered 201 are missing: {created - set(recorded)}"
    assert set(recorded) <= created | asked_then_cut_off, "an accepted bid nobody was told of or asked for"
    assert [seq for _b, _a, seq, *_r in accepted] == list(range(1, len(accepted) + 1)), "bid numbers with a gap"

    # and replaying the accepted bids through the rules gives every recorded price, and the lot's
    state = engine.BidState(row[0], row[1], tiers)
    for bidder, amount, seq, price_after, leader_after in accepted:
        state = engine.apply_bid(state, bidder, amount).state
        assert (state.current_price, state.leader) == (price_after, leader_after), f"bid {seq}"
    assert (row[3], row[4], row[5]) == (state.current_price, state.leader, state.leader_max)

"""Scale-out: two gunicorn nodes and two Celery workers on one PostgreSQL (the test database) and
one Redis (a server of the test's own), as the README's deployment describes.

Six bidders bid through both nodes at once, each request to the other node than the last, mostly
on one lot. The bids are serialised by PostgreSQL, whichever node took them: every bid answered 201
is recorded once, the accepted bids are numbered without gap or repeat, and replaying them through
the rules (auctions.engine) gives each recorded price and the lot's. Then the lots end, and each is
asked to close several times over (the task scheduled at its end, twice, and the sweep, on both
workers at once): each closes, is awarded and invoiced exactly once.
"""

from __future__ import annotations

import datetime
import http.client
import json
import threading
import time
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from auctions import engine, tasks
from auctions.models import AuctionLogEntry, Bid, Lot, LotStatus
from auctions.services import tokens
from disposition.models import Award, Invoice
from tests.auctions.conftest import open_lot_factory  # noqa: F401 - fixture
from tests.auctions.factories import make_bidder
from tests.processes import (
    celery_worker,
    database_url,
    gunicorn,
    redis_server,
    service_env,
    stop,
    tasks_sent_to,
    wait_until,
    worker_ready,
)

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

BIDDERS = 6
HOT_BIDS = 30  # accepted bids wanted on the hot lot


def _bidder(index: int, key: str, ports: list[int], lots: list[int], halt: threading.Event, answers: list,
            lock: threading.Lock) -> None:
    """Bids a maximum above the last it knows of, through each node in turn; three bids in four on the
    first (hot) lot."""
    conns = [http.client.HTTPConnection("127.0.0.1", port, timeout=60) for port in ports]
    minimum = {lot: Decimal("100.00") for lot in lots}
    n = 0
    while not halt.is_set():
        n += 1
        node = (n + index) % len(ports)
        lot = lots[0] if n % 4 else lots[1 + n // 4 % (len(lots) - 1)]
        amount = minimum[lot] + Decimal(index) / 100
        try:
            conns[node].request("POST", f"/api/v1/lots/{lot}/bids/", json.dumps({"max_amount": f"{amount:.2f}"}),
                                {"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
            response = conns[node].getresponse()
            body = json.loads(response.read() or b"{}")
            status = response.status
        except (OSError, http.client.HTTPException, ValueError) as exc:
            status, body = 0, {"transport": repr(exc)}
            conns[node].close()
        with lock:
            answers.append((index, node, lot, amount, status, body))
        if body.get("next_minimum_bid"):
            minimum[lot] = max(minimum[lot], Decimal(body["next_minimum_bid"]))
        else:
            minimum[lot] += 1
        time.sleep(0.02)
    for conn in conns:
        conn.close()


def test_two_nodes_and_two_workers_serialise_bids_and_close_each_lot_once(
        open_lot_factory, auction_manager, tmp_path, request):  # noqa: F811
    # Given three open lots and six approved bidders with API tokens
    auction, lots = open_lot_factory(3)
    lot_ids = [lot.pk for lot in lots]
    bidders = [make_bidder(reviewer=auction_manager, auctions=[auction]) for _ in range(BIDDERS)]
    keys = [tokens.api_token_create(user=user)[1] for user in bidders]

    with redis_server(tmp_path) as redis_url, tasks_sent_to(redis_url):
        # and two web nodes and two workers on the same PostgreSQL and Redis
        env = service_env(database_url=database_url(connection.settings_dict), redis_url=redis_url,
                          DB_CONN_MAX_AGE="0", LOG_LEVEL="INFO")
        workers = [celery_worker(env, tmp_path, f"worker{i}", app="config") for i in (1, 2)]
        for worker in workers:
            request.addfinalizer(lambda worker=worker: stop(worker, kill=True))
        nodes = [gunicorn(env, tmp_path, f"web{i}", workers=1, threads=3) for i in (1, 2)]
        for node, _port in nodes:
            request.addfinalizer(lambda node=node: stop(node))
        ports = [port for _node, port in nodes]

        # When the bidders bid through both nodes at once
        answers: list = []
        lock, halt = threading.Lock(), threading.Event()
        threads = [threading.Thread(target=_bidder, args=(i, key, ports, lot_ids, halt, answers, lock), daemon=True)
                   for i, key in enumerate(keys)]
        for thread in threads:
            thread.start()
        try:
            wait_until(lambda: Bid.objects.filter(lot_id=lot_ids[0], accepted=True).count() >= HOT_BIDS, 120,
                       f"{HOT_BIDS} bids were not accepted on the hot lot", tmp_path)
        finally:
            halt.set()
            for thread in threads:
                thread.join(60)

        # Then every answer was an acceptance or a refusal, from both nodes, never an error
        assert {status for *_rest, status, _body in answers} <= {201, 400}, \
            [a for a in answers if a[4] not in (201, 400)]
        assert {node for _i, node, _lot, _amount, status, _body in answers if status == 201} == {0, 1}
        # and on each lot the accepted bids are each answered one, numbered in order, and give its price
        users = {i: user.pk for i, user in enumerate(bidders)}
        for lot in Lot.objects.filter(pk__in=lot_ids).select_related("increment_table"):
            accepted = list(Bid.objects.filter(lot=lot, accepted=True).order_by("seq"))
            created = sorted((users[i], amount) for i, _node, lot_id, amount, status, _body in answers
                             if status == 201 and lot_id == lot.pk)
            assert sorted((bid.bidder_id, bid.max_amount) for bid in accepted) == created
            assert [bid.seq for bid in accepted] == list(range(1, len(accepted) + 1))
            state = engine.BidState(lot.starting_price, lot.reserve_price, lot.increment_table.tiers_as_tuples())
            for bid in accepted:
                state = engine.apply_bid(state, bid.bidder_id, bid.max_amount).state
                assert (state.current_price, state.leader) == (bid.price_after, bid.leader_after_id), bid.seq
            assert (lot.current_price, lot.leader_id, lot.leader_max) == (
                state.current_price, state.leader, state.leader_max)

        # When the lots end, and each is asked to close three times, on both workers at once
        wait_until(lambda: all(worker_ready(tmp_path, f"worker{i}") for i in (1, 2)), 120,
                   "the workers did not start", tmp_path)
        ended = timezone.now() - datetime.timedelta(seconds=1)
        Lot.objects.filter(pk__in=lot_ids).update(ends_at=ended, original_ends_at=ended)
        for lot_id in lot_ids:
            tasks.close_lot.delay(lot_id=lot_id)
        tasks.sweep.delay()
        tasks.sweep.delay()
        for lot_id in lot_ids:
            tasks.close_lot.delay(lot_id=lot_id)
        wait_until(lambda: Lot.objects.filter(pk__in=lot_ids, status=LotStatus.AWAITING_PAYMENT).count() == 3, 120,
                   "the lots were not closed", tmp_path)
        wait_until(lambda: sum((tmp_path / f"worker{i}.log").read_text(errors="replace").count(
            "auctions.tasks.close_lot[") for i in (1, 2)) >= 2 * 6, 120,
            "the workers did not run every closing task", tmp_path)
        for node, _port in nodes:
            stop(node)
        for worker in workers:
            stop(worker)

    # Then each lot was closed, awarded and invoiced exactly once
    for lot_id in lot_ids:
        assert AuctionLogEntry.objects.filter(subject="lot", subject_id=lot_id, action="award").count() == 1
        assert Award.objects.filter(lot_id=lot_id).count() == 1
        assert Invoice.objects.filter(award__lot_id=lot_id).count() == 1

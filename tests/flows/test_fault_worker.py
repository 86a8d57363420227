"""The fault test: Celery workers killed (SIGKILL, the whole process group: the machine or the
container gone) while they close lots. Tasks are acknowledged late, so a killed worker's task goes
back to the queue (Redis, a server of the test's own, gives it back after a few seconds) and the
next worker runs it; closing is idempotent, so running it again changes nothing.

Two kills: one inside the closing transaction (nothing of it may survive: the lot is still open,
then closed once by the next worker), and one after the commit but before the acknowledgement (the
next worker gets the task again, and must not close, award or invoice the lot a second time).
A worker killed while it processes a Stripe webhook is tests/flows/test_settlement_fault.py.

And the pool process alone killed (the kernel's out-of-memory killer, a crash in a C extension)
while the worker's main process lives on: the task is given back at once (reject_on_worker_lost),
and the pool process started in its place closes the lot, with no sweep running.
"""

from __future__ import annotations

import datetime
import os
import signal
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from auctions import tasks
from auctions.models import AuctionLogEntry, Lot, LotStatus
from auctions.services import bidding
from disposition.models import Award, Invoice
from tests.auctions.conftest import open_lot_factory  # noqa: F401 - fixture
from tests.auctions.factories import make_bidder
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

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _worker(broker: str, logs: Path, name: str, stall_at: str | None = None, **more: str):
    extra = {"DB_CONN_MAX_AGE": "0", "LOG_LEVEL": "INFO", **more}
    if stall_at:
        extra.update(FAULT_STALL_FILE=str(logs / f"{name}.stalled"), FAULT_STALL_AT=stall_at)
    env = service_env(database_url=database_url(connection.settings_dict), redis_url=broker, **extra)
    return celery_worker(env, logs, name)


def _closed_lots(lot_ids: list[int]) -> int:
    return Lot.objects.filter(pk__in=lot_ids, status=LotStatus.AWAITING_PAYMENT).count()


def test_workers_killed_while_closing_lots_leave_each_lot_closed_once(
        open_lot_factory, auction_manager, tmp_path, request):  # noqa: F811
    # Given three lots, each with a leading bidder, whose end has just passed
    auction, lots = open_lot_factory(3)
    for lot in lots:
        bidder = make_bidder(reviewer=auction_manager, auctions=[auction])
        bidding.lot_place_bid(lot_id=lot.pk, bidder=bidder, max_amount="150.00")
    ended = timezone.now() - datetime.timedelta(seconds=1)
    Lot.objects.filter(pk__in=[lot.pk for lot in lots]).update(ends_at=ended, original_ends_at=ended)
    first_lot, *other_lots = [lot.pk for lot in lots]

    with redis_server(tmp_path) as broker, tasks_sent_to(broker):
        # When a worker is killed inside the transaction that closes the first lot
        first = _worker(broker, tmp_path, "first", stall_at="close")
        request.addfinalizer(lambda: stop(first, kill=True))
        task = tasks.close_lot.delay(lot_id=first_lot)
        wait_until((tmp_path / "first.stalled").exists, 90, "the first worker did not reach the closing", tmp_path)
        stop(first, kill=True)
        # Then nothing of its work is left: the lot is open, not awarded
        assert Lot.objects.get(pk=first_lot).status == LotStatus.OPEN
        assert not Award.objects.filter(lot_id=first_lot).exists()

        # When the next worker gets the task back, closes the lot, and is killed before acknowledging it
        second = _worker(broker, tmp_path, "second", stall_at="close_committed")
        request.addfinalizer(lambda: stop(second, kill=True))
        wait_until((tmp_path / "second.stalled").exists, 90, "the task did not come back to the second worker",
                   tmp_path)
        assert _closed_lots([first_lot]) == 1
        stop(second, kill=True)

        # And a third worker gets that task once more, and the closing of the two other lots, each sent
        # twice (the task scheduled at the end, and the sweep's)
        third = _worker(broker, tmp_path, "third")
        request.addfinalizer(lambda: stop(third, kill=True))
        for lot_id in other_lots:
            tasks.close_lot.delay(lot_id=lot_id)
        tasks.sweep.delay()
        for lot_id in other_lots:
            tasks.close_lot.delay(lot_id=lot_id)
        wait_until(lambda: _closed_lots(other_lots) == 2, 90, "the other lots were not closed", tmp_path)
        wait_until(lambda: f"{task.id}] succeeded" in (tmp_path / "third.log").read_text(errors="replace"), 90,
                   "the task of the first lot did not come back to the third worker", tmp_path)
        stop(third)

    # Then each lot was closed, awarded and invoiced exactly once
    for lot in lots:
        lot.refresh_from_db()
        assert lot.status == LotStatus.AWAITING_PAYMENT and lot.hammer_price is not None
        assert AuctionLogEntry.objects.filter(subject="lot", subject_id=lot.pk, action="award").count() == 1
        assert Award.objects.filter(lot=lot).count() == 1
        assert Invoice.objects.filter(award__lot=lot).count() == 1


def _ended_lot_with_leader(make_lot, auction_manager) -> int:
    auction, lots = make_lot(1)
    bidder = make_bidder(reviewer=auction_manager, auctions=[auction])
    bidding.lot_place_bid(lot_id=lots[0].pk, bidder=bidder, max_amount="150.00")
    ended = timezone.now() - datetime.timedelta(seconds=1)
    Lot.objects.filter(pk=lots[0].pk).update(ends_at=ended, original_ends_at=ended)
    return lots[0].pk


def _received(log: Path, task_id: str) -> int:
    """How many times the worker's main process took the task from the broker."""
    return log.read_text(errors="replace").count(f"[{task_id}] received")


@pytest.mark.parametrize("stall_at", ["close", "close_committed"], ids=["in-transaction", "after-commit"])
def test_a_pool_process_killed_while_closing_a_lot_gives_the_task_back_to_the_next_one(
        open_lot_factory, auction_manager, tmp_path, request, stall_at):  # noqa: F811
    # Given a lot with a leading bidder whose end has just passed, and one worker (no beat: no sweep)
    lot_id = _ended_lot_with_leader(open_lot_factory, auction_manager)

    with redis_server(tmp_path) as broker, tasks_sent_to(broker):
        # Redis gives back a task unacknowledged after an hour here, not seconds: it comes back at once
        # only if the worker gives it back
        worker = _worker(broker, tmp_path, "worker", stall_at=stall_at, FAULT_VISIBILITY_TIMEOUT="3600")
        request.addfinalizer(lambda: stop(worker, kill=True))
        task = tasks.close_lot.delay(lot_id=lot_id)
        # When the pool process closing the lot (inside the transaction, or after its commit and before
        # the acknowledgement) is killed, and only it
        stalled = tmp_path / "worker.stalled"
        wait_until(stalled.exists, 90, "the worker did not reach the closing", tmp_path)
        pool_pid = int(stalled.read_text().split()[0])
        assert pool_pid != worker.pid
        os.kill(pool_pid, signal.SIGKILL)

        # Then the worker's main process lives on, takes the task back at once, and the pool process it
        # starts in place of the killed one runs it to the end: nothing is left queued or unacknowledged
        wait_until(lambda: _received(tmp_path / "worker.log", task.id) == 2, 60,
                   "the task did not come back to the worker", tmp_path)
        wait_until(lambda: broker_drained(broker), 60, "the worker did not finish its tasks", tmp_path)
        assert worker.poll() is None
        stop(worker)

    # And the lot was closed, awarded and invoiced exactly once
    lot = Lot.objects.get(pk=lot_id)
    assert lot.status == LotStatus.AWAITING_PAYMENT and lot.hammer_price is not None
    assert AuctionLogEntry.objects.filter(subject="lot", subject_id=lot_id, action="award").count() == 1
    assert Award.objects.filter(lot=lot).count() == 1
    assert Invoice.objects.filter(award__lot=lot).count() == 1

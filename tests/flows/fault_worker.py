"""The project's Celery app, for the workers the fault tests start and kill (`celery -A
tests.flows.fault_worker worker`). Two test-only changes, made here so that no production code
carries a hook for them: when FAULT_STALL_FILE is set, the worker stalls at the point FAULT_STALL_AT
names, having written that file so the test knows when to kill:
- `payment` (the default): recording a card payment, inside the event's transaction (after the
  payment is inserted and posted, before the commit);
- `close`: closing a lot, inside its transaction (after the lot is awarded, before the commit);
- `close_committed`: after a lot-closing task has committed, before the worker acknowledges it;
- `event_committed`: after a Stripe event's task has committed, before the worker acknowledges it;
each once: a pool process started in place of a killed one (the file is there) goes on. And Redis
gives an unacknowledged task back after a few seconds, not an hour, so that the next worker gets it
while the test waits."""

from __future__ import annotations

import os
import time
from pathlib import Path

from celery.signals import task_postrun, worker_process_init

from config.celery import app

app.conf.broker_transport_options = {"visibility_timeout": int(os.environ.get("FAULT_VISIBILITY_TIMEOUT", "4")),
                                     "unacked_restore_interval": 1, "unacked_restore_throttle": 1}


# The stall points after a task's commit, before its acknowledgement: the task each one waits for.
COMMITTED = {"close_committed": "auctions.tasks.close_lot", "event_committed": "auctions.tasks.stripe_event_process"}


@worker_process_init.connect
def _stall_when_asked(**kwargs) -> None:
    stall_file = os.environ.get("FAULT_STALL_FILE")
    if not stall_file:
        return
    import django

    django.setup()
    where = os.environ.get("FAULT_STALL_AT", "payment")
    if where == "close":
        from auctions.services import closing

        close_locked = closing._close_locked

        def stalled_close(lot, now):
            closed = close_locked(lot, now)
            if closed:
                _stall(stall_file, lot.pk)
            return closed

        closing._close_locked = stalled_close
        return
    if where in COMMITTED:
        task_name = COMMITTED[where]

        def stalled_ack(sender=None, kwargs=None, **_rest):
            if sender is not None and sender.name == task_name:
                _stall(stall_file, next(iter((kwargs or {}).values()), None))

        task_postrun.connect(stalled_ack, weak=False)
        return
    from disposition.services import payments

    original = payments.payment_record_confirmed

    def stalled(**params):
        payment = original(**params)
        _stall(stall_file, payment.pk)
        return payment

    payments.payment_record_confirmed = stalled


def _stall(stall_file: str, pk) -> None:
    """Write the pool process's id (and the row's) to the file, and wait to be killed; once only."""
    if Path(stall_file).exists():
        return
    Path(stall_file).write_text(f"{os.getpid()} {pk}")
    time.sleep(600)  # killed here


__all__ = ["app"]

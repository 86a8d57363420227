"""The project's Celery app, for the workers the fault tests start and kill (`celery -A
tests.flows.fault_worker worker`). Two test-only changes, made here so that no production code
carries a hook for them: when FAULT_STALL_FILE is set, the worker stalls at the point FAULT_STALL_AT
names, having written that file so the test knows when to kill:
- `payment` (the default): recording a card payment, inside the event's transaction (after the
  payment is inserted and posted, before the commit);
- `close`: closing a lot, inside its transaction (after the lot is awarded, before the commit);
- `close_committed`: after a lot-closing task has committed, before the worker acknowledges it;
and Redis gives an unacknowledged task back after a few seconds, not an hour, so that the next
worker gets it while the test waits."""

from __future__ import annotations

import os
import time
from pathlib import Path

from celery.signals import task_postrun, worker_process_init

from config.celery import app

app.conf.broker_transport_options = {"visibility_timeout": int(os.environ.get("FAULT_VISIBILITY_TIMEOUT", "4")),
                                     "unacked_restore_interval": 1, "unacked_restore_throttle": 1}


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
    if where == "close_committed":
        def stalled_ack(sender=None, kwargs=None, **_rest):
            if sender is not None and sender.name == "auctions.tasks.close_lot":
                _stall(stall_file, (kwargs or {}).get("lot_id"))

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
    Path(stall_file).write_text(f"{os.getpid()} {pk}")
    time.sleep(600)  # killed here


__all__ = ["app"]

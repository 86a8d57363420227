"""The project's Celery app, for the worker the fault test starts and kills (`celery -A
tests.flows.fault_worker worker`). Two test-only changes, made here so that no production code
carries a hook for them: when FAULT_STALL_FILE is set, recording a card payment stalls inside the
event's transaction (after the payment is inserted and posted, before the commit), having written
that file so the test knows when to kill; and Redis gives an unacknowledged task back after a few
seconds, not an hour, so that the next worker gets it while the test waits."""

from __future__ import annotations

import os
import time
from pathlib import Path

from celery.signals import worker_process_init

from config.celery import app

app.conf.broker_transport_options = {"visibility_timeout": int(os.environ.get("FAULT_VISIBILITY_TIMEOUT", "4")),
                                     "unacked_restore_interval": 1, "unacked_restore_throttle": 1}


@worker_process_init.connect
def _stall_payments(**kwargs) -> None:
    stall_file = os.environ.get("FAULT_STALL_FILE")
    if not stall_file:
        return
    import django

    django.setup()
    from disposition.services import payments

    original = payments.payment_record_confirmed

    def stalled(**params):
        payment = original(**params)
        Path(stall_file).write_text(f"{os.getpid()} {payment.pk}")
        time.sleep(600)  # killed here, mid-transaction
        return payment

    payments.payment_record_confirmed = stalled


__all__ = ["app"]

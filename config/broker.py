"""Queueing a Celery task when the broker (Redis) is down: never an error in the request.

Each task is published through a circuit breaker (common.breaker) with short socket timeouts
(config/settings/redis_outage.py). When the broker does not take it, the task is not lost:
- a task the periodic sweep also does (`swept=True`: closing a lot at its end, opening due lots,
  sending the outbid e-mails that wait in their outbox table) is left to the sweep, which runs again
  once the broker is back, and finds in PostgreSQL what is due;
- any other task runs at once in this process, as it does when no Redis is configured at all (the
  e-mail telling a winner, releasing a deposit, processing a stored Stripe event): its effect is not
  postponed, and a failure is logged, not raised into the request that queued it.
"""

from __future__ import annotations

import logging

import redis
from celery import Task
from kombu.exceptions import OperationalError

from common.breaker import breaker_for

from .cache import redacted

log = logging.getLogger(__name__)

BROKER_DOWN = (OperationalError, redis.ConnectionError, redis.TimeoutError, OSError)


class FailSoftTask(Task):
    #: The periodic sweep does this task's work too: when the broker is down, leave it to the sweep.
    swept = False

    def apply_async(self, args=None, kwargs=None, task_id=None, producer=None, link=None, link_error=None,
                    shadow=None, **options):
        conf = self.app.conf
        if conf.task_always_eager:
            return super().apply_async(args, kwargs, task_id, producer, link, link_error, shadow, **options)
        from django.conf import settings

        breaker = breaker_for(f"Celery broker at {redacted(str(conf.broker_url))}",
                              reset_seconds=getattr(settings, "REDIS_BREAKER_SECONDS", 5), errors=BROKER_DOWN)
        return breaker.call(
            lambda: super(FailSoftTask, self).apply_async(args, kwargs, task_id, producer, link, link_error, shadow,
                                                          **options),
            lambda: self._broker_down(args or (), kwargs or {}))

    def _broker_down(self, args, kwargs):
        if self.swept:
            log.warning("broker down: %s left to the periodic sweep", self.name)
            return None
        log.warning("broker down: %s run in this process", self.name)
        try:
            return self.apply(args, kwargs, throw=True)
        except Exception:  # noqa: BLE001 - the request that queued it must not fail for it
            log.exception("broker down: %s failed when run in this process", self.name)
            return None

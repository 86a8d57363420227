"""A circuit breaker for a service that is a convenience, not a record (Redis as cache and broker).

A call through the breaker runs while the service answers. The first failure opens the breaker: for
the next `reset_seconds` no call is tried and each caller takes its fallback at once, so a down or
frozen service costs one short timeout per process and not one per call. Then a single caller tries
again (half-open): success closes the breaker and runs the `when_recovered` callbacks (to put back what
was missed meanwhile); failure opens it for another period.

Written here rather than taken from pybreaker: pybreaker holds one lock for the whole duration of
every call it guards, which would queue every Redis call of a process's threads behind each other
(and, while Redis is frozen, each behind the previous caller's timeout). This one takes its lock only
to change state.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections.abc import Callable
from typing import TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")

CLOSED, OPEN, HALF_OPEN = "closed", "open", "half-open"


class CircuitBreaker:
    def __init__(self, name: str, *, reset_seconds: float, errors: tuple[type[BaseException], ...]) -> None:
        self.name = name
        self.reset_seconds = reset_seconds
        self.errors = errors
        self._on_recover: list[weakref.WeakMethod] = []
        self._lock = threading.Lock()
        self._state = CLOSED
        self._opened_at = 0.0

    @property
    def state(self) -> str:
        return self._state

    def _enter(self) -> bool:
        """Whether this caller may try the service now."""
        if self._state == CLOSED:
            return True
        with self._lock:
            if self._state == OPEN and time.monotonic() - self._opened_at >= self.reset_seconds:
                self._state = HALF_OPEN  # this caller is the one trial; the others keep falling back
                return True
            return False

    def _failed(self, exc: BaseException) -> None:
        with self._lock:
            was = self._state
            self._state, self._opened_at = OPEN, time.monotonic()
        if was == CLOSED:
            log.warning("%s unreachable (%s: %s): falling back for %ss", self.name, type(exc).__name__, exc,
                        self.reset_seconds)

    def _succeeded(self) -> None:
        if self._state == CLOSED:
            return
        with self._lock:
            if self._state == CLOSED:
                return
            self._state = CLOSED
        log.warning("%s answers again", self.name)
        for ref in list(self._on_recover):
            callback = ref()
            if callback is None:
                continue
            try:
                callback()
            except Exception:  # noqa: BLE001 - a recovery step must not fail the call that found the service back
                log.exception("%s: recovery step failed", self.name)

    def when_recovered(self, method: Callable[[], None]) -> None:
        """Call `method` (a bound method, held weakly) when the service answers again after failing."""
        with self._lock:
            self._on_recover = [ref for ref in self._on_recover if ref() is not None]
            self._on_recover.append(weakref.WeakMethod(method))

    def call(self, func: Callable[[], T], fallback: Callable[[], T]) -> T:
        """`func()` if the service may be tried and answers; else `fallback()`."""
        if not self._enter():
            return fallback()
        try:
            result = func()
        except self.errors as exc:
            self._failed(exc)
            return fallback()
        except BaseException:
            self._succeeded()  # the service answered (with a refusal of its own): it is up
            raise
        self._succeeded()
        return result


_breakers: dict[str, CircuitBreaker] = {}
_breakers_lock = threading.Lock()


def breaker_for(name: str, *, reset_seconds: float, errors: tuple[type[BaseException], ...]) -> CircuitBreaker:
    """The process's one breaker named `name` (a service's address), made on first use."""
    breaker = _breakers.get(name)
    if breaker is None:
        with _breakers_lock:
            breaker = _breakers.setdefault(name, CircuitBreaker(name, reset_seconds=reset_seconds, errors=errors))
    return breaker

"""What each request leaves for the operators: a request id in every log line, an access log line,
and the request metrics (common.metrics).

The request id is the proxy's X-Request-ID when it is well-formed (8 to 128 letters, digits and
`-_.:`), else a new one; it is sent back in the response's X-Request-ID header, put on every log
line written while the request runs (`RequestIdFilter`, configured in config/settings/logging.py),
and carried in the headers of each Celery task the request enqueues, so the task's log lines carry
it too (the signal handlers below, connected by config.celery).
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from contextvars import ContextVar

from common import metrics
from common.net import client_address

REQUEST_ID_HEADER = "X-Request-ID"
_WELL_FORMED = re.compile(r"[A-Za-z0-9._:-]{8,128}")
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
_task_id: ContextVar[str | None] = ContextVar("task_id", default=None)

access_log = logging.getLogger("access")


def current_request_id() -> str | None:
    return _request_id.get()


def request_id_from(header: str | None) -> str:
    """The proxy's request id when it is well-formed, else a new one."""
    if header and _WELL_FORMED.fullmatch(header):
        return header
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Puts the request id (and, in a Celery task, the task id) on every log record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get()
        task_id = _task_id.get()
        if task_id is not None:
            record.task_id = task_id
        return True


class RequestMiddleware:
    """First in MIDDLEWARE: the request id, the request's duration and status counted by route name,
    refusals (4xx) counted by kind, and one access log line."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_from(request.META.get("HTTP_X_REQUEST_ID"))
        request.request_id = request_id
        token = _request_id.set(request_id)
        start = time.perf_counter()
        try:
            response = self.get_response(request)
            duration = time.perf_counter() - start
            response[REQUEST_ID_HEADER] = request_id
            status = response.status_code
            match = request.resolver_match
            route = (match.view_name or "unnamed") if match is not None else "unresolved"
            method = request.method if request.method in _METHODS else "other"
            metrics.REQUEST_DURATION.labels(route, method, str(status)).observe(duration)
            if 400 <= status < 500:
                metrics.REFUSALS.labels(metrics.refusal_kind(request, status)).inc()
            access_log.info("%s %s %s", method, request.path, status, extra={
                "method": method, "path": request.path, "route": route, "status": status,
                "duration_ms": round(duration * 1000, 1), "remote_addr": client_address(request) or ""})
            return response
        finally:
            _request_id.reset(token)


# --------------------------------------------------------------------------------------------
# Celery: the request id travels in the task's headers, with the time it was enqueued
# --------------------------------------------------------------------------------------------

ENQUEUED_AT_HEADER = "enqueued_at"
REQUEST_ID_TASK_HEADER = "request_id"


def task_headers_add(headers: dict | None = None, **_kwargs) -> None:
    """before_task_publish: the request id of the request (or task) that enqueues, and when."""
    if headers is None:
        return
    headers[ENQUEUED_AT_HEADER] = time.time()
    request_id = _request_id.get()
    if request_id is not None:
        headers.setdefault(REQUEST_ID_TASK_HEADER, request_id)


_task_tokens: dict[str, tuple] = {}


def task_context_enter(task_id: str | None = None, task=None, **_kwargs) -> None:
    """task_prerun: log lines of the task carry the enqueuing request's id and the task's id. A task
    run eagerly inside a request keeps that request's id."""
    request_id = getattr(getattr(task, "request", None), REQUEST_ID_TASK_HEADER, None)
    if not (isinstance(request_id, str) and _WELL_FORMED.fullmatch(request_id)):
        request_id = _request_id.get()
    if task_id is not None:
        _task_tokens[task_id] = (_request_id.set(request_id), _task_id.set(task_id))


def task_context_leave(task_id: str | None = None, **_kwargs) -> None:
    """task_postrun: back to the context the task started in."""
    tokens = _task_tokens.pop(task_id, None) if task_id is not None else None
    if tokens is not None:
        _task_id.reset(tokens[1])
        _request_id.reset(tokens[0])

"""Structured logs: JSON lines, each with the id of the request it was written in (the proxy's
X-Request-ID when well-formed, else a new one, returned in the response), and in the Celery tasks that
request enqueued."""

import base64
import io
import json
import logging
import re
import uuid

import pytest
import redis
from celery.app.trace import trace_task
from django.http import HttpResponse
from django.test import RequestFactory

from config import observability
from config.celery import app as celery_app

pytestmark = pytest.mark.django_db

task_log = logging.getLogger("tests.config.task")


@celery_app.task(name="tests.config.test_logging.log_a_line")
def log_a_line(text: str) -> None:
    task_log.info("the task says %s", text)


@pytest.fixture
def log_lines():
    """What the configured console handler writes (settings.LOGGING), one parsed JSON object per line."""
    console = next(h for h in logging.getLogger().handlers if getattr(h, "name", "") == "console")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(console.formatter)
    for log_filter in console.filters:
        handler.addFilter(log_filter)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)


def test_each_line_is_json_with_the_request_id_the_response_returns(client, log_lines):
    response = client.get("/healthz")
    request_id = response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    access = [line for line in log_lines() if line["logger"] == "access"]
    assert len(access) == 1
    line = access[0]
    assert line["request_id"] == request_id
    assert line["level"] == "INFO" and line["message"] == "GET /healthz 200"
    assert line["route"] == "healthz" and line["status"] == 200 and line["duration_ms"] >= 0
    assert line["time"].endswith("+00:00")


def test_a_well_formed_id_from_the_proxy_is_kept_and_a_bad_one_replaced(client, log_lines):
    kept = client.get("/healthz", HTTP_X_REQUEST_ID="f3b2c1d0-proxy-id.42")
    assert kept["X-Request-ID"] == "f3b2c1d0-proxy-id.42"
    for bad in ("short", "has spaces in it", "x" * 129, 'quote"inside-it', "new\nline-injected"):
        answer = client.get("/healthz", HTTP_X_REQUEST_ID=bad)
        assert answer["X-Request-ID"] != bad and re.fullmatch(r"[0-9a-f]{32}", answer["X-Request-ID"])
    ids = [line["request_id"] for line in log_lines() if line["logger"] == "access"]
    assert ids[0] == "f3b2c1d0-proxy-id.42" and len(set(ids)) == 6


def test_every_line_a_view_writes_carries_its_request_id(log_lines):
    view_log = logging.getLogger("tests.config.view")

    def view(request):
        view_log.warning("first")
        view_log.info("second", extra={"lot": 12})
        return HttpResponse("ok")

    observability.RequestMiddleware(view)(RequestFactory().get("/", HTTP_X_REQUEST_ID="req-12345678"))
    observability.RequestMiddleware(view)(RequestFactory().get("/"))
    view_log.info("outside any request")
    lines = [line for line in log_lines() if line["logger"] == "tests.config.view"]
    assert [(line["message"], line["request_id"]) for line in lines[:2]] == [("first", "req-12345678"),
                                                                             ("second", "req-12345678")]
    assert lines[1]["lot"] == 12
    assert lines[2]["request_id"] not in (None, "req-12345678")
    assert lines[4] == {**lines[4], "message": "outside any request", "request_id": None}


@pytest.mark.redis
def test_a_task_enqueued_by_a_request_logs_with_its_request_id(redis_url, celery_broker_url, log_lines):
    queue = f"ops-log-{uuid.uuid4().hex[:12]}"
    saved = {key: celery_app.conf[key] for key in ("task_always_eager", "broker_url")}
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = celery_broker_url
    client = redis.Redis.from_url(redis_url)
    try:
        with celery_app.connection_for_write(celery_broker_url) as connection:
            def view(request):
                log_a_line.apply_async(["hello"], queue=queue, connection=connection)
                return HttpResponse("queued")

            response = observability.RequestMiddleware(view)(
                RequestFactory().post("/", HTTP_X_REQUEST_ID="enqueuing-request-1"))
        assert response["X-Request-ID"] == "enqueuing-request-1"
        message = json.loads(client.lindex(queue, -1))
        assert message["headers"]["request_id"] == "enqueuing-request-1"
        assert message["headers"]["enqueued_at"] > 0

        # A worker runs it (the worker's own call: the message's headers become the task's request):
        # its lines carry the request's id, and the task's.
        body = json.loads(base64.b64decode(message["body"]))
        args, kwargs = body[0], body[1]
        trace_task(log_a_line, message["headers"]["id"], args, kwargs,
                   request={**message["headers"], "args": args, "kwargs": kwargs}, app=celery_app)
        said = [line for line in log_lines() if line["logger"] == "tests.config.task"]
        assert [line["message"] for line in said] == ["the task says hello"]
        assert said[0]["request_id"] == "enqueuing-request-1"
        assert said[0]["task_id"] == message["headers"]["id"]
        assert observability.current_request_id() is None  # and nothing of it is left behind
    finally:
        for key, value in saved.items():
            celery_app.conf[key] = value
        client.delete(queue)
        client.close()

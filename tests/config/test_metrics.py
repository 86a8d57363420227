"""/metrics: what the monitoring system reads (requests, refusals, bids, the Celery queues), and that
nobody else may read it."""

import json
import time
import uuid

import pytest
import redis
import time_machine
from django.http import HttpResponse
from django.test import RequestFactory
from prometheus_client.parser import text_string_to_metric_families

from common import metrics as common_metrics
from config import observability
from config.celery import app as celery_app
from tests.auctions.factories import asset_for_sale, make_bidder, open_auction_with_lots

pytestmark = pytest.mark.django_db

TOKEN = "metrics-token-for-tests-0123456789"


@pytest.fixture
def monitoring(settings):
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_ALLOWED_ADDRESSES = []
    return {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"}


def scrape(client, auth) -> dict:
    """The scraped samples: {(name, frozenset(labels)): value}."""
    response = client.get("/metrics", **auth)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return samples


def value(samples, name, **labels) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


# --------------------------------------------------------------------------------------------
# Who may read it
# --------------------------------------------------------------------------------------------


def test_metrics_are_not_served_until_the_monitoring_system_is_configured(client, settings):
    settings.METRICS_TOKEN, settings.METRICS_ALLOWED_ADDRESSES = "", []
    response = client.get("/metrics")
    assert response.status_code == 404 and response.json()["error"] == "not_found"


def test_anonymous_and_wrong_token_are_refused(client, monitoring):
    assert client.get("/metrics").status_code == 403
    wrong = client.get("/metrics", HTTP_AUTHORIZATION="Bearer not-the-token-at-all-000000")
    assert wrong.status_code == 403 and wrong.json()["error"] == "forbidden"
    assert b"http_request_duration_seconds" not in wrong.content


def test_an_allowed_address_needs_no_token(client, settings):
    import ipaddress

    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_ADDRESSES = [ipaddress.ip_network("10.1.0.0/16")]
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="10.2.0.1").status_code == 403


def test_behind_the_proxy_the_allow_list_reads_the_clients_address(client, settings):
    """The load balancer sits in the allowed network; what it forwards from outside is still refused."""
    import ipaddress

    settings.TRUSTED_PROXY_COUNT = 1
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_ADDRESSES = [ipaddress.ip_network("10.1.0.0/16")]
    balancer = {"REMOTE_ADDR": "10.1.0.1"}
    assert client.get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.9", **balancer).status_code == 403
    assert client.get("/metrics", HTTP_X_FORWARDED_FOR="10.1.0.1, 203.0.113.9", **balancer).status_code == 403
    assert client.get("/metrics", HTTP_X_FORWARDED_FOR="10.1.2.3", **balancer).status_code == 200


# --------------------------------------------------------------------------------------------
# Requests and refusals
# --------------------------------------------------------------------------------------------


def test_requests_are_counted_by_route_name_and_status(client, monitoring):
    before = scrape(client, monitoring)
    for _ in range(3):
        assert client.get("/healthz").status_code == 200
    client.get("/robots.txt")
    client.get("/no-such-page-anywhere/")
    after = scrape(client, monitoring)

    count = "http_request_duration_seconds_count"
    assert value(after, count, route="healthz", method="GET", status="200") \
        - value(before, count, route="healthz", method="GET", status="200") == 3
    assert value(after, count, route="robots_txt", method="GET", status="200") \
        - value(before, count, route="robots_txt", method="GET", status="200") == 1
    # Latency: every request falls in the +Inf bucket, and the sum of durations grows.
    assert value(after, "http_request_duration_seconds_bucket", route="healthz", method="GET", status="200",
                 le="+Inf") >= 3
    assert value(after, "http_request_duration_seconds_sum", route="healthz", method="GET", status="200") > \
        value(before, "http_request_duration_seconds_sum", route="healthz", method="GET", status="200")
    assert value(after, "http_refusals_total", kind="not_found") - value(before, "http_refusals_total",
                                                                          kind="not_found") == 1


def test_refusals_are_counted_by_kind(client, monitoring, settings):
    settings.AXES_FAILURE_LIMIT = 100  # the throttle, not the lock-out, is counted here (a test of its own below)
    before = scrape(client, monitoring)
    client.get("/metrics")  # forbidden
    # Throttled: the token endpoint allows ten attempts a minute per address and name.
    for _ in range(11):
        answer = client.post("/api/v1/auth/token/", {"username": "nobody-here", "password": "x"},
                             content_type="application/json")
    assert answer.status_code == 429
    after = scrape(client, monitoring)
    assert value(after, "http_refusals_total", kind="forbidden") - value(before, "http_refusals_total",
                                                                          kind="forbidden") == 1
    assert value(after, "http_refusals_total", kind="throttled") - value(before, "http_refusals_total",
                                                                          kind="throttled") == 1
    assert value(after, "http_refusals_total", kind="unauthenticated") - value(
        before, "http_refusals_total", kind="unauthenticated") == 10


def test_a_lock_out_is_counted_as_one():
    """django-axes marks a locked-out request `axes_locked_out` and answers it 403 or 429; a view may
    also name its refusal's kind."""
    factory = RequestFactory()
    before_locked = common_metrics.REFUSALS.labels("locked_out")._value.get()
    before_throttled = common_metrics.REFUSALS.labels("throttled")._value.get()

    def locked_view(request):
        request.axes_locked_out = True
        return HttpResponse(status=429)

    def marked_view(request):
        common_metrics.refusal_mark(request, "locked_out")
        return HttpResponse(status=403)

    observability.RequestMiddleware(locked_view)(factory.post("/admin/login/"))
    observability.RequestMiddleware(marked_view)(factory.post("/api/v1/auth/token/"))
    assert common_metrics.REFUSALS.labels("locked_out")._value.get() - before_locked == 2
    assert common_metrics.REFUSALS.labels("throttled")._value.get() == before_throttled


# --------------------------------------------------------------------------------------------
# Bids
# --------------------------------------------------------------------------------------------


@pytest.fixture
def open_lot_and_bidder(case, case_officer, approver, auction_manager):
    asset = asset_for_sale(case=case, officer=case_officer, approver=approver, manager=auction_manager)
    auction, lots = open_auction_with_lots(manager=auction_manager, approver=approver, assets=[asset])
    return lots[0], make_bidder(reviewer=auction_manager, auctions=[auction], username="metrics-bidder")


def test_bids_are_counted_accepted_and_refused_by_reason(client, monitoring, open_lot_and_bidder):
    lot, bidder = open_lot_and_bidder
    client.force_login(bidder)
    before = scrape(client, monitoring)

    def bid(amount):
        return client.post(f"/api/v1/lots/{lot.pk}/bids/", json.dumps({"max_amount": amount}),
                           content_type="application/json")

    assert bid("150.00").status_code in (200, 201)
    assert bid("120.00").status_code == 400  # not above the bidder's own maximum
    assert bid("abc").status_code == 400
    assert client.post("/api/v1/lots/99999999/bids/", '{"max_amount": "5"}',
                       content_type="application/json").status_code == 404
    after = scrape(client, monitoring)

    def delta(**labels):
        return value(after, "auction_bids_total", **labels) - value(before, "auction_bids_total", **labels)

    assert delta(outcome="accepted", reason="") == 1
    assert delta(outcome="refused", reason="not_above_own_maximum") == 1
    assert delta(outcome="refused", reason="not_found") == 1
    refused = sum(v for (name, labels), v in after.items()
                  if name == "auction_bids_total" and ("outcome", "refused") in labels) - sum(
        v for (name, labels), v in before.items() if name == "auction_bids_total" and ("outcome", "refused") in labels)
    assert refused == 2  # "abc" is refused by the API's schema, before the bidding engine counts a bid


# --------------------------------------------------------------------------------------------
# The Celery queue: depth and lag, read from the broker's Redis
# --------------------------------------------------------------------------------------------


@pytest.fixture
def broker(settings, redis_url, celery_broker_url):
    """Tasks really queued on a Redis broker (not run eagerly), on a queue of this test's own."""
    queue = f"ops-test-{uuid.uuid4().hex[:12]}"
    settings.CELERY_BROKER_URL = celery_broker_url
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.METRICS_CELERY_QUEUES = [queue]
    was_eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    client = redis.Redis.from_url(redis_url)
    try:
        with celery_app.connection_for_write(celery_broker_url) as connection:
            yield {"queue": queue, "connection": connection, "redis": client}
    finally:
        celery_app.conf.task_always_eager = was_eager
        client.delete(queue)
        client.close()


@pytest.mark.redis
def test_queue_depth_and_lag_of_the_oldest_waiting_task(client, monitoring, broker):
    from auctions import tasks

    with time_machine.travel(time.time() - 90, tick=False):
        tasks.send_outbid_notices.apply_async(queue=broker["queue"], connection=broker["connection"])
    tasks.send_outbid_notices.apply_async(queue=broker["queue"], connection=broker["connection"])
    tasks.send_outbid_notices.apply_async(queue=broker["queue"], connection=broker["connection"])

    samples = scrape(client, monitoring)
    assert value(samples, "celery_broker_up") == 1
    assert value(samples, "celery_queue_length", queue=broker["queue"]) == 3
    assert value(samples, "celery_queue_oldest_task_age_seconds", queue=broker["queue"]) >= 90

    broker["redis"].delete(broker["queue"])  # a worker took them all
    samples = scrape(client, monitoring)
    assert value(samples, "celery_queue_length", queue=broker["queue"]) == 0
    assert value(samples, "celery_queue_oldest_task_age_seconds", queue=broker["queue"]) == 0


def test_a_broker_that_does_not_answer_is_reported_down(client, monitoring, settings, tmp_path):
    settings.CELERY_BROKER_URL = f"unix://{tmp_path}/no-redis-here.sock"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    samples = scrape(client, monitoring)
    assert value(samples, "celery_broker_up") == 0


def test_under_gunicorn_the_processes_counts_are_summed(tmp_path, monkeypatch):
    """PROMETHEUS_MULTIPROC_DIR: each process writes its values there, and /metrics' registry sums them."""
    import subprocess
    import sys
    from pathlib import Path

    from prometheus_client import generate_latest

    from config import ops

    folder = tmp_path / "prometheus"
    folder.mkdir()
    count_one_bid = "from common import metrics; metrics.bid_counted(accepted=False, reason='lot_ended')"
    for _process in range(2):
        subprocess.run([sys.executable, "-c", count_one_bid], check=True, cwd=Path(__file__).resolve().parents[2],
                       env={"PATH": "/usr/bin:/bin", "PROMETHEUS_MULTIPROC_DIR": str(folder)}, timeout=60)
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(folder))
    scraped = generate_latest(ops._registry()).decode()
    samples = {(s.name, frozenset(s.labels.items())): s.value
               for family in text_string_to_metric_families(scraped) for s in family.samples}
    assert value(samples, "auction_bids_total", outcome="refused", reason="lot_ended") == 2

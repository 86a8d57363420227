"""The Prometheus metrics that the apps count (prometheus_client), defined once for every layer.

Served at /metrics by `config.ops.metrics` to the monitoring system only. The request metrics are
counted by `config.observability.RequestMiddleware`; the bid outcomes by the bidding service; the
Celery queue's depth and lag are read from the broker when /metrics is scraped.

Under gunicorn with several processes each process counts apart: set PROMETHEUS_MULTIPROC_DIR (an
empty directory, before the processes start) and prometheus_client keeps the values in files there,
which /metrics sums (README, "Operations").
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram, disable_created_metrics

disable_created_metrics()  # the *_created series: noise for our dashboards

REQUEST_DURATION = Histogram(
    "http_request_duration_seconds",
    "Time to answer a request, by route name (the URL pattern's name), method and status; its _count is the "
    "number of requests.",
    ["route", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)

REFUSALS = Counter(
    "http_refusals",
    "Requests answered with a 4xx, by kind: throttled, forbidden, locked_out, unauthenticated, not_found, "
    "bad_request, conflict, too_large, other.",
    ["kind"],
)

BIDS = Counter(
    "auction_bids",
    "Bids placed, by outcome (accepted, refused) and, for a refusal, its reason (the refusal's code: "
    "below_minimum, rate_limited, lot_ended ...).",
    ["outcome", "reason"],
)

REFUSAL_KINDS_BY_STATUS = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    429: "throttled",
}


def refusal_mark(request, kind: str) -> None:
    """Name the kind of the refusal a view is about to answer (e.g. "locked_out" for a login refused
    because of a lock-out), when its status alone does not tell it."""
    request.refusal_kind = kind


def refusal_kind(request, status: int) -> str:
    """The kind of a 4xx answer: what the view marked, a lock-out by django-axes (which marks the
    request `axes_locked_out`), else what the status says."""
    kind = getattr(request, "refusal_kind", None)
    if kind:
        return kind
    if getattr(request, "axes_locked_out", False):
        return "locked_out"
    return REFUSAL_KINDS_BY_STATUS.get(status, "other")


def bid_counted(*, accepted: bool, reason: str = "") -> None:
    BIDS.labels("accepted" if accepted else "refused", "" if accepted else reason).inc()

"""gunicorn's configuration for production and the load benchmark: `gunicorn config.wsgi -c config/gunicorn.py`.

Threaded workers (gthread) keep idle keep-alive connections cheap. Requests are short and mostly
CPU in Python, so two threads per process overlap the database and Redis round trips; more only
contend for the interpreter lock (measured on the hot-lot benchmark: at 300 bids/s on 2 CPUs, p99
33 ms with 4 x 2 against 59-81 ms with 4 x 4; 8 x 1 balances keep-alive connections worse).
WEB_CONCURRENCY (processes) and WEB_THREADS override the defaults; PORT the port.
"""

import multiprocessing
import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count()))
threads = int(os.environ.get("WEB_THREADS", "2"))
keepalive = 30
backlog = 1024

# The app writes one JSON access line per request, with its request id (config/settings/logging.py);
# GUNICORN_ACCESS_LOG=- adds gunicorn's own.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None

# Prometheus metrics across worker processes (README, "Operations"): with PROMETHEUS_MULTIPROC_DIR set,
# each process keeps its values in files there and /metrics sums them. The folder is emptied when
# gunicorn starts, and a dead worker's live gauges are dropped.
if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):

    def on_starting(server):
        folder = os.environ["PROMETHEUS_MULTIPROC_DIR"]
        os.makedirs(folder, exist_ok=True)
        for name in os.listdir(folder):
            if name.endswith(".db"):
                os.remove(os.path.join(folder, name))

    def child_exit(server, worker):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)

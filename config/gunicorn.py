"""gunicorn's configuration for production and the load benchmark: `gunicorn config.wsgi -c config/gunicorn.py`.

Threaded workers (gthread) keep idle keep-alive connections cheap. Requests are short and mostly
CPU in Python, so a few threads per process are enough to overlap the database and Redis round
trips; more would only contend for the interpreter lock. WEB_CONCURRENCY (processes) and
WEB_THREADS override the defaults; PORT the port.
"""

import multiprocessing
import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count()))
threads = int(os.environ.get("WEB_THREADS", "4"))
keepalive = 30
backlog = 1024
accesslog = "-"

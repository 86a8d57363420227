import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# Tasks are queued through config.broker: a broker that is down never fails the request queueing them.
app = Celery("assets", task_cls="config.broker:FailSoftTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The enqueuing request's id, and the time of enqueueing, travel in each task's headers
# (config.observability): the task's log lines carry the id, /metrics reads the queue's lag.
from config import observability  # noqa: E402

signals.before_task_publish.connect(observability.task_headers_add, weak=False)
signals.task_prerun.connect(observability.task_context_enter, weak=False)
signals.task_postrun.connect(observability.task_context_leave, weak=False)

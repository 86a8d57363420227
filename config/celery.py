import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# Tasks are queued through config.broker: a broker that is down never fails the request queueing them.
app = Celery("assets", task_cls="config.broker:FailSoftTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

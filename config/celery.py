"""The Celery app: settings from Django (``CELERY_*``), tasks from each app's ``tasks.py``.

Run ``celery -A config worker`` and ``celery -A config beat`` (docs/configuration.md).
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("wanjia")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

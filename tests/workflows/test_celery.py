"""The Celery wiring: the app's configuration, the beat schedule, and one real enqueue to Redis."""

from __future__ import annotations

import base64
import json
import uuid

import pytest
import redis
from celery.schedules import crontab
from django.conf import settings

from config.celery import app
from workflows.tasks import send_reminders


@pytest.mark.smoke
def test_the_app_reads_django_settings_and_knows_the_task():
    assert app.conf.broker_url == settings.CELERY_BROKER_URL
    assert app.conf.timezone == "Asia/Shanghai"
    # The test settings run tasks in the process (config/settings/test.py); production does not.
    assert app.conf.task_always_eager is True
    app.loader.import_default_modules()
    assert "workflows.tasks.send_reminders" in app.tasks
    entry = app.conf.beat_schedule["send-reminders"]
    assert entry["task"] == "workflows.tasks.send_reminders"
    assert isinstance(entry["schedule"], crontab)
    assert entry["schedule"].hour == {7, 13}
    assert entry["schedule"].minute == {0}
    assert "workflows.tasks.deliver_notifications" in app.tasks
    assert "workflows.tasks.send_notification" in app.tasks
    digest = app.conf.beat_schedule["notification-digest"]
    assert digest["task"] == "workflows.tasks.send_notification_digests"
    assert digest["task"] in app.tasks
    rectifications = app.conf.beat_schedule["rectification-reminders"]
    assert rectifications["task"] in app.tasks


def test_enqueueing_puts_one_message_on_the_redis_queue():
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip("no Redis at the broker URL")
    queue = f"wanjia-test-{uuid.uuid4().hex}"
    app.conf.task_always_eager = False  # a real enqueue, as in production
    try:
        send_reminders.apply_async(args=["2026-05-06"], queue=queue)
        assert client.llen(queue) == 1
        raw = client.lindex(queue, 0)
        assert isinstance(raw, bytes)
        message = json.loads(raw)
        assert message["headers"]["task"] == "workflows.tasks.send_reminders"
        args, kwargs, _embed = json.loads(base64.b64decode(message["body"]))
        assert (args, kwargs) == (["2026-05-06"], {})
    finally:
        app.conf.task_always_eager = True
        client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
        client.close()

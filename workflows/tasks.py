"""Celery tasks of the workflows app: thin wrappers over services."""

from __future__ import annotations

import datetime
import logging
from typing import Any

from celery import shared_task

from core.webhooks import WebhookError, WebhookRetry
from workflows.notify import deliveries, notification_digests_send, notification_send
from workflows.reminders import reminders_send

logger = logging.getLogger(__name__)


@shared_task(name="workflows.tasks.send_reminders")
def send_reminders(today: str | None = None) -> dict[str, Any]:
    """Send the reminders and escalations due ``today`` (ISO date; default today, Asia/Shanghai)."""
    run = reminders_send(today=datetime.date.fromisoformat(today) if today else None)
    return {
        "today": run.today.isoformat(),
        "upcoming": run.upcoming,
        "overdue": run.overdue,
        "escalations": run.escalations,
    }


@shared_task(name="workflows.tasks.deliver_notifications")
def deliver_notifications(ids: list[int]) -> int:
    """Fan the new notifications out to their recipients' channels, one task per sending (so that
    one failing robot is retried alone and an e-mail is never sent twice)."""
    sendings = deliveries(ids)
    for notification_id, channel in sendings:
        send_notification.delay(notification_id, channel)
    return len(sendings)


@shared_task(
    name="workflows.tasks.send_notification",
    autoretry_for=(WebhookRetry, OSError),  # OSError: the mail server (smtplib) or the network
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=5,
)
def send_notification(notification_id: int, channel: str) -> None:
    """Send one notification through one channel; a 5xx or an unreachable robot is retried with
    backoff, a refusal (4xx, a bad address) is logged and dropped."""
    try:
        notification_send(notification_id=notification_id, channel=channel)
    except WebhookRetry:
        raise
    except WebhookError:
        logger.exception("notification %s via %s refused", notification_id, channel)


@shared_task(name="workflows.tasks.send_notification_digests")
def send_notification_digests(today: str | None = None) -> int:
    """The daily digest e-mails (docs/notifications.md)."""
    return notification_digests_send(today=datetime.date.fromisoformat(today) if today else None)

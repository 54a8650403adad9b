"""Celery tasks of the workflows app: thin wrappers over services."""

from __future__ import annotations

import datetime
from typing import Any

from celery import shared_task

from workflows.reminders import reminders_send


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

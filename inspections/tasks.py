"""Celery tasks of the inspections app: thin wrappers over services."""

from __future__ import annotations

import datetime

from celery import shared_task

from inspections.services.rectifications import rectification_reminders_send


@shared_task(name="inspections.tasks.rectification_reminders")
def rectification_reminders(today: str | None = None) -> int:
    """Tell the schools' leaders of rectifications due soon or overdue (once each)."""
    return rectification_reminders_send(today=datetime.date.fromisoformat(today) if today else None)

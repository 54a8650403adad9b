"""Celery tasks of the privacy app: thin wrappers over services."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from privacy.services import retention_apply


@shared_task(name="privacy.tasks.apply_retention")
def apply_retention() -> dict[str, Any]:
    """Apply the retention policy as of today (docs/retention.md); the counts of what changed."""
    run = retention_apply()
    return {"today": run.today.isoformat(), **run.counts()}

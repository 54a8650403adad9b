"""Helpers for the care tests: when their cases are opened, and days to date sessions on."""

from __future__ import annotations

import datetime

from django.utils import timezone

SECRET = "学生谈到与继父冲突，夜间失眠，需保密跟进"


def weeks_ago(weeks: int = 6) -> datetime.datetime:
    """When the care tests open their cases (``open_case(..., opened_at=weeks_ago())``), so that
    sessions can be dated in the past."""
    return timezone.now() - datetime.timedelta(weeks=weeks)


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)

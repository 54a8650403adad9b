"""When a case task is due: simple per-kind day counts for now.

``task_due_on`` is the one place that decides a task's due date; the programme calendar
(campaign phases) will refine it later without changing its callers. Day counts come from
the ``WANJIA_TASK_DUE_DAYS`` setting (a dict ``{kind: days}``), falling back to
``DEFAULT_DUE_DAYS`` for kinds it does not mention. See docs/workflows.md.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone

if TYPE_CHECKING:
    from casework.models import Case

DEFAULT_DUE_DAYS: dict[str, int] = {
    "draft_plan": 7,
    "submit_plan": 14,
    "approve_plan": 7,
    "schedule_visit": 30,
    "record_visit": 3,
    "review": 14,
}


def due_days(kind: str) -> int:
    configured: dict[str, int] = getattr(settings, "WANJIA_TASK_DUE_DAYS", {}) or {}
    return int(configured.get(kind, DEFAULT_DUE_DAYS.get(kind, 14)))


def task_due_on(*, kind: str, case: Case, created: datetime.datetime) -> datetime.date:
    """The day (Asia/Shanghai) a task of ``kind`` created at ``created`` on ``case`` is due."""
    return timezone.localdate(created) + datetime.timedelta(days=due_days(kind))

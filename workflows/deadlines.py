"""When a case task is due: the end of its campaign phase, or a per-kind number of days.

``task_due_on`` is the one place that decides a task's due date. A task kind that belongs to a
phase of the programme calendar (``PHASE_OF_KIND``) is due when that phase ends, if the phase is
running on the day the task is created; otherwise, and for kinds without a phase, it is due a
per-kind number of days later. Day counts come from the ``WANJIA_TASK_DUE_DAYS`` setting (a dict
``{kind: days}``), falling back to ``DEFAULT_DUE_DAYS``. See docs/workflows.md.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone

from schools.calendar import due_on_from_phase_or_rule, phase_on
from schools.models import CampaignPhase, School

if TYPE_CHECKING:
    from casework.models import Case

PhaseKind = CampaignPhase.Kind

DEFAULT_DUE_DAYS: dict[str, int] = {
    "draft_plan": 7,
    "submit_plan": 14,
    "approve_plan": 7,
    "schedule_visit": 30,
    "record_visit": 3,
    "review": 14,
}

# Task kind -> the phase(s) it belongs to. A kind with several phases takes whichever is running;
# kinds not listed (approving a plan, reviewing a case) follow the rule only: a leader's decision
# should not wait for the end of a months-long phase.
PHASE_OF_KIND: dict[str, tuple[str, ...]] = {
    "draft_plan": (PhaseKind.PLANS,),
    "submit_plan": (PhaseKind.PLANS,),
    "schedule_visit": (PhaseKind.WINTER_VISITS, PhaseKind.FOLLOW_UP),
    "record_visit": (PhaseKind.WINTER_VISITS, PhaseKind.FOLLOW_UP),
}


def due_days(kind: str) -> int:
    configured: dict[str, int] = getattr(settings, "WANJIA_TASK_DUE_DAYS", {}) or {}
    return int(configured.get(kind, DEFAULT_DUE_DAYS.get(kind, 14)))


def phase_kind_for(*, kind: str, bureau_id: int, on: datetime.date) -> str | None:
    """The phase kind a task of ``kind`` created on ``on`` is due with, or None (rule only)."""
    kinds = PHASE_OF_KIND.get(kind, ())
    if not kinds:
        return None
    if len(kinds) == 1:
        return kinds[0]
    running = phase_on(bureau_id=bureau_id, on=on)
    return running.kind if running is not None and running.kind in kinds else None


def task_due_on(*, kind: str, case: Case, created: datetime.datetime) -> datetime.date:
    """The day (Asia/Shanghai) a task of ``kind`` created at ``created`` on ``case`` is due."""
    day = timezone.localdate(created)
    rule_days = due_days(kind)
    if kind not in PHASE_OF_KIND:
        return day + datetime.timedelta(days=rule_days)
    bureau_id = School.objects.values_list("bureau_id", flat=True).get(pk=case.school_id)
    return due_on_from_phase_or_rule(
        bureau_id=bureau_id,
        phase_kind=phase_kind_for(kind=kind, bureau_id=bureau_id, on=day),
        created=day,
        rule_days=rule_days,
    )

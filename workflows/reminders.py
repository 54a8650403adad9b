"""Deadlines and reminders: once-only reminders and escalations of open case tasks.

``reminders_send(today=)`` is the one service; the Celery task (``workflows.tasks``) and the
``send_reminders`` management command both call it. Each notification is claimed by inserting
it under the unique constraint (task, kind, user) with ON CONFLICT DO NOTHING, so a reminder is
sent once, not once per worker or per run. E-mails go out only after the claim has committed.
See docs/workflows.md, "Deadlines and reminders".
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record
from casework.models import BreakGlassAccess
from schools.models import Membership
from workflows.models import OPEN_STATUSES, TASK_KINDS, CaseTask, Notification, NotificationKind
from workflows.notify import event_text, notifications_deliver_on_commit
from workflows.selectors import notifications_unread_for_user

logger = logging.getLogger(__name__)
Kind = NotificationKind
LEADER_ROLES = (Membership.Role.PRINCIPAL, Membership.Role.VICE_PRINCIPAL)


def upcoming_days() -> int:
    return int(getattr(settings, "WANJIA_REMINDER_UPCOMING_DAYS", 7))


def escalate_after_days() -> int:
    return int(getattr(settings, "WANJIA_ESCALATE_AFTER_DAYS", 7))


@dataclass(frozen=True)
class ReminderRun:
    """What one run sent: notification counts by kind, and the tasks it escalated."""

    today: datetime.date
    upcoming: int = 0
    overdue: int = 0
    escalations: int = 0
    escalated_tasks: tuple[int, ...] = ()

    @property
    def total(self) -> int:
        return self.upcoming + self.overdue + self.escalations


def _leaders_by_school(school_ids: set[int]) -> dict[int, list[int]]:
    leaders: dict[int, list[int]] = defaultdict(list)
    rows = (
        Membership.objects.filter(
            school_id__in=school_ids, role__in=LEADER_ROLES, is_active=True, user__is_active=True
        )
        .order_by("user_id")
        .values_list("school_id", "user_id")
        .distinct()
    )
    for school_id, user_id in rows:
        leaders[school_id].append(user_id)
    return leaders


def _params(task: CaseTask, today: datetime.date) -> dict[str, Any]:
    assert task.due_on is not None
    return {
        "task_kind": task.kind,
        "case": task.case_id,
        "due_on": task.due_on.isoformat(),
        "days_overdue": max((today - task.due_on).days, 0),
    }


def reminders_send(*, today: datetime.date | None = None) -> ReminderRun:
    """Send every reminder and escalation due on ``today`` (default: today in Asia/Shanghai).

    Rules for an open task with a due date: "due soon" once, to its holder (or, for an
    unclaimed leaders' queue task, the school's principals and vice principals), when it is
    due within ``WANJIA_REMINDER_UPCOMING_DAYS``; "overdue" once to the same people when it is
    past due; "escalated" once to the school's principals and vice principals when it is
    overdue by more than ``WANJIA_ESCALATE_AFTER_DAYS`` (audited as ``task.escalated``).
    Idempotent: a second run, or a concurrent one, sends nothing new.
    """
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=upcoming_days())
    escalate_before = today - datetime.timedelta(days=escalate_after_days())
    batch = uuid.uuid4()
    with transaction.atomic():
        # An escalated task has had every notification it will get: leave it out, so that a run
        # reads about two weeks of tasks (due soon, or overdue and not yet escalated), not all.
        escalated_already = Notification.objects.filter(task=OuterRef("pk"), kind=Kind.ESCALATION)
        tasks = list(
            CaseTask.objects.filter(
                flow_task_type="HUMAN", status__in=OPEN_STATUSES, due_on__isnull=False, due_on__lte=horizon
            )
            .exclude(Exists(escalated_already))
            .order_by("id")
            .only("id", "kind", "case_id", "school_id", "owner_id", "queue", "due_on")
        )
        leaders = _leaders_by_school({t.school_id for t in tasks})
        active_owners = set(
            User.objects.filter(pk__in={t.owner_id for t in tasks if t.owner_id}, is_active=True).values_list(
                "pk", flat=True
            )
        )
        wanted: list[Notification] = []
        for task in tasks:
            assert task.due_on is not None
            if task.owner_id:
                holders = [task.owner_id] if task.owner_id in active_owners else []
            else:
                holders = leaders.get(task.school_id, [])
            kind = Kind.REMINDER_OVERDUE if task.due_on < today else Kind.REMINDER_UPCOMING
            params = _params(task, today)
            wanted += [
                Notification(user_id=u, kind=kind, task=task, params=params, batch=batch) for u in holders
            ]
            if task.due_on < escalate_before:
                wanted += [
                    Notification(user_id=u, kind=Kind.ESCALATION, task=task, params=params, batch=batch)
                    for u in leaders.get(task.school_id, [])
                ]
        # INSERT ... ON CONFLICT DO NOTHING: a row another run (or worker) already holds is
        # skipped, and a concurrent insert of the same key waits for that run to commit first.
        Notification.objects.bulk_create(wanted, ignore_conflicts=True, batch_size=1000)
        claimed = list(
            Notification.objects.filter(batch=batch)
            .select_related("user")
            .order_by("task_id", "kind", "user_id")
        )
        escalated: dict[int, list[int]] = defaultdict(list)
        for note in claimed:
            if note.kind == Kind.ESCALATION and note.task_id is not None:  # every reminder has its task
                escalated[note.task_id].append(note.user_id)
        by_id = {t.pk: t for t in tasks}
        for task_id, recipients in escalated.items():
            task = by_id[task_id]
            audit_record(
                action="task.escalated",
                actor=None,
                target=task,
                case_id=task.case_id,
                school_id=task.school_id,
                detail={
                    "kind": task.kind,
                    "due_on": task.due_on.isoformat() if task.due_on else None,
                    "days_overdue": (today - task.due_on).days if task.due_on else None,
                    "escalated_to": recipients,
                    "run_on": today.isoformat(),
                },
            )
        # After commit, through each user's channels (workflows.notify): a failed mail must not
        # undo the claim (the in-app notification stays).
        if claimed:
            notifications_deliver_on_commit([note.pk for note in claimed])
    counts = Counter(note.kind for note in claimed)
    return ReminderRun(
        today=today,
        upcoming=counts[Kind.REMINDER_UPCOMING],
        overdue=counts[Kind.REMINDER_OVERDUE],
        escalations=counts[Kind.ESCALATION],
        escalated_tasks=tuple(sorted(escalated)),
    )


def break_glass_notify(
    *, access: BreakGlassAccess, actor: User, recipients: list[User]
) -> list[Notification]:
    """In-app notifications of an emergency access to a case's notes, one per recipient; inside
    the opening's transaction (the e-mails are casework's, sent after commit)."""
    params = {
        "case": access.case_id,
        "break_glass": access.pk,
        "who": actor.get_full_name() or actor.username,
        "role": access.role,
        "expires_at": access.expires_at.isoformat(),
    }
    batch = uuid.uuid4()
    return Notification.objects.bulk_create(
        [Notification(user=user, kind=Kind.BREAK_GLASS, params=params, batch=batch) for user in recipients]
    )


def notification_text(note: Notification, *, external: bool = False) -> str:
    """The notification's sentence in the active language (no pupil data; ``external``: for
    e-mail and robots, without free text staff wrote)."""
    params = note.params or {}
    if note.kind not in (*TASK_KINDS, Kind.BREAK_GLASS):
        return event_text(note, external=external)
    if note.kind == Kind.BREAK_GLASS:
        until = str(params.get("expires_at", ""))
        with contextlib.suppress(ValueError):
            until = formats.date_format(
                timezone.localtime(datetime.datetime.fromisoformat(until)), "Y-m-d H:i"
            )
        return _(
            "%(who)s opened the confidential notes of case %(case)s in an emergency, read-only until %(until)s."
        ) % {"who": params.get("who", ""), "case": params.get("case", ""), "until": until}
    values = {
        "task": CaseTask(kind=params.get("task_kind", "")).get_kind_display(),
        "case": params.get("case", ""),
        "due_on": params.get("due_on", ""),
        "days": params.get("days_overdue", 0),
    }
    if note.kind == Kind.REMINDER_UPCOMING:
        return _("“%(task)s” for case %(case)s is due on %(due_on)s.") % values
    if note.kind == Kind.REMINDER_OVERDUE:
        return _("“%(task)s” for case %(case)s was due on %(due_on)s and is overdue.") % values
    return _("“%(task)s” for case %(case)s is %(days)s days overdue (due on %(due_on)s).") % values


def notification_mark_read(*, notification: Notification) -> Notification:
    """Mark one of the user's notifications read (idempotent: the first reading time is kept)."""
    with transaction.atomic():
        if notification.read_at is None:
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user: User) -> int:
    """Mark all of the user's unread notifications read (those they may see); how many were."""
    with transaction.atomic():
        return notifications_unread_for_user(user=user).update(read_at=timezone.now())

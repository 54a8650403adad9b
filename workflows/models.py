"""The viewflow process of a case and its tasks (see docs/workflows.md).

The case's ``state`` stays the single source of truth: a process only records which task is
open for the state the case is in, who holds it and when it is due.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import AbstractProcess, AbstractTask
from viewflow.workflow.status import STATUS

OPEN_STATUSES = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)


class TaskKind(models.TextChoices):
    DRAFT_PLAN = "draft_plan", _("Draft the support plan")
    SUBMIT_PLAN = "submit_plan", _("Write and submit the plan")
    APPROVE_PLAN = "approve_plan", _("Approve the plan")
    SCHEDULE_VISIT = "schedule_visit", _("Schedule the home visit")
    RECORD_VISIT = "record_visit", _("Record the home visit")
    REVIEW = "review", _("Review the case")


# Our words for viewflow's task statuses (its own labels are English-only, "New", "Assigned", ...).
TASK_STATUS_LABELS: dict[str, Any] = {
    STATUS.NEW: _("waiting to be taken"),
    STATUS.ASSIGNED: _("to do"),
    STATUS.STARTED: _("in progress"),
    STATUS.DONE: _("done"),
    STATUS.CANCELED: _("cancelled"),
    STATUS.ERROR: _("error"),
    STATUS.SCHEDULED: _("scheduled"),
    STATUS.REVIVED: _("revived"),
}


class TaskQueue(models.TextChoices):
    NONE = "", _("assigned")
    LEADERS = "leaders", _("school leaders")


class CaseProcess(AbstractProcess):
    """One run of the case flow; a reopened case gets a new process."""

    case = models.ForeignKey(
        "casework.Case", on_delete=models.CASCADE, related_name="processes", verbose_name=_("case")
    )
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("case process")
        verbose_name_plural = _("case processes")
        indexes = [models.Index(fields=["case", "status"], name="caseprocess_case_status")]

    def __str__(self) -> str:
        return str(_("Process %(id)s of case %(case)s") % {"id": self.pk, "case": self.case_id})


class CaseTask(AbstractTask):
    """A task of the case flow, with the case, school, kind and due date kept for the inboxes."""

    process = models.ForeignKey(CaseProcess, on_delete=models.CASCADE, verbose_name=_("process"))
    case = models.ForeignKey(
        "casework.Case", on_delete=models.CASCADE, related_name="tasks", verbose_name=_("case")
    )
    school = models.ForeignKey(
        "schools.School", on_delete=models.CASCADE, related_name="+", verbose_name=_("school")
    )
    kind = models.CharField(_("kind"), max_length=32, blank=True, default="")
    queue = models.CharField(_("queue"), max_length=16, blank=True, default="", choices=TaskQueue.choices)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("case task")
        verbose_name_plural = _("case tasks")
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["owner", "status", "due_on"], name="casetask_owner_open"),
            models.Index(fields=["school", "queue", "status", "due_on"], name="casetask_queue_open"),
            models.Index(fields=["case", "status"], name="casetask_case_status"),
        ]

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A new task takes the case and school from its process; human tasks also their kind,
        # queue and due date from their node.
        if self._state.adding and not self.case_id:
            case = self.process.case
            self.case_id = case.pk
            self.school_id = case.school_id
            if self.flow_task is not None and self.flow_task.task_type == "HUMAN":
                from workflows.deadlines import task_due_on

                self.kind = self.flow_task.name
                self.queue = getattr(self.flow_task, "wanjia_queue", "")
                self.due_on = task_due_on(kind=self.kind, case=case, created=self.created or timezone.now())
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def get_kind_display(self) -> str:
        return str(dict(TaskKind.choices).get(self.kind, self.kind))

    def get_status_display(self) -> str:  # type: ignore[no-redef]
        return str(TASK_STATUS_LABELS.get(self.status, self.status))


class NotificationKind(models.TextChoices):
    REMINDER_UPCOMING = "reminder_upcoming", _("Task due soon")
    REMINDER_OVERDUE = "reminder_overdue", _("Task overdue")
    ESCALATION = "escalation", _("Overdue task escalated")
    # About a case, not a task: a leader or inspector opened its confidential notes in an
    # emergency (casework.signals.notes_break_glass_opened, docs/break-glass.md).
    BREAK_GLASS = "break_glass", _("Emergency access to notes")
    # Events (workflows.notify.notify): each tells the people who must act, once per event.
    PLAN_SUBMITTED = "plan_submitted", _("Plan waiting for approval")
    PLAN_RETURNED = "plan_returned", _("Plan returned")
    PLAN_APPROVED = "plan_approved", _("Plan approved")
    CASE_HANDED_OVER = "case_handed_over", _("Case handed over to you")
    OPINION_RECEIVED = "opinion_received", _("Parents' opinion to answer")
    OPINION_ANSWERED = "opinion_answered", _("Parents' opinion answered")
    PAYOUT_TO_SIGN = "payout_to_sign", _("Disbursement waiting for your signature")
    REVERSAL_TO_SIGN = "reversal_to_sign", _("Correction waiting for your signature")
    RECTIFICATION_ISSUED = "rectification_issued", _("Rectification issued")
    RECTIFICATION_DUE = "rectification_due", _("Rectification due")


# The kinds about a task (the reminders): they must have one.
TASK_KINDS = (
    NotificationKind.REMINDER_UPCOMING,
    NotificationKind.REMINDER_OVERDUE,
    NotificationKind.ESCALATION,
)


class Notification(models.Model):
    """An in-app notification; also the claim that it is sent through the user's channels.

    The unique constraints make each one once-only: a reminder per (task, kind, user), an event
    per (event, user). A run or an event claims its notifications by inserting them with ON
    CONFLICT DO NOTHING, so two workers, two runs or a repeated event never send twice.
    A break-glass notification is about a case and has no task (its e-mail is casework's).
    """

    user = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="notifications", verbose_name=_("user")
    )
    kind = models.CharField(_("kind"), max_length=32, choices=NotificationKind.choices)
    task = models.ForeignKey(
        CaseTask,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("task"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # Display values kept at sending time (task kind, case id, due date, days overdue); no pupil data.
    params = models.JSONField(default=dict, blank=True)
    # Which run inserted the row: lets a run re-read exactly the rows it claimed.
    batch = models.UUIDField(_("run"), editable=False)
    # The event's key ("case:12:plan_submitted:345"): each event tells each person once.
    event = models.CharField(_("event"), max_length=120, blank=True, default="")
    # The school the event is about: who has left it no longer sees the notification.
    school = models.ForeignKey(
        "schools.School",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("school"),
    )
    # The page where the work is done (a path of this site).
    url = models.CharField(_("link"), max_length=300, blank=True, default="")

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "kind", "user"], name="notification_once_per_task_kind_user"
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=[k.value for k in TASK_KINDS]) | Q(task__isnull=False),
                name="notification_task_kinds_have_task",
            ),
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=~Q(event=""),
                name="notification_once_per_event_user",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notification_user_unread"),
            models.Index(fields=["batch"], name="notification_batch"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.task_id or self.params.get('case', '')} · {self.user_id}"


class WebhookFormat(models.TextChoices):
    NONE = "", _("none")
    WECOM = "wecom", _("WeCom group robot")
    DINGTALK = "dingtalk", _("DingTalk group robot")


class NotificationPreference(models.Model):
    """How a user wants to be told, besides the in-app list (always on); no row means the
    defaults: e-mail at once, no digest, no webhook."""

    user = models.OneToOneField(
        "accounts.User",
        on_delete=models.CASCADE,
        related_name="notification_preference",
        verbose_name=_("user"),
    )
    email = models.BooleanField(_("by e-mail"), default=True)
    # One e-mail a day summarising the unread notifications, instead of one e-mail each.
    digest = models.BooleanField(_("daily digest instead"), default=False)
    webhook_format = models.CharField(
        _("group robot"), max_length=16, blank=True, default="", choices=WebhookFormat.choices
    )
    webhook_url = models.CharField(_("robot webhook address"), max_length=500, blank=True, default="")
    # The last day a digest was claimed for the user (once a day, whatever the runs).
    digest_sent_on = models.DateField(_("digest sent on"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.user_id)

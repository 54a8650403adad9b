from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from viewflow.workflow.status import STATUS

from casework.transitions import TRANSITIONS
from workflows.models import CaseTask, TaskKind
from workflows.selectors import TaskAction, task_action, task_due_flag

STATUS_FILTERS = ("open", "unclaimed", "assigned")


class TaskSerializer(serializers.ModelSerializer[CaseTask]):
    case = serializers.IntegerField(source="case_id", read_only=True)
    school = serializers.IntegerField(source="school_id", read_only=True)
    owner = serializers.IntegerField(source="owner_id", read_only=True, allow_null=True)
    # Plain strings in the schema: the choice sets are documented in help_text (a ChoiceField
    # would collide with the visit "kind" enum in drf-spectacular's naming).
    kind = serializers.CharField(read_only=True, help_text=", ".join(TaskKind.values))
    title = serializers.SerializerMethodField()
    case_state = serializers.CharField(source="case.state", read_only=True)
    due = serializers.SerializerMethodField(help_text=_('"overdue", "soon" (within 7 days) or "".'))
    action_url = serializers.SerializerMethodField(
        help_text=_(
            "The page on this site (a path) where the task is done: the plan form, the approval "
            "page, the appointment or visit record form, the case page; null once the task is closed."
        )
    )
    action_label = serializers.SerializerMethodField(
        help_text=_("What to do, in words, in the user's language; null once the task is closed.")
    )

    class Meta:
        model = CaseTask
        fields = [
            "id",
            "kind",
            "title",
            "status",
            "queue",
            "owner",
            "case",
            "case_state",
            "school",
            "due_on",
            "due",
            "created",
            "action_url",
            "action_label",
        ]
        read_only_fields = fields

    def get_title(self, task: CaseTask) -> str:
        return task.get_kind_display()

    def get_due(self, task: CaseTask) -> str:
        return task_due_flag(task)

    def _action(self, task: CaseTask) -> TaskAction | None:
        # The list view computes a page's actions at once (``task_actions``) and passes them in.
        actions: dict[int, TaskAction | None] = self.context.setdefault("actions", {})
        if task.pk not in actions:
            actions[task.pk] = task_action(task, self.context["request"].user)
        return actions[task.pk]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_action_url(self, task: CaseTask) -> str | None:
        action = self._action(task)
        return action.url if action is not None else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_action_label(self, task: CaseTask) -> str | None:
        action = self._action(task)
        return action.label if action is not None else None


class TaskFilterSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(
        choices=[(STATUS.NEW.value, "NEW"), (STATUS.ASSIGNED.value, "ASSIGNED")],
        required=False,
        help_text=_("NEW: waiting in a queue to be claimed; ASSIGNED: held by someone."),
    )
    due_before = serializers.DateField(required=False, help_text=_("Only tasks due before this day."))


class TaskCompleteSerializer(serializers.Serializer[Any]):
    transition = serializers.CharField(max_length=64, help_text=", ".join(TRANSITIONS))

    def validate_transition(self, value: str) -> str:
        if value not in TRANSITIONS:
            raise serializers.ValidationError(_("Unknown transition."))
        return value

    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    outcome = serializers.CharField(required=False, allow_blank=True, default="", max_length=32)


class StaffLeaveSerializer(serializers.Serializer[Any]):
    """POST /api/v1/staff/{user_id}/leave/: the school left and the colleague taking over."""

    school = serializers.IntegerField(min_value=1, help_text=_("The school the person leaves."))
    handover_to = serializers.IntegerField(
        min_value=1,
        required=False,
        allow_null=True,
        default=None,
        help_text=_(
            "The colleague (an active teacher of the school) who takes over the open cases, tasks "
            "and visits; required when there is any."
        ),
    )
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=500,
        help_text=_('Recorded with each case handed over; "Left the school" if empty.'),
    )


class LeavingSerializer(serializers.Serializer[Any]):
    """What the leaving did: the memberships ended and the work handed over, as ids."""

    user = serializers.IntegerField(source="leaver.pk")
    school = serializers.IntegerField(source="school.pk")
    handover_to = serializers.IntegerField(source="handover_to.pk", allow_null=True)
    left_on = serializers.DateField()
    roles = serializers.ListField(child=serializers.CharField(), help_text=_("The roles ended."))
    cases = serializers.ListField(child=serializers.IntegerField(), help_text=_("Open cases handed over."))
    tasks = serializers.ListField(child=serializers.IntegerField(), help_text=_("Open tasks handed over."))
    tasks_released = serializers.ListField(
        child=serializers.IntegerField(), help_text=_("Leaders' queue tasks put back in the queue.")
    )
    visits = serializers.ListField(
        child=serializers.IntegerField(), help_text=_("Visits not yet recorded handed over.")
    )
    classes = serializers.ListField(
        child=serializers.IntegerField(), help_text=_("Classes left without a class teacher.")
    )
    signed_out = serializers.BooleanField(
        help_text=_("It was the person's last position: their sessions and API tokens are ended.")
    )

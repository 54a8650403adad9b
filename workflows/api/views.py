"""Task endpoints: the caller's tasks, claiming a queue task, completing a task; and a member of
staff leaving a school (docs/people.md)."""

from __future__ import annotations

from typing import Any, cast

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from audit.services import AuditContext
from core.api import BaseApi, Pagination, error_responses
from workflows import services
from workflows.api.serializers import (
    LeavingSerializer,
    StaffLeaveSerializer,
    TaskCompleteSerializer,
    TaskFilterSerializer,
    TaskSerializer,
)
from workflows.models import CaseTask
from workflows.selectors import (
    task_actions,
    task_get_for_user,
    task_inbox_for_user,
    task_page_queryset,
    task_rows,
)
from workflows.staff import staff_leave

TAGS = ["tasks"]


class TaskListView(BaseApi):
    @extend_schema(
        tags=TAGS,
        operation_id="tasks_list",
        summary="Your open tasks and your role queues, by due date",
        parameters=[TaskFilterSerializer],
        responses={200: TaskSerializer(many=True), **error_responses(400)},
    )
    def get(self, request: Request) -> Response:
        user = self.user
        filters = TaskFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        tasks = task_inbox_for_user(user=user)
        if "status" in filters.validated_data:
            tasks = tasks.filter(status=filters.validated_data["status"])
        if "due_before" in filters.validated_data:
            tasks = tasks.filter(due_on__lt=filters.validated_data["due_before"])
        paginator = Pagination()
        ids = paginator.paginate_queryset(cast(Any, tasks.values_list("id", flat=True)), request, view=self)
        assert ids is not None  # page_size is set
        rows = task_rows(ids)
        actions = task_actions(rows, user)
        return paginator.get_paginated_response(
            TaskSerializer(rows, many=True, context={"request": request, "actions": actions}).data
        )


class TaskClaimView(BaseApi):
    @extend_schema(
        tags=TAGS,
        operation_id="tasks_claim",
        summary="Take a task from your school leaders' queue",
        request=None,
        responses={200: TaskSerializer, **error_responses(403, 404, 409)},
    )
    def post(self, request: Request, task_id: int) -> Response:
        user = self.user
        task = services.task_claim(task_id=task_id, user=user, context=AuditContext.from_request(request))
        task = task_page_queryset(CaseTask.objects.filter(pk=task.pk)).get()
        return Response(TaskSerializer(task, context={"request": request}).data)


class TaskCompleteView(BaseApi):
    @extend_schema(
        tags=TAGS,
        operation_id="tasks_complete",
        summary="Do the task: take one of its case's transitions",
        request=TaskCompleteSerializer,
        responses={200: TaskSerializer, **error_responses(400, 403, 404, 409)},
    )
    def post(self, request: Request, task_id: int) -> Response:
        user = self.user
        task_get_for_user(user=user, task_id=task_id)
        data = TaskCompleteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.task_complete(
            task_id=task_id,
            user=user,
            transition=data.validated_data["transition"],
            comment=data.validated_data["comment"],
            outcome=data.validated_data["outcome"],
            context=AuditContext.from_request(request),
        )
        task = task_page_queryset(CaseTask.objects.filter(pk=task_id)).get()
        return Response(TaskSerializer(task, context={"request": request}).data)


class StaffLeaveView(BaseApi):
    @extend_schema(
        tags=["staff"],
        operation_id="staff_leave",
        summary="A member of staff leaves the school: end their memberships, hand over their work",
        description=(
            "For the school's principal, vice principals and administrators. Ends every membership "
            "of the person at the school and, in the same transaction, hands their open cases (with "
            "the cases' open tasks), their other open tasks and their places on visits not yet "
            "recorded to `handover_to`, an active teacher of the school; their classes of this year "
            "are left without a class teacher. From then on the person sees nothing of the school. "
            "404: a school or person you cannot see; 403: not your role, or your own leaving; "
            "409 `not_member`: the person no longer works at the school."
        ),
        request=StaffLeaveSerializer,
        responses={200: LeavingSerializer, **error_responses(400, 403, 404, 409)},
    )
    def post(self, request: Request, user_id: int) -> Response:
        data = StaffLeaveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        leaving = staff_leave(
            user_id=user_id,
            school_id=data.validated_data["school"],
            handover_to_id=data.validated_data["handover_to"],
            actor=self.user,
            reason=data.validated_data["reason"],
            context=AuditContext.from_request(request),
        )
        return Response(LeavingSerializer(leaving).data)

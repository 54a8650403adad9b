"""The case flow: one viewflow task per case state (see docs/workflows.md).

The graph mirrors casework's state machine through one Switch (``route``) that reads
``case.state`` after every task: the flow never stores the state itself. Tasks are completed
only by ``workflows.services.case_tasks_sync``, which runs on the ``case_transitioned`` signal
that ``casework.services.case_transition`` sends inside its transaction
(``workflows.receivers``), so a transition made on the case page, the task page or the API ends
the same way.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.activation import Activation
from viewflow.workflow.lock import select_for_update_lock

from casework.models import State
from workflows.models import CaseProcess, CaseTask, TaskKind, TaskQueue


def _unmounted_view(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    """Viewflow's own task views are not mounted; tasks are worked at /workflows/tasks/<id>/."""
    raise Http404


def _case_owner(activation: Activation) -> Any:
    return activation.process.case.owner


def _state_is(state: str) -> Any:
    def condition(activation: Activation) -> bool:
        return bool(activation.process.case.state == state)

    return condition


def _task(kind: str, *, owner: bool = True, queue: str = TaskQueue.NONE) -> Any:
    node: Any = flow.View(_unmounted_view)
    node.Annotation(title=str(kind).replace("_", " "))
    node.task_title = dict(TaskKind.choices)[kind]  # lazy: translated when shown
    if owner:
        node.Assign(_case_owner)
    node.wanjia_queue = queue  # read by CaseTask.save: which role queue shows the task
    return node.Next(this.route)


class CaseFlow(flow.Flow):
    process_class = CaseProcess
    task_class = CaseTask
    lock_impl = select_for_update_lock
    process_title: Any = _("Case support")

    start = flow.StartHandle(this.start_process).Next(this.route)

    route = (
        flow.Switch()
        .Case(this.draft_plan, _state_is(State.IDENTIFIED))
        .Case(this.submit_plan, _state_is(State.PLANNING))
        .Case(this.approve_plan, _state_is(State.AWAITING_APPROVAL))
        .Case(this.schedule_visit, _state_is(State.INTERVENTION))
        .Case(this.record_visit, _state_is(State.HOME_VISIT))
        .Case(this.review, _state_is(State.REVIEW))
        .Default(this.end)
    )

    draft_plan = _task(TaskKind.DRAFT_PLAN)
    submit_plan = _task(TaskKind.SUBMIT_PLAN)
    approve_plan = _task(TaskKind.APPROVE_PLAN, owner=False, queue=TaskQueue.LEADERS)
    schedule_visit = _task(TaskKind.SCHEDULE_VISIT)
    record_visit = _task(TaskKind.RECORD_VISIT)
    review = _task(TaskKind.REVIEW, queue=TaskQueue.LEADERS)

    end = flow.End()

    def start_process(self, activation: Activation, case: Any) -> CaseProcess:
        activation.process.case = case
        process: CaseProcess = activation.process
        return process

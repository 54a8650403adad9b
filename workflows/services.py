"""Writes on case processes and tasks. Every one runs inside a transaction, under viewflow's
``select_for_update_lock`` on the process row, and goes through viewflow's activations."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.status import PROCESS, STATUS

from audit.services import AuditContext, audit_record
from casework import access, rules
from casework.models import Case, State
from casework.services import case_transition
from core.errors import Conflict, Forbidden, Invalid, NotFound
from schools.models import Membership
from workflows.flows import CaseFlow
from workflows.models import OPEN_STATUSES, CaseProcess, CaseTask, TaskQueue
from workflows.notify import case_handed_over_notify
from workflows.selectors import queue_is_single, task_get_for_user

if TYPE_CHECKING:
    from accounts.models import User


def _open_process(case: Case) -> CaseProcess | None:
    return CaseProcess.objects.filter(case=case, status=PROCESS.NEW).order_by("-id").first()


def _open_tasks(process: CaseProcess) -> list[CaseTask]:
    return list(
        CaseTask.objects.filter(process=process, flow_task_type="HUMAN", status__in=OPEN_STATUSES).order_by(
            "id"
        )
    )


def case_process_start(*, case: Case) -> CaseProcess:
    """Start the case's flow; its first task is the one for the case's current state."""
    process: CaseProcess = CaseFlow.start.run(case=case)
    return process


def case_tasks_sync(*, case: Case, actor: User, transition: str) -> CaseTask | None:
    """Complete the open task of the state the case has just left and open the next one.

    Runs on ``casework.signals.case_transitioned`` (``workflows.receivers``), which
    ``casework.services.case_transition`` sends inside its transaction, after the transition and
    its audit event, before commit. The completed task records the actor as its owner. A case
    with no running process (a reopened case, or one from before the flow) gets a new one.
    Returns the newly opened task (None once the case is closed).
    """
    try:
        process = _open_process(case)
        tasks = _open_tasks(process) if process is not None else []
        if process is not None and not tasks:
            # A running process without a task (interrupted by hand): end it, start afresh below.
            with CaseFlow.lock(process.pk):
                process.status = PROCESS.CANCELED
                process.save(update_fields=["status"])
            process = None
        if process is None:
            case_process_start(case=case)
        for task in tasks:
            with task.activation() as activation:
                if activation.task.status == STATUS.NEW:
                    activation.assign(actor)
                elif activation.task.owner_id != actor.pk:
                    activation.reassign(user=actor)
                if activation.task.status == STATUS.ASSIGNED:
                    activation.start(None)
                activation.task.data = {**activation.task.data, "transition": transition}
                activation.execute()
    except FlowLockFailed as exc:
        raise Conflict(_("Someone else changed this case at the same time."), code="concurrent") from exc
    return case_current_task(case=case)


def case_current_task(*, case: Case) -> CaseTask | None:
    return (
        CaseTask.objects.filter(case=case, flow_task_type="HUMAN", status__in=OPEN_STATUSES)
        .order_by("-id")
        .first()
    )


def case_tasks_ensure(*, case: Case) -> bool:
    """Give a case the process and task its state calls for, if it has none (idempotent).

    Returns True when something was created.
    """
    with transaction.atomic():
        case = Case.objects.select_for_update(of=("self",)).get(pk=case.pk)
        if case.state == State.CLOSED:
            if CaseProcess.objects.filter(case=case).exists():
                return False
        elif case_current_task(case=case) is not None:
            return False
        process = _open_process(case)
        if process is not None:
            # A running process without a task for the state: end it and start afresh.
            with CaseFlow.lock(process.pk):
                process.status = PROCESS.CANCELED
                process.save(update_fields=["status"])
        case_process_start(case=case)
        return True


def task_claim(*, task_id: int, user: User, context: AuditContext | None = None) -> CaseTask:
    """A school leader takes an unclaimed task from the leaders' queue."""
    with transaction.atomic():
        task = task_get_for_user(user=user, task_id=task_id)
        try:
            return _claim_locked(task=task, user=user, context=context)
        except FlowLockFailed as exc:
            raise Conflict(_("Someone else changed this task at the same time."), code="concurrent") from exc


def task_auto_claim(*, case: Case, user: User, context: AuditContext | None = None) -> CaseTask | None:
    """The leader opening a plan's approval takes its queue task when nobody else could: they
    are the only leader of the school who may approve it (a shared queue keeps its one-click
    claim). Atomic, under viewflow's lock on the process row; does nothing otherwise."""
    task = case_current_task(case=case)
    if task is None or task.queue != TaskQueue.LEADERS or task.owner_id is not None:
        return None
    if not queue_is_single(task=task, user=user) or not rules.is_not_plan_author(case, user):
        return None  # others share the queue, or four eyes: the plan's author never takes it
    with transaction.atomic():
        try:
            with CaseFlow.lock(task.process_id):
                task.refresh_from_db()
                if task.status != STATUS.NEW or task.owner_id is not None:
                    return None  # taken meanwhile: nothing to do
                task = _assign(task=task, user=user, context=context, auto=True)
        except FlowLockFailed:
            return None  # someone else is on it right now; opening the page must not fail
    return task


def _claim_locked(*, task: CaseTask, user: User, context: AuditContext | None) -> CaseTask:
    """Claim under viewflow's lock on the process row (re-read after locking)."""
    with CaseFlow.lock(task.process_id):
        task.refresh_from_db()
        if task.queue != TaskQueue.LEADERS or access.LEADER not in access.case_roles(task.case, user):
            raise Forbidden(_("Only a leader of the school may claim this task."))
        if task.status != STATUS.NEW or task.owner_id is not None:
            raise Conflict(_("This task is no longer waiting to be claimed."), code="task_taken")
        return _assign(task=task, user=user, context=context)


def _assign(*, task: CaseTask, user: User, context: AuditContext | None, auto: bool = False) -> CaseTask:
    """Give the waiting task to ``user`` (under the caller's process lock) and audit the claim."""
    with task.activation() as activation:
        activation.assign(user)
        task = activation.task
    detail: dict[str, Any] = {"task": task.pk, "kind": task.kind, "owner": user.pk}
    if auto:
        detail["auto"] = True
    audit_record(
        action="task.claimed",
        actor=user,
        target=task,
        case_id=task.case_id,
        school_id=task.school_id,
        detail=detail,
        context=context,
    )
    return task


def task_complete(
    *,
    task_id: int,
    user: User,
    transition: str,
    comment: str = "",
    outcome: str = "",
    context: AuditContext | None = None,
) -> Case:
    """Do a task: fire one of its case's transitions through ``case_transition``."""
    with transaction.atomic():
        task = task_get_for_user(user=user, task_id=task_id)
        if not task.is_open:
            raise Conflict(_("This task is already done."), code="task_done")
        return case_transition(
            case_id=task.case_id,
            user=user,
            name=transition,
            comment=comment,
            outcome=outcome,
            context=context,
        )


def check_new_holder(*, school_id: int, new_owner: User, field: str = "new_owner") -> None:
    """400 unless ``new_owner`` is an active teacher of the school: who may take over a case, its
    tasks and visits (a handover here, a member of staff leaving in ``workflows.staff``)."""
    if (
        not Membership.objects.filter(
            user=new_owner, school_id=school_id, role=Membership.Role.TEACHER, is_active=True
        ).exists()
        or not new_owner.is_active
    ):
        raise Invalid(
            _("The new paired teacher must be an active teacher of the school."),
            errors={field: [_("Choose an active teacher of this school.")]},
        )


def case_reassign(
    *,
    case_id: int,
    new_owner: User,
    actor: User,
    reason: str,
    context: AuditContext | None = None,
) -> Case:
    """A principal hands a case and its open tasks over to another teacher of the school."""
    reason = (reason or "").strip()
    with transaction.atomic():
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("pupil", "pupil__classroom", "school", "owner")
            .filter(pk=case_id)
            .first()
        )
        if case is None or not access.case_roles(case, actor):
            raise NotFound(_("No such case."), refusal=access.case_refusal(case) if case else None)
        if access.LEADER not in access.case_roles(case, actor):
            raise Forbidden(_("Only the school's principal may reassign cases."))
        if not reason:
            raise Invalid(
                _("Give a reason for the handover."), errors={"reason": [_("This field is required.")]}
            )
        check_new_holder(school_id=case.school_id, new_owner=new_owner)
        if case.owner_id == new_owner.pk:
            raise Conflict(_("This teacher already holds the case."), code="same_owner")
        case_hand_over(case=case, new_owner=new_owner, actor=actor, reason=reason, context=context)
    return case


def task_hand_over(*, task: CaseTask, new_owner: User) -> None:
    """Give an open task to ``new_owner``: an assigned one through the flow, a started one as it is."""
    with task.activation() as activation:
        if activation.task.status == STATUS.ASSIGNED:
            activation.reassign(user=new_owner)
        else:  # started but not finished: hand it over as it is
            activation.task.owner = new_owner
            activation.task.save(update_fields=["owner"])


def case_hand_over(
    *, case: Case, new_owner: User, actor: User, reason: str, context: AuditContext | None = None
) -> list[int]:
    """The write of a handover, for a case locked by the caller and a new owner it has checked
    (``check_new_holder``): the owner and their open tasks of the case move, one
    ``case.reassigned`` event is written. Returns the ids of the tasks moved."""
    with transaction.atomic():
        old_owner_id = case.owner_id
        case.owner = new_owner
        case.save(update_fields=["owner", "updated_at"])
        access.forget_roles(case)
        moved = []
        tasks = CaseTask.objects.filter(
            case=case, owner_id=old_owner_id, status__in=(STATUS.ASSIGNED, STATUS.STARTED)
        ).order_by("id")
        for task in tasks:
            task_hand_over(task=task, new_owner=new_owner)
            moved.append(task.pk)
        audited = audit_record(
            action="case.reassigned",
            actor=actor,
            target=case,
            case_id=case.pk,
            school_id=case.school_id,
            detail={"old_owner": old_owner_id, "new_owner": new_owner.pk, "reason": reason, "tasks": moved},
            context=context,
        )
        case_handed_over_notify(case=case, new_owner=new_owner, actor=actor, event_id=audited.pk)
    return moved


def cases_reassign(
    *,
    from_user: User,
    to_user: User,
    school_id: int,
    actor: User,
    reason: str,
    context: AuditContext | None = None,
) -> list[Case]:
    """Hand over every case ``from_user`` holds in the school (all or nothing)."""
    with transaction.atomic():
        if not Membership.objects.filter(
            user=actor,
            school_id=school_id,
            role__in=(Membership.Role.PRINCIPAL, Membership.Role.VICE_PRINCIPAL),
            is_active=True,
        ).exists():
            raise Forbidden(_("Only the school's principal may reassign cases."))
        ids = list(
            Case.objects.filter(owner=from_user, school_id=school_id)
            .order_by("id")
            .values_list("id", flat=True)
        )
        return [
            case_reassign(case_id=pk, new_owner=to_user, actor=actor, reason=reason, context=context)
            for pk in ids
        ]

"""The flow follows the case: receivers of ``casework.signals``, connected in
``WorkflowsConfig.ready()`` (docs/workflows.md, docs/decisions/0003-case-events.md).

They run inside the case service's transaction; whatever they raise rolls the case change back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from casework.models import BreakGlassAccess, Case
from casework.signals import case_opened, case_transitioned, notes_break_glass_opened, plan_approval_opened
from workflows.notify import case_transition_notify
from workflows.reminders import break_glass_notify
from workflows.services import case_process_start, case_tasks_sync, task_auto_claim

if TYPE_CHECKING:
    from accounts.models import User

# The receivers' dispatch_uids; workflows.checks looks them up.
PROCESS_START_UID = "workflows.case_process_start"
TASKS_SYNC_UID = "workflows.case_tasks_sync"
BREAK_GLASS_UID = "workflows.break_glass_notify"
AUTO_CLAIM_UID = "workflows.task_auto_claim"
TRANSITION_NOTIFY_UID = "workflows.case_transition_notify"


def auto_claim_on_plan_approval_opened(sender: type[Case], *, case: Case, actor: User, **kwargs: Any) -> None:
    """The only leader who may approve the plan opened it: the task is theirs, no claim step."""
    task_auto_claim(case=case, user=actor)


def start_process_on_case_opened(sender: type[Case], *, case: Case, **kwargs: Any) -> None:
    """A new case gets its process, with the task of its first state."""
    case_process_start(case=case)


def sync_tasks_on_case_transitioned(
    sender: type[Case], *, case: Case, actor: User, transition: str, **kwargs: Any
) -> None:
    """Complete the task of the state the case left and open the next one."""
    case_tasks_sync(case=case, actor=actor, transition=transition)


def notify_on_case_transitioned(
    sender: type[Case], *, case: Case, actor: User, transition: str, **kwargs: Any
) -> None:
    """Tell whoever must act next (plan submitted, returned, approved); connected after the task
    sync, so the notification opens the new task."""
    case_transition_notify(case=case, actor=actor, transition=transition)


def notify_on_break_glass_opened(
    sender: type[Case],
    *,
    case: Case,
    access: BreakGlassAccess,
    actor: User,
    recipients: list[User],
    **kwargs: Any,
) -> None:
    """An in-app notification for everyone casework told by e-mail (docs/break-glass.md)."""
    break_glass_notify(access=access, actor=actor, recipients=recipients)


# (signal, receiver, dispatch_uid): what connect() wires and what the system check requires.
RECEIVERS = (
    (case_opened, start_process_on_case_opened, PROCESS_START_UID),
    (case_transitioned, sync_tasks_on_case_transitioned, TASKS_SYNC_UID),
    (case_transitioned, notify_on_case_transitioned, TRANSITION_NOTIFY_UID),
    (notes_break_glass_opened, notify_on_break_glass_opened, BREAK_GLASS_UID),
    (plan_approval_opened, auto_claim_on_plan_approval_opened, AUTO_CLAIM_UID),
)


def connect() -> None:
    """Idempotent: the dispatch_uids keep a second call from connecting twice."""
    for signal, receiver, uid in RECEIVERS:
        signal.connect(receiver, sender=Case, dispatch_uid=uid)

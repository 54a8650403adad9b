"""A member of staff leaves a school (docs/people.md, "Leaving").

``staff_leave`` ends the person's memberships at the school and hands their open work there to a
colleague, all in one transaction: their open cases (with the cases' open tasks, through
``case_hand_over``, one ``case.reassigned`` event each), the other open tasks they hold there,
their places on visits not yet recorded, and the classes they lead this year. One ``staff.left``
event records the whole. From the commit on, every access rule (``casework.access`` and the
apps' own) finds no active membership and shows them nothing of the school; when it was their
last position anywhere, they are signed out everywhere (sessions and API tokens).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from viewflow.workflow.status import STATUS

from accounts.models import User
from accounts.services import user_sign_out_everywhere
from audit.services import AuditContext, audit_record
from casework.models import Case, State, VisitParticipant
from core.errors import Conflict, Forbidden, Invalid, NotFound
from drafts.services import draft_discard_all
from schools.models import BureauMembership, Classroom, Membership, School
from workflows.models import CaseTask, TaskQueue
from workflows.selectors import leaving_school_for_user
from workflows.services import case_hand_over, check_new_holder, task_hand_over

if TYPE_CHECKING:
    from collections.abc import Iterable


@dataclass(frozen=True)
class Leaving:
    """What ``staff_leave`` did (the API answers with it)."""

    leaver: User
    school: School
    handover_to: User | None
    left_on: datetime.date
    roles: list[str]  # the memberships ended
    cases: list[int]  # open cases handed over
    tasks: list[int]  # open tasks handed over (with their case, or to their case's owner)
    tasks_released: list[int]  # leaders' queue tasks put back in the queue
    visits: list[int]  # visits not yet recorded whose place passed to the colleague
    classes: list[int]  # classes left without a class teacher
    signed_out: bool  # their last position: sessions and tokens ended


def _open_cases(leaver: User, school: School) -> list[Case]:
    return list(
        Case.objects.select_for_update(of=("self",))
        .filter(owner=leaver, school=school)
        .exclude(state=State.CLOSED)
        .order_by("id")
    )


def _held_tasks(leaver: User, school: School) -> list[CaseTask]:
    return list(
        CaseTask.objects.filter(
            owner=leaver,
            school=school,
            flow_task_type="HUMAN",
            status__in=(STATUS.ASSIGNED, STATUS.STARTED),
        )
        .select_related("case", "case__owner")
        .order_by("id")
    )


def _open_places(leaver: User, school: School) -> list[VisitParticipant]:
    return list(
        VisitParticipant.objects.select_for_update(of=("self",))
        .filter(user=leaver, visit__school=school, visit__visited_at__isnull=True)
        .order_by("visit_id")
    )


def _classes_led(leaver: User, school: School, today: datetime.date) -> list[Classroom]:
    """The classes of this and coming years: past years keep their class teacher as history."""
    return list(
        Classroom.objects.select_for_update(of=("self",))
        .filter(school=school, class_teacher=leaver, academic_year__ends_on__gte=today)
        .order_by("id")
    )


def _handover_to(*, handover_to_id: int | None, leaver: User, school: School, needed: bool) -> User | None:
    """The colleague who takes over: required when there is work to hand over; an active teacher
    of the school (the rule of ``case_reassign``) and not the person leaving."""
    if handover_to_id is None:
        if needed:
            raise Invalid(
                _("Choose the colleague who takes over the open work."),
                errors={"handover_to": [_("This field is required.")]},
            )
        return None
    if handover_to_id == leaver.pk:
        raise Invalid(
            _("The person leaving cannot take over their own work."),
            errors={"handover_to": [_("Choose a colleague other than the person leaving.")]},
        )
    colleague = User.objects.filter(pk=handover_to_id).first()
    if colleague is None:
        raise Invalid(
            _("The new paired teacher must be an active teacher of the school."),
            errors={"handover_to": [_("Choose an active teacher of this school.")]},
        )
    check_new_holder(school_id=school.pk, new_owner=colleague, field="handover_to")
    return colleague


def _release_or_pass(task: CaseTask) -> bool:
    """A task the leaver holds on a case they do not own: a leaders' queue task goes back to the
    queue (True), any other goes to the case's paired teacher, as the flow assigns it (False)."""
    Case.objects.select_for_update(of=("self",)).filter(pk=task.case_id).first()
    if task.queue != TaskQueue.LEADERS:
        task_hand_over(task=task, new_owner=task.case.owner)
        return False
    with task.activation() as activation:
        if activation.task.status == STATUS.ASSIGNED:
            activation.unassign()
        else:  # started but not finished: back in the queue as it is
            activation.task.owner = None
            activation.task.status = STATUS.NEW
            activation.task.save(update_fields=["owner", "status"])
    return True


def _pass_places(places: Iterable[VisitParticipant], colleague: User) -> list[int]:
    visits = []
    for place in places:
        if VisitParticipant.objects.filter(visit_id=place.visit_id, user=colleague).exists():
            place.delete()  # the colleague already goes: one participant fewer
        else:
            place.user = colleague
            place.save(update_fields=["user"])
        visits.append(place.visit_id)
    return visits


def staff_leave(
    *,
    user_id: int,
    school_id: int,
    handover_to_id: int | None,
    actor: User,
    reason: str = "",
    context: AuditContext | None = None,
) -> Leaving:
    """End ``user_id``'s memberships at the school and hand their open work there to
    ``handover_to_id`` (all or nothing). The actor is a principal, vice principal or school
    administrator of the school. 404 for a school or person the actor cannot see, 403 for a
    wrong role or one's own leaving, 409 when the person no longer works there, 400 for a
    colleague who cannot take over."""
    reason = (reason or "").strip() or _("Left the school")
    today = timezone.localdate()
    with transaction.atomic():
        school = leaving_school_for_user(user=actor, school_id=school_id)
        leaver = User.objects.filter(pk=user_id, memberships__school=school).distinct().first()
        if leaver is None:
            raise NotFound(_("No such member of staff."))
        if leaver.pk == actor.pk:
            raise Forbidden(_("Another leader of the school records your own leaving."))
        # Lock both people's memberships at the school, in one order: two leavings naming each
        # other as the colleague wait for one another instead of deadlocking.
        locked = list(
            Membership.objects.select_for_update()
            .filter(school=school, user_id__in=[leaver.pk, handover_to_id or leaver.pk])
            .order_by("pk")
        )
        ending = [m for m in locked if m.user_id == leaver.pk and m.is_active]
        if not ending:
            raise Conflict(_("This person no longer works at the school."), code="not_member")

        # What the leaver typed and did not save may be about the school's pupils.
        draft_discard_all(user_id=leaver.pk)
        cases = _open_cases(leaver, school)
        places = _open_places(leaver, school)
        classes = _classes_led(leaver, school, today)
        colleague = _handover_to(
            handover_to_id=handover_to_id,
            leaver=leaver,
            school=school,
            # Tasks held on other people's cases go to the queue or to the case's paired teacher.
            needed=bool(cases or places),
        )

        moved: list[int] = []
        for case in cases:
            assert colleague is not None
            moved += case_hand_over(
                case=case, new_owner=colleague, actor=actor, reason=reason, context=context
            )
        released: list[int] = []
        # Read after the cases moved, with their tasks: what is left is on other people's cases.
        for task in _held_tasks(leaver, school):
            (released if _release_or_pass(task) else moved).append(task.pk)
        visits = _pass_places(places, colleague) if colleague is not None else []
        Classroom.objects.filter(pk__in=[c.pk for c in classes]).update(class_teacher=None)
        for membership in ending:
            membership.is_active = False
            membership.left_on = today
            membership.save(update_fields=["is_active", "left_on"])

        signed_out = not (
            Membership.objects.filter(user=leaver, is_active=True).exists()
            or BureauMembership.objects.filter(user=leaver, is_active=True).exists()
        )
        if signed_out:
            user_sign_out_everywhere(user=leaver)
        leaving = Leaving(
            leaver=leaver,
            school=school,
            handover_to=colleague,
            left_on=today,
            roles=sorted(m.role for m in ending),
            cases=[c.pk for c in cases],
            tasks=sorted(moved),
            tasks_released=sorted(released),
            visits=sorted(set(visits)),
            classes=[c.pk for c in classes],
            signed_out=signed_out,
        )
        audit_record(
            action="staff.left",
            actor=actor,
            target=leaver,
            school_id=school.pk,
            detail={
                "roles": leaving.roles,
                "left_on": today.isoformat(),
                "handover_to": colleague.pk if colleague is not None else None,
                "reason": reason,
                "cases": leaving.cases,
                "tasks": leaving.tasks,
                "tasks_released": leaving.tasks_released,
                "visits": leaving.visits,
                "classes": leaving.classes,
                "signed_out": signed_out,
                "counts": {
                    "cases": len(leaving.cases),
                    "tasks": len(leaving.tasks),
                    "tasks_released": len(leaving.tasks_released),
                    "visits": len(leaving.visits),
                    "classes": len(leaving.classes),
                },
            },
            context=context,
        )
    return leaving

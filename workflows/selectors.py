"""Reads of tasks that depend on who is asking."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import BigIntegerField, Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from casework import access
from casework.models import Case, CaseUserObjectPermission, HomeVisit, State, VisitParticipant
from casework.selectors import case_work, case_work_done, inspects_school, plan_return_notes
from casework.transitions import TRANSITIONS
from core.errors import Forbidden, NotFound, Refusal
from schools.models import BureauMembership, Classroom, Membership, School
from schools.staff import STAFF_ADMIN_ROLES, school_list_for_staff_admin
from workflows.models import OPEN_STATUSES, CaseTask, Notification, NotificationKind, TaskKind, TaskQueue

LEADERS = (Membership.Role.PRINCIPAL, Membership.Role.VICE_PRINCIPAL)


def task_inbox_for_user(*, user: User | AnonymousUser) -> QuerySet[CaseTask]:
    """The user's open tasks: their own, their school's leaders' queue (principals and vice
    principals) and, for counsellors, the review of the psychological cases they are granted on.

    Sorted by due date. Nobody sees another school's tasks.
    """
    if not user.is_authenticated or not user.is_active:
        return CaseTask.objects.none()
    memberships = list(Membership.objects.filter(user=user, is_active=True).values_list("school_id", "role"))
    # One's own tasks only at the schools where one still works (docs/people.md).
    member_schools = sorted({school for school, _role in memberships})
    leader_schools = sorted({school for school, role in memberships if role in LEADERS})
    counsellor_schools = sorted(
        {school for school, role in memberships if role == Membership.Role.COUNSELLOR}
    )
    condition = Q(pk__in=[])
    if member_schools:
        condition |= Q(owner_id=user.pk, school_id__in=member_schools)
    if leader_schools:
        condition |= Q(queue=TaskQueue.LEADERS, school_id__in=leader_schools)
    if counsellor_schools:
        granted = CaseUserObjectPermission.objects.filter(
            user_id=user.pk, permission__codename=access.NOTES_PERMISSION
        ).values("content_object_id")
        condition |= Q(kind=TaskKind.REVIEW, school_id__in=counsellor_schools, case_id__in=granted)
    return CaseTask.objects.filter(condition, flow_task_type="HUMAN", status__in=OPEN_STATUSES).order_by(
        "due_on", "id"
    )


def task_page_queryset(queryset: QuerySet[CaseTask]) -> QuerySet[CaseTask]:
    """What a page of tasks shows, in one query."""
    return queryset.select_related("case", "case__pupil", "school", "owner")


def task_rows(ids: Iterable[int]) -> list[CaseTask]:
    """The tasks of one page, in the order of ``ids``, with what the page shows (one query).

    Pages are cut on ids first (``inbox.values_list("id", flat=True)``): with the joins in the
    same query PostgreSQL scans the whole task table for a principal's queue instead of
    combining the two inbox indexes (see docs/workflows.md, "Speed").
    """
    ids = list(ids)
    rows = {task.pk: task for task in task_page_queryset(CaseTask.objects.filter(pk__in=ids))}
    return [rows[pk] for pk in ids if pk in rows]


@dataclass(frozen=True)
class InboxCounts:
    total: int
    overdue: int
    soon: int


def task_inbox_counts(*, user: User | AnonymousUser) -> InboxCounts:
    """Open, overdue and due-within-a-week task counts for the home page (one query)."""
    today = timezone.localdate()
    counts = (
        task_inbox_for_user(user=user)
        .order_by()
        .aggregate(
            total=Count("id"),
            overdue=Count("id", filter=Q(due_on__lt=today)),
            soon=Count(
                "id",
                filter=Q(
                    due_on__gte=today,
                    due_on__lte=today + datetime.timedelta(days=settings.WANJIA_REMINDER_UPCOMING_DAYS),
                ),
            ),
        )
    )
    return InboxCounts(counts["total"] or 0, counts["overdue"] or 0, counts["soon"] or 0)


def task_get_for_user(*, user: User | AnonymousUser, task_id: int) -> CaseTask:
    """A task of a case the user may see (any status), else NotFound."""
    task = (
        CaseTask.objects.filter(pk=task_id, flow_task_type="HUMAN")
        .select_related(
            "case", "case__pupil", "case__pupil__classroom", "case__school", "case__owner", "owner"
        )
        .first()
    )
    if task is None or not access.case_roles(task.case, user):
        refusal = None
        if task is not None:
            case = task.case
            refusal = Refusal(target=task, school_id=case.school_id, case_id=case.pk, pupil_id=case.pupil_id)
        raise NotFound(_("No such task."), code="not_found", refusal=refusal)
    return task


def task_due_flag(task: CaseTask, today: datetime.date | None = None) -> str:
    """ "overdue", "soon" (within a week) or ""."""
    if task.due_on is None:
        return ""
    today = today or timezone.localdate()
    if task.due_on < today:
        return "overdue"
    if task.due_on <= today + datetime.timedelta(days=settings.WANJIA_REMINDER_UPCOMING_DAYS):
        return "soon"
    return ""


# --- from a task to its work (the inbox, the task page, the task API, the case page) -------------

# Which case state each task of the flow stands for (workflows.flows.CaseFlow.route).
KIND_STATE: dict[str, str] = {
    TaskKind.DRAFT_PLAN: State.IDENTIFIED,
    TaskKind.SUBMIT_PLAN: State.PLANNING,
    TaskKind.APPROVE_PLAN: State.AWAITING_APPROVAL,
    TaskKind.SCHEDULE_VISIT: State.INTERVENTION,
    TaskKind.RECORD_VISIT: State.HOME_VISIT,
    TaskKind.REVIEW: State.REVIEW,
}
# The tasks done by the case's workers (its owner or the pupil's class teacher).
WORKER_KINDS = (
    TaskKind.DRAFT_PLAN,
    TaskKind.SUBMIT_PLAN,
    TaskKind.SCHEDULE_VISIT,
    TaskKind.RECORD_VISIT,
    TaskKind.REVIEW,
)


@dataclass(frozen=True)
class TaskAction:
    """What to do for a task, in words, and the page to open.

    ``url`` is what a link to the task opens; ``work_url`` is the page where the work is done.
    They differ only for a task waiting in a queue shared by several leaders (``claim``): the
    link opens the task page, whose one "take it" button continues to ``work_url``.
    """

    label: str
    url: str
    help: str = ""
    claim: bool = False
    work_url: str = ""


def leader_counts(*, school_ids: Iterable[int]) -> dict[int, int]:
    """How many people lead each school (principal or vice principal): one query."""
    rows = (
        Membership.objects.filter(school_id__in=set(school_ids), role__in=LEADERS, is_active=True)
        .values("school_id")
        .annotate(people=Count("user_id", distinct=True))
        .order_by()
    )
    return {row["school_id"]: row["people"] for row in rows}


def queue_is_single(*, task: CaseTask, user: User | AnonymousUser) -> bool:
    """The queue task can be taken by nobody but ``user``: they are the school's only leader."""
    if not user.is_authenticated or task.queue != TaskQueue.LEADERS:
        return False
    leaders = set(
        Membership.objects.filter(school_id=task.school_id, role__in=LEADERS, is_active=True).values_list(
            "user_id", flat=True
        )
    )
    return leaders == {user.pk}


def task_action(
    task: CaseTask,
    user: User | AnonymousUser,
    *,
    shared_queue: bool | None = None,
    returned: bool = False,
    roles: frozenset[str] | None = None,
    next_url: str = "",
    done: bool | None = None,
) -> TaskAction | None:
    """The work of an open task for ``user``: the one mapping from the flow's tasks to the pages
    where they are done (casework.selectors.case_work): the plan form, the approval page, the
    appointment form, the visit record form, the case page's review. None for a closed task.

    Without ``roles`` the user's part is read from the task as an inbox has it (their own task,
    or a leaders' queue task), with no query; ``shared_queue`` None asks the database whether
    other leaders could take an unclaimed queue task. ``next_url`` is where the work page sends
    the user back once the work is saved. ``done`` says whether the form of a visit task is
    already filled in (an appointment made, a visit recorded: ``case_work_done``; None reads it):
    the task page's button is then the work, never the form again.
    """
    if not task.is_open:
        return None
    case = task.case
    if roles is None:
        worker = task.owner_id == user.pk and task.kind in WORKER_KINDS
        # A leaders' queue task the user may take, or a review (held by the owner, closed by a leader).
        leader = task.queue == TaskQueue.LEADERS and (
            task.owner_id in (None, user.pk) or task.kind == TaskKind.REVIEW
        )
    else:
        worker = bool(roles & access.WORKERS)
        leader = access.LEADER in roles
    step = case_work(
        case=case,
        state=KIND_STATE.get(task.kind),
        worker=worker,
        leader=leader,
        returned=returned,
        next_url=next_url,
    )
    if step is None:
        url = reverse("casework:case_detail", args=[case.pk])
        return TaskAction(label=str(_("Open the case")), url=url, work_url=url)
    if worker and task.kind in DONE_BUTTONS and (case_work_done(case=case) if done is None else done):
        url = reverse("workflows:task_detail", args=[task.pk])
        return TaskAction(label=str(TRANSITIONS[DONE_BUTTONS[task.kind]].label), url=url, work_url=url)
    if task.queue == TaskQueue.LEADERS and task.owner_id is None and leader:
        if shared_queue is None:
            shared_queue = not queue_is_single(task=task, user=user)
        if shared_queue:
            return TaskAction(
                label=step.label,
                url=reverse("workflows:task_detail", args=[task.pk]),
                help=str(_("Other leaders share this queue: take the task so that they know you are on it.")),
                claim=True,
                work_url=step.url,
            )
    return TaskAction(label=step.label, url=step.url, help=step.help, work_url=step.url)


# A visit task whose form is filled in: its work is then this step's button (on the task page).
DONE_BUTTONS: dict[str, str] = {
    TaskKind.SCHEDULE_VISIT: "schedule_home_visit",
    TaskKind.RECORD_VISIT: "complete_home_visit",
}


def visit_work_done(tasks: Iterable[CaseTask]) -> set[int]:
    """The ids of the visit tasks among ``tasks`` whose form is filled in (``case_work_done`` for
    a page of tasks, in one query): an open appointment for "schedule", the current visit
    recorded with the pledge for "record"."""
    scheduling = [t.case_id for t in tasks if t.kind == TaskKind.SCHEDULE_VISIT]
    recording = [t.case.current_visit_id for t in tasks if t.kind == TaskKind.RECORD_VISIT]
    if not scheduling and not any(recording):
        return set()
    visits = HomeVisit.objects.filter(
        Q(case_id__in=scheduling, visited_at__isnull=True, scheduled_for__isnull=False)
        | Q(pk__in=[pk for pk in recording if pk], visited_at__isnull=False, no_gifts_pledge=True)
    ).values_list("pk", "case_id", "visited_at")
    appointed = {case_id for _pk, case_id, visited_at in visits if visited_at is None}
    recorded = {pk for pk, _case_id, visited_at in visits if visited_at is not None}
    return {
        t.pk
        for t in tasks
        if (t.kind == TaskKind.SCHEDULE_VISIT and t.case_id in appointed)
        or (t.kind == TaskKind.RECORD_VISIT and t.case.current_visit_id in recorded)
    }


def task_actions(
    tasks: Iterable[CaseTask],
    user: User | AnonymousUser,
    *,
    next_url: str = "",
    returned: Mapping[int, object] | None = None,
) -> dict[int, TaskAction | None]:
    """``task_action`` for a page of tasks, in a fixed number of queries whatever its length:
    the schools' leader counts and the plans sent back are read once for the page."""
    tasks = list(tasks)
    counts = leader_counts(school_ids=[t.school_id for t in tasks if t.queue == TaskQueue.LEADERS])
    done = visit_work_done(tasks)
    if returned is None:
        returned = plan_return_notes(case_ids=[t.case_id for t in tasks if t.kind == TaskKind.SUBMIT_PLAN])
    return {
        task.pk: task_action(
            task,
            user,
            shared_queue=counts.get(task.school_id, 0) > 1,
            returned=task.case_id in returned,
            next_url=next_url,
            done=task.pk in done,
        )
        for task in tasks
    }


def reassign_schools_for_user(*, user: User | AnonymousUser) -> list[int]:
    """The schools whose cases the user may hand over (as principal or vice principal)."""
    if not user.is_authenticated or not user.is_active:
        return []
    return list(
        Membership.objects.filter(user=user, is_active=True, role__in=LEADERS)
        .order_by("school_id")
        .values_list("school_id", flat=True)
    )


def case_holders_for_school(*, school_id: int) -> QuerySet[User]:
    """Everyone who holds a case of the school (teachers who left included), with their count."""
    return (
        User.objects.filter(owned_cases__school_id=school_id)
        .annotate(case_count=Count("owned_cases", filter=Q(owned_cases__school_id=school_id)))
        .order_by("full_name", "username")
    )


def active_teachers_of_school(*, school_id: int) -> QuerySet[User]:
    return User.objects.filter(
        is_active=True,
        memberships__school_id=school_id,
        memberships__role=Membership.Role.TEACHER,
        memberships__is_active=True,
    ).order_by("full_name", "username")


def _at_member_schools(user: User) -> Q:
    """Notifications about tasks or events of the schools where the user still works
    (docs/people.md), and task-less ones (an emergency access to a case's notes) about a case of such a school or, for
    an inspector, of their bureau. A user's notifications are few: the EXISTS is cheap."""
    schools = Membership.objects.filter(user=user, is_active=True).values("school_id")
    bureaus = BureauMembership.objects.filter(
        user=user, is_active=True, role=BureauMembership.Role.INSPECTOR
    ).values("bureau_id")
    case_id = Cast(KeyTextTransform("case", OuterRef("params")), BigIntegerField())
    about_a_case_of_theirs = Exists(
        Case.objects.filter(pk=case_id).filter(Q(school_id__in=schools) | Q(school__bureau_id__in=bureaus))
    )
    return (
        Q(task__school_id__in=schools)
        | Q(task__isnull=True, school_id__in=schools)
        | (
            Q(task__isnull=True, school__isnull=True, kind=NotificationKind.BREAK_GLASS)
            & Q(about_a_case_of_theirs)
        )
    )


def notifications_for_user(*, user: User) -> QuerySet[Notification]:
    """The user's own notifications, newest first; nobody sees anyone else's, and nobody those
    of a school they have left."""
    return Notification.objects.filter(_at_member_schools(user), user=user).order_by("-created_at", "-id")


def notification_get_for_user(*, user: User, notification_id: int) -> Notification:
    try:
        return notifications_for_user(user=user).get(pk=notification_id)
    except Notification.DoesNotExist as exc:
        raise NotFound(_("No such notification."), code="not_found") from exc


def notifications_unread_for_user(*, user: User) -> QuerySet[Notification]:
    """The user's unread notifications (the notification_user_unread index)."""
    return Notification.objects.filter(_at_member_schools(user), user=user, read_at__isnull=True)


def notifications_unread_count(*, user: User) -> int:
    """One indexed count (notification_user_unread)."""
    return notifications_unread_for_user(user=user).count()


# --- a member of staff leaving (workflows.staff, docs/people.md) -----------------------------------

# Who records that someone leaves the school: those who manage its staff (schools.staff).
LEAVING_MANAGERS = STAFF_ADMIN_ROLES


def leaving_school_ids_for_user(*, user: User | AnonymousUser) -> list[int]:
    """The schools where the user records leavings: those whose staff they manage."""
    if not user.is_authenticated or not user.is_active:
        return []
    return list(school_list_for_staff_admin(user=user).values_list("id", flat=True).order_by("id"))


def leaving_school_for_user(*, user: User | AnonymousUser, school_id: int) -> School:
    """A school where the user records leavings: 404 for a school they cannot see (they neither
    work there nor inspect its bureau), 403 for one they see in another role."""
    school = School.objects.filter(pk=school_id).first()
    if school is None or not user.is_authenticated or not user.is_active:
        raise NotFound(_("No such school."))
    roles = set(
        Membership.objects.filter(user=user, school=school, is_active=True).values_list("role", flat=True)
    )
    if not roles & set(LEAVING_MANAGERS):
        if not roles and not inspects_school(user=user, school=school):
            raise NotFound(_("No such school."))
        raise Forbidden(
            _("Only the school's principal, vice principals and administrators record that someone leaves.")
        )
    return school


def staff_for_leaving(*, school_id: int) -> QuerySet[User]:
    """The school's active staff, each with their roles there (``school_roles``) and the open
    cases they hold there (``open_cases``): who may be recorded as leaving."""
    return (
        User.objects.filter(memberships__school_id=school_id, memberships__is_active=True)
        .annotate(
            open_cases=Count(
                "owned_cases",
                filter=Q(owned_cases__school_id=school_id) & ~Q(owned_cases__state=State.CLOSED),
                distinct=True,
            )
        )
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(school_id=school_id, is_active=True).order_by("role"),
                to_attr="school_roles",
            )
        )
        .order_by("full_name", "username")
        .distinct()
    )


def staff_member_for_leaving(*, school_id: int, user_id: int) -> User:
    """An active member of the school's staff (404 for anyone else, those who left included)."""
    person = staff_for_leaving(school_id=school_id).filter(pk=user_id).first()
    if person is None:
        raise NotFound(_("No such member of staff."))
    return person


@dataclass(frozen=True)
class LeavingWork:
    """What a person leaving would hand over (the leaving page shows it before they confirm)."""

    cases: int
    tasks: int
    visits: int
    classes: int


def leaving_work(*, user: User, school_id: int) -> LeavingWork:
    today = timezone.localdate()
    return LeavingWork(
        cases=Case.objects.filter(owner=user, school_id=school_id).exclude(state=State.CLOSED).count(),
        tasks=CaseTask.objects.filter(
            owner=user, school_id=school_id, flow_task_type="HUMAN", status__in=OPEN_STATUSES
        ).count(),
        visits=VisitParticipant.objects.filter(
            user=user, visit__school_id=school_id, visit__visited_at__isnull=True
        ).count(),
        classes=Classroom.objects.filter(
            school_id=school_id, class_teacher=user, academic_year__ends_on__gte=today
        ).count(),
    )

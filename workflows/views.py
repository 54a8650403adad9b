"""Task pages (/workflows/...): the inbox and one task. Thin views over workflows.selectors and
the services; a task's transition goes through casework.services.case_transition."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from audit.services import AuditContext
from casework import access
from casework.forms import TransitionForm
from casework.models import Case, ClosureOutcome
from casework.selectors import available_transitions, case_work_done, plan_return_note, plan_return_notes
from casework.transitions import TRANSITIONS
from core.errors import Conflict, Forbidden, Invalid
from core.forms import run_service
from core.http import AuthenticatedHttpRequest, next_url
from schools.models import School
from workflows import services
from workflows.forms import LeaveForm, NotificationPreferenceForm, ReassignForm
from workflows.models import CaseTask, TaskKind, TaskQueue
from workflows.notify import notification_link, notification_preference_update, preference_for
from workflows.reminders import notification_mark_read, notification_text, notifications_mark_all_read
from workflows.selectors import (
    active_teachers_of_school,
    case_holders_for_school,
    leaving_school_for_user,
    leaving_school_ids_for_user,
    leaving_work,
    notification_get_for_user,
    notifications_for_user,
    notifications_unread_count,
    reassign_schools_for_user,
    staff_for_leaving,
    staff_member_for_leaving,
    task_action,
    task_actions,
    task_due_flag,
    task_get_for_user,
    task_inbox_for_user,
    task_rows,
)
from workflows.services import case_reassign, cases_reassign
from workflows.staff import staff_leave as staff_leave_service

TASKS_PER_PAGE = 50


@login_required
@require_safe
def inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    ids = task_inbox_for_user(user=request.user).values_list("id", flat=True)
    page = Paginator(ids, TASKS_PER_PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    tasks = task_rows(page.object_list)
    # The work pages send the user back here, to this page of the inbox, once the work is saved.
    returned = plan_return_notes(case_ids=[t.case_id for t in tasks if t.kind == TaskKind.SUBMIT_PLAN])
    actions = task_actions(tasks, request.user, next_url=request.get_full_path(), returned=returned)
    rows = [
        (task, task_due_flag(task, today), actions.get(task.pk), returned.get(task.case_id)) for task in tasks
    ]
    return render(request, "workflows/inbox.html", {"page": page, "rows": rows})


def _task_response(
    request: AuthenticatedHttpRequest, task: CaseTask, *, error: str = "", status: int = 200
) -> HttpResponse:
    case = task.case
    roles = access.case_roles(case, request.user)
    transitions = available_transitions(case=case, user=request.user) if task.is_open else []
    returned = plan_return_note(case=case) if task.kind == TaskKind.SUBMIT_PLAN else None
    done = case_work_done(case=case)
    action = task_action(
        task, request.user, roles=roles, returned=returned is not None, next_url=next_url(request), done=done
    )
    can_claim = (
        task.is_open and task.owner_id is None and task.queue == TaskQueue.LEADERS and access.LEADER in roles
    )
    if task.kind == TaskKind.APPROVE_PLAN and action is not None and action.work_url:
        # Decided on the approval page, with the plan in view, never blind from here.
        transitions = []
    if action is not None and transitions and done:
        # The form's work is done (an appointment made, a visit recorded): the next step is the
        # button below, as on the case page, not the form again.
        action = None
    return render(
        request,
        "workflows/task_detail.html",
        {
            "task": task,
            "case": case,
            "transitions": transitions,
            "action": action,
            "returned": returned,
            "can_claim": can_claim,
            "outcomes": ClosureOutcome.choices,
            "due": task_due_flag(task),
            "error": error,
        },
        status=status,
    )


@login_required
@require_safe
def task_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _task_response(request, task_get_for_user(user=request.user, task_id=pk))


@login_required
@require_POST
def task_complete(request: AuthenticatedHttpRequest, pk: int, name: str) -> HttpResponse:
    task = task_get_for_user(user=request.user, task_id=pk)
    if name not in TRANSITIONS:
        raise Http404
    form = TransitionForm(request.POST)
    form.is_valid()
    try:
        case = services.task_complete(
            task_id=task.pk,
            user=request.user,
            transition=name,
            comment=form.cleaned_data.get("comment", ""),
            outcome=form.cleaned_data.get("outcome", ""),
            context=AuditContext.from_request(request),
        )
    except (Conflict, Invalid) as exc:
        return _task_response(request, task, error=exc.message, status=exc.status)
    messages.success(request, _("Done: %(step)s.") % {"step": TRANSITIONS[name].label})
    next_task = services.case_current_task(case=case)
    if next_task is not None and task_inbox_for_user(user=request.user).filter(pk=next_task.pk).exists():
        return redirect("workflows:task_detail", pk=next_task.pk)
    return redirect("workflows:inbox")


@login_required
@require_POST
def task_claim(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    task = task_get_for_user(user=request.user, task_id=pk)
    try:
        services.task_claim(task_id=task.pk, user=request.user, context=AuditContext.from_request(request))
    except Conflict as exc:
        return _task_response(request, task, error=exc.message, status=exc.status)
    messages.success(request, _("The task is yours."))
    # One click: taking the task continues to its work (the form's ``next``), else to the task.
    return redirect(next_url(request, reverse("workflows:task_detail", args=[pk])))


@login_required
@require_http_methods(["GET", "POST"])
def reassign(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Principals: pick a teacher, see their cases, hand one or all over to another teacher."""
    schools = reassign_schools_for_user(user=request.user)
    if not schools:
        raise Forbidden(_("Only a school's principal may reassign cases."))
    try:
        school_id = int(request.GET.get("school") or schools[0])
        holder_id = int(request.GET["teacher"]) if request.GET.get("teacher") else None
    except ValueError as exc:
        raise Http404 from exc
    if school_id not in schools:
        raise Http404
    holders = list(case_holders_for_school(school_id=school_id))
    holder = next((h for h in holders if h.pk == holder_id), None)
    if holder_id is not None and holder is None:
        raise Http404
    teachers = active_teachers_of_school(school_id=school_id)
    form = ReassignForm(request.POST or None, teachers=teachers)
    status = 200
    if request.method == "POST":
        if holder is None:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["case"]:
                    if not Case.objects.filter(pk=data["case"], owner=holder, school_id=school_id).exists():
                        raise Http404
                    case_reassign(
                        case_id=data["case"],
                        new_owner=data["new_owner"],
                        actor=request.user,
                        reason=data["reason"],
                        context=AuditContext.from_request(request),
                    )
                    count = 1
                else:
                    count = len(
                        cases_reassign(
                            from_user=holder,
                            to_user=data["new_owner"],
                            school_id=school_id,
                            actor=request.user,
                            reason=data["reason"],
                            context=AuditContext.from_request(request),
                        )
                    )
            except (Invalid, Conflict) as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                messages.success(request, _("%(count)d case(s) handed over.") % {"count": count})
                return redirect(f"{request.path}?school={school_id}&teacher={holder.pk}")
        else:
            status = 400
    cases = (
        Case.objects.filter(owner=holder, school_id=school_id).select_related("pupil").order_by("state", "id")
        if holder is not None
        else Case.objects.none()
    )
    return render(
        request,
        "workflows/reassign.html",
        {
            "school_id": school_id,
            "schools": schools,
            "holders": holders,
            "holder": holder,
            "cases": cases,
            "form": form,
            "can_record_leaving": school_id in leaving_school_ids_for_user(user=request.user),
        },
        status=status,
    )


# --- a member of staff leaving (docs/people.md) --------------------------------------------------


@login_required
@require_safe
def leaving(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Principals, vice principals, school administrators: the school's staff, each with a link
    to record that they leave."""
    schools = leaving_school_ids_for_user(user=request.user)
    if not schools:
        raise Forbidden(
            _("Only the school's principal, vice principals and administrators record that someone leaves.")
        )
    try:
        school_id = int(request.GET.get("school") or schools[0])
    except ValueError as exc:
        raise Http404 from exc
    school = leaving_school_for_user(user=request.user, school_id=school_id)
    return render(
        request,
        "workflows/leaving.html",
        {
            "school": school,
            "schools": School.objects.filter(pk__in=schools).order_by("code"),
            "staff": staff_for_leaving(school_id=school.pk),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_leave(request: AuthenticatedHttpRequest, school_id: int, user_id: int) -> HttpResponse:
    """Record that one member of staff leaves: pick the colleague who takes over, confirm."""
    school = leaving_school_for_user(user=request.user, school_id=school_id)
    person = staff_member_for_leaving(school_id=school.pk, user_id=user_id)
    teachers = active_teachers_of_school(school_id=school.pk).exclude(pk=person.pk)
    form = LeaveForm(request.POST or None, teachers=teachers)
    status = 200
    if request.method == "POST":
        done, status = run_service(
            form,
            lambda data: staff_leave_service(
                user_id=person.pk,
                school_id=school.pk,
                handover_to_id=data["handover_to"].pk if data.get("handover_to") else None,
                actor=request.user,
                reason=data.get("reason", ""),
                context=AuditContext.from_request(request),
            ),
        )
        if done is not None:
            messages.success(
                request,
                _(
                    "%(name)s has left %(school)s: %(cases)d case(s), %(tasks)d task(s) and "
                    "%(visits)d visit(s) handed over."
                )
                % {
                    "name": person.get_full_name(),
                    "school": school.name,
                    "cases": len(done.cases),
                    "tasks": len(done.tasks),
                    "visits": len(done.visits),
                },
            )
            return redirect(f"{reverse('workflows:leaving')}?school={school.pk}")
    return render(
        request,
        "workflows/staff_leave.html",
        {
            "school": school,
            "person": person,
            "work": leaving_work(user=person, school_id=school.pk),
            "form": form,
        },
        status=status,
    )


NOTIFICATIONS_PER_PAGE = 50


@login_required
@require_safe
def notifications(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The user's own notifications, newest first, each with a way to the work."""
    page = Paginator(notifications_for_user(user=request.user), NOTIFICATIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    rows = [(note, notification_text(note)) for note in page.object_list]
    return render(
        request,
        "workflows/notifications.html",
        {"page": page, "rows": rows, "unread": notifications_unread_count(user=request.user)},
    )


@login_required
@require_POST
def notification_read(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    note = notification_get_for_user(user=request.user, notification_id=pk)
    notification_mark_read(notification=note)
    return redirect("workflows:notifications")


@login_required
@require_POST
def notification_open(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Open the work a notification is about; opening marks it read."""
    note = notification_get_for_user(user=request.user, notification_id=pk)
    notification_mark_read(notification=note)
    target = notification_link(note)
    if not url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        target = reverse("workflows:notifications")
    return redirect(target)


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    """How the user wants to be told: e-mail, a daily digest, a WeCom or DingTalk group robot."""
    pref = preference_for(request.user)
    initial = {
        "email": pref.email,
        "digest": pref.digest,
        "webhook_format": pref.webhook_format,
        "webhook_url": pref.webhook_url,
    }
    form = NotificationPreferenceForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        done, status = run_service(
            form,
            lambda data: notification_preference_update(
                user=request.user,
                email=data.get("email", False),
                digest=data.get("digest", False),
                webhook_format=data.get("webhook_format", ""),
                webhook_url=data.get("webhook_url", ""),
            ),
        )
        if done is not None:
            messages.success(request, _("Your notification settings are saved."))
            return redirect("workflows:notification_settings")
    return render(request, "workflows/notification_settings.html", {"form": form}, status=status)


@login_required
@require_POST
def notifications_read_all(request: AuthenticatedHttpRequest) -> HttpResponse:
    count = notifications_mark_all_read(user=request.user)
    messages.success(request, _("%(count)d notifications marked as read.") % {"count": count})
    return redirect("workflows:notifications")

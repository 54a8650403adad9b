"""Case pages: thin views over casework.selectors, casework.services and casework.notes.

Errors of the case layer map to responses in one place: NotFound → 404, Forbidden →
the 403 page (``core.middleware``); Invalid → errors on the form's fields and Conflict → the
message on the page with status 409, each handled where the form is, so that nothing typed is lost.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.models import User
from audit.services import AuditContext, audit_view
from casework import access, notes, rules, services
from casework.forms import (
    BreakGlassFilterForm,
    BreakGlassForm,
    BreakGlassReviewForm,
    CaseFilterForm,
    CaseOpenForm,
    CounsellorForm,
    NoteForm,
    PlanDecisionForm,
    PlanForm,
    TransitionForm,
    VisitRecordForm,
    VisitScheduleForm,
)
from casework.models import Case, ClosureOutcome, State
from casework.selectors import (
    available_transitions,
    break_glass_for_case,
    break_glass_list_for_user,
    bureaus_inspected_by,
    case_get_for_user,
    case_list_for_user,
    case_list_page_queryset,
    case_work_for_user,
    counsellor_list_for_case,
    plan_return_note,
    plan_review,
)
from casework.signals import plan_approval_opened
from casework.timeline import case_timeline
from casework.transitions import TRANSITIONS
from core.errors import Conflict, Forbidden, Invalid
from core.forms import add_service_errors, form_service_status
from core.http import AuthenticatedHttpRequest, next_url
from drafts.keys import draft_key
from drafts.services import draft_discard
from schools.selectors import pupil_get_for_user, school_list_for_user, user_roles

CASES_PER_PAGE = 25

# The lifecycle in its usual order, for the progress indicator.
LIFECYCLE = [
    State.IDENTIFIED,
    State.PLANNING,
    State.AWAITING_APPROVAL,
    State.INTERVENTION,
    State.HOME_VISIT,
    State.REVIEW,
    State.CLOSED,
]
PLAN_STATES = (State.IDENTIFIED, State.PLANNING)


def _to_case(case_id: int) -> HttpResponse:
    return redirect("casework:case_detail", pk=case_id)


# --- the list ----------------------------------------------------------------------------------


def _filtered(cases: QuerySet[Case], filters: dict[str, Any], user: User) -> QuerySet[Case]:
    if filters.get("state"):
        cases = cases.filter(state=filters["state"])
    if filters.get("category"):
        cases = cases.filter(categories__category=filters["category"])  # unique per case: no duplicates
    if filters.get("school"):
        cases = cases.filter(school=filters["school"])
    if filters.get("mine"):
        cases = cases.filter(owner=user)
    if filters.get("q"):
        cases = cases.filter(pupil__name__icontains=filters["q"].strip())
    return cases


@login_required
@require_safe
def case_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = CaseFilterForm(request.GET, schools=school_list_for_user(user=request.user).order_by("code"))
    form.is_valid()  # an invalid filter is reported and left out; the valid ones still apply
    cases = _filtered(case_list_for_user(user=request.user), form.cleaned_data, request.user)
    page = Paginator(case_list_page_queryset(cases), CASES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "casework/case_list.html",
        {"form": form, "page": page, "several_schools": "school" in form.fields},
    )


# --- opening a case ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def case_open(request: AuthenticatedHttpRequest) -> HttpResponse:
    try:
        pupil_id = int(request.GET.get("pupil", ""))
    except ValueError as exc:
        raise Http404 from exc
    pupil = pupil_get_for_user(user=request.user, pupil_id=pupil_id)
    if pupil.school_id not in user_roles(user=request.user).school_ids():
        raise Forbidden(_("Only the staff of the pupil's school may open a case."))
    if request.method == "POST":
        form = CaseOpenForm(request.POST)
        if form.is_valid():
            try:
                case = services.case_open(
                    user=request.user,
                    pupil_id=pupil.pk,
                    categories=form.cleaned_data["categories"],
                    summary=form.cleaned_data["summary"],
                    risk_level=form.cleaned_data["risk_level"],
                    context=AuditContext.from_request(request),
                )
            except Invalid as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The case is open."))
                return _to_case(case.pk)
    else:
        form = CaseOpenForm()
    return render(request, "casework/case_open.html", {"form": form, "pupil": pupil})


# --- the case page -----------------------------------------------------------------------------


@dataclass
class TransitionFailure:
    """A refused transition, shown again on the page with what the user typed."""

    name: str
    message: str
    comment: str
    outcome: str = ""
    errors: dict[str, list[str]] | None = None


def _detail_response(
    request: AuthenticatedHttpRequest,
    case: Case,
    *,
    failure: TransitionFailure | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    roles = access.case_roles(case, user)
    can_work = bool(roles & access.WORKERS)
    is_leader = access.LEADER in roles
    transitions = available_transitions(case=case, user=user)
    current = LIFECYCLE.index(State(case.state))
    steps = [
        {"code": state.value, "label": state.label, "done": i < current, "current": i == current}
        for i, state in enumerate(LIFECYCLE)
    ]
    plan = case.plans.select_related("author").order_by("-version").first()
    visits = list(case.visits.select_related("scheduled_by", "recorded_by").order_by("scheduled_for", "id"))
    context = {
        "case": case,
        "pupil": case.pupil,
        "outcomes": ClosureOutcome.choices,
        "steps": steps,
        "transitions": transitions,
        "failure": failure,
        "failure_shown": failure is not None and any(t.name == failure.name for t in transitions),
        "plan": plan,
        "visits": visits,
        "timeline": case_timeline(case),
        "work": case_work_for_user(case=case, user=user),
        "returned": plan_return_note(case=case),
        "can_write_plan": can_work and case.state in PLAN_STATES,
        "can_write_visits": can_work and case.state != State.CLOSED,
        "can_read_notes": bool(roles & {access.NOTES, access.BREAK_GLASS}),
        "break_glass": _break_glass_context(case, user, roles),
        "counsellors": list(counsellor_list_for_case(case=case)) if is_leader else None,
        "read_only": not (can_work or is_leader),
        "can_read_audit": bool(roles & {access.LEADER, access.INSPECTOR}),
    }
    return render(request, "casework/case_detail.html", context, status=status)


@login_required
@require_safe
def case_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = case_get_for_user(user=request.user, case_id=pk)
    audit_view(actor=request.user, case=case, context=AuditContext.from_request(request))
    return _detail_response(request, case)


@login_required
@require_POST
def case_transition(request: AuthenticatedHttpRequest, pk: int, name: str) -> HttpResponse:
    form = TransitionForm(request.POST)
    form.is_valid()
    comment = form.cleaned_data.get("comment", "")
    outcome = form.cleaned_data.get("outcome", "")
    try:
        services.case_transition(
            case_id=pk,
            user=request.user,
            name=name,
            comment=comment,
            outcome=outcome,
            context=AuditContext.from_request(request),
        )
    except (Conflict, Invalid) as exc:
        case = case_get_for_user(user=request.user, case_id=pk)
        failure = TransitionFailure(
            name=name,
            message=exc.message,
            comment=comment,
            outcome=outcome,
            errors=exc.errors if isinstance(exc, Invalid) else None,
        )
        return _detail_response(request, case, failure=failure, status=exc.status)
    messages.success(request, _("Done: %(step)s.") % {"step": TRANSITIONS[name].label})
    return _to_case(pk)


# --- plans and visits --------------------------------------------------------------------------


def _save(
    request: AuthenticatedHttpRequest,
    form: forms.Form,
    save: Callable[[dict[str, Any]], str],
    *,
    case_id: int,
) -> HttpResponse | int:
    """Run one service on a valid form: a redirect back where the user came from (``next``, a
    path on this site) or to the case when it worked, else the status to re-render the form
    with (its errors on the fields, nothing typed lost)."""
    done: list[str] = []
    status = form_service_status(form, lambda data: done.append(save(data)))
    if status is not None:
        return status
    messages.success(request, done[0])
    return redirect(next_url(request, reverse("casework:case_detail", args=[case_id])))


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = case_get_for_user(user=request.user, case_id=pk)
    rules.require_case_worker(case, request.user)
    latest = case.latest_plan()
    status = 200
    if request.method == "POST":
        form = PlanForm(request.POST)
        submit = request.POST.get("action") == "submit"

        def save(data: dict[str, Any]) -> str:
            context = AuditContext.from_request(request)
            if submit:
                plan = services.plan_submit(case_id=case.pk, user=request.user, context=context, **data)
                draft_discard(user=request.user, key=draft_key("plan", case.pk))
                return _("Plan version %(version)s sent to the principal for approval.") % {
                    "version": plan.version
                }
            plan = services.plan_create(case_id=case.pk, user=request.user, context=context, **data)
            draft_discard(user=request.user, key=draft_key("plan", case.pk))
            return _("Plan version %(version)s saved.") % {"version": plan.version}

        outcome = _save(request, form, save, case_id=case.pk)
        if not isinstance(outcome, int):
            return outcome
        status = outcome
    else:
        initial = {}
        if latest is not None:
            initial = {name: getattr(latest, name) for name in PlanForm.base_fields}
        form = PlanForm(initial=initial)
    return render(
        request,
        "casework/plan_form.html",
        {
            "case": case,
            "form": form,
            "latest": latest,
            "returned": plan_return_note(case=case),
            "can_submit": case.state in PLAN_STATES,
            "next": next_url(request),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_approval(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The principal decides on the plan with the facts: the plan, what changed since the last
    submitted version, the pupil's situation and the case's history (never the notes)."""
    case = case_get_for_user(user=request.user, case_id=pk)
    if not rules.is_school_leader(case, request.user):
        raise Forbidden(_("Only the school's principal or a vice principal decides on plans."))
    status = 200
    decided = ""
    form = PlanDecisionForm(request.POST or None)
    if request.method == "POST":
        decided = str(request.POST.get("decision", ""))

        def decide(data: dict[str, Any]) -> None:
            approve = data["decision"] == PlanDecisionForm.APPROVE
            services.case_transition(
                case_id=case.pk,
                user=request.user,
                name="approve_plan" if approve else "return_plan",
                comment=data.get("reason", "") if not approve else "",
                context=AuditContext.from_request(request),
            )

        result = form_service_status(form, decide, invalid_status=400)
        if result is None:
            approved = form.cleaned_data["decision"] == PlanDecisionForm.APPROVE
            messages.success(
                request,
                _("The plan is approved.") if approved else _("The plan is returned to the paired teacher."),
            )
            return redirect(next_url(request, reverse("casework:case_detail", args=[case.pk])))
        status = result
        case = case_get_for_user(user=request.user, case_id=pk)
    else:
        audit_view(actor=request.user, case=case, context=AuditContext.from_request(request))
        if case.state == State.AWAITING_APPROVAL:
            plan_approval_opened.send(sender=Case, case=case, actor=request.user)
    awaiting = case.state == State.AWAITING_APPROVAL
    context = {
        "case": case,
        "pupil": case.pupil,
        "review": plan_review(case=case),
        "timeline": case_timeline(case),
        "form": form,
        "decided": decided,
        "awaiting": awaiting,
        "own_plan": awaiting and not rules.is_not_plan_author(case, request.user),
        "next": next_url(request),
    }
    return render(request, "casework/plan_approval.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def visit_schedule(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = case_get_for_user(user=request.user, case_id=pk)
    rules.require_case_worker(case, request.user)
    status = 200
    if request.method == "POST":
        form = VisitScheduleForm(request.POST, pupil=case.pupil)

        def save(data: dict[str, Any]) -> str:
            # Who agreed is required here as on a visit's page: the visit names its 预约对象.
            services.visit_schedule(
                case_id=case.pk,
                user=request.user,
                kind=data["kind"],
                appointment_note=data.get("note", ""),
                require_who=True,
                context=AuditContext.from_request(request),
                **form.service_arguments(),
            )
            return _("The appointment is saved.")

        outcome = _save(request, form, save, case_id=case.pk)
        if not isinstance(outcome, int):
            return outcome
        status = outcome
    else:
        form = VisitScheduleForm(pupil=case.pupil)
    return render(
        request,
        "casework/visit_schedule.html",
        {"case": case, "form": form, "next": next_url(request)},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def visit_record(request: AuthenticatedHttpRequest, pk: int, visit_id: int) -> HttpResponse:
    case = case_get_for_user(user=request.user, case_id=pk)
    visit = case.visits.filter(pk=visit_id).first()
    if visit is None:
        raise Http404
    rules.require_case_worker(case, request.user)
    status = 200
    if request.method == "POST":
        form = VisitRecordForm(request.POST)

        def save(data: dict[str, Any]) -> str:
            services.visit_record(
                case_id=case.pk,
                visit_id=visit.pk,
                user=request.user,
                data=data,
                context=AuditContext.from_request(request),
            )
            draft_discard(user=request.user, key=draft_key("case-visit-record", visit.pk))
            return _("The visit record is saved.")

        outcome = _save(request, form, save, case_id=case.pk)
        if not isinstance(outcome, int):
            return outcome
        status = outcome
    else:
        form = VisitRecordForm(initial=VisitRecordForm.initial_for(visit))
    return render(
        request,
        "casework/visit_record.html",
        {"case": case, "visit": visit, "form": form, "next": next_url(request)},
        status=status,
    )


# --- confidential notes and who may read them ---------------------------------------------------


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def case_notes(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The confidential notes. ``casework.notes`` decides who gets in, and audits every attempt."""
    context = AuditContext.from_request(request)
    if request.method == "POST":
        form = NoteForm(request.POST)
        form.is_valid()
        try:
            notes.note_create(
                case_id=pk, user=request.user, content=form.cleaned_data.get("content", ""), context=context
            )
        except Invalid as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The note is saved."))
            return redirect("casework:case_notes", pk=pk)
    else:
        form = NoteForm()
    note_list = notes.note_list(case_id=pk, user=request.user, context=context)
    case = case_get_for_user(user=request.user, case_id=pk)
    can_write = access.NOTES in access.case_roles(case, request.user)
    return render(
        request,
        "casework/case_notes.html",
        {
            "case": case,
            "notes": note_list,
            "form": form if can_write else None,
            "emergency": None if can_write else notes.break_glass_active(case=case, user=request.user),
            "emergency_accesses": list(break_glass_for_case(case=case)),
        },
    )


def _counsellor_change(request: AuthenticatedHttpRequest, pk: int, *, grant: bool) -> HttpResponse:
    case = case_get_for_user(user=request.user, case_id=pk)
    if not rules.is_school_leader(case, request.user):
        raise Forbidden(_("Only the principal or a vice principal may grant or revoke access."))
    form = CounsellorForm(request.POST, case=case)
    if not form.is_valid():
        messages.error(request, _("Choose a counsellor of this school."))
        return _to_case(case.pk)
    counsellor = form.cleaned_data["counsellor"]
    change = services.counsellor_grant if grant else services.counsellor_revoke
    try:
        change(
            case_id=case.pk,
            user=request.user,
            counsellor_id=counsellor.pk,
            context=AuditContext.from_request(request),
        )
    except Invalid as exc:
        messages.error(request, exc.message)
    else:
        if grant:
            message = _("%(name)s may now read and write the confidential notes.")
        else:
            message = _("%(name)s may no longer read the confidential notes.")
        messages.success(request, message % {"name": counsellor.get_full_name()})
    return _to_case(case.pk)


@login_required
@require_POST
def counsellor_grant(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _counsellor_change(request, pk, grant=True)


@login_required
@require_POST
def counsellor_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _counsellor_change(request, pk, grant=False)


# --- break-glass: emergency access to the notes (docs/break-glass.md) ---------------------------

BREAK_GLASS_PER_PAGE = 25


def _break_glass_context(case: Case, user: User, roles: frozenset[str]) -> dict[str, Any]:
    """What the case page offers a leader or inspector: the button, or their open access."""
    eligible = bool(roles & access.BREAK_GLASS_ELIGIBLE) and access.NOTES not in roles
    active = notes.break_glass_active(case=case, user=user) if access.BREAK_GLASS in roles else None
    return {"eligible": eligible, "active": active}


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def break_glass_open(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The warning, the reason, then the notes. On POST the service comes first: it decides who
    may, and audits every refused attempt, before the reason is judged."""
    status = 200
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST":
        form.is_valid()
        try:
            services.break_glass_open(
                case_id=pk,
                user=request.user,
                reason=str(form.data.get("reason", "")),
                context=AuditContext.from_request(request),
            )
        except Invalid as exc:
            if not form.errors:
                add_service_errors(form, exc)
            status = 400
        except Conflict as exc:
            form.add_error(None, exc.message)
            status = 409
        else:
            messages.warning(request, _("Emergency access is open. Every read is recorded."))
            return redirect("casework:case_notes", pk=pk)
    case = case_get_for_user(user=request.user, case_id=pk)
    roles = access.case_roles(case, request.user)
    if status == 200 and (access.NOTES in roles or access.BREAK_GLASS in roles):
        return redirect("casework:case_notes", pk=case.pk)
    if not roles & access.BREAK_GLASS_ELIGIBLE:
        raise Forbidden(
            _(
                "Only the school's principal or vice principals and the bureau's inspectors may open "
                "the notes in an emergency."
            )
        )
    context = {"case": case, "form": form, "minutes": services.breakglass.break_glass_minutes()}
    return render(request, "casework/break_glass_open.html", context, status=status)


def _reviewed_filter(value: str | None) -> bool | None:
    return {"no": False, "yes": True, "all": None}.get(value or "no", False)


@login_required
@never_cache
@require_safe
def break_glass_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Inspectors review emergency accesses of their bureau's schools here; principals and vice
    principals see those of their schools. Everyone else: 404."""
    form = BreakGlassFilterForm(request.GET or None)
    reviewed = _reviewed_filter(form.cleaned_data.get("reviewed") if form.is_valid() else None)
    accesses = break_glass_list_for_user(user=request.user, reviewed=reviewed)
    page = Paginator(accesses, BREAK_GLASS_PER_PAGE).get_page(request.GET.get("page"))
    inspected = bureaus_inspected_by(user=request.user)
    rows = [
        {
            "access": item,
            "active": item.is_active(),
            "can_review": item.reviewed_at is None
            and item.case.school.bureau_id in inspected
            and item.user_id != request.user.pk,
        }
        for item in page.object_list
    ]
    context = {"page": page, "rows": rows, "form": form, "review_form": BreakGlassReviewForm()}
    return render(request, "casework/break_glass_list.html", context)


@login_required
@require_POST
def break_glass_review(request: AuthenticatedHttpRequest, access_id: int) -> HttpResponse:
    form = BreakGlassReviewForm(request.POST)
    comment = form.cleaned_data.get("comment", "") if form.is_valid() else ""
    try:
        services.break_glass_review(
            access_id=access_id,
            user=request.user,
            comment=comment,
            context=AuditContext.from_request(request),
        )
    except (Invalid, Conflict) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Marked as reviewed."))
    return redirect("casework:break_glass_list")

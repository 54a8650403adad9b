"""Home-visit pages (/visits/...): thin views over casework.selectors and casework.services.

Phone-first: teachers fill the appointment and the record on their phone during the visit.
NotFound → 404, Forbidden → the 403 page (``core.middleware``); a service's refusal
shows on the form with what was typed (``form_service_status``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_safe

from audit.services import AuditContext, audit_view
from casework import access, services
from casework.forms import AppointmentForm, CaseOpenForm
from casework.models import HomeVisit, VisitParticipant, stage_q
from casework.selectors import (
    visit_get_for_user,
    visit_get_for_write,
    visit_gift_reports_for_user,
    visit_list_for_user,
    visit_list_page_queryset,
    visit_plan_get_for_user,
    visit_plan_list_for_user,
    visit_planner_school_ids,
)
from casework.visit_forms import (
    FollowUpForm,
    GiftReportForm,
    PlanAssignForm,
    RecordForm,
    VisitCreateForm,
    VisitFilterForm,
    VisitPlanForm,
)
from core.errors import Forbidden
from core.forms import form_service_status
from core.http import AuthenticatedHttpRequest
from drafts.keys import draft_key
from drafts.services import draft_discard
from schools.models import Pupil, School
from schools.selectors import pupil_get_for_user, school_staff, user_roles

VISITS_PER_PAGE = 25
PLANS_PER_PAGE = 25


def _to_visit(visit_id: int) -> HttpResponse:
    return redirect("visits:visit_detail", pk=visit_id)


# --- my visits -----------------------------------------------------------------------------------


@login_required
@require_safe
def visit_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = VisitFilterForm(request.GET)
    form.is_valid()  # an invalid filter is reported and left out
    data = form.cleaned_data
    visits = visit_list_for_user(user=request.user)
    if data.get("scope", "mine") in ("", "mine"):
        visits = visits.filter(id__in=VisitParticipant.objects.filter(user=request.user).values("visit_id"))
    if data.get("stage"):
        visits = visits.filter(stage_q(data["stage"]))
    if data.get("kind"):
        visits = visits.filter(kind=data["kind"])
    if data.get("q"):
        visits = visits.filter(pupil__name__icontains=data["q"].strip())
    ordered = visit_list_page_queryset(visits).order_by("visited_at", "scheduled_for", "-id")
    page = Paginator(ordered, VISITS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "casework/visits/visit_list.html", {"form": form, "page": page})


# --- planning one visit (包人) -----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def visit_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    try:
        pupil_id = int(request.GET.get("pupil", ""))
    except ValueError as exc:
        raise Http404 from exc
    pupil = pupil_get_for_user(user=request.user, pupil_id=pupil_id)
    if pupil.school_id not in user_roles(user=request.user).school_ids():
        raise Forbidden(_("Only the staff of the pupil's school may plan its visits."))
    staff = (
        school_staff(school_id=pupil.school_id)
        if pupil.school_id in visit_planner_school_ids(user=request.user)
        else None
    )
    status = 200
    if request.method == "POST":
        form = VisitCreateForm(request.POST, staff=staff)
        created: list[HomeVisit] = []

        def save(data: dict[str, Any]) -> None:
            created.append(
                services.visit_create(
                    user=request.user,
                    pupil_id=pupil.pk,
                    kind=data["kind"],
                    participant_ids=[u.pk for u in data.get("participants", [])],
                    context=AuditContext.from_request(request),
                )
            )

        outcome = form_service_status(form, save)
        if outcome is None:
            messages.success(request, _("The visit is planned. Agree an appointment with the guardians."))
            return _to_visit(created[0].pk)
        status = outcome
    else:
        form = VisitCreateForm(staff=staff)
    return render(request, "casework/visits/visit_create.html", {"form": form, "pupil": pupil}, status=status)


# --- one visit -----------------------------------------------------------------------------------


@login_required
@require_safe
def visit_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    visit = visit_get_for_user(user=request.user, visit_id=pk)
    audit_view(actor=request.user, visit=visit, context=AuditContext.from_request(request))
    roles = access.visit_roles(visit, request.user)
    can_write = access.may_write_visit(visit, request.user)
    case_open = visit.case is None or visit.case.state != "closed"
    context = {
        "visit": visit,
        "pupil": visit.pupil,
        "participants": list(visit.participants.order_by("full_name", "username")),
        "follow_ups": list(visit.follow_ups.order_by("id")),
        "gift_reports": visit_gift_reports_for_user(visit=visit, user=request.user),
        "can_write": can_write and case_open,
        "can_open_case": visit.case is None
        and visit.is_recorded
        and bool(roles & {access.PARTICIPANT, access.CLASS_TEACHER}),
        "record_fields": [(HomeVisit._meta.get_field(name), getattr(visit, name)) for name in RECORD_TEXT],
    }
    return render(request, "casework/visits/visit_detail.html", context)


RECORD_TEXT = [name for name in HomeVisit.RECORD_FIELDS if name not in ("visited_at", "no_gifts_pledge")]


@login_required
@require_http_methods(["GET", "POST"])
def visit_appointment(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    visit = visit_get_for_write(user=request.user, visit_id=pk)
    status = 200
    if request.method == "POST":
        form = AppointmentForm(request.POST, pupil=visit.pupil)

        def save(data: dict[str, Any]) -> None:
            services.visit_appoint(
                user=request.user,
                visit_id=visit.pk,
                note=data.get("note", ""),
                context=AuditContext.from_request(request),
                **form.service_arguments(),
            )

        outcome = form_service_status(form, save)
        if outcome is None:
            messages.success(request, _("The appointment is saved."))
            return _to_visit(visit.pk)
        status = outcome
    else:
        form = AppointmentForm(pupil=visit.pupil, initial=AppointmentForm.initial_for(visit))
    return render(request, "casework/visits/appointment.html", {"visit": visit, "form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def visit_record(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    visit = visit_get_for_write(user=request.user, visit_id=pk)
    status = 200
    if request.method == "POST":
        form = RecordForm(request.POST)

        def save(data: dict[str, Any]) -> None:
            services.visit_record(
                visit_id=visit.pk, user=request.user, data=data, context=AuditContext.from_request(request)
            )
            draft_discard(user=request.user, key=draft_key("visit-record", visit.pk))

        outcome = form_service_status(form, save)
        if outcome is None:
            messages.success(request, _("The visit record is saved."))
            return _to_visit(visit.pk)
        status = outcome
    else:
        form = RecordForm(initial=RecordForm.initial_for(visit))
    return render(request, "casework/visits/record.html", {"visit": visit, "form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def visit_gift_report(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    visit = visit_get_for_write(user=request.user, visit_id=pk)
    status = 200
    if request.method == "POST":
        form = GiftReportForm(request.POST)

        def save(data: dict[str, Any]) -> None:
            services.visit_gift_report(
                user=request.user, visit_id=visit.pk, context=AuditContext.from_request(request), **data
            )

        outcome = form_service_status(form, save)
        if outcome is None:
            messages.success(request, _("Thank you: the report goes to the school's leaders."))
            return _to_visit(visit.pk)
        status = outcome
    else:
        form = GiftReportForm()
    return render(request, "casework/visits/gift_report.html", {"visit": visit, "form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def visit_follow_up(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    visit = visit_get_for_write(user=request.user, visit_id=pk)
    staff = school_staff(school_id=visit.school_id).exclude(pk=request.user.pk)
    status = 200
    if request.method == "POST":
        form = FollowUpForm(request.POST, staff=staff)
        created: list[HomeVisit] = []

        def save(data: dict[str, Any]) -> None:
            created.append(
                services.visit_follow_up(
                    user=request.user,
                    visit_id=visit.pk,
                    participant_ids=[u.pk for u in data.get("participants", [])],
                    context=AuditContext.from_request(request),
                )
            )

        outcome = form_service_status(form, save)
        if outcome is None:
            messages.success(
                request, _("The follow-up visit is planned. Agree an appointment with the guardians.")
            )
            return _to_visit(created[0].pk)
        status = outcome
    else:
        form = FollowUpForm(staff=staff)
    return render(request, "casework/visits/follow_up.html", {"visit": visit, "form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def visit_open_case(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    visit = visit_get_for_user(user=request.user, visit_id=pk)
    if not access.visit_roles(visit, request.user) & {access.PARTICIPANT, access.CLASS_TEACHER}:
        raise Forbidden(_("Only the visit's participants or the class teacher may do this."))
    status = 200
    if request.method == "POST":
        form = CaseOpenForm(request.POST)
        opened: list[int] = []

        def save(data: dict[str, Any]) -> None:
            case = services.visit_open_case(
                user=request.user,
                visit_id=visit.pk,
                categories=data["categories"],
                summary=data["summary"],
                risk_level=data["risk_level"],
                context=AuditContext.from_request(request),
            )
            opened.append(case.pk)

        outcome = form_service_status(form, save)
        if outcome is None:
            messages.success(request, _("The case is open; the visit belongs to it."))
            return redirect("casework:case_detail", pk=opened[0])
        status = outcome
    else:
        form = CaseOpenForm(initial={"summary": visit.family_situation})
    return render(request, "casework/visits/open_case.html", {"visit": visit, "form": form}, status=status)


# --- plans (分组、分片、包班、包人) -------------------------------------------------------------


def _planner_school(request: AuthenticatedHttpRequest) -> School:
    """The school the user plans for (the first one, or ?school=); 403 for everyone else."""
    school_ids = visit_planner_school_ids(user=request.user)
    if not school_ids:
        raise Forbidden(_("Only the school's leaders and administrators plan its visits."))
    wanted = request.GET.get("school", "")
    chosen = (
        int(wanted)
        if wanted.isdecimal() and wanted.isascii() and int(wanted) in school_ids
        else min(school_ids)
    )
    return School.objects.get(pk=chosen)


@login_required
@require_safe
def plan_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    plans = (
        visit_plan_list_for_user(user=request.user)
        .select_related("school", "campaign", "term__academic_year", "classroom")
        .order_by("-starts_on", "-id")
    )
    page = Paginator(plans, PLANS_PER_PAGE).get_page(request.GET.get("page"))
    can_plan = bool(visit_planner_school_ids(user=request.user))
    return render(request, "casework/visits/plan_list.html", {"page": page, "can_plan": can_plan})


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    school = _planner_school(request)
    status = 200
    if request.method == "POST":
        form = VisitPlanForm(request.POST, school_id=school.pk, bureau_id=school.bureau_id)
        created: list[int] = []

        def save(data: dict[str, Any]) -> None:
            plan = services.visit_plan_create(
                user=request.user,
                school_id=school.pk,
                title=data["title"],
                grouping=data["grouping"],
                kind=data["kind"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                campaign_id=data["campaign"].pk if data.get("campaign") else None,
                term_id=data["term"].pk if data.get("term") else None,
                area_label=data.get("area_label", ""),
                classroom_id=data["classroom"].pk if data.get("classroom") else None,
                context=AuditContext.from_request(request),
            )
            created.append(plan.pk)

        outcome = form_service_status(form, save)
        if outcome is None:
            messages.success(request, _("The visit plan is saved. Now assign pupils and staff."))
            return redirect("visits:plan_detail", pk=created[0])
        status = outcome
    else:
        form = VisitPlanForm(school_id=school.pk, bureau_id=school.bureau_id)
    return render(request, "casework/visits/plan_form.html", {"form": form, "school": school}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def plan_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = visit_plan_get_for_user(user=request.user, plan_id=pk)
    can_assign = plan.school_id in visit_planner_school_ids(user=request.user)
    # Pupils already in the plan are skipped by the service: don't offer them (a long list on a phone).
    pupils = (
        Pupil.objects.filter(school_id=plan.school_id, is_active=True)
        .exclude(home_visits__plan=plan)
        .order_by("classroom", "name")
    )
    if plan.classroom_id:
        pupils = pupils.filter(classroom_id=plan.classroom_id)
    status = 200
    form = None
    if request.method == "POST":
        if not can_assign:
            raise Forbidden(_("Only the school's leaders and administrators plan its visits."))
        form = PlanAssignForm(request.POST, pupils=pupils, staff=school_staff(school_id=plan.school_id))
        made: list[int] = []

        def save(data: dict[str, Any]) -> None:
            made.extend(
                v.pk
                for v in services.visit_plan_assign(
                    user=request.user,
                    plan_id=plan.pk,
                    pupil_ids=[p.pk for p in data["pupils"]],
                    participant_ids=[u.pk for u in data["participants"]],
                    context=AuditContext.from_request(request),
                )
            )

        outcome = form_service_status(form, save)
        if outcome is None:
            messages.success(
                request,
                ngettext("%(count)s visit planned.", "%(count)s visits planned.", len(made))
                % {"count": len(made)},
            )
            return redirect("visits:plan_detail", pk=plan.pk)
        status = outcome
    elif can_assign:
        form = PlanAssignForm(pupils=pupils, staff=school_staff(school_id=plan.school_id))
    visits = visit_list_page_queryset(plan.visits.all()).order_by("pupil__classroom", "pupil__name")
    page = Paginator(visits, VISITS_PER_PAGE).get_page(request.GET.get("page"))
    visible = set(
        visit_list_for_user(user=request.user)
        .filter(pk__in=[v.pk for v in page.object_list])
        .values_list("pk", flat=True)
    )
    return render(
        request,
        "casework/visits/plan_detail.html",
        {"plan": plan, "page": page, "visible": visible, "form": form},
        status=status,
    )

"""Opinion pages (/opinions/...): thin views over opinions.selectors and .services.

NotFound → 404 and PermissionDenied → the 403 page; Invalid → errors on the form's fields;
Conflict → the message on the page with status 409. Nothing typed is lost.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from audit.services import AuditContext
from casework import access as case_access
from casework.selectors import visit_get_for_user
from core.errors import Forbidden
from core.forms import run_service
from core.http import AuthenticatedHttpRequest
from drafts.keys import draft_key
from drafts.services import draft_discard
from opinions import access, services
from opinions.forms import (
    CompleteForm,
    OpinionFilterForm,
    OpinionRaiseForm,
    OpinionReceiveForm,
    PlanForm,
    StudyForm,
)
from opinions.models import ParentOpinion
from opinions.selectors import opinion_get_for_user, opinion_list_for_user, opinion_list_page_queryset
from schools.models import School
from schools.selectors import school_staff

PER_PAGE = 25


STEPS: dict[str, tuple[str, type[forms.Form]]] = {
    "study": ("study", StudyForm),
    "plan": ("plan_rectification", PlanForm),
    "complete": ("complete", CompleteForm),
}


@login_required
@require_safe
def opinion_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = OpinionFilterForm(request.GET)
    form.is_valid()
    data = form.cleaned_data
    opinions: QuerySet[ParentOpinion] = opinion_list_for_user(user=request.user)
    if data.get("state"):
        opinions = opinions.filter(state=data["state"])
    if data.get("about"):
        opinions = opinions.filter(about=data["about"])
    if data.get("channel"):
        opinions = opinions.filter(channel=data["channel"])
    if data.get("overdue"):
        opinions = opinions.overdue()  # type: ignore[attr-defined]
    page = Paginator(opinion_list_page_queryset(opinions), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "opinions/opinion_list.html",
        {"form": form, "page": page, "can_receive": bool(access.receiving_school_ids(request.user))},
    )


def _detail_page(
    request: AuthenticatedHttpRequest,
    opinion: ParentOpinion,
    *,
    forms_: dict[str, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    forms_ = forms_ or {}
    leads = opinion.school_id in access.led_schools(request.user)
    state = opinion.state
    State = ParentOpinion.State
    context = {
        "opinion": opinion,
        "can_study": leads and state == State.RECEIVED,
        "can_plan": leads and state == State.UNDER_STUDY,
        "can_complete": leads and state != State.DONE,
        "study_form": forms_.get("study") or StudyForm(),
        "plan_form": forms_.get("plan") or PlanForm(initial={"plan": opinion.plan}),
        "complete_form": forms_.get("complete")
        or CompleteForm(
            initial={"answer": opinion.answer, "answered_to_parents_on": opinion.answered_to_parents_on}
        ),
    }
    return render(request, "opinions/opinion_detail.html", context, status=status)


@login_required
@require_safe
def opinion_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _detail_page(request, opinion_get_for_user(user=request.user, opinion_id=pk))


@login_required
@require_POST
def opinion_step(request: AuthenticatedHttpRequest, pk: int, step: str) -> HttpResponse:
    if step not in STEPS:
        raise Http404
    opinion = opinion_get_for_user(user=request.user, opinion_id=pk)
    if opinion.school_id not in access.led_schools(request.user):
        # Before validating: a reader who may not act learns that, not what the form lacks.
        raise Forbidden(_("Only the school's principal or vice principals may do this."))
    name, form_class = STEPS[step]
    form = form_class(request.POST)
    done, status = run_service(
        form,
        lambda data: services.opinion_transition(
            user=request.user,
            opinion_id=pk,
            name=name,
            data=dict(data),
            context=AuditContext.from_request(request),
        ),
    )
    if done is None:
        return _detail_page(request, opinion, forms_={step: form}, status=status)
    messages.success(
        request,
        {
            "study": _("The opinion is under study."),
            "plan": _("The rectification plan is recorded."),
            "complete": _("The opinion is done; the answer to the parents is recorded."),
        }[step],
    )
    return redirect("opinions:opinion_detail", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def opinion_raise(request: AuthenticatedHttpRequest) -> HttpResponse:
    try:
        visit_id = int(request.GET.get("visit", ""))
    except ValueError:
        raise Http404 from None
    visit = visit_get_for_user(user=request.user, visit_id=visit_id)  # 404 when unseen
    if visit.recorded_by_id != request.user.pk and not case_access.may_write_visit(visit, request.user):
        raise Forbidden(_("Only the visit's recorder or the case's teachers may do this."))
    staff = school_staff(school_id=visit.school_id)
    status = 200
    if request.method == "POST":
        form = OpinionRaiseForm(request.POST, staff=staff)
        opinion, status = run_service(
            form,
            lambda data: services.opinion_raise(
                user=request.user,
                visit_id=visit.pk,
                about=data["about"],
                text=data["text"],
                guardian_name=data.get("guardian_name", ""),
                about_teacher_id=data["about_teacher"].pk if data.get("about_teacher") else None,
                context=AuditContext.from_request(request),
            ),
        )
        if opinion is not None:
            draft_discard(user=request.user, key=draft_key("opinion-raise", visit.pk))
            messages.success(request, _("The opinion is routed to the school's leadership."))
            return redirect("opinions:opinion_detail", pk=opinion.pk)
    else:
        form = OpinionRaiseForm(initial={"text": visit.parents_opinions}, staff=staff)
    return render(
        request,
        "opinions/opinion_raise.html",
        {"form": form, "visit": visit, "case": visit.case, "raised": visit.parent_opinions.count()},
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def opinion_receive(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Record an opinion received by phone, letter, at a parents' meeting, ... (no visit)."""
    school_ids = access.receiving_school_ids(request.user)
    if not school_ids:
        raise Http404
    chosen = request.GET.get("school", "")
    if len(school_ids) > 1 and not chosen:
        schools = School.objects.filter(pk__in=school_ids).order_by("name")
        return render(request, "opinions/opinion_receive.html", {"schools": schools})
    school_id = school_ids[0] if not chosen else (int(chosen) if chosen.isdigit() else 0)
    if school_id not in school_ids:
        raise Http404
    school = School.objects.get(pk=school_id)
    staff = school_staff(school_id=school_id)
    status = 200
    if request.method == "POST":
        form = OpinionReceiveForm(request.POST, school_id=school_id, staff=staff)
        opinion, status = run_service(
            form,
            lambda data: services.opinion_receive(
                user=request.user,
                school_id=school_id,
                channel=data["channel"],
                raised_on=data["raised_on"],
                about=data["about"],
                text=data["text"],
                pupil_id=data["pupil"].pk if data.get("pupil") else None,
                guardian_name=data.get("guardian_name", ""),
                about_teacher_id=data["about_teacher"].pk if data.get("about_teacher") else None,
                context=AuditContext.from_request(request),
            ),
        )
        if opinion is not None:
            draft_discard(user=request.user, key=draft_key("opinion-receive", school_id))
            messages.success(request, _("The opinion is routed to the school's leadership."))
            return redirect("opinions:opinion_detail", pk=opinion.pk)
    else:
        form = OpinionReceiveForm(
            initial={"raised_on": timezone.localdate()}, school_id=school_id, staff=staff
        )
    return render(request, "opinions/opinion_receive.html", {"form": form, "school": school}, status=status)

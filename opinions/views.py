"""Opinion pages (/opinions/...): thin views over opinions.selectors and .services.

NotFound → 404 and PermissionDenied → the 403 page; Invalid → errors on the form's fields;
Conflict → the message on the page with status 409. Nothing typed is lost.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Concatenate, ParamSpec

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.models import User
from accounts.views import AuthenticatedHttpRequest
from audit.services import AuditContext
from casework import access as case_access
from casework.errors import CaseConflict, CaseInvalid, CaseNotFound, CasePermissionDenied
from casework.forms import add_service_errors
from casework.models import HomeVisit
from opinions import access, services
from opinions.forms import CompleteForm, OpinionFilterForm, OpinionRaiseForm, PlanForm, StudyForm
from opinions.models import ParentOpinion
from opinions.selectors import opinion_get_for_user, opinion_list_for_user, opinion_list_page_queryset

PER_PAGE = 25

P = ParamSpec("P")
View = Callable[Concatenate[AuthenticatedHttpRequest, P], HttpResponse]

STEPS: dict[str, tuple[str, type[forms.Form]]] = {
    "study": ("study", StudyForm),
    "plan": ("plan_rectification", PlanForm),
    "complete": ("complete", CompleteForm),
}


def opinion_errors(view: View[P]) -> View[P]:
    @wraps(view)
    def wrapper(request: AuthenticatedHttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except CaseNotFound as exc:
            raise Http404(exc.message) from exc
        except CasePermissionDenied as exc:
            return render(request, "opinions/forbidden.html", {"message": exc.message}, status=403)

    return wrapper


def _run(form: forms.Form, call: Callable[[], Any]) -> tuple[Any, int]:
    try:
        return call(), 200
    except CaseInvalid as exc:
        add_service_errors(form, exc)
        return None, 400
    except CaseConflict as exc:
        form.add_error(None, exc.message)
        return None, 409


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
    if data.get("overdue"):
        opinions = opinions.overdue()  # type: ignore[attr-defined]
    page = Paginator(opinion_list_page_queryset(opinions), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "opinions/opinion_list.html", {"form": form, "page": page})


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
@opinion_errors
def opinion_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _detail_page(request, opinion_get_for_user(user=request.user, opinion_id=pk))


@login_required
@require_POST
@opinion_errors
def opinion_step(request: AuthenticatedHttpRequest, pk: int, step: str) -> HttpResponse:
    if step not in STEPS:
        raise Http404
    opinion = opinion_get_for_user(user=request.user, opinion_id=pk)
    if opinion.school_id not in access.led_schools(request.user):
        # Before validating: a reader who may not act learns that, not what the form lacks.
        raise CasePermissionDenied(_("Only the school's principal or vice principals may do this."))
    name, form_class = STEPS[step]
    form = form_class(request.POST)
    if not form.is_valid():
        return _detail_page(request, opinion, forms_={step: form}, status=400)
    done, status = _run(
        form,
        lambda: services.opinion_transition(
            user=request.user,
            opinion_id=pk,
            name=name,
            data=dict(form.cleaned_data),
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


def _school_staff(school_id: int) -> QuerySet[User]:
    return (
        User.objects.filter(memberships__school_id=school_id, memberships__is_active=True, is_active=True)
        .distinct()
        .order_by("full_name", "username")
    )


@login_required
@require_http_methods(["GET", "POST"])
@opinion_errors
def opinion_raise(request: AuthenticatedHttpRequest) -> HttpResponse:
    try:
        visit_id = int(request.GET.get("visit", ""))
    except ValueError:
        raise Http404 from None
    visit = (
        HomeVisit.objects.select_related(
            "school__bureau", "pupil__classroom", "case__school", "case__pupil__classroom"
        )
        .filter(pk=visit_id)
        .first()
    )
    if visit is None or not case_access.visit_roles(visit, request.user):
        raise Http404
    if visit.recorded_by_id != request.user.pk and not case_access.may_write_visit(visit, request.user):
        raise CasePermissionDenied(_("Only the visit's recorder or the case's teachers may do this."))
    staff = _school_staff(visit.school_id)
    status = 200
    if request.method == "POST":
        form = OpinionRaiseForm(request.POST, staff=staff)
        if form.is_valid():
            data = form.cleaned_data
            teacher = data.get("about_teacher")
            opinion, status = _run(
                form,
                lambda: services.opinion_raise(
                    user=request.user,
                    visit_id=visit.pk,
                    about=data["about"],
                    text=data["text"],
                    guardian_name=data.get("guardian_name", ""),
                    about_teacher_id=teacher.pk if teacher else None,
                    context=AuditContext.from_request(request),
                ),
            )
            if opinion is not None:
                messages.success(request, _("The opinion is routed to the school's leadership."))
                return redirect("opinions:opinion_detail", pk=opinion.pk)
        else:
            status = 400
    else:
        form = OpinionRaiseForm(initial={"text": visit.parents_opinions}, staff=staff)
    return render(
        request,
        "opinions/opinion_raise.html",
        {"form": form, "visit": visit, "case": visit.case, "raised": visit.parent_opinions.count()},
        status=status,
    )

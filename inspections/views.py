"""Inspection pages (/inspections/...): thin views over inspections.selectors and .services.

NotFound → 404 and Forbidden → the 403 page (``core.middleware``); Invalid → errors on
the form's fields; Conflict → the message on the page with status 409. Nothing typed is lost.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from audit.services import AuditContext
from core.errors import Conflict, Forbidden, Invalid
from core.forms import run_service
from core.http import AuthenticatedHttpRequest
from drafts.keys import draft_key
from drafts.services import draft_discard
from inspections import access, services
from inspections.forms import (
    AnswerForm,
    CommentForm,
    FindingForm,
    InspectionCreateForm,
    InspectionEditForm,
    InspectionFilterForm,
    NoticeForm,
    RectificationFilterForm,
    RectificationOpenForm,
    SchoolPickForm,
    WithdrawForm,
)
from inspections.models import Inspection, InspectionChecklistResult, Notice, Rectification
from inspections.selectors import (
    bureau_inspectors,
    inspectable_schools,
    inspection_get_for_user,
    inspection_list_for_user,
    inspection_list_page_queryset,
    notice_get_for_user,
    notice_list_for_user,
    rectification_get_for_user,
    rectification_list_for_user,
    rectification_list_page_queryset,
    school_cases,
    school_pupils,
)
from schools.selectors import school_staff

PER_PAGE = 25


def _require_inspector(request: AuthenticatedHttpRequest) -> None:
    if not access.scope_for(request.user).is_inspector:
        raise Forbidden(_("Only the bureau's inspectors may do this."))


def _ctx(request: AuthenticatedHttpRequest) -> AuditContext:
    return AuditContext.from_request(request)


# --- inspections -------------------------------------------------------------------------------


@login_required
@require_safe
def inspection_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    scope = access.scope_for(user)
    form = InspectionFilterForm(request.GET, schools=inspectable_schools(user=user))
    form.is_valid()
    inspections = inspection_list_for_user(user=user)
    data = form.cleaned_data
    if data.get("school"):
        inspections = inspections.filter(school=data["school"])
    if data.get("state"):
        inspections = inspections.filter(state=data["state"])
    if data.get("overdue"):
        inspections = inspections.filter(
            pk__in=rectification_list_for_user(user=user, overdue=True).values("finding__inspection_id")
        )
    page = Paginator(inspection_list_page_queryset(inspections), PER_PAGE).get_page(request.GET.get("page"))
    context: dict[str, Any] = {"form": form, "page": page, "is_inspector": scope.is_inspector}
    if not scope.is_inspector:
        context["open_rectifications"] = list(
            rectification_list_page_queryset(
                rectification_list_for_user(user=user).exclude(state=Rectification.State.CLOSED)
            )[:10]
        )
        context["notices"] = list(notice_list_for_user(user=user).select_related("school")[:5])
    return render(request, "inspections/inspection_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def inspection_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_inspector(request)
    user = request.user
    others = (
        bureau_inspectors(bureau_ids=access.scope_for(user).bureaus)
        .exclude(pk=user.pk)
        .order_by("full_name", "username")
    )
    form = InspectionCreateForm(
        request.POST if request.method == "POST" else None,
        schools=inspectable_schools(user=user),
        inspectors=others,
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        inspection, status = run_service(
            form,
            lambda _data: services.inspection_create(
                user=user,
                school_id=data["school"].pk,
                inspected_on=data["inspected_on"],
                inspector_ids=[u.pk for u in data["inspectors"]],
                context=_ctx(request),
            ),
        )
        if inspection is not None:
            messages.success(request, _("The inspection is started as a draft."))
            return redirect("inspections:inspection_edit", pk=inspection.pk)
    return render(request, "inspections/inspection_create.html", {"form": form}, status=status)


def _checklist(inspection: Inspection) -> list[InspectionChecklistResult]:
    return list(inspection.checklist.select_related("item").order_by("item__order", "item__code"))


@login_required
@require_safe
def inspection_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _detail(request, inspection_get_for_user(user=request.user, inspection_id=pk))


def _detail(
    request: AuthenticatedHttpRequest,
    inspection: Inspection,
    *,
    finding_form: FindingForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    roles = access.school_roles(
        user=request.user, bureau_id=inspection.bureau_id, school_id=inspection.school_id
    )
    is_inspector = access.INSPECTOR in roles
    findings = list(inspection.findings.select_related("rectification").order_by("id"))
    context = {
        "inspection": inspection,
        "is_inspector": is_inspector,
        "can_edit": is_inspector and inspection.is_draft,
        "checklist": _checklist(inspection),
        "findings": findings,
        "inspectors": list(inspection.inspectors.order_by("full_name", "username")),
        "sampled_cases": list(inspection.sampled_cases.select_related("pupil").order_by("id")),
        "families": list(inspection.families_visited.order_by("name")),
        "notices": list(inspection.notices.order_by("-issued_on", "-id")),
        "finding_form": finding_form or FindingForm(),
        "rectification_form": RectificationOpenForm(),
        "error": error,
    }
    return render(request, "inspections/inspection_detail.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def inspection_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    inspection = inspection_get_for_user(user=user, inspection_id=pk)
    roles = access.school_roles(user=user, bureau_id=inspection.bureau_id, school_id=inspection.school_id)
    if access.INSPECTOR not in roles:
        raise Forbidden(_("Only the bureau's inspectors may change an inspection."))
    if not inspection.is_draft:
        messages.error(request, _("The inspection is submitted and can no longer be changed."))
        return redirect("inspections:inspection_detail", pk=pk)
    checklist = _checklist(inspection)
    initial: dict[str, Any] = {
        "inspected_on": inspection.inspected_on,
        "inspectors": list(inspection.inspectors.exclude(pk=inspection.created_by_id)),
        "sampled_cases": list(inspection.sampled_cases.all()),
        "families_visited": list(inspection.families_visited.all()),
        "summary": inspection.summary,
        "rating": inspection.rating,
    }
    for row in checklist:
        initial[f"result_{row.item_id}"] = row.result
        initial[f"note_{row.item_id}"] = row.note
    form = InspectionEditForm(
        request.POST if request.method == "POST" else None,
        items=[row.item for row in checklist],
        inspectors=bureau_inspectors(bureau_ids=[inspection.bureau_id])
        .exclude(pk=inspection.created_by_id)
        .order_by("full_name", "username"),
        cases=school_cases(school_id=inspection.school_id),
        pupils=school_pupils(school_id=inspection.school_id),
        initial=initial,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            entries = [
                services.ChecklistEntry(
                    row.item_id, data[f"result_{row.item_id}"], data[f"note_{row.item_id}"]
                )
                for row in checklist
            ]
            done, status = run_service(
                form,
                lambda _data: services.inspection_update(
                    user=user,
                    inspection_id=inspection.pk,
                    inspected_on=data["inspected_on"],
                    inspector_ids=[u.pk for u in data["inspectors"]],
                    checklist=entries,
                    sampled_case_ids=[c.pk for c in data["sampled_cases"]],
                    family_pupil_ids=[p.pk for p in data["families_visited"]],
                    summary=data["summary"],
                    rating=data["rating"],
                    context=_ctx(request),
                ),
            )
            if done is not None:
                draft_discard(user=request.user, key=draft_key("inspection", pk))
                messages.success(request, _("The inspection is saved."))
                return redirect("inspections:inspection_detail", pk=pk)
        else:
            status = 400
    return render(
        request, "inspections/inspection_edit.html", {"inspection": inspection, "form": form}, status=status
    )


@login_required
@require_POST
def finding_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    inspection = inspection_get_for_user(user=request.user, inspection_id=pk)
    form = FindingForm(request.POST)
    status = 400
    if form.is_valid():
        finding, status = run_service(
            form,
            lambda _data: services.finding_add(
                user=request.user,
                inspection_id=pk,
                text=form.cleaned_data["text"],
                needs_rectification=form.cleaned_data["needs_rectification"],
                context=_ctx(request),
            ),
        )
        if finding is not None:
            messages.success(request, _("The finding is added."))
            return redirect("inspections:inspection_detail", pk=pk)
    return _detail(request, inspection, finding_form=form, status=status)


@login_required
@require_POST
def inspection_submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    inspection = inspection_get_for_user(user=request.user, inspection_id=pk)
    try:
        services.inspection_submit(user=request.user, inspection_id=pk, context=_ctx(request))
    except Invalid as exc:
        return _detail(request, inspection, error=exc.message, status=400)
    except Conflict as exc:
        return _detail(request, inspection, error=exc.message, status=409)
    messages.success(request, _("The inspection is submitted; the school can read it now."))
    return redirect("inspections:inspection_detail", pk=pk)


@login_required
@require_POST
def rectification_open(request: AuthenticatedHttpRequest, pk: int, finding_id: int) -> HttpResponse:
    inspection = inspection_get_for_user(user=request.user, inspection_id=pk)
    finding = inspection.findings.filter(pk=finding_id).first()
    if finding is None:
        raise Http404
    form = RectificationOpenForm(request.POST)
    if not form.is_valid():
        return _detail(request, inspection, error=_("Give a valid deadline."), status=400)
    try:
        rectification = services.rectification_open(
            user=request.user,
            finding_id=finding.pk,
            deadline=form.cleaned_data["deadline"],
            context=_ctx(request),
        )
    except Invalid as exc:
        return _detail(request, inspection, error=exc.message, status=400)
    except Conflict as exc:
        return _detail(request, inspection, error=exc.message, status=409)
    messages.success(request, _("The rectification is opened; the school must answer by the deadline."))
    return redirect("inspections:rectification_detail", pk=rectification.pk)


# --- rectifications ----------------------------------------------------------------------------


@login_required
@require_safe
def rectification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = RectificationFilterForm(request.GET)
    form.is_valid()
    data = form.cleaned_data
    rectifications = rectification_list_for_user(user=request.user, overdue=bool(data.get("overdue")))
    if data.get("state"):
        rectifications = rectifications.filter(state=data["state"])
    page = Paginator(rectification_list_page_queryset(rectifications), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "inspections/rectification_list.html", {"form": form, "page": page})


def _rectification_page(
    request: AuthenticatedHttpRequest,
    rectification: Rectification,
    *,
    forms_: dict[str, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    roles = access.school_roles(
        user=request.user, bureau_id=rectification.school.bureau_id, school_id=rectification.school_id
    )
    state = rectification.state
    forms_ = forms_ or {}
    context = {
        "rectification": rectification,
        "finding": rectification.finding,
        "inspection": rectification.finding.inspection,
        "can_answer": access.LEADER in roles and state == Rectification.State.OPEN,
        "can_review": access.INSPECTOR in roles and state == Rectification.State.ANSWERED,
        "answer_form": forms_.get("answer") or AnswerForm(initial={"response": rectification.response}),
        "return_form": forms_.get("return") or CommentForm(),
        "close_form": forms_.get("close") or CommentForm(),
    }
    return render(request, "inspections/rectification_detail.html", context, status=status)


@login_required
@require_safe
def rectification_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _rectification_page(request, rectification_get_for_user(user=request.user, rectification_id=pk))


def _rectification_step(
    request: AuthenticatedHttpRequest, pk: int, *, which: str, form_class: type[forms.Form], field: str
) -> HttpResponse:
    rectification = rectification_get_for_user(user=request.user, rectification_id=pk)
    form = form_class(request.POST)
    form.is_valid()
    text = form.cleaned_data.get(field, "")
    call = {
        "answer": lambda _data: services.rectification_answer(
            user=request.user, rectification_id=pk, response=text, context=_ctx(request)
        ),
        "return": lambda _data: services.rectification_return(
            user=request.user, rectification_id=pk, comment=text, context=_ctx(request)
        ),
        "close": lambda _data: services.rectification_close(
            user=request.user, rectification_id=pk, comment=text, context=_ctx(request)
        ),
    }[which]
    done, status = run_service(form, call)
    if done is None:
        return _rectification_page(request, rectification, forms_={which: form}, status=status)
    messages.success(
        request,
        {
            "answer": _("The answer is sent to the inspectors."),
            "return": _("The rectification is returned to the school."),
            "close": _("The rectification is closed."),
        }[which],
    )
    return redirect("inspections:rectification_detail", pk=pk)


@login_required
@require_POST
def rectification_answer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _rectification_step(request, pk, which="answer", form_class=AnswerForm, field="response")


@login_required
@require_POST
def rectification_return(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _rectification_step(request, pk, which="return", form_class=CommentForm, field="comment")


@login_required
@require_POST
def rectification_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _rectification_step(request, pk, which="close", form_class=CommentForm, field="comment")


# --- notices -----------------------------------------------------------------------------------


@login_required
@require_safe
def notice_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    notices: QuerySet[Notice] = notice_list_for_user(user=request.user).select_related("school", "issued_by")
    page = Paginator(notices, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "inspections/notice_list.html",
        {"page": page, "is_inspector": access.scope_for(request.user).is_inspector},
    )


@login_required
@require_safe
def notice_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    notice = notice_get_for_user(user=request.user, notice_id=pk)
    return _notice_page(request, notice)


def _notice_page(
    request: AuthenticatedHttpRequest, notice: Notice, *, form: WithdrawForm | None = None, status: int = 200
) -> HttpResponse:
    roles = access.school_roles(user=request.user, bureau_id=notice.bureau_id, school_id=notice.school_id)
    context = {
        "notice": notice,
        "can_withdraw": access.INSPECTOR in roles and not notice.is_withdrawn,
        "form": form or WithdrawForm(),
    }
    return render(request, "inspections/notice_detail.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def notice_issue(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_inspector(request)
    user = request.user
    schools = inspectable_schools(user=user)
    picker = SchoolPickForm(request.GET or None, schools=schools)
    if not picker.is_valid():
        return render(request, "inspections/notice_issue.html", {"picker": picker, "form": None})
    school = picker.cleaned_data["school"]
    submitted = Inspection.objects.filter(school=school, state=Inspection.State.SUBMITTED).order_by(
        "-inspected_on", "-id"
    )
    initial = {}
    if request.GET.get("inspection", "").isdigit():
        initial["inspection"] = int(request.GET["inspection"])
    form = NoticeForm(
        request.POST if request.method == "POST" else None,
        staff=school_staff(school_id=school.pk),
        inspections=submitted,
        initial=initial,
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            notice, status = run_service(
                form,
                lambda _data: services.notice_issue(
                    user=user,
                    school_id=school.pk,
                    kind=data["kind"],
                    title=data["title"],
                    text=data["text"],
                    issued_on=data["issued_on"],
                    teacher_ids=[t.pk for t in data["teachers"]],
                    inspection_id=data["inspection"].pk if data["inspection"] else None,
                    context=_ctx(request),
                ),
            )
            if notice is not None:
                messages.success(request, _("The notice is published."))
                return redirect("inspections:notice_detail", pk=notice.pk)
    return render(
        request,
        "inspections/notice_issue.html",
        {"picker": picker, "school": school, "form": form},
        status=status,
    )


@login_required
@require_POST
def notice_withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    notice = notice_get_for_user(user=request.user, notice_id=pk)
    form = WithdrawForm(request.POST)
    form.is_valid()
    done, status = run_service(
        form,
        lambda _data: services.notice_withdraw(
            user=request.user, notice_id=pk, reason=form.cleaned_data.get("reason", ""), context=_ctx(request)
        ),
    )
    if done is None:
        return _notice_page(request, notice, form=form, status=status)
    messages.success(request, _("The notice is withdrawn."))
    return redirect("inspections:notice_detail", pk=pk)

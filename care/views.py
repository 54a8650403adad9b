"""Care pages (/care/...): thin views over care.selectors and care.services.

NotFound → 404 and Forbidden → the 403 page (``core.middleware``); a refused
input keeps the form with its errors (400) or the conflict's message (409), nothing typed lost.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from audit.services import AuditContext, audit_view
from care import access as archive_access
from care import selectors, services
from care.charts import line_chart
from care.forms import ArchiveEntryForm, ArchiveForm, CounsellingForm, TutoringForm
from care.models import TutoringSession
from casework import access
from casework.models import Category, State
from casework.selectors import case_get_for_user
from core.errors import Forbidden
from core.forms import form_service_status
from core.http import AuthenticatedHttpRequest
from schools.selectors import school_staff

PER_PAGE = 25


def _form_page(
    request: AuthenticatedHttpRequest,
    form: forms.Form,
    call: Callable[[dict[str, Any]], object],
    *,
    success: str,
    to: HttpResponse,
) -> HttpResponse | int:
    """Run the service on a POSTed form: the redirect when it worked, else the status to re-render with."""
    status = form_service_status(form, call, invalid_status=400)
    if status is None:
        messages.success(request, success)
        return to
    return status


# --- tutoring ------------------------------------------------------------------------------------


def _progress(sessions: list[TutoringSession]) -> dict[str, Any]:
    """The mastery levels and test scores over time: a chart each (when there are figures) and the table."""
    levels = [(s.held_on.isoformat(), float(s.level)) for s in sessions if s.level is not None]
    scores = [(s.held_on.isoformat(), float(s.score)) for s in sessions if s.score is not None]
    charts = {}
    if levels:
        charts["level"] = line_chart(
            title=_("Mastery over time"),
            desc=_("The tutor's mastery level (1–5) at each session, oldest first."),
            points=levels,
            y_min=1,
            y_max=5,
            ticks=[1, 2, 3, 4, 5],
        )
    if scores:
        top = max(100, *(v for _d, v in scores))
        top = 150 if top > 120 else 120 if top > 100 else 100
        charts["score"] = line_chart(
            title=_("Test scores over time"),
            desc=_("The marks of the short tests at the sessions, oldest first."),
            points=scores,
            y_min=0,
            y_max=top,
            ticks=[0, top / 2, top],
        )
    return charts


@login_required
@require_safe
def tutoring_list(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = case_get_for_user(user=request.user, case_id=pk)
    audit_view(actor=request.user, case=case, record="tutoring", context=AuditContext.from_request(request))
    sessions = list(selectors.tutoring_list_for_case(case=case))
    total = sum(s.duration_minutes for s in sessions)
    context = {
        "case": case,
        "sessions": sessions,
        "total_minutes": total,
        "charts": _progress(sessions),
        "is_academic": Category.ACADEMIC in case.category_codes,
        "can_record": selectors.case_may_record_tutoring(case=case, user=request.user)
        and Category.ACADEMIC in case.category_codes
        and case.state != State.CLOSED,
    }
    return render(request, "care/tutoring_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def tutoring_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = case_get_for_user(user=request.user, case_id=pk)
    if not selectors.case_may_record_tutoring(case=case, user=request.user):
        # Before validating: a reader who may not act learns that, not what the form lacks.
        raise Forbidden(_("Only the paired teacher or the class teacher may record tutoring."))
    staff = school_staff(school_id=case.school_id)
    status = 200
    if request.method == "POST":
        form = TutoringForm(request.POST, staff=staff)

        def save(data: dict[str, Any]) -> object:
            tutor = data.pop("tutor")
            score: Decimal | None = data.pop("score")
            return services.tutoring_session_create(
                case_id=case.pk,
                user=request.user,
                tutor_id=tutor.pk,
                score=score,
                context=AuditContext.from_request(request),
                **data,
            )

        outcome = _form_page(
            request,
            form,
            save,
            success=_("The tutoring session is saved."),
            to=redirect("care:tutoring_list", pk=pk),
        )
        if not isinstance(outcome, int):
            return outcome
        status = outcome
    else:
        form = TutoringForm(staff=staff, initial={"tutor": request.user.pk})
    return render(request, "care/tutoring_form.html", {"case": case, "form": form}, status=status)


# --- counselling ---------------------------------------------------------------------------------


@login_required
@never_cache
@require_safe
def counselling_list(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Everyone who sees the case sees that sessions took place; only a counsellor granted on the
    case sees what was said (read through the notes module, which audits the read)."""
    case = case_get_for_user(user=request.user, case_id=pk)
    audit_view(
        actor=request.user, case=case, record="counselling", context=AuditContext.from_request(request)
    )
    granted = access.NOTES in access.case_roles(case, request.user)
    if granted:
        rows = selectors.counselling_with_content(
            case=case, user=request.user, context=AuditContext.from_request(request)
        )
    else:
        rows = [selectors.SessionWithContent(s, None) for s in selectors.counselling_list_for_case(case=case)]
    context = {
        "case": case,
        "rows": rows,
        "granted": granted,
        "is_psychological": Category.PSYCHOLOGICAL in case.category_codes,
        "can_record": granted
        and Category.PSYCHOLOGICAL in case.category_codes
        and case.state != State.CLOSED,
    }
    return render(request, "care/counselling_list.html", context)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def counselling_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    # The service's check: a refused attempt (page or POST) is audited like a refused note write.
    case = services.counselling_access_check(
        case_id=pk, user=request.user, context=AuditContext.from_request(request)
    )
    status = 200
    if request.method == "POST":
        form = CounsellingForm(request.POST)

        def save(data: dict[str, Any]) -> object:
            return services.counselling_session_record(
                case_id=case.pk, user=request.user, context=AuditContext.from_request(request), **data
            )

        outcome = _form_page(
            request,
            form,
            save,
            success=_("The counselling session is saved."),
            to=redirect("care:counselling_list", pk=pk),
        )
        if not isinstance(outcome, int):
            return outcome
        status = outcome
    else:
        form = CounsellingForm()
    return render(request, "care/counselling_form.html", {"case": case, "form": form}, status=status)


# --- special-group archives ----------------------------------------------------------------------


@login_required
@require_safe
def archive_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    archives = selectors.archive_list_for_user(user=request.user)
    page = Paginator(archives, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "care/archive_list.html", {"page": page})


@login_required
@require_safe
def archive_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    pupil, roles = selectors.pupil_for_archive(user=request.user, pupil_id=pk)
    audit_view(actor=request.user, pupil=pupil, record="archive", context=AuditContext.from_request(request))
    archive = selectors.archive_for_pupil(pupil=pupil)
    context = {
        "pupil": pupil,
        "archive": archive,
        "entries": list(selectors.archive_entries(archive=archive)) if archive else [],
        "can_write": bool(roles & archive_access.WRITERS),
        "this_year": ArchiveEntryForm.this_year(),
    }
    return render(request, "care/archive_detail.html", context)


def _require_writer(roles: frozenset[str]) -> None:
    if not roles & archive_access.WRITERS:
        raise Forbidden(
            _(
                "Only the class teacher, the pupil's paired teachers and the school's leaders may write the archive."
            )
        )


@login_required
@require_http_methods(["GET", "POST"])
def archive_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    pupil, roles = selectors.pupil_for_archive(user=request.user, pupil_id=pk)
    _require_writer(roles)
    archive = selectors.archive_for_pupil(pupil=pupil)
    status = 200
    if request.method == "POST":
        form = ArchiveForm(request.POST)

        def save(data: dict[str, Any]) -> object:
            return services.archive_save(
                pupil_id=pupil.pk, user=request.user, context=AuditContext.from_request(request), **data
            )

        outcome = _form_page(
            request, form, save, success=_("The archive is saved."), to=redirect("care:archive_detail", pk=pk)
        )
        if not isinstance(outcome, int):
            return outcome
        status = outcome
    else:
        form = ArchiveForm(initial=ArchiveForm.initial_for(archive, pupil))
    return render(
        request, "care/archive_form.html", {"pupil": pupil, "archive": archive, "form": form}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def archive_entry_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    pupil, roles = selectors.pupil_for_archive(user=request.user, pupil_id=pk)
    _require_writer(roles)
    archive = selectors.archive_for_pupil(pupil=pupil)
    if archive is None:
        messages.error(request, _("Open the pupil's archive first."))
        return redirect("care:archive_edit", pk=pk)
    status = 200
    if request.method == "POST":
        form = ArchiveEntryForm(request.POST)

        def save(data: dict[str, Any]) -> object:
            return services.archive_entry_save(
                pupil_id=pupil.pk, user=request.user, context=AuditContext.from_request(request), **data
            )

        outcome = _form_page(
            request,
            form,
            save,
            success=_("The year's entry is saved."),
            to=redirect("care:archive_detail", pk=pk),
        )
        if not isinstance(outcome, int):
            return outcome
        status = outcome
    else:
        try:
            year = int(request.GET.get("year", ""))
        except ValueError:
            year = ArchiveEntryForm.this_year()
        entry = archive.entries.filter(year=year).first()
        initial: dict[str, Any] = {"year": year}
        if entry is not None:
            initial |= {"record": entry.record, "analysis": entry.analysis, "support": entry.support}
        form = ArchiveEntryForm(initial=initial)
    return render(request, "care/archive_entry_form.html", {"pupil": pupil, "form": form}, status=status)

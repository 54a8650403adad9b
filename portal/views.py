"""The pages that compose many apps: the home page and the pupil page."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from audit.services import AuditContext, audit_view
from audit_browser.selectors import audit_scope_for_user
from casework.selectors import case_list_for_user, case_list_page_queryset
from core.http import AuthenticatedHttpRequest
from opinions.selectors import leader_counts
from portal.dashboard import home_dashboard
from portal.day import day_for_user
from schools.selectors import pupil_get_for_user, user_roles
from workflows.selectors import task_inbox_counts


@login_required
@require_safe
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    roles = user_roles(user=request.user)
    return render(
        request,
        "portal/home.html",
        {
            "dashboard": home_dashboard(user=request.user, roles=roles),
            "day": day_for_user(user=request.user, roles=roles),
            "tasks": task_inbox_counts(user=request.user),
            "opinions": leader_counts(user=request.user),
        },
    )


@login_required
@require_safe
def menu(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The whole main menu as a page: the phone's "more" tab, which works without JavaScript."""
    return render(request, "portal/menu.html")


@login_required
@require_safe
def pupil_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    pupil = pupil_get_for_user(user=request.user, pupil_id=pk)
    audit_view(actor=request.user, pupil=pupil, context=AuditContext.from_request(request))
    # The pupil's cases that this user may see; any member of staff of the school may open one.
    cases = case_list_page_queryset(case_list_for_user(user=request.user).filter(pupil=pupil))
    context = {
        "pupil": pupil,
        "guardians": pupil.guardians.all(),
        "cases": cases,
        "can_open_case": pupil.school_id in user_roles(user=request.user).school_ids(),
        "can_read_audit": pupil.school_id in audit_scope_for_user(user=request.user).school_ids,
    }
    return render(request, "portal/pupil_detail.html", context)

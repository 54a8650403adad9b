"""The staff pages: the staff of a school, adding a member of staff, (re-)sending an invitation.

For principals, vice principals and school administrators, of their own schools only (404 for any
other school). The page that shows a new invitation is never cached: its link and code are shown
this once.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.invitations import site_url
from audit.services import AuditContext
from core.errors import Conflict
from core.forms import run_service
from core.http import AuthenticatedHttpRequest
from schools.staff import (
    school_get_for_staff_admin,
    school_list_for_staff_admin,
    staff_add,
    staff_invite,
    staff_leads_school,
    staff_list,
    staff_member_get,
)
from schools.staff_forms import StaffAddForm


@login_required
@require_safe
def staff_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The staff page of the one school the user manages, or the choice of their schools."""
    schools = list(school_list_for_staff_admin(user=request.user))
    if not schools:
        raise Http404
    if len(schools) == 1:
        return redirect("schools:staff_list", school_id=schools[0].pk)
    return render(request, "schools/staff_index.html", {"schools": schools})


@login_required
@require_safe
def staff_list_page(request: AuthenticatedHttpRequest, school_id: int) -> HttpResponse:
    school = school_get_for_staff_admin(user=request.user, school_id=school_id)
    # Principals and vice principals also reset second factors (mfa); every manager of the staff
    # records leavings (workflows): the rows link to both pages.
    leads = staff_leads_school(user=request.user, school=school)
    return render(
        request,
        "schools/staff_list.html",
        {"school": school, "members": staff_list(school=school), "leads": leads},
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def staff_add_page(request: AuthenticatedHttpRequest, school_id: int) -> HttpResponse:
    school = school_get_for_staff_admin(user=request.user, school_id=school_id)
    if request.method != "POST":
        return render(request, "schools/staff_add.html", {"school": school, "form": StaffAddForm()})
    form = StaffAddForm(request.POST)
    added, status = run_service(
        form,
        lambda data: staff_add(
            school=school,
            actor=request.user,
            full_name=data["full_name"],
            phone=data["phone"],
            email=data["email"],
            username=data["username"],
            roles=data["roles"],
            base_url=site_url(request),
            context=AuditContext.from_request(request),
        ),
    )
    if added is None:
        return render(request, "schools/staff_add.html", {"school": school, "form": form}, status=status)
    return render(
        request,
        "schools/staff_invited.html",
        {
            "school": school,
            "invitations": [(added.member.user, added.invitation)],
            "added": True,
            "join_url": site_url(request) + reverse("accounts:join_code"),
        },
    )


@never_cache
@login_required
@require_POST
def staff_invite_page(request: AuthenticatedHttpRequest, school_id: int, user_id: int) -> HttpResponse:
    school = school_get_for_staff_admin(user=request.user, school_id=school_id)
    member = staff_member_get(school=school, user_id=user_id)
    try:
        issued = staff_invite(
            school=school,
            user=member.user,
            actor=request.user,
            base_url=site_url(request),
            context=AuditContext.from_request(request),
        )
    except Conflict as exc:
        messages.error(request, exc.message)
        return redirect("schools:staff_list", school_id=school.pk)
    return render(
        request,
        "schools/staff_invited.html",
        {
            "school": school,
            "invitations": [(member.user, issued)],
            "added": False,
            "join_url": site_url(request) + reverse("accounts:join_code"),
        },
    )

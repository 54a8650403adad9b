"""The roster upload page for school administrators and principals."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.invitations import site_url
from accounts.models import User
from audit.services import AuditContext, audit_record
from schools.forms import RosterUploadForm
from schools.roster import school_list_for_roster_import
from schools.roster.parsing import STAFF
from schools.roster.services import roster_import
from schools.staff import staff_invite_new

# Blank templates shipped in docs/templates/, offered on the upload page.
TEMPLATE_FILES = {
    ("pupils", "xlsx"): "pupils.xlsx",
    ("pupils", "csv"): "pupils.csv",
    ("staff", "xlsx"): "staff.xlsx",
    ("staff", "csv"): "staff.csv",
}


@never_cache  # the invitations of new staff are shown once
@require_http_methods(["GET", "POST"])
@login_required
def roster_upload(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)
    schools = school_list_for_roster_import(user=request.user)
    if not schools.exists():
        raise Http404
    context: dict[str, object] = {}
    if request.method == "POST":
        form = RosterUploadForm(request.POST, request.FILES, schools=schools)
        if form.is_valid():
            school = form.cleaned_data["school"]
            upload = form.cleaned_data["file"]
            kind = form.cleaned_data["kind"]
            report = roster_import(
                school=school,
                kind=None if kind == "auto" else kind,
                uploaded_name=upload.name,
                data=upload.read(),
                actor=request.user,
                context=AuditContext.from_request(request),
            )
            context = {"report": report, "school": school, "uploaded_name": upload.name}
            if report.ok and report.kind == STAFF and report.new_user_ids:
                # Each new account is invited at once; the links and codes are shown here only.
                context["invitations"] = staff_invite_new(
                    school=school,
                    user_ids=report.new_user_ids,
                    actor=request.user,
                    base_url=site_url(request),
                    context=AuditContext.from_request(request),
                )
            if report.ok:
                # A fresh form for the next file; the report stays on the page.
                form = RosterUploadForm(schools=schools, initial={"school": school.pk})
    else:
        form = RosterUploadForm(schools=schools)
    return render(request, "schools/roster_upload.html", {"form": form, **context})


@require_http_methods(["GET"])
@login_required
def roster_template(request: HttpRequest, kind: str, extension: str) -> FileResponse:
    """A blank roster template, for the people who may import rosters."""
    assert isinstance(request.user, User)
    file_name = TEMPLATE_FILES.get((kind, extension))
    schools = list(school_list_for_roster_import(user=request.user).values_list("pk", flat=True)[:2])
    if file_name is None or not schools:
        raise Http404
    path = settings.BASE_DIR / "docs" / "templates" / file_name
    with transaction.atomic():
        audit_record(
            action="download.roster_template",
            actor=request.user,
            # The user's school chain when there is exactly one; otherwise the bureau chain.
            school_id=schools[0] if len(schools) == 1 else None,
            detail={"file": file_name},
            context=AuditContext.from_request(request),
        )
    return FileResponse(path.open("rb"), as_attachment=True, filename=file_name)

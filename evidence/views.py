"""Evidence pages (/evidence/...): my file, the school's staff with their files, the downloads.

The downloads call the export services (which check, build, render and audit in one go); the
pages only list links. Someone who may not see the teacher or pupil gets a 404.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from audit.services import AuditContext
from core.errors import Invalid, NotFound
from core.http import AuthenticatedHttpRequest
from evidence import services
from evidence.selectors import (
    default_year,
    school_get_for_evidence,
    school_list_for_evidence,
    staff_list_for_school,
)
from schools.selectors import user_roles

STAFF_PER_PAGE = 50
PAGE_FORMATS = ("xlsx", "pdf")


def _year_or_none(request: AuthenticatedHttpRequest) -> str:
    raw = request.GET.get("year", "")
    return raw if raw.isdigit() else ""


@login_required
@require_safe
def evidence_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """My own file (any member of staff), and the schools whose staff list I may open."""
    roles = user_roles(user=request.user)
    memberships = roles.memberships
    bureau_id = memberships[0].school.bureau_id if memberships else None
    if bureau_id is None and roles.bureau_memberships:
        bureau_id = roles.bureau_memberships[0].bureau_id
    context = {
        "year": _year_or_none(request) or (default_year(bureau_id=bureau_id) if bureau_id else ""),
        "is_staff_member": bool(memberships),
        "schools": school_list_for_evidence(user=request.user),
    }
    return render(request, "evidence/index.html", context)


@login_required
@require_safe
def school_staff(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    try:
        school = school_get_for_evidence(user=request.user, school_id=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    page = Paginator(staff_list_for_school(school=school), STAFF_PER_PAGE).get_page(request.GET.get("page"))
    year = _year_or_none(request) or default_year(bureau_id=school.bureau_id)
    return render(request, "evidence/school_staff.html", {"school": school, "page": page, "year": year})


def _download(request: AuthenticatedHttpRequest, export: services.ExportFile) -> HttpResponse:
    content = export.content
    if export.data is not None:  # JSON, downloaded as a file
        content = json.dumps(export.data, ensure_ascii=False, indent=2).encode()
    response = HttpResponse(content, content_type=export.content_type)
    # RFC 6266/5987: Chinese names go in filename*=utf-8''..., with an ASCII fallback.
    response["Content-Disposition"] = content_disposition_header(True, export.filename) or "attachment"
    response["Cache-Control"] = "no-store"
    return response


def _invalid(request: AuthenticatedHttpRequest, exc: Invalid) -> HttpResponse:
    return render(request, "evidence/invalid.html", {"message": exc.message}, status=400)


def _export(
    request: AuthenticatedHttpRequest, fmt: str, build: Callable[..., Any], **subject: int
) -> HttpResponse:
    """One export through its service: 404 for a file the user may not have, 400 for a bad year."""
    if fmt not in PAGE_FORMATS:
        raise Http404
    try:
        export = build(
            **subject,
            year=request.GET.get("year"),
            export_format=fmt,
            user=request.user,
            context=AuditContext.from_request(request),
        )
    except Invalid as exc:  # NotFound → 404 (core.middleware), a refused pupil audited
        return _invalid(request, exc)
    return _download(request, export)


@login_required
@never_cache
@require_safe
def teacher_export(request: AuthenticatedHttpRequest, pk: int, fmt: str) -> HttpResponse:
    return _export(request, fmt, services.evidence_teacher_export, teacher_id=pk)


@login_required
@never_cache
@require_safe
def pupil_export(request: AuthenticatedHttpRequest, pk: int, fmt: str) -> HttpResponse:
    return _export(request, fmt, services.evidence_pupil_export, pupil_id=pk)


@login_required
@never_cache
@require_safe
def pupil_subject_export(request: AuthenticatedHttpRequest, pk: int, fmt: str) -> HttpResponse:
    """Everything held on the pupil, for a guardian's request (PDF or JSON; the principal only)."""
    if fmt not in services.SUBJECT_FORMATS:
        raise Http404
    try:
        export = services.evidence_subject_export(
            pupil_id=pk, export_format=fmt, user=request.user, context=AuditContext.from_request(request)
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return _download(request, export)

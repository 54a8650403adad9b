"""Report pages and their CSV exports. Who may read what: reports.access; audit: reports.services.

404 for a school or bureau the user has nothing to do with; 403 (the "not allowed" page) for a
member of the school's staff whose role does not read reports, and for anyone but an inspector
on the city-wide report (docs/reports.md).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from audit.services import AuditContext
from core.http import AuthenticatedHttpRequest
from reports import exports, selectors, services
from reports.access import report_links_for_user
from reports.build import Report


@login_required
@require_safe
def report_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    links = report_links_for_user(user=request.user)
    return render(request, "reports/index.html", {"links": links})


def _school_report(request: AuthenticatedHttpRequest, code: str) -> Report:
    return selectors.school_report_for_user(user=request.user, code=code, year=request.GET.get("year"))


def _city_report(request: AuthenticatedHttpRequest) -> Report:
    return selectors.city_report_for_user(
        user=request.user, bureau=request.GET.get("bureau"), year=request.GET.get("year")
    )


def _page(request: AuthenticatedHttpRequest, report: Report) -> HttpResponse:
    if report.suppressed:
        services.report_access_record(
            user=request.user,
            report=report,
            action=services.VIEWED,
            context=AuditContext.from_request(request),
        )
    return render(request, "reports/report.html", {"report": report})


def _csv(request: AuthenticatedHttpRequest, report: Report) -> HttpResponse:
    services.report_access_record(
        user=request.user,
        report=report,
        action=services.EXPORTED,
        context=AuditContext.from_request(request),
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{exports.csv_filename(report)}"'
    exports.csv_write(report, response)
    return response


@login_required
@require_safe
@never_cache
def school_report(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    return _page(request, _school_report(request, code))


@login_required
@require_safe
@never_cache
def school_report_export(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    return _csv(request, _school_report(request, code))


@login_required
@require_safe
@never_cache
def city_report(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _page(request, _city_report(request))


@login_required
@require_safe
@never_cache
def city_report_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _csv(request, _city_report(request))

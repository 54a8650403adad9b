"""Report pages and their CSV exports. Who may read what: reports.selectors; audit: reports.services.

404 for a school or bureau the user has nothing to do with; 403 (the "not allowed" page) for a
member of the school's staff whose role does not read reports, and for anyone but an inspector
on the city-wide report (docs/reports.md).
"""

from __future__ import annotations

import csv
import re

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from audit.services import AuditContext
from core.http import AuthenticatedHttpRequest
from reports import selectors, services
from reports.selectors import Report

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@login_required
@require_safe
def report_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    links = selectors.report_links_for_user(user=request.user)
    return render(request, "reports/index.html", {"links": links})


def _school_report(request: AuthenticatedHttpRequest, code: str) -> Report:
    school, suppressed = selectors.report_school_get_for_user(user=request.user, code=code)
    year, years = selectors.report_year(name=request.GET.get("year"))
    return selectors.school_report(school=school, suppressed=suppressed, year=year, years=years)


def _city_report(request: AuthenticatedHttpRequest) -> Report:
    bureau = selectors.report_bureau_get_for_user(user=request.user, code=request.GET.get("bureau"))
    year, years = selectors.report_year(name=request.GET.get("year"))
    return selectors.city_report(bureau=bureau, year=year, years=years)


def _page(request: AuthenticatedHttpRequest, report: Report) -> HttpResponse:
    if report.suppressed:
        services.report_access_record(
            user=request.user,
            report=report,
            action=services.VIEWED,
            context=AuditContext.from_request(request),
        )
    return render(request, "reports/report.html", {"report": report})


def safe_cell(value: str) -> str:
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def _csv(request: AuthenticatedHttpRequest, report: Report, filename: str) -> HttpResponse:
    services.report_access_record(
        user=request.user,
        report=report,
        action=services.EXPORTED,
        context=AuditContext.from_request(request),
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # the BOM: spreadsheet programs then read the file as UTF-8
    writer = csv.writer(response)
    for row in selectors.csv_rows(report):
        writer.writerow([safe_cell(str(value)) for value in row])
    return response


def _year_suffix(report: Report) -> str:
    return f"-{report.year.name}" if report.year else ""


def _filename(*parts: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", "".join(parts))


@login_required
@require_safe
@never_cache
def school_report(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    return _page(request, _school_report(request, code))


@login_required
@require_safe
@never_cache
def school_report_export(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    report = _school_report(request, code)
    assert report.school is not None
    return _csv(request, report, _filename("report-", report.school.code, _year_suffix(report), ".csv"))


@login_required
@require_safe
@never_cache
def city_report(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _page(request, _city_report(request))


@login_required
@require_safe
@never_cache
def city_report_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    report = _city_report(request)
    return _csv(request, report, _filename("report-", report.bureau.code, _year_suffix(report), ".csv"))

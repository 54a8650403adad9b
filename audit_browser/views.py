"""Audit pages (/audit/...): the browser, a case's timeline, a pupil's access log, the exports.

Visibility comes from audit_browser.selectors only. Without an audit role the browser and the exports
answer the 403 page; the timeline of a case and the access log of a pupil answer 404 to anyone
who may not read that record's trail.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import Max, QuerySet
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from audit.models import AuditEvent
from audit.services import AuditContext, audit_export_record
from audit_browser import exports
from audit_browser.filters import AuditFilterForm, AuditFilters
from audit_browser.selectors import (
    AuditScope,
    audit_case_events_for_user,
    audit_case_get_for_user,
    audit_event_list_for_user,
    audit_pupil_access_log_for_user,
    audit_pupil_get_for_user,
    audit_school_list_for_user,
    audit_scope_for_user,
    audit_scope_required,
)
from audit_browser.summaries import audit_event_rows, separators
from casework.models import Case
from core.http import AuthenticatedHttpRequest

EVENTS_PER_PAGE = 50


def _page(request: AuthenticatedHttpRequest, events: QuerySet[AuditEvent]) -> Page[AuditEvent]:
    return Paginator(events, EVENTS_PER_PAGE).get_page(request.GET.get("page"))


def _listing(
    request: AuthenticatedHttpRequest, events: QuerySet[AuditEvent], scope: AuditScope | None = None
) -> dict[str, object]:
    """A page of events and the same events for people (names read once for the whole page)."""
    page = _page(request, events)
    scope = scope or audit_scope_for_user(user=request.user)
    colon, _semicolon = separators()
    return {"page": page, "rows": audit_event_rows(events=page.object_list, scope=scope), "colon": colon}


@login_required
@never_cache
@require_safe
def event_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The browser: filters, a page of events, links to the exports with the same filters."""
    scope = audit_scope_required(user=request.user)
    form = AuditFilterForm(request.GET, schools=audit_school_list_for_user(user=request.user))
    valid = form.is_valid()
    # With a bad filter nothing is listed: a partial filter would show more than was asked for.
    events = (
        audit_event_list_for_user(user=request.user, filters=form.filters(), scope=scope)
        if valid
        else AuditEvent.objects.none()
    )
    return render(
        request,
        "audit/event_list.html",
        {"form": form, **_listing(request, events, scope), "valid": valid, "export_limit": _export_limit()},
        status=200 if valid else 400,
    )


@login_required
@never_cache
@require_safe
def case_timeline(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    # NotFound → 404 (core.middleware), and another school's case refused is audited.
    case = audit_case_get_for_user(user=request.user, case_id=pk)
    events = audit_case_events_for_user(user=request.user, case=case)
    return render(request, "audit/case_timeline.html", {"case": case, **_listing(request, events)})


@login_required
@never_cache
@require_safe
def pupil_access_log(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    pupil = audit_pupil_get_for_user(user=request.user, pupil_id=pk)
    events = audit_pupil_access_log_for_user(user=request.user, pupil=pupil)
    return render(request, "audit/pupil_log.html", {"pupil": pupil, **_listing(request, events)})


def _export_limit() -> int:
    return int(settings.WANJIA_AUDIT_EXPORT_MAX_ROWS)


def _export_school(filters: AuditFilters, scope: AuditScope) -> int | None:
    """The school whose trail records the export: the one filtered on (by school, or by a case
    of a school in the user's scope), else a principal's own school, else the bureau (None)."""
    if filters.school is not None:
        return filters.school.pk
    if filters.case_id is not None:
        school_id = Case.objects.filter(pk=filters.case_id).values_list("school_id", flat=True).first()
        if school_id in scope.school_ids:
            return school_id
    return scope.single_school()


def _export(request: AuthenticatedHttpRequest, export_format: str) -> HttpResponse:
    """Check, count, record the export (committed), then send the rows counted."""
    scope = audit_scope_required(user=request.user)
    form = AuditFilterForm(request.GET, schools=audit_school_list_for_user(user=request.user))
    if not form.is_valid():
        return render(
            request,
            "audit/event_list.html",
            {"form": form, **_listing(request, AuditEvent.objects.none(), scope), "valid": False},
            status=400,
        )
    filters = form.filters()
    events = audit_event_list_for_user(user=request.user, filters=filters, scope=scope)
    # The export holds exactly the events that exist now (up to the newest id seen), so the row
    # count recorded below is the count sent, and the export's own event is not in it.
    summary = events.order_by().aggregate(last=Max("id"))
    last = summary["last"] or 0
    events = events.filter(pk__lte=last)
    rows = events.count()
    limit = _export_limit()
    if rows > limit:
        form.add_error(
            None,
            _("This export would have %(rows)s rows; at most %(limit)s can be exported. Narrow the filters.")
            % {"rows": rows, "limit": limit},
        )
        return render(
            request,
            "audit/event_list.html",
            {"form": form, **_listing(request, AuditEvent.objects.none(), scope), "valid": False},
            status=400,
        )
    audit_export_record(
        actor=request.user,
        export_format=export_format,
        filters=filters.params,
        rows=rows,
        case_id=filters.case_id,
        school_id=_export_school(filters, scope),
        context=AuditContext.from_request(request),
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    filename = f"audit-{stamp}.{export_format}"
    rows_iter = events.iterator(chunk_size=exports.CHUNK_SIZE)
    if export_format == "csv":
        response: HttpResponse | StreamingHttpResponse | FileResponse = StreamingHttpResponse(
            exports.csv_stream(rows_iter, scope=scope), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    else:
        response = FileResponse(
            exports.xlsx_file(rows_iter, scope=scope),
            as_attachment=True,
            filename=filename,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Cache-Control"] = "no-store"
    return response  # type: ignore[return-value]


@login_required
@require_safe
def export_csv(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _export(request, "csv")


@login_required
@require_safe
def export_xlsx(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _export(request, "xlsx")

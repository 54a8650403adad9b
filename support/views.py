"""Support ledger pages: thin views over support.selectors and support.services.

NotFound → 404 and Forbidden → the 403 page (``core.middleware``); Invalid → form
errors (400) and Conflict → the message on the form with status 409, nothing written.
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from audit.services import AuditContext
from core.csv import neutralise
from core.errors import Conflict
from core.forms import form_service_status
from core.http import AuthenticatedHttpRequest
from support import selectors, services
from support.access import (
    CUSTODIAN,
    LEADERS,
    inspected_schools_for_user,
    ledger_school_for_user,
    ledger_schools_for_user,
    require_custodian,
)
from support.forms import DisbursementForm, DonationForm, PeriodForm, RejectForm, ReverseForm
from support.models import LedgerEntry


def _to_ledger(school_id: int) -> HttpResponse:
    return redirect("support:ledger", school_id=school_id)


ENTRIES_PER_PAGE = 50


@login_required
@require_safe
@never_cache
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    schools = ledger_schools_for_user(user=request.user)
    if not schools:
        # The bureau's inspectors keep no ledger: they read the per-school totals (404 for others).
        inspected_schools_for_user(user=request.user)
        return redirect("support:city")
    if len(schools) == 1:
        return _to_ledger(schools[0].pk)
    return render(request, "support/index.html", {"schools": schools})


@login_required
@require_safe
@never_cache
def ledger(request: AuthenticatedHttpRequest, school_id: int) -> HttpResponse:
    school, roles = ledger_school_for_user(user=request.user, school_id=school_id)
    page = Paginator(selectors.entry_list(school=school), ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "support/ledger.html",
        {
            "school": school,
            "balance": selectors.fund_balance(school_id=school.pk),
            "rows": selectors.entry_rows(user=request.user, roles=roles, entries=list(page)),
            "page": page,
            "pending": selectors.pending_requests(school=school),
            "pending_reversals": selectors.pending_reversals(school=school),
            "is_custodian": CUSTODIAN in roles,
            "is_leader": bool(roles & LEADERS),
        },
    )


@login_required
@require_safe
@never_cache
def stock(request: AuthenticatedHttpRequest, school_id: int) -> HttpResponse:
    school, _roles = ledger_school_for_user(user=request.user, school_id=school_id)
    return render(
        request, "support/stock.html", {"school": school, "rows": selectors.goods_stock(school=school)}
    )


@login_required
@require_safe
@never_cache
def city(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The bureau's inspectors: per-school totals for a period, sums only (no pupils, no donors)."""
    schools = inspected_schools_for_user(user=request.user)
    today = timezone.localdate()
    form = PeriodForm(request.GET or {"since": today.replace(day=1).isoformat(), "until": today.isoformat()})
    if not form.is_valid():
        return render(request, "support/city.html", {"form": form}, status=400)
    totals = selectors.city_totals(
        schools=schools, since=form.cleaned_data["since"], until=form.cleaned_data["until"]
    )
    return render(request, "support/city.html", {"form": form, "totals": totals})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def donation_new(request: AuthenticatedHttpRequest, school_id: int) -> HttpResponse:
    school, roles = ledger_school_for_user(user=request.user, school_id=school_id)
    require_custodian(roles)
    form = DonationForm(request.POST or None)
    if request.method == "POST":

        def save(data: dict[str, Any]) -> None:
            services.donation_record(
                user=request.user,
                school_id=school.pk,
                occurred_on=data["occurred_on"],
                donor_name=data["donor_name"],
                amount=data["amount"],
                goods=data["goods"],
                quantity=data["quantity"],
                donor_is_staff=data["donor_is_staff"],
                donor_anonymous=data["donor_anonymous"],
                unit=data["unit"],
                context=AuditContext.from_request(request),
            )

        status = form_service_status(form, save, invalid_status=400)
        if status is None:
            messages.success(request, _("The donation is recorded."))
            return _to_ledger(school.pk)
        return render(request, "support/donation_form.html", {"school": school, "form": form}, status=status)
    return render(request, "support/donation_form.html", {"school": school, "form": form})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def disbursement_new(request: AuthenticatedHttpRequest, school_id: int) -> HttpResponse:
    school, roles = ledger_school_for_user(user=request.user, school_id=school_id)
    require_custodian(roles)
    form = DisbursementForm(request.POST or None, school_id=school.pk)
    context = {"school": school, "form": form, "balance": selectors.fund_balance(school_id=school.pk)}
    if request.method == "POST":

        def save(data: dict[str, Any]) -> None:
            services.disbursement_request(
                user=request.user,
                school_id=school.pk,
                case_id=data["case"].pk,
                purpose=data["purpose"],
                amount=data["amount"],
                goods=data["goods"],
                quantity=data["quantity"],
                context=AuditContext.from_request(request),
            )

        status = form_service_status(form, save, invalid_status=400)
        if status is None:
            messages.success(request, _("The request waits for the principal's approval."))
            return _to_ledger(school.pk)
        return render(request, "support/disbursement_form.html", context, status=status)
    return render(request, "support/disbursement_form.html", context)


def _decide(
    request: AuthenticatedHttpRequest,
    school_id: int,
    service: Callable[..., object],
    done: str,
    **arguments: object,
) -> HttpResponse:
    """A principal's decision on a request (a disbursement, a correction): the service, then back
    to the ledger with ``done``, or the conflict page."""
    try:
        service(
            user=request.user, school_id=school_id, context=AuditContext.from_request(request), **arguments
        )
    except Conflict as exc:
        return _conflict(request, school_id, exc.message)
    messages.success(request, done)
    return _to_ledger(school_id)


def _reject_note(request: AuthenticatedHttpRequest) -> str:
    form = RejectForm(request.POST)
    return str(form.cleaned_data["note"]) if form.is_valid() else ""


@login_required
@require_POST
def disbursement_approve(request: AuthenticatedHttpRequest, school_id: int, request_id: int) -> HttpResponse:
    return _decide(
        request,
        school_id,
        services.disbursement_approve,
        _("The disbursement is approved and posted."),
        request_id=request_id,
    )


@login_required
@require_POST
def disbursement_reject(request: AuthenticatedHttpRequest, school_id: int, request_id: int) -> HttpResponse:
    return _decide(
        request,
        school_id,
        services.disbursement_reject,
        _("The request is rejected."),
        request_id=request_id,
        note=_reject_note(request),
    )


@login_required
@require_POST
def reversal_approve(request: AuthenticatedHttpRequest, school_id: int, request_id: int) -> HttpResponse:
    return _decide(
        request,
        school_id,
        services.reversal_approve,
        _("The correction is approved and posted; the original entry stays."),
        request_id=request_id,
    )


@login_required
@require_POST
def reversal_reject(request: AuthenticatedHttpRequest, school_id: int, request_id: int) -> HttpResponse:
    return _decide(
        request,
        school_id,
        services.reversal_reject,
        _("The correction is rejected; the entry stands."),
        request_id=request_id,
        note=_reject_note(request),
    )


def _conflict(request: AuthenticatedHttpRequest, school_id: int, message: str) -> HttpResponse:
    return render(request, "support/conflict.html", {"school_id": school_id, "message": message}, status=409)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def entry_reverse(request: AuthenticatedHttpRequest, school_id: int, entry_id: int) -> HttpResponse:
    school, roles = ledger_school_for_user(user=request.user, school_id=school_id)
    require_custodian(roles)
    entry = LedgerEntry.objects.filter(pk=entry_id, school=school).select_related("case__pupil").first()
    if entry is None:
        raise Http404(_("No such entry."))
    row = selectors.entry_rows(user=request.user, roles=roles, entries=[entry])[0]
    form = ReverseForm(request.POST or None)
    context = {"school": school, "row": row, "form": form}
    if request.method == "POST":

        def save(data: dict[str, Any]) -> None:
            services.reversal_request(
                user=request.user,
                school_id=school.pk,
                entry_id=entry.pk,
                reason=data["reason"],
                context=AuditContext.from_request(request),
            )

        status = form_service_status(form, save, invalid_status=400)
        if status is None:
            messages.success(
                request, _("The correction waits for the principal's approval; the entry stands until then.")
            )
            return _to_ledger(school.pk)
        return render(request, "support/reverse_form.html", context, status=status)
    return render(request, "support/reverse_form.html", context)


@login_required
@require_safe
@never_cache
def report(request: AuthenticatedHttpRequest, school_id: int) -> HttpResponse:
    school, _roles = ledger_school_for_user(user=request.user, school_id=school_id)
    today = timezone.localdate()
    form = PeriodForm(request.GET or {"since": today.replace(day=1).isoformat(), "until": today.isoformat()})
    if not form.is_valid():
        return render(request, "support/report.html", {"school": school, "form": form}, status=400)
    since, until = form.cleaned_data["since"], form.cleaned_data["until"]
    if request.GET.get("format") == "csv":
        return _report_csv(request, school.pk, since, until)
    summary = selectors.reconciliation(school=school, since=since, until=until)
    return render(request, "support/report.html", {"school": school, "form": form, "summary": summary})


def _report_csv(
    request: AuthenticatedHttpRequest, school_id: int, since: datetime.date, until: datetime.date
) -> HttpResponse:
    services.ledger_export_record(
        user=request.user,
        school_id=school_id,
        since=since,
        until=until,
        context=AuditContext.from_request(request),
    )
    school, roles = ledger_school_for_user(user=request.user, school_id=school_id)
    summary = selectors.reconciliation(school=school, since=since, until=until)
    entries = selectors.period_entries(school=school, since=since, until=until)
    rows = selectors.entry_rows(user=request.user, roles=roles, entries=entries)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="ledger-{school_id}-{since}-{until}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    # Column headings stay in English: field names for whoever processes the file.
    writer.writerow(
        ["id", "date", "kind", "reverses", "amount", "goods", "quantity", "donor", "case", "pupil", "purpose"]
    )
    for row in rows:
        e = row.entry
        writer.writerow(
            [
                e.pk,
                e.occurred_on.isoformat(),
                e.kind,
                e.reverses_id or "",
                str(e.amount),
                neutralise(e.goods),
                e.quantity or "",
                neutralise(row.donor),
                row.case_id or "",
                neutralise(row.recipient),
                neutralise(e.purpose),
            ]
        )
    writer.writerow([])
    for label, value in (
        ("opening", summary.opening),
        ("donations", summary.donations),
        ("disbursements", summary.disbursements),
        ("reversals", summary.reversals),
        ("closing", summary.closing),
    ):
        writer.writerow([label, str(value)])  # numbers we computed, not user text
    return response

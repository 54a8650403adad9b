"""Consent pages (/consents/...): a pupil's consents, recording a decision, withdrawing a consent.

NotFound → 404 and Forbidden → the 403 page (``core.middleware``); a refused input keeps the form
with its errors (400) or the conflict's message (409), nothing typed lost.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from audit.services import AuditContext
from consents import access, selectors, services
from consents.forms import ConsentForm, WithdrawForm
from core.errors import Forbidden
from core.forms import form_service_status
from core.http import AuthenticatedHttpRequest


def pupil_consents_url(pupil_id: int) -> str:
    return reverse("consents:pupil_consents", args=[pupil_id])


@login_required
@never_cache
@require_safe
def pupil_consents(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    pupil, roles = selectors.consent_pupil_get_for_user(user=request.user, pupil_id=pk)
    records = selectors.annotated_history(pupil=pupil)
    context = {
        "pupil": pupil,
        "states": selectors.consent_states(pupil=pupil, records=records),
        "records": records,
        "can_record": bool(roles & access.WRITERS),
    }
    return render(request, "consents/pupil_consents.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def consent_record(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    pupil, roles = selectors.consent_pupil_get_for_user(user=request.user, pupil_id=pk)
    if not roles & access.WRITERS:
        raise Forbidden(services.RECORD_DENIED)
    guardians = pupil.guardians.order_by("position", "pk")
    status = 200
    if request.method == "POST":
        form = ConsentForm(request.POST, guardians=guardians)

        def save(_data: dict[str, Any]) -> object:
            return services.consent_record(
                user=request.user,
                pupil_id=pupil.pk,
                context=AuditContext.from_request(request),
                **form.service_data(),
            )

        outcome = form_service_status(form, save, invalid_status=400)
        if outcome is None:
            messages.success(request, _("The consent is recorded. Attach the scan of the signed form."))
            return redirect(pupil_consents_url(pupil.pk))
        status = outcome
    else:
        initial = {"purpose": request.GET.get("purpose")} if request.GET.get("purpose") else {}
        form = ConsentForm(guardians=guardians, initial=initial)
    return render(request, "consents/consent_form.html", {"pupil": pupil, "form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def consent_withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    consent, roles = selectors.consent_get_for_user(user=request.user, consent_id=pk)
    if not roles & access.WRITERS:
        raise Forbidden(services.RECORD_DENIED)
    status = 200
    if request.method == "POST":
        form = WithdrawForm(request.POST)

        def save(data: dict[str, Any]) -> object:
            return services.consent_withdraw(
                user=request.user,
                consent_id=consent.pk,
                reason=data["reason"],
                context=AuditContext.from_request(request),
            )

        outcome = form_service_status(form, save, invalid_status=400)
        if outcome is None:
            messages.success(request, _("The withdrawal is recorded."))
            return redirect(pupil_consents_url(consent.pupil_id))
        status = outcome
    else:
        form = WithdrawForm()
    return render(
        request,
        "consents/withdraw_form.html",
        {"consent": consent, "pupil": consent.pupil, "form": form},
        status=status,
    )

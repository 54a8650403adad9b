"""Attachment pages: thin views over attachments.selectors and attachments.services.

NotFound → 404 and Forbidden → the 403 page (``core.middleware``); a bad file →
the upload form again with the reason (400); a closed case → the message (409).
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from attachments import access, services
from attachments.forms import AttachmentForm
from attachments.models import Attachment
from attachments.responses import file_response
from attachments.selectors import attachment_case, attachment_get_for_user
from attachments.uploads import upload_too_large
from audit.services import AuditContext
from casework.models import Case, HomeVisit
from casework.selectors import case_get_for_user, visit_get_for_user
from consents.models import Consent
from consents.selectors import consent_get_for_user
from core.errors import Conflict, Forbidden
from core.forms import form_service_status
from core.http import AuthenticatedHttpRequest


def case_page_url(case_id: int) -> str:
    return reverse("casework:case_detail", args=[case_id]) + "#attachments"


def visit_page_url(visit: HomeVisit) -> str:
    """Where a visit's attachments are shown: the visit's own page."""
    return reverse("visits:visit_detail", args=[visit.pk]) + "#attachments"


def consent_page_url(consent: Consent) -> str:
    """Where a consent's scans are shown: the pupil's consents page, at the record."""
    return reverse("consents:pupil_consents", args=[consent.pupil_id]) + f"#consent-{consent.pk}"


def _back(attachment: Attachment) -> str:
    """Back to where the file is listed: the visit's page for a visit's file, the consents page
    for a consent's scan, else the case's."""
    if attachment.consent is not None:
        return consent_page_url(attachment.consent)
    if attachment.visit is not None:
        return visit_page_url(attachment.visit)
    case = attachment_case(attachment)
    return case_page_url(case.pk) if case is not None else reverse("portal:home")


def wants_json(request: HttpRequest) -> bool:
    """The page's script (static/js/wanjia.js) asks for JSON; a plain form post gets pages."""
    return "application/json" in request.headers.get("Accept", "")


def _uploaded_json(request: HttpRequest, attachment: Attachment, *, on_visit: bool) -> JsonResponse:
    """The new file, with its row of the attachments list as the page shows it."""
    html = render_to_string(
        "attachments/_item.html",
        {"row": {"item": attachment, "removable": True}, "on_visit": on_visit},
        request=request,
    )
    return JsonResponse(
        {
            "id": attachment.pk,
            "name": attachment.original_name,
            "content_type": attachment.content_type,
            "size": attachment.size,
            "download_url": reverse("attachments:download", args=[attachment.pk]),
            "remove_url": reverse("attachments:remove", args=[attachment.pk]),
            # No thumbnail is made on the server: the script shows the photo from the file it sent.
            "thumbnail_url": None,
            "html": html,
            "message": str(_("The file is attached.")),
        },
        status=201,
    )


def _form_errors_json(form: AttachmentForm, status: int) -> JsonResponse:
    errors = {name: [str(message) for message in messages_] for name, messages_ in form.errors.items()}
    first = next((m for messages_ in errors.values() for m in messages_), str(_("The file is not attached.")))
    return JsonResponse({"detail": first, "errors": errors}, status=status)


def _upload_page(
    request: AuthenticatedHttpRequest,
    *,
    case: Case | None,
    visit: HomeVisit | None,
    back: str,
    consent: Consent | None = None,
) -> HttpResponse:
    status = 200
    if request.method == "POST":
        form = AttachmentForm(request.POST, request.FILES, too_large=upload_too_large(request, "file"))
        done: list[Attachment] = []

        def save(data: dict[str, Any]) -> None:
            upload = data["file"]
            done.append(
                services.attachment_upload(
                    user=request.user,
                    name=upload.name or "",
                    chunks=upload.chunks(),
                    case_id=case.pk if visit is None and case is not None else None,
                    visit_id=visit.pk if visit is not None else None,
                    consent_id=consent.pk if consent is not None else None,
                    caption=data.get("caption", ""),
                    context=AuditContext.from_request(request),
                )
            )

        outcome = form_service_status(form, save, invalid_status=400)
        if outcome is None:
            if wants_json(request):
                return _uploaded_json(request, done[0], on_visit=visit is not None)
            messages.success(request, _("The file is attached."))
            return redirect(back)
        if wants_json(request):
            return _form_errors_json(form, outcome)
        status = outcome
    else:
        form = AttachmentForm()
    return render(
        request,
        "attachments/upload.html",
        {"form": form, "case": case, "visit": visit, "consent": consent, "back": back},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_upload(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    case = case_get_for_user(user=request.user, case_id=case_id)
    if not access.may_upload_to_case(case, request.user):
        raise Forbidden(access.UPLOAD_DENIED)
    return _upload_page(request, case=case, visit=None, back=case_page_url(case.pk))


@login_required
@require_http_methods(["GET", "POST"])
def visit_upload(request: AuthenticatedHttpRequest, visit_id: int) -> HttpResponse:
    visit = visit_get_for_user(user=request.user, visit_id=visit_id)
    if not access.may_upload_to_visit(visit, request.user):
        raise Forbidden(access.UPLOAD_DENIED)
    return _upload_page(request, case=access.visit_case(visit), visit=visit, back=visit_page_url(visit))


@login_required
@require_http_methods(["GET", "POST"])
def consent_upload(request: AuthenticatedHttpRequest, consent_id: int) -> HttpResponse:
    consent, _roles = consent_get_for_user(user=request.user, consent_id=consent_id)
    if not access.may_upload_to_consent(consent, request.user):
        raise Forbidden(access.CONSENT_UPLOAD_DENIED)
    return _upload_page(request, case=None, visit=None, consent=consent, back=consent_page_url(consent))


@login_required
@require_GET  # not HEAD: every answer with the file is an audited download
def download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    attachment, handle = services.attachment_download(
        user=request.user, attachment_id=pk, context=AuditContext.from_request(request)
    )
    response = file_response(attachment, handle, force_download="download" in request.GET)
    return cast(HttpResponse, response)  # a streaming response


@login_required
@require_POST
def remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    back = _back(attachment_get_for_user(user=request.user, attachment_id=pk))
    try:
        services.attachment_remove(
            user=request.user, attachment_id=pk, context=AuditContext.from_request(request)
        )
    except Conflict as exc:
        if wants_json(request):
            return JsonResponse({"detail": str(exc.message), "errors": {}}, status=409)
        messages.error(request, exc.message)
    else:
        if wants_json(request):
            return JsonResponse({"removed": pk, "message": str(_("The file is removed."))})
        messages.success(request, _("The file is removed."))
    return redirect(back)

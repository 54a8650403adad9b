"""Attachment endpoints. Each view: authenticate, fetch through a selector, validate, call one
service, render. Unseen → 404, seen but not allowed → 403, closed case → 409, bad file → 400."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User
from attachments import access, files, services
from attachments.api.serializers import AttachmentSerializer, AttachmentUploadSerializer
from attachments.responses import file_response
from attachments.selectors import (
    attachment_get_for_user,
    attachment_list_for_case_id,
    attachment_list_for_consent_id,
    attachment_list_for_visit_id,
)
from attachments.uploads import upload_too_large
from audit.services import AuditContext
from core.api import BaseApi, error_responses, paginated
from core.errors import Forbidden, Invalid

TAGS = ["attachments"]


def _upload(
    request: Request, user: User, *, case_id: int | None, visit_id: int | None, consent_id: int | None = None
) -> Response:
    if upload_too_large(request._request, "file"):
        raise Invalid(services.too_large_message(), errors={"file": [services.too_large_message()]})
    data = AttachmentUploadSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    upload = data.validated_data.get("file")
    if upload is None:
        message = _("Send the file as multipart/form-data in the field “file”.")
        raise Invalid(message, errors={"file": [message]})
    attachment = services.attachment_upload(
        user=user,
        name=upload.name or "",
        chunks=upload.chunks(),
        case_id=case_id,
        visit_id=visit_id,
        consent_id=consent_id,
        caption=data.validated_data["caption"],
        context=AuditContext.from_request(request),
    )
    return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)


class CaseAttachmentListView(BaseApi):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        tags=TAGS,
        operation_id="cases_attachments_list",
        summary="The photos and documents of a case and of its home visits, newest first",
        responses={200: AttachmentSerializer(many=True), **error_responses(404)},
    )
    def get(self, request: Request, case_id: int) -> Response:
        _case, attachments = attachment_list_for_case_id(user=self.user, case_id=case_id)
        return paginated(request, self, attachments, AttachmentSerializer)

    @extend_schema(
        tags=TAGS,
        operation_id="cases_attachments_create",
        summary="Attach a photo or document to the case (the case's teachers)",
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={201: AttachmentSerializer, **error_responses(400, 403, 404, 409)},
    )
    def post(self, request: Request, case_id: int) -> Response:
        user = self.user
        case, _attachments = attachment_list_for_case_id(user=user, case_id=case_id)
        if not access.may_upload_to_case(case, user):
            raise Forbidden(access.UPLOAD_DENIED)
        return _upload(request, user, case_id=case.pk, visit_id=None)


class VisitAttachmentListView(BaseApi):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        tags=TAGS,
        operation_id="visits_attachments_list",
        summary="The photos and documents of a home visit, newest first",
        responses={200: AttachmentSerializer(many=True), **error_responses(404)},
    )
    def get(self, request: Request, visit_id: int) -> Response:
        _visit, attachments = attachment_list_for_visit_id(user=self.user, visit_id=visit_id)
        return paginated(request, self, attachments, AttachmentSerializer)

    @extend_schema(
        tags=TAGS,
        operation_id="visits_attachments_create",
        summary="Attach a photo or document to the home visit (whoever may record it; a photo needs "
        "the guardians' consent to home-visit photos, else 400 consent_missing)",
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={201: AttachmentSerializer, **error_responses(400, 403, 404, 409)},
    )
    def post(self, request: Request, visit_id: int) -> Response:
        user = self.user
        visit, _attachments = attachment_list_for_visit_id(user=user, visit_id=visit_id)
        if not access.may_upload_to_visit(visit, user):
            raise Forbidden(access.UPLOAD_DENIED)
        return _upload(request, user, case_id=None, visit_id=visit.pk)


class ConsentAttachmentListView(BaseApi):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        tags=TAGS,
        operation_id="consents_attachments_list",
        summary="The scans of a consent's signed form, newest first",
        responses={200: AttachmentSerializer(many=True), **error_responses(404)},
    )
    def get(self, request: Request, consent_id: int) -> Response:
        _consent, attachments = attachment_list_for_consent_id(user=self.user, consent_id=consent_id)
        return paginated(request, self, attachments, AttachmentSerializer)

    @extend_schema(
        tags=TAGS,
        operation_id="consents_attachments_create",
        summary="Attach the scan of a consent's signed form (whoever may record consents)",
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={201: AttachmentSerializer, **error_responses(400, 403, 404)},
    )
    def post(self, request: Request, consent_id: int) -> Response:
        user = self.user
        consent, _attachments = attachment_list_for_consent_id(user=user, consent_id=consent_id)
        if not access.may_upload_to_consent(consent, user):
            raise Forbidden(access.CONSENT_UPLOAD_DENIED)
        return _upload(request, user, case_id=None, visit_id=None, consent_id=consent.pk)


class AttachmentDetailView(BaseApi):
    @extend_schema(
        tags=TAGS,
        operation_id="attachments_retrieve",
        summary="An attachment's description (not its content: see download)",
        responses={200: AttachmentSerializer, **error_responses(404)},
    )
    def get(self, request: Request, attachment_id: int) -> Response:
        attachment = attachment_get_for_user(user=self.user, attachment_id=attachment_id)
        return Response(AttachmentSerializer(attachment).data)

    @extend_schema(
        tags=TAGS,
        operation_id="attachments_destroy",
        summary="Remove an attachment (its uploader or the principal, while the case is open)",
        responses={204: None, **error_responses(403, 404, 409)},
    )
    def delete(self, request: Request, attachment_id: int) -> Response:
        services.attachment_remove(
            user=self.user, attachment_id=attachment_id, context=AuditContext.from_request(request)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class AttachmentDownloadView(BaseApi):
    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # The file is sent whatever the client accepts; errors fall back to JSON.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        tags=TAGS,
        operation_id="attachments_download",
        summary="The file itself (every download is audited)",
        responses={
            # The file, with the type detected on upload (one of the kinds accepted).
            **{(200, kind.content_type): OpenApiResponse(OpenApiTypes.BINARY) for kind in files.KINDS},
            **error_responses(404),
        },
    )
    def get(self, request: Request, attachment_id: int) -> FileResponse:
        attachment, handle = services.attachment_download(
            user=self.user, attachment_id=attachment_id, context=AuditContext.from_request(request)
        )
        return file_response(attachment, handle, force_download=True)

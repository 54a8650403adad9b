"""Care endpoints. The selectors decide what is visible, the services who may act."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from audit.services import AuditContext, audit_view
from care import selectors, services
from care.api.serializers import (
    ArchiveEntrySerializer,
    ArchiveEntryWriteSerializer,
    ArchiveSerializer,
    ArchiveWriteSerializer,
    CounsellingSessionCreateSerializer,
    CounsellingSessionSerializer,
    TutoringSessionCreateSerializer,
    TutoringSessionSerializer,
)
from casework.selectors import case_get_for_user
from core.api import BaseApi, error_responses, paginated
from core.errors import NotFound

TAGS = ["care"]


class TutoringSessionListView(BaseApi):
    @extend_schema(
        tags=TAGS,
        operation_id="cases_tutoring_sessions_list",
        summary="The case's tutoring sessions, oldest first",
        responses={200: TutoringSessionSerializer(many=True), **error_responses(404)},
    )
    def get(self, request: Request, case_id: int) -> Response:
        case = case_get_for_user(user=self.user, case_id=case_id)
        response = paginated(
            request, self, selectors.tutoring_list_for_case(case=case), TutoringSessionSerializer
        )
        audit_view(actor=self.user, case=case, record="tutoring", context=AuditContext.from_request(request))
        return response

    @extend_schema(
        tags=TAGS,
        operation_id="cases_tutoring_sessions_create",
        summary="Record a tutoring session (academic cases; the paired teacher or the class teacher)",
        request=TutoringSessionCreateSerializer,
        responses={201: TutoringSessionSerializer, **error_responses(400, 403, 404, 409)},
    )
    def post(self, request: Request, case_id: int) -> Response:
        user = self.user
        case_get_for_user(user=user, case_id=case_id)
        data = TutoringSessionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        session = services.tutoring_session_create(
            case_id=case_id,
            user=user,
            tutor_id=values.pop("tutor"),
            context=AuditContext.from_request(request),
            **values,
        )
        return Response(TutoringSessionSerializer(session).data, status=status.HTTP_201_CREATED)


class CounsellingSessionListView(BaseApi):
    @extend_schema(
        tags=TAGS,
        operation_id="cases_counselling_sessions_list",
        summary="The case's counselling sessions: that they happened, never what was said",
        responses={200: CounsellingSessionSerializer(many=True), **error_responses(404)},
    )
    def get(self, request: Request, case_id: int) -> Response:
        case = case_get_for_user(user=self.user, case_id=case_id)
        sessions = selectors.counselling_list_for_case(case=case)
        response = paginated(request, self, sessions, CounsellingSessionSerializer)
        audit_view(
            actor=self.user, case=case, record="counselling", context=AuditContext.from_request(request)
        )
        return response

    @extend_schema(
        tags=TAGS,
        operation_id="cases_counselling_sessions_create",
        summary="Record a counselling session; its content becomes a confidential note (granted counsellors)",
        request=CounsellingSessionCreateSerializer,
        responses={201: CounsellingSessionSerializer, **error_responses(400, 403, 404, 409)},
    )
    def post(self, request: Request, case_id: int) -> Response:
        # No selector first: the service audits every refused attempt, like the notes endpoint.
        user = self.user
        data = CounsellingSessionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        session = services.counselling_session_record(
            case_id=case_id, user=user, context=AuditContext.from_request(request), **data.validated_data
        )
        return Response(CounsellingSessionSerializer(session).data, status=status.HTTP_201_CREATED)


class ArchiveView(BaseApi):
    @extend_schema(
        tags=TAGS,
        operation_id="pupils_archive_retrieve",
        summary="The pupil's special-group archive with its yearly entries (404 when none)",
        responses={200: ArchiveSerializer, **error_responses(404)},
    )
    def get(self, request: Request, pupil_id: int) -> Response:
        user = self.user
        pupil, _roles = selectors.pupil_for_archive(user=user, pupil_id=pupil_id)
        archive = selectors.archive_for_pupil(pupil=pupil)
        if archive is None:
            raise NotFound(_("This pupil has no archive."), code="no_archive")
        audit_view(actor=user, pupil=pupil, record="archive", context=AuditContext.from_request(request))
        return Response(ArchiveSerializer(archive).data)

    @extend_schema(
        tags=TAGS,
        operation_id="pupils_archive_save",
        summary="Open the pupil's archive or bring its record up to date",
        request=ArchiveWriteSerializer,
        responses={200: ArchiveSerializer, **error_responses(400, 403, 404)},
    )
    def put(self, request: Request, pupil_id: int) -> Response:
        user = self.user
        selectors.pupil_for_archive(user=user, pupil_id=pupil_id)
        data = ArchiveWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        archive = services.archive_save(
            pupil_id=pupil_id, user=user, context=AuditContext.from_request(request), **data.validated_data
        )
        return Response(ArchiveSerializer(archive).data)


class ArchiveEntryView(BaseApi):
    @extend_schema(
        tags=TAGS,
        operation_id="pupils_archive_entry_save",
        summary="Write or update the archive's entry for a campaign year",
        request=ArchiveEntryWriteSerializer,
        responses={200: ArchiveEntrySerializer, **error_responses(400, 403, 404, 409)},
    )
    def put(self, request: Request, pupil_id: int, year: int) -> Response:
        user = self.user
        selectors.pupil_for_archive(user=user, pupil_id=pupil_id)
        data = ArchiveEntryWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = services.archive_entry_save(
            pupil_id=pupil_id,
            user=user,
            year=year,
            context=AuditContext.from_request(request),
            **data.validated_data,
        )
        return Response(ArchiveEntrySerializer(entry).data)

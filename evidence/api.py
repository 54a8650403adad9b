"""GET /api/v1/evidence/teachers/<id>/ and /api/v1/evidence/pupils/<id>/ with ?year= and
?format=json|xlsx|pdf: the evidence files, with the pages' rules (404 for whoever may not see
the teacher or pupil) and the same audit event per export, JSON included. GET
/api/v1/pupils/<id>/export/?format=json|pdf: everything held on the pupil (the principal only)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import HttpResponse
from django.urls import path
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import BaseParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from audit.services import AuditContext
from core.api import BaseApi, error_responses
from evidence import services
from evidence.render import PDF_TYPE, XLSX_TYPE


class JsonOnlyNegotiation(BaseContentNegotiation):
    """``?format=`` names the file format here, not a DRF renderer: answer JSON (data and
    errors) and let the view send files itself, so an unknown format is a 400, not a 404."""

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        renderer = next(iter(renderers))
        return renderer, renderer.media_type

    def select_parser(self, request: Request, parsers: Iterable[BaseParser]) -> BaseParser | None:
        return next(iter(parsers), None)


class FactSerializer(serializers.Serializer[Any]):
    # Declared fields leave the class body, so this does not shadow Field.label at run time.
    label = serializers.CharField()  # type: ignore[assignment]
    value = serializers.CharField()


class SectionSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    title = serializers.CharField()
    columns = serializers.ListField(child=serializers.CharField())
    rows = serializers.ListField(
        child=serializers.ListField(child=serializers.JSONField()),
        help_text=gettext_lazy("Cells as text (dates in ISO form), whole numbers as numbers."),
    )
    paragraphs = serializers.ListField(child=serializers.CharField())


class EvidenceDocumentSerializer(serializers.Serializer[Any]):
    title = serializers.CharField()
    facts = FactSerializer(many=True)
    row_count = serializers.IntegerField()
    sections = SectionSerializer(many=True)


_PARAMETERS = [
    OpenApiParameter(
        "year", int, description=gettext_lazy("Campaign year (活动年度); default: the current one.")
    ),
    OpenApiParameter(
        "format",
        str,
        enum=list(services.FORMATS),
        description=gettext_lazy("json (default), xlsx or pdf (an attachment)."),
    ),
]
_RESPONSES: dict[Any, Any] = {
    (200, "application/json"): EvidenceDocumentSerializer,
    (200, XLSX_TYPE): OpenApiResponse(OpenApiTypes.BINARY),
    (200, PDF_TYPE): OpenApiResponse(OpenApiTypes.BINARY),
    **error_responses(400, 404),
}


def _answer(export: services.ExportFile) -> HttpResponse | Response:
    if export.data is not None:
        response: HttpResponse | Response = Response(export.data)
    else:
        response = HttpResponse(export.content, content_type=export.content_type)
        response["Content-Disposition"] = content_disposition_header(True, export.filename) or "attachment"
    response["Cache-Control"] = "no-store"
    return response


class _EvidenceView(BaseApi):
    renderer_classes = [JSONRenderer]
    content_negotiation_class = JsonOnlyNegotiation


class TeacherEvidenceView(_EvidenceView):
    @extend_schema(
        tags=["evidence"],
        operation_id="evidence_teacher",
        summary="A member of staff's evidence file for a campaign year (评先选优、评职晋级)",
        parameters=_PARAMETERS,
        responses=_RESPONSES,
    )
    def get(self, request: Request, teacher_id: int) -> HttpResponse | Response:
        export = services.evidence_teacher_export(
            teacher_id=teacher_id,
            year=request.query_params.get("year"),
            export_format=request.query_params.get("format") or "json",
            user=self.user,
            context=AuditContext.from_request(request),
        )
        return _answer(export)


class PupilEvidenceView(_EvidenceView):
    @extend_schema(
        tags=["evidence"],
        operation_id="evidence_pupil",
        summary="A pupil's evidence file for a campaign year (综合素质评价)",
        parameters=_PARAMETERS,
        responses=_RESPONSES,
    )
    def get(self, request: Request, pupil_id: int) -> HttpResponse | Response:
        export = services.evidence_pupil_export(
            pupil_id=pupil_id,
            year=request.query_params.get("year"),
            export_format=request.query_params.get("format") or "json",
            user=self.user,
            context=AuditContext.from_request(request),
        )
        return _answer(export)


_SUBJECT_PARAMETERS = [
    OpenApiParameter(
        "format",
        str,
        enum=list(services.SUBJECT_FORMATS),
        description=gettext_lazy("json (default) or pdf (an attachment)."),
    ),
]
_SUBJECT_RESPONSES: dict[Any, Any] = {
    (200, "application/json"): EvidenceDocumentSerializer,
    (200, PDF_TYPE): OpenApiResponse(OpenApiTypes.BINARY),
    **error_responses(400, 404),
}


class PupilSubjectExportView(_EvidenceView):
    @extend_schema(
        tags=["evidence"],
        operation_id="pupils_subject_export",
        summary="Everything held on the pupil, for a guardian's request (the school's principal; "
        "never the content of confidential counselling notes)",
        parameters=_SUBJECT_PARAMETERS,
        responses=_SUBJECT_RESPONSES,
    )
    def get(self, request: Request, pupil_id: int) -> HttpResponse | Response:
        export = services.evidence_subject_export(
            pupil_id=pupil_id,
            export_format=request.query_params.get("format") or "json",
            user=self.user,
            context=AuditContext.from_request(request),
        )
        return _answer(export)


urlpatterns = [
    path("evidence/teachers/<id:teacher_id>/", TeacherEvidenceView.as_view(), name="api-evidence-teacher"),
    path("evidence/pupils/<id:pupil_id>/", PupilEvidenceView.as_view(), name="api-evidence-pupil"),
    path("pupils/<id:pupil_id>/export/", PupilSubjectExportView.as_view(), name="api-pupil-subject-export"),
]

"""Inspection endpoints (read-mostly). The selectors decide what is visible, the services who may act."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from audit.services import AuditContext
from core.api import BaseApi, error_responses, paginated
from inspections import services
from inspections.api.serializers import (
    AnswerSerializer,
    InspectionDetailSerializer,
    InspectionSerializer,
    RectificationFilterSerializer,
    RectificationSerializer,
)
from inspections.models import Finding, InspectionChecklistResult
from inspections.selectors import (
    inspection_get_for_user,
    inspection_list_for_user,
    inspection_list_page_queryset,
    rectification_get_for_user,
    rectification_list_for_user,
    rectification_list_page_queryset,
)

TAGS = ["inspections"]


class InspectionListView(BaseApi):
    @extend_schema(
        tags=TAGS,
        operation_id="inspections_list",
        summary="The inspections you may see",
        responses={200: InspectionSerializer(many=True), **error_responses()},
    )
    def get(self, request: Request) -> Response:
        inspections = inspection_list_page_queryset(inspection_list_for_user(user=self.user))
        return paginated(request, self, inspections, InspectionSerializer)


class InspectionDetailView(BaseApi):
    @extend_schema(
        tags=TAGS,
        operation_id="inspections_retrieve",
        summary="One inspection with its checklist and findings",
        responses={200: InspectionDetailSerializer, **error_responses(404)},
    )
    def get(self, request: Request, inspection_id: int) -> Response:
        inspection = inspection_get_for_user(user=self.user, inspection_id=inspection_id)
        inspection = (
            type(inspection)
            .objects.filter(pk=inspection.pk)
            .select_related("school")
            .prefetch_related(
                Prefetch(
                    "checklist",
                    queryset=InspectionChecklistResult.objects.select_related("item").order_by(
                        "item__order", "item__code"
                    ),
                ),
                Prefetch("findings", queryset=Finding.objects.select_related("rectification").order_by("id")),
                "inspectors",
                "sampled_cases",
                "families_visited",
            )
            .get()
        )
        return Response(InspectionDetailSerializer(inspection).data)


class RectificationListView(BaseApi):
    @extend_schema(
        tags=TAGS,
        operation_id="rectifications_list",
        summary="The rectifications you may see (?overdue=true for overdue ones)",
        parameters=[RectificationFilterSerializer],
        responses={200: RectificationSerializer(many=True), **error_responses(400)},
    )
    def get(self, request: Request) -> Response:
        filters = RectificationFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        rectifications = rectification_list_for_user(user=self.user, overdue=data["overdue"])
        if "state" in data:
            rectifications = rectifications.filter(state=data["state"])
        return paginated(
            request, self, rectification_list_page_queryset(rectifications), RectificationSerializer
        )


class RectificationAnswerView(BaseApi):
    @extend_schema(
        tags=TAGS,
        operation_id="rectifications_answer",
        summary="The school's principal or vice principal answers a rectification",
        request=AnswerSerializer,
        responses={200: RectificationSerializer, **error_responses(400, 403, 404, 409)},
    )
    def post(self, request: Request, rectification_id: int) -> Response:
        user = self.user
        rectification_get_for_user(user=user, rectification_id=rectification_id)
        data = AnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.rectification_answer(
            user=user,
            rectification_id=rectification_id,
            response=data.validated_data["response"],
            context=AuditContext.from_request(request),
        )
        return Response(
            RectificationSerializer(
                rectification_get_for_user(user=user, rectification_id=rectification_id)
            ).data
        )

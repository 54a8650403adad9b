"""Opinion endpoints. The selectors decide what is visible, the services who may act."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from audit.services import AuditContext
from core.api import BaseApi, error_responses, paginated
from opinions import services
from opinions.api.serializers import (
    OpinionFilterSerializer,
    OpinionRaiseSerializer,
    OpinionReceiveSerializer,
    OpinionSerializer,
    OpinionTransitionSerializer,
)
from opinions.selectors import opinion_get_for_user, opinion_list_for_user, opinion_list_page_queryset

TAGS = ["opinions"]


class OpinionListView(BaseApi):
    @extend_schema(
        tags=TAGS,
        operation_id="opinions_list",
        summary="The parents' opinions you may see",
        parameters=[OpinionFilterSerializer],
        responses={200: OpinionSerializer(many=True), **error_responses(400)},
    )
    def get(self, request: Request) -> Response:
        filters = OpinionFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        opinions = opinion_list_for_user(user=self.user)
        if "state" in data:
            opinions = opinions.filter(state=data["state"])
        if "about" in data:
            opinions = opinions.filter(about=data["about"])
        if "channel" in data:
            opinions = opinions.filter(channel=data["channel"])
        if data["overdue"]:
            opinions = opinions.overdue()  # type: ignore[attr-defined]
        return paginated(request, self, opinion_list_page_queryset(opinions), OpinionSerializer)

    @extend_schema(
        tags=TAGS,
        operation_id="opinions_receive",
        summary="Record an opinion received by phone, letter, meeting, mailbox or in person (no visit)",
        request=OpinionReceiveSerializer,
        responses={201: OpinionSerializer, **error_responses(400, 403, 404)},
    )
    def post(self, request: Request) -> Response:
        user = self.user
        body = OpinionReceiveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        opinion = services.opinion_receive(
            user=user,
            school_id=data["school"],
            channel=data["channel"],
            raised_on=data["raised_on"],
            about=data["about"],
            text=data["text"],
            pupil_id=data.get("pupil"),
            guardian_name=data.get("guardian_name", ""),
            about_teacher_id=data.get("about_teacher"),
            context=AuditContext.from_request(request),
        )
        return Response(
            OpinionSerializer(opinion_get_for_user(user=user, opinion_id=opinion.pk)).data, status=201
        )


class VisitOpinionView(BaseApi):
    @extend_schema(
        tags=TAGS,
        operation_id="opinions_raise_from_visit",
        summary="Route a parents' opinion heard on a recorded home visit to the school's leadership",
        request=OpinionRaiseSerializer,
        responses={201: OpinionSerializer, **error_responses(400, 403, 404, 409)},
    )
    def post(self, request: Request, visit_id: int) -> Response:
        user = self.user
        body = OpinionRaiseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        opinion = services.opinion_raise(
            user=user,
            visit_id=visit_id,
            about=data["about"],
            text=data["text"],
            guardian_name=data.get("guardian_name", ""),
            about_teacher_id=data.get("about_teacher"),
            context=AuditContext.from_request(request),
        )
        return Response(
            OpinionSerializer(opinion_get_for_user(user=user, opinion_id=opinion.pk)).data, status=201
        )


class OpinionTransitionView(BaseApi):
    @extend_schema(
        tags=TAGS,
        operation_id="opinions_transition",
        summary="A school leader moves an opinion: study, plan_rectification or complete",
        request=OpinionTransitionSerializer,
        responses={200: OpinionSerializer, **error_responses(400, 403, 404, 409)},
    )
    def post(self, request: Request, opinion_id: int, name: str) -> Response:
        user = self.user
        opinion_get_for_user(user=user, opinion_id=opinion_id)
        data = OpinionTransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.opinion_transition(
            user=user,
            opinion_id=opinion_id,
            name=name,
            data=dict(data.validated_data),
            context=AuditContext.from_request(request),
        )
        return Response(OpinionSerializer(opinion_get_for_user(user=user, opinion_id=opinion_id)).data)

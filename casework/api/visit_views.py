"""Home-visit endpoints (/api/v1/visits/, /api/v1/visit-plans/). Each view: authenticate, fetch
through a selector, validate with a serializer, call one service, render."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from audit.services import AuditContext, audit_view
from casework import services
from casework.api.serializers import (
    AppointmentSerializer,
    CaseDetailSerializer,
    FollowUpSerializer,
    GiftReportCreateSerializer,
    GiftReportSerializer,
    PlanAssignSerializer,
    VisitCreateSerializer,
    VisitFilterSerializer,
    VisitOpenCaseSerializer,
    VisitPlanCreateSerializer,
    VisitPlanSerializer,
    VisitRecordSerializer,
    VisitSerializer,
)
from casework.models import HomeVisit, VisitParticipant, stage_q
from casework.selectors import (
    case_get_for_user,
    visit_get_for_user,
    visit_gift_reports_for_user,
    visit_list_for_user,
    visit_plan_get_for_user,
    visit_plan_list_for_user,
)
from core.api import BaseApi, api_user, error_responses, paginated

TAGS = ["visits"]


def _filter_visits(visits: QuerySet[HomeVisit], filters: dict[str, Any], user_id: int) -> QuerySet[HomeVisit]:
    if "stage" in filters:
        visits = visits.filter(stage_q(filters["stage"]))
    if "kind" in filters:
        visits = visits.filter(kind=filters["kind"])
    if filters.get("mine"):
        visits = visits.filter(id__in=VisitParticipant.objects.filter(user_id=user_id).values("visit_id"))
    for name in ("pupil", "case", "plan", "school"):
        if name in filters:
            visits = visits.filter(**{f"{name}_id": filters[name]})
    return visits


def _visit_response(request: Request, visit_id: int, status_code: int = status.HTTP_200_OK) -> Response:
    visit = visit_get_for_user(user=api_user(request), visit_id=visit_id)
    return Response(VisitSerializer(visit).data, status=status_code)


class VisitListView(BaseApi):
    @extend_schema(
        tags=TAGS,
        operation_id="visits_list",
        summary="The home visits you may see",
        parameters=[VisitFilterSerializer],
        responses={200: VisitSerializer(many=True), **error_responses(400)},
    )
    def get(self, request: Request) -> Response:
        user = self.user
        filters = VisitFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        visits = _filter_visits(visit_list_for_user(user=user), filters.validated_data, user.pk)
        # "participants" (the serializer's field), not "participations": one query per page, not per row.
        visits = visits.select_related("pupil").prefetch_related("participants").order_by("-id")
        return paginated(request, self, visits, VisitSerializer)

    @extend_schema(
        tags=TAGS,
        operation_id="visits_create",
        summary="Plan a visit to a pupil (包人)",
        request=VisitCreateSerializer,
        responses={201: VisitSerializer, **error_responses(400, 403)},
    )
    def post(self, request: Request) -> Response:
        user = self.user
        data = VisitCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        visit = services.visit_create(
            user=user,
            pupil_id=data.validated_data["pupil"],
            kind=data.validated_data["kind"],
            participant_ids=data.validated_data["participants"],
            plan_id=data.validated_data["plan"],
            context=AuditContext.from_request(request),
        )
        return _visit_response(request, visit.pk, status.HTTP_201_CREATED)


class VisitDetailView(BaseApi):
    @extend_schema(
        tags=TAGS,
        operation_id="visits_retrieve",
        summary="One home visit",
        responses={200: VisitSerializer, **error_responses(404)},
    )
    def get(self, request: Request, visit_id: int) -> Response:
        visit = visit_get_for_user(user=self.user, visit_id=visit_id)
        audit_view(actor=self.user, visit=visit, context=AuditContext.from_request(request))
        return Response(VisitSerializer(visit).data)


class VisitAppointmentView(BaseApi):
    @extend_schema(
        tags=TAGS,
        operation_id="visits_appoint",
        summary="Record (or move) the appointment agreed with the guardians",
        request=AppointmentSerializer,
        responses={200: VisitSerializer, **error_responses(400, 403, 404, 409)},
    )
    def post(self, request: Request, visit_id: int) -> Response:
        user = self.user
        visit_get_for_user(user=user, visit_id=visit_id)
        data = AppointmentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        services.visit_appoint(
            user=user,
            visit_id=visit_id,
            scheduled_for=values["scheduled_for"],
            method=values["method"],
            guardian_id=values["guardian"],
            with_name=values["with_name"],
            agreed_at=values["agreed_at"],
            note=values["note"],
            context=AuditContext.from_request(request),
        )
        return _visit_response(request, visit_id)


class VisitRecordView(BaseApi):
    @extend_schema(
        tags=TAGS,
        operation_id="visits_record",
        summary="File (or correct) the record of the visit; only the fields sent change",
        request=VisitRecordSerializer,
        responses={200: VisitSerializer, **error_responses(400, 403, 404, 409)},
    )
    def post(self, request: Request, visit_id: int) -> Response:
        user = self.user
        visit_get_for_user(user=user, visit_id=visit_id)
        data = VisitRecordSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.visit_record(
            visit_id=visit_id,
            user=user,
            data=dict(data.validated_data),
            context=AuditContext.from_request(request),
        )
        return _visit_response(request, visit_id)


class VisitFollowUpView(BaseApi):
    @extend_schema(
        tags=TAGS,
        operation_id="visits_follow_up",
        summary="Plan a follow-up visit from a recorded visit",
        request=FollowUpSerializer,
        responses={201: VisitSerializer, **error_responses(400, 403, 404, 409)},
    )
    def post(self, request: Request, visit_id: int) -> Response:
        user = self.user
        visit_get_for_user(user=user, visit_id=visit_id)
        data = FollowUpSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        follow_up = services.visit_follow_up(
            user=user,
            visit_id=visit_id,
            participant_ids=data.validated_data["participants"],
            context=AuditContext.from_request(request),
        )
        return _visit_response(request, follow_up.pk, status.HTTP_201_CREATED)


class VisitOpenCaseView(BaseApi):
    @extend_schema(
        tags=TAGS,
        operation_id="visits_open_case",
        summary="Open a case for the pupil from a recorded visit without a case",
        request=VisitOpenCaseSerializer,
        responses={201: CaseDetailSerializer, **error_responses(400, 403, 404, 409)},
    )
    def post(self, request: Request, visit_id: int) -> Response:
        user = self.user
        visit_get_for_user(user=user, visit_id=visit_id)
        data = VisitOpenCaseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case = services.visit_open_case(
            user=user, visit_id=visit_id, **data.validated_data, context=AuditContext.from_request(request)
        )
        case = case_get_for_user(user=user, case_id=case.pk)
        return Response(
            CaseDetailSerializer(case, context={"request": request}).data, status=status.HTTP_201_CREATED
        )


class VisitGiftReportView(BaseApi):
    @extend_schema(
        tags=TAGS,
        operation_id="visits_gift_reports_list",
        summary="Refused or returned gifts (all for the school's leaders and inspectors, else your own)",
        responses={200: GiftReportSerializer(many=True), **error_responses(404)},
    )
    def get(self, request: Request, visit_id: int) -> Response:
        user = self.user
        visit = visit_get_for_user(user=user, visit_id=visit_id)
        return paginated(
            request, self, visit_gift_reports_for_user(visit=visit, user=user), GiftReportSerializer
        )

    @extend_schema(
        tags=TAGS,
        operation_id="visits_gift_reports_create",
        summary="Report a gift or banquet offered on the visit and refused or returned (清廉家访)",
        request=GiftReportCreateSerializer,
        responses={201: GiftReportSerializer, **error_responses(400, 403, 404)},
    )
    def post(self, request: Request, visit_id: int) -> Response:
        user = self.user
        visit_get_for_user(user=user, visit_id=visit_id)
        data = GiftReportCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.visit_gift_report(
            user=user, visit_id=visit_id, **data.validated_data, context=AuditContext.from_request(request)
        )
        return Response(GiftReportSerializer(report).data, status=status.HTTP_201_CREATED)


class VisitPlanListView(BaseApi):
    @extend_schema(
        tags=TAGS,
        operation_id="visit_plans_list",
        summary="The visit plans of your schools",
        responses={200: VisitPlanSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        plans = visit_plan_list_for_user(user=self.user).order_by("-starts_on", "-id")
        return paginated(request, self, plans, VisitPlanSerializer)

    @extend_schema(
        tags=TAGS,
        operation_id="visit_plans_create",
        summary="Plan the school's visits (leaders and school administrators)",
        request=VisitPlanCreateSerializer,
        responses={201: VisitPlanSerializer, **error_responses(400, 403, 404)},
    )
    def post(self, request: Request) -> Response:
        data = VisitPlanCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        plan = services.visit_plan_create(
            user=self.user,
            school_id=values["school"],
            title=values["title"],
            grouping=values["grouping"],
            kind=values["kind"],
            campaign_id=values["campaign"],
            term_id=values["term"],
            area_label=values["area_label"],
            classroom_id=values["classroom"],
            starts_on=values["starts_on"],
            ends_on=values["ends_on"],
            context=AuditContext.from_request(request),
        )
        return Response(VisitPlanSerializer(plan).data, status=status.HTTP_201_CREATED)


class VisitPlanDetailView(BaseApi):
    @extend_schema(
        tags=TAGS,
        operation_id="visit_plans_retrieve",
        summary="One visit plan",
        responses={200: VisitPlanSerializer, **error_responses(404)},
    )
    def get(self, request: Request, plan_id: int) -> Response:
        plan = visit_plan_get_for_user(user=self.user, plan_id=plan_id)
        return Response(VisitPlanSerializer(plan).data)


class VisitPlanAssignView(BaseApi):
    @extend_schema(
        tags=TAGS,
        operation_id="visit_plans_assign",
        summary="Plan one visit per pupil with the given staff (pupils already in the plan are skipped)",
        request=PlanAssignSerializer,
        responses={201: VisitSerializer(many=True), **error_responses(400, 403, 404)},
    )
    def post(self, request: Request, plan_id: int) -> Response:
        user = self.user
        visit_plan_get_for_user(user=user, plan_id=plan_id)
        data = PlanAssignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        visits = services.visit_plan_assign(
            user=user,
            plan_id=plan_id,
            pupil_ids=data.validated_data["pupils"],
            participant_ids=data.validated_data["participants"],
            context=AuditContext.from_request(request),
        )
        fresh = (
            HomeVisit.objects.filter(pk__in=[v.pk for v in visits])
            .select_related("pupil")
            .prefetch_related("participants")
            .order_by("id")
        )
        return Response(VisitSerializer(fresh, many=True).data, status=status.HTTP_201_CREATED)

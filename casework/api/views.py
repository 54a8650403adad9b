"""Case endpoints. Each view: authenticate, fetch through a selector, validate with a serializer,
call one service, render. Who may do what is decided by the services, never here."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from audit.services import AuditContext, audit_view
from casework import notes, services
from casework.api.serializers import (
    BreakGlassFilterSerializer,
    BreakGlassOpenSerializer,
    BreakGlassReviewSerializer,
    BreakGlassSerializer,
    CaseCreateSerializer,
    CaseDetailSerializer,
    CaseFilterSerializer,
    CaseSerializer,
    NoteCreateSerializer,
    NoteSerializer,
    PlanCreateSerializer,
    PlanSerializer,
    TransitionSerializer,
    VisitRecordSerializer,
    VisitScheduleSerializer,
    VisitSerializer,
)
from casework.models import Case, CaseCategory
from casework.selectors import (
    break_glass_list_for_user,
    case_get_for_user,
    case_list_for_user,
    case_list_page_queryset,
)
from casework.transitions import TRANSITIONS
from core.api import BaseApi, error_responses, paginated
from core.errors import NotFound

TAGS = ["cases"]


def _filter_cases(cases: QuerySet[Case], filters: dict[str, Any]) -> QuerySet[Case]:
    """Narrow the visible cases by the validated query parameters."""
    if "state" in filters:
        cases = cases.filter(state=filters["state"])
    if "category" in filters:
        cases = cases.filter(
            id__in=CaseCategory.objects.filter(category=filters["category"]).values("case_id")
        )
    if "school" in filters:
        cases = cases.filter(school_id=filters["school"])
    return cases


def _case_response(request: Request, case: Case, status_code: int = status.HTTP_200_OK) -> Response:
    return Response(CaseDetailSerializer(case, context={"request": request}).data, status=status_code)


class CaseListView(BaseApi):
    @extend_schema(
        tags=TAGS,
        operation_id="cases_list",
        summary="The cases you may see",
        parameters=[CaseFilterSerializer],
        responses={200: CaseSerializer(many=True), **error_responses(400)},
    )
    def get(self, request: Request) -> Response:
        user = self.user
        filters = CaseFilterSerializer(data=request.query_params, context={"request": request})
        filters.is_valid(raise_exception=True)
        cases = _filter_cases(case_list_for_user(user=user), filters.validated_data)
        return paginated(request, self, case_list_page_queryset(cases), CaseSerializer)

    @extend_schema(
        tags=TAGS,
        operation_id="cases_create",
        summary="Open a case (you become its owner)",
        request=CaseCreateSerializer,
        responses={201: CaseDetailSerializer, **error_responses(400, 403)},
    )
    def post(self, request: Request) -> Response:
        user = self.user
        data = CaseCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case = services.case_open(
            user=user,
            pupil_id=data.validated_data["pupil"],
            categories=data.validated_data["categories"],
            summary=data.validated_data["summary"],
            risk_level=data.validated_data["risk_level"],
            context=AuditContext.from_request(request),
        )
        case = case_get_for_user(user=user, case_id=case.pk)
        return _case_response(request, case, status.HTTP_201_CREATED)


class CaseDetailView(BaseApi):
    @extend_schema(
        tags=TAGS,
        operation_id="cases_retrieve",
        summary="One case, with the transitions you may take now",
        responses={200: CaseDetailSerializer, **error_responses(404)},
    )
    def get(self, request: Request, case_id: int) -> Response:
        user = self.user
        case = case_get_for_user(user=user, case_id=case_id)
        audit_view(actor=user, case=case, context=AuditContext.from_request(request))
        return _case_response(request, case)


class CaseTransitionView(BaseApi):
    @extend_schema(
        tags=TAGS,
        operation_id="cases_transition",
        summary="Take a transition of the case's state machine",
        parameters=[OpenApiParameter("name", str, OpenApiParameter.PATH, enum=list(TRANSITIONS))],
        request=TransitionSerializer,
        responses={200: CaseDetailSerializer, **error_responses(400, 403, 404, 409)},
    )
    def post(self, request: Request, case_id: int, name: str) -> Response:
        user = self.user
        case_get_for_user(user=user, case_id=case_id)
        data = TransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case = services.case_transition(
            case_id=case_id,
            user=user,
            name=name,
            comment=data.validated_data["comment"],
            outcome=data.validated_data["outcome"],
            context=AuditContext.from_request(request),
        )
        return _case_response(request, case)


class PlanListView(BaseApi):
    @extend_schema(
        tags=TAGS,
        operation_id="cases_plans_list",
        summary="The versions of the case's support plan, newest first",
        responses={200: PlanSerializer(many=True), **error_responses(404)},
    )
    def get(self, request: Request, case_id: int) -> Response:
        case = case_get_for_user(user=self.user, case_id=case_id)
        plans = case.plans.select_related("author").order_by("-version")
        return paginated(request, self, plans, PlanSerializer)

    @extend_schema(
        tags=TAGS,
        operation_id="cases_plans_create",
        summary="Add a version of the support plan",
        request=PlanCreateSerializer,
        responses={201: PlanSerializer, **error_responses(400, 403, 404, 409)},
    )
    def post(self, request: Request, case_id: int) -> Response:
        user = self.user
        case_get_for_user(user=user, case_id=case_id)
        data = PlanCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        plan = services.plan_create(
            case_id=case_id, user=user, **data.validated_data, context=AuditContext.from_request(request)
        )
        return Response(PlanSerializer(plan).data, status=status.HTTP_201_CREATED)


class VisitListView(BaseApi):
    @extend_schema(
        tags=TAGS,
        operation_id="cases_visits_list",
        summary="The case's home visits, by appointment",
        responses={200: VisitSerializer(many=True), **error_responses(404)},
    )
    def get(self, request: Request, case_id: int) -> Response:
        case = case_get_for_user(user=self.user, case_id=case_id)
        visits = case.visits.select_related("pupil").prefetch_related("participants")
        return paginated(request, self, visits.order_by("scheduled_for", "id"), VisitSerializer)

    @extend_schema(
        tags=TAGS,
        operation_id="cases_visits_create",
        summary="Record an appointment with the guardians",
        request=VisitScheduleSerializer,
        responses={201: VisitSerializer, **error_responses(400, 403, 404, 409)},
    )
    def post(self, request: Request, case_id: int) -> Response:
        user = self.user
        case_get_for_user(user=user, case_id=case_id)
        data = VisitScheduleSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        visit = services.visit_schedule(
            case_id=case_id, user=user, **data.validated_data, context=AuditContext.from_request(request)
        )
        return Response(VisitSerializer(visit).data, status=status.HTTP_201_CREATED)


class VisitDetailView(BaseApi):
    @extend_schema(
        tags=TAGS,
        operation_id="cases_visits_retrieve",
        summary="One home visit",
        responses={200: VisitSerializer, **error_responses(404)},
    )
    def get(self, request: Request, case_id: int, visit_id: int) -> Response:
        case = case_get_for_user(user=self.user, case_id=case_id)
        visit = case.visits.filter(pk=visit_id).first()
        if visit is None:
            raise NotFound(_("No such visit."))
        audit_view(actor=self.user, visit=visit, context=AuditContext.from_request(request))
        return Response(VisitSerializer(visit).data)

    @extend_schema(
        tags=TAGS,
        operation_id="cases_visits_record",
        summary="File (or correct) the record of the visit",
        request=VisitRecordSerializer,
        responses={200: VisitSerializer, **error_responses(400, 403, 404, 409)},
    )
    def patch(self, request: Request, case_id: int, visit_id: int) -> Response:
        user = self.user
        case_get_for_user(user=user, case_id=case_id)
        data = VisitRecordSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        visit = services.visit_record(
            case_id=case_id,
            visit_id=visit_id,
            user=user,
            data=dict(data.validated_data),
            context=AuditContext.from_request(request),
        )
        return Response(VisitSerializer(visit).data)


class NoteListView(BaseApi):
    """Confidential notes. No selector first: the notes module checks access itself, so that
    every refused attempt, even on a case the user cannot see, is audited."""

    @extend_schema(
        tags=TAGS,
        operation_id="cases_notes_list",
        summary=(
            "Confidential counselling notes (granted counsellors; a leader or inspector during an "
            "emergency access, read-only; every read is audited)"
        ),
        responses={200: NoteSerializer(many=True), **error_responses(403, 404)},
    )
    def get(self, request: Request, case_id: int) -> Response:
        views = notes.note_list(case_id=case_id, user=self.user, context=AuditContext.from_request(request))
        return paginated(request, self, views, NoteSerializer)

    @extend_schema(
        tags=TAGS,
        operation_id="cases_notes_create",
        summary="Write a confidential counselling note",
        request=NoteCreateSerializer,
        responses={201: NoteSerializer, **error_responses(400, 403, 404)},
    )
    def post(self, request: Request, case_id: int) -> Response:
        user = self.user
        data = NoteCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        note = notes.note_create(
            case_id=case_id,
            user=user,
            content=data.validated_data["content"],
            context=AuditContext.from_request(request),
        )
        view = notes.NoteView(
            id=note.pk,
            author_id=note.author_id,
            author_name=user.get_full_name(),
            created_at=note.created_at,
            content=notes.decrypt(note.ciphertext),
        )
        return Response(NoteSerializer(view).data, status=status.HTTP_201_CREATED)


class BreakGlassOpenView(BaseApi):
    """Break-glass (docs/break-glass.md): no selector first, the service checks and audits who asks."""

    @extend_schema(
        tags=TAGS,
        operation_id="cases_notes_break_glass",
        summary=(
            "Open a case's confidential notes in an emergency (the school's principal or vice "
            "principals, the bureau's inspectors): read-only, for WANJIA_BREAK_GLASS_MINUTES; the "
            "counsellors and inspectors are told at once"
        ),
        request=BreakGlassOpenSerializer,
        responses={201: BreakGlassSerializer, **error_responses(400, 403, 404, 409)},
    )
    def post(self, request: Request, case_id: int) -> Response:
        data = BreakGlassOpenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        grant = services.break_glass_open(
            case_id=case_id,
            user=self.user,
            reason=data.validated_data["reason"],
            context=AuditContext.from_request(request),
        )
        return Response(BreakGlassSerializer(grant).data, status=status.HTTP_201_CREATED)


class BreakGlassListView(BaseApi):
    @extend_schema(
        tags=TAGS,
        operation_id="break_glass_list",
        summary=(
            "Emergency accesses to notes, newest first: of the bureaus you inspect and the schools "
            "you lead (404 for everyone else)"
        ),
        parameters=[BreakGlassFilterSerializer],
        responses={200: BreakGlassSerializer(many=True), **error_responses(400, 404)},
    )
    def get(self, request: Request) -> Response:
        filters = BreakGlassFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        accesses = break_glass_list_for_user(user=self.user, reviewed=filters.validated_data.get("reviewed"))
        return paginated(request, self, accesses, BreakGlassSerializer)


class BreakGlassReviewView(BaseApi):
    @extend_schema(
        tags=TAGS,
        operation_id="break_glass_review",
        summary="Mark an emergency access reviewed, with a comment (the bureau's inspectors, not the opener)",
        request=BreakGlassReviewSerializer,
        responses={200: BreakGlassSerializer, **error_responses(400, 403, 404, 409)},
    )
    def post(self, request: Request, access_id: int) -> Response:
        data = BreakGlassReviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        grant = services.break_glass_review(
            access_id=access_id,
            user=self.user,
            comment=data.validated_data["comment"],
            context=AuditContext.from_request(request),
        )
        return Response(BreakGlassSerializer(grant).data)

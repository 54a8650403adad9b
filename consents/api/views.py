"""Consent endpoints. The selectors decide who sees the consents, the services who may act."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from audit.services import AuditContext
from consents import selectors, services
from consents.api.serializers import ConsentCreateSerializer, ConsentSerializer, ConsentWithdrawSerializer
from core.api import BaseApi, error_responses, paginated

TAGS = ["consents"]


class PupilConsentListView(BaseApi):
    @extend_schema(
        tags=TAGS,
        operation_id="pupils_consents_list",
        summary="The pupil's consent records, newest first, each with its status",
        responses={200: ConsentSerializer(many=True), **error_responses(404)},
    )
    def get(self, request: Request, pupil_id: int) -> Response:
        pupil, _roles = selectors.consent_pupil_get_for_user(user=self.user, pupil_id=pupil_id)
        return paginated(request, self, selectors.annotated_history(pupil=pupil), ConsentSerializer)

    @extend_schema(
        tags=TAGS,
        operation_id="pupils_consents_create",
        summary="Record a guardian's decision on one purpose (the class teacher, the school's leaders)",
        request=ConsentCreateSerializer,
        responses={201: ConsentSerializer, **error_responses(400, 403, 404)},
    )
    def post(self, request: Request, pupil_id: int) -> Response:
        user = self.user
        selectors.consent_pupil_get_for_user(user=user, pupil_id=pupil_id)
        data = ConsentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        consent = services.consent_record(
            user=user,
            pupil_id=pupil_id,
            purpose=values["purpose"],
            granted=values["granted"],
            guardian_id=values["guardian"],
            guardian_name=values["guardian_name"],
            context=AuditContext.from_request(request),
        )
        return Response(ConsentSerializer(consent).data, status=status.HTTP_201_CREATED)


class ConsentWithdrawView(BaseApi):
    @extend_schema(
        tags=TAGS,
        operation_id="consents_withdraw",
        summary="Record that the guardians withdrew a consent (its current record only)",
        request=ConsentWithdrawSerializer,
        responses={200: ConsentSerializer, **error_responses(400, 403, 404, 409)},
    )
    def post(self, request: Request, consent_id: int) -> Response:
        user = self.user
        selectors.consent_get_for_user(user=user, consent_id=consent_id)
        data = ConsentWithdrawSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        consent = services.consent_withdraw(
            user=user,
            consent_id=consent_id,
            reason=data.validated_data["reason"],
            context=AuditContext.from_request(request),
        )
        return Response(ConsentSerializer(consent).data)

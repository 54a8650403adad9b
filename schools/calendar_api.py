"""Programme calendar endpoints of the REST API v1: /api/v1/campaigns/ (staff of the bureau read)
and PATCH /api/v1/campaigns/{id}/phases/{phase_id}/ (the bureau's inspectors)."""

from __future__ import annotations

from typing import Any

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from audit.services import AuditContext
from core.api import BaseApi, error_responses, paginated
from core.errors import NotFound
from schools.calendar import (
    FIRST_YEAR,
    LAST_YEAR,
    campaign_get_for_user,
    campaign_list_for_user,
    campaign_phase_update,
    phase_get_for_edit,
)
from schools.models import Campaign, CampaignPhase

TAGS = ["calendar"]


class CampaignPhaseSerializer(serializers.ModelSerializer[CampaignPhase]):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = CampaignPhase
        fields = ["id", "kind", "kind_display", "starts_on", "ends_on", "order"]
        read_only_fields = fields


class CampaignSerializer(serializers.ModelSerializer[Campaign]):
    """A campaign year with its phases (prefetched: no per-row queries)."""

    phases = CampaignPhaseSerializer(many=True, read_only=True)

    class Meta:
        model = Campaign
        fields = ["id", "bureau", "year", "name", "starts_on", "ends_on", "phases"]
        read_only_fields = fields


class CampaignFilterSerializer(serializers.Serializer[Any]):
    year = serializers.IntegerField(
        required=False, min_value=FIRST_YEAR, max_value=LAST_YEAR, help_text=_("Only this year's campaign.")
    )


class PhaseDatesSerializer(serializers.Serializer[Any]):
    """New dates of a phase; a date left out keeps its current value."""

    starts_on = serializers.DateField(required=False)
    ends_on = serializers.DateField(required=False)


class CampaignListView(BaseApi):
    @extend_schema(
        tags=TAGS,
        operation_id="campaigns_list",
        summary="The campaign years of your bureaus, with their phases",
        parameters=[CampaignFilterSerializer],
        responses={200: CampaignSerializer(many=True), **error_responses(400, 403)},
    )
    def get(self, request: Request) -> Response:
        user = self.user
        filters = CampaignFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        campaigns = campaign_list_for_user(user=user)
        if "year" in filters.validated_data:
            campaigns = campaigns.filter(year=filters.validated_data["year"])
        return paginated(request, self, campaigns, CampaignSerializer)


class CampaignDetailView(BaseApi):
    @extend_schema(
        tags=TAGS,
        operation_id="campaigns_retrieve",
        summary="One campaign year with its phases",
        responses={200: CampaignSerializer, **error_responses(404)},
    )
    def get(self, request: Request, campaign_id: int) -> Response:
        campaign = campaign_get_for_user(user=self.user, campaign_id=campaign_id)
        return Response(CampaignSerializer(campaign).data)


class CampaignPhaseView(BaseApi):
    @extend_schema(
        tags=TAGS,
        operation_id="campaigns_phases_partial_update",
        summary="Change a phase's dates (the bureau's inspectors)",
        request=PhaseDatesSerializer,
        responses={200: CampaignPhaseSerializer, **error_responses(400, 403, 404)},
    )
    def patch(self, request: Request, campaign_id: int, phase_id: int) -> Response:
        user = self.user
        phase = phase_get_for_edit(user=user, phase_id=phase_id)
        if phase.campaign_id != campaign_id:
            raise NotFound(_("No such campaign phase."))
        data = PhaseDatesSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        updated = campaign_phase_update(
            phase=phase,
            starts_on=data.validated_data.get("starts_on", phase.starts_on),
            ends_on=data.validated_data.get("ends_on", phase.ends_on),
            actor=user,
            context=AuditContext.from_request(request),
        )
        return Response(CampaignPhaseSerializer(updated).data)


urlpatterns = [
    path("campaigns/", CampaignListView.as_view(), name="api-campaign-list"),
    path("campaigns/<id:campaign_id>/", CampaignDetailView.as_view(), name="api-campaign-detail"),
    path(
        "campaigns/<id:campaign_id>/phases/<id:phase_id>/",
        CampaignPhaseView.as_view(),
        name="api-campaign-phase",
    ),
]

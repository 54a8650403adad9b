"""Pupil endpoints of the REST API v1 (read-only): /api/v1/pupils/ and /api/v1/pupils/{id}/."""

from __future__ import annotations

from typing import Any

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from audit.services import AuditContext, audit_view
from core.api import BaseApi, api_user, error_responses, paginated
from schools.models import Guardian, Pupil
from schools.selectors import classroom_list_for_user, pupil_get_for_user, pupil_search_for_user

TAGS = ["pupils"]


class PupilSerializer(serializers.ModelSerializer[Pupil]):
    """A pupil on a list: the row and its class, no per-row queries."""

    classroom_label = serializers.SerializerMethodField()

    class Meta:
        model = Pupil
        fields = [
            "id",
            "name",
            "student_number",
            "gender",
            "birth_date",
            "school",
            "classroom",
            "classroom_label",
            *Pupil.SPECIAL_GROUP_FIELDS,
            "is_active",
        ]
        read_only_fields = fields

    def get_classroom_label(self, pupil: Pupil) -> str:
        return pupil.classroom.label if pupil.classroom is not None else ""


class GuardianSerializer(serializers.ModelSerializer[Guardian]):
    class Meta:
        model = Guardian
        fields = ["name", "relation", "phone", "lives_with_pupil", "works_away"]
        read_only_fields = fields


class PupilDetailSerializer(PupilSerializer):
    guardians = GuardianSerializer(many=True, read_only=True)

    class Meta(PupilSerializer.Meta):
        fields = [*PupilSerializer.Meta.fields, "guardians"]
        read_only_fields = fields


class PupilFilterSerializer(serializers.Serializer[Any]):
    """Query parameters of the pupil list; a value that cannot be chosen is a 400."""

    classroom = serializers.IntegerField(required=False, help_text=_("Id of a class of this year."))
    search = serializers.CharField(
        required=False, max_length=64, help_text=_("Part of the name or the student number.")
    )

    def validate_classroom(self, value: int) -> int:
        user = api_user(self.context["request"])
        if not classroom_list_for_user(user=user).filter(pk=value).exists():
            raise serializers.ValidationError(_("No such class."))
        return value


class PupilListView(BaseApi):
    @extend_schema(
        tags=TAGS,
        operation_id="pupils_list",
        summary="Pupils on roll whose roster you may read",
        parameters=[PupilFilterSerializer],
        responses={200: PupilSerializer(many=True), **error_responses(400)},
    )
    def get(self, request: Request) -> Response:
        user = self.user
        filters = PupilFilterSerializer(data=request.query_params, context={"request": request})
        filters.is_valid(raise_exception=True)
        pupils = pupil_search_for_user(
            user=user,
            classroom_id=filters.validated_data.get("classroom"),
            query=filters.validated_data.get("search", ""),
        )
        return paginated(request, self, pupils, PupilSerializer)


class PupilDetailView(BaseApi):
    @extend_schema(
        tags=TAGS,
        operation_id="pupils_retrieve",
        summary="One pupil, with the guardians",
        responses={200: PupilDetailSerializer, **error_responses(404)},
    )
    def get(self, request: Request, pupil_id: int) -> Response:
        user = self.user
        pupil = pupil_get_for_user(user=user, pupil_id=pupil_id)
        audit_view(actor=user, pupil=pupil, context=AuditContext.from_request(request))
        return Response(PupilDetailSerializer(pupil).data)


urlpatterns = [
    path("pupils/", PupilListView.as_view(), name="api-pupil-list"),
    path("pupils/<id:pupil_id>/", PupilDetailView.as_view(), name="api-pupil-detail"),
]

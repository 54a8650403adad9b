"""Staff endpoints of the REST API v1, for principals, vice principals and school administrators
of the school: GET/POST /api/v1/schools/{school_id}/staff/ and
POST /api/v1/schools/{school_id}/staff/{user_id}/invitation/. Any other school is a 404."""

from __future__ import annotations

from typing import Any

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.invitations import Channel, IssuedInvitation, site_url
from audit.services import AuditContext
from core.api import BaseApi, error_responses, paginated
from schools.models import Membership
from schools.staff import (
    StaffMember,
    school_get_for_staff_admin,
    staff_add,
    staff_invite,
    staff_list,
    staff_member_get,
)

TAGS = ["staff"]
# How an invitation was delivered (the schema's InvitationChannelEnum).
CHANNELS: tuple[str, ...] = tuple(channel.value for channel in Channel)


class StaffMemberSerializer(serializers.Serializer[StaffMember]):
    """A member of staff of the school, with their active roles there."""

    id = serializers.IntegerField(source="user.pk", help_text=_("The person's user id."))
    username = serializers.CharField(source="user.username")
    full_name = serializers.CharField(source="user.full_name")
    phone = serializers.CharField(source="user.phone")
    email = serializers.CharField(source="user.email")
    roles = serializers.ListField(child=serializers.ChoiceField(choices=Membership.Role.choices))
    joined = serializers.BooleanField(help_text=_("Whether the person has chosen a password."))
    invitation_expires_at = serializers.DateTimeField(
        allow_null=True, help_text=_("When their pending invitation expires; null when none is pending.")
    )


class StaffCreateSerializer(serializers.Serializer[Any]):
    full_name = serializers.CharField(max_length=64)
    phone = serializers.CharField(max_length=32, help_text=_("Mobile phone; the invitation is texted to it."))
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    username = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=150,
        help_text=_("Default: the phone number."),
    )
    roles = serializers.ListField(
        child=serializers.ChoiceField(choices=Membership.Role.choices), min_length=1, max_length=6
    )


class InvitationSerializer(serializers.Serializer[IssuedInvitation]):
    """A new invitation. The link and the code are in this answer only: Wanjia keeps their hashes."""

    link = serializers.CharField(help_text=_("Single-use link to choose a password."))
    code = serializers.CharField(
        source="display_code",
        help_text=_("The code to read out, typed on the joining page with the username."),
    )
    expires_at = serializers.DateTimeField(source="invitation.expires_at")
    channels = serializers.ListField(
        child=serializers.ChoiceField(choices=CHANNELS),
        help_text=_("How it was sent besides this answer (none: pass it on yourself)."),
    )


class StaffCreatedSerializer(serializers.Serializer[Any]):
    member = StaffMemberSerializer()
    invitation = InvitationSerializer()


class StaffListView(BaseApi):
    @extend_schema(
        tags=TAGS,
        operation_id="schools_staff_list",
        summary="The active staff of a school you manage",
        responses={200: StaffMemberSerializer(many=True), **error_responses(404)},
    )
    def get(self, request: Request, school_id: int) -> Response:
        school = school_get_for_staff_admin(user=self.user, school_id=school_id)
        return paginated(request, self, staff_list(school=school), StaffMemberSerializer)

    @extend_schema(
        tags=TAGS,
        operation_id="schools_staff_create",
        summary="Add a member of staff and invite them",
        request=StaffCreateSerializer,
        responses={201: StaffCreatedSerializer, **error_responses(400, 404)},
    )
    def post(self, request: Request, school_id: int) -> Response:
        user = self.user
        school = school_get_for_staff_admin(user=user, school_id=school_id)
        data = StaffCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        added = staff_add(
            school=school,
            actor=user,
            base_url=site_url(request),
            context=AuditContext.from_request(request),
            **data.validated_data,
        )
        body = StaffCreatedSerializer({"member": added.member, "invitation": added.invitation}).data
        return Response(body, status=status.HTTP_201_CREATED)


class StaffInvitationView(BaseApi):
    @extend_schema(
        tags=TAGS,
        operation_id="schools_staff_invitation_create",
        summary="Send a new invitation to a member of staff who has not joined (replaces the pending one)",
        request=None,
        responses={201: InvitationSerializer, **error_responses(403, 404, 409)},
    )
    def post(self, request: Request, school_id: int, user_id: int) -> Response:
        user = self.user
        school = school_get_for_staff_admin(user=user, school_id=school_id)
        member = staff_member_get(school=school, user_id=user_id)
        issued = staff_invite(
            school=school,
            user=member.user,
            actor=user,
            base_url=site_url(request),
            context=AuditContext.from_request(request),
        )
        return Response(InvitationSerializer(issued).data, status=status.HTTP_201_CREATED)


urlpatterns = [
    path("schools/<id:school_id>/staff/", StaffListView.as_view(), name="api-staff-list"),
    path(
        "schools/<id:school_id>/staff/<id:user_id>/invitation/",
        StaffInvitationView.as_view(),
        name="api-staff-invitation",
    ),
]

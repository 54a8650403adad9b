"""The second factor in API v1: the token endpoint's optional ``otp`` field and a school leader's
reset of a colleague's second factor. (Sessions that owe it are refused in mfa.authentication.)"""

from __future__ import annotations

from typing import Any

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.authentication import SessionScheme
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.request import Request
from rest_framework.response import Response

from audit.services import AuditContext
from core.api import BaseApi, ErrorSerializer, error_responses
from mfa.services import mfa_reset


class MfaSessionScheme(SessionScheme):
    """The schema's ``cookieAuth`` is still Django's session (mfa.authentication only refuses more)."""

    target_class = "mfa.authentication.MfaSessionAuthentication"


@extend_schema_serializer(component_name="AuthToken")
class TokenRequestSerializer(AuthTokenSerializer):
    """Username and password, and the second factor's code for an account that has one, in; the
    token out."""

    otp = serializers.CharField(
        required=False,
        allow_blank=True,
        write_only=True,
        max_length=32,
        trim_whitespace=True,
        help_text=_(
            "The 6-digit code from the authenticator app, or an unused recovery code: needed when "
            "the account has two-factor sign-in (otherwise 403 with code mfa_required)."
        ),
    )


MFA_REQUIRED_RESPONSE = OpenApiResponse(
    ErrorSerializer,
    description=_(
        "code `mfa_required`: the password was right, but the account signs in with a second factor; "
        "send `otp`. Also when the second factor is compulsory and not yet set up on the website."
    ),
)


class MfaResetSerializer(serializers.Serializer[Any]):
    school = serializers.IntegerField(
        help_text=_("Id of the school whose principal or vice principal you are.")
    )


class MfaResetView(BaseApi):
    @extend_schema(
        tags=["staff"],
        operation_id="staff_mfa_reset",
        summary="Reset a colleague's second factor (principals and vice principals)",
        description=_(
            "Deletes the colleague's authenticator app and recovery codes and ends all their sessions "
            "and API tokens; their next login sets up a new second factor. Audited as mfa.reset."
        ),
        request=MfaResetSerializer,
        responses={204: None, **error_responses(400, 403, 404)},
    )
    def post(self, request: Request, user_id: int) -> Response:
        data = MfaResetSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        mfa_reset(
            actor=self.user,
            user_id=user_id,
            school_id=data.validated_data["school"],
            context=AuditContext.from_request(request),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


urlpatterns = [
    path("staff/<id:user_id>/mfa/reset/", MfaResetView.as_view(), name="api-staff-mfa-reset"),
]

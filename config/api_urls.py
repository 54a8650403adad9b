"""/api/v1/ routes: tokens, pupils, the calendar, cases, inspections, parents' opinions, audit events,
tasks, staff (joining, leaving, second-factor resets), the support ledger, attachments, guardians'
consents, tutoring and counselling sessions, special-group archives, the six ones, evidence files
(and the pupil's data-subject export), the OpenAPI schema and its docs page."""

from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseBase
from django.urls import include, path, re_path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.lockout import is_locked_out, lockout_seconds
from accounts.models import ApiToken
from accounts.services import api_token_issue
from audit.services import AuditContext
from core.api import ErrorSerializer, NotFoundView
from core.errors import ErrorCode
from mfa.api import MFA_REQUIRED_RESPONSE
from mfa.api import TokenRequestSerializer as MfaTokenRequestSerializer
from mfa.services import token_login_check


class TokenRequestSerializer(MfaTokenRequestSerializer):
    """Username and password (and ``otp`` for an account with a second factor), and the device."""

    token = None  # type: ignore[assignment]  # only in the answer (TokenIssuedSerializer)
    name = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=ApiToken.NAME_LENGTH,
        write_only=True,
        help_text=_("The device the token is for, to tell your tokens apart (optional)."),
    )


class TokenIssuedSerializer(serializers.Serializer[Any]):
    token = serializers.CharField(help_text=_("The key: shown this once, never again."))
    id = serializers.IntegerField(help_text=_("The token's id, to revoke it by."))
    expires_at = serializers.DateTimeField()


class TokenView(APIView):
    """POST {"username", "password"} → {"token"}; then send ``Authorization: Token <token>``.
    An account with two-factor sign-in also sends {"otp"}."""

    # A login needs no prior credentials (and a stale token header must not turn it into a 401).
    authentication_classes = ()
    permission_classes = ()

    @extend_schema(
        tags=["auth"],
        operation_id="auth_token_create",
        request=TokenRequestSerializer,
        responses={
            200: TokenIssuedSerializer,
            403: MFA_REQUIRED_RESPONSE,
            429: OpenApiResponse(
                ErrorSerializer,
                description=_(
                    "Locked out (`locked_out`) after too many failed sign-ins to this account or from "
                    "this address: wait as long as Retry-After says."
                ),
            ),
        },
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # A failed attempt is recorded as auth.login_failed by the user_login_failed receiver and
        # counted by the sign-in lockout (accounts/lockout.py), which refuses while it lasts.
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        if not serializer.is_valid():
            if is_locked_out(request):
                raise exceptions.Throttled(
                    wait=lockout_seconds(),
                    detail=gettext("Too many failed sign-ins to this account or from this address."),
                    code=ErrorCode.LOCKED_OUT,
                )
            raise exceptions.ValidationError(serializer.errors)
        user = serializer.validated_data["user"]
        # The second factor (docs/people.md); outside any transaction, so that a wrong code's
        # throttle and audit event are kept.
        token_login_check(
            user=user,
            otp=serializer.validated_data.get("otp", ""),
            context=AuditContext.from_request(request),
        )
        token, key = api_token_issue(
            user=user,
            name=serializer.validated_data.get("name", ""),
            request=request._request,
        )
        return Response(
            TokenIssuedSerializer({"token": key, "id": token.pk, "expires_at": token.expires_at}).data
        )


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI, for signed-in users (SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"]). The page loads
    its start-up script as a second request (``?script``), so the Content-Security-Policy needs
    no inline script, and its few styles from a static file; anonymous visitors go to the login
    page, as on every other page."""

    template_name = "core/api_docs.html"

    # DRF finalises any HttpResponseBase a handler returns, not only its own Response.
    def handle_exception(self, exc: Exception) -> HttpResponseBase:  # type: ignore[override]
        if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
            return redirect_to_login(self.request.get_full_path())
        return super().handle_exception(exc)


urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("", include("accounts.api")),
    path("", include("schools.api")),
    path("", include("schools.calendar_api")),
    path("", include("schools.staff_api")),
    path("", include("casework.api.urls")),
    path("", include("inspections.api.urls")),
    path("", include("opinions.api.urls")),
    path("", include("audit_browser.api")),
    path("", include("workflows.api.urls")),
    path("", include("support.api")),
    path("", include("attachments.api.urls")),
    path("", include("consents.api.urls")),
    path("", include("care.api.urls")),
    path("", include("sixones.api")),
    path("", include("evidence.api")),
    path("", include("mfa.api")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", DocsView.as_view(url_name="api-schema"), name="api-docs"),
    # Last: anything else under /api/v1/ is a JSON 404, not Django's HTML page.
    re_path(r"^", NotFoundView.as_view()),
]

"""/api/v1/ routes: token, pupils, the calendar, cases, inspections, parents' opinions, audit events,
tasks, the support ledger, attachments, guardians' consents, tutoring and counselling sessions,
special-group archives, the six ones, evidence files (and the pupil's data-subject export), resets of staff's second factors, the OpenAPI schema and its docs page."""

from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import HttpResponseBase
from django.urls import include, path, re_path
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import exceptions
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from audit.services import AuditContext, audit_record
from core.api import NotFoundView
from core.parsers import JSONParser
from mfa.api import MFA_REQUIRED_RESPONSE, TokenRequestSerializer
from mfa.services import token_login_check
from schools.selectors import home_school_id


class TokenThrottle(ScopedRateThrottle):
    """Password guessing at the token endpoint, limited per client address (WANJIA_TOKEN_RATE)."""

    def get_rate(self) -> str:
        return str(settings.WANJIA_TOKEN_RATE)  # read per request, so tests can override it

    def get_ident(self, request: Request) -> str:
        # The audited address: X-Forwarded-For only behind our own proxy, never as the client says.
        return AuditContext.from_request(request).ip or ""


class TokenView(ObtainAuthToken):
    """POST {"username", "password"} → {"token"}; then send ``Authorization: Token <token>``.
    An account with two-factor sign-in also sends {"otp"}."""

    # A login needs no prior credentials (and a stale token header must not turn it into a 401).
    authentication_classes = ()
    # ObtainAuthToken names DRF's parsers itself; ours refuses a body nested deep enough for a 500.
    parser_classes = (FormParser, MultiPartParser, JSONParser)
    throttle_classes = (TokenThrottle,)
    throttle_scope = "auth_token"
    serializer_class = TokenRequestSerializer  # AuthTokenSerializer + the optional "otp"

    @extend_schema(responses={200: TokenRequestSerializer, 403: MFA_REQUIRED_RESPONSE})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # A failed attempt is recorded as auth.login_failed by the user_login_failed receiver.
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        # The second factor (docs/people.md); outside the transaction below, so that a wrong
        # code's throttle and audit event are kept.
        token_login_check(
            user=user,
            otp=serializer.validated_data.get("otp", ""),
            context=AuditContext.from_request(request),
        )
        with transaction.atomic():
            token, created = Token.objects.get_or_create(user=user)
            audit_record(
                action="auth.token_issued",
                actor=user,
                target=user,  # never the token itself: its key is the credential
                school_id=home_school_id(user),
                detail={"new_token": created},
                context=AuditContext.from_request(request),
            )
        return Response({"token": token.key})


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

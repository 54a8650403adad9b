"""/api/v1/ routes: token, pupils, cases, audit events, the OpenAPI schema and its docs page."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.authtoken.views import ObtainAuthToken

from config.api import NotFoundView


class TokenView(ObtainAuthToken):
    """POST {"username", "password"} → {"token"}; then send ``Authorization: Token <token>``."""

    # A login needs no prior credentials (and a stale token header must not turn it into a 401).
    authentication_classes = ()


urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("", include("schools.api")),
    path("", include("casework.api.urls")),
    path("", include("audit.api")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    # Last: anything else under /api/v1/ is a JSON 404, not Django's HTML page.
    re_path(r"^", NotFoundView.as_view()),
]

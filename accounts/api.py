"""Your own API tokens: /api/v1/auth/tokens/ (list) and /api/v1/auth/tokens/{id}/ (revoke).
Tokens are issued by POST /api/v1/auth/token/ (config/api_urls.py)."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import ApiToken
from accounts.selectors import api_token_list_for_user
from accounts.services import api_token_revoke
from core.api import BaseApi, error_responses, paginated

TAGS = ["auth"]


class ApiTokenSerializer(serializers.ModelSerializer[ApiToken]):
    """A live token as its owner sees it: never the key, only how it begins."""

    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "expires_at", "last_used_at"]
        read_only_fields = fields


class TokenListView(BaseApi):
    @extend_schema(
        tags=TAGS,
        operation_id="auth_tokens_list",
        summary="Your live API tokens (neither revoked nor expired), newest first; never their keys",
        responses={200: ApiTokenSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        return paginated(request, self, api_token_list_for_user(user=self.user), ApiTokenSerializer)


class TokenDetailView(BaseApi):
    @extend_schema(
        tags=TAGS,
        operation_id="auth_tokens_destroy",
        summary="Revoke one of your tokens (another's, or one no longer live, is 404)",
        responses={204: None, **error_responses(404)},
    )
    def delete(self, request: Request, token_id: int) -> Response:
        api_token_revoke(user=self.user, token_id=token_id, request=request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


urlpatterns = [
    path("auth/tokens/", TokenListView.as_view(), name="api-token-list"),
    path("auth/tokens/<id:token_id>/", TokenDetailView.as_view(), name="api-token-detail"),
]

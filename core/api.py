"""API-wide plumbing: pagination, the JSON error shape {"detail": ..., "code": ...}, the base
view and the small helpers every endpoint uses. Part of the kernel: imports nothing of ours but
``core``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema_field
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import DomainError, ErrorCode, Invalid
from core.signals import announce_refusal

if TYPE_CHECKING:
    from accounts.models import User


class Pagination(PageNumberPagination):
    """{"count", "next", "previous", "results"}; ?page=, ?page_size= up to 100."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 100


def _first_message(data: Any) -> str:
    if isinstance(data, dict):
        for value in data.values():
            return _first_message(value)
    if isinstance(data, list) and data:
        return _first_message(data[0])
    return str(data)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Every error is JSON: {"detail": str, "code": str}, plus "errors" per field on 400."""
    if isinstance(exc, DomainError):
        request = context.get("request")
        if request is not None:
            # A refused existing record is audited (core.signals); the answer stays the same.
            announce_refusal(request=request, user=request.user, error=exc)
        body: dict[str, Any] = {"detail": exc.message, "code": exc.code}
        if isinstance(exc, Invalid) and exc.errors:
            body["errors"] = exc.errors
        return Response(body, status=exc.status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {
            "detail": _first_message(exc.detail) if exc.detail else _("Invalid input."),
            "code": "invalid",
            "errors": exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail},
        }
        response.status_code = status.HTTP_400_BAD_REQUEST
        return response
    if isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        response.data = {
            "detail": str(exc.detail)
            if not isinstance(exc.detail, dict | list)
            else _first_message(exc.detail),
            "code": codes if isinstance(codes, str) else exc.default_code,
        }
    return response


# The stable values of an error's "code" (the schema's ErrorCodeEnum).
ERROR_CODES: tuple[str, ...] = tuple(ErrorCode)

# Per field: its messages; or, for a list or a nested object, the same again per item or field.
_MESSAGES = {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "object"}]}}


@extend_schema_field({"type": "object", "additionalProperties": {"anyOf": [_MESSAGES, {"type": "object"}]}})
class _ErrorsField(serializers.DictField):
    pass


class ErrorSerializer(serializers.Serializer[Any]):
    """The body of every error response (for the schema)."""

    detail = serializers.CharField()
    code = serializers.ChoiceField(choices=ERROR_CODES)
    # Declared fields leave the class body, so this does not shadow Serializer.errors at run time.
    errors = _ErrorsField(  # type: ignore[assignment]
        required=False, help_text=gettext_lazy("Messages per field, on 400 only.")
    )


_ERROR_DESCRIPTIONS = {
    400: gettext_lazy("Invalid input; `errors` says which fields."),
    401: gettext_lazy("Not authenticated."),
    403: gettext_lazy(
        "You see this but may not do it; or, signed in with the session cookie, the session has not "
        "passed its second factor (code `mfa_required`)."
    ),
    404: gettext_lazy("Not found, or not visible to you."),
    409: gettext_lazy(
        "Not possible in the case's current state, a condition is unmet, or a concurrent change won."
    ),
    415: gettext_lazy("The body's Content-Type is not one this operation takes."),
    429: gettext_lazy("Too many attempts: wait as long as Retry-After says."),
}


def error_responses(*codes: int) -> dict[int, OpenApiResponse]:
    """Schema entries for the error statuses an operation can answer with (401 always)."""
    return {
        code: OpenApiResponse(ErrorSerializer, description=_ERROR_DESCRIPTIONS[code])
        for code in sorted({401, *codes})
    }


def api_user(request: Request) -> User:
    """The authenticated user (the views require authentication)."""
    user = request.user
    if not isinstance(user, get_user_model()):
        raise exceptions.NotAuthenticated()
    return user


def paginated(
    request: Request,
    view: APIView,
    items: Sequence[Any] | QuerySet[Any],
    serializer: type[BaseSerializer[Any]],
) -> Response:
    """One page of ``items`` as {"count", "next", "previous", "results"}."""
    paginator = Pagination()
    # Django's Paginator takes lists as well as querysets (the stubs say querysets only).
    page = paginator.paginate_queryset(cast(Any, items), request, view=view)
    assert page is not None  # page_size is set
    return paginator.get_paginated_response(serializer(page, many=True, context={"request": request}).data)


class BaseApi(APIView):
    """An endpoint of ours. DRF authenticates, checks permissions (signed in, by default) and
    throttles in ``initial()``; then the user is resolved once, as ``self.user``."""

    user: User

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        self.user = api_user(request)


class NotFoundView(APIView):
    """Any other path under /api/v1/ (a non-integer id, a typo): a JSON 404, never an HTML page."""

    authentication_classes: list[Any] = []
    permission_classes: list[Any] = []
    schema = None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        raise exceptions.NotFound()

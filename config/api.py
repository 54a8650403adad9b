"""API-wide plumbing: pagination and the JSON error shape {"detail": ..., "code": ...}."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from casework.errors import CaseError, CaseInvalid


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
    if isinstance(exc, CaseError):
        body: dict[str, Any] = {"detail": exc.message, "code": exc.code}
        if isinstance(exc, CaseInvalid) and exc.errors:
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

"""The OpenAPI schema of API v1 (drf-spectacular), as the responses are really sent."""

from __future__ import annotations

import copy
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import Direction
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination

from core.api import Pagination, error_responses


class ApiSchema(AutoSchema):
    """The schema says what is sent: every list a GET answers is one page of ``Pagination`` (as
    ``paginated`` builds it, 404 past the last page), an output-only choice of a blank model
    field may be "", and the errors any operation can answer are documented without asking
    (400 on every operation: an address holding a NUL character)."""

    def _get_paginator(self) -> PageNumberPagination | None:
        return super()._get_paginator() or (Pagination() if self.method == "GET" else None)

    def _get_response_bodies(self, direction: Direction = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        codes = {404} if "{" in self.path or (self.method == "GET" and self._is_list_view()) else set()
        # Any operation answers 400 to a NUL character in its address (core.middleware.RejectNulMiddleware).
        codes.add(400)
        if self.view.get_permissions():
            # 403: also a session that has not passed its second factor (mfa.authentication).
            codes |= {401, 403}
        if self.method in ("POST", "PUT", "PATCH") and self.get_request_serializer() is not None:
            codes |= {400, 415}  # a body that does not parse, or of another media type
        if self.view.get_throttles():
            codes.add(429)
        for code, error in error_responses(*codes).items():  # (it always offers 401)
            if code in codes and str(code) not in responses:
                responses[str(code)] = self._get_response_for_code(error, str(code), direction=direction)
        return responses

    def _map_serializer_field(self, field: Any, direction: Direction, bypass_extensions: bool = False) -> Any:
        if type(field) is serializers.ChoiceField and field.read_only and not field.allow_blank:
            model = getattr(getattr(field.parent, "Meta", None), "model", None)
            try:
                blank = model is not None and model._meta.get_field(field.source).blank
            except FieldDoesNotExist:
                blank = False
            if blank:  # ModelSerializer drops allow_blank from read-only fields; the value stays.
                field = copy.copy(field)
                field.allow_blank = True
        return super()._map_serializer_field(field, direction, bypass_extensions)

"""Errors of the inspection layer. They subclass the case errors, so the pages and the API
(config/api.py) map them the same way: 404 unseen, 403 wrong role, 409 conflict, 400 invalid."""

from __future__ import annotations

from casework.errors import CaseConflict, CaseError, CaseInvalid, CaseNotFound, CasePermissionDenied


class InspectionError(CaseError):
    pass


class NotFound(CaseNotFound):
    pass


class PermissionDenied(CasePermissionDenied):
    pass


class Conflict(CaseConflict):
    pass


class Invalid(CaseInvalid):
    pass

"""Errors of the care layer; subclasses of the case errors, so pages and the API map them the
same way: 404 unseen, 403 wrong role, 409 conflict, 400 invalid."""

from __future__ import annotations

from casework.errors import CaseConflict, CaseInvalid, CaseNotFound, CasePermissionDenied


class NotFound(CaseNotFound):
    pass


class PermissionDenied(CasePermissionDenied):
    pass


class Conflict(CaseConflict):
    pass


class Invalid(CaseInvalid):
    pass

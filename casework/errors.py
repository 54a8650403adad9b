"""Errors raised by case services and selectors; pages and the API map them to responses."""

from __future__ import annotations

from django.utils.functional import Promise


class CaseError(Exception):
    status = 400
    code = "invalid"

    def __init__(self, message: str | Promise, *, code: str | None = None) -> None:
        super().__init__(str(message))
        self.message = str(message)
        if code:
            self.code = code


class CaseNotFound(CaseError):
    """The case (or its record) does not exist for this user."""

    status = 404
    code = "not_found"


class CasePermissionDenied(CaseError):
    """The user sees the case but may not do this."""

    status = 403
    code = "permission_denied"


class CaseConflict(CaseError):
    """Not possible from the current state, a condition is unmet, or a concurrent change won."""

    status = 409
    code = "conflict"


class CaseInvalid(CaseError):
    """Bad input; ``errors`` maps field names to messages."""

    status = 400
    code = "invalid"

    def __init__(self, message: str | Promise, *, errors: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or {}

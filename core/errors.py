"""The domain's errors. Services and selectors raise them; pages (core.middleware) and the API
(core.api.exception_handler) turn them into responses: 404 unseen, 403 seen but not allowed,
409 not possible now, 400 bad input with the fields named.

Every ``code`` is one of ``ErrorCode``: clients may branch on it, so codes are stable and the
OpenAPI schema lists them as an enum."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Model
from django.utils.functional import Promise


class ErrorCode(StrEnum):
    """The stable ``code`` of every error body the API sends."""

    # Ours, raised by the domain.
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    PERMISSION_DENIED = "permission_denied"
    CONFLICT = "conflict"
    CONCURRENT = "concurrent"
    INVALID_STATE = "invalid_state"
    UNKNOWN_TRANSITION = "unknown_transition"
    PLAN_MISSING = "plan_missing"
    PLAN_UNCHANGED = "plan_unchanged"
    APPOINTMENT_MISSING = "appointment_missing"
    VISIT_RECORD_MISSING = "visit_record_missing"
    COMMENT_REQUIRED = "comment_required"
    CONSENT_MISSING = "consent_missing"
    EXISTS = "exists"
    ALREADY_JOINED = "already_joined"
    FOUR_EYES = "four_eyes"
    MFA_REQUIRED = "mfa_required"
    NO_ARCHIVE = "no_archive"
    NO_RECTIFICATION_NEEDED = "no_rectification_needed"
    NO_VISITS = "no_visits"
    NOT_ACADEMIC = "not_academic"
    NOT_MEMBER = "not_member"
    NOT_PSYCHOLOGICAL = "not_psychological"
    SAME_OWNER = "same_owner"
    TASK_DONE = "task_done"
    TASK_TAKEN = "task_taken"
    VISIT_HAS_CASE = "visit_has_case"
    VISIT_NOT_RECORDED = "visit_not_recorded"
    VISIT_RECORDED = "visit_recorded"
    LOCKED_OUT = "locked_out"  # too many failed sign-ins (429, accounts/lockout.py)
    # Django REST framework's, for errors raised before our code runs.
    NOT_AUTHENTICATED = "not_authenticated"
    AUTHENTICATION_FAILED = "authentication_failed"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    NOT_ACCEPTABLE = "not_acceptable"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    PARSE_ERROR = "parse_error"
    THROTTLED = "throttled"
    ERROR = "error"


@dataclass(frozen=True)
class Refusal:
    """A record that exists but was refused to the user, for the audit trail: the record, the
    school it belongs to (whose principal then sees the attempt), and its case and pupil when it
    has them (for the case's trail and the pupil's access log).

    A selector attaches one to the NotFound it raises for an existing record; the page
    middleware and the API's exception handler announce it (core.signals.access_refused) when
    the error becomes the answer, and the audit trail records it (``access.refused``). A record
    that does not exist has no school to tell, and no refusal."""

    target: Model
    school_id: int | None
    case_id: int | None = None
    pupil_id: int | None = None


class DomainError(Exception):
    status = 400
    code: str = ErrorCode.INVALID

    def __init__(
        self, message: str | Promise, *, code: str | None = None, refusal: Refusal | None = None
    ) -> None:
        # ``code`` is one of ErrorCode (tests/api/test_schema.py finds every code the apps raise).
        super().__init__(str(message))
        self.message = str(message)
        self.refusal = refusal
        if code:
            self.code = code


class NotFound(DomainError):
    """The object does not exist, or this user may not see it."""

    status = 404
    code = ErrorCode.NOT_FOUND


class Forbidden(DomainError):
    """The user sees the object but may not do this."""

    status = 403
    code = ErrorCode.PERMISSION_DENIED


class Conflict(DomainError):
    """Not possible from the current state, a condition is unmet, or a concurrent change won."""

    status = 409
    code = ErrorCode.CONFLICT


class Invalid(DomainError):
    """Bad input; ``errors`` maps field names to messages."""

    status = 400
    code = ErrorCode.INVALID

    def __init__(self, message: str | Promise, *, errors: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or {}

"""The trail listens to the kernel: every refused access to an existing record is recorded
(``access.refused``), with the school it was aimed at, so that school's principal sees attempts on
their pupils. Connected in ``AuditConfig.ready()``."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.dispatch import receiver

from accounts.models import User
from audit.services import AuditContext, audit_record
from core.errors import Refusal
from core.signals import access_refused

ACCESS_REFUSED = "access.refused"


@receiver(access_refused, dispatch_uid="audit.access_refused")
def record_access_refused(
    sender: Any, *, request: Any, user: Any, refusal: Refusal, status: int, **kwargs: Any
) -> None:
    """One event per refused request: who, which record, its school, case and pupil, and how it
    was asked for (method, path; never the query string or the body). The error becomes the
    answer just after, outside any transaction of the view, so the event is committed on its own."""
    detail: dict[str, Any] = {"method": request.method, "path": request.path[:300], "status": status}
    if refusal.pupil_id is not None:
        detail["pupil_id"] = refusal.pupil_id
    with transaction.atomic():
        audit_record(
            action=ACCESS_REFUSED,
            actor=user if isinstance(user, User) else None,
            target=refusal.target,
            case_id=refusal.case_id,
            school_id=refusal.school_id,
            detail=detail,
            context=AuditContext.from_request(request),
        )

"""The reports' writes: an audit event when a report is read outside its school or exported."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from audit.services import AuditContext, audit_record

if TYPE_CHECKING:
    from accounts.models import User
    from reports.build import Report

VIEWED = "report.viewed"
EXPORTED = "report.exported"


def report_access_record(
    *, user: User, report: Report, action: str, context: AuditContext | None = None
) -> None:
    """Record who read (``report.viewed``) or exported (``report.exported``) which report.

    No figure of the report goes into the event: only which report, school, year and whether
    it was suppressed.
    """
    if action not in (VIEWED, EXPORTED):
        raise ValueError(action)
    with transaction.atomic():
        audit_record(
            action=action,
            actor=user,
            target=report.school or report.bureau,
            school_id=report.school.pk if report.school else None,
            detail={
                "report": report.kind,
                "bureau": report.bureau.code,
                "school": report.school.code if report.school else None,
                "year": report.year.name if report.year else None,
                "suppressed": report.suppressed,
            },
            context=context,
        )

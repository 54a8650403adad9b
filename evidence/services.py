"""Exports of evidence files (评先选优、评职晋级 for teachers, 综合素质评价 for pupils).

One service per kind of file: check who asks (404), read the year and the format (400), build the
document, render it and write the ``evidence.exported`` audit event in one transaction, so that no
file leaves without its event and every event names exactly the rows sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import AuditContext, audit_record
from core.errors import Invalid
from evidence import build, render
from evidence.document import EvidenceDocument, as_json
from evidence.selectors import (
    parse_year,
    period_for,
    pupil_get_for_export,
    pupil_get_for_subject_export,
    teacher_get_for_export,
)

FORMATS = ("json", "xlsx", "pdf")
SUBJECT_FORMATS = ("json", "pdf")


@dataclass(frozen=True)
class ExportFile:
    filename: str
    content_type: str
    content: bytes  # empty for JSON: the API sends ``data``
    data: dict[str, Any] | None
    rows: int


def _format(export_format: str, formats: tuple[str, ...] = FORMATS) -> str:
    if export_format not in formats:
        message = _("Choose one of the formats: %(formats)s.") % {"formats": ", ".join(formats)}
        raise Invalid(message, errors={"format": [message]})
    return export_format


def _file(document: EvidenceDocument, export_format: str) -> ExportFile:
    if export_format == "json":
        filename = f"{document.file_stem}.json"
        return ExportFile(filename, "application/json", b"", as_json(document), document.row_count)
    if export_format == "xlsx":
        content, content_type = render.xlsx_bytes(document), render.XLSX_TYPE
    else:
        content, content_type = render.pdf_bytes(document), render.PDF_TYPE
    return ExportFile(
        f"{document.file_stem}.{export_format}", content_type, content, None, document.row_count
    )


def evidence_teacher_export(
    *,
    teacher_id: int,
    year: str | None,
    export_format: str,
    user: User,
    context: AuditContext | None = None,
) -> ExportFile:
    """A member of staff's file for a campaign year, audited as ``evidence.exported``."""
    teacher, school = teacher_get_for_export(user=user, teacher_id=teacher_id)
    export_format = _format(export_format)
    period = period_for(bureau_id=school.bureau_id, year=parse_year(year, bureau_id=school.bureau_id))
    with transaction.atomic():
        document = build.teacher_document(viewer=user, teacher=teacher, school=school, period=period)
        result = _file(document, export_format)
        audit_record(
            action="evidence.exported",
            actor=user,
            target=teacher,
            school_id=school.pk,
            detail={
                "subject": "teacher",
                "teacher_id": teacher.pk,
                "format": export_format,
                "year": period.year,
                "rows": result.rows,
            },
            context=context,
        )
    return result


def evidence_pupil_export(
    *,
    pupil_id: int,
    year: str | None,
    export_format: str,
    user: User,
    context: AuditContext | None = None,
) -> ExportFile:
    """A pupil's file for a campaign year, audited as ``evidence.exported``."""
    pupil = pupil_get_for_export(user=user, pupil_id=pupil_id)
    export_format = _format(export_format)
    bureau_id = pupil.school.bureau_id
    period = period_for(bureau_id=bureau_id, year=parse_year(year, bureau_id=bureau_id))
    with transaction.atomic():
        document = build.pupil_document(viewer=user, pupil=pupil, period=period)
        result = _file(document, export_format)
        audit_record(
            action="evidence.exported",
            actor=user,
            target=pupil,
            school_id=pupil.school_id,
            detail={
                "subject": "pupil",
                "pupil_id": pupil.pk,
                "format": export_format,
                "year": period.year,
                "rows": result.rows,
            },
            context=context,
        )
    return result


def evidence_subject_export(
    *, pupil_id: int, export_format: str, user: User, context: AuditContext | None = None
) -> ExportFile:
    """Everything held on a pupil, for a guardian's request (the pupil's school's principal only),
    audited as ``pupil.subject_export`` before it is sent (docs/evidence-exports.md)."""
    pupil = pupil_get_for_subject_export(user=user, pupil_id=pupil_id)
    export_format = _format(export_format, SUBJECT_FORMATS)
    with transaction.atomic():
        document = build.subject_document(viewer=user, pupil=pupil)
        result = _file(document, export_format)
        audit_record(
            action="pupil.subject_export",
            actor=user,
            target=pupil,
            school_id=pupil.school_id,
            detail={
                "pupil_id": pupil.pk,
                "format": export_format,
                "rows": result.rows,
                "sections": {section.key: len(section.rows) for section in document.sections},
            },
            context=context,
        )
    return result

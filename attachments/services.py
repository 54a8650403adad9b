"""Writes on attachments: upload, remove, and the audited download. One transaction each."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import IO, TYPE_CHECKING

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from attachments import access, files
from attachments.models import Attachment
from attachments.selectors import attachment_case, attachment_get_for_user
from attachments.storage import private_storage
from audit.services import AuditContext, audit_record
from casework.models import Case, HomeVisit
from casework.selectors import case_get_for_user, visit_get_for_user
from consents.models import Consent, Purpose
from consents.rules import consent_require
from consents.selectors import consent_get_for_user
from core.errors import Conflict, Forbidden, Invalid, NotFound

if TYPE_CHECKING:
    from accounts.models import User

CAPTION_MAX = 200


def too_large_message() -> str:
    return _("The file is larger than %(limit)s.") % {
        "limit": filesizeformat(settings.WANJIA_ATTACHMENT_MAX_BYTES)
    }


def _read_limited(chunks: Iterable[bytes]) -> bytes:
    """The whole file, counted chunk by chunk: refused as soon as it passes the limit."""
    limit = settings.WANJIA_ATTACHMENT_MAX_BYTES
    data = bytearray()
    for chunk in chunks:
        data += chunk
        if len(data) > limit:
            raise Invalid(too_large_message(), errors={"file": [too_large_message()]})
    return bytes(data)


def _known(visit: HomeVisit | None) -> HomeVisit:
    assert visit is not None
    return visit


def _school_id(*, case: Case | None, visit: HomeVisit | None, consent: Consent | None) -> int:
    if consent is not None:
        return consent.school_id
    if visit is not None:
        return access.visit_school_id(visit)
    assert case is not None
    return case.school_id


def _locked_case(case_id: int) -> Case:
    # Locks the case against a concurrent close, so nothing is attached to a case once it is closed.
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("pupil__classroom", "school")
        .get(pk=case_id)
    )


def attachment_upload(
    *,
    user: User,
    name: str,
    chunks: Iterable[bytes],
    case_id: int | None = None,
    visit_id: int | None = None,
    consent_id: int | None = None,
    caption: str = "",
    context: AuditContext | None = None,
) -> Attachment:
    """Attach a file to a case, a home visit or a consent (exactly one). Checked by content, then
    stored. A photo of a home visit needs the guardians' consent to home-visit photos."""
    if sum(parent is not None for parent in (case_id, visit_id, consent_id)) != 1:
        raise ValueError("attach to exactly one of a case, a visit or a consent")
    case: Case | None = None
    visit: HomeVisit | None = None
    consent: Consent | None = None
    if case_id is not None:
        case = case_get_for_user(user=user, case_id=case_id)
        allowed = access.may_upload_to_case(case, user)
        denied = access.UPLOAD_DENIED
    elif visit_id is not None:
        visit = visit_get_for_user(user=user, visit_id=visit_id)
        case = access.visit_case(visit)
        allowed = access.may_upload_to_visit(visit, user)
        denied = access.UPLOAD_DENIED
    else:
        assert consent_id is not None
        consent, _roles = consent_get_for_user(user=user, consent_id=consent_id)
        allowed = access.may_upload_to_consent(consent, user)
        denied = access.CONSENT_UPLOAD_DENIED
    if not allowed:
        raise Forbidden(denied)
    caption = " ".join((caption or "").split())
    if len(caption) > CAPTION_MAX:
        message = _("Keep the caption under %(count)d characters.") % {"count": CAPTION_MAX}
        raise Invalid(message, errors={"caption": [message]})

    # Read and check before any lock is taken: a slow upload must not hold up the case.
    data = _read_limited(chunks)
    try:
        kind = files.check(data, name)
        data = files.strip_metadata(data, kind)
    except files.FileRejected as exc:
        raise Invalid(exc.message, errors={"file": [exc.message]}) from exc
    is_visit_photo = visit is not None and kind.content_type in access.PHOTO_TYPES
    if is_visit_photo:
        assert visit is not None
        # Checked once before the bytes are stored, and again under the lock below.
        consent_require(pupil=visit.pupil, purpose=Purpose.HOME_VISIT_PHOTOS, field="file")

    stored_name = ""
    try:
        with transaction.atomic():
            if case is not None:
                case = _locked_case(case.pk)  # the state as it is now, not as it was read
                if access.is_closed(case):
                    raise Conflict(_("The case is closed."), code="invalid_state")
            if is_visit_photo:
                # Under the pupil's lock, which a withdrawal of the consent also takes.
                consent_require(
                    pupil=_known(visit).pupil, purpose=Purpose.HOME_VISIT_PHOTOS, field="file", lock=True
                )
            attachment = Attachment(
                school_id=_school_id(case=case, visit=visit, consent=consent),
                case=case if visit is None and consent is None else None,
                visit=visit,
                consent=consent,
                original_name=files.clean_name(name, kind),
                content_type=kind.content_type,
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                caption=caption,
                uploaded_by=user,
                uploaded_at=timezone.now(),
            )
            attachment.file.save("upload", ContentFile(data), save=False)
            stored_name = attachment.file.name or ""
            attachment.full_clean()
            attachment.save()
            audit_record(
                action="attachment.uploaded",
                actor=user,
                target=attachment,
                case_id=case.pk if case is not None else None,
                school_id=attachment.school_id,
                # The caption stays out of the append-only trail: it may describe the family.
                detail={
                    "visit": visit.pk if visit is not None else None,
                    **({"consent": consent.pk, "pupil_id": consent.pupil_id} if consent is not None else {}),
                    "name": attachment.original_name,
                    "content_type": attachment.content_type,
                    "size": attachment.size,
                    "sha256": attachment.sha256,
                },
                context=context,
            )
    except BaseException:
        if stored_name:  # the row was not written: the file must not stay behind
            private_storage.delete(stored_name)
        raise
    return attachment


def attachment_remove(*, user: User, attachment_id: int, context: AuditContext | None = None) -> Attachment:
    """Soft-delete: the row and the audit trail stay, the stored bytes are erased after commit."""
    seen = attachment_get_for_user(user=user, attachment_id=attachment_id)
    with transaction.atomic():
        case = attachment_case(seen)
        if case is not None:
            case = _locked_case(case.pk)
        attachment = Attachment.objects.select_for_update().filter(pk=seen.pk).first()
        if attachment is None or attachment.is_removed:
            raise NotFound(_("No such attachment."))
        if not access.may_remove(
            uploaded_by_id=attachment.uploaded_by_id,
            case=case,
            visit=seen.visit,
            consent=seen.consent,
            user=user,
        ):
            raise Forbidden(_("Only the person who attached the file or the principal may remove it."))
        if access.is_closed(case):
            raise Conflict(_("The case is closed."), code="invalid_state")
        attachment.removed_at = timezone.now()
        attachment.removed_by = user
        attachment.full_clean()
        attachment.save(update_fields=["removed_at", "removed_by"])
        audit_record(
            action="attachment.removed",
            actor=user,
            target=attachment,
            case_id=case.pk if case is not None else None,
            school_id=attachment.school_id,
            detail={
                "visit": attachment.visit_id,
                **({"consent": attachment.consent_id} if attachment.consent_id else {}),
                "name": attachment.original_name,
                "sha256": attachment.sha256,
                "uploaded_by": attachment.uploaded_by_id,
            },
            context=context,
        )
        stored_name = attachment.file.name or ""
        transaction.on_commit(lambda: private_storage.delete(stored_name))
    return attachment


def attachment_download(
    *, user: User, attachment_id: int, context: AuditContext | None = None
) -> tuple[Attachment, IO[bytes]]:
    """The attachment and its open file, after recording the download (committed on its own)."""
    attachment = attachment_get_for_user(user=user, attachment_id=attachment_id)
    try:
        handle = private_storage.open(attachment.file.name or "", "rb")
    except (OSError, ValueError) as exc:
        raise NotFound(_("The file is missing.")) from exc
    try:
        case = attachment_case(attachment)
        with transaction.atomic():
            audit_record(
                action="attachment.downloaded",
                actor=user,
                target=attachment,
                case_id=case.pk if case is not None else None,
                school_id=attachment.school_id,
                detail={
                    "visit": attachment.visit_id,
                    **({"consent": attachment.consent_id} if attachment.consent_id else {}),
                    "name": attachment.original_name,
                },
                context=context,
            )
    except BaseException:
        handle.close()
        raise
    return attachment, handle

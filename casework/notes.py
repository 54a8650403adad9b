"""Confidential counselling notes: encrypted at rest, readable only by counsellors granted on
the case, every read and every refused attempt audited.

Nobody else reads them: not the owner, not a superuser (``case_roles`` gives the superuser flag,
global permissions and groups no power), and the Django admin does not list them. A principal,
vice principal or inspector reads them only through break-glass: an emergency access with a
written reason, for a limited time, read-only, announced at once and reviewed afterwards
(``casework.services.breakglass``, docs/break-glass.md).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import AuditContext, audit_record
from casework import access
from casework.models import BreakGlassAccess, Case, CounsellingNote
from core.converters import BIGINT_MAX
from core.errors import Forbidden, Invalid, NotFound

if TYPE_CHECKING:
    from accounts.models import User

MAX_NOTE_LENGTH = 20_000


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("WANJIA_NOTES_KEYS is empty: confidential notes cannot be encrypted.")
    return MultiFernet([Fernet(key.encode()) for key in keys])


def _cipher() -> MultiFernet:
    return _fernet(tuple(settings.WANJIA_NOTES_KEYS))


def encrypt(content: str) -> bytes:
    return _cipher().encrypt(content.encode("utf-8"))


def decrypt(token: bytes) -> str:
    return _cipher().decrypt(bytes(token)).decode("utf-8")


@dataclass(frozen=True)
class NoteView:
    id: int
    author_id: int
    author_name: str
    created_at: datetime.datetime
    content: str


def notes_access_check(
    *,
    case_id: int,
    user: User,
    action: str,
    context: AuditContext | None,
    detail: dict[str, str] | None = None,
    refusal: str | None = None,
) -> Case:
    """The case, if the user is a counsellor granted on it; otherwise audit the refusal and raise.

    Used by every write that puts content into the notes (``care`` counselling sessions too), so
    refused attempts are recorded the same way whatever the page (their paths take any number of
    digits, ``<audited_id:...>``: an id past the database's range is a refused attempt too). An
    emergency access (break-glass) never passes here: it reads, it does not write."""
    case, _access = _notes_access(
        case_id=case_id,
        user=user,
        action=action,
        context=context,
        detail=detail,
        refusal=refusal,
        read=False,
    )
    return case


def _notes_access(
    *,
    case_id: int,
    user: User,
    action: str,
    context: AuditContext | None,
    detail: dict[str, str] | None,
    refusal: str | None,
    read: bool,
) -> tuple[Case, BreakGlassAccess | None]:
    """The case and, for a reader through break-glass, their unexpired emergency access."""
    case = Case.objects.filter(pk=case_id).select_related("pupil", "pupil__classroom", "school").first()
    roles = access.case_roles(case, user) if case is not None else frozenset()
    if case is not None and access.NOTES in roles:
        return case, None
    emergency = None
    if case is not None and access.BREAK_GLASS in roles:
        emergency = break_glass_active(case=case, user=user)
        if read and emergency is not None:
            return case, emergency
    reason = "not_granted" if roles else "not_visible"
    extra: dict[str, Any] = {}
    if emergency is not None:  # a write during an emergency access
        reason, extra = "break_glass_read_only", {"break_glass": emergency.pk}
    elif case is not None and roles & access.BREAK_GLASS_ELIGIBLE:
        expired = (
            BreakGlassAccess.objects.filter(case=case, user=user).order_by("-expires_at").only("pk").first()
        )
        if expired is not None:
            reason, extra = "break_glass_expired", {"break_glass": expired.pk}
    # An id no case can have does not fit the trail's case column: the detail keeps it instead.
    in_range = 0 <= case_id <= BIGINT_MAX
    # The refusal is recorded in its own transaction so that it survives the error.
    with transaction.atomic():
        audit_record(
            action=f"{action}_refused",
            actor=user,
            target=case if roles else None,
            case_id=case_id if in_range else None,
            school_id=case.school_id if case is not None and roles else None,
            detail={
                "reason": reason,
                **extra,
                **({} if in_range else {"case_id": str(case_id)}),
                **(detail or {}),
            },
            context=context,
        )
    if not roles:
        raise NotFound(_("No such case."))
    if emergency is not None:
        raise Forbidden(_("Emergency access lets you read the notes, not write them."))
    raise Forbidden(refusal or _("Only the counsellors granted on this case may read or write its notes."))


def break_glass_active(*, case: Case, user: User) -> BreakGlassAccess | None:
    """The user's unexpired emergency access to the case's notes, if any (the latest)."""
    return (
        BreakGlassAccess.objects.filter(case=case, user=user, expires_at__gt=timezone.now())
        .order_by("-expires_at", "-id")
        .first()
    )


def note_list(*, case_id: int, user: User, context: AuditContext | None = None) -> list[NoteView]:
    """Decrypt the case's notes for a granted counsellor, or for a leader or inspector during
    their emergency access, and record the read (with the emergency access it went through)."""
    case, emergency = _notes_access(
        case_id=case_id,
        user=user,
        action="note.read",
        context=context,
        detail=None,
        refusal=None,
        read=True,
    )
    # Notes destroyed under the retention policy have no content left to show.
    notes = list(
        case.counselling_notes.filter(destroyed_at__isnull=True)
        .select_related("author")
        .order_by("created_at", "id")
    )
    detail: dict[str, Any] = {"notes": [note.pk for note in notes]}
    if emergency is not None:
        detail["break_glass"] = emergency.pk
    with transaction.atomic():
        audit_record(
            action="note.read",
            actor=user,
            target=case,
            case_id=case.pk,
            school_id=case.school_id,
            detail=detail,
            context=context,
        )
    try:
        return [
            NoteView(
                id=note.pk,
                author_id=note.author_id,
                author_name=note.author.get_full_name(),
                created_at=note.created_at,
                content=decrypt(note.ciphertext),
            )
            for note in notes
        ]
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "A counselling note cannot be decrypted with WANJIA_NOTES_KEYS; keep old keys until rotated."
        ) from exc


def note_create(
    *, case_id: int, user: User, content: str, context: AuditContext | None = None
) -> CounsellingNote:
    content = (content or "").strip()
    case = notes_access_check(case_id=case_id, user=user, action="note.write", context=context)
    if not content:
        raise Invalid(_("The note is empty."), errors={"content": [_("Write the note.")]})
    if len(content) > MAX_NOTE_LENGTH:
        raise Invalid(
            _("The note is too long."),
            errors={"content": [_("At most %(max)s characters.") % {"max": MAX_NOTE_LENGTH}]},
        )
    with transaction.atomic():
        note = CounsellingNote.objects.create(case=case, author=user, ciphertext=encrypt(content))
        audit_record(
            action="note.create",
            actor=user,
            target=note,
            case_id=case.pk,
            school_id=case.school_id,
            detail={"length": len(content)},  # never the content
            context=context,
        )
    return note


def notes_rotate(*, batch_size: int = 500) -> int:
    """Re-encrypt every note with the first key of WANJIA_NOTES_KEYS; returns how many."""
    cipher = _cipher()
    done = 0
    ids = list(
        CounsellingNote.objects.filter(destroyed_at__isnull=True).order_by("pk").values_list("pk", flat=True)
    )
    for start in range(0, len(ids), batch_size):
        with transaction.atomic():
            batch = CounsellingNote.objects.select_for_update().filter(
                pk__in=ids[start : start + batch_size], destroyed_at__isnull=True
            )
            for note in batch:
                note.ciphertext = cipher.rotate(bytes(note.ciphertext))
                note.save(update_fields=["ciphertext"])
                done += 1
    return done

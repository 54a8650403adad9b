"""Reads of the care app that depend on who is asking."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from care import access as archive_access
from care.models import ArchiveEntry, CounsellingSession, SpecialGroupArchive, TutoringSession
from casework import access
from casework.models import Case
from casework.notes import NoteView, note_list
from core.errors import NotFound, Refusal
from schools.models import Pupil

if TYPE_CHECKING:
    from audit.services import AuditContext


def tutoring_list_for_case(*, case: Case) -> QuerySet[TutoringSession]:
    """The case's tutoring sessions, oldest first (the case was fetched by a selector)."""
    return case.tutoring_sessions.select_related("tutor").order_by("held_on", "id")


def counselling_list_for_case(*, case: Case) -> QuerySet[CounsellingSession]:
    """The case's counselling sessions, oldest first: what anyone who sees the case may see."""
    return case.counselling_sessions.select_related("counsellor").order_by("held_on", "id")


@dataclass(frozen=True)
class SessionWithContent:
    session: CounsellingSession
    content: str | None  # None: no note (a missed session)


def counselling_with_content(
    *, case: Case, user: Any, context: AuditContext | None = None
) -> list[SessionWithContent]:
    """The sessions with their confidential content, for a counsellor granted on the case.

    ``casework.notes.note_list`` checks the grant and audits the read (note.read).
    """
    views: dict[int, NoteView] = {
        view.id: view for view in note_list(case_id=case.pk, user=user, context=context)
    }
    return [
        SessionWithContent(session, views[session.note_id].content if session.note_id in views else None)
        for session in counselling_list_for_case(case=case)
    ]


def pupil_for_archive(*, user: Any, pupil_id: int) -> tuple[Pupil, frozenset[str]]:
    """The pupil and the user's roles on their archive; 404 if the archive does not exist for them."""
    pupil = Pupil.objects.select_related("classroom", "school").filter(pk=pupil_id).first()
    roles = archive_access.archive_roles(pupil, user) if pupil is not None else frozenset()
    if pupil is None or not roles:
        refusal = Refusal(target=pupil, school_id=pupil.school_id, pupil_id=pupil.pk) if pupil else None
        raise NotFound(_("No such pupil."), refusal=refusal)
    return pupil, roles


def archive_for_pupil(*, pupil: Pupil) -> SpecialGroupArchive | None:
    return SpecialGroupArchive.objects.select_related("updated_by", "created_by").filter(pupil=pupil).first()


def archive_entries(*, archive: SpecialGroupArchive) -> QuerySet[ArchiveEntry]:
    return archive.entries.select_related("author").order_by("-year")


def archive_list_for_user(*, user: Any) -> QuerySet[SpecialGroupArchive]:
    """Every archive the user may read, ready to page through (a fixed number of queries)."""
    return (
        SpecialGroupArchive.objects.filter(archive_access.archive_visible_q(user))
        .select_related("pupil", "pupil__classroom", "school")
        .order_by("school__code", "pupil__classroom__grade", "pupil__classroom__number", "pupil__name", "pk")
    )


def case_may_record_tutoring(*, case: Case, user: Any) -> bool:
    return bool(access.case_roles(case, user) & access.WORKERS)

"""Writes of the care app. Each service runs in one transaction, locks the row it hangs on,
checks who may act (404 unseen, 403 wrong person, 409 wrong case, 400 bad input) and audits."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import AuditContext, audit_record
from care import access as archive_access
from care.models import (
    MAX_MINUTES,
    MAX_SCORE,
    ArchiveEntry,
    Attendance,
    CounsellingSession,
    SpecialGroupArchive,
    Subject,
    TutoringSession,
)
from casework import access, notes, rules
from casework.models import Case, CaseCategory, Category, State
from casework.notes import notes_access_check
from casework.services import case_lock
from consents.models import Purpose
from consents.rules import consent_require
from core.errors import Conflict, Forbidden, Invalid, NotFound
from core.text import clean_text
from schools.models import Membership, Pupil

if TYPE_CHECKING:
    from accounts.models import User

MAX_TEXT = 20_000
ARCHIVE_TEXT_FIELDS = ("family", "guardianship", "parents_work", "contact")
ENTRY_TEXT_FIELDS = ("record", "analysis", "support")


def _has_category(case: Case, category: str) -> bool:
    return CaseCategory.objects.filter(case=case, category=category).exists()


# Support often starts before the case is written down (and sessions are written up later), so a
# session may predate the case's opening, but by no more than a year: older dates are typos.
EARLIEST_BEFORE_OPENING = datetime.timedelta(days=365)


def _check_day(errors: dict[str, list[str]], field: str, day: Any, *, case: Case) -> None:
    """A session's day: a date, not in the future, at most a year before the case was opened."""
    if not isinstance(day, datetime.date):
        errors[field] = [_("Give a date.")]
    elif day > timezone.localdate():
        errors[field] = [_("A session cannot be recorded in the future.")]
    elif day < timezone.localdate(case.created_at) - EARLIEST_BEFORE_OPENING:
        errors[field] = [_("A session cannot lie more than a year before the case was opened.")]


def _check_minutes(errors: dict[str, list[str]], minutes: Any) -> None:
    if not isinstance(minutes, int) or isinstance(minutes, bool) or not 1 <= minutes <= MAX_MINUTES:
        errors["duration_minutes"] = [
            _("Give the duration in minutes, from 1 to %(max)s.") % {"max": MAX_MINUTES}
        ]


def _full_clean(obj: Any) -> None:
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise Invalid(
            _("Please correct the errors below."),
            errors={field: [str(m) for m in messages] for field, messages in exc.message_dict.items()},
        ) from exc


# --- tutoring (学习困难帮扶) ---------------------------------------------------------------------


def tutoring_session_create(
    *,
    case_id: int,
    user: User,
    held_on: datetime.date,
    subject: str,
    duration_minutes: int,
    content: str,
    outcome: str = "",
    level: int | None = None,
    score: Decimal | None = None,
    tutor_id: int | None = None,
    context: AuditContext | None = None,
) -> TutoringSession:
    """The case's workers record a tutoring session on an academic case.

    The tutor may be any active member of staff of the case's school (subject teachers give
    lessons too, 义务送课); by default it is the person recording.
    """
    with transaction.atomic():
        case = case_lock(case_id=case_id, user=user)
        if not rules.is_case_worker(case, user):
            raise Forbidden(_("Only the paired teacher or the class teacher may record tutoring."))
        if not _has_category(case, Category.ACADEMIC):
            raise Conflict(
                _("Tutoring is recorded only on cases in the academic difficulty category."),
                code="not_academic",
            )
        if case.state == State.CLOSED:
            raise Conflict(_("The case is closed."), code="invalid_state")
        errors: dict[str, list[str]] = {}
        _check_day(errors, "held_on", held_on, case=case)
        if subject not in Subject.values:
            errors["subject"] = [_("Choose a subject.")]
        _check_minutes(errors, duration_minutes)
        content, outcome = clean_text(content), clean_text(outcome)
        if not content:
            errors["content"] = [_("Say what was taught.")]
        elif len(content) > MAX_TEXT:
            errors["content"] = [_("At most %(max)s characters.") % {"max": MAX_TEXT}]
        if len(outcome) > MAX_TEXT:
            errors["outcome"] = [_("At most %(max)s characters.") % {"max": MAX_TEXT}]
        if level is not None and (isinstance(level, bool) or level not in range(1, 6)):
            errors["level"] = [_("Choose a level from 1 to 5.")]
        if score is not None and not (0 <= score <= MAX_SCORE):
            errors["score"] = [_("A score from 0 to %(max)s.") % {"max": MAX_SCORE}]
        tutor_id = tutor_id or user.pk
        if not Membership.objects.filter(
            user_id=tutor_id, school_id=case.school_id, is_active=True, user__is_active=True
        ).exists():
            errors["tutor"] = [_("Choose a member of staff of the case's school.")]
        if errors:
            raise Invalid(_("The tutoring session is incomplete."), errors=errors)
        session = TutoringSession(
            case=case,
            held_on=held_on,
            subject=subject,
            duration_minutes=duration_minutes,
            content=content,
            outcome=outcome,
            level=level,
            score=score,
            tutor_id=tutor_id,
            recorded_by=user,
        )
        _full_clean(session)
        session.save()
        Case.objects.filter(pk=case.pk).update(updated_at=timezone.now())
        audit_record(
            action="care.tutoring_session_create",
            actor=user,
            target=session,
            case_id=case.pk,
            school_id=case.school_id,
            detail={
                "new": {
                    "held_on": held_on.isoformat(),
                    "subject": subject,
                    "duration_minutes": duration_minutes,
                    "level": level,
                    "score": str(score) if score is not None else None,
                    "tutor": tutor_id,
                    "content_length": len(content),
                }
            },
            context=context,
        )
    return session


# --- counselling (心理健康帮扶) ------------------------------------------------------------------


def counselling_access_check(*, case_id: int, user: User, context: AuditContext | None = None) -> Case:
    """The case, if the user is a counsellor granted on it; otherwise the refusal is audited (like
    any refused note write: the session's content is a note) and raised."""
    return notes_access_check(
        case_id=case_id,
        user=user,
        action="note.write",
        context=context,
        detail={"via": "care.counselling_session"},
        refusal=_("Only the counsellors granted on this case may record counselling sessions."),
    )


def counselling_session_record(
    *,
    case_id: int,
    user: User,
    held_on: datetime.date,
    attendance: str,
    duration_minutes: int | None = None,
    next_session_on: datetime.date | None = None,
    content: str = "",
    context: AuditContext | None = None,
) -> CounsellingSession:
    """A granted counsellor records a session on a psychological case, and its content as a
    confidential note, in one transaction. The audit event never holds the content.

    Where local rules ask for it (``WANJIA_COUNSELLING_CONSENT_REQUIRED``), the guardians'
    consent to counselling must be in force (docs/consent.md); else 400 ``consent_missing``."""
    counselling_access_check(case_id=case_id, user=user, context=context)
    content = clean_text(content)
    with transaction.atomic():
        case = case_lock(case_id=case_id, user=user)
        if access.NOTES not in access.case_roles(case, user):  # revoked since the check above
            raise Forbidden(_("Only the counsellors granted on this case may record counselling sessions."))
        if not _has_category(case, Category.PSYCHOLOGICAL):
            raise Conflict(
                _("Counselling sessions are recorded only on psychological cases."),
                code="not_psychological",
            )
        if case.state == State.CLOSED:
            raise Conflict(_("The case is closed."), code="invalid_state")
        if settings.WANJIA_COUNSELLING_CONSENT_REQUIRED:
            consent_require(pupil=case.pupil, purpose=Purpose.COUNSELLING, lock=True)
        errors: dict[str, list[str]] = {}
        _check_day(errors, "held_on", held_on, case=case)
        if attendance not in Attendance.values:
            errors["attendance"] = [_("Say whether the pupil came.")]
        elif attendance == Attendance.ATTENDED:
            _check_minutes(errors, duration_minutes)
            if not content:
                errors["content"] = [_("Write what the session was about (kept confidential).")]
        elif duration_minutes is not None:
            errors["duration_minutes"] = [_("A missed session has no duration.")]
        if next_session_on is not None:
            if not isinstance(next_session_on, datetime.date):
                errors["next_session_on"] = [_("Give a date.")]
            elif isinstance(held_on, datetime.date) and next_session_on < held_on:
                errors["next_session_on"] = [_("The next session cannot come before this one.")]
        if errors:
            raise Invalid(_("The counselling session is incomplete."), errors=errors)
        # notes.note_create checks the grant again, encrypts, and audits note.create (length only).
        note = (
            notes.note_create(case_id=case.pk, user=user, content=content, context=context)
            if content
            else None
        )
        session = CounsellingSession(
            case=case,
            held_on=held_on,
            attendance=attendance,
            duration_minutes=duration_minutes if attendance == Attendance.ATTENDED else None,
            next_session_on=next_session_on,
            counsellor=user,
            note=note,
        )
        _full_clean(session)
        session.save()
        Case.objects.filter(pk=case.pk).update(updated_at=timezone.now())
        audit_record(
            action="care.counselling_session_create",
            actor=user,
            target=session,
            case_id=case.pk,
            school_id=case.school_id,
            detail={
                "new": {
                    "held_on": held_on.isoformat(),
                    "attendance": attendance,
                    "duration_minutes": session.duration_minutes,
                    "next_session_on": next_session_on.isoformat() if next_session_on else None,
                    "note": note.pk if note else None,
                }
            },
            context=context,
        )
    return session


# --- special-group archives (特殊群体独立档案) ---------------------------------------------------


def _locked_pupil(*, pupil_id: int, user: User) -> tuple[Pupil, frozenset[str]]:
    """Lock the pupil row (so two first saves of an archive cannot both create it); 404 if the
    archive does not exist for the user, 403 if they may read but not write it."""
    pupil = (
        Pupil.objects.select_for_update(of=("self",))
        .select_related("classroom", "school")
        .filter(pk=pupil_id)
        .first()
    )
    roles = archive_access.archive_roles(pupil, user) if pupil is not None else frozenset()
    if pupil is None or not roles:
        raise NotFound(_("No such pupil."))
    if not roles & archive_access.WRITERS:
        raise Forbidden(
            _(
                "Only the class teacher, the pupil's paired teachers and the school's leaders may write the archive."
            )
        )
    return pupil, roles


def archive_save(
    *,
    pupil_id: int,
    user: User,
    left_behind: bool,
    single_parent: bool,
    migrant_child: bool,
    family: str,
    guardianship: str = "",
    parents_work: str = "",
    contact: str = "",
    context: AuditContext | None = None,
) -> SpecialGroupArchive:
    """Open the pupil's archive, or bring its record up to date.

    The audit event names the groups and which text fields changed, not their text: the family's
    details stay in one place, behind the archive's own rules.
    """
    values: dict[str, Any] = {
        "left_behind": bool(left_behind),
        "single_parent": bool(single_parent),
        "migrant_child": bool(migrant_child),
        "family": clean_text(family),
        "guardianship": clean_text(guardianship),
        "parents_work": clean_text(parents_work),
        "contact": clean_text(contact),
    }
    errors: dict[str, list[str]] = {}
    if not any(values[name] for name in SpecialGroupArchive.GROUP_FIELDS):
        errors["groups"] = [
            _("Choose at least one group: left-behind, single-parent or migrant workers' child.")
        ]
    if not values["family"]:
        errors["family"] = [_("Describe the family.")]
    for name in ARCHIVE_TEXT_FIELDS:
        if len(values[name]) > MAX_TEXT:
            errors[name] = [_("At most %(max)s characters.") % {"max": MAX_TEXT}]
    with transaction.atomic():
        pupil, _roles = _locked_pupil(pupil_id=pupil_id, user=user)
        if errors:
            raise Invalid(_("The archive is incomplete."), errors=errors)
        archive = SpecialGroupArchive.objects.filter(pupil=pupil).first()
        created = archive is None
        if archive is None:
            archive = SpecialGroupArchive(pupil=pupil, school_id=pupil.school_id, created_by=user)
        changed = [name for name, value in values.items() if created or getattr(archive, name) != value]
        old_groups = {name: getattr(archive, name) for name in SpecialGroupArchive.GROUP_FIELDS}
        for name, value in values.items():
            setattr(archive, name, value)
        archive.updated_by = user
        _full_clean(archive)
        archive.save()
        groups = {name: values[name] for name in SpecialGroupArchive.GROUP_FIELDS}
        audit_record(
            action="care.archive_create" if created else "care.archive_update",
            actor=user,
            target=archive,
            school_id=pupil.school_id,
            detail={
                "pupil_id": pupil.pk,
                "changed": changed,
                "new": groups,
                **({} if created else {"old": old_groups}),
            },
            context=context,
        )
    return archive


def archive_entry_save(
    *,
    pupil_id: int,
    user: User,
    year: int,
    record: str,
    analysis: str = "",
    support: str = "",
    context: AuditContext | None = None,
) -> ArchiveEntry:
    """Write (or bring up to date) the archive's entry for one campaign year."""
    values = {"record": clean_text(record), "analysis": clean_text(analysis), "support": clean_text(support)}
    errors: dict[str, list[str]] = {}
    this_year = timezone.localdate().year
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= this_year:
        errors["year"] = [_("Choose a year from 2000 to %(year)s.") % {"year": this_year}]
    if not values["record"]:
        errors["record"] = [_("Write what was recorded this year.")]
    for name in ENTRY_TEXT_FIELDS:
        if len(values[name]) > MAX_TEXT:
            errors[name] = [_("At most %(max)s characters.") % {"max": MAX_TEXT}]
    with transaction.atomic():
        pupil, _roles = _locked_pupil(pupil_id=pupil_id, user=user)
        archive = SpecialGroupArchive.objects.filter(pupil=pupil).first()
        if archive is None:
            raise Conflict(_("Open the pupil's archive first."), code="no_archive")
        if errors:
            raise Invalid(_("The year's entry is incomplete."), errors=errors)
        entry = ArchiveEntry.objects.filter(archive=archive, year=year).first()
        created = entry is None
        if entry is None:
            entry = ArchiveEntry(archive=archive, year=year, author=user)
        changed = [name for name, value in values.items() if created or getattr(entry, name) != value]
        for name, value in values.items():
            setattr(entry, name, value)
        entry.author = user
        _full_clean(entry)
        entry.save()
        SpecialGroupArchive.objects.filter(pk=archive.pk).update(updated_at=timezone.now(), updated_by=user)
        audit_record(
            action="care.archive_entry_create" if created else "care.archive_entry_update",
            actor=user,
            target=entry,
            school_id=pupil.school_id,
            detail={"pupil_id": pupil.pk, "year": year, "changed": changed},
            context=context,
        )
    return entry

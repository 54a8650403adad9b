"""Importing a roster: all rows are checked first, then everything is written in one transaction.

A file with any bad row imports nothing. Re-importing the same file writes nothing: each value is
compared before saving, and only changed fields are saved. Imports never delete pupils, guardians,
users or memberships.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import AuditContext, audit_record
from schools.models import AcademicYear, Classroom, Guardian, Membership, Pupil, School
from schools.roster import parsing, validation
from schools.roster.parsing import PUPILS, RosterFileError
from schools.roster.validation import SAVING, ProgressCallback, PupilRow, RowError, StaffRow
from schools.selectors import current_academic_year

BATCH_SIZE = 500


@dataclass
class ImportReport:
    kind: str = ""
    ok: bool = False
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    new_classrooms: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    # Staff imports: the accounts created (no password yet), for the page to invite them.
    new_user_ids: list[int] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged

    @property
    def row_errors(self) -> list[RowError]:
        return [e for e in self.errors if e.row is not None]

    @property
    def file_errors(self) -> list[RowError]:
        return [e for e in self.errors if e.row is None]


class _Refused(Exception):
    """Raised inside the transaction to roll everything back and report the errors."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(errors)
        self.errors = errors


def roster_import(
    *,
    school: School,
    kind: str | None,
    uploaded_name: str,
    data: bytes,
    progress: ProgressCallback | None = None,
    actor: User | None = None,
    context: AuditContext | None = None,
) -> ImportReport:
    """Import pupils (with guardians) or staff into ``school``; ``kind`` None or "auto" detects it.

    ``actor`` is the person importing (None from the command line); the import, or its refusal,
    is audited.
    """
    report = ImportReport(kind=kind if kind in parsing.KINDS else "")

    def audit(action: str) -> None:
        audit_record(
            action=action,
            actor=actor,
            target=school,
            school_id=school.pk,
            detail={
                "kind": report.kind,
                "file": uploaded_name[:200],
                "bytes": len(data),
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "new_classrooms": report.new_classrooms,
                "errors": len(report.errors),
            },
            context=context,
        )

    def refused(errors: Iterable[RowError]) -> ImportReport:
        report.errors = sorted(errors, key=lambda e: e.row or 0)
        report.ok = False
        report.created = report.updated = report.unchanged = 0
        report.new_classrooms = []
        report.new_user_ids = []
        with transaction.atomic():
            audit("roster.import_refused")
        return report

    try:
        table = parsing.read_table(name=uploaded_name, data=data, max_bytes=settings.WANJIA_ROSTER_MAX_BYTES)
    except RosterFileError as exc:
        return refused([RowError(None, "", str(exc))])

    if kind in (None, "", "auto"):
        kind = parsing.detect_kind(table.headings)
        if kind is None:
            return refused(
                [RowError(None, "", _("The headings do not show whether the file lists pupils or staff."))]
            )
    elif kind not in parsing.KINDS:
        raise ValueError(f"unknown roster kind {kind!r}")
    report.kind = kind

    headings = parsing.map_headings(table.headings, kind)
    report.ignored_columns = headings.ignored
    errors = validation.file_errors(headings=headings, kind=kind)
    if errors:
        return refused(errors)

    year = current_academic_year()
    no_year = RowError(None, "", _("There is no academic year yet; add the current one in the admin first."))
    write: Callable[[], None]
    if kind == PUPILS:
        if year is None:
            return refused([no_year])
        pupil_rows, errors = validation.validate_pupils(table, headings, progress)
        if errors:
            return refused(errors)
        write = functools.partial(
            _import_pupils,
            report,
            school=school,
            year=year,
            rows=pupil_rows,
            headings=headings,
            progress=progress,
        )
    else:
        staff_rows, errors = validation.validate_staff(table, headings, progress)
        if errors:
            return refused(errors)
        if year is None and any(r.leads for r in staff_rows):
            return refused([no_year])
        username = headings.columns.get("username") or headings.columns["staff_number"]
        write = functools.partial(
            _import_staff,
            report,
            school=school,
            year=year,
            rows=staff_rows,
            username_heading=username.heading,
            progress=progress,
        )

    try:
        with transaction.atomic():
            # One import per school at a time; a second one waits and then sees the first's rows.
            School.objects.select_for_update().filter(pk=school.pk).first()
            write()
            audit("roster.import")
    except _Refused as exc:
        return refused(exc.errors)
    except IntegrityError:
        return refused(
            [RowError(None, "", _("Someone else changed the same records at the same time; try again."))]
        )
    report.ok = True
    return report


def _changes(instance: models.Model, values: dict[str, Any]) -> list[str]:
    """Set the values that differ and return their field names (for update_fields)."""
    changed = []
    for name, value in values.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed.append(name)
    return changed


def _check(instance: models.Model, row: int, *, exclude: list[str], headings: dict[str, str]) -> None:
    """Model validation as a last guard; our own checks should have caught everything already."""
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise _Refused(
            [
                RowError(row, headings.get(name, name), " ".join(str(m) for m in messages))
                for name, messages in exc.message_dict.items()
            ]
        ) from exc


def _classrooms(
    report: ImportReport, *, school: School, year: AcademicYear, wanted: set[tuple[int, int]]
) -> dict[tuple[int, int], Classroom]:
    """The school's classes of the year by (grade, number), creating the missing wanted ones."""
    existing = {(c.grade, c.number): c for c in Classroom.objects.filter(school=school, academic_year=year)}
    missing = [
        Classroom(school=school, academic_year=year, grade=grade, number=number)
        for grade, number in sorted(wanted - existing.keys())
    ]
    if missing:
        Classroom.objects.bulk_create(missing)
        for classroom in missing:
            existing[(classroom.grade, classroom.number)] = classroom
            report.new_classrooms.append(classroom.label)
    return existing


def _import_pupils(
    report: ImportReport,
    *,
    school: School,
    year: AcademicYear,
    rows: list[PupilRow],
    headings: parsing.HeadingMap,
    progress: ProgressCallback | None,
) -> None:
    written = {name: column.heading for name, column in headings.columns.items()}
    pupil_headings = {
        **written,
        "student_number": (
            headings.columns.get("registry_number") or headings.columns["school_number"]
        ).heading,
    }
    guardian_headings = {
        position: {
            "name": written.get(f"guardian{position}_name", ""),
            "relation": written.get(f"guardian{position}_relation", ""),
            "phone": written.get(f"guardian{position}_phone", ""),
            "lives_with_pupil": written.get(f"guardian{position}_lives_with", ""),
            "works_away": written.get(f"guardian{position}_works_away", ""),
        }
        for position in (1, 2)
    }
    classrooms = _classrooms(
        report, school=school, year=year, wanted={(r.grade, r.class_number) for r in rows}
    )
    existing = {
        p.student_number: p
        for p in Pupil.objects.filter(
            school=school, student_number__in=[r.student_number for r in rows]
        ).prefetch_related("guardians")
    }
    new_pupils: list[Pupil] = []
    new_guardians: list[Guardian] = []
    exclude_pupil = ["school", "classroom"]
    for done, row in enumerate(rows, start=1):
        classroom = classrooms[(row.grade, row.class_number)]
        pupil = existing.get(row.student_number)
        if pupil is None:
            pupil = Pupil(school=school, student_number=row.student_number, classroom=classroom, **row.values)
            _check(pupil, row.row, exclude=exclude_pupil, headings=pupil_headings)
            new_pupils.append(pupil)
            for guardian_row in row.guardians:
                guardian = Guardian(pupil=pupil, position=guardian_row.position, **guardian_row.values)
                _check(guardian, row.row, exclude=["pupil"], headings=guardian_headings[guardian.position])
                new_guardians.append(guardian)
            report.created += 1
        else:
            changed = _changes(pupil, {**row.values, "is_active": True})
            if pupil.classroom_id != classroom.pk:
                pupil.classroom = classroom
                changed.append("classroom")
            if changed:
                _check(pupil, row.row, exclude=exclude_pupil, headings=pupil_headings)
                pupil.save(update_fields=[*changed, "updated_at"])
            guardians_changed = False
            current = {g.position: g for g in pupil.guardians.all()}
            for guardian_row in row.guardians:
                existing_guardian = current.get(guardian_row.position)
                if existing_guardian is None:
                    guardian = Guardian(pupil=pupil, position=guardian_row.position, **guardian_row.values)
                    _check(
                        guardian, row.row, exclude=["pupil"], headings=guardian_headings[guardian.position]
                    )
                    new_guardians.append(guardian)
                    guardians_changed = True
                elif guardian_changed := _changes(existing_guardian, guardian_row.values):
                    guardian = existing_guardian
                    _check(
                        guardian, row.row, exclude=["pupil"], headings=guardian_headings[guardian.position]
                    )
                    guardian.save(update_fields=guardian_changed)
                    guardians_changed = True
            if changed or guardians_changed:
                report.updated += 1
            else:
                report.unchanged += 1
        if progress is not None:
            progress(SAVING, done, len(rows))
    Pupil.objects.bulk_create(new_pupils, batch_size=BATCH_SIZE)
    Guardian.objects.bulk_create(new_guardians, batch_size=BATCH_SIZE)


def _import_staff(
    report: ImportReport,
    *,
    school: School,
    year: AcademicYear | None,
    rows: list[StaffRow],
    username_heading: str,
    progress: ProgressCallback | None,
) -> None:
    users = {u.username: u for u in User.objects.filter(username__in=[r.username for r in rows])}
    # A school's import must not reach accounts that can administer the whole site.
    refused = [
        RowError(r.row, username_heading, _("This user is a site administrator; change them in the admin."))
        for r in rows
        if r.username in users and (users[r.username].is_superuser or users[r.username].is_staff)
    ]
    if refused:
        raise _Refused(refused)
    memberships = {
        (m.user_id, m.role): m
        for m in Membership.objects.filter(school=school, user__in=[u.pk for u in users.values()])
    }
    classrooms: dict[tuple[int, int], Classroom] = {}
    if year is not None:
        wanted = {r.leads for r in rows if r.leads is not None}
        classrooms = _classrooms(report, school=school, year=year, wanted=wanted)

    changed_rows: set[int] = set()
    new_users: list[User] = []
    for row in rows:
        user = users.get(row.username)
        values = {"full_name": row.full_name}
        if row.phone is not None:
            values["phone"] = row.phone
        if user is None:
            user = User(username=row.username, **values)
            user.set_unusable_password()
            _check(user, row.row, exclude=["password"], headings={"username": username_heading})
            users[row.username] = user
            new_users.append(user)
        elif changed := _changes(user, values):
            _check(user, row.row, exclude=["password"], headings={"username": username_heading})
            user.save(update_fields=changed)
            changed_rows.add(row.row)
    User.objects.bulk_create(new_users, batch_size=BATCH_SIZE)
    new_user_names = {u.username for u in new_users}
    report.new_user_ids = [u.pk for u in new_users]

    new_memberships: list[Membership] = []
    for done, row in enumerate(rows, start=1):
        user = users[row.username]
        for role in row.roles:
            membership = memberships.get((user.pk, role))
            if membership is None:
                new_memberships.append(Membership(user=user, school=school, role=role))
                changed_rows.add(row.row)
            elif not membership.is_active:
                membership.is_active = True
                membership.save(update_fields=["is_active"])
                changed_rows.add(row.row)
        if progress is not None:
            progress(SAVING, done, len(rows))
    # Memberships first: a class teacher must be a member of staff of the school.
    Membership.objects.bulk_create(new_memberships, batch_size=BATCH_SIZE)

    for row in rows:
        if row.leads is None:
            continue
        user = users[row.username]
        classroom = classrooms[row.leads]
        if classroom.class_teacher_id != user.pk:
            classroom.class_teacher = user
            classroom.save(update_fields=["class_teacher"])
            changed_rows.add(row.row)

    for row in rows:
        if row.username in new_user_names:
            report.created += 1
        elif row.row in changed_rows:
            report.updated += 1
        else:
            report.unchanged += 1

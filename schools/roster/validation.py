"""Checking every row of a roster before anything is written: a clean row or its errors.

Each error names the spreadsheet row (the heading row is row 1), the column as it is headed in
the file, and the reason. Nothing here touches the database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.models import User
from schools.models import Guardian, Membership, Pupil
from schools.roster import parsing
from schools.roster.parsing import PUPILS, STAFF, Cell, HeadingMap, InvalidValue, Table

# Called as progress(stage, rows done, rows in total); stage is CHECKING, then SAVING.
ProgressCallback = Callable[[str, int, int], None]
CHECKING = "check"
SAVING = "save"


@dataclass(frozen=True)
class RowError:
    """One problem: ``row`` is None (and ``column`` may be empty) for problems with the whole file."""

    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        if self.row is None and not self.column:
            return self.message
        if self.row is None:
            return _("Column %(column)s: %(message)s") % {"column": self.column, "message": self.message}
        return _("Row %(row)s, column %(column)s: %(message)s") % {
            "row": self.row,
            "column": self.column or "—",
            "message": self.message,
        }


@dataclass(frozen=True)
class GuardianRow:
    position: int
    # Guardian field → value, only for the columns the file has (name and relation always).
    values: dict[str, Any]


@dataclass(frozen=True)
class PupilRow:
    row: int
    student_number: str
    grade: int
    class_number: int
    # Pupil field → value, only for the columns the file has (name and gender always).
    values: dict[str, Any]
    guardians: tuple[GuardianRow, ...] = ()


@dataclass(frozen=True)
class StaffRow:
    row: int
    username: str
    full_name: str
    phone: str | None  # None when the file has no phone column
    roles: tuple[str, ...]  # Membership.Role values
    leads: tuple[int, int] | None = None  # (grade, number) of the class a 班主任 leads


# Required columns per kind: alternatives, and the name shown when all of them are missing.
REQUIRED_COLUMNS: dict[str, list[tuple[tuple[str, ...], str]]] = {
    PUPILS: [
        (("name",), "姓名"),
        (("gender",), "性别"),
        (("registry_number", "school_number"), "学籍号 / 学号"),
        (("classroom",), "班级"),
    ],
    STAFF: [
        (("name",), "姓名"),
        (("username", "staff_number"), "用户名 / 工号"),
        (("roles",), "职务 / 角色"),
    ],
}

# Pupil fields set from a yes/no column of the same name.
PUPIL_FLAGS = ("left_behind", "single_parent", "migrant_child", "registered_poor")


def file_errors(*, headings: HeadingMap, kind: str) -> list[RowError]:
    """Missing required columns and unusable headings: the file is refused before reading rows."""
    errors = [
        RowError(None, shown, _("This required column is missing."))
        for names, shown in REQUIRED_COLUMNS[kind]
        if not any(headings.has(name) for name in names)
    ]
    errors += [RowError(None, heading, message) for heading, message in headings.problems]
    return errors


def _max_length(model: type[Any], name: str) -> int:
    length = model._meta.get_field(name).max_length
    assert length is not None
    return int(length)


class _Row:
    """One row's cells by field, collecting errors against the headings as written."""

    def __init__(self, number: int, cells: tuple[Cell, ...], headings: HeadingMap) -> None:
        self.number = number
        self.cells = cells
        self.headings = headings
        self.errors: list[RowError] = []

    def has(self, name: str) -> bool:
        return self.headings.has(name)

    def raw(self, name: str) -> Cell:
        column = self.headings.columns.get(name)
        if column is None or column.index >= len(self.cells):
            return None
        return self.cells[column.index]

    def blank(self, name: str) -> bool:
        return not parsing.cell_text(self.raw(name))

    def heading(self, name: str) -> str:
        column = self.headings.columns.get(name)
        return column.heading if column else ""

    def error(self, name: str, message: str) -> None:
        self.errors.append(RowError(self.number, self.heading(name), message))

    def parse(self, name: str, parser: Callable[[Cell], Any], *, required: bool = False) -> Any:
        """The parsed value, or None after recording an error."""
        if required and self.blank(name):
            self.error(name, _("This value is required."))
            return None
        try:
            return parser(self.raw(name))
        except InvalidValue as exc:
            self.error(name, str(exc))
            return None

    def text(
        self,
        name: str,
        max_length: int,
        *,
        required: bool = False,
        clean: Callable[[Cell], str] = parsing.clean_text,
    ) -> str | None:
        value = clean(self.raw(name))
        if required and not value:
            self.error(name, _("This value is required."))
            return None
        if len(value) > max_length:
            self.error(name, _("Too long: at most %(max)s characters.") % {"max": max_length})
            return None
        return value


def _first_present(headings: HeadingMap, names: tuple[str, ...]) -> str:
    return next(name for name in names if headings.has(name))


def validate_pupils(
    table: Table, headings: HeadingMap, progress: ProgressCallback | None = None
) -> tuple[list[PupilRow], list[RowError]]:
    """Clean rows, or every error of every row; duplicate student numbers name both rows."""
    number_field = _first_present(headings, ("registry_number", "school_number"))
    cleaned: list[PupilRow] = []
    errors: list[RowError] = []
    first_row_of: dict[str, int] = {}
    for done, (number, cells) in enumerate(table.rows, start=1):
        if progress is not None:
            progress(CHECKING, done, len(table.rows))
        row = _Row(number, cells, headings)
        result = _validate_pupil(row, number_field)
        student_number = parsing.clean_code(row.raw(number_field))
        if student_number:
            seen = first_row_of.setdefault(student_number, number)
            if seen != number:
                row.error(
                    number_field,
                    _("The student number %(number)s is also in row %(row)s.")
                    % {"number": student_number, "row": seen},
                )
        errors += row.errors
        if result is not None and not row.errors:
            cleaned.append(result)
    return cleaned, errors


def _validate_pupil(row: _Row, number_field: str) -> PupilRow | None:
    values: dict[str, Any] = {
        "name": row.text("name", _max_length(Pupil, "name"), required=True, clean=parsing.clean_name),
        "gender": row.parse("gender", parsing.parse_gender, required=True),
    }
    student_number = row.text(
        number_field, _max_length(Pupil, "student_number"), required=True, clean=parsing.clean_code
    )
    grade = row.parse("grade", parsing.parse_grade) if row.has("grade") else None
    place: tuple[int, int] | None = None
    if grade is not None or not row.has("grade") or row.blank("grade"):
        place = row.parse("classroom", lambda v: parsing.parse_class(v, grade=grade), required=True)
    if row.has("birth_date"):
        values["birth_date"] = row.parse("birth_date", parsing.parse_birth_date)
    if row.has("home_address"):
        values["home_address"] = row.text("home_address", _max_length(Pupil, "home_address"))
    if row.has("notes"):
        values["notes"] = parsing.cell_text(row.raw("notes"))
    for flag in PUPIL_FLAGS:
        if row.has(flag):
            values[flag] = row.parse(flag, parsing.parse_bool)
    guardians = tuple(g for g in (_validate_guardian(row, 1), _validate_guardian(row, 2)) if g is not None)
    if row.errors or student_number is None or place is None:
        return None
    return PupilRow(
        row=row.number,
        student_number=student_number,
        grade=place[0],
        class_number=place[1],
        values=values,
        guardians=guardians,
    )


def _validate_guardian(row: _Row, position: int) -> GuardianRow | None:
    key = f"guardian{position}_"
    fields = ("name", "relation", "phone", "lives_with", "works_away")
    present = [f for f in fields if row.has(key + f)]
    if not present or all(row.blank(key + f) for f in present):
        return None
    if not row.has(key + "name") or row.blank(key + "name"):
        column = key + "name" if row.has(key + "name") else key + present[0]
        row.error(column, _("The guardian's name is missing."))
        return None
    values: dict[str, Any] = {
        "name": row.text(key + "name", _max_length(Guardian, "name"), clean=parsing.clean_name),
    }
    if not row.has(key + "relation") or row.blank(key + "relation"):
        row.error(
            key + ("relation" if row.has(key + "relation") else "name"),
            _("The relation to the pupil is missing."),
        )
    else:
        values["relation"] = row.parse(key + "relation", parsing.parse_relation)
    if row.has(key + "phone"):
        values["phone"] = row.parse(key + "phone", parsing.parse_phone)
    if row.has(key + "lives_with"):
        # Unlike the other yes/no columns, an empty cell here means yes: the usual case.
        values["lives_with_pupil"] = row.blank(key + "lives_with") or row.parse(
            key + "lives_with", parsing.parse_bool
        )
    if row.has(key + "works_away"):
        values["works_away"] = row.parse(key + "works_away", parsing.parse_bool)
    return GuardianRow(position=position, values=values)


_username_validator = UnicodeUsernameValidator()


def _parse_username(value: Cell) -> str:
    username = parsing.clean_code(value)
    if len(username) > _max_length(User, "username"):
        raise InvalidValue(
            _("Too long: at most %(max)s characters.") % {"max": _max_length(User, "username")}
        )
    try:
        _username_validator(username)
    except ValidationError:
        raise InvalidValue(
            _("“%(value)s” is not a valid username (letters, digits and @ . + - _ only).")
            % {"value": username}
        ) from None
    return username


def validate_staff(
    table: Table, headings: HeadingMap, progress: ProgressCallback | None = None
) -> tuple[list[StaffRow], list[RowError]]:
    """Clean rows, or every error of every row; a username or a led class twice names both rows."""
    username_field = _first_present(headings, ("username", "staff_number"))
    cleaned: list[StaffRow] = []
    errors: list[RowError] = []
    first_row_of: dict[str, int] = {}
    leader_row_of: dict[tuple[int, int], int] = {}
    for done, (number, cells) in enumerate(table.rows, start=1):
        if progress is not None:
            progress(CHECKING, done, len(table.rows))
        row = _Row(number, cells, headings)
        full_name = row.text("name", _max_length(User, "full_name"), required=True, clean=parsing.clean_name)
        username = row.parse(username_field, _parse_username, required=True)
        phone = row.parse("phone", parsing.parse_phone) if row.has("phone") else None
        if phone is not None and len(phone) > _max_length(User, "phone"):
            row.error(
                "phone", _("Too long: at most %(max)s characters.") % {"max": _max_length(User, "phone")}
            )
        roles = row.parse("roles", parsing.parse_roles, required=True)
        leads: tuple[int, int] | None = None
        if roles and parsing.CLASS_TEACHER in roles:
            if not row.has("classroom") or row.blank("classroom"):
                row.error(
                    "classroom" if row.has("classroom") else "roles",
                    _("A class teacher (班主任) needs the class they lead."),
                )
            else:
                leads = row.parse("classroom", parsing.parse_class)
                if leads is not None:
                    seen = leader_row_of.setdefault(leads, number)
                    if seen != number:
                        row.error("classroom", _("Row %(row)s leads the same class.") % {"row": seen})
        if username:
            seen = first_row_of.setdefault(username, number)
            if seen != number:
                row.error(
                    username_field,
                    _("The username %(username)s is also in row %(row)s.")
                    % {"username": username, "row": seen},
                )
        errors += row.errors
        if row.errors or not username or not full_name or not roles:
            continue
        membership_roles = tuple(
            dict.fromkeys(str(Membership.Role.TEACHER) if r == parsing.CLASS_TEACHER else r for r in roles)
        )
        cleaned.append(
            StaffRow(
                row=number,
                username=username,
                full_name=full_name,
                phone=phone,
                roles=membership_roles,
                leads=leads,
            )
        )
    return cleaned, errors

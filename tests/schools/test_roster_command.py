"""``manage.py import_roster``: exit 0 with a summary, or CommandError listing every bad row."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from accounts.models import User
from schools.models import Pupil
from tests.schools.test_roster_import import PUPIL_HEADINGS, make_csv, make_xlsx, pupil_row


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def import_roster(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_roster", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_good_file_is_imported(world, tmp_path):
    path = tmp_path / "四年级.xlsx"
    path.write_bytes(make_xlsx([*PUPIL_HEADINGS, "爱好"], [[*pupil_row(n), "画画"] for n in (1, 2)]))

    out, _err = import_roster(str(path), "--school", "A")

    assert "2 new, 0 updated, 0 unchanged" in out
    assert "Ignored columns: 爱好" in out
    assert Pupil.objects.filter(school=world.school).count() == 2

    out, _err = import_roster(str(path), "--school", "A", "--kind", "pupils")
    assert "0 new, 0 updated, 2 unchanged" in out


def test_a_bad_file_exits_with_every_bad_row(world, tmp_path):
    path = tmp_path / "bad.csv"
    rows = [pupil_row(1, gender="?"), pupil_row(2), pupil_row(3, 班级="九十年级")]
    path.write_bytes(make_csv(PUPIL_HEADINGS, rows))

    with pytest.raises(CommandError, match="nothing was imported"):
        import_roster(str(path), "--school", "A")

    assert not Pupil.objects.exists()


def test_bad_rows_are_listed_on_stderr(world, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(make_csv(PUPIL_HEADINGS, [pupil_row(1, gender="?"), pupil_row(2, 班级="九十年级")]))
    err = io.StringIO()

    with pytest.raises(CommandError):
        call_command("import_roster", str(path), "--school", "A", stdout=io.StringIO(), stderr=err)

    lines = err.getvalue().splitlines()
    assert lines[0].startswith("Row 2, column 性别: ")
    assert lines[1].startswith("Row 3, column 班级: ")


def test_staff_import_tells_about_passwords(world, tmp_path):
    path = tmp_path / "staff.csv"
    path.write_bytes(make_csv(["姓名", "用户名", "职务"], [["周老师", "zhou", "任课教师"]]))

    out, _err = import_roster(str(path), "--school", "A")

    assert "Staff imported" in out and "changepassword" in out
    assert User.objects.filter(username="zhou", memberships__school=world.school).exists()


def test_unknown_school_and_missing_file(world, tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(make_csv(PUPIL_HEADINGS, [pupil_row(1)]))
    with pytest.raises(CommandError, match="no school"):
        import_roster(str(path), "--school", "NOPE")
    with pytest.raises(CommandError, match="cannot be read"):
        import_roster(str(tmp_path / "missing.csv"), "--school", "A")

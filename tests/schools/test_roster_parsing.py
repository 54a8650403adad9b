"""Reading roster files, matching headings and parsing values (no database)."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import openpyxl
import pytest

from schools.models import Gender, Guardian, Membership
from schools.roster import parsing
from schools.roster.parsing import InvalidValue, RosterFileError
from tests.schools.test_roster_import import make_csv, make_xlsx

MAX = 5 * 1024 * 1024
TEMPLATES = Path(__file__).resolve().parents[2] / "docs" / "templates"


@pytest.mark.smoke
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("四年级(1)班", (4, 1)),
        ("四年级1班", (4, 1)),
        ("4年级（1）班", (4, 1)),
        ("三年级一班", (3, 1)),
        ("初一(2)班", (7, 2)),
        ("初三（10）班", (9, 10)),
        ("高一3班", (10, 3)),
        ("七年级2班", (7, 2)),
        ("4(1)", (4, 1)),
        ("四（1）班", (4, 1)),
        ("4-1", (4, 1)),
        ("401", (4, 1)),
        ("1012", (10, 12)),
        ("六年级十二班", (6, 12)),
        ("初中二年级3班", (8, 3)),
        (" ４ 年级 １ 班 ", (4, 1)),
    ],
)
def test_class_strings(text, expected):
    assert parsing.parse_class(text) == expected


def test_class_with_a_separate_grade():
    grade = parsing.parse_grade("初一")
    assert grade == 7
    assert parsing.parse_class("2班", grade=grade) == (7, 2)
    assert parsing.parse_class("(3)", grade=parsing.parse_grade("4")) == (4, 3)
    assert parsing.parse_class("七年级2班", grade=grade) == (7, 2)
    with pytest.raises(InvalidValue):
        parsing.parse_class("八年级2班", grade=grade)
    with pytest.raises(InvalidValue):
        parsing.parse_class("2班")  # no grade anywhere


@pytest.mark.parametrize("text", ["", "abc", "41", "4年级", "13(1)", "4(0)", "四年级(100)班"])
def test_bad_class_strings(text):
    with pytest.raises(InvalidValue):
        parsing.parse_class(text)


@pytest.mark.smoke
def test_headings_are_matched_tolerantly():
    assert parsing.normalise_heading(" *学　籍　号 ") == "学籍号"
    assert parsing.normalise_heading("姓名*") == "姓名"
    assert parsing.normalise_heading("ＡＢＣ") == "abc"
    headings = parsing.map_headings(
        ["＊姓 名", "性别", "学号", "学籍号", "班 级", "爱好", "监护人1联系电话"], "pupils"
    )
    assert {name: c.heading for name, c in headings.columns.items()} == {
        "name": "＊姓 名",
        "gender": "性别",
        "registry_number": "学籍号",
        "classroom": "班 级",
        "guardian1_phone": "监护人1联系电话",
    }
    assert headings.ignored == ["爱好", "学号"]
    assert headings.problems == []


def test_a_column_given_twice_is_a_problem():
    headings = parsing.map_headings(["姓名", "性别", "姓名", "联系电话", "监护人电话"], "pupils")
    assert [heading for heading, _message in headings.problems] == ["姓名", "监护人电话"]


def test_kind_detection():
    assert parsing.detect_kind(["姓名", "性别", "学号", "班级"]) == "pupils"
    assert parsing.detect_kind(["姓名", "工号", "职务", "任教班级"]) == "staff"
    assert parsing.detect_kind(["姓名", "班级"]) is None
    assert parsing.detect_kind(["姓名", "学号", "职务"]) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("是", True),
        ("否", False),
        ("1", True),
        ("0", False),
        (1, True),
        (0.0, False),
        ("Y", True),
        ("n", False),
        ("Yes", True),
        ("no", False),
        ("TRUE", True),
        ("false", False),
        ("√", True),
        ("×", False),
        (True, True),
        ("", False),
        (None, False),
        (" 是 ", True),
    ],
)
def test_yes_no(value, expected):
    assert parsing.parse_bool(value) is expected


def test_values():
    assert [parsing.parse_gender(v) for v in ["男", "女", "M", "f", "Male", "female"]] == [
        Gender.MALE,
        Gender.FEMALE,
        Gender.MALE,
        Gender.FEMALE,
        Gender.MALE,
        Gender.FEMALE,
    ]
    with pytest.raises(InvalidValue):
        parsing.parse_gender("未知")

    day = datetime.date(2015, 3, 2)
    for text in [
        "2015-03-02",
        "2015/3/2",
        "2015.3.2",
        "2015年3月2日",
        "20150302",
        20150302,
        "2015-03-02 00:00:00",
    ]:
        assert parsing.parse_date(text) == day, text
    assert parsing.parse_date(datetime.datetime(2015, 3, 2)) == day  # noqa: DTZ001 - an Excel cell
    assert parsing.parse_date("") is None
    for text in ["2015-02-30", "2015-13-01", "03/02/2015", "昨天"]:
        with pytest.raises(InvalidValue):
            parsing.parse_date(text)
    with pytest.raises(InvalidValue):
        parsing.parse_birth_date(datetime.date.today() + datetime.timedelta(days=1))  # noqa: DTZ011

    assert parsing.parse_phone("+86 138-0000-0000") == "13800000000"
    assert parsing.parse_phone(13800000000.0) == "13800000000"
    assert parsing.parse_phone("(0434) 321-4567") == "04343214567"
    assert parsing.parse_phone("") == ""
    for text in ["123456", "138 0000 0000 转 1", "1" * 21]:
        with pytest.raises(InvalidValue):
            parsing.parse_phone(text)

    R = Guardian.Relation
    words = [
        "父亲",
        "爸爸",
        "妈妈",
        "母",
        "祖父",
        "奶奶",
        "外公",
        "姥爷",
        "姥姥",
        "姐",
        "哥哥",
        "舅舅",
        "姨",
        "其他",
    ]
    assert [parsing.parse_relation(w) for w in words] == [
        R.FATHER,
        R.FATHER,
        R.MOTHER,
        R.MOTHER,
        R.GRANDFATHER,
        R.GRANDMOTHER,
        R.MATERNAL_GRANDFATHER,
        R.MATERNAL_GRANDFATHER,
        R.MATERNAL_GRANDMOTHER,
        R.SIBLING,
        R.SIBLING,
        R.RELATIVE,
        R.RELATIVE,
        R.OTHER,
    ]
    with pytest.raises(InvalidValue):
        parsing.parse_relation("邻居")

    Role = Membership.Role
    assert parsing.parse_roles("任课教师、班主任，心理教师/校长") == (
        Role.TEACHER,
        parsing.CLASS_TEACHER,
        Role.COUNSELLOR,
        Role.PRINCIPAL,
    )
    assert parsing.parse_roles("副校长,学校管理员,捐赠专管员,心理辅导员") == (
        Role.VICE_PRINCIPAL,
        Role.SCHOOL_ADMIN,
        Role.CUSTODIAN,
        Role.COUNSELLOR,
    )
    with pytest.raises(InvalidValue):
        parsing.parse_roles("教师、厨师")

    assert parsing.clean_name(" 张　三 ") == "张三"
    assert parsing.clean_name("Li  Ming") == "Li Ming"


@pytest.mark.smoke
def test_csv_encodings():
    text = "姓名,性别\n欧阳娜娜,女\n"
    for data in [text.encode("utf-8"), b"\xef\xbb\xbf" + text.encode("utf-8"), text.encode("gbk")]:
        table = parsing.read_table(name="a.csv", data=data, max_bytes=MAX)
        assert table.headings == ["姓名", "性别"]
        assert table.rows == [(2, ("欧阳娜娜", "女"))]


def test_xlsx_rows_numbers_and_date_cells():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["2026年四年级学生名单"])  # a title row above the headings
    sheet.append(["姓名", "出生日期", "学号"])
    sheet.append(["甲", datetime.date(2015, 3, 2), 20150001])
    sheet.append([])
    sheet.append(["乙", "2015/3/2", "G2"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    table = parsing.read_table(name="名单.XLSX", data=buffer.getvalue(), max_bytes=MAX)

    assert table.headings == ["姓名", "出生日期", "学号"]
    assert [number for number, _cells in table.rows] == [3, 5]
    first = table.rows[0][1]
    assert parsing.parse_date(first[1]) == datetime.date(2015, 3, 2)
    assert parsing.cell_text(first[2]) == "20150001"


def test_unreadable_files_are_refused():
    cases = [
        ("a.csv", b""),
        ("a.xlsx", b"PK\x03\x04 broken"),
        ("a.xlsx", b"not a zip at all"),
        ("a.xls", b"\xd0\xcf\x11\xe0"),
        ("a.txt", b"x"),
        ("a.csv", b"\xff\xfe\xfd"),  # neither UTF-8 nor GB18030
        ("a.csv", make_csv(["姓名", "性别"], [])),  # headings only
        ("a.csv", b"x" * 101),
    ]
    for name, data in cases:
        with pytest.raises(RosterFileError):
            parsing.read_table(name=name, data=data, max_bytes=100)


def test_more_than_twenty_thousand_rows_are_refused():
    rows = [[f"学生{n}", "女", n, "4-1"] for n in range(parsing.MAX_ROWS + 1)]
    data = make_csv(["姓名", "性别", "学号", "班级"], rows)
    with pytest.raises(RosterFileError):
        parsing.read_table(name="a.csv", data=data, max_bytes=MAX)
    table = parsing.read_table(
        name="a.csv", data=make_csv(["姓名"], [["x"]] * parsing.MAX_ROWS), max_bytes=MAX
    )
    assert len(table.rows) == parsing.MAX_ROWS


def test_xlsx_and_csv_read_the_same():
    headings = ["姓名", "性别", "学号"]
    rows: list[list[object]] = [["甲", "男", "1"], ["乙", "女", "2"]]
    from_csv = parsing.read_table(name="a.csv", data=make_csv(headings, rows), max_bytes=MAX)
    from_xlsx = parsing.read_table(name="a.xlsx", data=make_xlsx(headings, rows), max_bytes=MAX)
    assert from_csv == from_xlsx


@pytest.mark.parametrize("kind", ["pupils", "staff"])
@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_the_blank_templates_match_the_parser(kind, suffix):
    data = (TEMPLATES / f"{kind}.{suffix}").read_bytes()
    with pytest.raises(RosterFileError):  # headings only: nothing to import
        parsing.read_table(name=f"{kind}.{suffix}", data=data, max_bytes=MAX)

    filled = data if suffix == "csv" else None
    if filled is None:
        workbook = openpyxl.load_workbook(io.BytesIO(data))
        sheet = workbook.active
        assert sheet is not None
        sheet.append(["x"])
        buffer = io.BytesIO()
        workbook.save(buffer)
        filled = buffer.getvalue()
    else:
        filled += b"x\r\n"
    table = parsing.read_table(name=f"{kind}.{suffix}", data=filled, max_bytes=MAX)
    assert parsing.detect_kind(table.headings) == kind
    headings = parsing.map_headings(table.headings, kind)
    assert headings.ignored == [] and headings.problems == []
    assert len(headings.columns) == len(table.headings)

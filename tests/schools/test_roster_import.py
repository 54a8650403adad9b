"""roster_import: all rows checked first, nothing written on any error, re-imports write nothing."""

from __future__ import annotations

import csv
import datetime
import io
import random
from collections.abc import Sequence

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from accounts.models import User
from schools.models import AcademicYear, Classroom, Gender, Guardian, Membership, Pupil
from schools.roster.services import ImportReport, roster_import
from tests.factories import GuardianFactory, MembershipFactory, PupilFactory, UserFactory

PUPIL_HEADINGS = [
    "姓名",
    "性别",
    "出生日期",
    "学籍号",
    "班级",
    "家庭住址",
    "监护人姓名",
    "与学生关系",
    "联系电话",
    "监护人2姓名",
    "监护人2与学生关系",
    "监护人2联系电话",
    "是否留守儿童",
    "是否单亲家庭",
    "是否进城务工人员随迁子女",
    "是否建档立卡贫困户",
    "备注",
]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "子涵欣怡梓轩浩然宇轩雨桐思远佳怡俊杰一诺明轩诗涵博文雅琪"
STREETS = ["人民路", "解放大街", "中央东路", "北京路", "新华街", "和平路"]


def make_csv(headings: list[str], rows: Sequence[Sequence[object]], *, encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headings)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def make_xlsx(headings: list[str], rows: Sequence[Sequence[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(headings)
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def pupil_row(
    number: int,
    *,
    name: str = "",
    gender: str = "女",
    birth: object = "2016-05-01",
    klass: str = "四年级(1)班",
    **overrides: object,
) -> list[object]:
    """One row in the order of PUPIL_HEADINGS; overrides by heading."""
    values: dict[str, object] = {
        "姓名": name or f"学生{number}",
        "性别": gender,
        "出生日期": birth,
        "学籍号": f"G{number:08d}",
        "班级": klass,
        "家庭住址": f"四平市人民路{number}号",
        "监护人姓名": f"家长{number}",
        "与学生关系": "母亲",
        "联系电话": f"138{number:08d}",
        "监护人2姓名": "",
        "监护人2与学生关系": "",
        "监护人2联系电话": "",
        "是否留守儿童": "否",
        "是否单亲家庭": "否",
        "是否进城务工人员随迁子女": "否",
        "是否建档立卡贫困户": "否",
        "备注": "",
    }
    values.update(overrides)
    return [values[h] for h in PUPIL_HEADINGS]


def generated_pupils(count: int, *, seed: int = 7) -> list[list[object]]:
    """Plausible pupils: six grades of four classes, two guardians for some, a few special groups."""
    rng = random.Random(seed)
    relations = ["父亲", "母亲", "爷爷", "奶奶", "外公", "外婆", "姑姑"]
    rows = []
    for index in range(count):
        grade = 1 + index % 6
        klass = f"{'一二三四五六'[grade - 1]}年级({1 + index // 6 % 4})班"
        birth = datetime.date(2019 - grade, 1 + rng.randrange(12), 1 + rng.randrange(28))
        second = rng.random() < 0.4
        rows.append(
            pupil_row(
                index + 1,
                name=rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, 2)),
                gender=rng.choice(["男", "女"]),
                birth=birth.strftime("%Y/%-m/%-d"),
                klass=klass,
                家庭住址=f"四平市{rng.choice(STREETS)}{rng.randrange(1, 300)}号",
                监护人姓名=rng.choice(SURNAMES) + rng.choice(GIVEN),
                与学生关系=rng.choice(relations),
                联系电话=f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
                监护人2姓名=rng.choice(SURNAMES) + rng.choice(GIVEN) if second else "",
                监护人2与学生关系="父亲" if second else "",
                监护人2联系电话=f"139{rng.randrange(10**8):08d}" if second else "",
                是否留守儿童=rng.choice(["是", "否", "否", "否", ""]),
                是否单亲家庭=rng.choice(["1", "0", "0", "0"]),
                是否建档立卡贫困户=rng.choice(["√", "×", "×", ""]),
            )
        )
    return rows


def run(world, data: bytes, *, name: str = "roster.csv", kind: str | None = "pupils") -> ImportReport:
    return roster_import(school=world.school, kind=kind, uploaded_name=name, data=data)


def place(pupil: Pupil) -> tuple[int, int]:
    assert pupil.classroom is not None
    return pupil.classroom.grade, pupil.classroom.number


def writes(queries: CaptureQueriesContext) -> list[str]:
    """Writes to the roster's tables (every import, even one that changes nothing, is audited)."""
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")) and '"audit_' not in q["sql"]
    ]


def test_three_bad_rows_refuse_the_whole_file_and_are_all_named(world):
    rows = [pupil_row(n) for n in range(1, 9)]
    rows[1] = pupil_row(2, gender="未知")  # row 3
    rows[4] = pupil_row(5, birth="2015-02-30")  # row 6
    rows[6] = pupil_row(7, 联系电话="12-34")  # row 8
    pupils_before, guardians_before, classes_before = (
        Pupil.objects.count(),
        Guardian.objects.count(),
        Classroom.objects.count(),
    )

    report = run(world, make_csv(PUPIL_HEADINGS, rows))

    assert not report.ok
    assert [(e.row, e.column) for e in report.errors] == [(3, "性别"), (6, "出生日期"), (8, "联系电话")]
    assert "未知" in report.errors[0].message
    assert "2015-02-30" in report.errors[1].message
    assert "12-34" in report.errors[2].message
    with translation.override("en"):
        assert str(report.errors[0]).startswith("Row 3, column 性别: ")
    assert (report.created, report.updated, report.unchanged) == (0, 0, 0)
    assert Pupil.objects.count() == pupils_before
    assert Guardian.objects.count() == guardians_before
    assert Classroom.objects.count() == classes_before


@pytest.mark.postgres_only
@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_a_thousand_pupils_import_and_the_same_file_again_writes_nothing(world, file_format):
    rows = generated_pupils(1000)
    if file_format == "xlsx":
        data, name = make_xlsx(PUPIL_HEADINGS, rows), "名单.xlsx"
    else:
        data, name = make_csv(PUPIL_HEADINGS, rows), "名单.csv"

    first = run(world, data, name=name)

    assert first.ok, first.errors[:5]
    assert (first.created, first.updated, first.unchanged) == (1000, 0, 0)
    assert Pupil.objects.filter(school=world.school).count() == 1000
    assert Classroom.objects.filter(school=world.school).count() == 24
    assert len(first.new_classrooms) == 23  # 四年级(1)班 already existed
    expected_guardians = 1000 + sum(1 for r in rows if r[PUPIL_HEADINGS.index("监护人2姓名")])
    assert Guardian.objects.filter(pupil__school=world.school).count() == expected_guardians
    stamps = dict(Pupil.objects.values_list("pk", "updated_at"))

    with CaptureQueriesContext(connection) as queries:
        second = run(world, data, name=name)

    assert second.ok
    assert (second.created, second.updated, second.unchanged) == (0, 0, 1000)
    assert second.new_classrooms == []
    assert writes(queries) == []
    assert len(queries.captured_queries) < 20 + 4  # + the audit record of the import
    assert dict(Pupil.objects.values_list("pk", "updated_at")) == stamps


def test_imported_values_are_cleaned(world):
    rows = [
        pupil_row(
            1,
            name="张　三",
            gender="M",
            birth="2015年3月2日",
            klass="4年级（2）班",
            联系电话="+86 138-0000-0001",
            监护人2姓名="张大山",
            监护人2与学生关系="爷爷",
            是否留守儿童="是",
            是否单亲家庭="1",
            是否建档立卡贫困户="Y",
            备注="  需要关注  ",
        )
    ]

    report = run(world, make_csv(PUPIL_HEADINGS, rows))

    assert report.ok, report.errors
    pupil = Pupil.objects.get(school=world.school, student_number="G00000001")
    assert pupil.name == "张三"
    assert pupil.gender == Gender.MALE
    assert pupil.birth_date == datetime.date(2015, 3, 2)
    assert place(pupil) == (4, 2)
    assert pupil.classroom is not None
    assert pupil.classroom.academic_year == world.classroom.academic_year
    assert (pupil.left_behind, pupil.single_parent, pupil.migrant_child, pupil.registered_poor) == (
        True,
        True,
        False,
        True,
    )
    assert pupil.notes == "需要关注"
    guardians = list(
        pupil.guardians.order_by("position").values_list("position", "name", "relation", "phone")
    )
    assert guardians == [
        (1, "家长1", Guardian.Relation.MOTHER, "13800000001"),
        (2, "张大山", Guardian.Relation.GRANDFATHER, ""),
    ]
    assert report.new_classrooms == [pupil.classroom.label]


def test_a_changed_row_updates_only_that_pupil(world):
    rows = [pupil_row(n) for n in range(1, 6)]
    assert run(world, make_csv(PUPIL_HEADINGS, rows)).ok
    stamps = dict(Pupil.objects.values_list("student_number", "updated_at"))

    rows[2] = pupil_row(3, name="新名字", klass="四年级(3)班", 联系电话="13911112222")
    with CaptureQueriesContext(connection) as queries:
        report = run(world, make_csv(PUPIL_HEADINGS, rows))

    assert report.ok
    assert (report.created, report.updated, report.unchanged) == (0, 1, 4)
    changed = Pupil.objects.get(student_number="G00000003")
    assert changed.name == "新名字"
    assert place(changed) == (4, 3)
    assert changed.guardians.get(position=1).phone == "13911112222"
    assert changed.updated_at > stamps["G00000003"]
    after = dict(Pupil.objects.values_list("student_number", "updated_at"))
    assert {n: t for n, t in after.items() if n != "G00000003"} == {
        n: t for n, t in stamps.items() if n != "G00000003"
    }
    pupil_updates = [q for q in writes(queries) if q.startswith('UPDATE "schools_pupil"')]
    assert len(pupil_updates) == 1
    assert '"name"' in pupil_updates[0] and '"home_address"' not in pupil_updates[0]


def test_existing_pupils_are_matched_by_student_number_within_the_school(world):
    mine = PupilFactory.create(classroom=world.classroom, student_number="G00000001", name="旧名字")
    GuardianFactory.create(pupil=mine, position=1, name="家长1", relation=Guardian.Relation.MOTHER)
    GuardianFactory.create(
        pupil=mine, position=2, name="外婆甲", relation=Guardian.Relation.MATERNAL_GRANDMOTHER
    )
    theirs = PupilFactory.create(classroom=world.other_classroom, student_number="G00000001", name="别校学生")

    report = run(world, make_csv(PUPIL_HEADINGS, [pupil_row(1)]))

    assert report.ok
    assert (report.created, report.updated) == (0, 1)
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.name == "学生1"
    assert theirs.name == "别校学生"
    # Guardians the file does not mention are kept: an import never deletes.
    assert mine.guardians.count() == 2


def test_columns_left_out_are_not_touched(world):
    pupil = PupilFactory.create(classroom=world.classroom, student_number="S1", name="王一", left_behind=True)
    pupil.home_address = "老地址"
    pupil.save()

    data = make_csv(["姓名", "性别", "学号", "班级"], [["王一", "女", "S1", "四年级(1)班"]])
    report = run(world, data)

    assert report.ok
    assert (report.updated, report.unchanged) == (0, 1)
    pupil.refresh_from_db()
    assert pupil.home_address == "老地址"
    assert pupil.left_behind is True


def test_gbk_csv_imports_with_correct_chinese(world):
    data = make_csv(
        PUPIL_HEADINGS, [pupil_row(1, name="欧阳娜娜", 家庭住址="吉林省四平市铁西区")], encoding="gbk"
    )
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")

    report = run(world, data, kind=None)

    assert report.ok, report.errors
    assert report.kind == "pupils"
    pupil = Pupil.objects.get(student_number="G00000001")
    assert pupil.name == "欧阳娜娜"
    assert pupil.home_address == "吉林省四平市铁西区"


def test_utf8_with_bom_imports(world):
    data = b"\xef\xbb\xbf" + make_csv(PUPIL_HEADINGS, [pupil_row(1)])
    report = run(world, data)
    assert report.ok, report.errors
    assert Pupil.objects.filter(student_number="G00000001").exists()


def test_full_width_headings_spaces_and_required_markers_match(world):
    headings = ["＊姓 名", " 性别* ", "学　籍　号", "班级（必填）", "ＢＡＮＪＩ"]
    data = make_csv(headings, [["李四", "男", "G1", "三年级一班", "x"]])

    report = run(world, data)

    assert not report.ok  # 班级（必填） is not a known heading, so 班级 is missing
    assert [(e.row, e.column) for e in report.errors] == [(None, "班级")]

    headings[3] = " 班 级 "
    report = run(world, make_csv(headings, [["李四", "男", "G1", "三年级一班", "x"]]))
    assert report.ok, report.errors
    assert report.ignored_columns == ["ＢＡＮＪＩ"]
    pupil = Pupil.objects.get(student_number="G1")
    assert (pupil.name, *place(pupil)) == ("李四", 3, 1)


def test_yes_no_values(world):
    headings = ["姓名", "性别", "学号", "班级", "是否留守儿童", "是否单亲家庭", "是否随迁子女", "是否贫困户"]
    rows = [
        ["甲", "女", "1", "4-1", "是", "1", "yes", "√"],
        ["乙", "女", "2", "4-1", "否", "0", "NO", "×"],
        ["丙", "女", "3", "4-1", "", "TRUE", "n", "Y"],
    ]
    assert run(world, make_csv(headings, rows)).ok
    flags = {
        p.student_number: (p.left_behind, p.single_parent, p.migrant_child, p.registered_poor)
        for p in Pupil.objects.all()
    }
    assert flags == {
        "1": (True, True, True, True),
        "2": (False, False, False, False),
        "3": (False, True, False, True),
    }

    rows[0][4] = "也许"
    report = run(world, make_csv(headings, rows))
    assert not report.ok
    assert [(e.row, e.column) for e in report.errors] == [(2, "是否留守儿童")]


def test_unknown_columns_are_ignored_and_listed(world):
    headings = ["序号", "姓名", "性别", "学号", "班级", "爱好"]
    report = run(world, make_csv(headings, [["1", "甲", "男", "1", "4-1", "足球"]]))
    assert report.ok
    assert report.ignored_columns == ["序号", "爱好"]


def test_missing_required_columns_refuse_the_file_naming_them(world):
    report = run(world, make_csv(["姓名", "出生日期"], [["甲", "2015-01-01"]]))
    assert not report.ok
    assert [e.column for e in report.errors] == ["性别", "学籍号 / 学号", "班级"]
    assert all(e.row is None for e in report.errors)
    assert not Pupil.objects.exists()


def test_duplicate_student_numbers_name_both_rows(world):
    rows = [pupil_row(1), pupil_row(2), pupil_row(1, name="另一个")]
    report = run(world, make_csv(PUPIL_HEADINGS, rows))
    assert not report.ok
    assert [(e.row, e.column) for e in report.errors] == [(4, "学籍号")]
    assert "G00000001" in report.errors[0].message and "2" in report.errors[0].message
    assert not Pupil.objects.exists()

    # Also when the rows have other problems: every problem is reported.
    rows = [pupil_row(1, gender="?"), pupil_row(1, klass="?")]
    report = run(world, make_csv(PUPIL_HEADINGS, rows))
    assert [(e.row, e.column) for e in report.errors] == [(2, "性别"), (3, "班级"), (3, "学籍号")]


def test_registry_number_is_preferred_over_school_number(world):
    data = make_csv(["姓名", "性别", "学号", "学籍号", "班级"], [["甲", "男", "12", "G42", "4-1"]])
    report = run(world, data)
    assert report.ok
    assert report.ignored_columns == ["学号"]
    assert Pupil.objects.get().student_number == "G42"


def test_grade_column_gives_the_grade(world):
    data = make_csv(
        ["姓名", "性别", "学号", "年级", "班级"],
        [["甲", "男", "1", "初一", "2班"], ["乙", "男", "2", "七年级", "初一(2)班"]],
    )
    report = run(world, data)
    assert report.ok, report.errors
    assert {place(p) for p in Pupil.objects.all()} == {(7, 2)}

    data = make_csv(["姓名", "性别", "学号", "年级", "班级"], [["甲", "男", "1", "五年级", "四年级(1)班"]])
    report = run(world, data)
    assert [(e.row, e.column) for e in report.errors] == [(2, "班级")]


def test_guardian_needs_a_name_and_a_relation(world):
    rows = [pupil_row(1, 监护人姓名=""), pupil_row(2, 与学生关系=""), pupil_row(3, 与学生关系="邻居")]
    report = run(world, make_csv(PUPIL_HEADINGS, rows))
    assert [(e.row, e.column) for e in report.errors] == [
        (2, "监护人姓名"),
        (3, "与学生关系"),
        (4, "与学生关系"),
    ]


def test_no_academic_year_refuses_the_import(world):
    Classroom.objects.all().delete()
    AcademicYear.objects.all().delete()
    with translation.override("en"):
        report = run(world, make_csv(PUPIL_HEADINGS, [pupil_row(1)]))
    assert not report.ok
    assert "academic year" in report.errors[0].message
    assert not Pupil.objects.exists()


def test_file_level_refusals(world, settings):
    assert run(world, b"", name="a.csv").errors[0].message
    assert not run(world, b"PK\x03\x04 not really a zip", name="a.xlsx").ok
    assert not run(world, make_csv(PUPIL_HEADINGS, []), name="a.csv").ok
    assert not run(world, b"x", name="a.xls").ok
    settings.WANJIA_ROSTER_MAX_BYTES = 100
    report = run(world, make_csv(PUPIL_HEADINGS, [pupil_row(1)]))
    assert not report.ok and "100" in report.errors[0].message


def test_the_kind_is_detected_or_refused(world):
    staff = make_csv(["姓名", "工号", "职务"], [["赵老师", "T001", "任课教师"]])
    report = run(world, staff, kind=None)
    assert report.ok and report.kind == "staff"

    report = run(world, make_csv(["姓名", "班级"], [["甲", "4-1"]]), kind=None)
    assert not report.ok and report.kind == ""


# --- staff --------------------------------------------------------------------------------------

STAFF_HEADINGS = ["姓名", "工号", "手机号", "职务", "任教班级"]


def staff_rows() -> list[list[object]]:
    return [
        ["赵老师", "T001", "13800001111", "任课教师、班主任", "四年级(2)班"],
        ["钱老师", "T002", "", "心理健康教师", ""],
        ["孙校长", "T003", "+86 139 0000 2222", "校长/任课教师", ""],
        ["李主任", "owner", "13800003333", "班主任", "四年级(1)班"],
    ]


def test_staff_import_creates_users_memberships_and_class_teachers_and_is_idempotent(world):
    world.owner.full_name = "李主任"
    world.owner.phone = "13800003333"
    world.owner.save()
    data = make_csv(STAFF_HEADINGS, staff_rows())

    report = run(world, data, kind="staff")

    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (3, 0, 1)
    zhao = User.objects.get(username="T001")
    assert zhao.full_name == "赵老师" and zhao.phone == "13800001111"
    assert not zhao.has_usable_password()
    roles = set(
        Membership.objects.filter(
            school=world.school, user__username__in=["T001", "T002", "T003"]
        ).values_list("user__username", "role")
    )
    assert roles == {
        ("T001", Membership.Role.TEACHER),
        ("T002", Membership.Role.COUNSELLOR),
        ("T003", Membership.Role.PRINCIPAL),
        ("T003", Membership.Role.TEACHER),
    }
    assert User.objects.get(username="T003").phone == "13900002222"
    led = Classroom.objects.get(school=world.school, grade=4, number=2)
    assert led.class_teacher == zhao
    assert report.new_classrooms == [led.label]
    world.classroom.refresh_from_db()
    assert world.classroom.class_teacher == world.owner

    with CaptureQueriesContext(connection) as queries:
        again = run(world, data, kind="staff")
    assert again.ok
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert writes(queries) == []


def test_staff_import_adds_without_removing(world):
    rows = [["外校老师", "outsider", "", "任课教师", ""], ["同事", "colleague", "", "班主任", "4-1"]]
    report = run(world, make_csv(STAFF_HEADINGS, rows), kind="staff")
    assert report.ok, report.errors
    assert (report.created, report.updated) == (0, 2)
    # The outsider joins this school and keeps the other one.
    assert set(Membership.objects.filter(user=world.outsider).values_list("school__code", flat=True)) == {
        "A",
        "B",
    }
    # The class changes hands; the previous class teacher keeps their membership.
    world.classroom.refresh_from_db()
    assert world.classroom.class_teacher == world.colleague
    assert Membership.objects.filter(user=world.owner, school=world.school, is_active=True).exists()


def test_staff_import_reactivates_a_listed_membership(world):
    membership = MembershipFactory.create(
        user=UserFactory.create(username="T9"), school=world.school, is_active=False
    )
    report = run(world, make_csv(STAFF_HEADINGS, [["某老师", "T9", "", "教师", ""]]), kind="staff")
    assert report.ok and report.updated == 1
    membership.refresh_from_db()
    assert membership.is_active


def test_staff_import_refuses_bad_rows_and_site_administrators(world):
    User.objects.create_superuser(username="root", password="x")
    rows = [
        ["甲", "T1", "", "班主任", ""],
        ["乙", "T2", "", "厨师", ""],
        ["丙", "T1", "", "教师", ""],
        ["丁", "T4", "", "班主任", "四年级(1)班"],
        ["戊", "T5", "", "班主任", "4-1"],
    ]
    report = run(world, make_csv(STAFF_HEADINGS, rows), kind="staff")
    assert [(e.row, e.column) for e in report.errors] == [
        (2, "任教班级"),
        (3, "职务"),
        (4, "工号"),
        (6, "任教班级"),
    ]

    report = run(world, make_csv(STAFF_HEADINGS, [["根", "root", "", "管理员", ""]]), kind="staff")
    assert [(e.row, e.column) for e in report.errors] == [(2, "工号")]
    assert not Membership.objects.filter(user__username="root").exists()
    assert not User.objects.filter(username__in=["T1", "T2", "T4", "T5"]).exists()


def test_guardian_living_and_working_columns(world):
    headings = ["姓名", "性别", "学号", "班级", "监护人姓名", "与学生关系", "是否与学生同住", "是否外出务工"]
    rows = [
        ["甲", "男", "1", "4-1", "甲父", "父亲", "", ""],
        ["乙", "男", "2", "4-1", "乙母", "母亲", "否", "是"],
    ]
    assert run(world, make_csv(headings, rows)).ok
    flags = dict(Guardian.objects.values_list("pupil__student_number", "lives_with_pupil"))
    away = dict(Guardian.objects.values_list("pupil__student_number", "works_away"))
    assert flags == {"1": True, "2": False}
    assert away == {"1": False, "2": True}

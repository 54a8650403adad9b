"""The demo organisation: one bureau, two schools, three classes of pupils and nine accounts.

Built deterministically (a seeded ``random.Random`` per class) and idempotently (natural keys),
so running it again leaves the database as it was. Never for production: it sets known passwords.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from io import TextIOBase
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import get_password_validators, validate_password
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from schools.calendar import campaign_create_default
from schools.models import (
    AcademicYear,
    Bureau,
    BureauMembership,
    Classroom,
    Gender,
    Guardian,
    Membership,
    Pupil,
    School,
    Term,
)

M = TypeVar("M", bound=models.Model)

DEFAULT_PASSWORD = "wanjia-demo"  # noqa: S105 - the documented demo password, refused in production
# The demo password is the documented one, not a person's choice: it is set directly, checked only
# for length and commonness (the strength rule of AUTH_PASSWORD_VALIDATORS refuses "wanjia-demo",
# which leans on the product's name).
DEMO_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
BUREAU_CODE = "siping"
PUPILS_PER_CLASS = 30

Role = Membership.Role
Relation = Guardian.Relation

# The most common surnames first, so that they come up more often.
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓"
    "曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪"
    "范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛"
    "郝龚邵万钱严覃武戴莫孔向汤"
)
BOY_CHARS = "浩宇轩子涵博文俊杰鑫磊明天一泽晨航睿鹏阳志强伟家豪嘉铭思远凯瑞梓皓宏然奕诚林峰"
GIRL_CHARS = "欣怡雨萱梓涵诗琪佳悦可馨思彤婉婷雪晴语妍静雅丽玉梦瑶心蕊璐佳慧颖一诺安然"
FATHER_NAMES = (
    "建国", "建军", "志强", "国华", "海涛", "立军", "永刚", "振华", "春生", "宏伟", "军", "伟",
    "刚", "磊", "强", "东", "亮", "鹏", "海波", "国庆", "长江", "晓东", "庆林", "德明",
)  # fmt: skip
MOTHER_NAMES = (
    "秀英", "桂兰", "丽娟", "红梅", "海燕", "丽丽", "晓燕", "玉霞", "春梅", "淑华", "美玲", "静",
    "敏", "艳", "丽", "娜", "芳", "凤霞", "秀梅", "雪梅", "晓红", "艳华", "春艳", "丽华",
)  # fmt: skip
GRANDFATHER_NAMES = (
    "德福", "福林", "长山", "凤山", "玉林", "宝山", "永福", "振山", "忠", "贵", "树林", "殿臣",
)  # fmt: skip
GRANDMOTHER_NAMES = (
    "桂芝", "淑珍", "秀兰", "凤兰", "玉珍", "桂英", "凤琴", "玉兰", "淑芬", "秀云", "桂荣", "素珍",
)  # fmt: skip
MOBILE_PREFIXES = (
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139",
    "150", "151", "152", "153", "155", "156", "157", "158", "159",
    "180", "181", "182", "183", "185", "186", "187", "188", "189",
)  # fmt: skip

CITY_DISTRICTS = {
    "铁西区": ("英雄街道", "仁兴街道", "站前街道", "地直街道", "北沟街道"),
    "铁东区": ("北市场街道", "黄土坑街道", "平东街道", "七马路街道", "四马路街道", "解放街道"),
}
HOUSING_ESTATES = (
    "紫御华府", "天宝城", "英雄小区", "和平小区", "北沟小区", "仁兴小区", "兴业小区", "丰泽园小区",
    "金色家园", "阳光花园", "新华小区", "铁东小区", "南河小区", "铁路小区",
)  # fmt: skip
RURAL_TOWNS = {
    "梨树县": ("梨树镇", "郭家店镇", "榆树台镇", "孤家子镇", "小城子镇", "喇嘛甸镇", "蔡家镇"),
    "双辽市": ("茂林镇", "双山镇", "卧虎镇", "服先镇", "王奔镇"),
    "伊通满族自治县": ("伊通镇", "营城子镇", "大孤山镇", "景台镇", "二道镇"),
    "铁东区": ("山门镇", "叶赫满族镇", "石岭子镇"),
}
VILLAGES = (
    "太平村", "前进村", "新立村", "永安村", "胜利村", "三家子村", "双龙村", "长山村", "东升村",
    "红旗村", "兴隆村", "六家子村", "靠山村", "平安村",
)  # fmt: skip


@dataclass(frozen=True)
class SchoolSpec:
    code: str
    name: str
    stage: str
    address: str
    number_prefix: str  # student numbers: G2203 + school + grade + class + seat
    rural_share: float  # share of pupils living in the countryside around Siping


@dataclass(frozen=True)
class GroupQuota:
    """How many pupils of a class of 30 belong to each special group (they may overlap)."""

    left_behind: int
    single_parent: int
    migrant_child: int
    registered_poor: int


@dataclass(frozen=True)
class ClassSpec:
    key: str
    school_code: str
    grade: int
    number: int
    class_teacher: str
    quota: GroupQuota


@dataclass(frozen=True)
class AccountSpec:
    username: str
    full_name: str
    school_code: str | None  # None: a bureau role
    role: str


SCHOOLS = (
    SchoolSpec(
        code="A",
        name="四平市第一实验小学",
        stage=School.Stage.PRIMARY,
        address="吉林省四平市铁西区英雄大路1号",
        number_prefix="G220301",
        rural_share=0.1,
    ),
    SchoolSpec(
        code="B",
        name="四平市第三中学",
        stage=School.Stage.JUNIOR,
        address="吉林省四平市铁东区北二纬路8号",
        number_prefix="G220303",
        rural_share=0.6,
    ),
)

# Pupil (not staff) counts per group: more left-behind and poor pupils at the junior school,
# whose catchment reaches into the counties; more migrant children at the city primary school.
CLASSES = (
    ClassSpec("A1", "A", 4, 1, "teacher_a1", GroupQuota(4, 3, 4, 2)),
    ClassSpec("A2", "A", 4, 2, "teacher_a2", GroupQuota(5, 3, 3, 2)),
    ClassSpec("B1", "B", 8, 1, "teacher_b1", GroupQuota(8, 3, 2, 4)),
)

ACCOUNTS = (
    AccountSpec("inspector", "孙建华", None, BureauMembership.Role.INSPECTOR),
    AccountSpec("principal_a", "王淑芬", "A", Role.PRINCIPAL),
    AccountSpec("counsellor_a", "陈静", "A", Role.COUNSELLOR),
    AccountSpec("teacher_a1", "李红梅", "A", Role.TEACHER),
    AccountSpec("teacher_a2", "张志刚", "A", Role.TEACHER),
    AccountSpec("admin_a", "赵亮", "A", Role.SCHOOL_ADMIN),
    AccountSpec("custodian_a", "周丽华", "A", Role.CUSTODIAN),
    AccountSpec("principal_b", "杨振东", "B", Role.PRINCIPAL),
    AccountSpec("teacher_b1", "吴海燕", "B", Role.TEACHER),
)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    description: str


@dataclass(frozen=True)
class DemoSummary:
    accounts: list[DemoAccount]
    password: str
    schools: int
    classrooms: int
    pupils: int
    guardians: int
    special_group_pupils: int


def demo_build(*, password: str = DEFAULT_PASSWORD, stdout: TextIOBase | None = None) -> DemoSummary:
    """Create or refresh the demo organisation; the same data however often it runs."""
    if settings.WANJIA_ENVIRONMENT == "production":
        raise ImproperlyConfigured("The demo data must never be loaded into production.")
    validate_password(password, password_validators=get_password_validators(DEMO_PASSWORD_VALIDATORS))

    def say(line: str) -> None:
        if stdout is not None:
            stdout.write(f"{line}\n")

    with transaction.atomic():
        bureau, _created = _upsert(Bureau, {"code": BUREAU_CODE}, {"name": "四平市教育局"})
        year = _academic_year(timezone.localdate())
        schools = {
            spec.code: _upsert(
                School,
                {"code": spec.code},
                {"bureau": bureau, "name": spec.name, "stage": spec.stage, "address": spec.address},
            )[0]
            for spec in SCHOOLS
        }
        say(_("Bureau %(bureau)s, academic year %(year)s.") % {"bureau": bureau.name, "year": year.name})

        users = _accounts(password=password)
        for spec in ACCOUNTS:
            if spec.school_code is None:
                _upsert(
                    BureauMembership,
                    {"user": users[spec.username], "bureau": bureau, "role": spec.role},
                    {"is_active": True},
                )
            else:
                _upsert(
                    Membership,
                    {"user": users[spec.username], "school": schools[spec.school_code], "role": spec.role},
                    {"is_active": True},
                )
        say(_("%(count)d accounts.") % {"count": len(users)})

        # The programme calendar of this year, with the default phases (left alone if it exists).
        campaign, _created = campaign_create_default(
            bureau=bureau, year=timezone.localdate().year, actor=None
        )
        say(campaign.name)

        pupils = guardians = special = 0
        classrooms: dict[str, Classroom] = {}
        for class_spec in CLASSES:
            school_spec = next(s for s in SCHOOLS if s.code == class_spec.school_code)
            classroom, _created = _upsert(
                Classroom,
                {
                    "school": schools[class_spec.school_code],
                    "academic_year": year,
                    "grade": class_spec.grade,
                    "number": class_spec.number,
                },
                {"class_teacher": users[class_spec.class_teacher]},
            )
            classrooms[class_spec.key] = classroom
            for row in _class_rows(class_spec, school_spec, year):
                pupil, _created = _upsert(
                    Pupil,
                    {"school": classroom.school, "student_number": row.pop("student_number")},
                    {"classroom": classroom, **{k: v for k, v in row.items() if k != "guardians"}},
                )
                for position, guardian in enumerate(row["guardians"], start=1):
                    _upsert(Guardian, {"pupil": pupil, "position": position}, guardian)
                Guardian.objects.filter(pupil=pupil, position__gt=len(row["guardians"])).delete()
                pupils += 1
                guardians += len(row["guardians"])
                special += any(row[name] for name in Pupil.SPECIAL_GROUP_FIELDS)
            say(
                _("%(classroom)s of %(school)s: %(count)d pupils.")
                % {"classroom": classroom.label, "school": classroom.school.name, "count": PUPILS_PER_CLASS}
            )

    return DemoSummary(
        accounts=[
            DemoAccount(spec.username, spec.full_name, _describe(spec, schools, classrooms, bureau))
            for spec in ACCOUNTS
        ],
        password=password,
        schools=len(schools),
        classrooms=len(classrooms),
        pupils=pupils,
        guardians=guardians,
        special_group_pupils=special,
    )


def _upsert(model: type[M], lookup: dict[str, Any], values: dict[str, Any]) -> tuple[M, bool]:
    """update_or_create that validates, and writes only when something changed (so a re-run
    leaves even ``updated_at`` alone)."""
    obj = model._default_manager.filter(**lookup).first()
    created = obj is None
    if obj is None:
        obj = model(**lookup)
    changed = [name for name, value in values.items() if _current(obj, name, value) != value]
    for name in changed:
        setattr(obj, name, values[name])
    if created or changed:
        obj.full_clean()
        obj.save()
    return obj, created


def _current(obj: models.Model, name: str, value: Any) -> Any:
    """The field's current value, comparing related objects by key (without fetching them)."""
    if isinstance(value, models.Model):
        field = obj._meta.get_field(name)
        assert isinstance(field, models.ForeignKey)
        key = getattr(obj, field.attname)
        return value if key == value.pk else None
    return getattr(obj, name)


def _academic_year(today: datetime.date) -> AcademicYear:
    name = AcademicYear.name_for(today)
    start = int(name[:4])
    year, _created = _upsert(
        AcademicYear,
        {"name": name},
        {"starts_on": datetime.date(start, 9, 1), "ends_on": datetime.date(start + 1, 8, 31)},
    )
    # The two terms cover the whole year; each holiday belongs to the term it follows.
    _upsert(
        Term,
        {"academic_year": year, "number": Term.Number.FIRST},
        {"starts_on": year.starts_on, "ends_on": datetime.date(start + 1, 1, 31)},
    )
    _upsert(
        Term,
        {"academic_year": year, "number": Term.Number.SECOND},
        {"starts_on": datetime.date(start + 1, 2, 1), "ends_on": year.ends_on},
    )
    return year


def _accounts(*, password: str) -> dict[str, User]:
    """The nine demo users with the given password. All share one hash (one salt): hashing is
    deliberately slow, and these accounts share their password anyway."""
    existing = {u.username: u for u in User.objects.filter(username__in=[a.username for a in ACCOUNTS])}
    matches: dict[str, bool] = {}  # stored hash -> does the password match it
    shared_hash: str | None = None
    users: dict[str, User] = {}
    for spec in ACCOUNTS:
        user = existing.get(spec.username) or User(username=spec.username)
        values = {"full_name": spec.full_name, "is_active": True, "is_staff": False, "is_superuser": False}
        changed = [name for name, value in values.items() if getattr(user, name) != value]
        for name in changed:
            setattr(user, name, values[name])
        if user.password not in matches:
            matches[user.password] = check_password(password, user.password)
        if not matches[user.password]:
            if shared_hash is None:
                shared_hash = make_password(password)
                matches[shared_hash] = True
            user.password = shared_hash
            changed.append("password")
        if user.pk is None or changed:
            user.full_clean()
            user.save()
        users[spec.username] = user
    return users


def _describe(
    spec: AccountSpec, schools: dict[str, School], classrooms: dict[str, Classroom], bureau: Bureau
) -> str:
    if spec.school_code is None:
        return _("Inspector of %(bureau)s: reads every school, changes nothing") % {"bureau": bureau.name}
    school = schools[spec.school_code].name
    led = [c for c in CLASSES if c.class_teacher == spec.username]
    if led:
        return _("Class teacher of %(classroom)s, %(school)s") % {
            "classroom": classrooms[led[0].key].label,
            "school": school,
        }
    descriptions = {
        Role.PRINCIPAL: _("Principal of %(school)s"),
        Role.COUNSELLOR: _("Psychological counsellor of %(school)s"),
        Role.SCHOOL_ADMIN: _("School administrator of %(school)s (roster import)"),
        Role.CUSTODIAN: _("Donation custodian of %(school)s"),
        Role.TEACHER: _("Teacher of %(school)s"),
    }
    return descriptions[Role(spec.role)] % {"school": school}


# --- pupils -------------------------------------------------------------------------------------


def _class_rows(class_spec: ClassSpec, school_spec: SchoolSpec, year: AcademicYear) -> list[dict[str, Any]]:
    """Thirty pupils with their guardians; the same rows for the same class on every run."""
    rng = random.Random(f"wanjia-demo-{class_spec.key}")  # noqa: S311 - demo data, not secrets
    seats = list(range(PUPILS_PER_CLASS))
    quota = class_spec.quota
    left_behind = set(rng.sample(seats, quota.left_behind))
    # A migrant workers' child lives with its parents in the city, so is never left behind.
    migrant = set(rng.sample([s for s in seats if s not in left_behind], quota.migrant_child))
    single_parent = set(rng.sample(seats, quota.single_parent))
    registered_poor = set(rng.sample(seats, quota.registered_poor))

    # Children start grade 1 in the September after they turn six.
    first_grade_start = year.starts_on.year - (class_spec.grade - 1)
    born_from = datetime.date(first_grade_start - 7, 9, 1)
    born_days = (datetime.date(first_grade_start - 6, 8, 31) - born_from).days

    rows: list[dict[str, Any]] = []
    names: set[str] = set()
    for seat in seats:
        gender = Gender.MALE if rng.random() < 0.52 else Gender.FEMALE
        surname = rng.choice(SURNAMES)
        name = _child_name(rng, surname, gender)
        while name in names:
            name = _child_name(rng, surname, gender)
        names.add(name)
        flags = {
            "left_behind": seat in left_behind,
            "single_parent": seat in single_parent,
            "migrant_child": seat in migrant,
            "registered_poor": seat in registered_poor,
        }
        rural = not flags["migrant_child"] and (
            rng.random() < school_spec.rural_share or (flags["left_behind"] and rng.random() < 0.7)
        )
        address = _rural_address(rng) if rural else _city_address(rng)
        notes = ""
        if flags["migrant_child"]:
            notes = f"户籍地：{_rural_address(rng).removeprefix('吉林省四平市')}；随父母在市区租房居住。"
        elif flags["registered_poor"]:
            notes = f"建档立卡贫困户（{rng.randint(2015, 2018)}年识别）。"
        rows.append(
            {
                "student_number": (
                    f"{school_spec.number_prefix}{class_spec.grade:02d}{class_spec.number:02d}{seat + 1:02d}"
                ),
                "name": name,
                "gender": gender,
                "birth_date": born_from + datetime.timedelta(days=rng.randint(0, born_days)),
                "home_address": address,
                "notes": notes,
                "is_active": True,
                **flags,
                "guardians": _guardians(rng, surname, **flags),
            }
        )
    return rows


def _child_name(rng: random.Random, surname: str, gender: str) -> str:
    chars = BOY_CHARS if gender == Gender.MALE else GIRL_CHARS
    length = 1 if rng.random() < 0.2 else 2
    return surname + "".join(rng.choice(chars) for _ in range(length))


def _guardians(
    rng: random.Random,
    surname: str,
    *,
    left_behind: bool,
    single_parent: bool,
    migrant_child: bool,
    registered_poor: bool,
) -> list[dict[str, Any]]:
    """Guardians consistent with the pupil's groups: who lives with the child, who works away."""
    del registered_poor  # poverty does not change who the guardians are
    mother_surname = rng.choice([s for s in SURNAMES if s != surname])

    def person(relation: str, *, lives_with: bool, works_away: bool) -> dict[str, Any]:
        if relation == Relation.FATHER:
            name = surname + rng.choice(FATHER_NAMES)
        elif relation == Relation.MOTHER:
            name = mother_surname + rng.choice(MOTHER_NAMES)
        elif relation == Relation.GRANDFATHER:
            name = surname + rng.choice(GRANDFATHER_NAMES)
        elif relation == Relation.MATERNAL_GRANDFATHER:
            name = mother_surname + rng.choice(GRANDFATHER_NAMES)
        else:  # grandmothers keep their own surnames
            name = rng.choice(SURNAMES) + rng.choice(GRANDMOTHER_NAMES)
        return {
            "name": name,
            "relation": relation,
            "phone": rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}",
            "lives_with_pupil": lives_with,
            "works_away": works_away,
        }

    parent = rng.choice([Relation.FATHER, Relation.MOTHER]) if single_parent else None
    if left_behind:
        # Both parents (or the only parent) work away; a grandparent brings the child up.
        grandparent = rng.choice(
            [
                Relation.GRANDMOTHER,
                Relation.GRANDMOTHER,
                Relation.GRANDFATHER,
                Relation.MATERNAL_GRANDMOTHER,
                Relation.MATERNAL_GRANDFATHER,
            ]
        )
        away = parent or rng.choice([Relation.FATHER, Relation.MOTHER])
        return [
            person(grandparent, lives_with=True, works_away=False),
            person(away, lives_with=False, works_away=True),
        ]
    if parent is not None:
        guardians = [person(parent, lives_with=True, works_away=False)]
        if not migrant_child and rng.random() < 0.4:
            grandparent = Relation.GRANDMOTHER if parent == Relation.FATHER else Relation.MATERNAL_GRANDMOTHER
            guardians.append(person(grandparent, lives_with=True, works_away=False))
        return guardians
    if migrant_child:
        # The parents came to work in the city and brought the child with them.
        return [
            person(Relation.FATHER, lives_with=True, works_away=False),
            person(Relation.MOTHER, lives_with=True, works_away=False),
        ]
    if rng.random() < 0.3:
        return [person(rng.choice([Relation.MOTHER, Relation.FATHER]), lives_with=True, works_away=False)]
    # Sometimes one parent works away while the other stays: not a left-behind child.
    father_away = rng.random() < 0.12
    return [
        person(Relation.MOTHER, lives_with=True, works_away=False),
        person(Relation.FATHER, lives_with=not father_away, works_away=father_away),
    ]


def _city_address(rng: random.Random) -> str:
    district = rng.choice(sorted(CITY_DISTRICTS))
    return (
        f"吉林省四平市{district}{rng.choice(CITY_DISTRICTS[district])}{rng.choice(HOUSING_ESTATES)}"
        f"{rng.randint(1, 24)}号楼{rng.randint(1, 6)}单元{rng.randint(1, 7)}0{rng.randint(1, 4)}室"
    )


def _rural_address(rng: random.Random) -> str:
    county = rng.choice(sorted(RURAL_TOWNS))
    return f"吉林省四平市{county}{rng.choice(RURAL_TOWNS[county])}{rng.choice(VILLAGES)}{rng.randint(1, 9)}组"

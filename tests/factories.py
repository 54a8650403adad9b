"""factory_boy factories for the organisation and its people."""

from __future__ import annotations

import datetime

import factory
from factory.django import DjangoModelFactory

from accounts.models import User
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
)


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.django.Password("pw")


class BureauFactory(DjangoModelFactory[Bureau]):
    class Meta:
        model = Bureau
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"bureau{n}")
    name = factory.Sequence(lambda n: f"第{n}教育局")


class SchoolFactory(DjangoModelFactory[School]):
    class Meta:
        model = School
        django_get_or_create = ("code",)

    bureau = factory.SubFactory(BureauFactory)
    code = factory.Sequence(lambda n: f"S{n:03d}")
    name = factory.Sequence(lambda n: f"第{n}实验小学")


class AcademicYearFactory(DjangoModelFactory[AcademicYear]):
    """The academic year that contains today (so selectors treat it as current)."""

    class Meta:
        model = AcademicYear
        django_get_or_create = ("name",)

    name = factory.LazyFunction(lambda: AcademicYear.name_for(datetime.date.today()))  # noqa: DTZ011
    starts_on = factory.LazyAttribute(lambda o: datetime.date(int(o.name[:4]), 9, 1))
    ends_on = factory.LazyAttribute(lambda o: datetime.date(int(o.name[:4]) + 1, 8, 31))


class ClassroomFactory(DjangoModelFactory[Classroom]):
    class Meta:
        model = Classroom

    school = factory.SubFactory(SchoolFactory)
    academic_year = factory.SubFactory(AcademicYearFactory)
    grade = 4
    number = factory.Sequence(lambda n: n + 1)


class MembershipFactory(DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    school = factory.SubFactory(SchoolFactory)
    role = Membership.Role.TEACHER


class BureauMembershipFactory(DjangoModelFactory[BureauMembership]):
    class Meta:
        model = BureauMembership

    user = factory.SubFactory(UserFactory)
    bureau = factory.SubFactory(BureauFactory)
    role = BureauMembership.Role.INSPECTOR


class PupilFactory(DjangoModelFactory[Pupil]):
    class Meta:
        model = Pupil

    school = factory.LazyAttribute(lambda o: o.classroom.school if o.classroom else SchoolFactory())
    classroom = factory.SubFactory(ClassroomFactory)
    student_number = factory.Sequence(lambda n: f"G{n:08d}")
    name = factory.Sequence(lambda n: f"学生{n}")
    gender = Gender.FEMALE
    birth_date = datetime.date(2016, 5, 1)


class GuardianFactory(DjangoModelFactory[Guardian]):
    class Meta:
        model = Guardian

    pupil = factory.SubFactory(PupilFactory)
    position = 1
    name = factory.Sequence(lambda n: f"家长{n}")
    relation = Guardian.Relation.MOTHER
    phone = "13800000000"

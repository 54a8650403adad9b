"""The demo organisation: exact accounts, plausible pupils, idempotent, never in production."""

from __future__ import annotations

import datetime
import io
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from accounts.models import User
from schools.demo import demo_build
from schools.models import (
    AcademicYear,
    Bureau,
    BureauMembership,
    Classroom,
    Guardian,
    Membership,
    Pupil,
    School,
    Term,
)

Role = Membership.Role
Relation = Guardian.Relation
GRANDPARENTS = {
    Relation.GRANDFATHER,
    Relation.GRANDMOTHER,
    Relation.MATERNAL_GRANDFATHER,
    Relation.MATERNAL_GRANDMOTHER,
}
CHINESE_NAME = re.compile(r"^[\u4e00-\u9fff]{2,4}$")

EXPECTED_MEMBERSHIPS = {
    ("principal_a", "A", Role.PRINCIPAL),
    ("counsellor_a", "A", Role.COUNSELLOR),
    ("teacher_a1", "A", Role.TEACHER),
    ("teacher_a2", "A", Role.TEACHER),
    ("admin_a", "A", Role.SCHOOL_ADMIN),
    ("custodian_a", "A", Role.CUSTODIAN),
    ("principal_b", "B", Role.PRINCIPAL),
    ("teacher_b1", "B", Role.TEACHER),
}


def snapshot() -> dict[str, object]:
    return {
        "counts": [
            m.objects.count()
            for m in (User, Bureau, School, AcademicYear, Term, Classroom, Membership, BureauMembership)
        ],
        "pupils": list(
            Pupil.objects.order_by("pk").values_list("pk", "student_number", "name", "updated_at")
        ),
        "guardians": list(Guardian.objects.order_by("pk").values_list("pk", "pupil_id", "name", "phone")),
        "passwords": list(User.objects.order_by("username").values_list("username", "password")),
    }


@pytest.mark.smoke
@pytest.mark.django_db
def test_demo_builds_exactly_the_nine_accounts_with_their_roles() -> None:
    call_command("demo", stdout=StringIO())

    users = {u.username: u for u in User.objects.all()}
    assert set(users) == {"inspector", *(username for username, _, _ in EXPECTED_MEMBERSHIPS)}
    assert not any(u.is_staff or u.is_superuser for u in users.values())
    assert all(CHINESE_NAME.match(u.full_name) for u in users.values())
    assert all(u.check_password("wanjia-demo") for u in users.values())

    memberships = set(Membership.objects.values_list("user__username", "school__code", "role"))
    assert memberships == EXPECTED_MEMBERSHIPS
    inspector = BureauMembership.objects.get()
    assert (inspector.user.username, inspector.bureau.code, inspector.role) == (
        "inspector",
        "siping",
        BureauMembership.Role.INSPECTOR,
    )
    assert inspector.bureau.name == "四平市教育局"

    classes = {
        (c.school.code, c.grade, c.number): c.class_teacher and c.class_teacher.username
        for c in Classroom.objects.select_related("school", "class_teacher")
    }
    assert classes == {("A", 4, 1): "teacher_a1", ("A", 4, 2): "teacher_a2", ("B", 8, 1): "teacher_b1"}
    assert School.objects.get(code="A").name == "四平市第一实验小学"
    assert School.objects.get(code="B").stage == School.Stage.JUNIOR


@pytest.mark.django_db
def test_demo_year_and_terms_are_current() -> None:
    demo_build(password="wanjia-demo")

    year = AcademicYear.objects.get()
    assert year.starts_on <= datetime.date.today() <= year.ends_on  # noqa: DTZ011
    assert (year.starts_on.month, year.starts_on.day, year.ends_on.month, year.ends_on.day) == (9, 1, 8, 31)
    terms = list(year.terms.order_by("number"))
    assert [t.number for t in terms] == [1, 2]
    assert terms[0].starts_on == year.starts_on and terms[1].ends_on == year.ends_on
    assert terms[0].ends_on < terms[1].starts_on


@pytest.mark.django_db
def test_demo_pupils_are_plausible_and_consistent_with_their_groups() -> None:
    summary = demo_build(password="wanjia-demo")
    year = AcademicYear.objects.get()

    assert summary.pupils == Pupil.objects.count() == 90
    for classroom in Classroom.objects.all():
        pupils = list(classroom.pupils.prefetch_related("guardians"))
        assert len(pupils) >= 25
        assert any(p.special_groups for p in pupils)
        for pupil in pupils:
            guardians = list(pupil.guardians.all())
            assert 1 <= len(guardians) <= 2
            assert CHINESE_NAME.match(pupil.name)
            assert pupil.student_number.startswith("G2203")
            born = pupil.birth_date
            assert born is not None
            first_day = year.starts_on
            age = first_day.year - born.year - ((first_day.month, first_day.day) < (born.month, born.day))
            # Six by 31 August when starting grade 1, so 9 or 10 on the first day of grade 4.
            assert age in (classroom.grade + 5, classroom.grade + 6)
            assert all(re.fullmatch(r"1[358]\d{9}", g.phone) for g in guardians)
            if pupil.left_behind:
                assert not pupil.migrant_child
                assert any(g.relation in GRANDPARENTS and g.lives_with_pupil for g in guardians)
                assert all(
                    g.works_away for g in guardians if g.relation in {Relation.FATHER, Relation.MOTHER}
                )
            else:
                assert any(g.lives_with_pupil for g in guardians)
            if pupil.migrant_child:
                assert all(g.lives_with_pupil and not g.works_away for g in guardians)
            if pupil.single_parent:
                parents = [g for g in guardians if g.relation in {Relation.FATHER, Relation.MOTHER}]
                assert len(parents) == 1

    def share(school: str, group: str) -> float:
        pupils = Pupil.objects.filter(school__code=school)
        return pupils.filter(**{group: True}).count() / pupils.count()

    assert 0.12 <= share("A", "left_behind") < share("B", "left_behind") <= 0.3
    for group in ("single_parent", "migrant_child", "registered_poor"):
        assert 0.05 <= Pupil.objects.filter(**{group: True}).count() / 90 <= 0.15
    assert Pupil.objects.filter(gender="M").count() in range(30, 61)
    assert len(set(Pupil.objects.values_list("name", flat=True))) > 80


@pytest.mark.django_db
def test_running_the_demo_twice_changes_nothing() -> None:
    call_command("demo", stdout=StringIO())
    first = snapshot()
    call_command("demo", stdout=StringIO())
    assert snapshot() == first


@pytest.mark.django_db
def test_password_option_changes_every_demo_password() -> None:
    call_command("demo", stdout=StringIO())
    call_command("demo", "--password", "another-demo-pass", stdout=StringIO())

    users = list(User.objects.all())
    assert len(users) == 9
    assert all(u.check_password("another-demo-pass") for u in users)
    assert not any(u.check_password("wanjia-demo") for u in users)


@pytest.mark.django_db
def test_a_weak_password_is_refused() -> None:
    with pytest.raises(CommandError):
        call_command("demo", "--password", "123", stdout=StringIO())
    assert not User.objects.exists()


@pytest.mark.smoke
@pytest.mark.django_db
@override_settings(WANJIA_ENVIRONMENT="production")
def test_the_demo_refuses_to_run_in_production() -> None:
    with pytest.raises(CommandError):
        call_command("demo", stdout=StringIO())
    assert not User.objects.exists()
    assert not Pupil.objects.exists()


@pytest.mark.django_db
def test_the_command_prints_the_accounts_and_the_login_url() -> None:
    out = StringIO()
    call_command("demo", "--password", "printed-pass-1", stdout=out)

    output = out.getvalue()
    for user in User.objects.all():
        line = next(line for line in output.splitlines() if line.startswith(user.username + " "))
        assert user.full_name in line
        assert "printed-pass-1" in line
    assert "http://127.0.0.1:8000/accounts/login/" in output


@pytest.mark.django_db
def test_the_demo_opens_cases_in_several_states_once() -> None:
    from django.core.management import call_command

    from attachments.models import Attachment
    from audit.models import AuditEvent
    from care.models import ArchiveEntry, CounsellingSession, SpecialGroupArchive, TutoringSession
    from casework.models import Case, CounsellingNote

    call_command("demo", stdout=io.StringIO())
    states = sorted(Case.objects.values_list("state", flat=True))
    assert states == ["awaiting_approval", "closed", "home_visit", "identified", "planning"]
    # One from the case demo, two from the attended counselling sessions of care.demo.
    assert CounsellingNote.objects.count() == 3
    transitions = AuditEvent.objects.filter(action="case.transition").count()
    assert transitions > 0

    attachments = set(Attachment.objects.values_list("original_name", "content_type"))
    assert attachments == {
        ("建档立卡贫困户证明.pdf", "application/pdf"),
        ("家访照片-学习角.png", "image/png"),
    }
    # care.demo (checked here, where the demo already runs twice, to keep the suite fast):
    # tutoring with rising levels, counselling with a missed session, archives with two years.
    levels = [s.level or 0 for s in TutoringSession.objects.order_by("held_on")]
    assert len(levels) == 4 and levels == sorted(levels) and levels[0] > 0
    assert {s.attendance for s in CounsellingSession.objects.all()} == {"attended", "missed"}
    archives = SpecialGroupArchive.objects.count()
    assert archives >= 2 and ArchiveEntry.objects.count() == 2 * archives
    events = AuditEvent.objects.count()

    call_command("demo", stdout=io.StringIO())
    assert Case.objects.count() == 5
    assert AuditEvent.objects.filter(action="case.transition").count() == transitions
    assert Attachment.objects.count() == 2
    assert AuditEvent.objects.count() == events and SpecialGroupArchive.objects.count() == archives


@pytest.mark.django_db
def test_the_demo_sets_up_this_years_programme_calendar_once() -> None:
    from django.utils import timezone

    from audit.models import AuditEvent
    from schools.calendar import phase_on
    from schools.models import Campaign

    demo_build(password="wanjia-demo")
    bureau = Bureau.objects.get()
    campaign = Campaign.objects.get(bureau=bureau)
    assert campaign.year == timezone.localdate().year
    assert campaign.phases.count() == 4
    assert phase_on(bureau_id=bureau.pk, on=timezone.localdate()) is not None
    plans = campaign.phases.get(kind="plans")
    plans.ends_on = plans.ends_on.replace(day=20)
    plans.save(update_fields=["ends_on"])  # as an inspector might have moved it

    demo_build(password="wanjia-demo")
    assert Campaign.objects.count() == 1
    assert campaign.phases.get(kind="plans").ends_on.day == 20
    assert AuditEvent.objects.filter(action="calendar.campaign_created").count() == 1

"""``manage.py demo``: exact accounts, idempotent, every app's demo records, never in production."""

from __future__ import annotations

import io
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from accounts.models import User
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
    from consents.models import Consent, Purpose
    from consents.rules import consent_given
    from consents.selectors import annotated_history

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
        ("家访拍照同意书-签字扫描件.pdf", "application/pdf"),
    }
    # consents.demo: the photographed pupil's guardians consented (the scan above is its form).
    photo = Attachment.objects.get(content_type="image/png")
    assert photo.visit is not None
    assert consent_given(pupil=photo.visit.pupil, purpose=Purpose.HOME_VISIT_PHOTOS)
    assert Attachment.objects.get(original_name__startswith="家访拍照同意书").consent is not None
    statuses = {record.status for record in annotated_history(pupil=photo.visit.pupil)}
    assert statuses <= {"given", "superseded"} and Consent.objects.filter(withdrawn_at__isnull=False).exists()
    assert Consent.objects.filter(granted=False).exists()
    # care.demo (checked here, where the demo already runs twice, to keep the suite fast):
    # tutoring with rising levels, counselling with a missed session, archives with two years.
    levels = [s.level or 0 for s in TutoringSession.objects.order_by("held_on")]
    assert len(levels) == 4 and levels == sorted(levels) and levels[0] > 0
    assert {s.attendance for s in CounsellingSession.objects.all()} == {"attended", "missed"}
    archives = SpecialGroupArchive.objects.count()
    assert archives >= 2 and ArchiveEntry.objects.count() == 2 * archives
    events = AuditEvent.objects.count()
    consents = Consent.objects.count()

    call_command("demo", stdout=io.StringIO())
    assert Case.objects.count() == 5
    assert AuditEvent.objects.filter(action="case.transition").count() == transitions
    assert Attachment.objects.count() == 3
    assert Consent.objects.count() == consents
    assert AuditEvent.objects.count() == events and SpecialGroupArchive.objects.count() == archives

"""Break-glass: a leader's or inspector's emergency, read-only, time-limited access to a case's
confidential notes; who may open it, what it opens, who is told, how it ends and is reviewed."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core import mail
from django.test import override_settings

from audit.models import AuditEvent
from casework import notes, services
from casework.models import BreakGlassAccess, Case
from core.errors import Conflict, Forbidden, Invalid, NotFound
from schools.models import Membership
from tests.builders import open_case
from tests.casework.helpers import add_staff, personas
from tests.factories import BureauMembershipFactory, UserFactory
from workflows.models import Notification, NotificationKind

REASON = "学生今晚发出自伤信号，需要立即了解既往咨询情况以便干预"  # 27 characters
T0 = datetime.datetime(2026, 5, 12, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def cast(world):
    people = personas(world)
    for user in people.values():
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])
    return people


@pytest.fixture
def psych_case(world, cast) -> Case:
    """Psychological: the school's counsellor is granted at opening; one note written."""
    case = open_case(world.classroom, by=world.colleague, categories=["psychological"], summary="情绪低落")
    notes.note_create(case_id=case.pk, user=world.counsellor, content="第一次谈话：睡眠不好")
    return case


def break_glass(case: Case, user, reason: str = REASON) -> BreakGlassAccess:
    return services.break_glass_open(case_id=case.pk, user=user, reason=reason)


def added_events(before: set[int]) -> list[AuditEvent]:
    return list(AuditEvent.objects.exclude(pk__in=before).order_by("id"))


@pytest.mark.smoke
def test_a_principal_reads_the_notes_until_the_access_expires(world, cast, psych_case):
    principal = world.principal
    with time_machine.travel(T0, tick=False):
        with pytest.raises(Forbidden):
            notes.note_list(case_id=psych_case.pk, user=principal)
        grant = break_glass(psych_case, principal)
        assert (grant.role, grant.opened_at, grant.expires_at) == (
            "leader",
            T0,
            T0 + datetime.timedelta(hours=1),
        )
        assert [view.content for view in notes.note_list(case_id=psych_case.pk, user=principal)] == [
            "第一次谈话：睡眠不好"
        ]
        read = AuditEvent.objects.filter(action="note.read", actor=principal).get()
        assert read.detail == {"notes": [psych_case.counselling_notes.get().pk], "break_glass": grant.pk}
        # Read-only: a write is refused, and the refusal names the emergency access.
        before = set(AuditEvent.objects.values_list("pk", flat=True))
        with pytest.raises(Forbidden):
            notes.note_create(case_id=psych_case.pk, user=principal, content="校长补充")
        assert [(e.action, e.detail) for e in added_events(before)] == [
            ("note.write_refused", {"reason": "break_glass_read_only", "break_glass": grant.pk})
        ]
    with time_machine.travel(T0 + datetime.timedelta(minutes=59, seconds=59), tick=False):
        assert len(notes.note_list(case_id=psych_case.pk, user=principal)) == 1
    with time_machine.travel(T0 + datetime.timedelta(hours=1), tick=False):
        before = set(AuditEvent.objects.values_list("pk", flat=True))
        with pytest.raises(Forbidden):  # as before: the principal sees the case, not its notes
            notes.note_list(case_id=psych_case.pk, user=principal)
        assert [(e.action, e.detail) for e in added_events(before)] == [
            ("note.read_refused", {"reason": "break_glass_expired", "break_glass": grant.pk})
        ]
    assert AuditEvent.objects.filter(action="note.read", actor=principal).count() == 2


def test_how_long_it_lasts_is_a_setting(world, cast, psych_case):
    with override_settings(WANJIA_BREAK_GLASS_MINUTES=5), time_machine.travel(T0, tick=False):
        grant = break_glass(psych_case, cast["vice_principal"])
    assert grant.expires_at == T0 + datetime.timedelta(minutes=5)
    with time_machine.travel(T0 + datetime.timedelta(minutes=6), tick=False), pytest.raises(Forbidden):
        notes.note_list(case_id=psych_case.pk, user=cast["vice_principal"])


def test_an_inspector_of_the_bureau_opens_them_as_inspector(world, cast, psych_case):
    grant = break_glass(psych_case, world.inspector)
    assert grant.role == "inspector"
    assert len(notes.note_list(case_id=psych_case.pk, user=world.inspector)) == 1


def test_the_opening_is_audited_with_its_reason_and_expiry(world, cast, psych_case):
    with time_machine.travel(T0, tick=False):
        grant = break_glass(psych_case, world.principal)
    event = AuditEvent.objects.get(action="notes.break_glass_opened")
    assert (event.actor, event.case_id, event.school_id) == (world.principal, psych_case.pk, world.school.pk)
    assert event.target_id == str(grant.pk)
    assert event.detail["break_glass"] == grant.pk
    assert event.detail["role"] == "leader"
    assert event.detail["reason"] == REASON
    assert event.detail["expires_at"] == (T0 + datetime.timedelta(hours=1)).isoformat()
    assert event.detail["minutes"] == 60
    assert "睡眠" not in str(event.detail)


# Who may break the glass: leaders of the case's school and the bureau's inspectors. Those who
# see the case are refused with 403, the others with 404; every refusal is audited.
REFUSED_403 = ["owner", "class_teacher", "school_admin"]
REFUSED_404 = ["bystander", "custodian", "outsider", "other_inspector", "other_counsellor", "superuser"]


@pytest.mark.parametrize("name", REFUSED_403 + REFUSED_404)
def test_nobody_else_breaks_the_glass(world, cast, psych_case, name):
    user = cast[name]
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    expected = Forbidden if name in REFUSED_403 else NotFound
    with pytest.raises(expected):
        break_glass(psych_case, user, reason="")  # who asks comes before what they wrote
    assert [(e.action, e.actor_id, e.case_id, e.detail) for e in added_events(before)] == [
        (
            "notes.break_glass_refused",
            user.pk,
            psych_case.pk,
            {"reason": "not_eligible" if expected is Forbidden else "not_visible"},
        )
    ]
    assert not BreakGlassAccess.objects.exists()
    assert mail.outbox == []


def test_a_granted_counsellor_needs_no_glass(world, cast, psych_case):
    with pytest.raises(Forbidden):  # a counsellor is not eligible: the grant is their way in
        break_glass(psych_case, world.counsellor)
    # A vice principal who is also a counsellor granted on the case opens the notes directly.
    vice = cast["vice_principal"]
    Membership.objects.create(user=vice, school=world.school, role=Membership.Role.COUNSELLOR)
    services.counsellor_grant(case_id=psych_case.pk, user=world.principal, counsellor_id=vice.pk)
    with pytest.raises(Conflict):
        break_glass(psych_case, vice)


def test_a_case_that_does_not_exist_is_404(world, cast):
    with pytest.raises(NotFound):
        services.break_glass_open(case_id=987654, user=world.principal, reason=REASON)


@pytest.mark.parametrize("reason", ["", "   ", "太短的理由", "x" * 19, "x" * 2001])
def test_a_reason_of_at_least_20_characters_is_required(world, cast, psych_case, reason):
    with pytest.raises(Invalid) as error:
        break_glass(psych_case, world.principal, reason=reason)
    assert set(error.value.errors) == {"reason"}
    assert not BreakGlassAccess.objects.exists()
    assert not AuditEvent.objects.filter(action="notes.break_glass_opened").exists()


def test_one_open_access_at_a_time_then_again_after_it_expired(world, cast, psych_case):
    with time_machine.travel(T0, tick=False):
        break_glass(psych_case, world.principal)
        with pytest.raises(Conflict):
            break_glass(psych_case, world.principal)
        break_glass(psych_case, world.inspector)  # another person: their own access
    with time_machine.travel(T0 + datetime.timedelta(hours=2), tick=False):
        break_glass(psych_case, world.principal)
    assert BreakGlassAccess.objects.filter(user=world.principal).count() == 2


def test_losing_the_position_ends_the_access(world, cast, psych_case):
    break_glass(psych_case, world.principal)
    Membership.objects.filter(user=world.principal, role=Membership.Role.PRINCIPAL).update(is_active=False)
    with pytest.raises(NotFound):
        notes.note_list(case_id=psych_case.pk, user=world.principal)


def test_the_counsellors_and_inspectors_are_told_at_once(
    world, cast, psych_case, django_capture_on_commit_callbacks
):
    # Joined after the case was opened: not granted, but a counsellor of a psychological case.
    late = add_staff("late_counsellor", world.school, Membership.Role.COUNSELLOR)
    late.email = "late@example.org"
    late.save(update_fields=["email"])
    second_inspector = UserFactory.create(username="second_inspector", email="second_inspector@example.org")
    BureauMembershipFactory.create(user=second_inspector, bureau=world.school.bureau)

    with django_capture_on_commit_callbacks(execute=True):
        grant = break_glass(psych_case, world.principal)

    told = {world.counsellor.pk, late.pk, world.inspector.pk, second_inspector.pk}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [
            "counsellor@example.org",
            "late@example.org",
            "inspector@example.org",
            "second_inspector@example.org",
        ]
    )
    message = mail.outbox[0]
    assert f"{psych_case.pk}" in message.subject
    assert world.school.name in message.body
    assert f"/cases/{psych_case.pk}/" in message.body
    assert "/cases/break-glass/" in message.body
    for secret in (REASON, psych_case.pupil.name, "睡眠"):
        assert secret not in f"{message.subject} {message.body}"
    event = AuditEvent.objects.get(action="notes.break_glass_opened")
    assert set(event.detail["notified"]) == told
    assert set(event.detail["mailed"]) == told
    # And in the app: one notification each, about the case, with no task.
    notifications = Notification.objects.filter(kind=NotificationKind.BREAK_GLASS)
    assert {n.user_id for n in notifications} == told
    assert all(n.task_id is None and n.params["case"] == psych_case.pk for n in notifications)
    assert all(n.params["break_glass"] == grant.pk for n in notifications)


def test_on_another_case_only_the_granted_counsellors_are_told(
    world, cast, django_capture_on_commit_callbacks
):
    case = open_case(world.classroom, by=world.colleague, categories=["poverty"])
    granted = add_staff("granted_counsellor", world.school, Membership.Role.COUNSELLOR)
    granted.email = "granted@example.org"
    granted.save(update_fields=["email"])
    services.counsellor_grant(case_id=case.pk, user=world.principal, counsellor_id=granted.pk)
    with django_capture_on_commit_callbacks(execute=True):
        break_glass(case, world.inspector)
    # Not the school's other counsellor (not on this case), not the opener.
    assert sorted(m.to[0] for m in mail.outbox) == ["granted@example.org"]


def test_nothing_is_sent_when_the_opening_is_rolled_back(
    world, cast, psych_case, django_capture_on_commit_callbacks
):
    from casework.signals import notes_break_glass_opened

    def fail(**kwargs: object) -> None:
        raise RuntimeError("listener failed")

    notes_break_glass_opened.connect(fail, dispatch_uid="test.fail")
    try:
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
            break_glass(psych_case, world.principal)
    finally:
        notes_break_glass_opened.disconnect(dispatch_uid="test.fail")
    assert not BreakGlassAccess.objects.exists()
    assert not AuditEvent.objects.filter(action="notes.break_glass_opened").exists()
    assert mail.outbox == []


def test_an_inspector_reviews_it_once(world, cast, psych_case):
    grant = break_glass(psych_case, world.principal)
    with pytest.raises(Invalid):
        services.break_glass_review(access_id=grant.pk, user=world.inspector, comment="  ")
    for user in (world.principal, cast["vice_principal"], world.counsellor):
        with pytest.raises((Forbidden, NotFound)):
            services.break_glass_review(access_id=grant.pk, user=user, comment="看过了")
    with pytest.raises(NotFound):
        services.break_glass_review(access_id=grant.pk, user=cast["other_inspector"], comment="看过了")

    reviewed = services.break_glass_review(
        access_id=grant.pk, user=world.inspector, comment="理由充分，已核实"
    )

    assert (reviewed.reviewed_by, reviewed.review_comment) == (world.inspector, "理由充分，已核实")
    assert reviewed.reviewed_at is not None
    event = AuditEvent.objects.get(action="notes.break_glass_reviewed")
    assert (event.actor, event.case_id, event.school_id) == (world.inspector, psych_case.pk, world.school.pk)
    assert event.detail == {
        "break_glass": grant.pk,
        "opened_by": world.principal.pk,
        "comment": "理由充分，已核实",
        "expired": False,
    }
    with pytest.raises(Conflict):
        services.break_glass_review(access_id=grant.pk, user=world.inspector, comment="再看一次")


def test_an_inspector_does_not_review_their_own(world, cast, psych_case):
    grant = break_glass(psych_case, world.inspector)
    with pytest.raises(Forbidden) as error:
        services.break_glass_review(access_id=grant.pk, user=world.inspector, comment="自己审自己")
    assert error.value.code == "four_eyes"


def test_who_sees_which_accesses(world, cast, psych_case):
    from casework.selectors import break_glass_list_for_user

    grant = break_glass(psych_case, world.principal)
    other_case = open_case(world.other_classroom, by=world.outsider, categories=["psychological"])
    other_principal = add_staff("other_principal", world.other_school, Membership.Role.PRINCIPAL)
    other = break_glass(other_case, other_principal)

    assert list(break_glass_list_for_user(user=world.inspector)) == [other, grant]
    assert list(break_glass_list_for_user(user=world.principal)) == [grant]
    assert list(break_glass_list_for_user(user=other_principal)) == [other]
    assert list(break_glass_list_for_user(user=cast["other_inspector"])) == []
    for name in ("owner", "counsellor", "custodian", "school_admin", "superuser"):
        with pytest.raises(NotFound):
            break_glass_list_for_user(user=cast[name])
    services.break_glass_review(access_id=grant.pk, user=world.inspector, comment="已核实")
    assert list(break_glass_list_for_user(user=world.inspector, reviewed=False)) == [other]
    assert list(break_glass_list_for_user(user=world.inspector, reviewed=True)) == [grant]


def test_the_pupils_access_log_shows_the_emergency_access(world, cast, psych_case):
    from audit_browser.selectors import audit_pupil_access_log_for_user

    break_glass(psych_case, world.inspector)
    notes.note_list(case_id=psych_case.pk, user=world.inspector)
    log = audit_pupil_access_log_for_user(user=world.principal, pupil=psych_case.pupil)
    actions = [(e.action, e.actor_id) for e in log.filter(actor=world.inspector).order_by("id")]
    assert actions == [("notes.break_glass_opened", world.inspector.pk), ("note.read", world.inspector.pk)]

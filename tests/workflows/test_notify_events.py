"""Each event tells exactly the people who must act, once, in the event's transaction; never the
actor, never someone who has left the school (docs/notifications.md)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from accounts.models import User
from casework.models import Case
from inspections.services.rectifications import rectification_reminders_send
from opinions.models import ParentOpinion
from schools.models import Membership
from support import services as support
from tests.builders import approve_plan, open_case, submit_plan, transition
from tests.factories import MembershipFactory, UserFactory
from tests.inspections.helpers import open_rectification
from tests.opinions.helpers import drive, raise_opinion
from tests.support.helpers import donate
from workflows.models import Notification, NotificationKind
from workflows.notify import case_transition_notify, notify
from workflows.reminders import notification_text
from workflows.services import case_current_task, case_reassign

K = NotificationKind


def told(kind: str) -> list[str]:
    """Usernames told of ``kind``, sorted (duplicates kept: there must be none)."""
    return sorted(Notification.objects.filter(kind=kind).values_list("user__username", flat=True))


@pytest.fixture
def vice(world) -> User:
    user = UserFactory.create(username="vice")
    MembershipFactory.create(user=user, school=world.school, role=Membership.Role.VICE_PRINCIPAL)
    return user


@pytest.fixture
def former_vice(world) -> User:
    """A vice principal who has left school A: told nothing about it."""
    user = UserFactory.create(username="former")
    MembershipFactory.create(
        user=user, school=world.school, role=Membership.Role.VICE_PRINCIPAL, is_active=False
    )
    return user


@pytest.fixture
def other_principal(world) -> User:
    user = UserFactory.create(username="other_principal")
    MembershipFactory.create(user=user, school=world.other_school, role=Membership.Role.PRINCIPAL)
    return user


@pytest.mark.smoke
def test_a_submitted_plan_tells_the_leaders_who_may_approve_it_once(
    world, vice, former_vice, other_principal
):
    case = open_case(world.classroom, by=world.colleague)
    submit_plan(case, by=world.colleague)
    assert told(K.PLAN_SUBMITTED) == ["principal", "vice"]
    note = Notification.objects.get(kind=K.PLAN_SUBMITTED, user=world.principal)
    task = case_current_task(case=case)
    assert task is not None and task.kind == "approve_plan"
    assert note.url == f"/workflows/tasks/{task.pk}/"  # opens the approval
    assert note.school_id == world.school.pk
    assert note.params == {"case": case.pk, "who": world.colleague.get_full_name()}
    with translation.override("en"):
        assert notification_text(note) == (
            f"{world.colleague.get_full_name()} submitted the support plan of case {case.pk}: "
            "please approve or return it."
        )
    # The same event announced again tells nobody twice.
    assert (
        case_transition_notify(
            case=Case.objects.get(pk=case.pk), actor=world.colleague, transition="submit_plan"
        )
        == []
    )
    assert Notification.objects.filter(kind=K.PLAN_SUBMITTED).count() == 2


def test_a_leader_who_wrote_the_plan_is_not_asked_to_approve_it(world, vice):
    MembershipFactory.create(user=vice, school=world.school, role=Membership.Role.TEACHER)
    case = open_case(world.classroom, by=world.colleague)
    case_reassign(case_id=case.pk, new_owner=vice, actor=world.principal, reason="副校长亲自结对")
    submit_plan(case, by=vice)  # the vice principal wrote and submitted it: four eyes
    assert told(K.PLAN_SUBMITTED) == ["principal"]


def test_a_returned_plan_tells_the_paired_teacher_with_the_reason(world, vice):
    case = open_case(world.classroom, by=world.colleague)
    submit_plan(case, by=world.colleague)
    transition(case, "return_plan", by=world.principal, comment="目标不够具体")
    assert told(K.PLAN_RETURNED) == ["colleague"]
    note = Notification.objects.get(kind=K.PLAN_RETURNED)
    task = case_current_task(case=case)
    assert task is not None and note.url == f"/workflows/tasks/{task.pk}/"
    with translation.override("en"):
        assert notification_text(note).endswith("Reason: 目标不够具体")
        # E-mails and robots never carry what staff wrote.
        assert "目标不够具体" not in notification_text(note, external=True)
    # Resubmitted and returned again: a new event, told again.
    submit_plan(case, by=world.colleague)
    transition(case, "return_plan", by=world.principal, comment="再具体一些")
    assert told(K.PLAN_RETURNED) == ["colleague", "colleague"]
    assert told(K.PLAN_SUBMITTED) == ["principal", "principal", "vice", "vice"]


def test_an_approved_plan_tells_the_paired_teacher(world, vice):
    case = open_case(world.classroom, by=world.colleague)
    submit_plan(case, by=world.colleague)
    approve_plan(case, by=world.principal)
    assert told(K.PLAN_APPROVED) == ["colleague"]


def test_a_paired_teacher_who_left_is_not_told(world):
    case = open_case(world.classroom, by=world.colleague)
    submit_plan(case, by=world.colleague)
    Membership.objects.filter(user=world.colleague, school=world.school).update(is_active=False)
    approve_plan(case, by=world.principal)
    assert told(K.PLAN_APPROVED) == []


def test_a_handover_tells_the_new_paired_teacher(world):
    case = open_case(world.classroom, by=world.colleague)
    case_reassign(case_id=case.pk, new_owner=world.owner, actor=world.principal, reason="调岗")
    assert told(K.CASE_HANDED_OVER) == ["owner"]
    note = Notification.objects.get(kind=K.CASE_HANDED_OVER)
    assert note.url == f"/cases/{case.pk}/"


def test_an_opinion_tells_the_leaders_and_its_answer_the_recorder(world, vice, former_vice):
    opinion = raise_opinion(world, user=world.owner)
    assert told(K.OPINION_RECEIVED) == ["principal", "vice"]
    note = Notification.objects.filter(kind=K.OPINION_RECEIVED).first()
    assert note is not None and note.url == f"/opinions/{opinion.pk}/"
    assert "希望" not in str(note.params)  # not the opinion's text
    drive(opinion, ParentOpinion.State.DONE, leader=world.principal)
    assert told(K.OPINION_ANSWERED) == ["owner"]


def test_an_opinion_recorded_by_a_leader_tells_the_other_leaders_only(world, vice):
    from opinions import services as opinions

    opinions.opinion_receive(
        user=world.principal,
        school_id=world.school.pk,
        channel=ParentOpinion.Channel.PHONE,
        raised_on=timezone.localdate(),
        about=ParentOpinion.About.SCHOOL,
        text="希望增加课后服务",
    )
    assert told(K.OPINION_RECEIVED) == ["vice"]


def test_payouts_and_corrections_wait_for_a_signature_of_another_leader(world, vice, former_vice):
    donate(world, "500.00")
    case = open_case(world.classroom, by=world.owner)
    request = support.disbursement_request(
        user=world.custodian, school_id=world.school.pk, case_id=case.pk, purpose="学费", amount=Decimal("40")
    )
    assert told(K.PAYOUT_TO_SIGN) == ["principal", "vice"]
    payout = Notification.objects.filter(kind=K.PAYOUT_TO_SIGN).first()
    assert payout is not None and payout.url == f"/support/{world.school.pk}/"
    entry = support.disbursement_approve(
        user=world.principal, school_id=world.school.pk, request_id=request.pk
    )
    support.reversal_request(
        user=world.custodian, school_id=world.school.pk, entry_id=entry.pk, reason="录错"
    )
    assert told(K.REVERSAL_TO_SIGN) == ["principal", "vice"]
    assert not Notification.objects.filter(user=world.custodian).exists()


def test_a_rectification_tells_the_school_leaders_when_issued_and_when_due(world, vice, other_principal):
    rectification = open_rectification(world, days=10)
    assert told(K.RECTIFICATION_ISSUED) == ["principal", "vice"]
    today = timezone.localdate()
    assert rectification_reminders_send(today=today) == 0  # ten days ahead: not yet
    assert rectification_reminders_send(today=today + datetime.timedelta(days=8)) == 2
    assert rectification_reminders_send(today=today + datetime.timedelta(days=9)) == 0  # once
    assert rectification_reminders_send(today=today + datetime.timedelta(days=11)) == 2  # overdue
    assert rectification_reminders_send(today=today + datetime.timedelta(days=12)) == 0
    assert told(K.RECTIFICATION_DUE) == ["principal", "principal", "vice", "vice"]
    overdue = Notification.objects.filter(kind=K.RECTIFICATION_DUE, params__overdue=True).first()
    assert overdue is not None and overdue.url == f"/inspections/rectifications/{rectification.pk}/"
    with translation.override("en"):
        assert "overdue" in notification_text(overdue)


def test_a_rolled_back_event_tells_nobody(world):
    case = open_case(world.classroom, by=world.colleague)
    from casework.services import case_transition

    with pytest.raises(Exception):  # noqa: B017 - any failure of the transition
        case_transition(case_id=case.pk, user=world.colleague, name="submit_plan")  # no plan yet
    assert not Notification.objects.exclude(kind__in=["reminder_upcoming"]).exists()


def _people(world, count: int) -> list[User]:
    people = []
    for n in range(count):
        user = UserFactory.create(username=f"leader{count}_{n}")
        MembershipFactory.create(user=user, school=world.school, role=Membership.Role.VICE_PRINCIPAL)
        people.append(user)
    return people


@pytest.mark.smoke
def test_the_fan_out_is_one_query_whatever_the_number_of_recipients(world):
    counts = []
    for size in (1, 20):
        people = _people(world, size)
        recipients = User.objects.filter(pk__in=[p.pk for p in people])
        with CaptureQueriesContext(connection) as queries:
            ids = notify(
                kind=K.OPINION_RECEIVED,
                event=f"test:{size}",
                recipients=recipients,
                school_id=world.school.pk,
                url="/opinions/",
                params={"opinion": 1, "who": "x"},
            )
        assert len(ids) == size
        counts.append(len(queries))
        assert "ON CONFLICT" in queries[0]["sql"]
    assert counts == [1, 1]
    # Again: nobody twice, still one query.
    with CaptureQueriesContext(connection) as queries:
        assert (
            notify(
                kind=K.OPINION_RECEIVED,
                event="test:20",
                recipients=User.objects.all(),
                school_id=world.school.pk,
            )
            != []
        )  # the others (not yet told of this event) are told now
    assert len(queries) == 1
    assert (
        Notification.objects.filter(event="test:20").values("user").distinct().count() == User.objects.count()
    )

"""Deadlines and reminders: a campaign year walked day by day with time-machine.

Reminders and escalations are sent once per task, kind and recipient, whatever the number of runs
or workers; the Celery task and the management command run the same service.
"""

from __future__ import annotations

import datetime
import threading
from collections import Counter
from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from audit.models import AuditEvent
from schools.calendar import campaign_create_default
from schools.models import Membership
from tests.builders import drive_to, open_case, transition
from tests.factories import MembershipFactory, UserFactory
from workflows.models import OPEN_STATUSES, TASK_KINDS, CaseTask, Notification, NotificationKind
from workflows.reminders import notification_text, reminders_send
from workflows.tasks import send_reminders

D = datetime.date
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
K = NotificationKind


def at(day: D, hour: int = 8) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def open_task(case) -> CaseTask:
    return CaseTask.objects.get(case=case, flow_task_type="HUMAN", status__in=OPEN_STATUSES)


def with_mail(world) -> None:
    for user in (world.owner, world.colleague, world.principal, world.outsider):
        user.email = f"{user.username}@school.example"
        user.save(update_fields=["email"])


def sent(task: CaseTask) -> list[tuple[str, str, D]]:
    """(kind, username, local day) of every notification of the task."""
    return sorted(
        (n.kind, n.user.username, timezone.localdate(n.created_at))
        for n in Notification.objects.filter(task=task).select_related("user")
    )


@pytest.mark.postgres_only
def test_a_campaign_year(world, settings, django_capture_on_commit_callbacks):
    """Open cases through the year, run the reminders every day, check who got what and when."""
    settings.WANJIA_REMINDER_UPCOMING_DAYS = 7
    settings.WANJIA_ESCALATE_AFTER_DAYS = 7
    with_mail(world)
    vice = UserFactory.create(username="vice", email="vice@school.example")
    MembershipFactory.create(user=vice, school=world.school, role=Membership.Role.VICE_PRINCIPAL)
    campaign_create_default(bureau=world.school.bureau, year=2026, actor=None)

    cases: dict[str, Any] = {}
    tasks: dict[str, CaseTask] = {}

    def open_winter() -> None:  # 5 Jan: draft_plan, rule 7 days → due 12 Jan, left to lapse
        cases["winter"] = open_case(world.classroom, by=world.colleague)
        tasks["winter"] = open_task(cases["winter"])

    def open_done_early() -> None:  # 5 Jan: a draft done the next day gets no overdue reminder
        cases["early"] = open_case(world.classroom, by=world.colleague)
        tasks["early"] = open_task(cases["early"])

    def finish_early() -> None:
        transition(cases["early"], "draft_plan", by=world.colleague)
        tasks["early_submit"] = open_task(cases["early"])  # submit_plan, rule 14 → due 20 Jan

    def finish_early_submit() -> None:  # done on 19 Jan, the day before it falls due
        drive_to(cases["early"], "awaiting_approval", worker=world.colleague)
        tasks["approval"] = open_task(cases["early"])  # leaders' queue, rule 7 → due 26 Jan

    def open_spring() -> None:  # 10 Mar: plans phase → due 30 Jun
        cases["spring"] = open_case(world.classroom, by=world.colleague)
        tasks["spring"] = open_task(cases["spring"])

    actions: dict[D, list[Callable[[], None]]] = {
        D(2026, 1, 5): [open_winter, open_done_early],
        D(2026, 1, 6): [finish_early],
        D(2026, 1, 19): [finish_early_submit],
        D(2026, 3, 10): [open_spring],
    }
    runs: dict[D, Any] = {}
    day = D(2026, 1, 1)
    while day <= D(2026, 12, 31):
        with time_machine.travel(at(day), tick=False):
            for action in actions.get(day, []):
                action()
            with django_capture_on_commit_callbacks(execute=True):
                runs[day] = reminders_send()
            if day == D(2026, 1, 20):  # a second run (a second worker) the same day sends nothing
                with django_capture_on_commit_callbacks(execute=True):
                    assert reminders_send().total == 0
        day += datetime.timedelta(days=1)

    for key in ("winter", "early", "early_submit", "approval", "spring"):
        tasks[key].refresh_from_db()
    assert tasks["winter"].due_on == D(2026, 1, 12)
    assert tasks["early_submit"].due_on == D(2026, 1, 20)
    assert tasks["approval"].due_on == D(2026, 1, 26)
    assert tasks["spring"].due_on == D(2026, 6, 30)

    # Lapsed task: due soon on the day it opened, overdue the day after its due date, escalated
    # to the principal and the vice principal on the first day it is more than 7 days overdue.
    assert sent(tasks["winter"]) == [
        (K.ESCALATION, "principal", D(2026, 1, 20)),
        (K.ESCALATION, "vice", D(2026, 1, 20)),
        (K.REMINDER_OVERDUE, "colleague", D(2026, 1, 13)),
        (K.REMINDER_UPCOMING, "colleague", D(2026, 1, 5)),
    ]
    assert runs[D(2026, 1, 19)].escalated_tasks == ()
    assert runs[D(2026, 1, 20)].escalated_tasks == (tasks["winter"].pk,)
    # Work done in time: a due-soon reminder, nothing after its completion.
    assert sent(tasks["early"]) == [(K.REMINDER_UPCOMING, "colleague", D(2026, 1, 5))]
    assert sent(tasks["early_submit"]) == [(K.REMINDER_UPCOMING, "colleague", D(2026, 1, 13))]
    # An unclaimed leaders' queue task reminds the school's leaders, and escalates to them.
    assert sent(tasks["approval"]) == [
        (K.ESCALATION, "principal", D(2026, 2, 3)),
        (K.ESCALATION, "vice", D(2026, 2, 3)),
        (K.REMINDER_OVERDUE, "principal", D(2026, 1, 27)),
        (K.REMINDER_OVERDUE, "vice", D(2026, 1, 27)),
        (K.REMINDER_UPCOMING, "principal", D(2026, 1, 19)),
        (K.REMINDER_UPCOMING, "vice", D(2026, 1, 19)),
    ]
    # The phase's end decides: due soon a week before 30 June, escalated on 8 July.
    assert sent(tasks["spring"]) == [
        (K.ESCALATION, "principal", D(2026, 7, 8)),
        (K.ESCALATION, "vice", D(2026, 7, 8)),
        (K.REMINDER_OVERDUE, "colleague", D(2026, 7, 1)),
        (K.REMINDER_UPCOMING, "colleague", D(2026, 6, 23)),
    ]
    # The reminders; the submitted plan also told the two leaders (an event, not a reminder).
    assert Notification.objects.filter(kind__in=TASK_KINDS).count() == 4 + 1 + 1 + 6 + 4
    assert Notification.objects.exclude(kind__in=TASK_KINDS).count() == 2

    # One e-mail per notification, to the right address; none twice.
    mails = Counter((m.to[0], m.body.split("\n\n")[0]) for m in mail.outbox)
    expected = Counter(
        (n.user.email, notification_text(n))
        for n in Notification.objects.filter(kind__in=TASK_KINDS).select_related("user")
    )
    assert mails == expected
    assert set(mails.values()) == {1}
    winter_overdue = [
        m for m in mail.outbox if f" {cases['winter'].pk} " in m.body and "colleague@" in m.to[0]
    ]
    assert len(winter_overdue) == 2  # due soon + overdue
    assert cases["winter"].pupil.name not in "".join(str(m.body) + str(m.subject) for m in mail.outbox)

    # Each escalation is in the school's audit chain, once, with no actor.
    events = AuditEvent.objects.filter(action="task.escalated").order_by("id")
    assert [(e.target_id, e.case_id, e.school_id, e.actor_id) for e in events] == [
        (str(tasks["winter"].pk), cases["winter"].pk, world.school.pk, None),
        (str(tasks["approval"].pk), cases["early"].pk, world.school.pk, None),
        (str(tasks["spring"].pk), cases["spring"].pk, world.school.pk, None),
    ]
    assert events[0].detail["escalated_to"] == sorted([world.principal.pk, vice.pk])
    assert events[0].detail["days_overdue"] == 8


def test_running_twice_sends_nothing_new(world, django_capture_on_commit_callbacks):
    with_mail(world)
    with time_machine.travel(at(D(2026, 5, 4)), tick=False):
        case = open_case(world.classroom, by=world.colleague)
    with time_machine.travel(at(D(2026, 5, 20)), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            first = reminders_send()
        with django_capture_on_commit_callbacks(execute=True):
            second = reminders_send()
    assert (first.upcoming, first.overdue, first.escalations) == (0, 1, 1)
    assert second.total == 0
    assert sorted(m.to[0] for m in mail.outbox) == ["colleague@school.example", "principal@school.example"]
    assert Notification.objects.filter(task__case=case).count() == 2


def test_inactive_leaders_and_other_schools_get_nothing(world, django_capture_on_commit_callbacks):
    with_mail(world)
    Membership.objects.filter(user=world.principal).update(is_active=False)
    with time_machine.travel(at(D(2026, 5, 4)), tick=False):
        open_case(world.classroom, by=world.colleague)
    with django_capture_on_commit_callbacks(execute=True):
        run = reminders_send(today=D(2026, 5, 20))
    assert (run.overdue, run.escalations) == (1, 0)
    assert {m.to[0] for m in mail.outbox} == {"colleague@school.example"}
    assert not Notification.objects.filter(
        user__in=[world.outsider, world.principal, world.inspector]
    ).exists()


def race(*calls: Callable[[], Any]) -> list[Any]:
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[index] = call()
        except Exception as exc:  # reported to the test
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_once(world):
    with_mail(world)
    with time_machine.travel(at(D(2026, 5, 4)), tick=False):
        for _i in range(5):
            open_case(world.classroom, by=world.colleague)
    mail.outbox.clear()
    results = race(*(lambda: reminders_send(today=D(2026, 5, 20)) for _i in range(4)))
    assert not [r for r in results if isinstance(r, Exception)], results
    # 5 tasks: an overdue reminder to the owner and an escalation to the principal each.
    assert sum(r.total for r in results) == 10
    assert Notification.objects.count() == 10
    assert len(mail.outbox) == 10
    assert AuditEvent.objects.filter(action="task.escalated").count() == 5


def test_the_command_and_the_celery_task_share_the_service(world, django_capture_on_commit_callbacks):
    with_mail(world)
    with time_machine.travel(at(D(2026, 5, 4)), tick=False):
        case = open_case(world.classroom, by=world.colleague)
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", "--today", "2026-05-06", stdout=out)
    assert "2026-05-06: 1 due soon, 0 overdue, 0 escalations" in out.getvalue()
    with django_capture_on_commit_callbacks(execute=True):
        assert send_reminders("2026-05-06") == {
            "today": "2026-05-06",
            "upcoming": 0,
            "overdue": 0,
            "escalations": 0,
        }
        assert send_reminders("2026-05-12")["overdue"] == 1
    assert [n.kind for n in Notification.objects.filter(task__case=case).order_by("id")] == [
        K.REMINDER_UPCOMING,
        K.REMINDER_OVERDUE,
    ]
    assert len(mail.outbox) == 2


def test_the_command_refuses_a_bad_date(world):
    with pytest.raises(CommandError, match="--today"):
        call_command("send_reminders", "--today", "2026-13-01")
    assert not Notification.objects.filter(kind__in=TASK_KINDS).exists()


@pytest.mark.smoke
def test_closed_and_done_tasks_get_no_reminders(world):
    with time_machine.travel(at(D(2026, 5, 4)), tick=False):
        case = open_case(world.classroom, by=world.colleague)
        drive_to(case, "closed", leader=world.principal)
    assert not CaseTask.objects.filter(case=case, status__in=OPEN_STATUSES).exists()
    assert reminders_send(today=D(2026, 9, 1)).total == 0
    assert not Notification.objects.filter(kind__in=TASK_KINDS).exists()


def test_a_deactivated_holder_gets_nothing_but_leaders_are_still_told(
    world, django_capture_on_commit_callbacks
):
    with_mail(world)
    with time_machine.travel(at(D(2026, 5, 4)), tick=False):
        open_case(world.classroom, by=world.colleague)
    world.colleague.is_active = False
    world.colleague.save(update_fields=["is_active"])
    with django_capture_on_commit_callbacks(execute=True):
        run = reminders_send(today=D(2026, 5, 20))
    assert (run.upcoming, run.overdue, run.escalations) == (0, 0, 1)
    assert [m.to[0] for m in mail.outbox] == ["principal@school.example"]


def test_an_escalated_task_is_left_out_of_later_runs(world, django_assert_max_num_queries):
    with time_machine.travel(at(D(2026, 5, 4)), tick=False):
        open_case(world.classroom, by=world.colleague)
    assert reminders_send(today=D(2026, 5, 20)).escalations == 1
    # Later runs do not read the escalated task again: nothing is even offered for insertion.
    with django_assert_max_num_queries(6) as queries:
        assert reminders_send(today=D(2026, 6, 20)).total == 0
    assert not [q for q in queries.captured_queries if q["sql"].startswith("INSERT")]

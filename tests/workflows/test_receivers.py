"""The workflow listens to the case (docs/decisions/0003-case-events.md): its receivers are
connected, the system check notices when one is not, and whatever goes wrong in a receiver rolls
back the case change, its audit event and its task changes together."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import checks
from django.db import DatabaseError, connection, transaction
from viewflow.workflow.status import STATUS

from audit.models import AuditEvent
from casework import services
from casework.models import Case, State
from casework.signals import case_opened, case_transitioned
from core.errors import Conflict
from tests.builders import open_case
from tests.factories import PupilFactory
from workflows import receivers
from workflows.checks import case_signals_have_workflow_receivers
from workflows.models import OPEN_STATUSES, CaseProcess, CaseTask


class ListenerFailed(Exception):
    pass


def _fail(sender: Any, **kwargs: Any) -> None:
    raise ListenerFailed


@pytest.fixture
def failing_listener() -> Iterator[Any]:
    """Connect a receiver that raises, after the workflow's (receivers run in connection order)."""
    connected = []

    def connect(signal: Any) -> None:
        signal.connect(_fail, sender=Case, dispatch_uid="tests.failing_listener")
        connected.append(signal)

    yield connect
    for signal in connected:
        signal.disconnect(sender=Case, dispatch_uid="tests.failing_listener")


def open_tasks(case: Case) -> list[tuple[int, str, str]]:
    return list(
        CaseTask.objects.filter(case=case, flow_task_type="HUMAN", status__in=OPEN_STATUSES)
        .order_by("id")
        .values_list("id", "kind", "status")
    )


@pytest.mark.smoke
def test_the_workflow_receivers_are_connected():
    for signal, _receiver, uid in receivers.RECEIVERS:
        assert signal.has_listeners(sender=Case)
        assert any(key[0] == uid for key, *_rest in signal.receivers), uid
    assert {uid for _s, _r, uid in receivers.RECEIVERS} == {
        "workflows.case_process_start",
        "workflows.case_tasks_sync",
        "workflows.case_transition_notify",
        "workflows.break_glass_notify",
        "workflows.task_auto_claim",
    }
    assert case_signals_have_workflow_receivers() == []
    receivers.connect()  # a second call connects nothing twice
    for signal, _receiver, uid in receivers.RECEIVERS:
        assert sum(1 for key, *_r in signal.receivers if key[0] == uid) == 1


@pytest.mark.smoke
@pytest.mark.parametrize("index", [0, 1])
def test_the_system_check_fails_without_a_workflow_receiver(index):
    signal, receiver, uid = receivers.RECEIVERS[index]
    assert signal.disconnect(sender=Case, dispatch_uid=uid)
    try:
        errors = case_signals_have_workflow_receivers()
        assert [(e.id, e.level) for e in errors] == [("workflows.E001", checks.ERROR)]
        assert receiver.__name__ in errors[0].msg and uid in errors[0].msg
        # and `manage.py check` runs it
        assert "workflows.E001" in {e.id for e in checks.run_checks()}
    finally:
        receivers.connect()
    assert case_signals_have_workflow_receivers() == []
    assert "workflows.E001" not in {e.id for e in checks.run_checks()}


def test_a_failing_listener_rolls_back_the_transition_its_audit_event_and_its_tasks(world, failing_listener):
    case = open_case(world.classroom, by=world.colleague)
    before = open_tasks(case)
    assert [kind for _id, kind, _status in before] == ["draft_plan"]
    events = AuditEvent.objects.count()
    failing_listener(case_transitioned)

    with pytest.raises(ListenerFailed):
        services.case_transition(case_id=case.pk, user=world.colleague, name="draft_plan")

    case.refresh_from_db()
    assert case.state == State.IDENTIFIED
    assert AuditEvent.objects.count() == events
    assert not AuditEvent.objects.filter(case_id=case.pk, action="case.transition").exists()
    # The workflow's receiver ran first (it completed draft_plan and opened submit_plan), and
    # that too is undone: the same task is open, nothing new.
    assert open_tasks(case) == before
    assert CaseTask.objects.filter(case=case, status=STATUS.DONE, flow_task_type="HUMAN").count() == 0


def test_a_failing_listener_rolls_back_the_opened_case_and_its_process(world, failing_listener):
    pupil = PupilFactory.create(classroom=world.classroom)
    counts = (Case.objects.count(), CaseProcess.objects.count(), CaseTask.objects.count())
    events = AuditEvent.objects.count()
    failing_listener(case_opened)

    with pytest.raises(ListenerFailed):
        services.case_open(user=world.colleague, pupil_id=pupil.pk, categories=["academic"], summary="数学")

    assert (Case.objects.count(), CaseProcess.objects.count(), CaseTask.objects.count()) == counts
    assert AuditEvent.objects.count() == events
    assert not Case.objects.filter(pupil=pupil).exists()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_when_the_task_sync_fails_the_transition_is_rolled_back(world):
    """A real failure of the workflow's own receiver: another transaction holds the process row,
    so viewflow cannot lock it, after the transition and its audit event were written; none of
    it stays."""
    case = open_case(world.classroom, by=world.colleague)
    process = CaseProcess.objects.get(case=case)
    before = open_tasks(case)
    events = AuditEvent.objects.filter(case_id=case.pk).count()
    locked, release = threading.Event(), threading.Event()

    def hold_process_row() -> None:
        try:
            with transaction.atomic():
                CaseProcess.objects.select_for_update().filter(pk=process.pk).exists()
                locked.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_process_row)
    holder.start()
    try:
        assert locked.wait(timeout=30)
        # viewflow's lock (SELECT ... FOR UPDATE NOWAIT) catches the refusal inside its own
        # savepoint, so PostgreSQL reports it as a DatabaseError when that savepoint is released,
        # not as FlowLockFailed (which case_tasks_sync would turn into a 409 "concurrent").
        with pytest.raises((Conflict, DatabaseError)):
            services.case_transition(case_id=case.pk, user=world.colleague, name="draft_plan")
    finally:
        release.set()
        holder.join(timeout=30)

    case.refresh_from_db()
    assert case.state == State.IDENTIFIED
    assert AuditEvent.objects.filter(case_id=case.pk).count() == events
    assert open_tasks(case) == before
    # Once the other transaction is gone, the same transition goes through.
    services.case_transition(case_id=case.pk, user=world.colleague, name="draft_plan")
    assert [kind for _id, kind, _status in open_tasks(case)] == ["submit_plan"]

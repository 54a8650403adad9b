"""Due dates, and the flow following a transition (cheap enough for the SQLite smoke run)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from viewflow.workflow.status import STATUS

from casework import services
from casework.models import State
from tests.builders import open_case
from workflows.deadlines import DEFAULT_DUE_DAYS, task_due_on
from workflows.models import OPEN_STATUSES, CaseTask


@pytest.mark.smoke
def test_due_dates_by_kind_in_local_days(world, settings):
    case = open_case(world.classroom, by=world.colleague)
    # 20:00 UTC is already the next day in Asia/Shanghai
    created = datetime.datetime(2026, 3, 1, 20, 0, tzinfo=datetime.UTC)
    assert task_due_on(kind="approve_plan", case=case, created=created) == datetime.date(
        2026, 3, 2
    ) + datetime.timedelta(days=DEFAULT_DUE_DAYS["approve_plan"])
    settings.WANJIA_TASK_DUE_DAYS = {"approve_plan": 2}
    assert task_due_on(kind="approve_plan", case=case, created=created) == datetime.date(2026, 3, 4)
    assert task_due_on(kind="review", case=case, created=created) == datetime.date(2026, 3, 16)


@pytest.mark.smoke
def test_a_transition_completes_the_task_and_opens_the_next(world):
    case = open_case(world.classroom, by=world.colleague)
    first = CaseTask.objects.get(case=case, flow_task_type="HUMAN")
    assert (first.kind, first.owner_id, first.status) == ("draft_plan", world.colleague.pk, STATUS.ASSIGNED)
    assert first.due_on == timezone.localdate() + datetime.timedelta(days=DEFAULT_DUE_DAYS["draft_plan"])
    services.case_transition(case_id=case.pk, user=world.colleague, name="draft_plan")
    first.refresh_from_db()
    assert first.status == STATUS.DONE
    open_tasks = CaseTask.objects.filter(case=case, flow_task_type="HUMAN", status__in=OPEN_STATUSES)
    assert [t.kind for t in open_tasks] == ["submit_plan"]
    assert case.__class__.objects.get(pk=case.pk).state == State.PLANNING

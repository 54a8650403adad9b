"""Due dates from the programme calendar: a task of a running phase is due when it ends."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.utils import timezone

from schools.calendar import campaign_create_default, campaign_phase_update
from schools.models import CampaignPhase
from tests.builders import drive_to, open_case
from workflows.deadlines import PHASE_OF_KIND, task_due_on
from workflows.models import OPEN_STATUSES, CaseTask

D = datetime.date
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def at(day: D, hour: int = 9) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


@pytest.fixture
def campaign(world):
    campaign, _ = campaign_create_default(bureau=world.school.bureau, year=2026, actor=None)
    return campaign


@pytest.mark.parametrize(
    ("kind", "created", "due"),
    [
        # plans: March–June
        ("draft_plan", D(2026, 3, 10), D(2026, 6, 30)),
        ("submit_plan", D(2026, 6, 29), D(2026, 6, 30)),
        ("draft_plan", D(2026, 1, 10), D(2026, 1, 17)),  # winter: not its phase, rule 7 days
        ("submit_plan", D(2026, 9, 1), D(2026, 9, 15)),  # continued support: rule 14 days
        # visits: winter (Jan–Feb) or follow-up (Jul–Aug), whichever is running
        ("schedule_visit", D(2026, 1, 10), D(2026, 2, 28)),
        ("record_visit", D(2026, 2, 27), D(2026, 2, 28)),
        ("schedule_visit", D(2026, 7, 20), D(2026, 8, 31)),
        ("schedule_visit", D(2026, 4, 1), D(2026, 5, 1)),  # plans phase: rule 30 days
        ("record_visit", D(2026, 10, 1), D(2026, 10, 4)),
        # leaders' decisions: rule only, whatever phase runs
        ("approve_plan", D(2026, 3, 10), D(2026, 3, 17)),
        ("review", D(2026, 7, 20), D(2026, 8, 3)),
    ],
)
def test_phase_or_rule_by_kind(world, campaign, kind, created, due):
    case = open_case(world.classroom, by=world.colleague)
    assert task_due_on(kind=kind, case=case, created=at(created)) == due


@pytest.mark.smoke
def test_without_a_campaign_the_rule_applies(world):
    case = open_case(world.classroom, by=world.colleague)
    assert task_due_on(kind="draft_plan", case=case, created=at(D(2026, 3, 10))) == D(2026, 3, 17)
    assert task_due_on(kind="schedule_visit", case=case, created=at(D(2026, 1, 10))) == D(2026, 2, 9)


def test_another_bureaus_calendar_does_not_count(world):
    from tests.factories import BureauFactory

    campaign_create_default(bureau=BureauFactory.create(code="other"), year=2026, actor=None)
    case = open_case(world.classroom, by=world.colleague)
    assert task_due_on(kind="draft_plan", case=case, created=at(D(2026, 3, 10))) == D(2026, 3, 17)


def test_an_edited_phase_end_moves_new_due_dates(world, campaign):
    plans = campaign.phases.get(kind=CampaignPhase.Kind.PLANS)
    campaign_phase_update(phase=plans, starts_on=D(2026, 3, 1), ends_on=D(2026, 5, 31), actor=None)
    case = open_case(world.classroom, by=world.colleague)
    assert task_due_on(kind="draft_plan", case=case, created=at(D(2026, 3, 10))) == D(2026, 5, 31)


def test_the_local_day_decides_the_phase(world, campaign):
    case = open_case(world.classroom, by=world.colleague)
    # 2026-02-28 17:00 UTC is already 1 March in Asia/Shanghai: the plans phase.
    created = datetime.datetime(2026, 2, 28, 17, tzinfo=datetime.UTC)
    assert task_due_on(kind="draft_plan", case=case, created=created) == D(2026, 6, 30)


def test_tasks_opened_by_the_flow_take_the_phase_end(world, campaign):
    with time_machine.travel(at(D(2026, 3, 10)), tick=False):
        case = open_case(world.classroom, by=world.colleague)
        first = CaseTask.objects.get(case=case, flow_task_type="HUMAN")
        assert (first.kind, first.due_on) == ("draft_plan", D(2026, 6, 30))
    with time_machine.travel(at(D(2026, 7, 6)), tick=False):
        drive_to(case, "intervention", leader=world.principal)
        task = CaseTask.objects.get(case=case, flow_task_type="HUMAN", status__in=OPEN_STATUSES)
        assert timezone.localdate() == D(2026, 7, 6)
        assert (task.kind, task.due_on) == ("schedule_visit", D(2026, 8, 31))


def test_every_phase_kind_in_the_mapping_exists():
    assert {k for kinds in PHASE_OF_KIND.values() for k in kinds} <= set(CampaignPhase.Kind.values)

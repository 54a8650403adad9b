"""The checklist fills itself from the records: an item is on when, and only when, its record
exists in the campaign year — checked on both sides of the year boundary."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine

from casework.models import State
from core.errors import Conflict, Invalid
from sixones import services
from sixones.checklist import KEYS
from sixones.selectors import checklist_for_teacher
from tests.builders import drive_to, open_case
from tests.sixones.helpers import act, campaign, done, essay, meeting

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(year: int, month: int, day: int, hour: int) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, tzinfo=SHANGHAI)


def page_done(user, year) -> set[str]:
    """The items the teacher's own page shows as done (must agree with the dashboards)."""
    return {item.key for item in checklist_for_teacher(teacher=user, campaign=year).items if item.done}


def test_each_item_is_on_exactly_when_its_record_exists_in_the_year(world) -> None:
    owner, colleague = world.owner, world.colleague
    with time_machine.travel(at(2026, 12, 31, 10), tick=False):
        y2026, y2027 = campaign(world, 2026), campaign(world, 2027)
        assert done(owner, y2026) == set() == page_done(owner, y2026)

        case = open_case(world.classroom, by=owner)
        assert done(owner, y2026) == {"pairing"}  # the paired teacher (结对) of an open case
        # The owner writes the plan and records the visit.
        drive_to(case, State.REVIEW, leader=world.principal)
        assert done(owner, y2026) == {"pairing", "plan"}

        handbook = services.handbook_compile(user=owner, campaign_id=y2026.pk)
        assert handbook.visit_count == 1
        assert done(owner, y2026) == {"pairing", "plan", "handbook"}
        essay(owner, datetime.date(2026, 12, 31))
        meeting(colleague, organisers=[owner])  # recorded by a colleague, organised by the owner
        assert done(owner, y2026) == {"pairing", "plan", "handbook", "essay", "meeting"}
        act(world, owner, case_id=case.pk)
        assert done(owner, y2026) == set(KEYS) == page_done(owner, y2026)

        # Another teacher's records never count for the owner, nor the owner's for them.
        assert done(colleague, y2026) == set() == page_done(colleague, y2026)
        # Next year only the pairing carries over: the case is still open.
        assert done(owner, y2027) == {"pairing"}
        drive_to(case, State.CLOSED, leader=world.principal)

    with time_machine.travel(at(2027, 1, 1, 8), tick=False):
        assert done(owner, y2027) == set()  # closed on the last day of 2026
        assert done(owner, y2026) == set(KEYS)
        essay(owner, datetime.date(2027, 1, 1))
        essay(colleague, datetime.date(2026, 12, 31))  # written late, for the old year
        assert done(owner, y2027) == {"essay"} == page_done(owner, y2027)
        assert done(colleague, y2026) == {"essay"}
        assert done(colleague, y2027) == set()


def test_records_refused_outside_a_campaign_year_in_the_future_or_for_others(world) -> None:
    with time_machine.travel(at(2026, 3, 2, 9), tick=False):
        with pytest.raises(Invalid) as exc:
            essay(world.owner)  # no campaign year yet
        assert "written_on" in exc.value.errors
        campaign(world, 2026)
        with pytest.raises(Invalid) as exc:
            meeting(world.owner, [world.owner], datetime.date(2026, 3, 3))
        assert "held_on" in exc.value.errors
        with pytest.raises(Invalid) as exc:
            meeting(world.owner, [world.outsider])  # organisers must be staff of the school
        assert "organisers" in exc.value.errors
        with pytest.raises(Invalid) as exc:
            act(world, world.outsider)  # a pupil of another school
        assert "pupil" in exc.value.errors
        # The colleague's case: the owner is its class teacher.
        case = open_case(world.classroom, by=world.colleague)
        with pytest.raises(Invalid):
            act(world, world.counsellor, case_id=case.pk)
        assert act(world, world.owner, case_id=case.pk).pupil_id == case.pupil_id
        with pytest.raises(Conflict):
            services.handbook_compile(user=world.owner, campaign_id=campaign(world, 2026).pk)  # no visits

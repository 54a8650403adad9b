"""A small known dataset for the report tests (see ``dataset``)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
import time_machine
from django.utils import timezone

from casework.models import Case, State
from tests.builders import drive_to, open_case
from tests.factories import PupilFactory

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def t0(world) -> datetime.datetime:
    """When the dataset is built: five weeks into the academic year of world.classroom."""
    starts = world.classroom.academic_year.starts_on
    return datetime.datetime.combine(starts, datetime.time(10, 0), tzinfo=SHANGHAI) + datetime.timedelta(
        days=37
    )


@dataclass
class Dataset:
    t0: datetime.datetime
    review: list[Case]
    closed: Case
    awaiting: Case
    identified: Case


@pytest.fixture
def dataset(world) -> Dataset:
    """School A, class world.classroom (12 pupils on roll, 4 visited), all built at T0.

    cases  | categories          | state             | visited
    c1..c3 | academic            | review            | yes
    c4     | academic + poverty  | closed (improved) | yes
    c5     | poverty             | awaiting_approval | no
    c6     | poverty             | identified        | no
    plus 6 pupils without a case.
    """
    start = t0(world)
    with time_machine.travel(start, tick=False):
        review = [
            drive_to(open_case(world.classroom, by=world.colleague), State.REVIEW, leader=world.principal)
            for _ in range(3)
        ]
        closed = drive_to(
            open_case(world.classroom, by=world.colleague, categories=["academic", "poverty"]),
            State.CLOSED,
            leader=world.principal,
            outcome="improved",
        )
        awaiting = drive_to(
            open_case(world.classroom, by=world.colleague, categories=["poverty"]), State.AWAITING_APPROVAL
        )
        identified = open_case(world.classroom, by=world.colleague, categories=["poverty"])
        for _ in range(6):
            PupilFactory.create(classroom=world.classroom)
        assert timezone.now() == start
    return Dataset(t0=start, review=review, closed=closed, awaiting=awaiting, identified=identified)

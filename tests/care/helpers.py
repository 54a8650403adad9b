"""Helpers for the care tests: cases opened some weeks ago, sessions recorded through the services."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING

import time_machine
from django.utils import timezone

from casework import services
from casework.models import Case
from tests.factories import PupilFactory

if TYPE_CHECKING:
    from tests.conftest import World

SECRET = "学生谈到与继父冲突，夜间失眠，需保密跟进"


def open_case_weeks_ago(world: World, *, categories: Iterable[str] = ("academic",), weeks: int = 6) -> Case:
    """A case opened ``weeks`` ago by world.colleague (owner) on a pupil of world.classroom
    (class teacher: world.owner), so sessions can be dated in the past."""
    pupil = PupilFactory.create(classroom=world.classroom)
    with time_machine.travel(timezone.now() - datetime.timedelta(weeks=weeks), tick=False):
        return services.case_open(
            user=world.colleague, pupil_id=pupil.pk, categories=list(categories), summary="需要帮助"
        )


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)

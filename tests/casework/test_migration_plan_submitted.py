"""Migration casework 0008 marks, on data an older release left, which plan versions were submitted.

Before it, plans had no ``submitted_at``; the rule "an unchanged plan is not sent again" reads it.
A case back in planning (its plan returned) must have its returned version marked, or the same
plan could be sent again unchanged once after the upgrade.
"""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from casework.models import Case, State, SupportPlan
from core.errors import Conflict
from tests.builders import GOALS, MEASURES, approve_plan, open_case, submit_plan, transition, write_plan

migration = importlib.import_module("casework.migrations.0008_plan_submitted_at")

pytestmark = pytest.mark.django_db


def run_migration() -> None:
    migration.mark_submitted(apps, SimpleNamespace(connection=connection))


def test_a_returned_plan_and_an_approved_plan_are_marked_submitted_a_later_draft_is_not(world) -> None:
    returned = submit_plan(open_case(world.classroom, by=world.owner), by=world.owner)
    transition(returned, "return_plan", by=world.principal, comment="请写明辅导次数")
    draft = write_plan(returned, by=world.owner, goals="改过的目标")  # written after the return
    approved = approve_plan(
        submit_plan(open_case(world.classroom, by=world.owner), by=world.owner), by=world.principal
    )
    SupportPlan.objects.update(submitted_at=None)  # as the older release left them

    run_migration()

    first = SupportPlan.objects.get(case=returned, version=1)
    assert first.submitted_at is not None
    assert SupportPlan.objects.get(pk=draft.pk).submitted_at is None
    assert SupportPlan.objects.get(case=approved).submitted_at is not None
    run_migration()  # safe to run again
    assert SupportPlan.objects.get(case=returned, version=1).submitted_at == first.submitted_at

    # The returned version, written again unchanged, is refused as it is after the upgrade.
    write_plan(returned, by=world.owner, goals=GOALS, measures=MEASURES)
    with pytest.raises(Conflict):
        transition(returned, "submit_plan", by=world.owner)
    assert Case.objects.get(pk=returned.pk).state == State.PLANNING

"""Two inspectors at once: the campaign lock keeps phases apart and years unique.

Real threads with their own PostgreSQL connections, so that the writes meet in the database.
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from core.errors import Invalid
from schools.calendar import campaign_create_default, campaign_phase_update
from schools.models import Campaign, CampaignPhase
from tests.factories import BureauFactory

Kind = CampaignPhase.Kind
D = datetime.date


def race(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls at the same moment, one thread each; their results or exceptions, in order."""
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
def test_two_edits_that_overlap_only_together_cannot_both_win() -> None:
    bureau = BureauFactory.create(code="city")
    campaign, _ = campaign_create_default(bureau=bureau, year=2027, actor=None)
    winter = campaign.phases.get(kind=Kind.WINTER_VISITS)
    plans = campaign.phases.get(kind=Kind.PLANS)
    campaign_phase_update(phase=winter, starts_on=D(2027, 1, 1), ends_on=D(2027, 2, 10), actor=None)

    for _attempt in range(3):
        winter.refresh_from_db()
        plans.refresh_from_db()
        results = race(
            lambda: campaign_phase_update(
                phase=winter, starts_on=D(2027, 1, 1), ends_on=D(2027, 2, 25), actor=None
            ),
            lambda: campaign_phase_update(
                phase=plans, starts_on=D(2027, 2, 15), ends_on=D(2027, 6, 30), actor=None
            ),
        )
        failures = [r for r in results if isinstance(r, Exception)]
        assert len(failures) == 1, results
        assert isinstance(failures[0], Invalid)
        winter.refresh_from_db()
        plans.refresh_from_db()
        assert winter.ends_on < plans.starts_on
        # Put both back for the next round.
        campaign_phase_update(phase=plans, starts_on=D(2027, 3, 1), ends_on=D(2027, 6, 30), actor=None)
        campaign_phase_update(phase=winter, starts_on=D(2027, 1, 1), ends_on=D(2027, 2, 10), actor=None)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_creating_the_same_year_twice_at_once_makes_one_campaign() -> None:
    bureau = BureauFactory.create(code="city")
    results = race(*[lambda: campaign_create_default(bureau=bureau, year=2027, actor=None)] * 4)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(created for _campaign, created in results) == [False, False, False, True]
    assert Campaign.objects.count() == 1
    assert CampaignPhase.objects.count() == 4

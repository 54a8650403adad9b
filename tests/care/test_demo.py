"""The demo records tutoring with progress, counselling sessions and archives, once, through the services."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from audit.models import AuditEvent
from care.models import ArchiveEntry, CounsellingSession, SpecialGroupArchive, TutoringSession


@pytest.mark.django_db
def test_the_demo_records_care_data_once() -> None:
    call_command("demo", stdout=io.StringIO())
    levels = [s.level or 0 for s in TutoringSession.objects.order_by("held_on")]
    assert len(levels) == 4 and levels == sorted(levels) and levels[0] > 0
    sessions = CounsellingSession.objects.all()
    assert {s.attendance for s in sessions} == {"attended", "missed"}
    assert all(s.note_id for s in sessions if s.attendance == "attended")
    archives = SpecialGroupArchive.objects.count()
    assert archives >= 2 and ArchiveEntry.objects.count() == 2 * archives
    events = AuditEvent.objects.count()
    call_command("demo", stdout=io.StringIO())
    assert AuditEvent.objects.count() == events and SpecialGroupArchive.objects.count() == archives

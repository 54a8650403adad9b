"""The demo adds one submitted inspection of school A with an open rectification, and a commendation."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from audit.models import AuditEvent
from inspections.models import Inspection, Notice, Rectification


@pytest.mark.django_db
def test_the_demo_records_an_inspection_once_through_the_services() -> None:
    call_command("demo", stdout=io.StringIO())
    inspection = Inspection.objects.get()
    assert inspection.school.code == "A" and inspection.state == Inspection.State.SUBMITTED
    rectification = Rectification.objects.get()
    assert rectification.state == Rectification.State.OPEN and not rectification.is_overdue
    notice = Notice.objects.get()
    assert notice.kind == Notice.Kind.COMMENDATION
    assert [t.username for t in notice.teachers.all()] == ["teacher_a1"]
    actions = set(AuditEvent.objects.filter(school_id=inspection.school_id).values_list("action", flat=True))
    assert {"inspection.submitted", "rectification.opened", "notice.issued"} <= actions
    events = AuditEvent.objects.count()

    call_command("demo", stdout=io.StringIO())
    assert Inspection.objects.count() == Rectification.objects.count() == Notice.objects.count() == 1
    assert AuditEvent.objects.count() == events

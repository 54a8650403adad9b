"""Reads are recorded (case.viewed, pupil.viewed), and /audit/pupils/<id>/ shows who looked."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_record
from audit_browser.selectors import audit_pupil_access_log_for_user
from care.services import archive_save
from casework import notes
from casework.services import visit_create
from tests.api.helpers import api_client
from tests.audit.helpers import READERS, REFUSED
from tests.builders import open_case, schedule_visit


def as_user(client: Client, user) -> Client:
    client.force_login(user)
    return client


def shown(response) -> set[int]:
    return {int(i) for i in re.findall(r'data-event="(\d+)"', response.content.decode())}


# --- recording reads -------------------------------------------------------------------------


@pytest.mark.smoke
def test_the_case_page_records_a_case_view(world, client: Client) -> None:
    case = open_case(world.classroom, by=world.owner)
    response = as_user(client, world.owner).get(f"/cases/{case.pk}/", REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="case.viewed")
    assert event.actor == world.owner
    assert (event.target_type, event.target_id) == ("casework.case", str(case.pk))
    assert event.case_id == case.pk and event.school_id == world.school.pk
    assert event.detail == {"pupil_id": case.pupil_id}
    assert event.ip == "10.1.2.3"


def test_the_api_records_a_case_view(world) -> None:
    case = open_case(world.classroom, by=world.owner)
    assert api_client(world.principal).get(f"/api/v1/cases/{case.pk}/").status_code == 200
    event = AuditEvent.objects.get(action="case.viewed")
    assert event.actor == world.principal and event.detail == {"pupil_id": case.pupil_id}


def test_the_pupil_page_and_api_record_a_pupil_view(world, client: Client) -> None:
    case = open_case(world.classroom, by=world.owner)
    assert as_user(client, world.colleague).get(f"/schools/pupils/{case.pupil_id}/").status_code == 200
    assert api_client(world.inspector).get(f"/api/v1/pupils/{case.pupil_id}/").status_code == 200
    events = list(AuditEvent.objects.filter(action="pupil.viewed").order_by("id"))
    assert [e.actor for e in events] == [world.colleague, world.inspector]
    for event in events:
        assert (event.target_type, event.target_id) == ("schools.pupil", str(case.pupil_id))
        assert event.school_id == world.school.pk and event.case_id is None
        assert event.detail == {"pupil_id": case.pupil_id}


def test_a_refused_read_records_no_view(world, client: Client) -> None:
    case = open_case(world.classroom, by=world.owner)
    assert as_user(client, world.outsider).get(f"/cases/{case.pk}/").status_code == 404
    assert as_user(client, world.outsider).get(f"/schools/pupils/{case.pupil_id}/").status_code == 404
    assert api_client(world.outsider).get(f"/api/v1/cases/{case.pk}/").status_code == 404
    assert not AuditEvent.objects.filter(action__in=["case.viewed", "pupil.viewed"]).exists()


# --- the access log --------------------------------------------------------------------------


@pytest.fixture
def looked_at(world, client: Client):
    """A psychological case (its counsellor granted) that several people looked at, and a second
    pupil's case that must not appear in the first pupil's log."""
    case = open_case(world.classroom, by=world.owner, categories=["psychological"])
    other = open_case(world.classroom, by=world.owner)
    for user in [world.owner, world.principal]:
        as_user(Client(), user).get(f"/cases/{case.pk}/")
    as_user(Client(), world.colleague).get(f"/schools/pupils/{case.pupil_id}/")
    notes.note_list(case_id=case.pk, user=world.counsellor)
    as_user(Client(), world.inspector).get("/audit/export.csv", {"case": case.pk})
    as_user(Client(), world.owner).get(f"/cases/{other.pk}/")
    as_user(Client(), world.owner).get(f"/schools/pupils/{other.pupil_id}/")
    return case, other


@pytest.mark.parametrize("persona", READERS)
def test_the_log_shows_who_looked_at_the_pupil(world, looked_at, client: Client, persona) -> None:
    case, other = looked_at
    response = as_user(client, getattr(world, persona)).get(f"/audit/pupils/{case.pupil_id}/")
    assert response.status_code == 200
    events = AuditEvent.objects.filter(pk__in=shown(response))
    assert sorted((e.action, e.actor_id or 0) for e in events) == sorted(
        [
            ("case.viewed", world.owner.pk),
            ("case.viewed", world.principal.pk),
            ("pupil.viewed", world.colleague.pk),
            ("note.read", world.counsellor.pk),
            ("audit.exported", world.inspector.pk),
        ]
    )
    # Writes (case.open) are in the case's trail, not in the access log; the other pupil is absent.
    assert not events.filter(case_id=other.pk).exists()
    assert not events.filter(action="case.open").exists()


def test_visits_care_pages_and_the_archive_are_recorded_and_in_the_log(world) -> None:
    """Reads of home visits (with a case or without), of a case's tutoring and counselling pages
    and of the special-group archive are recorded, by page and by API, and the pupil's access log
    shows them, with an attempt refused on one of the visits."""
    case = open_case(world.classroom, by=world.owner, categories=["academic", "psychological"])
    pupil_id = case.pupil_id
    on_case = schedule_visit(case, by=world.owner)
    alone = visit_create(user=world.owner, pupil_id=pupil_id)  # a visit without a case
    archive_save(
        pupil_id=pupil_id,
        user=world.owner,
        left_behind=True,
        single_parent=False,
        migrant_child=False,
        family="父母在外务工，与祖母同住。",
    )
    other = open_case(world.classroom, by=world.owner)
    other_visit = visit_create(user=world.owner, pupil_id=other.pupil_id)
    before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    reads = [
        (world.owner, f"/visits/{on_case.pk}/"),
        (world.principal, f"/visits/{alone.pk}/"),
        (world.owner, f"/care/cases/{case.pk}/tutoring/"),
        (world.principal, f"/care/cases/{case.pk}/counselling/"),
        (world.principal, f"/care/pupils/{pupil_id}/archive/"),
        (world.owner, f"/visits/{other_visit.pk}/"),  # another pupil's
    ]
    for user, url in reads:
        assert as_user(Client(), user).get(url).status_code == 200, url
    for url in (
        f"/api/v1/visits/{alone.pk}/",
        f"/api/v1/cases/{case.pk}/visits/{on_case.pk}/",
        f"/api/v1/cases/{case.pk}/tutoring-sessions/",
        f"/api/v1/cases/{case.pk}/counselling-sessions/",
        f"/api/v1/pupils/{pupil_id}/archive/",
    ):
        assert api_client(world.inspector).get(url).status_code == 200, url
    assert as_user(Client(), world.outsider).get(f"/visits/{alone.pk}/").status_code == 404

    recorded = AuditEvent.objects.filter(pk__gt=before).exclude(action__startswith="auth.").order_by("id")
    visit, case_type, pupil_type = "casework.homevisit", "casework.case", "schools.pupil"
    assert [(e.action, e.actor_id, e.target_type, e.target_id, e.case_id) for e in recorded] == [
        ("visit.viewed", world.owner.pk, visit, str(on_case.pk), case.pk),
        ("visit.viewed", world.principal.pk, visit, str(alone.pk), None),
        ("tutoring.viewed", world.owner.pk, case_type, str(case.pk), case.pk),
        ("counselling.viewed", world.principal.pk, case_type, str(case.pk), case.pk),
        ("archive.viewed", world.principal.pk, pupil_type, str(pupil_id), None),
        ("visit.viewed", world.owner.pk, visit, str(other_visit.pk), None),
        ("visit.viewed", world.inspector.pk, visit, str(alone.pk), None),
        ("visit.viewed", world.inspector.pk, visit, str(on_case.pk), case.pk),
        ("tutoring.viewed", world.inspector.pk, case_type, str(case.pk), case.pk),
        ("counselling.viewed", world.inspector.pk, case_type, str(case.pk), case.pk),
        ("archive.viewed", world.inspector.pk, pupil_type, str(pupil_id), None),
        ("access.refused", world.outsider.pk, visit, str(alone.pk), None),
    ]
    assert {e.school_id for e in recorded} == {world.school.pk}
    pupils = [e.detail["pupil_id"] for e in recorded]
    assert pupils == [pupil_id] * 5 + [other.pupil_id] + [pupil_id] * 6

    log = as_user(Client(), world.principal).get(f"/audit/pupils/{pupil_id}/")
    assert shown(log) >= {e.pk for e in recorded if e.detail["pupil_id"] == pupil_id}
    assert not shown(log) & {e.pk for e in recorded if e.detail["pupil_id"] != pupil_id}


@pytest.mark.parametrize("persona", REFUSED)
def test_the_log_is_404_for_everyone_else(world, looked_at, client: Client, persona) -> None:
    case, _ = looked_at
    assert as_user(client, getattr(world, persona)).get(f"/audit/pupils/{case.pupil_id}/").status_code == 404


def test_the_principal_gets_404_for_a_pupil_of_the_other_school(world, client: Client) -> None:
    case = open_case(world.other_classroom, by=world.outsider)
    assert as_user(client, world.principal).get(f"/audit/pupils/{case.pupil_id}/").status_code == 404
    assert as_user(client, world.principal).get("/audit/pupils/999999/").status_code == 404
    assert as_user(client, world.inspector).get(f"/audit/pupils/{case.pupil_id}/").status_code == 200


def test_the_log_refuses_post_and_anonymous(world, client: Client) -> None:
    case = open_case(world.classroom, by=world.owner)
    assert client.get(f"/audit/pupils/{case.pupil_id}/").status_code == 302
    assert as_user(client, world.inspector).post(f"/audit/pupils/{case.pupil_id}/").status_code == 405


@pytest.mark.parametrize(("persona", "linked"), [("principal", True), ("inspector", True), ("owner", False)])
def test_the_pupil_page_links_the_log_for_readers_only(world, client: Client, persona, linked) -> None:
    case = open_case(world.classroom, by=world.owner)
    html = as_user(client, getattr(world, persona)).get(f"/schools/pupils/{case.pupil_id}/").content.decode()
    assert (f'href="/audit/pupils/{case.pupil_id}/"' in html) is linked


# --- the plan of the access-log query ---------------------------------------------------------


def _nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


@pytest.mark.postgres_only
def test_the_access_log_reads_the_event_table_through_indexes(world) -> None:
    case = open_case(world.classroom, by=world.owner)
    others = [open_case(world.classroom, by=world.owner) for _ in range(5)]
    now = timezone.now()
    rows = []
    # A few thousand events of other pupils and cases, written directly: the chain is not under test.
    for i in range(4000):
        target = others[i % 5]
        rows.append(
            AuditEvent(
                occurred_at=now,
                actor=world.owner,
                actor_label="owner",
                action="case.viewed" if i % 2 else "pupil.viewed",
                target_type="casework.case" if i % 2 else "schools.pupil",
                target_id=str(target.pk if i % 2 else target.pupil_id),
                case_id=target.pk if i % 2 else None,
                school=world.school,
                chain="bench",
                seq=i + 1,
            )
        )
    AuditEvent.objects.bulk_create(rows)
    audit_record(action="pupil.viewed", actor=world.owner, target=case.pupil, school_id=world.school.pk)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE audit_auditevent")
    events = audit_pupil_access_log_for_user(user=world.inspector, pupil=case.pupil)[:50]
    assert len(list(events)) == 1
    sql, params = events.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        (raw,) = cursor.fetchone()
    plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]
    on_events = [
        (node["Node Type"], node.get("Index Name", ""))
        for node in _nodes(plan)
        if node.get("Relation Name") == "audit_auditevent" or node.get("Index Name", "").startswith("audit_")
    ]
    assert on_events, plan
    assert all(kind != "Seq Scan" for kind, _ in on_events), on_events
    assert any(index in {"audit_target_time", "audit_case_time"} for _, index in on_events), on_events

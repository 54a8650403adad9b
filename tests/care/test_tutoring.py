"""Tutoring sessions on academic cases: who records them, the category rule, the progress page."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from audit.models import AuditEvent
from care import services
from care.models import TutoringSession
from casework.models import State
from core.errors import Conflict, Forbidden, Invalid, NotFound
from tests.api.helpers import api_client
from tests.builders import drive_to, open_case
from tests.care.helpers import days_ago, weeks_ago
from tests.casework.view_support import page


def record(case, user, *, held_on, level=None, score=None, tutor_id=None, subject="maths"):
    return services.tutoring_session_create(
        case_id=case.pk,
        user=user,
        held_on=held_on,
        subject=subject,
        duration_minutes=45,
        content="分数加减法",
        outcome="能独立完成练习",
        level=level,
        score=score,
        tutor_id=tutor_id,
    )


def test_workers_record_sessions_and_the_rules_hold(world) -> None:
    case = open_case(world.classroom, by=world.colleague, opened_at=weeks_ago())
    # The owner, naming a colleague of the school as tutor (subject teachers tutor too).
    session = record(
        case, world.colleague, held_on=days_ago(20), level=2, score=Decimal("62"), tutor_id=world.principal.pk
    )
    assert session.tutor == world.principal and session.recorded_by == world.colleague
    event = AuditEvent.objects.get(action="care.tutoring_session_create")
    assert (
        event.case_id == case.pk
        and event.detail["new"]["level"] == 2
        and event.detail["new"]["score"] == "62"
    )
    # The class teacher too; the tutor defaults to the person recording.
    assert record(case, world.owner, held_on=days_ago(10), level=3).tutor == world.owner

    # Readers and strangers: 403 / 404, whatever the input.
    for user, error in [
        (world.principal, Forbidden),
        (world.inspector, Forbidden),
        (world.counsellor, NotFound),
        (world.outsider, NotFound),
        (world.custodian, NotFound),
    ]:
        with pytest.raises(error):
            record(case, user, held_on=days_ago(1))
    # Bad input: the future, before the case, a tutor of another school, a level out of range.
    with pytest.raises(Invalid) as info:
        record(case, world.owner, held_on=days_ago(-1), level=7, tutor_id=world.outsider.pk)
    assert set(info.value.errors) == {"held_on", "level", "tutor"}
    with pytest.raises(Invalid) as info:
        record(case, world.owner, held_on=days_ago(420), score=Decimal("151"))
    assert set(info.value.errors) == {"held_on", "score"}
    assert TutoringSession.objects.filter(case=case).count() == 2


def test_only_academic_and_open_cases_take_tutoring(world) -> None:
    case = open_case(world.classroom, by=world.colleague, categories=("poverty",), opened_at=weeks_ago())
    with pytest.raises(Conflict) as info:
        record(case, world.colleague, held_on=days_ago(1))
    assert info.value.code == "not_academic"
    closed = drive_to(
        open_case(world.classroom, by=world.colleague, opened_at=weeks_ago()),
        State.CLOSED,
        leader=world.principal,
    )
    with pytest.raises(Conflict) as info:
        record(closed, world.colleague, held_on=days_ago(1))
    assert info.value.code == "invalid_state"
    assert not TutoringSession.objects.exists()


def test_the_progress_page_shows_a_chart_and_the_same_numbers(world, client: Client) -> None:
    case = open_case(world.classroom, by=world.colleague, opened_at=weeks_ago())
    for days, level, score in [(30, 2, "55"), (20, 3, "68.5"), (10, 4, "81")]:
        record(case, world.colleague, held_on=days_ago(days), level=level, score=Decimal(score))
    url = reverse("care:tutoring_list", args=[case.pk])
    html = page(client, world.owner, url)
    assert html.count("<svg") == 2 and html.count("<circle") == 6
    for level, score in [(2, "55.0"), (3, "68.5"), (4, "81.0")]:
        assert f'data-level="{level}"' in html and f'data-score="{score}"' in html
    assert 'data-link="tutoring-new"' in html
    # Readers see it without the button; strangers get a 404; the query count does not grow with rows.
    for user in (world.principal, world.inspector):
        assert 'data-link="tutoring-new"' not in page(client, user, url)
    for user in (world.outsider, world.counsellor):
        page(client, user, url, status=404)
    client.force_login(world.owner)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    record(case, world.colleague, held_on=days_ago(5), level=5, tutor_id=world.principal.pk)
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(after) == len(before)
    assert client.post(url).status_code == 405
    client.logout()
    assert client.get(url).status_code == 302


def test_recording_through_the_page(world, client: Client) -> None:
    case = open_case(world.classroom, by=world.colleague, opened_at=weeks_ago())
    url = reverse("care:tutoring_create", args=[case.pk])
    form = {
        "held_on": days_ago(3).isoformat(),
        "subject": "english",
        "duration_minutes": "40",
        "tutor": str(world.owner.pk),
        "content": "音标与单词拼读",
        "level": "3",
        "score": "",
    }
    page(client, world.owner, url)
    response = client.post(url, {**form, "held_on": days_ago(-2).isoformat()})
    assert response.status_code == 400 and "音标与单词拼读" in response.content.decode()
    assert client.post(url, form).status_code == 302
    assert TutoringSession.objects.get(case=case).level == 3
    # The case page links to it; a non-academic case shows the error and no button.
    html = page(client, world.owner, reverse("casework:case_detail", args=[case.pk]))
    assert 'data-care="tutoring"' in html
    other = open_case(world.classroom, by=world.colleague, categories=("poverty",), opened_at=weeks_ago())
    with translation.override("en"):
        html = page(client, world.owner, reverse("care:tutoring_list", args=[other.pk]))
    assert "data-not-academic" in html and 'data-link="tutoring-new"' not in html
    response = client.post(reverse("care:tutoring_create", args=[other.pk]), form)
    assert response.status_code == 409
    for user, status in [(world.principal, 403), (world.outsider, 404)]:
        client.force_login(user)
        assert client.post(url, form).status_code == status
    assert TutoringSession.objects.count() == 1


def test_the_tutoring_api(world) -> None:
    case = open_case(world.classroom, by=world.colleague, opened_at=weeks_ago())
    api = f"/api/v1/cases/{case.pk}/tutoring-sessions/"
    body = {
        "held_on": days_ago(4).isoformat(),
        "subject": "maths",
        "duration_minutes": 45,
        "content": "方程",
        "level": 3,
    }
    response = api_client(world.owner).post(api, body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["tutor"] == world.owner.pk and response.json()["level"] == 3
    response = api_client(world.colleague).post(api, {**body, "tutor": world.outsider.pk}, format="json")
    assert response.status_code == 400 and set(response.json()["errors"]) == {"tutor"}
    for user, status in [(world.principal, 403), (world.inspector, 403), (world.outsider, 404)]:
        assert api_client(user).post(api, body, format="json").status_code == status
    for user in (world.principal, world.inspector, world.colleague):
        assert api_client(user).get(api).json()["count"] == 1
    assert api_client(world.outsider).get(api).status_code == 404
    assert api_client().get(api).status_code == 401
    assert api_client(world.owner).put(api, body, format="json").status_code == 405
    assert api_client(world.owner).post(api, {**body, "level": 9}, format="json").status_code == 400
    other = open_case(
        world.classroom, by=world.colleague, categories=("psychological",), opened_at=weeks_ago()
    )
    response = api_client(world.colleague).post(
        f"/api/v1/cases/{other.pk}/tutoring-sessions/", body, format="json"
    )
    assert response.status_code == 409 and response.json()["code"] == "not_academic"

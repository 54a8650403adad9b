"""Closing a case needs an outcome (web and API); reopening clears it; state_changed_at moves."""

from __future__ import annotations

import datetime
import importlib

import pytest
import time_machine
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from casework import services
from casework.models import Case, ClosureOutcome, State
from core.errors import Invalid
from tests.api.helpers import api_client
from tests.builders import drive_to, open_case


def in_review(world) -> Case:
    return drive_to(open_case(world.classroom, by=world.colleague), State.REVIEW, leader=world.principal)


def transitions_of(case: Case) -> int:
    return AuditEvent.objects.filter(case_id=case.pk, action="case.transition").count()


@pytest.mark.smoke
def test_closing_records_the_outcome_and_reopening_clears_it(world):
    case = in_review(world)
    closed = services.case_transition(
        case_id=case.pk, user=world.principal, name="close", comment="目标达成", outcome="referred"
    )
    assert closed.state == State.CLOSED
    assert closed.closure_outcome == ClosureOutcome.REFERRED
    assert closed.closed_at is not None
    event = AuditEvent.objects.filter(case_id=case.pk, action="case.transition").latest("id")
    assert event.detail["outcome"] == "referred"

    reopened = services.case_transition(case_id=case.pk, user=world.principal, name="reopen", comment="反复")
    stored = Case.objects.get(pk=case.pk)
    assert reopened.state == stored.state == State.PLANNING
    assert stored.closure_outcome == "" and stored.closed_at is None
    event = AuditEvent.objects.filter(case_id=case.pk, action="case.transition").latest("id")
    assert event.detail["previous_outcome"] == "referred" and "outcome" not in event.detail


@pytest.mark.parametrize("outcome", ["", "   ", "solved", "RESOLVED"])
def test_closing_without_a_valid_outcome_is_refused_and_nothing_changes(world, outcome):
    case = in_review(world)
    before = transitions_of(case)
    with pytest.raises(Invalid) as refused:
        services.case_transition(
            case_id=case.pk, user=world.principal, name="close", comment="目标达成", outcome=outcome
        )
    assert refused.value.status == 400 and "outcome" in refused.value.errors
    stored = Case.objects.get(pk=case.pk)
    assert stored.state == State.REVIEW and stored.closure_outcome == "" and stored.closed_at is None
    assert transitions_of(case) == before


def test_an_outcome_is_refused_on_any_other_transition(world):
    case = in_review(world)
    with pytest.raises(Invalid) as refused:
        services.case_transition(
            case_id=case.pk, user=world.principal, name="continue_intervention", outcome="resolved"
        )
    assert "outcome" in refused.value.errors
    assert Case.objects.get(pk=case.pk).state == State.REVIEW


def test_every_transition_moves_state_changed_at(world):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        case = open_case(world.classroom, by=world.colleague)
    assert Case.objects.get(pk=case.pk).state_changed_at == start
    with time_machine.travel(start + datetime.timedelta(days=3), tick=False):
        services.case_transition(case_id=case.pk, user=world.colleague, name="draft_plan")
    assert Case.objects.get(pk=case.pk).state_changed_at == start + datetime.timedelta(days=3)


# -- the web form ---------------------------------------------------------------------------------


def test_the_close_form_asks_for_the_outcome(world, client):
    case = in_review(world)
    client.force_login(world.principal)
    html = client.get(reverse("casework:case_detail", args=[case.pk])).content.decode()
    assert 'name="outcome"' in html
    for value in ClosureOutcome.values:
        assert f'value="{value}"' in html


def test_closing_on_the_page_without_an_outcome_is_a_400_with_the_field_error(world, client):
    case = in_review(world)
    client.force_login(world.principal)
    url = reverse("casework:case_transition", args=[case.pk, "close"])

    response = client.post(url, {"comment": "目标达成"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="outcome-error-close"' in html and "目标达成" in html  # nothing typed is lost
    assert Case.objects.get(pk=case.pk).state == State.REVIEW
    assert client.post(url, {"comment": "目标达成", "outcome": "bogus"}).status_code == 400

    response = client.post(url, {"comment": "目标达成", "outcome": "improved"})
    assert response.status_code == 302
    stored = Case.objects.get(pk=case.pk)
    assert stored.state == State.CLOSED and stored.closure_outcome == "improved"
    html = client.get(reverse("casework:case_detail", args=[case.pk])).content.decode()
    assert 'data-outcome="improved"' in html


# -- the API --------------------------------------------------------------------------------------


@pytest.mark.parametrize("body", [{"comment": "好"}, {"comment": "好", "outcome": ""}])
def test_the_api_refuses_to_close_without_an_outcome(world, body):
    case = in_review(world)
    response = api_client(world.principal).post(
        f"/api/v1/cases/{case.pk}/transitions/close/", body, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "outcome" in response.json()["errors"]
    assert Case.objects.get(pk=case.pk).state == State.REVIEW


def test_the_api_refuses_an_unknown_outcome_and_closes_with_a_known_one(world):
    case = in_review(world)
    client = api_client(world.principal)
    url = f"/api/v1/cases/{case.pk}/transitions/close/"
    bad = client.post(url, {"comment": "好", "outcome": "vanished"}, format="json")
    assert bad.status_code == 400 and "outcome" in bad.json()["errors"]
    assert Case.objects.get(pk=case.pk).state == State.REVIEW

    good = client.post(url, {"comment": "好", "outcome": "left_school"}, format="json")
    assert good.status_code == 200
    assert good.json()["closure_outcome"] == "left_school"
    assert good.json()["closed_at"]


# -- the data migration ---------------------------------------------------------------------------


def test_the_data_migration_takes_the_time_of_the_latest_transition(world):
    migration = importlib.import_module("casework.migrations.0002_case_state_changed_at_closure_outcome")
    fresh = open_case(world.classroom, by=world.colleague)
    closed = drive_to(open_case(world.classroom, by=world.colleague), State.CLOSED, leader=world.principal)
    latest = AuditEvent.objects.filter(case_id=closed.pk, action="case.transition").latest("id")
    long_ago = timezone.now() - datetime.timedelta(days=400)
    Case.objects.filter(pk__in=[fresh.pk, closed.pk]).update(state_changed_at=long_ago, closed_at=None)

    for _ in range(2):  # safe to re-run
        migration.fill_state_changed_at(apps, None)

    fresh, closed = Case.objects.get(pk=fresh.pk), Case.objects.get(pk=closed.pk)
    assert fresh.state_changed_at == fresh.created_at
    assert closed.state_changed_at == latest.occurred_at
    assert closed.closed_at == latest.occurred_at

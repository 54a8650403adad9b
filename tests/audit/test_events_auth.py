"""Logins, logouts, failed logins and API tokens are audited: actor, school chain, IP, never a password."""

from __future__ import annotations

import hashlib
import json

import pytest
from django.utils.dateparse import parse_datetime
from rest_framework.test import APIClient

from audit.models import AuditEvent
from schools.models import Membership
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

IP = "10.20.30.40"


def only_event(action: str) -> AuditEvent:
    (event,) = AuditEvent.objects.filter(action=action)
    return event


@pytest.mark.smoke
def test_a_web_login_and_logout_are_recorded_in_the_users_school_chain(world, client):
    response = client.post(
        "/accounts/login/",
        {"username": "owner", "password": "pw"},
        REMOTE_ADDR=IP,
        HTTP_USER_AGENT="Firefox",
    )
    assert response.status_code == 302
    login = only_event("auth.login")
    assert (login.actor, login.school_id, login.ip, login.user_agent) == (
        world.owner,
        world.school.pk,
        IP,
        "Firefox",
    )
    assert (login.target_type, login.target_id) == ("accounts.user", str(world.owner.pk))
    assert login.chain == f"school:{world.school.pk}"
    assert login.detail == {"channel": "web"}

    response = client.post("/accounts/logout/", REMOTE_ADDR=IP)
    assert response.status_code == 302
    logout = only_event("auth.logout")
    assert (logout.actor, logout.school_id, logout.ip) == (world.owner, world.school.pk, IP)


def test_someone_in_two_schools_or_none_logs_in_on_the_bureau_chain(world, client):
    MembershipFactory.create(user=world.owner, school=world.other_school, role=Membership.Role.TEACHER)
    assert client.post("/accounts/login/", {"username": "owner", "password": "pw"}).status_code == 302
    client.post("/accounts/logout/")
    assert client.post("/accounts/login/", {"username": "inspector", "password": "pw"}).status_code == 302
    events = list(AuditEvent.objects.filter(action="auth.login").order_by("id"))
    assert [(e.actor, e.school_id, e.chain) for e in events] == [
        (world.owner, None, "bureau"),
        (world.inspector, None, "bureau"),
    ]


def test_a_failed_login_records_the_username_tried_and_never_the_password(world, client):
    response = client.post(
        "/accounts/login/", {"username": "owner", "password": "wrong-secret"}, REMOTE_ADDR=IP
    )
    assert response.status_code == 200  # the form again, with its error
    failed = only_event("auth.login_failed")
    assert (failed.actor, failed.school_id, failed.ip) == (world.owner, world.school.pk, IP)
    assert failed.detail == {"username": "owner", "channel": "web"}
    assert "wrong-secret" not in json.dumps(failed.detail) + failed.actor_label
    assert not AuditEvent.objects.filter(action="auth.login").exists()


def test_a_failed_login_with_an_unknown_username_has_no_actor_and_a_truncated_username(world, client):
    client.post("/accounts/login/", {"username": "x" * 140, "password": "pw"}, REMOTE_ADDR=IP)
    client.post("/accounts/login/", {"username": "nobody", "password": "pw"}, REMOTE_ADDR=IP)
    first, second = AuditEvent.objects.filter(action="auth.login_failed").order_by("id")
    assert (second.actor, second.school_id, second.chain) == (None, None, "bureau")
    assert second.detail == {"username": "nobody", "channel": "web"}
    assert len(first.detail["username"]) <= 150


def test_the_login_page_is_not_a_get_login_and_wrong_methods_write_nothing(world, client):
    assert client.get("/accounts/login/").status_code == 200
    assert client.get("/accounts/logout/").status_code == 405
    assert not AuditEvent.objects.filter(action__startswith="auth.").exists()


def test_an_api_token_issued_is_recorded_without_the_token(world):
    client = APIClient(REMOTE_ADDR=IP)
    response = client.post("/api/v1/auth/token/", {"username": "principal", "password": "pw"}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    issued = only_event("auth.token_issued")
    assert (issued.actor, issued.school_id, issued.ip) == (world.principal, world.school.pk, IP)
    assert issued.detail == {
        "token_id": response.json()["id"],
        "name": "",
        "expires_at": issued.detail["expires_at"],
    }
    assert parse_datetime(issued.detail["expires_at"]) == parse_datetime(response.json()["expires_at"])
    assert token not in json.dumps(issued.detail) + issued.target_id
    assert hashlib.sha256(token.encode()).hexdigest() not in json.dumps(issued.detail)
    # Every sign-in at the endpoint is a new token, and a new event.
    again = client.post("/api/v1/auth/token/", {"username": "principal", "password": "pw"}, format="json")
    latest = AuditEvent.objects.filter(action="auth.token_issued").latest("id")
    assert latest.detail["token_id"] == again.json()["id"] != response.json()["id"]


def test_a_refused_api_token_request_is_a_failed_login(world):
    response = APIClient(REMOTE_ADDR=IP).post(
        "/api/v1/auth/token/", {"username": "outsider", "password": "nope"}, format="json"
    )
    assert response.status_code == 400
    failed = only_event("auth.login_failed")
    assert (failed.actor, failed.school_id, failed.ip) == (world.outsider, world.other_school.pk, IP)
    assert failed.detail == {"username": "outsider", "channel": "api"}
    assert not AuditEvent.objects.filter(action="auth.token_issued").exists()


def test_the_token_endpoint_refuses_get(world):
    assert APIClient().get("/api/v1/auth/token/").status_code == 405
    assert not AuditEvent.objects.exists()

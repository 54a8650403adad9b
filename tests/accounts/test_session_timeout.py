"""Sessions end after WANJIA_SESSION_IDLE_MINUTES without a request and WANJIA_SESSION_MAX_HOURS
after signing in (accounts.middleware.SessionTimeoutMiddleware)."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.middleware import SEEN_AT, SIGNED_IN_AT
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db

HOME = "/accounts/home/"


def sign_in(client: Client) -> None:
    response = client.post("/accounts/login/", {"username": "owner", "password": "pw"})
    assert response.status_code == 302


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_idle_for_the_configured_minutes_ends_the_session_with_a_message(world):
    client = Client(headers={"accept-language": "en"})
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        sign_in(client)
        traveller.shift(datetime.timedelta(minutes=29, seconds=59))
        assert client.get(HOME).status_code == 200
        traveller.shift(datetime.timedelta(minutes=29, seconds=59))  # active: the clock restarted
        assert client.get(HOME).status_code == 200
        traveller.shift(datetime.timedelta(minutes=30))
        response = client.get(f"{HOME}?tab=1")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/accounts/home/%3Ftab%3D1"
    assert not signed_in(client)
    page = client.get(response["Location"]).content.decode()
    assert "You were signed out after 30 minutes without activity" in page
    assert AuditEvent.objects.filter(action="auth.logout", actor=world.owner).count() == 1


def test_the_session_ends_after_the_configured_hours_however_active(world, settings):
    settings.WANJIA_SESSION_MAX_HOURS = 2
    client = Client(headers={"accept-language": "en"})
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        sign_in(client)
        for _ in range(7):
            traveller.shift(datetime.timedelta(minutes=17))
            assert client.get(HOME).status_code == 200
        traveller.shift(datetime.timedelta(minutes=1))  # 2 hours after signing in
        response = client.get(HOME)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not signed_in(client)
    assert "a session lasts at most 2 hours" in client.get(response["Location"]).content.decode()


def test_the_idle_limit_is_configurable(world, settings):
    settings.WANJIA_SESSION_IDLE_MINUTES = 5
    client = Client()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        sign_in(client)
        traveller.shift(datetime.timedelta(minutes=5))
        assert client.get(HOME).status_code == 302
    assert not signed_in(client)


def test_signing_in_again_restarts_the_clocks(world, settings):
    settings.WANJIA_SESSION_IDLE_MINUTES = 24 * 60
    client = Client()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        sign_in(client)
        traveller.shift(datetime.timedelta(hours=1))
        client.post("/accounts/logout/")
        sign_in(client)
        assert client.session[SIGNED_IN_AT] == int(timezone.now().timestamp())
        traveller.shift(datetime.timedelta(hours=11, minutes=30))  # 12½ hours after the first
        assert client.get(HOME).status_code == 200
        traveller.shift(datetime.timedelta(minutes=30))
        assert client.get(HOME).status_code == 302


def test_reading_pages_writes_the_session_at_most_once_a_minute(world):
    client = Client()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        sign_in(client)
        assert client.get(HOME).status_code == 200  # warm up per-process caches
        traveller.shift(datetime.timedelta(seconds=30))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(HOME).status_code == 200
        assert not [q for q in captured if "django_session" in q["sql"] and not q["sql"].startswith("SELECT")]
        traveller.shift(datetime.timedelta(seconds=30))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(HOME).status_code == 200
        assert [q for q in captured if q["sql"].startswith("UPDATE") and "django_session" in q["sql"]]
        assert client.session[SEEN_AT] == int(timezone.now().timestamp())


def test_an_expired_session_at_the_api_is_a_json_401_not_a_redirect(world):
    client = Client()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        sign_in(client)
        assert client.get("/api/v1/cases/").status_code == 200
        traveller.shift(datetime.timedelta(minutes=31))
        response = client.get("/api/v1/cases/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert not signed_in(client)


def test_a_session_from_before_the_clocks_starts_them_at_its_next_request(world):
    client = Client()
    client.force_login(world.owner)
    session = client.session
    session.pop(SIGNED_IN_AT, None)
    session.pop(SEEN_AT, None)
    session.save()
    assert client.get(HOME).status_code == 200
    assert SIGNED_IN_AT in client.session and SEEN_AT in client.session


def test_token_clients_have_no_session_to_time_out(world):
    from tests.api.helpers import api_client

    client = api_client(world.owner)
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=13), tick=False):
        assert client.get("/api/v1/cases/").status_code == 200

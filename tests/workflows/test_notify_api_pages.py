"""The notifications in the app and the API: one's own only, opening marks read, the settings
page, a constant number of queries whatever the rows."""

from __future__ import annotations

import re
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tests.builders import open_case, submit_plan
from workflows.models import Notification, NotificationKind, NotificationPreference

K = NotificationKind


def client_for(user) -> Client:
    client = Client()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(user)
    return client


def api_for(user) -> APIClient:
    client = APIClient()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_authenticate(user)
    return client


@pytest.fixture
def submitted(world):
    case = open_case(world.classroom, by=world.colleague)
    submit_plan(case, by=world.colleague)
    return case


def test_the_list_says_what_to_do_and_opening_goes_to_the_work(world, submitted):
    client = client_for(world.principal)
    html = client.get("/workflows/notifications/").content.decode()
    note = Notification.objects.get(user=world.principal, kind=K.PLAN_SUBMITTED)
    assert f'data-notification="{note.pk}"' in html
    assert "please approve or return it" in html
    assert 'data-unread="1"' in html  # the menu's badge
    assert "/workflows/notifications/settings/" in html
    response = client.post(f"/workflows/notifications/{note.pk}/open/")
    assert response.status_code == 302
    assert response["Location"] == note.url
    note.refresh_from_db()
    assert note.read_at is not None
    assert client.get(note.url).status_code == 200  # the approval task opens
    assert 'data-unread="' not in client.get("/workflows/notifications/").content.decode()
    assert client.get(f"/workflows/notifications/{note.pk}/open/").status_code == 405


def test_nobody_opens_anothers_notification(world, submitted):
    note = Notification.objects.get(user=world.principal, kind=K.PLAN_SUBMITTED)
    for persona in (world.colleague, world.outsider, world.inspector):
        assert client_for(persona).post(f"/workflows/notifications/{note.pk}/open/").status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_the_settings_page_saves_and_refuses_bad_addresses(world):
    client = client_for(world.owner)
    html = client.get("/workflows/notifications/settings/").content.decode()
    assert 'name="webhook_url"' in html
    response = client.post(
        "/workflows/notifications/settings/",
        {"email": "on", "webhook_format": "wecom", "webhook_url": "http://example.com/hook"},
    )
    assert response.status_code == 400
    assert "https://" in response.content.decode()
    assert not NotificationPreference.objects.exists()
    response = client.post(
        "/workflows/notifications/settings/",
        {
            "digest": "on",
            "email": "on",
            "webhook_format": "dingtalk",
            "webhook_url": "https://oapi.dingtalk.com/robot/send?access_token=abc",
        },
    )
    assert response.status_code == 302
    pref = NotificationPreference.objects.get(user=world.owner)
    assert (pref.email, pref.digest, pref.webhook_format) == (True, True, "dingtalk")
    assert Client().get("/workflows/notifications/settings/").status_code == 302  # sign in first


def _notes(user, count: int) -> None:
    batch = uuid.uuid4()
    Notification.objects.bulk_create(
        [
            Notification(
                user=user,
                kind=K.OPINION_RECEIVED,
                event=f"test:{uuid.uuid4()}",
                school=None,
                url="/opinions/",
                params={"opinion": n, "who": "王校长"},
                batch=batch,
            )
            for n in range(count)
        ]
    )


def test_the_list_page_and_the_api_cost_the_same_queries_for_1_or_30(world):
    client = client_for(world.principal)
    api = api_for(world.principal)
    counts = []
    for count in (1, 30):
        Notification.objects.all().delete()
        _notes(world.principal, count)
        Notification.objects.update(school=world.school)
        with CaptureQueriesContext(connection) as page:
            response = client.get("/workflows/notifications/")
        assert response.status_code == 200
        assert len(re.findall(r'data-notification="', response.content.decode())) == count
        with CaptureQueriesContext(connection) as listed:
            assert api.get("/api/v1/notifications/").json()["count"] == count
        counts.append((len(page), len(listed)))
    assert counts[0] == counts[1]


def test_the_api_lists_ones_own_and_marks_read(world, submitted):
    note = Notification.objects.get(user=world.principal, kind=K.PLAN_SUBMITTED)
    api = api_for(world.principal)
    body = api.get("/api/v1/notifications/").json()
    assert body["count"] == 1
    row = body["results"][0]
    assert set(row) == {"id", "kind", "kind_label", "text", "action_url", "task", "created_at", "read_at"}
    assert row["kind"] == "plan_submitted"
    assert row["kind_label"] == "Plan waiting for approval"
    assert row["action_url"] == note.url
    assert row["read_at"] is None
    assert api.get("/api/v1/notifications/?unread=true").json()["count"] == 1
    assert api.get("/api/v1/notifications/?unread=false").json()["count"] == 0
    assert api.get("/api/v1/notifications/?unread=maybe").status_code == 400
    response = api.post(f"/api/v1/notifications/{note.pk}/read/")
    assert response.status_code == 200
    assert response.json()["read_at"] is not None
    assert api.get("/api/v1/notifications/?unread=true").json()["count"] == 0
    # Others' notifications: 404, untouched.
    other = api_for(world.colleague)
    assert other.get("/api/v1/notifications/").json()["count"] == 0
    response = other.post(f"/api/v1/notifications/{note.pk}/read/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert api_for(world.outsider).post(f"/api/v1/notifications/{note.pk}/read/").status_code == 404
    assert APIClient().get("/api/v1/notifications/").status_code == 401
    assert api.get(f"/api/v1/notifications/{note.pk}/read/").status_code == 405


def test_the_api_preferences(world):
    api = api_for(world.owner)
    assert api.get("/api/v1/notifications/preferences/").json() == {
        "email": True,
        "digest": False,
        "webhook_format": "",
        "webhook_url": "",
    }
    response = api.put(
        "/api/v1/notifications/preferences/",
        {"email": False, "digest": False, "webhook_format": "wecom", "webhook_url": "https://evil.example/x"},
        format="json",
    )
    assert response.status_code == 400
    assert "webhook_url" in response.json()["errors"]
    good = {
        "email": False,
        "digest": True,
        "webhook_format": "wecom",
        "webhook_url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc",
    }
    response = api.put("/api/v1/notifications/preferences/", good, format="json")
    assert response.status_code == 200
    assert response.json() == good
    assert api.get("/api/v1/notifications/preferences/").json() == good
    # A field left out keeps its value; a body with none changes nothing (never a 500).
    assert api.put("/api/v1/notifications/preferences/", {"digest": False}, format="json").status_code == 200
    assert api.get("/api/v1/notifications/preferences/").json() == {**good, "digest": False}
    assert api.put("/api/v1/notifications/preferences/", {}, format="json").json() == {
        **good,
        "digest": False,
    }

"""GET /api/v1/auth/tokens/ and DELETE /api/v1/auth/tokens/{id}/: a person's own live tokens."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from accounts.models import ApiToken
from accounts.services import api_token_issue, api_token_revoke
from audit.models import AuditEvent
from tests.api.helpers import api_client

FIELDS = {"id", "name", "prefix", "created_at", "expires_at", "last_used_at"}


def login(username: str, name: str = "") -> tuple[APIClient, dict]:
    body = (
        APIClient().post("/api/v1/auth/token/", {"username": username, "password": "pw", "name": name}).json()
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    return client, body


@pytest.mark.smoke
def test_the_owner_lists_their_live_tokens_without_keys(world):
    phone, issued = login("owner", "手机")
    _tablet, _ = login("owner", "平板")
    revoked, _key = api_token_issue(user=world.owner, name="旧电脑")
    api_token_revoke(user=world.owner, token_id=revoked.pk)
    api_token_issue(user=world.colleague, name="同事的手机")

    response = phone.get("/api/v1/auth/tokens/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [row["name"] for row in body["results"]] == ["平板", "手机"]  # newest first
    assert all(set(row) == FIELDS for row in body["results"])
    assert issued["token"] not in response.content.decode()
    mine = next(row for row in body["results"] if row["id"] == issued["id"])
    assert mine["prefix"] == issued["token"][:8]
    assert mine["last_used_at"] is not None  # this very request


def test_the_owner_revokes_a_token_and_it_stops_working(world):
    phone, _ = login("owner", "手机")
    tablet, tablet_body = login("owner", "平板")
    response = phone.delete(f"/api/v1/auth/tokens/{tablet_body['id']}/")
    assert response.status_code == 204
    assert tablet.get("/api/v1/auth/tokens/").status_code == 401
    assert phone.get("/api/v1/auth/tokens/").json()["count"] == 1
    token = ApiToken.objects.get(pk=tablet_body["id"])
    assert token.revoked_reason == ApiToken.Reason.OWNER
    event = AuditEvent.objects.get(action="auth.token_revoked")
    assert event.detail == {"token_ids": [tablet_body["id"]], "reason": "owner"}
    assert event.actor_id == world.owner.pk


def test_a_token_may_revoke_itself(world):
    phone, body = login("owner")
    assert phone.delete(f"/api/v1/auth/tokens/{body['id']}/").status_code == 204
    assert phone.get("/api/v1/auth/tokens/").status_code == 401


@pytest.mark.parametrize("whose", ["colleague", "outsider"])
def test_anothers_token_is_a_404_and_stays_live(world, whose):
    theirs, _key = api_token_issue(user=getattr(world, whose))
    response = api_client(world.owner).delete(f"/api/v1/auth/tokens/{theirs.pk}/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_a_revoked_or_unknown_token_is_a_404(world):
    client = api_client(world.owner)
    gone, _key = api_token_issue(user=world.owner)
    api_token_revoke(user=world.owner, token_id=gone.pk)
    assert client.delete(f"/api/v1/auth/tokens/{gone.pk}/").status_code == 404
    assert client.delete("/api/v1/auth/tokens/999999/").status_code == 404


def test_without_a_token_both_are_401(world):
    token, _key = api_token_issue(user=world.owner)
    assert APIClient().get("/api/v1/auth/tokens/").status_code == 401
    assert APIClient().delete(f"/api/v1/auth/tokens/{token.pk}/").status_code == 401


def test_wrong_methods_are_405(world):
    client = api_client(world.owner)
    token, _key = api_token_issue(user=world.owner)
    assert client.post("/api/v1/auth/tokens/", {}).status_code == 405
    assert client.get(f"/api/v1/auth/tokens/{token.pk}/").status_code == 405
    assert client.patch(f"/api/v1/auth/tokens/{token.pk}/", {}).status_code == 405


def test_with_a_session_a_revocation_needs_the_csrf_token(world):
    token, _key = api_token_issue(user=world.owner)
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.owner)
    assert client.get("/api/v1/auth/tokens/").status_code == 200
    assert client.delete(f"/api/v1/auth/tokens/{token.pk}/").status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None

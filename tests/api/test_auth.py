"""Tokens: obtain one, use it; without one (or with a bad one) every endpoint answers 401 JSON."""

from __future__ import annotations

import datetime

import pytest
from django.utils.dateparse import parse_datetime
from rest_framework.test import APIClient

from accounts.models import ApiToken
from tests.api.helpers import api_client
from tests.builders import open_case


@pytest.mark.smoke
def test_a_token_is_obtained_with_username_and_password_and_then_used(world):
    client = APIClient()
    response = client.post("/api/v1/auth/token/", {"username": "owner", "password": "pw"}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    assert set(response.json()) == {"token", "id", "expires_at"}

    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/cases/").status_code == 200
    # Another sign-in (another device) gets a token of its own; both work.
    again = APIClient().post("/api/v1/auth/token/", {"username": "owner", "password": "pw"}, format="json")
    assert again.status_code == 200
    assert again.json()["token"] != token and again.json()["id"] != response.json()["id"]
    other = APIClient()
    other.credentials(HTTP_AUTHORIZATION=f"Token {again.json()['token']}")
    assert other.get("/api/v1/cases/").status_code == 200
    assert client.get("/api/v1/cases/").status_code == 200


def test_a_token_may_be_named_for_its_device_and_expires_after_the_configured_days(world, settings):
    settings.WANJIA_TOKEN_DAYS = 7
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "owner", "password": "pw", "name": "王老师的手机"}, format="json"
    )
    assert response.status_code == 200
    token = ApiToken.objects.get(pk=response.json()["id"])
    assert token.name == "王老师的手机"
    assert token.expires_at - token.created_at == datetime.timedelta(days=7)
    assert parse_datetime(response.json()["expires_at"]) == token.expires_at


def test_a_device_name_longer_than_64_characters_is_a_400(world):
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "owner", "password": "pw", "name": "x" * 65}, format="json"
    )
    assert response.status_code == 400
    assert "name" in response.json()["errors"]
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {"username": "owner", "password": "wrong"},
        {"username": "nobody", "password": "pw"},
        {"username": "owner"},
        {},
    ],
)
def test_bad_credentials_are_a_400_json(world, body):
    response = APIClient().post("/api/v1/auth/token/", body, format="json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert {"detail", "code"} <= set(response.json())
    assert "token" not in response.json()


def test_an_inactive_user_gets_no_token(world):
    world.owner.is_active = False
    world.owner.save(update_fields=["is_active"])
    response = APIClient().post("/api/v1/auth/token/", {"username": "owner", "password": "pw"}, format="json")
    assert response.status_code == 400


def test_a_stale_token_header_does_not_block_logging_in(world):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    response = client.post("/api/v1/auth/token/", {"username": "owner", "password": "pw"}, format="json")
    assert response.status_code == 200


def test_the_token_endpoint_only_takes_post(world):
    response = APIClient().get("/api/v1/auth/token/")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


@pytest.mark.smoke
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/cases/"),
        ("post", "/api/v1/cases/"),
        ("get", "/api/v1/cases/{case}/"),
        ("post", "/api/v1/cases/{case}/transitions/draft_plan/"),
        ("get", "/api/v1/cases/{case}/plans/"),
        ("get", "/api/v1/cases/{case}/visits/"),
        ("get", "/api/v1/cases/{case}/notes/"),
        ("get", "/api/v1/pupils/"),
        ("get", "/api/v1/pupils/1/"),
    ],
)
def test_without_a_token_every_endpoint_is_401_json(world, method, path):
    case = open_case(world.classroom, by=world.owner)
    response = getattr(APIClient(), method)(path.format(case=case.pk), {}, format="json")
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "not_authenticated"
    assert body["detail"]
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize("header", ["Token 0123456789abcdef0123456789abcdef01234567", "Token", "Token a b"])
def test_a_bad_token_is_401(world, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get("/api/v1/cases/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
    assert response.json()["detail"]


def test_the_token_of_a_deactivated_user_stops_working(world):
    client = api_client(world.owner)
    assert client.get("/api/v1/cases/").status_code == 200
    world.owner.is_active = False
    world.owner.save(update_fields=["is_active"])
    assert client.get("/api/v1/cases/").status_code == 401

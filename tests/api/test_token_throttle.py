"""The token endpoint limits attempts per client address (WANJIA_TOKEN_RATE)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import override_settings
from rest_framework.test import APIClient

from audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


def post(client: APIClient, password: str) -> Any:
    response = client.post("/api/v1/auth/token/", {"username": "owner", "password": password}, format="json")
    return response


@override_settings(WANJIA_TOKEN_RATE="3/minute")
def test_attempts_beyond_the_rate_are_refused_with_429_json(world):
    client = APIClient(REMOTE_ADDR="10.5.5.5")
    assert [post(client, "wrong").status_code for _ in range(3)] == [400, 400, 400]
    refused = post(client, "pw")  # even the right password, once over the limit
    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/json"
    assert refused.json()["code"] == "throttled" and "detail" in refused.json()
    assert "Retry-After" in refused
    # Refused before authentication: no further failed-login event, no token.
    assert AuditEvent.objects.filter(action="auth.login_failed").count() == 3
    assert not AuditEvent.objects.filter(action="auth.token_issued").exists()
    # Another address has its own allowance.
    assert post(APIClient(REMOTE_ADDR="10.5.5.6"), "pw").status_code == 200


@override_settings(WANJIA_TOKEN_RATE="2/minute", WANJIA_TRUST_X_FORWARDED_FOR=False)
def test_a_forged_forwarded_for_header_does_not_reset_the_allowance(world):
    codes = [
        post(APIClient(REMOTE_ADDR="10.5.5.7", HTTP_X_FORWARDED_FOR=f"192.0.2.{i}"), "wrong").status_code
        for i in range(3)
    ]
    assert codes == [400, 400, 429]


def test_a_malformed_rate_stops_start_up():
    from tests.config.test_settings import GOOD_KEY, run_manage

    result = run_manage("check", SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="x.example", WANJIA_TOKEN_RATE="lots")
    assert result.returncode != 0
    assert "WANJIA_TOKEN_RATE must look like 10/minute" in result.stderr

"""POST /api/v1/auth/token/ with two-factor sign-in: the optional "otp" field, 403
mfa_required without it. Accounts without a second factor keep the contract unchanged."""

from __future__ import annotations

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from accounts.models import ApiToken
from audit.models import AuditEvent
from tests.api.helpers import api_client
from tests.mfa.helpers import enrol, fresh_code

pytestmark = pytest.mark.django_db

URL = "/api/v1/auth/token/"
REQUIRED = override_settings(WANJIA_MFA_REQUIRED=True)


def ask(user, **extra: str):
    return APIClient(REMOTE_ADDR="10.7.7.7", HTTP_ACCEPT_LANGUAGE="en").post(
        URL, {"username": user.username, "password": "pw", **extra}, format="json"
    )


def test_without_a_second_factor_the_password_is_enough(world) -> None:
    response = ask(world.counsellor)
    assert response.status_code == 200
    assert set(response.json()) == {"token", "id", "expires_at"}
    with REQUIRED:
        assert ask(world.owner).status_code == 200  # a teacher need not have one


def test_with_one_the_password_alone_gets_403_mfa_required(world) -> None:
    enrol(world.counsellor)
    response = ask(world.counsellor)
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "mfa_required"
    assert '"otp"' in body["detail"]
    assert ask(world.counsellor, otp="").status_code == 403
    assert not ApiToken.objects.exists()
    assert not AuditEvent.objects.filter(action="auth.token_issued").exists()


def test_with_the_code_the_token(world) -> None:
    device, _codes = enrol(world.counsellor)
    response = ask(world.counsellor, otp=fresh_code(device))
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "id", "expires_at"}
    assert ApiToken.objects.get(pk=body["id"]).user == world.counsellor
    assert AuditEvent.objects.filter(action="auth.token_issued", actor=world.counsellor).count() == 1


def test_a_wrong_code_is_a_400_on_the_field_and_is_recorded(world) -> None:
    device, _codes = enrol(world.counsellor)
    wrong = f"{(int(fresh_code(device)) + 1) % 1_000_000:06d}"
    response = ask(world.counsellor, otp=wrong)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["errors"]) == ["otp"]
    failed = AuditEvent.objects.get(action="mfa.code_failed")
    assert (failed.actor, failed.ip) == (world.counsellor, "10.7.7.7")
    assert failed.detail == {"stage": "sign_in", "kind": "totp", "channel": "api", "throttled": False}
    # The throttle was kept although the request failed: the right code must wait too.
    assert ask(world.counsellor, otp=fresh_code(device)).status_code == 400
    assert not ApiToken.objects.exists()


def test_a_recovery_code_gets_the_token_once(world) -> None:
    _device, codes = enrol(world.counsellor)
    assert ask(world.counsellor, otp=codes[0]).status_code == 200
    assert AuditEvent.objects.get(action="mfa.recovery_used").detail == {"channel": "api", "left": 9}
    assert ask(world.counsellor, otp=codes[0]).status_code == 400


def test_a_wrong_password_says_nothing_about_the_second_factor(world) -> None:
    enrol(world.counsellor)
    response = APIClient().post(URL, {"username": "counsellor", "password": "nope"}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


@REQUIRED
def test_when_required_and_not_set_up_no_token_even_with_a_code(world) -> None:
    for extra in ({}, {"otp": "123456"}):
        response = ask(world.counsellor, **extra)
        assert response.status_code == 403
        assert response.json()["code"] == "mfa_required"
        assert "website" in response.json()["detail"]
    assert not ApiToken.objects.exists()


@REQUIRED
def test_a_token_already_issued_is_not_a_session(world) -> None:
    """Tokens are asked for the second factor when they are issued, not on every call."""
    assert api_client(world.counsellor).get("/api/v1/pupils/").status_code == 200

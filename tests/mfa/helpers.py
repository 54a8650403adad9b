"""Helpers for two-factor sign-in tests: enrolling through the service, the codes an
authenticator app would show, and the two login steps as a browser makes them."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from django.test import Client
from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from mfa.selectors import recovery_codes_for_user
from mfa.services import new_totp_key, totp_enrol

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse

    from accounts.models import User

LOGIN_URL = "/accounts/login/"
HOME_URL = "/accounts/home/"
VERIFY_URL = "/accounts/2fa/verify/"
ENROL_URL = "/accounts/2fa/enrol/"
STEP = 30


def app_code(key: bytes, *, step: int | None = None) -> str:
    """What an authenticator app with this secret shows at time step ``step`` (default: now)."""
    return f"{hotp(key, int(time.time()) // STEP if step is None else step):06d}"


def fresh_code(device: TOTPDevice) -> str:
    """A code the device accepts now: the current step, or the next one if the current one was
    used already (a code works once; the app's clock may run a step ahead)."""
    device.refresh_from_db()
    return app_code(device.bin_key, step=max(int(time.time()) // STEP, device.last_t + 1))


def enrol(user: User) -> tuple[TOTPDevice, list[str]]:
    """The user sets up an authenticator app (through the service); its device and recovery codes."""
    key = new_totp_key()
    device = totp_enrol(user=user, key=key, code=app_code(bytes.fromhex(key)))
    return device, recovery_codes_for_user(user=user)


def password_step(client: Client, user: User) -> _MonkeyPatchedWSGIResponse:
    """The login page with the user's password (the factories' "pw")."""
    response = client.post(LOGIN_URL, {"username": user.username, "password": "pw"})
    assert response.status_code == 302, response
    return response


def sign_in(client: Client, user: User, device: TOTPDevice) -> None:
    """Both steps: password, then a fresh code from the app."""
    password_step(client, user)
    response = client.post(VERIFY_URL, {"otp": fresh_code(device)})
    assert response.status_code == 302, response.content.decode()

"""Setting up an authenticator app (QR code and key, confirmed by a code) and the recovery codes,
shown once and made anew on request."""

from __future__ import annotations

import base64
import datetime
import re

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEvent
from tests.mfa.helpers import ENROL_URL, HOME_URL, VERIFY_URL, app_code, enrol, password_step, sign_in

pytestmark = pytest.mark.django_db

STATUS_URL = "/accounts/2fa/"
CODES_URL = "/accounts/2fa/recovery-codes/"
EN = {"accept-language": "en"}


def shown_secret(html: str) -> str:
    match = re.search(r'data-mfa-secret="([A-Z2-7]+)"', html)
    assert match, html
    return match.group(1)


def shown_codes(html: str) -> list[str]:
    return re.findall(r'data-recovery-code="([a-z2-7]+)"', html)


@pytest.fixture
def signed_in(world) -> Client:
    client = Client(REMOTE_ADDR="10.4.4.4")
    password_step(client, world.owner)
    return client


def test_the_status_page_offers_to_set_it_up(world, signed_in: Client) -> None:
    html = signed_in.get(STATUS_URL, headers=EN).content.decode()
    assert 'data-mfa-status="off"' in html
    assert f'href="{ENROL_URL}"' in html
    assert Client().get(STATUS_URL)["Location"].startswith("/accounts/login/")


def test_the_enrolment_page_shows_a_qr_code_and_the_key_and_stores_nothing(world, signed_in: Client) -> None:
    page = signed_in.get(ENROL_URL, headers=EN)
    html = page.content.decode()
    assert page.status_code == 200
    qr = html[html.index("<figure") : html.index("</figure>")]
    assert "<svg" in qr and "<path" in qr
    # No inline script (the site's one module, static/js/wanjia.js, comes from our static files).
    assert not re.search(r"<script(?![^>]*\ssrc=)", html) and "onclick" not in html and "data:" not in html
    secret = shown_secret(html)
    assert base64.b32decode(secret).hex() == signed_in.session["wanjia_mfa_enrol_key"]
    assert len(secret) == 32  # 160 bits
    # Reloading keeps the key (the app may have scanned it already); no device until confirmed.
    assert shown_secret(signed_in.get(ENROL_URL).content.decode()) == secret
    assert not TOTPDevice.objects.exists()


def test_a_wrong_code_enrols_nothing(world, signed_in: Client) -> None:
    secret = shown_secret(signed_in.get(ENROL_URL).content.decode())
    wrong = f"{(int(app_code(base64.b32decode(secret))) + 1) % 1_000_000:06d}"
    response = signed_in.post(ENROL_URL, {"otp": wrong}, headers=EN)
    assert response.status_code == 400
    assert "That code is not right" in response.content.decode()
    assert shown_secret(response.content.decode()) == secret
    assert not TOTPDevice.objects.exists()
    failed = AuditEvent.objects.get(action="mfa.code_failed")
    assert failed.detail == {"stage": "enrol", "kind": "totp", "channel": "web", "throttled": False}


def test_the_right_code_turns_it_on_and_shows_the_recovery_codes_once(world, signed_in: Client) -> None:
    secret = shown_secret(signed_in.get(f"{ENROL_URL}?next=/cases/").content.decode())
    response = signed_in.post(ENROL_URL, {"otp": app_code(base64.b32decode(secret)), "next": "/cases/"})
    assert response.status_code == 302
    assert response["Location"] == f"{CODES_URL}?next=%2Fcases%2F"
    device = TOTPDevice.objects.get(user=world.owner)
    assert device.confirmed and device.key == base64.b32decode(secret).hex()
    assert "wanjia_mfa_enrol_key" not in signed_in.session

    page = signed_in.get(response["Location"]).content.decode()
    codes = shown_codes(page)
    assert len(codes) == 10
    assert sorted(codes) == sorted(
        StaticToken.objects.filter(device__user=world.owner).values_list("token", flat=True)
    )
    assert 'href="/cases/" data-continue' in page
    again = signed_in.get(CODES_URL, headers=EN).content.decode()
    assert shown_codes(again) == []
    assert "10 recovery codes left." in again

    enrolled = AuditEvent.objects.get(action="mfa.enrol")
    assert (enrolled.actor, enrolled.school_id, enrolled.ip, enrolled.detail) == (
        world.owner,
        world.school.pk,
        "10.4.4.4",
        {"recovery_codes": 10},
    )
    # This session has passed its second factor; the status page says it is on.
    assert signed_in.get(HOME_URL).status_code == 200
    assert 'data-mfa-status="on"' in signed_in.get(STATUS_URL).content.decode()
    assert signed_in.get(ENROL_URL)["Location"] == STATUS_URL


def test_new_recovery_codes_replace_the_old(world, client: Client) -> None:
    device, old = enrol(world.owner)
    sign_in(client, world.owner, device)
    response = client.post(CODES_URL)
    assert response["Location"] == CODES_URL
    new = shown_codes(client.get(CODES_URL).content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert AuditEvent.objects.get(action="mfa.recovery_regenerated").detail == {"recovery_codes": 10}

    client.post("/accounts/logout/")
    password_step(client, world.owner)
    assert client.post(VERIFY_URL, {"otp": old[0]}).status_code == 400
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=3)):  # past the throttle
        assert client.post(VERIFY_URL, {"otp": new[0]}).status_code == 302


def test_no_recovery_codes_before_enrolling(world, signed_in: Client) -> None:
    assert signed_in.get(CODES_URL)["Location"] == STATUS_URL
    assert signed_in.post(CODES_URL)["Location"] == STATUS_URL
    assert not StaticToken.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="mfa.").exists()


def test_the_pages_refuse_other_methods(world, signed_in: Client) -> None:
    assert signed_in.post(STATUS_URL).status_code == 405
    assert signed_in.put(ENROL_URL).status_code == 405
    assert signed_in.delete(CODES_URL).status_code == 405

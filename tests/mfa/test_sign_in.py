"""The login in two steps once a person has a second factor: password, then the code (or a
recovery code). The setting WANJIA_MFA_REQUIRED is off here (as in the demo)."""

from __future__ import annotations

import datetime
import re
import time

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from audit.models import AuditEvent
from mfa.selectors import mfa_step_for_user
from tests.api.helpers import api_client
from tests.factories import UserFactory
from tests.mfa.helpers import (
    HOME_URL,
    LOGIN_URL,
    VERIFY_URL,
    app_code,
    enrol,
    fresh_code,
    password_step,
    sign_in,
)

pytestmark = pytest.mark.django_db

EN = {"accept-language": "en"}


def test_without_a_second_factor_the_password_is_enough(world, client: Client) -> None:
    response = password_step(client, world.counsellor)
    assert response["Location"] == HOME_URL
    page = client.get(HOME_URL)
    assert page.status_code == 200
    assert 'class="mainnav"' in page.content.decode()
    assert mfa_step_for_user(user=world.counsellor) == "none"


def test_with_an_authenticator_the_code_comes_after_the_password(world, client: Client) -> None:
    device, _codes = enrol(world.counsellor)
    password_step(client, world.counsellor)

    # Every page leads to the code page first, and back afterwards.
    response = client.get("/cases/?state=identified")
    assert response.status_code == 302
    assert response["Location"] == f"{VERIFY_URL}?next=%2Fcases%2F%3Fstate%3Didentified"
    assert client.get(HOME_URL)["Location"] == f"{VERIFY_URL}?next=%2Faccounts%2Fhome%2F"
    page = client.get(f"{VERIFY_URL}?next=/cases/", headers=EN)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="otp"' in html and 'autocomplete="one-time-code"' in html
    assert 'class="mainnav"' not in html  # no menu before the second step
    assert "Log out" in html

    response = client.post(VERIFY_URL, {"otp": fresh_code(device), "next": "/cases/?state=identified"})
    assert response.status_code == 302
    assert response["Location"] == "/cases/?state=identified"
    assert client.get(HOME_URL).status_code == 200
    assert client.get(VERIFY_URL)["Location"] == HOME_URL  # nothing owed any more
    assert not AuditEvent.objects.filter(action="mfa.code_failed").exists()


def test_the_session_key_changes_when_the_code_is_accepted(world, client: Client) -> None:
    device, _codes = enrol(world.counsellor)
    password_step(client, world.counsellor)
    before = client.session.session_key
    client.post(VERIFY_URL, {"otp": fresh_code(device)})
    assert client.session.session_key != before


def test_a_wrong_code_is_refused_recorded_and_slows_the_next_try(world) -> None:
    device, _codes = enrol(world.counsellor)
    client = Client(REMOTE_ADDR="10.1.2.3")
    password_step(client, world.counsellor)
    wrong = f"{(int(fresh_code(device)) + 1) % 1_000_000:06d}"

    response = client.post(VERIFY_URL, {"otp": wrong}, headers=EN)
    assert response.status_code == 400
    assert "That code is not right" in response.content.decode()
    failed = AuditEvent.objects.get(action="mfa.code_failed")
    assert (failed.actor, failed.target_id, failed.school_id, failed.ip) == (
        world.counsellor,
        str(world.counsellor.pk),
        world.school.pk,
        "10.1.2.3",
    )
    assert failed.detail == {"stage": "sign_in", "kind": "totp", "channel": "web", "throttled": False}

    # Straight after a failure even the right code waits (django-otp doubles the wait each time).
    response = client.post(VERIFY_URL, {"otp": fresh_code(device)}, headers=EN)
    assert response.status_code == 400
    assert "Too many wrong codes" in response.content.decode()
    assert AuditEvent.objects.filter(action="mfa.code_failed").latest("id").detail["throttled"] is True
    assert client.get(HOME_URL).status_code == 302

    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=3)):
        response = client.post(VERIFY_URL, {"otp": fresh_code(device)})
        assert response.status_code == 302
        assert client.get(HOME_URL).status_code == 200


def test_a_code_from_the_app_works_once(world) -> None:
    device, _codes = enrol(world.counsellor)
    first = Client()
    password_step(first, world.counsellor)
    code = fresh_code(device)
    assert first.post(VERIFY_URL, {"otp": code}).status_code == 302

    second = Client()
    password_step(second, world.counsellor)
    assert second.post(VERIFY_URL, {"otp": code}).status_code == 400
    assert second.get(HOME_URL).status_code == 302


def test_an_old_code_is_refused(world, client: Client) -> None:
    device, _codes = enrol(world.counsellor)
    password_step(client, world.counsellor)
    old = app_code(device.bin_key, step=int(time.time()) // 30 - 3)
    assert client.post(VERIFY_URL, {"otp": old}).status_code == 400


def test_a_recovery_code_signs_in_once(world, client: Client) -> None:
    _device, codes = enrol(world.counsellor)
    assert len(codes) == 10 and len(set(codes)) == 10
    password_step(client, world.counsellor)
    # Typed as people do: with capitals and a space.
    typed = f"{codes[3][:4].upper()} {codes[3][4:]}"
    response = client.post(VERIFY_URL, {"otp": typed}, headers=EN, follow=True)
    assert response.status_code == 200
    assert "You used a recovery code; 9 left." in response.content.decode()
    used = AuditEvent.objects.get(action="mfa.recovery_used")
    assert used.detail == {"channel": "web", "left": 9}

    client.post("/accounts/logout/")
    password_step(client, world.counsellor)
    assert client.post(VERIFY_URL, {"otp": codes[3]}).status_code == 400
    assert AuditEvent.objects.get(action="mfa.code_failed").detail["kind"] == "recovery"


def test_logging_out_and_the_language_stay_open_while_the_code_is_owed(world, client: Client) -> None:
    enrol(world.counsellor)
    password_step(client, world.counsellor)
    response = client.post("/i18n/setlang/", {"language": "en", "next": VERIFY_URL})
    assert response.status_code == 302 and response["Location"] == VERIFY_URL
    response = client.post("/accounts/logout/")
    assert response["Location"] == LOGIN_URL
    assert "_auth_user_id" not in client.session


def test_next_leads_only_to_our_own_pages(world, client: Client) -> None:
    device, _codes = enrol(world.counsellor)
    password_step(client, world.counsellor)
    response = client.post(VERIFY_URL, {"otp": fresh_code(device), "next": "https://evil.example/"})
    assert response["Location"] == HOME_URL


def test_the_code_page_takes_get_and_post_only(world, client: Client) -> None:
    enrol(world.counsellor)
    password_step(client, world.counsellor)
    assert client.put(VERIFY_URL).status_code == 405
    assert Client().get(VERIFY_URL)["Location"].startswith(LOGIN_URL)


def test_the_api_refuses_a_session_that_owes_its_code_but_not_a_token(world, client: Client) -> None:
    device, _codes = enrol(world.counsellor)
    password_step(client, world.counsellor)
    response = client.get("/api/v1/pupils/")
    assert response.status_code == 403
    assert response.json()["code"] == "mfa_required"
    assert response["Content-Type"] == "application/json"

    # A token is not a session: the token endpoint asked for the code when it was issued.
    tokened = api_client(world.counsellor)
    tokened.cookies = client.cookies
    assert tokened.get("/api/v1/pupils/").status_code == 200

    client.post(VERIFY_URL, {"otp": fresh_code(device)})
    assert client.get("/api/v1/pupils/").status_code == 200


def test_the_admin_asks_for_the_code_too(world, client: Client) -> None:
    root = UserFactory.create(username="root", is_staff=True, is_superuser=True)
    device, _codes = enrol(root)
    password_step(client, root)
    response = client.get("/admin/")
    assert response["Location"] == f"{VERIFY_URL}?next=%2Fadmin%2F"
    client.post(VERIFY_URL, {"otp": fresh_code(device)})
    assert client.get("/admin/").status_code == 200


def test_the_code_page_sends_a_verified_session_on(world, client: Client) -> None:
    device, _codes = enrol(world.counsellor)
    sign_in(client, world.counsellor, device)
    assert client.get(f"{VERIFY_URL}?next=/cases/")["Location"] == "/cases/"


def test_a_password_reset_does_not_skip_the_second_factor(world, client: Client) -> None:
    """ASVS 6.4.3: the e-mailed reset sets the password only; the login after it still asks for
    the code."""
    from django.core import mail

    enrol(world.counsellor)
    world.counsellor.email = "counsellor@example.cn"
    world.counsellor.save()
    client.post("/accounts/password/reset/", {"email": "counsellor@example.cn"})
    (message,) = mail.outbox
    path = re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/)", str(message.body))
    assert path is not None, message.body
    form_page = client.get(path.group(1), follow=True)
    new_password = "a-long-new-pass-phrase-for-the-test"
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password}
    )
    assert done.status_code == 302
    assert client.get(HOME_URL)["Location"].startswith(LOGIN_URL)  # the reset logged nobody in

    response = client.post(LOGIN_URL, {"username": world.counsellor.username, "password": new_password})
    assert response.status_code == 302
    assert client.get(HOME_URL)["Location"].startswith(VERIFY_URL)
    assert mfa_step_for_user(user=world.counsellor) == "verify"

"""API tokens: stored only as a digest, expiring, revocable, revoked by any password change."""

from __future__ import annotations

import datetime
import hashlib
import json

import pytest
import time_machine
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken, User
from accounts.services import api_token_issue, api_token_revoke, api_tokens_revoke_all
from accounts.signals import api_token_issued, api_tokens_revoked
from audit.models import AuditEvent
from core.errors import NotFound
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def token_client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def works(key: str) -> bool:
    response = token_client(key).get("/api/v1/auth/tokens/")
    assert response.status_code in (200, 401), response.content
    return response.status_code == 200


def test_only_the_keys_digest_is_stored(world):
    token, key = api_token_issue(user=world.owner, name="手机")
    assert token.digest == hashlib.sha256(key.encode()).hexdigest()
    assert token.prefix == key[:8]
    assert len(key) >= 40
    stored = json.dumps(list(ApiToken.objects.values()), default=str)
    assert key not in stored
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_apitoken")
        assert key not in repr(cursor.fetchall())


def test_issuing_is_audited_without_the_key(world):
    token, key = api_token_issue(user=world.owner, name="手机")
    (event,) = AuditEvent.objects.filter(action="auth.token_issued")
    assert (event.actor_id, event.target_id, event.school_id) == (
        world.owner.pk,
        str(world.owner.pk),
        world.school.pk,
    )
    assert event.detail["token_id"] == token.pk and event.detail["name"] == "手机"
    assert key not in json.dumps(event.detail) and token.digest not in json.dumps(event.detail)


def test_the_audit_trail_listens_to_the_token_signals():
    assert api_token_issued.has_listeners() and api_tokens_revoked.has_listeners()


def test_a_token_expires_after_the_configured_days(world, settings):
    settings.WANJIA_TOKEN_DAYS = 3
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        _token, key = api_token_issue(user=world.owner)
        traveller.shift(datetime.timedelta(days=3) - datetime.timedelta(seconds=1))
        assert works(key)
        traveller.shift(datetime.timedelta(seconds=1))
        response = token_client(key).get("/api/v1/auth/tokens/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
    assert response["WWW-Authenticate"] == "Token"


def test_a_revoked_token_is_refused_and_cannot_be_revoked_twice(world):
    token, key = api_token_issue(user=world.owner)
    api_token_revoke(user=world.owner, token_id=token.pk)
    assert not works(key)
    with pytest.raises(NotFound):
        api_token_revoke(user=world.owner, token_id=token.pk)
    (event,) = AuditEvent.objects.filter(action="auth.token_revoked")
    assert event.detail == {"token_ids": [token.pk], "reason": "owner"}
    assert event.actor_id == world.owner.pk


def test_nobody_revokes_anothers_token(world):
    token, key = api_token_issue(user=world.owner)
    with pytest.raises(NotFound):
        api_token_revoke(user=world.colleague, token_id=token.pk)
    assert works(key)


def test_last_used_is_written_at_most_once_a_minute(world):
    token, key = api_token_issue(user=world.owner)
    client = token_client(key)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        first = timezone.now()
        assert client.get("/api/v1/auth/tokens/").status_code == 200
        token.refresh_from_db()
        assert token.last_used_at == first
        traveller.shift(datetime.timedelta(seconds=59))
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/v1/auth/tokens/").status_code == 200
        assert not [q for q in captured if q["sql"].startswith("UPDATE")]
        token.refresh_from_db()
        assert token.last_used_at == first
        traveller.shift(datetime.timedelta(seconds=1))
        assert client.get("/api/v1/auth/tokens/").status_code == 200
        token.refresh_from_db()
        assert token.last_used_at == first + datetime.timedelta(seconds=60)


def test_past_the_cap_the_least_recently_used_token_is_replaced(world, settings):
    settings.WANJIA_TOKEN_MAX_PER_USER = 3
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        keys = []
        for _ in range(3):
            keys.append(api_token_issue(user=world.owner)[1])
            traveller.shift(datetime.timedelta(minutes=5))
        assert works(keys[0])  # the oldest is used; the second is now the least recently used
        traveller.shift(datetime.timedelta(minutes=5))
        _newest, fourth = api_token_issue(user=world.owner)
    assert [works(key) for key in [*keys, fourth]] == [True, False, True, True]
    assert ApiToken.objects.live().filter(user=world.owner).count() == 3
    replaced = AuditEvent.objects.get(action="auth.token_revoked")
    assert replaced.detail["reason"] == "replaced" and replaced.actor_id is None


# --- any password change revokes every token -------------------------------------------------


def test_set_password_and_save_revokes_every_token(world):
    keys = [api_token_issue(user=world.owner)[1] for _ in range(2)]
    other = api_token_issue(user=world.colleague)[1]
    world.owner.set_password("An0ther-secret!")
    world.owner.save()
    assert [works(key) for key in keys] == [False, False]
    assert works(other)
    (event,) = AuditEvent.objects.filter(action="auth.token_revoked")
    assert event.detail["reason"] == "password_changed" and len(event.detail["token_ids"]) == 2


def test_saving_without_a_new_password_keeps_the_tokens(world):
    _token, key = api_token_issue(user=world.owner)
    world.owner.full_name = "新名字"
    world.owner.save()
    assert works(key)


def test_a_password_hash_upgrade_is_not_a_change(world, settings):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    assert world.owner.password.startswith("md5$")
    _token, key = api_token_issue(user=world.owner)
    assert world.owner.check_password("pw")  # upgrades the MD5 hash and saves it
    world.owner.refresh_from_db()
    assert world.owner.password.startswith("pbkdf2_sha256$")
    assert works(key)


def test_an_unusable_password_revokes_the_tokens(world):
    _token, key = api_token_issue(user=world.owner)
    world.owner.set_unusable_password()
    world.owner.save()
    assert not works(key)


def test_a_new_user_with_a_password_is_saved_as_usual():
    user = User.objects.create_user(username="newcomer", password="Pa55-phrase!")
    assert user.check_password("Pa55-phrase!")


def test_the_password_change_form_revokes_the_tokens(world):
    _token, key = api_token_issue(user=world.owner)
    form = PasswordChangeForm(
        world.owner,
        {"old_password": "pw", "new_password1": "N3w-pass-phrase!", "new_password2": "N3w-pass-phrase!"},
    )
    assert form.is_valid(), form.errors
    form.save()
    assert not works(key)


def test_a_password_reset_revokes_the_tokens(world):
    _token, key = api_token_issue(user=world.owner)
    form = SetPasswordForm(
        world.owner, {"new_password1": "N3w-pass-phrase!", "new_password2": "N3w-pass-phrase!"}
    )
    assert form.is_valid(), form.errors
    form.save()
    assert not works(key)


def test_a_password_set_in_the_admin_revokes_the_tokens(world):
    root = UserFactory.create(username="root", is_staff=True, is_superuser=True)
    staff = Client()
    staff.force_login(root)
    _token, key = api_token_issue(user=world.owner)
    response = staff.post(
        f"/admin/accounts/user/{world.owner.pk}/password/",
        {"password1": "N3w-pass-phrase!", "password2": "N3w-pass-phrase!", "usable_password": "true"},
    )
    assert response.status_code == 302
    assert not works(key)


def test_revoking_all_revokes_only_live_tokens(world, settings):
    settings.WANJIA_TOKEN_DAYS = 1
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        api_token_issue(user=world.owner)
        traveller.shift(datetime.timedelta(days=2))
        live, _key = api_token_issue(user=world.owner)
        revoked = api_tokens_revoke_all(user=world.owner, reason=ApiToken.Reason.SIGNED_OUT_EVERYWHERE)
    assert [token.pk for token in revoked] == [live.pk]

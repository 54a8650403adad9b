"""Ending every session and token of a person, as leaving and a password reset need."""

import pytest
from django.urls import reverse

from accounts.models import ApiToken
from accounts.services import api_token_issue, user_sign_out_everywhere
from audit.models import AuditEvent
from tests.api.helpers import api_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_sign_out_everywhere_ends_other_sessions_and_tokens(client):
    user = UserFactory.create()
    client.force_login(user)
    assert client.get(reverse("portal:home")).status_code == 200
    api = api_client(user)
    api_token_issue(user=user, name="平板")
    assert api.get("/api/v1/auth/tokens/").status_code == 200

    user_sign_out_everywhere(user=user)

    response = client.get(reverse("portal:home"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
    assert not ApiToken.objects.live().filter(user=user).exists()
    assert set(ApiToken.objects.filter(user=user).values_list("revoked_reason", flat=True)) == {
        ApiToken.Reason.SIGNED_OUT_EVERYWHERE
    }
    assert api.get("/api/v1/auth/tokens/").status_code == 401
    (event,) = AuditEvent.objects.filter(action="auth.token_revoked")
    assert event.detail["reason"] == "signed_out_everywhere" and len(event.detail["token_ids"]) == 2
    assert event.actor_id is None and event.target_id == str(user.pk)


def test_other_users_keep_their_sessions_and_tokens(client):
    user, other = UserFactory.create(), UserFactory.create()
    client.force_login(other)
    api = api_client(other)
    user_sign_out_everywhere(user=user)
    assert client.get(reverse("portal:home")).status_code == 200
    assert api.get("/api/v1/auth/tokens/").status_code == 200

"""Ending every session and token of a person, as leaving and a password reset need."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

from accounts.services import user_sign_out_everywhere
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_sign_out_everywhere_ends_other_sessions_and_tokens(client):
    user = UserFactory.create()
    client.force_login(user)
    assert client.get(reverse("portal:home")).status_code == 200
    Token.objects.create(user=user)

    user_sign_out_everywhere(user=user)

    response = client.get(reverse("portal:home"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
    assert not Token.objects.filter(user=user).exists()


def test_other_users_keep_their_sessions(client):
    user, other = UserFactory.create(), UserFactory.create()
    client.force_login(other)
    user_sign_out_everywhere(user=user)
    assert client.get(reverse("portal:home")).status_code == 200

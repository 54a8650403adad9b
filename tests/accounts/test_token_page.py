"""/accounts/tokens/: a person sees their own live tokens (never a key) and revokes them."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import ApiToken
from accounts.services import api_token_issue, api_token_revoke

URL = "/accounts/tokens/"

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.smoke
def test_the_page_lists_the_owners_live_tokens_and_no_key(world):
    phone, phone_key = api_token_issue(user=world.owner, name="王老师的手机")
    unnamed, _key = api_token_issue(user=world.owner)
    gone, _key = api_token_issue(user=world.owner, name="旧电脑")
    api_token_revoke(user=world.owner, token_id=gone.pk)
    theirs, _key = api_token_issue(user=world.colleague, name="同事的手机")

    response = signed_in(world.owner).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-token="{phone.pk}"' in html and f'data-token="{unnamed.pk}"' in html
    assert f'data-token="{gone.pk}"' not in html and f'data-token="{theirs.pk}"' not in html
    assert "王老师的手机" in html and phone.prefix in html
    assert phone_key not in html and phone.digest not in html
    english = signed_in(world.owner).get(URL, headers={"accept-language": "en"}).content.decode()
    assert "Unnamed device" in english


def test_every_page_links_to_it(world):
    html = signed_in(world.owner).get("/accounts/home/").content.decode()
    assert f'href="{URL}" data-nav="tokens"' in html


def test_with_no_token_the_page_says_so(world):
    html = signed_in(world.owner).get(URL).content.decode()
    assert "data-no-tokens" in html


def test_the_owner_revokes_a_token_from_the_page(world):
    token, _key = api_token_issue(user=world.owner, name="手机")
    client = signed_in(world.owner)
    response = client.post(f"{URL}{token.pk}/revoke/")
    assert response.status_code == 302 and response["Location"] == URL
    token.refresh_from_db()
    assert token.revoked_reason == ApiToken.Reason.OWNER
    page = client.get(URL).content.decode()
    assert f'data-token="{token.pk}"' not in page
    assert token.prefix in page  # the message names the token revoked


@pytest.mark.parametrize("whose", ["colleague", "outsider"])
def test_anothers_token_is_a_404(world, whose):
    theirs, _key = api_token_issue(user=getattr(world, whose))
    response = signed_in(world.owner).post(f"{URL}{theirs.pk}/revoke/")
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_revoking_needs_a_post(world):
    token, _key = api_token_issue(user=world.owner)
    assert signed_in(world.owner).get(f"{URL}{token.pk}/revoke/").status_code == 405
    assert signed_in(world.owner).post(URL).status_code == 405


def test_revoking_needs_the_csrf_token(world):
    token, _key = api_token_issue(user=world.owner)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.owner)
    assert client.post(f"{URL}{token.pk}/revoke/").status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None


def test_signed_out_people_are_sent_to_log_in(world):
    token, _key = api_token_issue(user=world.owner)
    for response in (Client().get(URL), Client().post(f"{URL}{token.pk}/revoke/")):
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")

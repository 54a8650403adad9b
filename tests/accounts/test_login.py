"""Logging in and logging out."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import UserFactory

LOGIN_URL = "/accounts/login/"


@pytest.mark.django_db
def test_a_wrong_password_does_not_log_in() -> None:
    UserFactory.create(username="someone")
    client = Client()
    response = client.post(LOGIN_URL, {"username": "someone", "password": "wrong"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.smoke
@pytest.mark.django_db
def test_the_login_page_is_in_chinese_by_default(client: Client) -> None:
    response = client.get(LOGIN_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="zh-hans"' in html
    assert "登录万家" in html
    assert "用户名" in html


@pytest.mark.django_db
def test_the_login_page_speaks_english_when_asked(client: Client) -> None:
    response = client.get(LOGIN_URL, headers={"accept-language": "en"})
    html = response.content.decode()
    assert 'lang="en"' in html
    assert "Log in to Wanjia" in html


@pytest.mark.smoke
@pytest.mark.django_db
def test_logout_needs_a_post(client: Client) -> None:
    client.force_login(UserFactory.create())
    assert client.get("/accounts/logout/").status_code == 405
    assert "_auth_user_id" in client.session

    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == LOGIN_URL
    assert "_auth_user_id" not in client.session

"""Failed sign-ins lock the account and the client address, at the web login, the admin login and
the token endpoint alike (django-axes, accounts/lockout.py). Counts live in the database; the
test across two server processes is test_lockout_two_servers.py."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken
from audit.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"
TOKEN = "/api/v1/auth/token/"


def web(client: Client, username: str, password: str, path: str = LOGIN) -> int:
    return client.post(path, {"username": username, "password": password}).status_code


def api(client: APIClient, username: str, password: str):
    return client.post(TOKEN, {"username": username, "password": password}, format="json")


def test_the_fifth_wrong_password_locks_the_web_login_with_a_translated_page(world, settings):
    assert settings.AXES_FAILURE_LIMIT == settings.WANJIA_LOGIN_FAILURE_LIMIT == 5
    client = Client()
    assert [web(client, "owner", "wrong") for _ in range(4)] == [200] * 4
    locked = client.post(LOGIN, {"username": "owner", "password": "wrong"}, headers={"accept-language": "en"})
    assert locked.status_code == 429
    assert 'data-page="locked-out"' in locked.content.decode()
    assert "try again in 15 minutes" in locked.content.decode()
    assert locked["Retry-After"] == str(15 * 60)
    # The right password too, while it lasts; and no session.
    assert web(client, "owner", "pw") == 429
    assert "_auth_user_id" not in client.session
    # Every attempt is in the audit trail, the refused ones too.
    assert AuditEvent.objects.filter(action="auth.login_failed").count() == 6


def test_the_lockout_page_is_in_chinese_by_default(world):
    client = Client()
    for _ in range(5):
        response = client.post(LOGIN, {"username": "owner", "password": "wrong"})
    assert response.status_code == 429
    assert 'lang="zh-hans"' in response.content.decode()


def test_the_lockout_ends_after_the_configured_minutes_and_attempts_meanwhile_do_not_extend_it(world):
    client = Client()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(5):
            web(client, "owner", "wrong")
        traveller.shift(datetime.timedelta(minutes=10))
        assert web(client, "owner", "pw") == 429
        traveller.shift(datetime.timedelta(minutes=5, seconds=1))
        assert web(client, "owner", "pw") == 302
    assert "_auth_user_id" in client.session


def test_the_account_is_locked_from_every_address(world):
    for i in range(5):
        web(Client(REMOTE_ADDR=f"10.1.1.{i}"), "owner", "wrong")
    assert web(Client(REMOTE_ADDR="10.1.1.99"), "owner", "pw") == 429
    # Another account from those addresses is not.
    assert web(Client(REMOTE_ADDR="10.1.1.0"), "colleague", "pw") == 302


def test_a_correct_password_clears_that_accounts_failures(world):
    client = Client()
    for _ in range(4):
        web(client, "owner", "wrong")
    assert web(client, "owner", "pw") == 302
    client.post("/accounts/logout/")
    assert [web(client, "owner", "wrong") for _ in range(4)] == [200] * 4


def test_signing_in_to_ones_own_account_does_not_clear_guesses_at_another(world):
    """Axes' reset on success would clear the whole address: anyone with an account could then
    guess at others' passwords without end, signing in between guesses."""
    client = Client()
    for _ in range(4):
        web(client, "owner", "wrong")
    assert web(client, "colleague", "pw") == 302
    client.post("/accounts/logout/")
    assert web(client, "owner", "wrong") == 429


def test_the_address_locks_after_its_own_higher_limit(world, settings):
    settings.WANJIA_LOGIN_ADDRESS_FAILURE_LIMIT = 8
    client = Client(REMOTE_ADDR="10.2.2.2")
    usernames = ["owner", "colleague", "principal", "nobody1", "nobody2", "nobody3", "nobody4"]
    assert [web(client, name, "wrong") for name in usernames] == [200] * 7  # no account reaches 5
    assert web(client, "nobody5", "wrong") == 429  # the address's 8th
    assert web(client, "counsellor", "pw") == 429  # every account, from this address
    assert web(Client(REMOTE_ADDR="10.2.2.3"), "counsellor", "pw") == 302  # but not from another


def test_the_admin_login_is_locked_too(world):
    client = Client()
    assert [web(client, "owner", "wrong", ADMIN_LOGIN) for _ in range(4)] == [200] * 4
    assert web(client, "owner", "wrong", ADMIN_LOGIN) == 429
    # One count for all the ways in: the web login is locked as well.
    assert web(Client(), "owner", "pw") == 429


def test_the_token_endpoint_answers_a_json_429_locked_out(world):
    client = APIClient(REMOTE_ADDR="10.5.5.5")
    assert [api(client, "owner", "wrong").status_code for _ in range(4)] == [400] * 4
    locked = api(client, "owner", "wrong")
    assert locked.status_code == 429
    assert locked["Content-Type"] == "application/json"
    assert locked.json()["code"] == "locked_out" and locked.json()["detail"]
    assert locked["Retry-After"] == str(15 * 60)
    refused = api(APIClient(REMOTE_ADDR="10.5.5.6"), "owner", "pw")  # the right password, elsewhere
    assert refused.status_code == 429 and refused.json()["code"] == "locked_out"
    assert not ApiToken.objects.exists()
    assert not AuditEvent.objects.filter(action="auth.token_issued").exists()


def test_failures_at_the_api_and_on_the_web_add_up(world):
    for _ in range(3):
        api(APIClient(), "owner", "wrong")
    for _ in range(2):
        web(Client(), "owner", "wrong")
    assert api(APIClient(), "owner", "pw").status_code == 429


def test_a_request_missing_the_password_is_not_a_failed_sign_in(world):
    for _ in range(6):
        assert APIClient().post(TOKEN, {"username": "owner"}, format="json").status_code == 400
    assert api(APIClient(), "owner", "pw").status_code == 200


def test_a_forged_forwarded_for_header_does_not_reset_the_address_count(world, settings):
    settings.WANJIA_TRUST_X_FORWARDED_FOR = False
    settings.WANJIA_LOGIN_ADDRESS_FAILURE_LIMIT = 3
    codes = [
        web(Client(REMOTE_ADDR="10.5.5.7", HTTP_X_FORWARDED_FOR=f"192.0.2.{i}"), f"nobody{i}", "wrong")
        for i in range(3)
    ]
    assert codes == [200, 200, 429]


def test_behind_a_trusted_proxy_the_forwarded_address_is_counted(world, settings):
    settings.WANJIA_TRUST_X_FORWARDED_FOR = True
    settings.WANJIA_LOGIN_ADDRESS_FAILURE_LIMIT = 3
    codes = [
        web(Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"192.0.2.{i}"), f"nobody{i}", "wrong")
        for i in range(3)
    ]
    assert codes == [200, 200, 200]  # three clients behind one proxy
    # The address recorded is the client's, in the lockout's count and the audit trail alike.
    event = AuditEvent.objects.filter(action="auth.login_failed").latest("id")
    assert event.ip == "192.0.2.2"


def test_a_superuser_unlocks_an_account_in_the_admin_and_it_is_audited(world):
    for _ in range(5):
        web(Client(REMOTE_ADDR="10.7.7.7"), "owner", "wrong")
    assert web(Client(), "owner", "pw") == 429
    root = UserFactory.create(username="root", is_staff=True, is_superuser=True)
    staff = Client(REMOTE_ADDR="10.9.9.9")
    staff.force_login(root)
    listing = staff.get("/admin/axes/accessattempt/?username=owner")
    assert listing.status_code == 200
    attempts = list(AccessAttempt.objects.filter(username="owner").values_list("pk", flat=True))
    response = staff.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": attempts, "post": "yes"},
    )
    assert response.status_code == 302
    assert web(Client(), "owner", "pw") == 302
    deleted = AuditEvent.objects.filter(action="admin.delete", actor=root)
    assert deleted.count() == len(attempts) and deleted[0].detail["model"] == "axes.accessattempt"

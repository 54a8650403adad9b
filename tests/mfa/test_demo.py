"""`make run` lets a newcomer straight in: with WANJIA_MFA_REQUIRED off (local settings), the
demo's leaders, counsellor and inspector log in with their password alone. Production turns the
setting on."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from schools.demo import DEFAULT_PASSWORD
from tests.config.test_settings import GOOD_KEY, run_manage
from tests.mfa.helpers import HOME_URL, LOGIN_URL

pytestmark = pytest.mark.django_db


def test_the_demo_people_get_straight_in() -> None:
    assert settings.WANJIA_MFA_REQUIRED is False
    call_command("demo", stdout=StringIO())
    for username in ("principal_a", "counsellor_a", "admin_a", "inspector"):
        client = Client()
        response = client.post(LOGIN_URL, {"username": username, "password": DEFAULT_PASSWORD})
        assert response["Location"] == HOME_URL, username
        assert client.get(HOME_URL).status_code == 200, username


def production_setting(tmp_path: Path, **env: str) -> str:
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.WANJIA_MFA_REQUIRED)",
        SECRET_KEY=GOOD_KEY,
        ALLOWED_HOSTS="wanjia.example.edu.cn",
        WANJIA_VAR_DIR=str(tmp_path),
        **env,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]  # (the shell first says what it imported)


def test_production_turns_it_on_unless_told_otherwise(tmp_path: Path) -> None:
    assert production_setting(tmp_path) == "True"
    assert production_setting(tmp_path, WANJIA_MFA_REQUIRED="false") == "False"

"""Production settings refuse to start misconfigured, and pass Django's deployment checks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTES_KEY = "NmpyxO-PuOwj_otfFQ01bnAD2nEveiwHzpOf-sMnXwo="  # a key made for this test only
GOOD_KEY = "k7#Qm2@vX9!pL4$wR8^tZ1&nB6*cF3(hJ5)dG0-sY-a-long-enough-random-secret"


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SECRET_KEY", "DEBUG"))}
    clean.pop("ALLOWED_HOSTS", None)
    clean.pop("WANJIA_NOTES_KEYS", None)
    clean.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "WANJIA_NOTES_KEYS": NOTES_KEY,
            **env,
        }
    )
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_check_deploy_is_clean_with_real_values(tmp_path: Path) -> None:
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=GOOD_KEY,
        ALLOWED_HOSTS="wanjia.example.edu.cn",
        WANJIA_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_cookies_are_secure_host_only_cookies(tmp_path: Path) -> None:
    script = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SESSION_COOKIE_DOMAIN, s.CSRF_COOKIE_DOMAIN, s.SESSION_COOKIE_PATH, s.CSRF_COOKIE_PATH, "
        "s.WANJIA_WEBHOOK_BACKEND)"
    )
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        script,
        SECRET_KEY=GOOD_KEY,
        ALLOWED_HOSTS="wanjia.example.edu.cn",
        WANJIA_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    # __Host- cookies must be Secure, have no Domain and the path /, or browsers drop them.
    assert result.stdout.split() == [
        "__Host-sessionid",
        "__Host-csrftoken",
        "True",
        "True",
        "None",
        "None",
        "/",
        "/",
        # The WeCom/DingTalk robots a user chose are really called (the base settings only log).
        "core.webhooks.HttpWebhookSender",
    ]


def test_production_check_deploy_is_clean_with_an_sms_gateway(tmp_path: Path) -> None:
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=GOOD_KEY,
        ALLOWED_HOSTS="wanjia.example.edu.cn",
        WANJIA_VAR_DIR=str(tmp_path),
        WANJIA_SMS_GATEWAY_URL="https://sms.example.edu.cn/send",
        WANJIA_SMS_GATEWAY_TOKEN="gateway-token",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_check_deploy_warns_about_a_development_sms_sender(tmp_path: Path) -> None:
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=GOOD_KEY,
        ALLOWED_HOSTS="wanjia.example.edu.cn",
        WANJIA_VAR_DIR=str(tmp_path),
        WANJIA_SMS_BACKEND="core.sms.ConsoleSender",
    )
    assert result.returncode != 0
    assert "core.W001" in result.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"ALLOWED_HOSTS": "wanjia.example.edu.cn"}, "SECRET_KEY"),
        ({"SECRET_KEY": "short", "ALLOWED_HOSTS": "wanjia.example.edu.cn"}, "SECRET_KEY"),
        (
            {"SECRET_KEY": "django-insecure-" + GOOD_KEY, "ALLOWED_HOSTS": "wanjia.example.edu.cn"},
            "SECRET_KEY",
        ),
        ({"SECRET_KEY": GOOD_KEY}, "ALLOWED_HOSTS"),
        (
            {"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "x.example", "WANJIA_NOTES_KEYS": ""},
            "WANJIA_NOTES_KEYS",
        ),
        (
            {
                "SECRET_KEY": GOOD_KEY,
                "ALLOWED_HOSTS": "x.example",
                "WANJIA_NOTES_KEYS": "fifJe7-neJuiuZR6nplm1StLzkIFtumnqnFqfWbEp7k=",
            },
            "WANJIA_NOTES_KEYS",
        ),
        ({"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "x.example", "DEBUG": "true"}, "DEBUG must be off"),
        (
            {"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "x.example", "WANJIA_BREAK_GLASS_MINUTES": "0"},
            "WANJIA_BREAK_GLASS_MINUTES",
        ),
        ({"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "x.example", "DEBUG": "maybe"}, "not a boolean"),
        (
            {"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "x.example", "DATABASE_URL": "nosuchdb://x/y"},
            "DATABASE_URL",
        ),
        (
            {"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "x.example", "WANJIA_LOGIN_FAILURE_LIMIT": "0"},
            "WANJIA_LOGIN_FAILURE_LIMIT='0' is below its minimum, 1.",
        ),
        (
            {"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "x.example", "WANJIA_SESSION_IDLE_MINUTES": "soon"},
            "WANJIA_SESSION_IDLE_MINUTES='soon' is not a whole number.",
        ),
    ],
)
def test_production_refuses_to_start_misconfigured(env: dict[str, str], message: str) -> None:
    result = run_manage("check", **env)
    assert result.returncode != 0
    assert message in result.stderr


def test_secret_key_can_come_from_a_mounted_file(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_text(GOOD_KEY + "\n", encoding="utf-8")
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.SECRET_KEY[:6])",
        SECRET_KEY_FILE=str(secret),
        ALLOWED_HOSTS="x.example",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == GOOD_KEY[:6]


@pytest.mark.smoke
def test_language_and_time_settings() -> None:
    from django.conf import settings

    assert settings.LANGUAGE_CODE == "zh-hans"
    assert [code for code, _ in settings.LANGUAGES] == ["zh-hans", "en"]
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ is True


def test_postgres_connections_use_the_psycopg_pool() -> None:
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("pool applies to PostgreSQL")
    assert db["OPTIONS"]["pool"]["max_size"] >= 1


def test_the_retired_token_rate_is_reported_not_ignored_silently(tmp_path: Path) -> None:
    """WANJIA_TOKEN_RATE limited the token endpoint per worker; the sign-in lockout replaced it."""
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=GOOD_KEY,
        ALLOWED_HOSTS="wanjia.example.edu.cn",
        WANJIA_VAR_DIR=str(tmp_path),
        WANJIA_TOKEN_RATE="10/minute",
    )
    assert result.returncode != 0
    assert "accounts.W001" in result.stderr and "WANJIA_LOGIN_FAILURE_LIMIT" in result.stderr


def test_sign_in_settings_have_their_documented_defaults() -> None:
    from django.conf import settings

    assert (settings.WANJIA_TOKEN_DAYS, settings.WANJIA_TOKEN_MAX_PER_USER) == (30, 10)
    assert (settings.WANJIA_LOGIN_FAILURE_LIMIT, settings.WANJIA_LOGIN_ADDRESS_FAILURE_LIMIT) == (5, 30)
    assert settings.AXES_COOLOFF_TIME.total_seconds() == settings.WANJIA_LOGIN_LOCKOUT_MINUTES * 60 == 15 * 60
    assert (settings.WANJIA_SESSION_IDLE_MINUTES, settings.WANJIA_SESSION_MAX_HOURS) == (30, 12)
    assert settings.SESSION_COOKIE_AGE == 12 * 60 * 60
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
    assert "rest_framework.authtoken" not in settings.INSTALLED_APPS

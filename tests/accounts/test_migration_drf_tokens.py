"""The migration that carries DRF's plain-text tokens over to hashed ApiTokens and drops their table.

Rows are written directly here: the point is a database as an older release left it (DRF's
``authtoken_token`` table, with its keys in clear), which the application can no longer make.
"""

from __future__ import annotations

import datetime
import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken

migration = importlib.import_module("accounts.migrations.0004_carry_over_drf_tokens")

pytestmark = pytest.mark.django_db

OLD_KEY = "0123456789abcdef0123456789abcdef01234567"  # DRF's keys: 40 hex digits


def make_drf_table(rows: list[tuple[str, int, datetime.datetime]]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, created timestamp with time zone "
            "NOT NULL, user_id bigint NOT NULL UNIQUE)"
        )
        cursor.execute(
            "INSERT INTO django_migrations (app, name, applied) VALUES ('authtoken', '0001_initial', %s)",
            [timezone.now()],
        )
        for key, user_id, created in rows:
            cursor.execute(
                "INSERT INTO authtoken_token (key, user_id, created) VALUES (%s, %s, %s)",
                [key, user_id, created],
            )


def run_migration() -> None:
    migration.carry_over_drf_tokens(apps, SimpleNamespace(connection=connection))


def test_old_tokens_keep_working_hashed_and_their_table_is_gone(world, settings):
    settings.WANJIA_TOKEN_DAYS = 30
    created = timezone.now() - datetime.timedelta(days=400)
    make_drf_table([(OLD_KEY, world.owner.pk, created), ("f" * 40, world.colleague.pk, created)])

    run_migration()

    assert "authtoken_token" not in connection.introspection.table_names()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM django_migrations WHERE app = 'authtoken'")
        assert cursor.fetchone()[0] == 0
    token = ApiToken.objects.get(user=world.owner)
    assert token.prefix == OLD_KEY[:8] and token.created_at == created and token.name == ""
    assert timezone.now() + datetime.timedelta(days=29) < token.expires_at
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {OLD_KEY}")
    assert client.get("/api/v1/auth/tokens/").status_code == 200
    assert ApiToken.objects.count() == 2


def test_without_the_old_table_it_does_nothing_and_may_run_again(world):
    run_migration()
    run_migration()
    assert not ApiToken.objects.exists()
